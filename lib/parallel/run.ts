/**
 * Scans on worker threads (`--jobs N`). Units are handed out one at a time to workers that read and check
 * them with the same rules; the results are put back in unit order, so the report is exactly the one a scan
 * on one thread gives. Small scans stay on the main thread: starting a worker costs more than they take.
 *
 * A watchdog also runs here: each worker tells, through shared memory, which rule it is running. A rule that
 * runs past its time budget cannot be interrupted on its own thread, so the worker is stopped, the rule
 * reported as an internal error, and the unit checked again without that rule on a new worker. A rule
 * stopped once is not run again in the scan: the unit, in unit order, on which it was first stopped and
 * every unit after it are checked without it, whichever worker met it first, so that the report does not
 * depend on timing. Scans that load rules from outside opslint therefore always run on at least one worker.
 */
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { timeoutFinding } from '../engine/emit';
import type { ConfiguredRule } from '../engine/runner';
import { READERS } from '../sources';
import type { Reader, Unit } from '../sources/source';
import type { PreparedScan, ScanOptions } from '../scan/prepare';
import { scanUnit, type UnitResult } from '../scan/unit';
import { InputError } from '../template/errors';
import type { Position } from '../template/source';
import { WORKER_ARGUMENT } from './thread';

/** Defined in the one-file CLI only, by scripts/build.js: the file it starts from, beside the bundle. */
declare const OPSLINT_BUNDLE: string | undefined;

/** Packs to load, as the configuration or command line named them: what a worker needs to load them too. */
export interface PackSource {
  readonly specs: readonly string[];
  /** where relative specifiers start */
  readonly baseDir: string;
}

/**
 * How a worker thread loads the packs of the scan: those of the catalogue (a module whose `BUILTIN_PACKS` it
 * takes: the composition root) named by `builtin`, in that order, then the packs named by `sources`, as the main
 * thread did. The worker checks that it configured the same rules, in the same order.
 */
export interface WorkerPacks {
  readonly catalogue: string;
  readonly builtin: readonly string[];
  readonly sources: readonly PackSource[];
}

/** How to spread a scan over worker threads. */
export interface ParallelOptions {
  /** most worker threads (default {@link defaultJobs}) */
  readonly jobs?: number;
  /** how a worker loads the scan's packs; without it, the scan stays on this thread */
  readonly workerPacks?: WorkerPacks;
  /** longest a rule may run on one resource or app, in milliseconds (default {@link DEFAULT_RULE_TIMEOUT_MS}) */
  readonly ruleTimeoutMs?: number;
  /** template text, in bytes, that makes another worker worth starting (default {@link BYTES_PER_WORKER}) */
  readonly bytesPerWorker?: number;
  /** told how many units are scanned, of how many: at the start, then as each is done (in any order) */
  readonly onProgress?: (done: number, total: number) => void;
}

export const DEFAULT_RULE_TIMEOUT_MS = 10_000;

/**
 * Workers by default: one core fewer than the machine has. Scanning allocates heavily, and on one thread
 * V8's garbage collector does much of its work on the other cores; measured on 2 cores, two workers took
 * longer than the main thread alone (bench/RESULTS.md), so there a scan stays on the main thread.
 */
