/**
 * Start-up: what every editor integration, pre-commit hook and small repository pays first. `opslint --version`
 * and `opslint scan` of one small template, each against Node's own start (`node -e 0`), the three interleaved
 * so that they see the machine alike.
 */
import * as path from 'node:path';
import { fmtMb, fmtMs, median, runProcess, table, type ProcessRun } from './measure';
import type { Section } from './section';

/** A small template with findings: three resources, as a hand-written stack of a small service would have. */
const SMALL_TEMPLATE = path.resolve(__dirname, '..', 'fixtures', 'cli', 'workload', 'orders.yaml');

/** How far over Node's own start opslint may answer. */
const MAX_OVER_NODE_MS = 50;

export function benchStartup(runs: number, opslint: string): Section {
  const commands: Record<string, string[]> = {
    node: ['-e', '0'],
    version: [opslint, '--version'],
    scan: [opslint, 'scan', SMALL_TEMPLATE, '--fail-on', 'none'],
  };
  const timed = new Map<string, ProcessRun[]>(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) {
    for (const [name, args] of Object.entries(commands)) {
      const run = runProcess(process.execPath, args);
      if (run.status !== 0) throw new Error(`${name} failed (${run.status}): ${run.stderr.slice(0, 500)}`);
      timed.get(name)!.push(run);
    }
  }
  const ms = (name: string): number => median(timed.get(name)!.map((r) => r.ms));
  const peak = (name: string): number | undefined => {
    const peaks = timed.get(name)!.flatMap((r) => (r.peakMb === undefined ? [] : [r.peakMb]));
    return peaks.length > 0 ? Math.max(...peaks) : undefined;
  };
  const nodeMs = ms('node');
  const over = (name: string): number => ms(name) - nodeMs;
  // noise can put a median under Node's own
  const signed = (d: number): string => `${d < 0 ? '−' : '+'}${fmtMs(Math.abs(d))}`;
  const rows = [
    ['`node -e 0`', fmtMs(nodeMs), '', fmtMb(peak('node'))],
    ['`opslint --version`', fmtMs(ms('version')), signed(over('version')), fmtMb(peak('version'))],
    [
      `\`opslint scan\` of ${path.basename(SMALL_TEMPLATE)}`,
      fmtMs(ms('scan')),
      signed(over('scan')),
      fmtMb(peak('scan')),
    ],
  ];
  const target = (name: string, what: string): Section['targets'][number] => ({
    name: `${what} within ${MAX_OVER_NODE_MS} ms of Node's own start`,
    met: over(name) <= MAX_OVER_NODE_MS,
    detail: `${signed(over(name))} (${fmtMs(ms(name))}, Node alone ${fmtMs(nodeMs)})`,
  });
  return {
    title: 'Start-up',
    markdown: [
      `The built CLI, one process per run, the three commands interleaved, median of ${runs} runs; the scan is of \`${path.relative(path.resolve(__dirname, '..'), SMALL_TEMPLATE)}\` (three resources, text report to stdout).`,
      '',
      table(['', 'wall (median)', 'over Node', 'peak RSS'], rows),
    ].join('\n'),
    targets: [target('version', '`opslint --version`'), target('scan', '`opslint scan` of one small template')],
  };
}
