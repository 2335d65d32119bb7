/** `--format json`: the report as is (the finding contract in DESIGN.md), two-space indented. */
import type { Reporter } from './index';

export const jsonReporter: Reporter = (report) => `${JSON.stringify(report, null, 2)}\n`;
