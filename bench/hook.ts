/**
 * The CloudFormation Lambda Hook's time budget: a hook waits 30 seconds for its function (Hooks User Guide). A
 * cold start is a fresh `node` process that requires the packaged handler.js (opslint, its packs, the settings),
 * then one invocation on a 500-resource template made from the corpus, served on 127.0.0.1 as the payload URL
 * serves it. Each run times the require and the invocation inside the process, and the process from spawn to exit.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FUNCTION_TIMEOUT_SECONDS } from '../lib/hook/template';
import { fmtMs, median, table } from './measure';
import type { Section } from './section';
import { corpusUnits, synthesize } from './synthetic';
import { invokeHookScript, type HookRun } from '../scripts/support/hook';

const RESOURCES = 500;
/** The target: cold start and evaluation within a tenth of what the hook waits, room for a slower Lambda CPU. */
const TARGET_MS = (FUNCTION_TIMEOUT_SECONDS * 1000) / 10;

export function benchHook(corpus: string, runs: number, opslint: string): Section {
  const dir = mkdtempSync(path.join(tmpdir(), 'opslint-bench-hook-'));
  // packaged by the built command, as users package it
  const packaged = spawnSync(process.execPath, [opslint, 'hook', 'package', '--output', dir, '--no-config'], {
    cwd: path.resolve(__dirname, '..'),
    encoding: 'utf8',
  });
  if (packaged.status !== 0) throw new Error(`opslint hook package failed: ${packaged.stderr}`);
  const bytes = statSync(path.join(dir, 'handler.js')).size;
  const [template] = synthesize(corpusUnits(corpus), RESOURCES);
  writeFileSync(path.join(dir, 'template.json'), JSON.stringify(template));
  const all: (HookRun & { wallMs: number })[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const run = spawnSync(
      process.execPath,
      ['-e', invokeHookScript("require('node:fs').readFileSync('template.json', 'utf8')")],
      {
        cwd: dir,
        encoding: 'utf8',
        env: { PATH: process.env.PATH },
      },
    );
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    if (run.status !== 0) throw new Error(`the packaged handler failed (${run.status}): ${run.stderr.slice(0, 500)}`);
    all.push({ wallMs, ...(JSON.parse(run.stdout) as HookRun) });
  }
  // an answer of InternalFailure would time a handler that did not judge the template
  if (all.some((r) => r.answer.errorCode === 'InternalFailure'))
    throw new Error('the handler could not judge the template');
  const ms = (key: 'wallMs' | 'requireMs' | 'invokeMs'): number => median(all.map((r) => r[key]));
  const coldAndEval = ms('requireMs') + ms('invokeMs');
  return {
    title: 'CloudFormation Lambda Hook',
    markdown: [
      `\`opslint hook package\` with the default rules (handler.js ${(bytes / 1024 / 1024).toFixed(1)} MB), in a fresh \`node\` process per run, median of ${runs} runs; the template is ${RESOURCES} resources made from the corpus, fetched from 127.0.0.1 as from the request's payload URL (answer: ${all[0].answer.hookStatus}). CloudFormation waits ${FUNCTION_TIMEOUT_SECONDS} s for the function; Lambda's CPU at the template's 1024 MB is slower than this machine's, which the target's margin leaves room for.`,
      '',
      table(
        ['', 'median'],
        [
          ['require handler.js (cold start: the bundle, every pack, the rules configured)', fmtMs(ms('requireMs'))],
          [`one invocation: fetch, parse and check ${RESOURCES} resources, answer`, fmtMs(ms('invokeMs'))],
          ['the process from spawn to exit', fmtMs(ms('wallMs'))],
        ],
      ),
    ].join('\n'),
    targets: [
      {
        name: `hook cold start and a ${RESOURCES}-resource template within ${fmtMs(TARGET_MS)} (a tenth of the hook's ${FUNCTION_TIMEOUT_SECONDS} s)`,
        met: coldAndEval <= TARGET_MS,
        detail: `${fmtMs(coldAndEval)} (target ≤ ${fmtMs(TARGET_MS)}; process ${fmtMs(ms('wallMs'))})`,
      },
    ],
  };
}
