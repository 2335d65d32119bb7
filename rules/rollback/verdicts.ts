/**
 * Three-valued checks over settings that span several properties (an ECS circuit breaker and its deployment
 * alarms, a CodeDeploy rollback and its alarms). `true`: holds, `false`: a known value fails, `undefined`:
 * cannot be known before deployment (a parameter without default, an import). Not a rule.
 */
import { isEmpty } from '../../lib/engine/values';
import type { Resolved, Resolver } from '../../lib/template/resolver';

export type Tri = boolean | undefined;

export function and(...values: Tri[]): Tri {
  if (values.some((v) => v === false)) return false;
  return values.every((v) => v === true) ? true : undefined;
}

export function or(...values: Tri[]): Tri {
  if (values.some((v) => v === true)) return true;
  return values.every((v) => v === false) ? false : undefined;
}

/**
 * The values a property can take: itself, or each branch of an `Fn::If` whose condition is unknown;
 * undefined when it cannot be known. Inner values are left as written (resolve them with the resolver).
 */
export function candidates(r: Resolved): readonly unknown[] | undefined {
  if (r.known) return [r.value];
  return r.alternatives;
}

/**
 * Judges every candidate of a property: `false` (with the first failing candidate's detail) when all are
 * known and one fails, `undefined` when one cannot be judged, `true` otherwise. The same rule as
 * `ctx.satisfies`: a branch that fails is a finding only when every branch is known.
 */
export function judge<D>(r: Resolved, test: (value: unknown) => { ok: Tri; detail: D }): { ok: Tri; detail?: D } {
  const values = candidates(r);
  if (!values) return { ok: undefined };
  const results = values.map(test);
  if (results.some((x) => x.ok === undefined)) return { ok: undefined };
  const failed = results.find((x) => x.ok === false);
  return failed ? { ok: false, detail: failed.detail } : { ok: true };
}

/** A predicate over the value at `path` under `root` (intrinsics resolved on the way), as a verdict. */
export function test(resolver: Resolver, root: unknown, path: string, predicate: (value: unknown) => boolean): Tri {
  const r = resolver.get(root, path);
  if (r.known) return predicate(r.value);
  if (r.alternatives) return r.alternatives.every((v) => predicate(v));
  return undefined;
}

/**
 * A list with at least one entry in every case. An entry that is `AWS::NoValue` (or may be, under an
 * `Fn::If`) does not count; an entry whose value is unknown does.
 */
export function hasItems(resolver: Resolver, root: unknown, path: string): Tri {
  const r = resolver.get(root, path);
  const lists = candidates(r);
  if (!lists) return undefined;
  return lists.every((list) => {
    if (!Array.isArray(list)) return !isEmpty(list);
    return list.some((item) => {
      const i = resolver.resolve(item);
      if (i.known) return !isEmpty(i.value);
      return i.alternatives ? i.alternatives.every((a) => !isEmpty(a)) : true;
    });
  });
}

/** Does the string list at `path` contain `item`? Unknown when any part of the list is. */
export function includes(resolver: Resolver, root: unknown, path: string, item: string): Tri {
  const r = resolver.get(root, path);
  const lists = candidates(r);
  if (!lists) return undefined;
  const verdicts = lists.map((list): Tri => {
    const d = resolver.deep(list);
    if (!d.known) return d.alternatives ? d.alternatives.every((l) => Array.isArray(l) && l.includes(item)) : undefined;
    return Array.isArray(d.value) && d.value.includes(item);
  });
  return and(...verdicts);
}
