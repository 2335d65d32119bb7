/** `--format json`: the report as is (the finding contract in docs/DESIGN.md), two-space indented, after the version of its contract. */
import type { Reporter } from './index';

/**
 * The version of the JSON report's contract (schema/report.schema.json): a key removed or changed in meaning bumps
 * it, a key added does not.
 */
export const REPORT_SCHEMA_VERSION = 1;

export const jsonReporter: Reporter = (report) =>
  `${JSON.stringify({ schemaVersion: REPORT_SCHEMA_VERSION, ...report }, null, 2)}\n`;
