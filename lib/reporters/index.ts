/**
 * Reporters are pure functions of one report: `(report, options) => string`. They are loaded by name
 * when asked for, so a scan pays only for the formats it prints.
 */
import type { FailOn, ScanReport } from '../engine/finding';
import type { RuleInfo } from '../engine/rule-info';

export type { RuleInfo } from '../engine/rule-info';

/** What a reporter may use besides the report. */
export interface ReporterOptions {
  /** ANSI colours (text output to a terminal) */
  readonly color: boolean;
  /** text output: add the OPS scorecard */
  readonly scorecard?: boolean;
  /** the rules that ran (SARIF lists them; others link to them) */
  readonly rules?: readonly RuleInfo[];
  /** where finding paths are relative to (default: the process's working directory) */
  readonly cwd?: string;
  /** the repository root, for repository-relative paths (SARIF, GitHub annotations); default: cwd */
  readonly repoRoot?: string;
  readonly toolVersion?: string;
  /** the `--fail-on` threshold: JUnit fails only the findings at or above it (default `error`, as the CLI's) */
  readonly failOn?: FailOn;
}

/** A reporter: a pure function from a report to text. */
export type Reporter = (report: ScanReport, options: ReporterOptions) => string;

const REPORTERS: Readonly<Record<string, () => Reporter>> = {
  text: () => (require('./text') as typeof import('./text')).textReporter,
  json: () => (require('./json') as typeof import('./json')).jsonReporter,
  sarif: () => (require('./sarif') as typeof import('./sarif')).sarifReporter,
  github: () => (require('./github') as typeof import('./github')).githubReporter,
  junit: () => (require('./junit') as typeof import('./junit')).junitReporter,
  markdown: () => (require('./markdown') as typeof import('./markdown')).markdownReporter,
  html: () => (require('./html') as typeof import('./html')).htmlReporter,
};

/** The formats `--format` accepts. */
export const FORMATS: readonly string[] = Object.keys(REPORTERS);

/** The reporter of a format, loaded when asked for. */
export function getReporter(format: string): Reporter | undefined {
  return Object.prototype.hasOwnProperty.call(REPORTERS, format) ? REPORTERS[format]() : undefined;
}
