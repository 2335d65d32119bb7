/** What `--debug` shows on stderr: stacks, each line printable (a stack quotes the message it was thrown with). */
import { INTERNAL_ERROR, type Finding } from '../engine/finding';
import { printable } from '../reporters/escape';

/** The stack of an error, or its message when it has none. */
export function debugStack(error: Error | string): string {
  const text = typeof error === 'string' ? error : (error.stack ?? `${error.name}: ${error.message}`);
  return text
    .split('\n')
    .map((line) => printable(line))
    .join('\n');
}

/** For each rule that failed (an `internal-error` finding of a scan with `debug`), where, and its stack. */
export function failedRules(findings: readonly Finding[]): string[] {
  return findings
    .filter((f) => f.ruleId === INTERNAL_ERROR && f.trace !== undefined)
    .map((f) => `opslint: ${printable(`${f.file}:${f.line}:${f.column}: ${f.message}`)}\n${debugStack(f.trace!)}`);
}
