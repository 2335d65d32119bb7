/**
 * Reporters are pure functions of one report. Each format writes its report in pieces as it makes them (a
 * {@link StreamingReporter}), so that a report of a hundred thousand findings is never one string in memory; the
 * string form ({@link Reporter}) joins the pieces. They are loaded by name when asked for, so a scan pays only for
 * the formats it prints.
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

/**
 * A reporter that gives its text in pieces, each made when the one before has been taken: joined, they are the
 * {@link Reporter}'s string.
 */
export type StreamingReporter = (report: ScanReport, options: ReporterOptions) => Iterable<string>;

const REPORTERS: Readonly<Record<string, () => StreamingReporter>> = {
  text: () => (require('./text') as typeof import('./text')).textReport,
  json: () => (require('./json') as typeof import('./json')).jsonReport,
  sarif: () => (require('./sarif') as typeof import('./sarif')).sarifReport,
  github: () => (require('./github') as typeof import('./github')).githubReport,
  junit: () => (require('./junit') as typeof import('./junit')).junitReport,
  markdown: () => (require('./markdown') as typeof import('./markdown')).markdownReport,
  html: () => (require('./html') as typeof import('./html')).htmlReport,
};

/** The formats `--format` accepts. */
export const FORMATS: readonly string[] = Object.keys(REPORTERS);

/** The streaming reporter of a format, loaded when asked for. */
export function getStreamingReporter(format: string): StreamingReporter | undefined {
  return Object.prototype.hasOwnProperty.call(REPORTERS, format) ? REPORTERS[format]() : undefined;
}

/** The reporter of a format, loaded when asked for: its whole report as one string. */
export function getReporter(format: string): Reporter | undefined {
  const stream = getStreamingReporter(format);
  return stream && ((report, options) => joined(stream(report, options)));
}

/** The pieces of a report as one string. */
export function joined(pieces: Iterable<string>): string {
  let text = '';
  for (const piece of pieces) text += piece;
  return text;
}
