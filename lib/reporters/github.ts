/**
 * `--format github`: GitHub Actions workflow commands, so findings appear as annotations on the pull
 * request's files: `::error file=…,line=…,col=…,title=…::message` (warning and notice by severity).
 * Suppressed findings are left out; input errors are errors. Findings in deployed stacks, which are no file,
 * are annotations of the run, their `stack://` location in the message. Needs-context reminders are one notice
 * per rule: at the reminder when it is in one file, an annotation of the run naming the files otherwise.
 *
 * GitHub shows {@link ANNOTATIONS_PER_LEVEL} annotations of each level per step and drops the rest: the first of
 * each level are written (input errors, then errors, warnings, notices), and a closing notice counts those left out
 * and says where to see them.
 */
import { fullMessage, isActive, locationUri, SEVERITIES, type Finding, type Severity } from '../engine/finding';
import { printable } from './escape';
import type { ReporterOptions, StreamingReporter } from './index';
import { repoRelative } from './paths';
import { groupReminders, type ReminderGroup } from './reminders';

/** The annotations of one level (error, warning, notice) that GitHub shows for a step. */
export const ANNOTATIONS_PER_LEVEL = 10;

const COMMAND: Readonly<Record<Severity, string>> = { error: 'error', warning: 'warning', info: 'notice' };
/** Files a grouped reminder names before "and N more". */
const FILES_NAMED = 3;

export const githubReport: StreamingReporter = function* (report, options) {
  // the first annotations of each level, as many as GitHub shows (the others are only counted), and how many in all
  const written: Record<Severity, string[]> = { error: [], warning: [], info: [] };
  const all: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  const add = (level: Severity, line: () => string): void => {
    if (all[level]++ < ANNOTATIONS_PER_LEVEL) written[level].push(line());
  };
  for (const e of report.errors) {
    const title = `title=${property('opslint: input error')}`;
    if (locationUri(e.file)) {
      add('error', () => `::error ${title}::${data(`${e.file}: ${e.message}`)}`);
      continue;
    }
    const where = e.line !== undefined ? `,line=${e.line},col=${e.column}` : '';
    add('error', () => `::error file=${property(shown(e.file, options))}${where},${title}::${data(e.message)}`);
  }
  const { findings, reminders } = groupReminders(report.findings.filter(isActive));
  for (const f of findings) add(f.severity, () => annotation(f, options));
  for (const group of reminders) add(group.findings[0].severity, () => reminder(group, options));

  const left = (s: Severity): number => all[s] - written[s].length;
  // the closing notice is one of the notices GitHub shows: it takes the place of the last
  if (SEVERITIES.some((s) => left(s) > 0) && written.info.length === ANNOTATIONS_PER_LEVEL) written.info.pop();
  const lines = SEVERITIES.flatMap((s) => written[s]);
  const total = SEVERITIES.reduce((n, s) => n + left(s), 0);
  if (total > 0) {
    const counts = SEVERITIES.filter((s) => left(s) > 0)
      .map((s) => `${left(s)} ${COMMAND[s]}${left(s) === 1 ? '' : 's'}`)
      .join(', ');
    lines.push(
      `::notice title=${property(`opslint: ${total} more not annotated`)}::${data(
        `GitHub shows ${ANNOTATIONS_PER_LEVEL} annotations of each level per step; ${counts} more ${total === 1 ? 'is' : 'are'} not annotated. ` +
          'opslint scan --format text lists every finding, as does the SARIF report.',
      )}`,
    );
  }
  if (lines.length > 0) yield `${lines.join('\n')}\n`;
};

/** A finding's annotation, on its file and line; for a source without files (a deployed stack), of the run. */
function annotation(f: Finding, options: ReporterOptions): string {
  const message = fullMessage(f);
  const title = titleOf(f);
  // a source without files (a deployed stack) is no file of the repository: the annotation names it in its message instead
  if (locationUri(f.file))
    return `::${COMMAND[f.severity]} ${title}::${data(`${f.file}:${f.line}:${f.column}: ${message}`)}`;
  return `::${COMMAND[f.severity]} file=${property(shown(f.file, options))},line=${f.line},col=${f.column},${title}::${data(message)}`;
}

/** A rule's reminders as one annotation: at the reminder when they are in one file, of the run naming the files otherwise. */
function reminder(group: ReminderGroup, options: ReporterOptions): string {
  const [first] = group.findings;
  if (group.files.length === 1) return annotation(first, options);
  const named = group.files.slice(0, FILES_NAMED).map((f) => shown(f, options));
  const rest = group.files.length - named.length;
  const where = `${named.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`;
  const title = titleOf(first);
  return `::${COMMAND[first.severity]} ${title}::${data(`${fullMessage(first)} In ${group.files.length} files: ${where}.`)}`;
}

function titleOf(f: Finding): string {
  return `title=${property(`${f.ruleId} (${f.bestPractice})`)}`;
}

/** A file as annotations name it: repository-relative when it is in the repository; a source's own URI as it is. */
function shown(file: string, options: ReporterOptions): string {
  return locationUri(file) ? file : (repoRelative(file, options) ?? file);
}

/**
 * A command's message: printable (the log shows raw escape sequences, and a line break would start a line the
 * runner reads as a command of its own), then `%` escaped as the runner expects (printable leaves no CR or LF).
 */
function data(s: string): string {
  return printable(s).replace(/%/g, '%25');
}

/** Escaping of a command property value: also `:` and `,`. */
function property(s: string): string {
  return data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