export function defaultJobs(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** A worker starts in about a third of a second; it pays off with about this much template text to read. */
export const BYTES_PER_WORKER = 2 * 1024 * 1024;

/** What a worker is started with (structured-cloned): the scan's options but its packs, which it loads itself. */
export interface WorkerSetup {
  readonly options: Omit<ScanOptions, 'packs'>;
  readonly packs: WorkerPacks;
  /** the ids of the rules the main thread configured, in order: the watchdog names a rule by its place in them */
  readonly rules: readonly string[];
  /** [changes, running rule's index + 1 or 0]: the worker writes, the watchdog reads */
  readonly progress: Int32Array;
}

/** A message to a worker: scan this unit (without these rules, stopped on it or before it); null: no more work. */
export interface WorkRequest {
  readonly index: number;
  readonly unit: Unit;
  readonly skip?: readonly string[];
}

/** A worker's answer: ready, a unit's result (input errors as plain data), or a failure to start. */
export type WorkReply =
  | { readonly kind: 'ready' }
  | {
      readonly kind: 'done';
      readonly index: number;
      readonly result: UnitResult['result'];
      readonly errors: readonly PlainInputError[];
    }
  | { readonly kind: 'failed'; readonly message: string };

export interface PlainInputError {
  readonly message: string;
  readonly file: string;
  readonly position?: Position;
}

/**
 * Scans units on up to `jobs` worker threads, or on this thread when no worker would pay off (or none can load
 * the packs, or a unit holds objects that cannot be sent): the results in unit order either way.
 */
export async function runUnits(
  units: readonly Unit[],
  scan: PreparedScan,
  options: ScanOptions & ParallelOptions,
  readers: ReadonlyMap<string, Reader> = READERS,
): Promise<UnitResult[]> {
  const count = workerCount(units, options);
  if (units.length > 0) options.onProgress?.(0, units.length);
  if (count > 0) return runWorkers(units, count, scan, options);
  return units.map((unit, i) => {
    const result = scanUnit(unit, scan, readers);
    options.onProgress?.(i + 1, units.length);
    return result;
  });
}

function workerCount(units: readonly Unit[], options: ParallelOptions): number {
  const packs = options.workerPacks;
  if (!packs || units.length === 0 || units.some((u) => READERS.get(u.reader)?.portable !== true)) return 0;
  const bytes = units.reduce((sum, unit) => sum + unit.bytes, 0);
  const wanted = Math.min(
    options.jobs ?? defaultJobs(),
    units.length,
    Math.ceil(bytes / (options.bytesPerWorker ?? BYTES_PER_WORKER)),
  );
  const watched = packs.sources.some((s) => s.specs.length > 0);
  return wanted > 1 ? wanted : watched ? 1 : 0;
}

function runWorkers(
  units: readonly Unit[],
  count: number,
  scan: PreparedScan,
  options: ScanOptions & ParallelOptions,
): Promise<UnitResult[]> {
  const budget = options.ruleTimeoutMs ?? DEFAULT_RULE_TIMEOUT_MS;
  const {
    packs: _packs,
    workerPacks,
    jobs: _jobs,
    ruleTimeoutMs: _timeout,
    bytesPerWorker: _bytes,
    onProgress,
    ...cloneable
  } = options;
  const ext = path.extname(__filename);
  // from the TypeScript sources (tests, ts-node), the worker compiles its own modules
  const execArgv = ext === '.ts' ? ['--require', require.resolve('ts-node/register/transpile-only')] : [];
  // the bundle (scripts/build.js) starts its workers from its launcher (bin/launch.ts serves on a worker thread),
  // their traces mapped to the sources when this thread's are
  const bundled = typeof OPSLINT_BUNDLE !== 'undefined';
  // loaded here: most scans run on this thread, and every start would pay for it
  const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
  const entry = bundled ? path.join(__dirname, OPSLINT_BUNDLE) : path.join(__dirname, `worker${ext}`);
  if (bundled && process.sourceMapsEnabled) execArgv.push('--enable-source-maps');

  return new Promise((resolve, reject) => {
    const results: (UnitResult | undefined)[] = new Array<UnitResult | undefined>(units.length);
    // rules the watchdog stopped, by id: the first unit (in unit order) they were stopped on
    const stopped = new Map<string, { readonly index: number; readonly rule: ConfiguredRule }>();
    const skipped = (index: number): string[] => [...stopped].filter(([, s]) => s.index <= index).map(([id]) => id);
    // how many rules each unit was last sent to be checked without
    const sent: number[] = new Array<number>(units.length).fill(0);
    const retry: number[] = [];
    const live = new Set<Worker>();
    let next = 0;
    let done = 0;
    let settled = false;

    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      for (const w of live) void w.terminate();
      if (error) return reject(error);
      for (const s of stopped.values()) {
        const result = results[s.index]!;
        const found = timeoutFinding(s.rule, units[s.index].name, budget, units.length - 1 - s.index);
        const checked = result.result ?? { findings: [], stats: new Map(), notes: [], files: [], resources: 0 };
        results[s.index] = { ...result, result: { ...checked, findings: [...checked.findings, found] } };
      }
      resolve(results as UnitResult[]);
    };

    const start = (): void => {
      const progress = new Int32Array(new SharedArrayBuffer(8));
      const setup: WorkerSetup = {
        options: cloneable,
        packs: workerPacks!,
        rules: scan.rules.map((r) => r.rule.id),
        progress,
      };
      // from the sources, ts-node compiles with the repository's tsconfig, whatever the working directory
      const env =
        ext === '.ts'
          ? { ...process.env, TS_NODE_PROJECT: path.resolve(__dirname, '..', '..', 'tsconfig.json') }
          : process.env;
      const worker = new Worker(entry, { workerData: setup, execArgv, env, argv: [WORKER_ARGUMENT] });
      const state: Watched = { progress, current: -1, seen: -1, since: Date.now() };
      live.add(worker);
      watched.add(state);
      const give = (): void => {
        const index = retry.length > 0 ? retry.shift()! : next < units.length ? next++ : -1;
        state.current = index;
        if (index < 0) {
          // nothing left: the worker closes its port and ends on its own
          watched.delete(state);
          live.delete(worker);
          worker.postMessage(null);
          return;
        }
        const skip = skipped(index);
        sent[index] = skip.length;
        const request: WorkRequest = { index, unit: units[index], skip: skip.length > 0 ? skip : undefined };
        worker.postMessage(request);
      };
      worker.on('message', (reply: WorkReply) => {
        if (reply.kind === 'failed') return finish(new Error(reply.message));
        if (reply.kind === 'done') {
          // a rule stopped on an earlier unit while this one was checked with it: check it again without
          if (skipped(reply.index).length > sent[reply.index]) retry.push(reply.index);
          else {
            results[reply.index] = revive(reply);
            done++;
            onProgress?.(done, units.length);
            if (done === units.length) return finish();
          }
        }
        give();
      });
      worker.on('error', (error) => finish(error));
      state.stop = (running: number): void => {
        const index = state.current;
        const rule = scan.rules[running - 1];
        watched.delete(state);
        live.delete(worker);
        void worker.terminate();
        const first = stopped.get(rule.rule.id);
        if (!first || index < first.index) {
          stopped.set(rule.rule.id, { index, rule });
          // units after this one already checked with the rule are checked again without it
          for (let i = index + 1; i < units.length; i++) {
            if (results[i] && sent[i] < skipped(i).length) {
              results[i] = undefined;
              done--;
              retry.push(i);
            }
          }
        }
        retry.push(index);
        start();
      };
    };

    // the watchdog: a worker whose rule has not moved on within the budget is stopped
    const watched = new Set<Watched>();
    const timer = setInterval(
      () => {
        const now = Date.now();
        for (const w of [...watched]) {
          const seen = Atomics.load(w.progress, 0);
          if (seen !== w.seen) {
            w.seen = seen;
            w.since = now;
          } else {
            const running = Atomics.load(w.progress, 1);
            if (running > 0 && w.current >= 0 && now - w.since > budget) w.stop?.(running);
          }
        }
      },
      Math.max(10, Math.min(250, budget / 4)),
    );
    for (let i = 0; i < count; i++) start();
  });
}

/** A worker as the watchdog sees it. */
interface Watched {
  readonly progress: Int32Array;
  /** the unit it is scanning (-1: none) */
  current: number;
  /** the progress count last seen, and since when */
  seen: number;
  since: number;
  /** stops it, with the running rule's index + 1 */
  stop?: (running: number) => void;
}

function revive(reply: Extract<WorkReply, { kind: 'done' }>): UnitResult {
  return { result: reply.result, errors: reply.errors.map((e) => new InputError(e.message, e.file, e.position)) };
}
