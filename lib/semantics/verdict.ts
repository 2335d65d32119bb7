/**
 * Three-valued verdicts: a setting holds (`true`), a known value fails (`false`), or it cannot be known before
 * deployment (`undefined`, with the reason). The one rule every check follows: with an `Fn::If` whose condition
 * cannot be evaluated, a failing branch is a finding only when every branch is known.
 */
import type { Resource, Template } from '../template/model';
import type { JsonPath } from '../template/path';
import type { Resolved, Resolver } from '../template/resolver';
import { branches, isEmpty, knownString, UNKNOWN } from './values';

/** Holds, fails, or cannot be known before deployment. */
export type Verdict = true | false | undefined;

/** A verdict with the reason when it cannot be known ("parameter Env has no default value"). */
export interface Judged {
  readonly verdict: Verdict;
  readonly reason?: string;
}

/** A predicate over a resolved value: `true` when every branch satisfies it, `false` when all are known and one does not. */
export function judge(r: Resolved, predicate: (value: unknown) => boolean): Judged {
  if (r.known) return { verdict: predicate(r.value) };
  if (r.alternatives) return { verdict: r.alternatives.every((v) => predicate(v)) };
  return { verdict: undefined, reason: r.reason };
}

/** {@link judge} for the value at `path` of any resource of the template, e.g. `'Properties.TracingConfig.Mode'`. */
export function judgeAt(
  template: Template,
  resource: Resource,
  path: string | JsonPath,
  predicate: (value: unknown) => boolean,
): Judged {
  return judge(template.valueAt(resource, path), predicate);
}

/** The verdict alone of {@link judgeAt}. */
export function verdictAt(
  template: Template,
  resource: Resource,
  path: string | JsonPath,
  predicate: (value: unknown) => boolean,
): Verdict {
  return judgeAt(template, resource, path, predicate).verdict;
}

/** Whether the property at `path` is set: true (a value), false (known to be absent or empty), undefined (unknown). */
export function isSetAt(template: Template, resource: Resource, path: string | JsonPath): Judged {
  return judgeAt(template, resource, path, (v) => !isEmpty(v));
}

/** The string at `path`, fully resolved; undefined when absent, not a string, or not known before deployment. */
export function stringAt(template: Template, resource: Resource, path: string | JsonPath): string | undefined {
  const r = template.valueAt(resource, path);
  return r.known ? knownString(template.resolver, r.value) : undefined;
}

/**
 * Whether some of the values a property can take satisfies `predicate` (pass `ctx.values(path, { everyBranch:
 * true })` for settings switched per environment): `true` when a known one does, `false` when all are known
 * and none does, `undefined` otherwise.
 */
export function someValue(values: readonly unknown[], predicate: (value: unknown) => boolean): Verdict {
  if (values.some((v) => v !== UNKNOWN && predicate(v))) return true;
  return values.includes(UNKNOWN) ? undefined : false;
}

/** `false` when any is false; `true` when all are true; otherwise unknown. */
export function and(...values: Verdict[]): Verdict {
  if (values.some((v) => v === false)) return false;
  return values.every((v) => v === true) ? true : undefined;
}

/** `true` when any is true; `false` when all are false; otherwise unknown. */
export function or(...values: Verdict[]): Verdict {
  if (values.some((v) => v === true)) return true;
  return values.every((v) => v === false) ? false : undefined;
}

/**
 * Judges every branch of a property: `false` (with the first failing branch's detail) when all are known and
 * one fails, `undefined` when one cannot be judged, `true` otherwise.
 */
export function judgeBranches<D>(
  r: Resolved,
  test: (value: unknown) => { ok: Verdict; detail: D },
): { ok: Verdict; detail?: D } {
  const values = branches(r);
  if (!values) return { ok: undefined };
  const results = values.map(test);
  if (results.some((x) => x.ok === undefined)) return { ok: undefined };
  const failed = results.find((x) => x.ok === false);
  return failed ? { ok: false, detail: failed.detail } : { ok: true };
}

/** A predicate over the value at `path` under `root` (intrinsics resolved on the way), as a verdict. */
export function verdictIn(
  resolver: Resolver,
  root: unknown,
  path: string | JsonPath,
  predicate: (value: unknown) => boolean,
): Verdict {
  return judge(resolver.get(root, path), predicate).verdict;
}

/**
 * The list at `path` under `root` has at least one entry in every case. An entry that is `AWS::NoValue` (or
 * may be, under an `Fn::If`) does not count; an entry whose value is unknown (a parameter without default, an
 * import) does.
 */
export function hasItems(resolver: Resolver, root: unknown, path: string | JsonPath): Verdict {
  const lists = branches(resolver.get(root, path));
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

/** Does the string list at `path` under `root` contain `item`? Unknown when any part of the list is. */
export function includes(resolver: Resolver, root: unknown, path: string | JsonPath, item: string): Verdict {
  const lists = branches(resolver.get(root, path));
  if (!lists) return undefined;
  const verdicts = lists.map((list): Verdict => {
    const d = resolver.deep(list);
    if (!d.known) return d.alternatives ? d.alternatives.every((l) => Array.isArray(l) && l.includes(item)) : undefined;
    return Array.isArray(d.value) && d.value.includes(item);
  });
  return and(...verdicts);
}

/** A problem a rule found in one possible value: the message to report and where. */
export interface Problem<M extends string = string> {
  readonly messageId: M;
  readonly path: JsonPath;
  readonly data?: Readonly<Record<string, string | number>>;
}

/** What a rule makes of one possible value: fine, not known, or a problem. */
export type Judgement<M extends string = string> = 'ok' | 'unknown' | Problem<M>;

/** The first problem among the possible values: a value known to fail is reported even when another is unknown. */
export function firstProblem<M extends string>(
  values: readonly unknown[],
  judgeOne: (value: unknown) => Judgement<M>,
): Problem<M> | undefined {
  for (const v of values) {
    const j = judgeOne(v);
    if (typeof j === 'object') return j;
  }
  return undefined;
}
