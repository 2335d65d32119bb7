/**
 * Reporters are pure functions of one report: `(report, options) => string`. They are loaded by name
 * when asked for, so a scan pays only for the format it prints.
 */
import type { ScanReport } from '../engine/finding';

export interface ReporterOptions {
  /** ANSI colours (text output to a terminal) */
  readonly color: boolean;
  /** text output: add the OPS scorecard */
  readonly scorecard?: boolean;
}

export type Reporter = (report: ScanReport, options: ReporterOptions) => string;

const REPORTERS: Readonly<Record<string, () => Reporter>> = {
  text: () => (require('./text') as typeof import('./text')).textReporter,
  json: () => (require('./json') as typeof import('./json')).jsonReporter,
};

export const FORMATS: readonly string[] = Object.keys(REPORTERS);

export function getReporter(format: string): Reporter | undefined {
  return Object.prototype.hasOwnProperty.call(REPORTERS, format) ? REPORTERS[format]() : undefined;
}
