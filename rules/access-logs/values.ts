/**
 * Shared by the access-logs rules: every value a property can take once parameters, conditions and other
 * intrinsic functions are resolved, down to its leaves. Not a rule.
 *
 * The engine's `satisfies` resolves one level; log settings sit in lists of mappings (MethodSettings,
 * LoadBalancerAttributes) whose items and fields may each be an `Fn::If` or a parameter. Here each
 * possible value is spelled out, with {@link UNKNOWN} standing for a part that cannot be known before
 * deployment, so that a rule can judge each alternative and report only one that is known to fail.
 */
import { parsePath, type JsonPath } from '../../lib/template/path';
import type { Resolved } from '../../lib/template/resolver';
import { isPlainObject } from '../../lib/template/intrinsics';

/** A part of a value that cannot be known before deployment (a parameter without default, an attribute…). */
export const UNKNOWN: unique symbol = Symbol('unknown');

/** Past this many combinations the value is treated as unknown rather than spelled out. */
const MAX_ALTERNATIVES = 64;
const MAX_DEPTH = 32;

type Resolve = (value: unknown) => Resolved;

/**
 * The values `raw` can take, fully resolved; `UNKNOWN` where a part cannot be known. Lists keep their
 * positions (an `AWS::NoValue` item becomes `undefined`), so an index still points at the written item.
 */
export function possibleValues(resolve: Resolve, raw: unknown, depth = 0): unknown[] {
  if (depth > MAX_DEPTH) return [UNKNOWN];
  const r = resolve(raw);
  const tops = r.known ? [r.value] : r.alternatives ? [...r.alternatives] : [UNKNOWN];
  const out: unknown[] = [];
  for (const top of tops) {
    for (const v of expand(resolve, top, depth)) {
      out.push(v);
      if (out.length > MAX_ALTERNATIVES) return [UNKNOWN];
    }
  }
  return out;
}

function expand(resolve: Resolve, value: unknown, depth: number): unknown[] {
  if (value === UNKNOWN) return [UNKNOWN];
  if (Array.isArray(value)) {
    let combos: unknown[][] = [[]];
    for (const item of value) {
      const options = possibleValues(resolve, item, depth + 1);
      combos = product(combos, options, (list, v) => [...list, v]);
      if (combos.length > MAX_ALTERNATIVES) return [UNKNOWN];
    }
    return combos;
  }
  if (isPlainObject(value)) {
    let combos: Record<string, unknown>[] = [{}];
    for (const [key, item] of Object.entries(value)) {
      const options = possibleValues(resolve, item, depth + 1);
      combos = product(combos, options, (obj, v) => (v === undefined ? obj : withKey(obj, key, v)));
      if (combos.length > MAX_ALTERNATIVES) return [UNKNOWN];
    }
    return combos;
  }
  return [value];
}

function product<T>(combos: T[], options: unknown[], add: (combo: T, v: unknown) => T): T[] {
  const out: T[] = [];
  for (const c of combos) for (const v of options) out.push(add(c, v));
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
export function valuesAt(resolve: Resolve, root: unknown, path: string | JsonPath): unknown[] {
  let current: unknown[] = [root];
  for (const seg of parsePath(path)) {
    const next: unknown[] = [];
    for (const value of current) {
      for (const v of shallowValues(resolve, value)) {
        if (v === UNKNOWN) next.push(UNKNOWN);
        else if (Array.isArray(v) && typeof seg === 'number') next.push(v[seg]);
        else if (isPlainObject(v) && Object.prototype.hasOwnProperty.call(v, String(seg))) next.push(v[String(seg)]);
        else next.push(undefined);
      }
    }
    if (next.length > MAX_ALTERNATIVES) return [UNKNOWN];
    current = next;
  }
  const out = current.flatMap((v) => possibleValues(resolve, v));
  return out.length > MAX_ALTERNATIVES ? [UNKNOWN] : out;
}

/** The values a property of the resource being checked can take, e.g. `propertyValues(ctx, 'Properties.MethodSettings')`. */
export function propertyValues(ctx: { resource: { definition: unknown }; resolve: Resolve }, path: string | JsonPath): unknown[] {
  return valuesAt(ctx.resolve, ctx.resource.definition, path);
}

/** One level resolved: the alternatives of an `Fn::If` whose condition is unknown, each on its own. */
function shallowValues(resolve: Resolve, value: unknown): unknown[] {
  if (value === UNKNOWN) return [UNKNOWN];
  const r = resolve(value);
  if (r.known) return [r.value];
  return r.alternatives ? [...r.alternatives] : [UNKNOWN];
}

/** A problem a rule found in one possible value: the message to report and where. */
export interface Problem {
  readonly messageId: string;
  readonly path: JsonPath;
  readonly data?: Readonly<Record<string, string | number>>;
}

/** What a rule makes of one possible value: fine, not known, or a problem. */
export type Judgement = 'ok' | 'unknown' | Problem;

/** The first problem among the possible values: a value known to fail is reported even when another is unknown. */
export function firstProblem(values: readonly unknown[], judge: (value: unknown) => Judgement): Problem | undefined {
  for (const v of values) {
    const j = judge(v);
    if (typeof j === 'object') return j;
  }
  return undefined;
}

/** A non-empty string or a value that cannot be known: true; absent or empty: false. */
export function isSet(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  return true;
}
