/**
 * `--format github`: GitHub Actions workflow commands, so findings appear as annotations on the pull
 * request's files: `::error file=…,line=…,col=…,title=…::message` (warning and notice by severity).
 * Suppressed findings are left out; input errors are errors. Findings in deployed stacks, which are no file,
 * are annotations of the run, their `stack://` location in the message.
 */
import { fullMessage, locationUri, type Severity } from '../engine/finding';
import { printable } from './escape';
import type { Reporter } from './index';
import { repoRelative } from './paths';

const COMMAND: Readonly<Record<Severity, string>> = { error: 'error', warning: 'warning', info: 'notice' };

export const githubReporter: Reporter = (report, options) => {
  const lines: string[] = [];
  const file = (f: string): string => repoRelative(f, options) ?? f;
  for (const e of report.errors) {
    const title = `title=${property('opslint: input error')}`;
    if (locationUri(e.file)) {
      lines.push(`::error ${title}::${data(`${e.file}: ${e.message}`)}`);
      continue;
    }
    const where = e.line !== undefined ? `,line=${e.line},col=${e.column}` : '';
    lines.push(`::error file=${property(file(e.file))}${where},${title}::${data(e.message)}`);
  }
  for (const f of report.findings) {
    if (f.suppressed) continue;
    const title = `title=${property(`${f.ruleId} (${f.bestPractice})`)}`;
    // a source without files (a deployed stack) is no file of the repository: the annotation names it in its message instead
    if (locationUri(f.file))
      lines.push(`::${COMMAND[f.severity]} ${title}::${data(`${f.file}:${f.line}:${f.column}: ${fullMessage(f)}`)}`);
    else
      lines.push(
        `::${COMMAND[f.severity]} file=${property(file(f.file))},line=${f.line},col=${f.column},${title}::${data(fullMessage(f))}`,
      );
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
};

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
