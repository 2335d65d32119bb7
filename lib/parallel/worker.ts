/**
 * A scan worker thread (see ./run.ts): loads the same packs and rules as the main thread, then scans each
 * unit it is sent and sends the result back, telling the watchdog which rule is running as it goes.
 */
import * as path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { ConfiguredRule, RuleWatch } from '../engine/runner';
import type { Pack } from '../engine/rule';
import { loadPacks } from '../packs/load';
import { prepareScan } from '../scan/prepare';
import { scanUnit } from '../scan/unit';
import type { WorkReply, WorkRequest, WorkerSetup } from './run';

async function serve(port: NonNullable<typeof parentPort>, setup: WorkerSetup): Promise<void> {
  const catalogue = (require(setup.packs.catalogue) as { BUILTIN_PACKS: readonly Pack[] }).BUILTIN_PACKS;
  const packs: Pack[] = setup.packs.builtin.map((id) => catalogue.find((p) => p.id === id)!);
  for (const source of setup.packs.sources) packs.push(...(await loadPacks(source.specs, source.baseDir, packs)));
  const prepared = prepareScan({ ...setup.options, packs });
  const rules = prepared.rules.map((r) => r.rule.id);
  if (rules.join('\n') !== setup.rules.join('\n'))
    throw new Error(
      `a worker thread configured other rules than the main thread (${rules.length} against ${setup.rules.length})`,
    );
  const progress = setup.progress;
  const index = new Map<ConfiguredRule, number>(prepared.rules.map((rule, i) => [rule, i + 1]));
  const watch: RuleWatch = {
    enter: (rule) => {
      Atomics.store(progress, 1, index.get(rule) ?? 0);
      Atomics.add(progress, 0, 1);
    },
    leave: () => {
      Atomics.store(progress, 1, 0);
      Atomics.add(progress, 0, 1);
    },
  };
  const scan = { ...prepared, report: { ...prepared.report, watch } };
  port.on('message', (request: WorkRequest | null) => {
    if (request === null) return port.close();
    const skip = request.skip;
    const { result, errors } = scanUnit(
      request.unit,
      skip ? { ...scan, rules: scan.rules.filter((r) => !skip.includes(r.rule.id)) } : scan,
    );
    const reply: WorkReply = {
      kind: 'done',
      index: request.index,
      result,
      errors: errors.map((e) => ({ message: e.message, file: e.file, position: e.position })),
    };
    port.postMessage(reply);
  });
  port.postMessage({ kind: 'ready' } satisfies WorkReply);
}

/**
 * Run from the TypeScript sources (tests, ts-node), packs that import `opslint` get this repository's
 * sources, as jest's moduleNameMapper gives them on the main thread; an installed opslint resolves itself.
 */
function aliasOwnSources(): void {
  const Module = require('node:module') as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const lib = path.resolve(__dirname, '..');
  const targets: Record<string, string> = {
    opslint: 'index.ts',
    'opslint/rule': 'rule.ts',
    'opslint/testing': 'testing/index.ts',
    'opslint/cdk': 'cdk/index.ts',
    'opslint/cdk-nag': 'cdk/nag.ts',
  };
  const resolve = Module._resolveFilename;
  Module._resolveFilename = (request, ...rest) =>
    targets[request] ? path.join(lib, targets[request]) : resolve(request, ...rest);
}

if (__filename.endsWith('.ts')) aliasOwnSources();
const port = parentPort;
if (port) {
  serve(port, workerData as WorkerSetup).catch((error: unknown) => {
    port.postMessage({
      kind: 'failed',
      message: error instanceof Error ? error.message : String(error),
    } satisfies WorkReply);
  });
}
