/**
 * What a command gets from the process, given so that tests run it in-process (streams, folder, environment),
 * and the exit code it gives back.
 */
import { createColors } from 'picocolors';
import type { Colors } from 'picocolors/types';
import { atOrAbove, INTERNAL_ERROR, isActive, type FailOn, type Finding } from '../engine/finding';
import { EXIT, type ExitCode } from '../errors';

export interface CliIO {
  /** false when stdout queued the text rather than took it (as a Node.js stream's `write`): then wait for {@link drained} */
  readonly stdout: (text: string) => unknown;
  /** settles when stdout has taken what it queued (a stream's `drain`), rejects when it fails */
  readonly drained?: () => Promise<void>;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** whether stdout is a terminal (colours by default) */
  readonly isTTY: boolean;
  /** whether stderr is a terminal (progress on long scans; default: not) */
  readonly stderrIsTTY?: boolean;
}

/**
 * Whether what goes to stdout gets colours, as picocolors decides it but from the given streams and environment:
 * never with `--no-color` (`flag` false) or a non-empty `NO_COLOR`; as `FORCE_COLOR` says when it is set (`0` and
 * `false` turn them off, as in Node.js); else on a terminal that is not `TERM=dumb`.
 */
export function colorWanted(io: CliIO, flag: boolean): boolean {
  const { NO_COLOR, FORCE_COLOR, TERM } = io.env;
  if (!flag || (NO_COLOR ?? '') !== '') return false;
  if (FORCE_COLOR !== undefined) return FORCE_COLOR !== '0' && FORCE_COLOR !== 'false';
  return io.isTTY && TERM !== 'dumb';
}

/** The colours of {@link colorWanted}: functions that leave the text as it is when there are none. */
export function colorsFor(io: CliIO, flag: boolean): Colors {
  return createColors(colorWanted(io, flag));
}

/** A line on stderr that tells how far a scan is, rewritten in place and cleared at the end. */
export interface Progress {
  readonly update: (done: number, total: number) => void;
  readonly end: () => void;
}

/**
 * The progress line of a scan, only for a person watching: when stderr is a terminal (not `TERM=dumb`) and
 * not in CI (`CI` set, as CI services do), so pipes and logs never get it. Undefined otherwise.
 */
export function progressLine(io: CliIO): Progress | undefined {
  const { CI, TERM } = io.env;
  const ci = CI !== undefined && CI !== 'false' && CI !== '0';
  if (io.stderrIsTTY !== true || ci || TERM === 'dumb') return undefined;
  // carriage return, then erase the line
  const CLEAR = '\r\u001b[2K';
  let shown = false;
  return {
    update: (done, total) => {
      io.stderr(`${CLEAR}opslint: ${done}/${total} scanned`);
      shown = true;
    },
    end: () => {
      if (shown) io.stderr(CLEAR);
      shown = false;
    },
  };
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
