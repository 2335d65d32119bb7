/**
 * What a command gets from the process, given so that tests run it in-process (streams, folder, environment),
 * and the exit code it gives back.
 */
import { atOrAbove, INTERNAL_ERROR, isActive, type FailOn, type Finding } from '../engine/finding';
import { EXIT, type ExitCode } from '../errors';

export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** whether stdout is a terminal (colours by default) */
  readonly isTTY: boolean;
}

/**
 * The exit code of a command that checks templates (`scan`, `fix`). Part of the input left unchecked, by an error
 * (an input that could not be read, a file that could not be written) or by a rule that failed, is
 * {@link EXIT.error} whatever `failOn` says; else a finding left that is not suppressed and is at or above
 * `failOn` is {@link EXIT.findings}.
 */
export function exitCode(
  run: { readonly errors: number; readonly findings: readonly Finding[] },
  failOn: FailOn,
): ExitCode {
  if (run.errors > 0 || run.findings.some((f) => f.ruleId === INTERNAL_ERROR)) return EXIT.error;
  return run.findings.some((f) => isActive(f) && atOrAbove(f.severity, failOn)) ? EXIT.findings : EXIT.ok;
}
