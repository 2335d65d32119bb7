/**
 * opslint's errors, and the exit codes they end a command with. A mistake in how opslint was asked to run and an
 * input that cannot be read are errors users see as one line (exit code 2); anything else thrown is a bug in opslint.
 * This module imports nothing of opslint's, so every layer (the template model included) can throw these.
 */

/** The exit codes of `opslint` (see `exitCode` in lib/cli/io.ts for how `scan` and `fix` choose theirs). */
export const EXIT = {
  /** nothing at or above the fail threshold */
  ok: 0,
  /** a finding at or above the fail threshold */
  findings: 1,
  /** a {@link UsageError}, an input that could not be read, or a rule that failed: something was not checked */
  error: 2,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * A mistake in how opslint was asked to run (an unknown rule id, say): reported as one line, exit code 2; or as
 * one line each, when several are found at once (every mistake of a rules file).
 */
export class UsageError extends Error {
  readonly lines: readonly string[];

  constructor(message: string | readonly string[], options?: ErrorOptions) {
    const lines = typeof message === 'string' ? [message] : message;
    super(lines.join('\n'), options);
    this.name = 'UsageError';
    this.lines = lines;
  }
}

/** An input that cannot be read, with the file and, where known, the position. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly position?: { readonly line: number; readonly column: number },
  ) {
    super(message);
    this.name = 'InputError';
  }

  /** `file:line:col: message` (or `file: message` without a position): the one line users see. */
  format(): string {
    const where = this.position ? `${this.file}:${this.position.line}:${this.position.column}` : this.file;
    return `${where}: ${this.message}`;
  }
}
