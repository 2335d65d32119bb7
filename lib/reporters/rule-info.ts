/** What reporters need to know about the rules that ran, beyond the findings: titles, why, fixes, links. */
import type { ConfiguredRule } from '../engine/runner';
import { ruleDocsUrl, type Pack } from '../engine/rule';
import { bestPractice } from '../framework';

export interface RuleInfo {
  readonly id: string;
  readonly title: string;
  readonly pack: string;
  readonly bestPractice: string;
  readonly bestPracticeTitle: string;
  readonly bestPracticeUrl: string;
  readonly question: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly why: string;
  readonly fix: { readonly cloudformation: string; readonly cdk: string };
  readonly docs: string;
}

export function ruleInfos(rules: readonly ConfiguredRule[], packs: readonly Pack[]): RuleInfo[] {
  const packOf = new Map(packs.flatMap((p) => p.rules.map((r) => [r.id, p.id] as const)));
  return rules.map(({ rule, severity }) => {
    const bp = bestPractice(rule.bestPractice);
    return {
      id: rule.id,
      title: rule.title,
      pack: packOf.get(rule.id) ?? '',
      bestPractice: rule.bestPractice,
      bestPracticeTitle: bp?.title ?? '',
      bestPracticeUrl: bp?.url ?? '',
      question: bp?.question ?? rule.bestPractice.slice(0, 5),
      severity,
      why: rule.why ?? '',
      fix: rule.fix ?? { cloudformation: '', cdk: '' },
      docs: ruleDocsUrl(rule),
    };
  });
}
