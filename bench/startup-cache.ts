/**
 * Start-up with and without the code cache of the built command (bin/launch.ts): `opslint scan` of one small JSON
 * and one small YAML template, each with the cache and with OPSLINT_NO_COMPILE_CACHE, against Node's own start, all
 * interleaved. The first run writes the cache; the median is of the runs that find it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fmtMs, median, runProcess, table } from './measure';
import type { Section } from './section';

const YAML_TEMPLATE = path.resolve(__dirname, '..', 'fixtures', 'cli', 'workload', 'orders.yaml');

/** Two resources, as the smallest stacks have. */
const JSON_TEMPLATE = JSON.stringify({
  AWSTemplateFormatVersion: '2010-09-09',
  Resources: { Queue: { Type: 'AWS::SQS::Queue' }, Topic: { Type: 'AWS::SNS::Topic' } },
});

export function benchStartupCache(runs: number, opslint: string): Section {
  const dir = mkdtempSync(path.join(tmpdir(), 'opslint-bench-startup-'));
  const json = path.join(dir, 'small.json');
  writeFileSync(json, JSON_TEMPLATE);
  const off = { ...process.env, OPSLINT_NO_COMPILE_CACHE: '1' };
  const commands: Record<string, { args: string[]; env?: NodeJS.ProcessEnv }> = {
    node: { args: ['-e', '0'] },
    'json, cached': { args: [opslint, 'scan', json, '--fail-on', 'none'] },
    'json, not cached': { args: [opslint, 'scan', json, '--fail-on', 'none'], env: off },
    'yaml, cached': { args: [opslint, 'scan', YAML_TEMPLATE, '--fail-on', 'none'] },
    'yaml, not cached': { args: [opslint, 'scan', YAML_TEMPLATE, '--fail-on', 'none'], env: off },
  };
  const timed = new Map<string, number[]>(Object.keys(commands).map((k) => [k, []]));
  try {
    // the cache written
    runProcess(process.execPath, commands['json, cached'].args);
    for (let i = 0; i < runs; i++) {
      for (const [name, { args, env }] of Object.entries(commands)) {
        const run = runProcess(process.execPath, args, { env });
        if (run.status !== 0) throw new Error(`${name} failed (${run.status}): ${run.stderr.slice(0, 500)}`);
        timed.get(name)!.push(run.ms);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const ms = (name: string): number => median(timed.get(name)!);
  const over = (name: string): string => `+${fmtMs(ms(name) - ms('node'))}`;
  const row = (what: string, kind: string): string[] => [
    what,
    `${fmtMs(ms(`${kind}, cached`))} (${over(`${kind}, cached`)})`,
    `${fmtMs(ms(`${kind}, not cached`))} (${over(`${kind}, not cached`)})`,
  ];
  return {
    title: 'Start-up: the code cache',
    markdown: [
      `The built command compiles its one-file bundle with a V8 code cache; \`OPSLINT_NO_COMPILE_CACHE=1\` turns it off. Wall time, median of ${runs} interleaved runs, over Node's own start (\`node -e 0\`, ${fmtMs(ms('node'))}).`,
      '',
      table(
        ['`opslint scan` of', 'cached', 'not cached'],
        [row('a JSON template of two resources', 'json'), row(`\`${path.basename(YAML_TEMPLATE)}\``, 'yaml')],
      ),
    ].join('\n'),
    targets: [],
  };
}
