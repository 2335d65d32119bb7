/**
 * Long property-based runs over random and mutated templates (test/helpers/fuzz.ts):
 *
 *   npm run fuzz -- --runs 100000 [--seed N] [--path P] [--slow-ms 2000] [--hang-ms 60000]
 *
 * The cases run on a worker thread, watched from the main one: a case that runs past --hang-ms is a hang,
 * reported with the seed and the case number that reproduce it, and cases slower than --slow-ms are listed.
 * A failure is reported with fast-check's seed and path (`--seed S --path P` replays exactly that case) and
 * the case's bytes written to a file. Exit code: 0 when every case held, 1 otherwise, 2 for a usage mistake.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { fuzzCases, holds, type FuzzCase } from '../test/helpers/fuzz';

interface Options {
  readonly runs: number;
  readonly seed: number;
  readonly path?: string;
  readonly slowMs: number;
  readonly hangMs: number;
}

interface Setup extends Options {
  /** [cases started]: the worker counts, the main thread watches */
  readonly progress: Int32Array;
}

interface Result {
  readonly runs: number;
  readonly inputErrors: number;
  readonly findings: number;
  readonly slow: readonly { readonly index: number; readonly ms: number; readonly origin: string }[];
  readonly failure?: { readonly seed: number; readonly path: string; readonly error: string; readonly origin: string; readonly file: string };
}

function parseArgs(argv: readonly string[]): Options {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    if (!['--runs', '--seed', '--path', '--slow-ms', '--hang-ms'].includes(flag) || argv[i + 1] === undefined) {
      throw new Error(`unknown option or missing value: ${flag}`);
    }
    values.set(flag, argv[i + 1]);
  }
  const whole = (flag: string, fallback: number): number => {
    const n = Number(values.get(flag) ?? fallback);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${flag} must be a whole number, not "${values.get(flag)}"`);
    return n;
  };
  return {
    runs: whole('--runs', 1000),
    // fast-check seeds are 32-bit integers
    seed: whole('--seed', Math.floor(Math.random() * 0x7fffffff)),
    path: values.get('--path'),
    slowMs: whole('--slow-ms', 2000),
    hangMs: whole('--hang-ms', 60_000),
  };
}

/** The worker: runs the property, counting cases in shared memory for the watchdog. */
function work(setup: Setup): Result {
  let index = 0;
  let inputErrors = 0;
  let findings = 0;
  const slow: { index: number; ms: number; origin: string }[] = [];
  let current: FuzzCase | undefined;
  const details = fc.check(
    fc.property(fuzzCases(), (c) => {
      current = c;
      index = Atomics.add(setup.progress, 0, 1) + 1;
      const started = performance.now();
      const outcome = holds(c);
      const ms = performance.now() - started;
      if (ms > setup.slowMs) slow.push({ index, ms: Math.round(ms), origin: c.origin });
      if (outcome.inputError) inputErrors++;
      findings += outcome.findings;
    }),
    { seed: setup.seed, numRuns: setup.runs, ...(setup.path ? { path: setup.path } : {}) },
  );
  if (!details.failed) return { runs: details.numRuns, inputErrors, findings, slow };
  const counterexample = (details.counterexample?.[0] as FuzzCase | undefined) ?? current!;
  const file = path.join(tmpdir(), `opslint-fuzz-${details.seed}-${details.counterexamplePath ?? 'x'}-${counterexample.file}`);
  writeFileSync(file, counterexample.bytes);
  const error = details.errorInstance instanceof Error ? (details.errorInstance.stack ?? details.errorInstance.message) : String(details.errorInstance);
  return {
    runs: details.numRuns,
    inputErrors,
    findings,
    slow,
    failure: { seed: details.seed, path: details.counterexamplePath ?? '', error, origin: counterexample.origin, file },
  };
}

function main(): void {
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`fuzz: ${(error as Error).message}\nusage: npm run fuzz -- --runs N [--seed N] [--path P] [--slow-ms N] [--hang-ms N]\n`);
    process.exitCode = 2;
    return;
  }
  const progress = new Int32Array(new SharedArrayBuffer(4));
  const setup: Setup = { ...options, progress };
  const started = Date.now();
  process.stdout.write(`fuzz: ${options.runs} cases, seed ${options.seed}${options.path ? `, path ${options.path}` : ''}\n`);
  const worker = new Worker(__filename, { workerData: setup, execArgv: path.extname(__filename) === '.ts' ? ['--require', require.resolve('ts-node/register/transpile-only')] : [] });

  // the watchdog: a case that does not end within --hang-ms is a hang
  let seen = 0;
  let since = Date.now();
  let reported = 0;
  const timer = setInterval(() => {
    const now = Atomics.load(progress, 0);
    if (now !== seen) {
      seen = now;
      since = Date.now();
      if (now - reported >= 10_000) {
        reported = now - (now % 10_000);
        process.stdout.write(`  ${reported} cases, ${Math.round((Date.now() - started) / 1000)} s\n`);
      }
    } else if (now > 0 && Date.now() - since > options.hangMs) {
      clearInterval(timer);
      process.stdout.write(`HANG: case ${now} ran for more than ${options.hangMs} ms; reproduce with: npm run fuzz -- --seed ${options.seed} --runs ${now}\n`);
      process.exitCode = 1;
      void worker.terminate();
    }
  }, 1000);

  worker.on('message', (result: Result) => {
    clearInterval(timer);
    const seconds = Math.round((Date.now() - started) / 1000);
    process.stdout.write(`fuzz: ${result.runs} cases in ${seconds} s: ${result.inputErrors} input errors, ${result.runs - result.inputErrors} templates read, ${result.findings} findings\n`);
    for (const s of result.slow) process.stdout.write(`  slow: case ${s.index}, ${s.ms} ms: ${s.origin}\n`);
    if (result.failure) {
      const f = result.failure;
      process.stdout.write(`FAILED: ${f.origin}\n  ${f.error.split('\n').join('\n  ')}\n  the case: ${f.file}\n  reproduce with: npm run fuzz -- --seed ${f.seed} --path ${f.path}\n`);
      process.exitCode = 1;
    } else {
      process.stdout.write('fuzz: every case held\n');
    }
  });
  worker.on('error', (error) => {
    clearInterval(timer);
    process.stdout.write(`FAILED: the fuzz worker stopped: ${error.stack ?? error.message}\n`);
    process.exitCode = 1;
  });
}

if (isMainThread) main();
else parentPort!.postMessage(work(workerData as Setup));
