/**
 * RuleInfo: the one projection of a rule's metadata that reporters, `opslint rules`, the CDK integrations and the
 * generated docs read (titles, best practice, why, fixes, links, the roles it checks).
 */
import { bestPractice } from '../framework';
import { DECIDED_ROLES, type Role } from '../semantics/roles';
import { ENGINE_PACK, INTERNAL_ERROR, type Finding, type Severity } from './finding';
import { checksRole, isAssemblyRule, ruleDocsUrl, type Rule, type RuleFix } from './rule';
import type { ConfiguredRule } from './runner';

/** What every output shows about a rule. */
export interface RuleInfo {
  readonly id: string;
  readonly title: string;
  /** the pack the rule comes from ('' when not known) */
  readonly pack: string;
  readonly bestPractice: string;
  readonly bestPracticeTitle: string;
  readonly bestPracticeUrl: string;
  readonly question: string;
  /** the severity it runs with (configured, or its default) */
  readonly severity: Severity;
  readonly why: string;
  readonly fix: RuleFix;
  readonly docs: string;
  readonly resourceTypes: readonly string[];
  /** the context it needs to be enforced (`account`, `app`), if any */
  readonly context?: 'account' | 'app';
  /** for each role of resource, whether the rule checks it and why (the reason is empty where the rule gives none) */
  readonly roles: readonly { readonly role: Role; readonly check: boolean; readonly why: string }[];
  /** how often its findings are right, as SARIF grades it (see {@link rulePrecision}); absent when not known */
  readonly precision?: Precision;
}

/** SARIF's grades of a rule's precision: how rarely its findings are false positives. */
export type Precision = 'very-high' | 'high' | 'medium' | 'low';

/**
 * A rule's precision, from its metadata: `low` for a rule that needs context (an account baseline, the whole app),
 * whose findings are reminders wherever the scan lacks it and often satisfied outside the templates (an organization
 * trail, a landing zone); `medium` for another app rule, which judges the app's shape (its environments, accounts)
 * from the stacks in sight; `high` for a resource rule, which reads the resource's own properties. A verdict that
 * rests on parameter defaults says so in its finding (`assumptions`), whatever the rule.
 */
export function rulePrecision(rule: Rule): Precision {
  if (rule.context) return 'low';
  return isAssemblyRule(rule) ? 'medium' : 'high';
}

/** Why the CDK's own resources are never checked: the same for every rule. */
export const CDK_INTERNAL_WHY =
  'the CDK creates it for itself (custom resource providers, singleton handlers); it cannot be configured in the app.';

/** The projection of one rule, with the pack it comes from and the severity it runs with. */
export function ruleInfo(rule: Rule, options: { readonly pack?: string; readonly severity?: Severity } = {}): RuleInfo {
  const bp = bestPractice(rule.bestPractice);
  return {
    id: rule.id,
    title: rule.title,
    pack: options.pack ?? '',
    bestPractice: rule.bestPractice,
    bestPracticeTitle: bp?.title ?? '',
    bestPracticeUrl: bp?.url ?? '',
    question: bp?.question ?? rule.bestPractice.slice(0, 5),
    severity: options.severity ?? rule.severity,
    why: rule.why ?? '',
    fix: rule.fix ?? { cloudformation: '', cdk: '' },
    docs: ruleDocsUrl(rule),
    resourceTypes: [...(rule.resourceTypes ?? [])],
    ...(rule.context ? { context: rule.context } : {}),
    roles: [
      { role: 'workload', check: true, why: '' },
      ...DECIDED_ROLES.map((role) => ({ role, check: checksRole(rule, role), why: rule.roles?.[role]?.why ?? '' })),
      { role: 'cdk-internal', check: false, why: CDK_INTERNAL_WHY },
    ],
    precision: rulePrecision(rule),
  };
}

/** The projections of the rules a scan runs. */
export function ruleInfos(rules: readonly ConfiguredRule[]): RuleInfo[] {
  return rules.map(({ rule, severity, pack }) => ruleInfo(rule, { pack, severity }));
}

/**
 * What a finding says about a rule that did not run as one: an internal error or an engine finding (an invalid
 * suppression), which state facts (`very-high`), or a rule not among those given (its precision unknown).
 */
export function findingRuleInfo(f: Finding): RuleInfo {
  return {
    id: f.ruleId,
    title: f.ruleId,
    pack: f.pack,
    bestPractice: f.bestPractice,
    bestPracticeTitle: '',
    bestPracticeUrl: '',
    question: f.question,
    severity: f.severity,
    why: '',
    fix: { cloudformation: '', cdk: '' },
    docs: f.docs,
    resourceTypes: [],
    roles: [],
    ...(f.ruleId === INTERNAL_ERROR || f.pack === ENGINE_PACK ? { precision: 'very-high' as const } : {}),
  };
}
