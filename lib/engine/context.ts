/**
 * What a rule's check is given: the options, the template and its resolver, the facts of its stack, and the
 * helpers that read values with what they rest on (shared by every rule, written once here).
 */
import type { Stack } from '../assembly/model';
import { remember, type Remembered, type StackFacts } from '../semantics/facts';
import { referrers } from '../semantics/references';
import { valuesAt } from '../semantics/values';
import { judgeAt } from '../semantics/verdict';
import type { Resource } from '../template/model';
import type { Assumption } from '../template/resolver';
import type { Report, ResourceContext, RuleOptions } from './rule';
import type { ConfiguredRule } from './runner';

/** What a check reported, with what the values it had read by then rest on. */
export interface Reported<R> {
  readonly report: R;
  readonly assumptions: readonly Assumption[];
}

/** The checks of one resource rule on the resources of one stack (see {@link resourceChecks}). */
export interface ResourceChecks {
  /** the context of a check of `resource`: what it reports and says is collected anew */
  at(resource: Resource): ResourceContext<RuleOptions>;
  /** what the check since the last {@link at} reported, in order */
  readonly reported: readonly Reported<Report>[];
  /** whether that check said the practice does not apply */
  readonly notApplicable: boolean;
}

const NOTHING: readonly Reported<Report>[] = Object.freeze([]);

/**
 * The checks of a resource rule on the resources of one stack, with the rule's memo there. One context serves every
 * resource, its `resource` and helpers following the one being checked: a scan makes a context and its helpers per
 * rule and stack, not per rule and resource (thousands of objects and closures a stack). A check may take the
 * helpers apart (`const { get, report } = ctx`): they serve until it returns.
 */
export function resourceChecks(stack: Stack, configured: ConfiguredRule, facts: StackFacts): ResourceChecks {
  const template = stack.template;
  let memo: Map<string, Remembered<unknown>> | undefined;
  // most checks report nothing: a list is made for the first report
  let reported: Reported<Report>[] | readonly Reported<Report>[] = NOTHING;
  let notApplicable = false;
  const ctx: { -readonly [K in keyof ResourceContext<RuleOptions>]: ResourceContext<RuleOptions>[K] } = {
    options: configured.options,
    template,
    resource: undefined as unknown as Resource,
    stack,
    graph: template.graph,
    facts,
    get: (path) => template.valueAt(ctx.resource, path),
    resolve: (value) => template.resolver.resolve(value),
    satisfies: (path, predicate) => judgeAt(template, ctx.resource, path, predicate).verdict,
    judge: (path, predicate) => judgeAt(template, ctx.resource, path, predicate),
    values: (path, options) => valuesAt(template.resolver, ctx.resource.definition, path, options),
    referrers: (types) => referrers(template, ctx.resource.logicalId, types, { dependsOn: true }),
    memo: <T>(id: string, compute: () => T): T =>
      remember(template, (memo ??= new Map()) as Map<string, Remembered<T>>, id, compute),
    report: (report) => {
      const r = { report, assumptions: template.resolver.assumptionsSoFar() };
      if (reported === NOTHING) reported = [r];
      else (reported as Reported<Report>[]).push(r);
    },
    notApplicable: () => {
      notApplicable = true;
    },
  };
  return {
    at(resource) {
      ctx.resource = resource;
      reported = NOTHING;
      notApplicable = false;
      return ctx;
    },
    get reported() {
      return reported;
    },
    get notApplicable() {
      return notApplicable;
    },
  };
}
