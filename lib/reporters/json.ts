/** `--format json`: the report as is (the finding contract in docs/DESIGN.md), two-space indented, after the version of its contract. */
import type { Reporter } from './index';

/**
 * The version of the JSON report's contract (schema/report.schema.json): a key removed or changed in meaning bumps
 * it, a key added does not.
 */
export const REPORT_SCHEMA_VERSION = 1;

// the findings a baseline knows are for SARIF alone: the JSON report keeps to new ones and counts the known
export const jsonReporter: Reporter = ({ known: _known, ...report }) =>
  `${JSON.stringify({ schemaVersion: REPORT_SCHEMA_VERSION, ...report }, null, 2)}\n`;
