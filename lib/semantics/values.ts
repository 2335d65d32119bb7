/**
 * What a value of a template can be, once parameters, conditions and intrinsic functions are resolved: the
 * predicates rules apply to values (CloudFormation accepts `true` and `"true"`), every value a property can
 * take across the branches of an `Fn::If`, and the text of a value that cannot be resolved, for comparing names.
 */
import { asIntrinsic, isPlainObject, replacePlaceholders } from '../template/intrinsics';
import { parsePath, type JsonPath } from '../template/path';
import type { Resolved, Resolver } from '../template/resolver';

/** `true`, `"true"` (any case). */
export function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

/** `false`, `"false"` (any case). */
export function isFalse(value: unknown): boolean {
  return value === false || (typeof value === 'string' && value.toLowerCase() === 'false');
}

/** Not set, or set to something empty (`null`, `''`, `[]`, `{}`). */
export function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

/**
 * Set to something: not absent, `null`, `''` or empty. A value written as an intrinsic function, and
 * {@link UNKNOWN}, count as set (their value is not known here, but something is there).
 */
export function isSet(value: unknown): boolean {
  return value === UNKNOWN || !isEmpty(value);
}

/** A number written as a number or a numeric string. */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** The strings of a list (an option's value, say); anything else is left out. */
export function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** A number greater than zero, written as a number or a numeric string. */
export function positive(value: unknown): boolean {
  const n = asNumber(value);
  return n !== undefined && n > 0;
}

/** A part of a value that cannot be known before deployment (a parameter without default, an attribute…). */
export const UNKNOWN: unique symbol = Symbol('unknown');

/** Past this many combinations a value is treated as unknown rather than spelled out. */
const MAX_ALTERNATIVES = 64;
const MAX_DEPTH = 32;

/** How to follow `Fn::If`. */
export interface BranchOptions {
  /**
   * Follow both branches of every `Fn::If`, even when its condition can be evaluated. For settings that
   * templates switch per environment (`!If [IsProd, true, false]`): a branch that is safe shows that the
   * environment that needs it has it.
   */
  readonly everyBranch?: boolean;
}

/**
 * The branches of a resolved value: itself when known, the value of each branch when it depends only on
 * conditions that cannot be evaluated, undefined when it cannot be known. Inner values are left as written.
 */
export function branches(r: Resolved): readonly unknown[] | undefined {
  if (r.known) return [r.value];
  return r.alternatives;
}

/**
 * The values `raw` can take, fully resolved, with {@link UNKNOWN} where a part cannot be known. Lists keep
 * their positions (an `AWS::NoValue` item becomes `undefined`), so an index still points at the written item.
 */
export function possibleValues(resolver: Resolver, raw: unknown, options: BranchOptions = {}, depth = 0): unknown[] {
  if (depth > MAX_DEPTH) return [UNKNOWN];
  const out: unknown[] = [];
  for (const top of shallowValues(resolver, raw, options)) {
    for (const v of expand(resolver, top, options, depth)) {
      out.push(v);
      if (out.length > MAX_ALTERNATIVES) return [UNKNOWN];
    }
  }
  return out;
}

function expand(resolver: Resolver, value: unknown, options: BranchOptions, depth: number): unknown[] {
  if (value === UNKNOWN) return [UNKNOWN];
  if (Array.isArray(value)) {
    let combos: unknown[][] = [[]];
    for (const item of value) {
      const choices = possibleValues(resolver, item, options, depth + 1);
      combos = product(combos, choices, (list, v) => [...list, v]);
      if (combos.length > MAX_ALTERNATIVES) return [UNKNOWN];
    }
    return combos;
  }
  if (isPlainObject(value)) {
    let combos: Record<string, unknown>[] = [{}];
    for (const [key, item] of Object.entries(value)) {
      const choices = possibleValues(resolver, item, options, depth + 1);
      combos = product(combos, choices, (obj, v) => (v === undefined ? obj : withKey(obj, key, v)));
      if (combos.length > MAX_ALTERNATIVES) return [UNKNOWN];
    }
    return combos;
  }
  return [value];
}

function product<T>(combos: T[], choices: unknown[], add: (combo: T, v: unknown) => T): T[] {
  const out: T[] = [];
  for (const c of combos) for (const v of choices) out.push(add(c, v));
  return out;
}

function withKey(obj: Record<string, unknown>, key: string, v: unknown): Record<string, unknown> {
  const copy = { ...obj };
  Object.defineProperty(copy, key, { value: v, enumerable: true, writable: true, configurable: true });
  return copy;
}

/**
 * The values the value at `path` under `root` can take (see {@link possibleValues}), walking the path one
 * step at a time so that each branch of an `Fn::If` on the way is followed on its own: a branch that leaves
 * the property out stays visible even when the other branch holds a value known only at deployment.
 */
export function valuesAt(
  resolver: Resolver,
  root: unknown,
  path: string | JsonPath,
  options: BranchOptions = {},
): unknown[] {
  let current: unknown[] = [root];
  for (const seg of parsePath(path)) {
    const next: unknown[] = [];
    for (const value of current) {
      for (const v of shallowValues(resolver, value, options)) {
        if (v === UNKNOWN) next.push(UNKNOWN);
        else if (Array.isArray(v) && typeof seg === 'number') next.push(v[seg]);
        else if (isPlainObject(v) && Object.prototype.hasOwnProperty.call(v, String(seg))) next.push(v[String(seg)]);
        else next.push(undefined);
      }
    }
    if (next.length > MAX_ALTERNATIVES) return [UNKNOWN];
    current = next;
  }
  const out = current.flatMap((v) => possibleValues(resolver, v, options));
  return out.length > MAX_ALTERNATIVES ? [UNKNOWN] : out;
}

/**
 * One level resolved: each branch of an `Fn::If` whose condition is unknown (or of any, with `everyBranch`) on its
 * own, so that a branch known only at deployment does not hide a known one.
 */
function shallowValues(resolver: Resolver, value: unknown, options: BranchOptions, depth = 0): unknown[] {
  if (value === UNKNOWN || depth > MAX_DEPTH) return [UNKNOWN];
  const fn = asIntrinsic(value);
  if (fn?.name === 'Fn::If' && Array.isArray(fn.arg) && fn.arg.length === 3 && typeof fn.arg[0] === 'string') {
    const condition = options.everyBranch ? undefined : resolver.condition(fn.arg[0]);
    if (typeof condition === 'boolean')
      return shallowValues(resolver, condition ? fn.arg[1] : fn.arg[2], options, depth + 1);
    return [
      ...shallowValues(resolver, fn.arg[1], options, depth + 1),
      ...shallowValues(resolver, fn.arg[2], options, depth + 1),
    ];
  }
  const r = resolver.resolve(value);
  if (r.known) return [r.value];
  if (!r.alternatives) return [UNKNOWN];
  return options.everyBranch
    ? r.alternatives.flatMap((a) => shallowValues(resolver, a, options, depth + 1))
    : [...r.alternatives];
}

/**
 * The values a scalar can take, fully resolved: one when known, each branch of an unknown condition, or
 * undefined when it cannot be known. Pass the result of `resolver.get` or `template.valueAt`.
 */
export function scalarOptions(resolver: Resolver, r: Resolved): unknown[] | undefined {
  const out: unknown[] = [];
  for (const v of branches(r) ?? []) {
    const d = resolver.deep(v);
    if (d.known) out.push(d.value);
    else if (d.alternatives) for (const a of d.alternatives) out.push(a);
    else return undefined;
  }
  return r.known || r.alternatives ? out : undefined;
}

/** The string a value resolves to; undefined when it is absent, not a string, or not known before deployment. */
export function knownString(resolver: Resolver, value: unknown): string | undefined {
  const d = resolver.deep(value);
  return d.known && typeof d.value === 'string' ? d.value : undefined;
}

/**
 * The text of a value as written, for comparing names and ARNs that cannot be resolved: a string or number;
 * `Ref X` spelled `${X}`; the template of an `Fn::Sub` (`${AWS::Region}` and all); the parts of an `Fn::Join`
 * joined, with `hole` standing for a part that cannot be spelled (without `hole`, such a join has no text).
 * So the same unresolvable expression written on both sides still compares equal.
 */
export function writtenText(value: unknown, hole?: string): string | undefined {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  const fn = asIntrinsic(value);
  if (fn?.name === 'Ref' && typeof fn.arg === 'string') return `\${${fn.arg}}`;
  if (fn?.name === 'Fn::Sub') {
    const tpl = Array.isArray(fn.arg) ? fn.arg[0] : fn.arg;
    return typeof tpl === 'string' ? tpl : undefined;
  }
  if (fn?.name === 'Fn::Join' && Array.isArray(fn.arg) && Array.isArray(fn.arg[1])) {
    const parts = (fn.arg[1] as unknown[]).map((p) => writtenText(p, hole) ?? hole);
    if (parts.some((p) => p === undefined)) return undefined;
    return parts.join(typeof fn.arg[0] === 'string' ? fn.arg[0] : '');
  }
  return undefined;
}

/**
 * The text of an ARN-like value for pattern matching: its resolved string, or else its written text
 * ({@link writtenText}) with `*` for the parts of an `Fn::Join` that cannot be spelled.
 */
export function arnText(resolver: Resolver, value: unknown): string | undefined {
  return knownString(resolver, value) ?? writtenText(value, '*');
}

/**
 * The texts a name-like value can take: its resolved string (a literal, a parameter default, a mapping), each
 * branch of an unknown condition, or else the value as written ({@link writtenText}).
 */
export function textOptions(resolver: Resolver, value: unknown): string[] {
  if (value === undefined) return [];
  const r = resolver.deep(value);
  if (r.known) return typeof r.value === 'string' || typeof r.value === 'number' ? [String(r.value)] : [];
  if (r.alternatives)
    return r.alternatives.flatMap((a) => (typeof a === 'string' || typeof a === 'number' ? [String(a)] : []));
  const written = writtenText(value);
  return written === undefined ? [] : [written];
}

/** An `Fn::Sub` text with its `${…}` variables replaced by a neutral word, so that their colons do not split ARN fields. */
export function placeholdersOut(text: string): string {
  return replacePlaceholders(text, () => 'x', { empty: true });
}

/** `a`, `a and b`, `a, b and c`, `a, b, c and 2 more` (duplicates once). */
export function listNames(all: readonly string[], max = 3): string {
  const names = [...new Set(all)];
  if (names.length <= 1) return names.join('');
  if (names.length > max) return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
