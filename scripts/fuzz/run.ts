/**
 * The kinds of fuzz case, and how a run of them is made: the cases of one kind run on a worker thread,
 * watched from the calling one, so that a case that hangs or exhausts memory is reported (with the seed and
 * the case number that reproduce it) instead of stopping the run. Shared by scripts/fuzz.ts and
 * test/fuzz.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { fuzzCases, holds, type Outcome } from './template';
import { assemblyCases, assemblyHolds, type AssemblyCase } from './assembly';
import { fixCases, fixHolds } from './fix';
import { hostileCases, hostileHolds } from './hostile';

/** A kind of case: how to make them, the property, and how to keep one that failed for a look. */
interface Kind<C extends { origin: string }> {
  readonly cases: () => fc.Arbitrary<C>;
  readonly holds: (c: C, index: number) => Outcome | Promise<Outcome>;
  /** writes the case to files under `base` (a path prefix) and returns where */
  readonly save: (c: C, base: string) => string;
}

function kind<C extends { origin: string }>(k: Kind<C>): Kind<{ origin: string }> {
  return k as unknown as Kind<{ origin: string }>;
}

const saveFile = (c: { file: string; bytes: Uint8Array }, base: string): string => {
  const file = `${base}-${c.file.replace(/[^\w.-]/g, '_')}`;
  writeFileSync(file, c.bytes);
  return file;
};

/** The kinds, by name: random and mutated templates; hostile templates; cloud assemblies; `fix` round-trips. */
export const KINDS = {
  template: kind({ cases: fuzzCases, holds, save: saveFile }),
  hostile: kind({ cases: hostileCases, holds: hostileHolds, save: saveFile }),
  assembly: kind({
    cases: assemblyCases,
    holds: assemblyHolds,
    save: (c: AssemblyCase, base) => {
      writeFileSync(`${base}-assembly.json`, JSON.stringify(c.spec, null, 2));
      return `${base}-assembly.json (the spec; scripts/fuzz/assembly.ts writeAssembly writes its folder)`;
    },
  }),
  fix: kind({ cases: fixCases, holds: fixHolds, save: saveFile }),
} as const;

export type KindName = keyof typeof KINDS;

export interface RunOptions {
  readonly kind: KindName;
  readonly runs: number;
  readonly seed: number;
  readonly path?: string;
  readonly slowMs: number;
  readonly hangMs: number;
  /** the worker's heap, in MB: a case that needs more is reported as exhausting memory */
  readonly heapMb: number;
  /** shrink a failing case to a smaller one (each candidate is run again, which may take long) */
  readonly shrink: boolean;
  /** go on after a failing or stopped case, and list them all (each with the case number that replays it) */
  readonly keepGoing?: boolean;
  /** progress lines, for a long run */
  readonly log?: (line: string) => void;
}

export interface RunResult {
  readonly kind: KindName;
  readonly runs: number;
  readonly inputErrors: number;
  readonly findings: number;
  readonly slow: readonly { readonly index: number; readonly ms: number; readonly origin: string }[];
  /** a case that held no property: its error, how to replay it, the case kept in a file */
  readonly failure?: {
    readonly seed: number;
    readonly path: string;
    readonly error: string;
    readonly origin: string;
    readonly file: string;
  };
  /** a case that did not end within hangMs, or ran the worker out of memory */
  readonly stopped?: { readonly index: number; readonly why: string; readonly origin: string };
  /** with keepGoing: every case that failed or was stopped */
  readonly failed?: readonly { readonly index: number; readonly error: string; readonly origin: string }[];
}

interface Setup extends Omit<RunOptions, 'log'> {
  /** [cases started]: the worker counts, the calling thread watches */
  readonly progress: Int32Array;
  /** cases up to this one are made but not run (a worker started again after a stopped case) */
  readonly skip: number;
}

type Failed = NonNullable<RunResult['failed']>[number];
type Message =
  { readonly started: number; readonly origin: string } | { readonly failed: Failed } | { readonly result: RunResult };

/** The worker: runs the property, telling the watchdog about each case as it starts. */
async function work(setup: Setup): Promise<RunResult> {
  const k = KINDS[setup.kind];
  let inputErrors = 0;
  let findings = 0;
  const slow: { index: number; ms: number; origin: string }[] = [];
  let current: { origin: string } | undefined;
  const details = await fc.check(
    fc.asyncProperty(k.cases(), async (c) => {
      current = c;
      const index = Atomics.add(setup.progress, 0, 1) + 1;
      if (index <= setup.skip) return;
      parentPort!.postMessage({ started: index, origin: c.origin } satisfies Message);
      const started = performance.now();
      let outcome: Outcome;
      try {
        outcome = await k.holds(c, index);
      } catch (error) {
        if (!setup.keepGoing) throw error;
        // told at once: the worker may be stopped by a later case
        parentPort!.postMessage({
          failed: { index, error: error instanceof Error ? error.message : String(error), origin: c.origin },
        } satisfies Message);
        return;
      }
      const ms = performance.now() - started;
      if (ms > setup.slowMs) slow.push({ index, ms: Math.round(ms), origin: c.origin });
      if (outcome.inputError) inputErrors++;
      findings += outcome.findings;
    }),
    { seed: setup.seed, numRuns: setup.runs, endOnFailure: !setup.shrink, ...(setup.path ? { path: setup.path } : {}) },
  );
  const result = { kind: setup.kind, runs: details.numRuns, inputErrors, findings, slow };
  if (!details.failed) return result;
  const counterexample = (details.counterexample?.[0] as { origin: string } | undefined) ?? current!;
  const file = k.save(
    counterexample,
    path.join(tmpdir(), `opslint-fuzz-${setup.kind}-${details.seed}-${details.counterexamplePath ?? 'x'}`),
  );
  const error =
    details.errorInstance instanceof Error
      ? (details.errorInstance.stack ?? details.errorInstance.message)
      : String(details.errorInstance);
  return {
    ...result,
    failure: { seed: details.seed, path: details.counterexamplePath ?? '', error, origin: counterexample.origin, file },
  };
}

