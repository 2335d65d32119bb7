/**
 * The OPS scorecard: every question and best practice of the pillar, with what the scan could check. A best
 * practice with rules counts the resources its rules evaluated, passed and failed; one without rules needs a
 * human review, and links to the framework's page for it.
 */
import { bestPractice, QUESTIONS, questionUrl } from '../framework';
import type { ConfiguredRule } from './runner';
import type { Scorecard } from './finding';
import type { RuleStats } from './stats';

export function buildScorecard(rules: readonly ConfiguredRule[], stats: ReadonlyMap<string, RuleStats>): Scorecard {
  const byBestPractice = new Map<string, string[]>();
  for (const { rule } of rules)
    byBestPractice.set(rule.bestPractice, [...(byBestPractice.get(rule.bestPractice) ?? []), rule.id]);
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
