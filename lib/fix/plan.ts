/**
 * From a fix edit to the text operations that carry it out, decided on the document's plain values (the
 * same values the rules saw, YAML short forms in long form), whatever the file format. An edit only ever
 * writes where the value is absent or a literal scalar: an intrinsic function, a parameter reference, a
 * mapping or a list in the way is refused, with the reason, and the finding is left to fix by hand.
 */
import type { FixEdit, FixValue } from '../engine/finding';
import { asIntrinsic, isPlainObject, type Intrinsic } from '../template/intrinsics';
import { formatPath, parsePath, type JsonPath } from '../template/path';

/** What an insertion writes: a scalar, mappings down to one, or a list of one new item. */
export type Tree = FixValue | { readonly [key: string]: Tree } | readonly Tree[];

/** One change to a document's text, at a path that exists in it. */
export type Operation =
  /** `path` is a scalar: write `value` in its place */
  | { readonly kind: 'replace'; readonly path: JsonPath; readonly value: FixValue }
  /** `path` is a mapping (or a key with no value): add `key` with `value` at its end */
  | { readonly kind: 'insert'; readonly path: JsonPath; readonly key: string; readonly value: Tree }
  /** `path` is a list: add `item` at its end */
  | { readonly kind: 'append'; readonly path: JsonPath; readonly item: Readonly<Record<string, FixValue>> };

/** An edit that cannot be applied safely; the message says why, for the user. */
export class Refusal extends Error {}

/** Path segments that must already exist: `Resources` and the resource (or `Globals` and its section). */
const FIXED_DEPTH = 2;

/** The operations that carry out `edit` on `doc`, in order; none when the document already holds the value. */
export function plan(doc: unknown, edit: FixEdit): Operation[] {
  const path = parsePath(edit.path);
  return 'value' in edit ? planSet(doc, path, edit.value) : planItem(doc, path, edit.key, edit.item);
}

function planSet(doc: unknown, path: JsonPath, value: FixValue): Operation[] {
  const found = walk(doc, path);
  if (found.missing !== undefined) {
    const at = found.missing;
    const key = path[at];
    if (typeof key !== 'string') throw new Refusal(`${show(path.slice(0, at + 1))} does not exist`);
    return [{ kind: 'insert', path: path.slice(0, at), key, value: nest(path.slice(at + 1), value) }];
  }
  const current = found.value;
  if (asIntrinsic(current)) throw new Refusal(`${show(path)} is computed by ${asIntrinsic(current)!.name}`);
  if (typeof current === 'object' && current !== null)
    throw new Refusal(`${show(path)} is a ${Array.isArray(current) ? 'list' : 'mapping'}, not a value`);
  // `true` written as "true" is the same setting to CloudFormation
  if (current !== null && String(current) === String(value)) return [];
  return [{ kind: 'replace', path, value }];
}

function planItem(doc: unknown, path: JsonPath, key: string, item: Readonly<Record<string, FixValue>>): Operation[] {
  const found = walk(doc, path);
  if (found.missing !== undefined) {
    const at = found.missing;
    const name = path[at];
    if (typeof name !== 'string') throw new Refusal(`${show(path.slice(0, at + 1))} does not exist`);
    return [{ kind: 'insert', path: path.slice(0, at), key: name, value: nest(path.slice(at + 1), [item]) }];
  }
  const list = found.value;
  if (asIntrinsic(list)) throw new Refusal(`${show(path)} is computed by ${asIntrinsic(list)!.name}`);
  if (!Array.isArray(list)) throw new Refusal(`${show(path)} is not a list`);
  const matches: number[] = [];
  list.forEach((entry, i) => {
    const fn = asIntrinsic(entry) ?? (isPlainObject(entry) ? asIntrinsic(entry[key]) : undefined);
    if (fn) throw new Refusal(`${show([...path, i])} is computed by ${fn.name}`);
    if (isPlainObject(entry) && entry[key] === item[key]) matches.push(i);
  });
  if (matches.length > 1)
    throw new Refusal(`${show(path)} has ${matches.length} items with ${key} ${String(item[key])}`);
  if (matches.length === 0) return [{ kind: 'append', path, item }];
  return Object.entries(item)
    .filter(([field]) => field !== key)
    .flatMap(([field, v]) => planSet(doc, [...path, matches[0], field], v));
}

