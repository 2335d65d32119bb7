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

/**
 * The context of a resource rule's check on one resource; `memo` is the rule's, `report` collects what it
 * reports, `notApplicable` hears that the practice does not apply to the resource.
 */
export function resourceContext(
  stack: Stack,
  resource: Resource,
  configured: ConfiguredRule,
  facts: StackFacts,
  memo: Map<string, Remembered<unknown>>,
  report: (report: Report) => void,
  notApplicable: () => void,
): ResourceContext<RuleOptions> {
  const template = stack.template;
  return {
    options: configured.options,
    template,
    resource,
    stack,
    graph: template.graph,
    facts,
    get: (path) => template.valueAt(resource, path),
    resolve: (value) => template.resolver.resolve(value),
    satisfies: (path, predicate) => judgeAt(template, resource, path, predicate).verdict,
    judge: (path, predicate) => judgeAt(template, resource, path, predicate),
    values: (path, options) => valuesAt(template.resolver, resource.definition, path, options),
    referrers: (types) => referrers(template, resource.logicalId, types, { dependsOn: true }),
    memo: <T>(id: string, compute: () => T): T => remember(template, memo as Map<string, Remembered<T>>, id, compute),
    report,
    notApplicable,
  };
}
