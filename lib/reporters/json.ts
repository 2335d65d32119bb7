/** `--format json`: the report as is (the finding contract in docs/DESIGN.md), two-space indented, after the version of its contract. */
import type { StreamingReporter } from './index';
import { jsonPieces } from './json-pieces';

/**
 * The version of the JSON report's contract (schema/report.schema.json): a key removed or changed in meaning bumps
 * it, a key added does not.
 */
export const REPORT_SCHEMA_VERSION = 1;

// the findings a baseline knows are for SARIF alone: the JSON report keeps to new ones and counts the known
export const jsonReport: StreamingReporter = function* ({ known: _known, ...report }) {
  // a finding at a time (the report, its lists, then each of their entries whole)
  yield* jsonPieces({ schemaVersion: REPORT_SCHEMA_VERSION, ...report }, 2);
  yield '\n';
};
