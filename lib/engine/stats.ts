/**
 * What a run records per rule for the scorecard: which resources (or assemblies) it evaluated, failed, could not
 * judge without context, and which findings were suppressed. Plain sets, merged across assemblies and threads.
 */

/** Per rule: the resources (or assemblies) it evaluated, those it found a problem in, and those it could not judge without context. */
export interface RuleStats {
  readonly evaluated: Set<string>;
  readonly failed: Set<string>;
  readonly needsContext: Set<string>;
  /** filled after suppressions are applied */
  readonly suppressed: Set<string>;
}

/**
 * Merges the per-rule statistics of several assemblies into `into`, which takes over the sets of `from` (not
 * used after): a scan of one large assembly holds millions of entries, not to be copied.
 */
export function mergeStats(into: Map<string, RuleStats>, from: ReadonlyMap<string, RuleStats>): void {
  for (const [rule, s] of from) {
    const t = into.get(rule);
    if (!t) {
      into.set(rule, s);
      continue;
    }
    s.evaluated.forEach((k) => t.evaluated.add(k));
    s.failed.forEach((k) => t.failed.add(k));
    s.needsContext.forEach((k) => t.needsContext.add(k));
    s.suppressed.forEach((k) => t.suppressed.add(k));
  }
}
