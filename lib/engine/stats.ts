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
