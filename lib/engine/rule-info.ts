/**
 * RuleInfo: the one projection of a rule's metadata that reporters, `opslint rules`, the CDK integrations and the
 * generated docs read (titles, best practice, why, fixes, links, the roles it checks).
 */
import { bestPractice } from '../framework';
import { DECIDED_ROLES, type Role } from '../semantics/roles';
import type { Finding, Severity } from './finding';
import { checksRole, ruleDocsUrl, type Rule, type RuleFix } from './rule';
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
  };
}

/** The projections of the rules a scan runs. */
export function ruleInfos(rules: readonly ConfiguredRule[]): RuleInfo[] {
  return rules.map(({ rule, severity, pack }) => ruleInfo(rule, { pack, severity }));
}

/** What a finding says about a rule that did not run as one (an internal error, an engine finding). */
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
  };
}