/**
 * Follows `path` down `doc`: the value at its end, or the index of the first segment that is missing (below
 * the fixed part, in a mapping or a key with no value). Anything else in the way is refused.
 */
function walk(doc: unknown, path: JsonPath): { value: unknown; missing?: undefined } | { missing: number } {
  let current = doc;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const fn = i < FIXED_DEPTH ? sectionIntrinsic(current) : asIntrinsic(current);
    if (fn) throw new Refusal(`${show(path.slice(0, i))} is computed by ${fn.name}`);
    if (Array.isArray(current)) {
      if (typeof seg !== 'number' || seg >= current.length)
        throw new Refusal(`${show(path.slice(0, i + 1))} does not exist`);
      current = current[seg];
    } else if (isPlainObject(current) && Object.prototype.hasOwnProperty.call(current, seg)) {
      current = current[String(seg)];
    } else if (isPlainObject(current) || current === null) {
      if (i >= FIXED_DEPTH) return { missing: i };
      // e.g. a resource generated by Fn::ForEach
      throw new Refusal(`${show(path.slice(0, i + 1))} is not written in the template as such`);
    } else {
      throw new Refusal(`${show(path.slice(0, i))} is not a mapping`);
    }
  }
  return { value: current };
}

/**
 * {@link asIntrinsic} of the document or one of its sections (`Resources`), whose keys no fix changes: worked out
 * once per document, as a section of thousands of keys takes as long to ask as to list.
 */
function sectionIntrinsic(value: unknown): Intrinsic | undefined {
  if (typeof value !== 'object' || value === null) return asIntrinsic(value);
  let known = SECTION_INTRINSICS.get(value);
  if (known === undefined) SECTION_INTRINSICS.set(value, (known = asIntrinsic(value) ?? null));
  return known ?? undefined;
}

const SECTION_INTRINSICS = new WeakMap<object, Intrinsic | null>();

/**
 * `doc` as it must read once `op` is carried out: the written text is parsed again and compared with it, so
 * that a writer's slip (a value moved into a block scalar, a key under the wrong mapping) is refused, never written.
 */
export function carryOut(doc: unknown, op: Operation): unknown {
  const copy = structuredClone(doc);
  carryOutIn(copy, op);
  return copy;
}

/** {@link carryOut} on `doc` itself. */
export function carryOutIn(doc: unknown, op: Operation): void {
  const at = (path: JsonPath): unknown =>
    path.reduce<unknown>((node, seg) => (node as Record<string | number, unknown>)[seg], doc);
  if (op.kind === 'append') {
    (at(op.path) as unknown[]).push({ ...op.item });
    return;
  }
  const last = op.path[op.path.length - 1];
  const parent = (op.path.length > 0 ? at(op.path.slice(0, -1)) : undefined) as
    Record<string | number, unknown> | undefined;
  if (op.kind === 'replace') {
    parent![last] = op.value;
  } else if (op.path.length > 0 && parent![last] === null) {
    parent![last] = { [op.key]: op.value };
  } else {
    (at(op.path) as Record<string, unknown>)[op.key] = op.value;
  }
}

/** Whether two documents hold the same values; scalars compare as text, as CloudFormation reads them (`'true'` is `true`). */
export function sameValues(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b))
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValues(x, b[i]));
  if (isPlainObject(a) || isPlainObject(b)) {
    if (!isPlainObject(a) || !isPlainObject(b)) return false;
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameValues(a[k], b[k]))
    );
  }
  return String(a) === String(b);
}

/** The value to insert at the first missing segment: mappings for the rest of the path, then the value. */
function nest(rest: JsonPath, value: Tree): Tree {
  let tree = value;
  for (let i = rest.length - 1; i >= 0; i--) {
    const seg = rest[i];
    if (typeof seg !== 'string') throw new Refusal(`cannot create list item ${seg}`);
    tree = { [seg]: tree };
  }
  return tree;
}

function show(path: JsonPath): string {
  return formatPath(path);
}
