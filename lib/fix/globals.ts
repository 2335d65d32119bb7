/**
 * SAM `Globals`: a serverless resource that does not set a property takes it from `Globals`. When the value
 * a fix replaces comes from there, the fix belongs in `Globals`, and only when every resource that takes the
 * value from there has the same fix: otherwise changing it would change resources nobody reported.
 */
import type { FixEdit } from '../engine/finding';
import { asIntrinsic, isPlainObject } from '../template/intrinsics';
import { formatPath, parsePath, type JsonPath } from '../template/path';
import { SAM_GLOBAL_TYPES } from '../template/sam';
import { Refusal } from './plan';

/** A fix moved to `Globals`, and the resources (logical ids) that take the value from there. */
export interface GlobalsTarget {
  readonly edit: FixEdit;
  readonly inheritors: readonly string[];
}

/** Where a fix that sets a property of a SAM resource must go instead, when the value comes from `Globals`. */
export function globalsTarget(doc: unknown, edit: FixEdit): GlobalsTarget | undefined {
  if (!('value' in edit) || !isPlainObject(doc) || !isPlainObject(doc.Globals) || !isPlainObject(doc.Resources))
    return undefined;
  const path = parsePath(edit.path);
  if (path.length < 4 || path[0] !== 'Resources' || path[2] !== 'Properties') return undefined;
  const resources = doc.Resources;
  const resource = resources[String(path[1])];
  if (!isPlainObject(resource) || typeof resource.Type !== 'string') return undefined;
  const section = Object.keys(SAM_GLOBAL_TYPES).find((k) => SAM_GLOBAL_TYPES[k] === resource.Type);
  const globals = section === undefined ? undefined : doc.Globals[section];
  if (!isPlainObject(globals)) return undefined;
  const rest = path.slice(3);
  const where = ['Globals', section!, ...rest];
  if (!inherits(resource, globals, rest, where)) return undefined;
  const inheritors = Object.keys(resources).filter((id) => {
    const other = resources[id];
    return isPlainObject(other) && other.Type === resource.Type && inherits(other, globals, rest, where);
  });
  return { edit: { path: formatPath(where), value: edit.value }, inheritors };
}

/**
 * Whether the resource takes the value at `rest` (under Properties) from `Globals`, merging the way SAM does:
 * the resource's own value wins; mappings merge key by key; an intrinsic function on either side is a whole
 * value. Refused when the inherited value is computed in `Globals` on the way down.
 */
function inherits(
  resource: Record<string, unknown>,
  globals: Record<string, unknown>,
  rest: JsonPath,
  where: JsonPath,
): boolean {
  const props = resource.Properties;
  const ignore = isPlainObject(props) ? props.IgnoreGlobals : undefined;
  if (ignore === '*' || (Array.isArray(ignore) && ignore.includes(rest[0]))) return false;
  let local: unknown = props ?? undefined;
  let global: unknown = globals;
  for (let i = 0; i < rest.length; i++) {
    const localMapping = isPlainObject(local) && !asIntrinsic(local);
    if (local !== undefined && !localMapping) return false;
    if (global === undefined) return false;
    if (!isPlainObject(global) || asIntrinsic(global)) {
      if (localMapping) return false;
      throw new Refusal(`${formatPath(where.slice(0, 2 + i))} is computed in Globals`);
    }
    local = isPlainObject(local) ? (local[String(rest[i])] ?? undefined) : undefined;
    global = global[String(rest[i])];
  }
  return local === undefined && global !== undefined;
}
