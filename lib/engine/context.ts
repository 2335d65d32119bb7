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
import type { Report, ResourceContext, RuleOptions } from './rule';
import type { ConfiguredRule } from './runner';

/** Makes the context of a check of one resource, whose reports go to `report`. */
export type ContextFor = (
  resource: Resource,
  report: (report: Report) => void,
  notApplicable: () => void,
) => ResourceContext<RuleOptions>;

/**
 * The contexts of a resource rule's checks on the resources of one stack, with the rule's memo there. One object serves
 * every resource, its `resource` and helpers following the one being checked: a scan makes a context and its
 * helpers per rule and stack, not per rule and resource (thousands of objects and closures a stack). A check may
 * take the helpers apart (`const { get, report } = ctx`): they serve until it returns.
 */
export function resourceContexts(stack: Stack, configured: ConfiguredRule, facts: StackFacts): ContextFor {
  const template = stack.template;
  let memo: Map<string, Remembered<unknown>> | undefined;
  let report: (report: Report) => void;
  let notApplicable: () => void;
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
    report: (r) => report(r),
    notApplicable: () => notApplicable(),
  };
  return (resource, onReport, onNotApplicable) => {
    ctx.resource = resource;
    report = onReport;
    notApplicable = onNotApplicable;
    return ctx;
  };
}
