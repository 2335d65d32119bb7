/**
 * The OPS scorecard: every question and best practice of the pillar, with what the scan could check. A best
 * practice with rules counts the resources its rules evaluated, passed and failed; one without rules needs a
 * human review, and links to the framework's page for it.
 */
import { bestPractice, QUESTIONS, questionUrl } from '../framework';
import type { ConfiguredRule } from './runner';
import type { RuleStats } from './stats';

export interface ScorecardBestPractice {
  readonly id: string;
  readonly title: string;
  readonly url: string;
  /** the scan has rules for it; false means a human review */
  readonly checkable: boolean;
  /** the rules that checked it */
  readonly rules: readonly string[];
  /** resources (or, for app-level rules, assemblies) evaluated */
  readonly resources: number;
  readonly passed: number;
  readonly failed: number;
  readonly suppressed: number;
  /** evaluated, but the verdict needs context the scan did not have (see the findings' "Needs context") */
  readonly needsContext: number;
}

export interface ScorecardQuestion {
  readonly id: string;
  readonly title: string;
  readonly url: string;
  readonly bestPractices: readonly ScorecardBestPractice[];
}

export interface Scorecard {
  readonly questions: readonly ScorecardQuestion[];
}

/** Merges the per-rule statistics of several assemblies. */
export function mergeStats(into: Map<string, RuleStats>, from: ReadonlyMap<string, RuleStats>): void {
  for (const [rule, s] of from) {
    const t = into.get(rule);
    if (!t) {
      into.set(rule, { evaluated: new Set(s.evaluated), failed: new Set(s.failed), needsContext: new Set(s.needsContext), suppressed: new Set(s.suppressed) });
      continue;
    }
    s.evaluated.forEach((k) => t.evaluated.add(k));
    s.failed.forEach((k) => t.failed.add(k));
    s.needsContext.forEach((k) => t.needsContext.add(k));
    s.suppressed.forEach((k) => t.suppressed.add(k));
  }
}

export function buildScorecard(rules: readonly ConfiguredRule[], stats: ReadonlyMap<string, RuleStats>): Scorecard {
  const byBestPractice = new Map<string, string[]>();
  for (const { rule } of rules) byBestPractice.set(rule.bestPractice, [...(byBestPractice.get(rule.bestPractice) ?? []), rule.id]);
  return {
    questions: QUESTIONS.map((q) => ({
      id: q.id,
      title: q.title,
      url: questionUrl(q),
      bestPractices: q.bestPractices.map((bp) => {
        const ruleIds = (byBestPractice.get(bp.id) ?? []).sort();
        const evaluated = new Set<string>();
        const failed = new Set<string>();
        const needsContext = new Set<string>();
        const suppressed = new Set<string>();
        for (const id of ruleIds) {
          const s = stats.get(id);
          s?.evaluated.forEach((k) => evaluated.add(k));
          s?.failed.forEach((k) => failed.add(k));
          s?.needsContext.forEach((k) => needsContext.add(k));
          s?.suppressed.forEach((k) => suppressed.add(k));
        }
        // a resource counts once: failed over suppressed over needing context
        failed.forEach((k) => {
          suppressed.delete(k);
          needsContext.delete(k);
        });
        suppressed.forEach((k) => needsContext.delete(k));
        return {
          id: bp.id,
          title: bp.title,
          url: bestPractice(bp.id)!.url,
          checkable: ruleIds.length > 0,
          rules: ruleIds,
          resources: evaluated.size,
          passed: evaluated.size - failed.size - needsContext.size - suppressed.size,
          failed: failed.size,
          suppressed: suppressed.size,
          needsContext: needsContext.size,
        };
      }),
    })),
  };
}
