/**
 * `opslint lsp` as an editor feels it: the built server over stdio, driven by the LSP client of the tests
 * (scripts/support/lsp.ts), on a YAML template of about 2,000 lines made from the corpus. The first check (the
 * document opened: rules and packs already loaded at initialize) is timed, then each of `changes` edits in turn
 * (a value changed, alternately): from the didChange sent to the diagnostics of that version received. The debounce
 * is set to 0 for the measure (OPSLINT_LSP_DEBOUNCE_MS): what is timed is the work after it, which the editor's
 * 150 ms of debounce precede.
 *
 * This file is also the child process that drives the server (run with ts-node), so that the section stays
 * synchronous like the others.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { LspClient } from '../scripts/support/lsp';
import { fmtMs, median, table } from './measure';
import type { Section } from './section';
import { corpusUnits, synthesize } from './synthetic';

const LINES = 2000;
const TARGET_P95_MS = 50;

interface ChildResult {
  readonly lines: number;
  readonly resources: number;
  readonly findings: number;
  readonly firstMs: number;
  readonly changeMs: readonly number[];
}

export function benchLsp(corpus: string, changes: number, opslint: string): Section {
  const child = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', __filename, corpus, String(changes), opslint],
    { cwd: path.resolve(__dirname, '..'), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (child.status !== 0) throw new Error(`the LSP bench failed: ${child.stderr}`);
  const r = JSON.parse(child.stdout) as ChildResult;
  const sorted = [...r.changeMs].sort((a, b) => a - b);
  const p = (q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return {
    title: 'Language server (opslint lsp)',
    markdown: [
      `The built \`opslint lsp --stdio\` driven by the LSP client of the tests, on a YAML template of ${r.lines} lines (${r.resources} resources made from the corpus, ${r.findings} diagnostics). The first check is the document opened; then ${r.changeMs.length} changes one after another, each timed from the didChange sent to its diagnostics received, with the debounce at 0 (an editor's change waits the 150 ms of debounce before this).`,
      '',
      table(
        ['', 'time'],
        [
          ['first diagnostics (didOpen)', fmtMs(r.firstMs)],
          ['after a change, median', fmtMs(median(r.changeMs))],
          ['after a change, p95', fmtMs(p(0.95))],
          ['after a change, slowest', fmtMs(sorted[sorted.length - 1])],
        ],
      ),
    ].join('\n'),
    targets: [
      {
        name: `diagnostics of a ${LINES.toLocaleString('en-US')}-line template within ${TARGET_P95_MS} ms of a change (p95, after the first)`,
        met: p(0.95) <= TARGET_P95_MS,
        detail: `${fmtMs(p(0.95))} p95, ${fmtMs(median(r.changeMs))} median (target ≤ ${TARGET_P95_MS} ms)`,
      },
    ],
  };
}

/** A template of at least `lines` lines of YAML, of corpus resources. */
function template(corpus: string, lines: number): { text: string; resources: number } {
  const units = corpusUnits(corpus);
  for (let resources = 50; ; resources += 10) {
    const text = stringify(synthesize(units, resources)[0], { lineWidth: 0 });
    if (text.split('\n').length >= lines) return { text, resources };
  }
}

async function drive(corpus: string, changes: number, opslint: string): Promise<ChildResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'opslint-bench-lsp-'));
  const lsp = new LspClient([path.resolve(opslint), 'lsp', '--stdio'], dir, {
    ...process.env,
    OPSLINT_LSP_DEBOUNCE_MS: '0',
  });
  try {
    await lsp.initialize(dir);
    const { text, resources } = template(corpus, LINES);
    const uri = pathToFileURL(path.join(dir, 'template.yaml')).href;
    let start = performance.now();
    await lsp.open(uri, text);
    const findings = (await lsp.diagnostics(uri, 1)).length;
    const firstMs = performance.now() - start;
    // a value in the middle of the template, changed back and forth
    const lines = text.split('\n');
    const line = lines.findIndex((l, i) => i > lines.length / 2 && /^\s+Type: /.test(l));
    const changeMs: number[] = [];
    for (let i = 0; i < changes; i++) {
      const at = lines[line].length;
      start = performance.now();
      // a space added at the end of the line, then taken away
      const add = i % 2 === 0;
      const version = await lsp.change(uri, [
        {
          range: { start: { line, character: add ? at : at - 1 }, end: { line, character: at } },
          newText: add ? ' ' : '',
        },
      ]);
      await lsp.diagnostics(uri, version);
      changeMs.push(performance.now() - start);
      if (add) lines[line] += ' ';
      else lines[line] = lines[line].slice(0, -1);
    }
    await lsp.end();
    return { lines: lines.length, resources, findings, firstMs, changeMs };
  } finally {
    lsp.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const [corpus, changes, opslint] = process.argv.slice(2);
  drive(corpus, Number(changes), opslint).then(
    (r) => process.stdout.write(JSON.stringify(r)),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
