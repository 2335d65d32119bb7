/** Measuring helpers shared by the benchmarks: whole-process runs, medians, the machine. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export interface ProcessRun {
  /** wall time, process start included, in ms */
  readonly ms: number;
  /** peak resident set size in MB, when GNU time is there to tell */
  readonly peakMb?: number;
  readonly status: number | null;
  readonly stderr: string;
}

const GNU_TIME = '/usr/bin/time';
const hasGnuTime = existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-f', '%M', 'true']).status === 0;

/**
 * Runs a command to completion and times it from spawn to exit. Its stdout is discarded (reports can be
 * tens of megabytes; writing them is part of the work, keeping them is not): commands write to a file.
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): ProcessRun {
  const argv = hasGnuTime ? ['-f', '\n%M', command, ...args] : args;
  const start = process.hrtime.bigint();
  const result = spawnSync(hasGnuTime ? GNU_TIME : command, argv, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  let stderr = result.stderr?.toString() ?? '';
  let peakMb: number | undefined;
  if (hasGnuTime) {
    const lines = stderr.trimEnd().split('\n');
    const kb = Number(lines.pop());
    if (Number.isFinite(kb)) peakMb = kb / 1024;
    stderr = lines.join('\n');
  }
  if (result.error) throw result.error;
  return { ms, peakMb, status: result.status, stderr };
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs `once` `runs` times, returning the median wall time and the largest peak RSS seen. */
export function repeat(runs: number, once: () => ProcessRun): { ms: number; peakMb?: number; last: ProcessRun } {
  const all: ProcessRun[] = [];
  for (let i = 0; i < runs; i++) all.push(once());
  const peaks = all.map((r) => r.peakMb).filter((p): p is number => p !== undefined);
  return {
    ms: median(all.map((r) => r.ms)),
    peakMb: peaks.length ? Math.max(...peaks) : undefined,
    last: all[all.length - 1],
  };
}

/** One line describing the machine the numbers come from. */
export function machine(): string {
  const cpu = cpus();
  let os = process.platform;
  try {
    os = (readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?([^"\n]*)/m)?.[1] ?? os) as NodeJS.Platform;
  } catch {
    // not Linux: the platform name will do
  }
  return `${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${os}, Node ${process.version}`;
}

export const fmtMs = (ms: number): string =>
  ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
export const fmtMb = (mb: number | undefined): string => (mb === undefined ? 'n/a' : `${mb.toFixed(0)} MB`);
export const ratio = (a: number, b: number): string => `${(a / b).toFixed(1)}×`;

/** A Markdown table from a header row and rows. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
