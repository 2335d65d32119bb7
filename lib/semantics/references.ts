/**
 * Which resources refer to which, read through the template's reference graph: the referrers of a resource,
 * the resources it names under a property, the resource a value names, and what the stack exports.
 */
import type { Reference } from '../template/graph';
import { asIntrinsic, findReferences, getAttParts, isPlainObject, subVariables } from '../template/intrinsics';
import type { Resource, Template } from '../template/model';
import type { JsonPath } from '../template/path';

/** A resource that refers to another, with every reference it holds to it. */
export interface Referrer {
  readonly resource: Resource;
  readonly references: Reference[];
}

/**
 * The resources (of `types`, or any type) that refer to `logicalId`, with the references, in template order.
 * Resources whose Condition is known to be false are left out; `DependsOn` counts only with `dependsOn: true`.
 */
export function referrers(
  template: Template,
  logicalId: string,
  types?: readonly string[],
  options: { dependsOn?: boolean } = {},
): Referrer[] {
  const byResource = new Map<string, Referrer>();
  for (const ref of template.graph.incoming(logicalId)) {
    if (ref.kind === 'DependsOn' && !options.dependsOn) continue;
    const from = template.resources.get(ref.from);
    if (!from || (types && !types.includes(from.type)) || template.isExcluded(from)) continue;
    const entry = byResource.get(ref.from);
    if (entry) entry.references.push(ref);
    else byResource.set(ref.from, { resource: from, references: [ref] });
  }
  return [...byResource.values()];
}

/** Resources of the given types that `resource` refers to from under `prefix` (e.g. the queue a RedrivePolicy names). */
export function referredUnder(
  template: Template,
  resource: Resource,
  prefix: JsonPath,
  types?: readonly string[],
): Resource[] {
  const out: Resource[] = [];
  for (const ref of template.graph.outgoing(resource.logicalId)) {
    if (ref.kind === 'DependsOn' || !pathStartsWith(ref.path, prefix)) continue;
    const to = template.resources.get(ref.to);
    if (to && (!types || types.includes(to.type)) && !template.isExcluded(to) && !out.includes(to)) out.push(to);
  }
  return out;
}

/** `path` is `prefix` or lies below it. */
export function pathStartsWith(path: JsonPath, prefix: JsonPath): boolean {
  return path.length >= prefix.length && prefix.every((seg, i) => path[i] === seg);
}

/** The resource a `Ref`, `Fn::GetAtt` or single-variable `Fn::Sub` names, if it is one of the template. */
export function referencedResource(value: unknown, template: Template): Resource | undefined {
  const fn = asIntrinsic(value);
  if (!fn) return undefined;
  let id: string | undefined;
  if (fn.name === 'Ref' && typeof fn.arg === 'string') id = fn.arg;
  else if (fn.name === 'Fn::GetAtt') id = getAttParts(fn.arg)?.[0];
  else if (fn.name === 'Fn::Sub' && typeof fn.arg === 'string') {
    const vars = subVariables(fn.arg);
    if (vars.length === 1 && fn.arg.trim() === `\${${vars[0].raw}}`) id = vars[0].name;
  }
  return id === undefined ? undefined : template.resources.get(id);
}

/** The logical ids of resources whose value (Ref, GetAtt, Sub) a stack output exports. */
export function exportedResources(template: Template): Set<string> {
  const out = new Set<string>();
  for (const output of Object.values(template.outputs)) {
    if (!isPlainObject(output) || output.Export === undefined) continue;
    for (const ref of findReferences(output.Value)) out.add(ref.target);
  }
  return out;
}
