/** What each benchmark returns: its part of bench/RESULTS.md, and the targets it checks. */
export interface Target {
  readonly name: string;
  readonly met: boolean;
  /** the measured value against the target, e.g. "6.1× (target ≥ 5×)" */
  readonly detail: string;
}

export interface Section {
  readonly title: string;
  /** Markdown: how it was measured, the table, and any explanation */
  readonly markdown: string;
  readonly targets: readonly Target[];
}