/**
 * Runs `options.runs` cases of one kind on a worker thread. Resolves with what happened, never rejects for
 * a case: a case that runs past `hangMs`, or exhausts the worker's heap, ends the run as `stopped` (with
 * keepGoing: is listed among the failed, and the run goes on after it on a new worker).
 */
export async function runFuzz(options: RunOptions): Promise<RunResult> {
  const failed: Failed[] = [];
  let skip = 0;
  for (;;) {
    const result = await runWorker(options, skip, (f) => failed.push(f));
    if (!options.keepGoing) return result;
    if (result.stopped) {
      failed.push({ index: result.stopped.index, error: result.stopped.why, origin: result.stopped.origin });
      skip = result.stopped.index;
      if (skip < options.runs) continue;
    }
    return { ...result, stopped: undefined, failed };
  }
}

function runWorker(options: RunOptions, skip: number, onFailed: (f: Failed) => void): Promise<RunResult> {
  const { log, ...rest } = options;
  const progress = new Int32Array(new SharedArrayBuffer(4));
  const setup: Setup = { ...rest, progress, skip };
  const started = Date.now();
  const worker = new Worker(__filename, {
    workerData: setup,
    execArgv:
      path.extname(__filename) === '.ts' ? ['--require', require.resolve('ts-node/register/transpile-only')] : [],
    resourceLimits: { maxOldGenerationSizeMb: options.heapMb },
  });
  return new Promise((resolve) => {
    let current = { index: 0, origin: '' };
    let since = Date.now();
    let reported = 0;
    let done = false;
    const finish = (result: RunResult): void => {
      if (done) return;
      done = true;
      clearInterval(timer);
      void worker.terminate();
      resolve(result);
    };
    const stopped = (why: string): RunResult => ({
      kind: options.kind,
      runs: current.index,
      inputErrors: 0,
      findings: 0,
      slow: [],
      stopped: { index: current.index, why, origin: current.origin },
    });
    const timer = setInterval(() => {
      if (Date.now() - since > options.hangMs && current.index > 0)
        finish(stopped(`ran for more than ${options.hangMs} ms`));
      const now = Atomics.load(progress, 0);
      if (log && now - reported >= 1000) {
        reported = now - (now % 1000);
        log(`  ${reported} cases, ${Math.round((Date.now() - started) / 1000)} s`);
      }
    }, 250);
    worker.on('message', (m: Message) => {
      if ('result' in m) finish(m.result);
      else if ('failed' in m) onFailed(m.failed);
      else {
        current = { index: m.started, origin: m.origin };
        since = Date.now();
      }
    });
    worker.on('error', (error: Error & { code?: string }) =>
      finish(
        stopped(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? `ran out of its ${options.heapMb} MB heap`
            : `stopped the worker: ${error.stack ?? error.message}`,
        ),
      ),
    );
    worker.on('exit', (code) => finish(stopped(`the worker exited with code ${code}`)));
  });
}

/** A run's outcome as lines of text, with how to replay a failure. */
export function describeResult(r: RunResult, seed: number, seconds: number): string[] {
  const out = [
    `fuzz ${r.kind}: ${r.runs} cases in ${seconds} s: ${r.inputErrors} input errors, ${r.runs - r.inputErrors} read, ${r.findings} findings`,
  ];
  for (const s of r.slow) out.push(`  slow: case ${s.index}, ${s.ms} ms: ${s.origin}`);
  if (r.failure) {
    const f = r.failure;
    out.push(
      `FAILED (${r.kind}): ${f.origin}`,
      `  ${f.error.split('\n').join('\n  ')}`,
      `  the case: ${f.file}`,
      `  reproduce with: npm run fuzz -- --kind ${r.kind} --seed ${f.seed} --path ${f.path}`,
    );
  }
  for (const f of r.failed ?? [])
    out.push(
      `FAILED (${r.kind}) case ${f.index}: ${f.error.split('\n')[0]}`,
      `  ${f.origin}`,
      `  reproduce with: npm run fuzz -- --kind ${r.kind} --seed ${seed} --runs ${f.index} --no-shrink`,
    );
  if (r.stopped) {
    out.push(
      `STOPPED (${r.kind}): case ${r.stopped.index} ${r.stopped.why}: ${r.stopped.origin}`,
      `  reproduce with: npm run fuzz -- --kind ${r.kind} --seed ${seed} --runs ${r.stopped.index}`,
    );
  }
  return out;
}

if (!isMainThread && (workerData as Setup | undefined)?.progress) {
  void work(workerData as Setup).then((result) => parentPort!.postMessage({ result } satisfies Message));
}
