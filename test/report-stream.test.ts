/**
 * Reports written in pieces: each format's streaming reporter gives the string form's text in pieces of bounded
 * size, JSON and SARIF exactly as JSON.stringify writes them, and `opslint scan` writes each report as it is made,
 * to a file or to stdout (waiting for it to drain, and saying so when it cannot be written).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../lib/cli';
import type { CliIO } from '../lib/cli/io';
import { scanPaths } from '../lib/compose';
import type { ScanReport } from '../lib/engine/finding';
import { getReporter, getStreamingReporter, type ReporterOptions } from '../lib/reporters';
import { ANNOTATIONS_PER_LEVEL } from '../lib/reporters/github';
import { Items, jsonPieces } from '../lib/reporters/json-pieces';
import { COMMENT_LIMIT } from '../lib/reporters/markdown';
import { workspace } from './helpers/workspace';

/** A template of `n` functions, each with findings (no tracing, no alarm, no log group), every fifth one suppressed. */
function functions(n: number): string {
  const resources: Record<string, unknown> = {};
  for (let i = 0; i < n; i++)
    resources[`Fn${i}`] = {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Runtime: 'python3.12',
        Handler: 'app.handler',
        Role: 'arn:aws:iam::1:role/r',
        Code: { ZipFile: 'x' },
      },
      ...(i % 5 === 0
        ? { Metadata: { opslint: { suppress: [{ id: 'lambda-tracing', reason: 'Traced upstream.' }] } } }
        : {}),
    };
  return JSON.stringify({ Resources: resources }, null, 1);
}

// many files, as text and JUnit write a file at a time
const DIR = workspace({
  ...Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`t${i}.json`, functions(20)])),
  'empty.json': functions(0),
});
const OPTIONS: ReporterOptions = { color: false, cwd: DIR, toolVersion: '1.2.3', failOn: 'warning' };
let scanned: ScanReport | undefined;
const report = (): ScanReport => (scanned ??= scanPaths([DIR], { cwd: DIR }));

describe('streaming reporters', () => {
  it('scan a report large enough to need pieces', () => {
    expect(report().findings.length).toBeGreaterThan(1500);
  });

  // the formats whose text grows with the findings
  it.each(['text', 'json', 'sarif', 'junit', 'html'])(
    '%s: gives the string form in many pieces, none of them more than a small part of the whole',
    (format) => {
      const pieces = [...getStreamingReporter(format)!(report(), OPTIONS)];
      const whole = getReporter(format)!(report(), OPTIONS);
      expect(pieces.join('')).toBe(whole);
      expect(pieces.length).toBeGreaterThan(5);
      expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(whole.length / 5);
    },
  );

  it('github and markdown: make only what they show of a large report', () => {
    const github = [...getStreamingReporter('github')!(report(), OPTIONS)].join('');
    expect(github.trimEnd().split('\n')).toHaveLength(2 * ANNOTATIONS_PER_LEVEL);
    expect(github).toContain('more not annotated');
    const markdown = [...getStreamingReporter('markdown')!(report(), OPTIONS)].join('');
    expect(markdown.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(markdown).toMatch(/> \d+ more finding\(s\) are not shown/);
  });

  it.each(['json', 'sarif'])('%s: is the text JSON.stringify writes, byte for byte', (format) => {
    const text = getReporter(format)!(report(), OPTIONS);
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
  });
});

describe('jsonPieces', () => {
  const values: unknown[] = [
    null,
    'a "quoted"\nline \ud800 alone',
    42,
    [],
    {},
    [[], {}, [1, [2, [3]]], { a: [] }],
    { a: 1, b: undefined, c: () => 1, d: [undefined, null, () => 1], 'e\n"key"': { f: { g: [{ h: 'x\u2028y' }] } } },
    { findings: [{ rule: 'r', nested: { deep: [1, 2] } }], summary: { rules: {}, files: ['a', 'b'] } },
    // lists long enough to be written in several batches, at several levels
    { findings: Array.from({ length: 700 }, (_, i) => ({ i, text: `x\ny ${i}`, none: undefined })) },
    [[Array.from({ length: 520 }, (_, i) => (i % 3 === 0 ? undefined : [i, { i }]))]],
  ];

  it.each([0, 1, 2, 3, 6])('at depth %d writes what JSON.stringify writes', (depth) => {
    for (const value of values) expect([...jsonPieces(value, depth)].join('')).toBe(JSON.stringify(value, null, 2));
  });

  it('maps string values but not keys, as a replacer would', () => {
    const upper = (s: string): string => s.toUpperCase();
    const value = { key: ['a', { b: 'c' }], other: 'd' };
    const replacer = (_k: string, v: unknown): unknown => (typeof v === 'string' ? upper(v) : v);
    for (const depth of [0, 1, 3])
      expect([...jsonPieces(value, depth, upper)].join('')).toBe(JSON.stringify(value, replacer, 2));
  });

  it('writes Items as the array of its items, made as they are written', () => {
    let made = 0;
    function* items(): Generator<{ n: number }> {
      for (let n = 0; n < 1000; n++) {
        made++;
        yield { n };
      }
    }
    const pieces = jsonPieces({ run: { results: new Items(items()), none: new Items([]) } }, 2);
    const seen: string[] = [];
    let madeByFirstItem: number | undefined;
    for (const piece of pieces) {
      seen.push(piece);
      if (madeByFirstItem === undefined && piece.includes('"n": 0')) madeByFirstItem = made;
    }
    // the first items are written before the last are made
    expect(madeByFirstItem).toBeLessThan(1000);
    expect(made).toBe(1000);
    const expected = { run: { results: Array.from({ length: 1000 }, (_, n) => ({ n })), none: [] } };
    expect(seen.join('')).toBe(JSON.stringify(expected, null, 2));
  });
});

describe('opslint scan writes each report as it is made', () => {
  /** The CLI in-process with stdout as given; what it wrote, write by write. */
  async function scan(args: string[], stdout: Partial<Pick<CliIO, 'stdout' | 'drained'>> = {}) {
    const writes: string[] = [];
    let stderr = '';
    const code = await main(['scan', DIR, '--no-config', ...args], {
      stdout: (t) => writes.push(t),
      stderr: (t) => (stderr += t),
      cwd: DIR,
      env: {},
      isTTY: false,
      ...stdout,
    });
    return { code, writes, stdout: writes.join(''), stderr };
  }

  it('to stdout in several writes, and to a file, the same report', async () => {
    const file = path.join(DIR, 'out', 'report.sarif');
    const toStdout = await scan(['--format', 'sarif']);
    const toFile = await scan(['--format', 'sarif', '--output', file]);
    expect(toStdout.code).toBe(0);
    expect(toFile.code).toBe(0);
    expect(toStdout.writes.length).toBeGreaterThan(2);
    expect(readFileSync(file, 'utf8')).toBe(toStdout.stdout);
    JSON.parse(toStdout.stdout);
  });

  it('waits for stdout to take what it queued before writing on', async () => {
    const events: string[] = [];
    const run = await scan(['--format', 'json'], {
      stdout: (t) => {
        events.push(`write ${t.length}`);
        return false;
      },
      drained: async () => {
        await new Promise((resolve) => setImmediate(resolve));
        events.push('drained');
      },
    });
    expect(run.code).toBe(0);
    expect(events.length).toBeGreaterThan(4);
    // every write is followed by a wait for the drain, before the next one
    events.forEach((e, i) => expect(e.startsWith('write') ? i % 2 === 0 : e === 'drained' && i % 2 === 1).toBe(true));
  });

  it('says that stdout could not be written, as an error of the run', async () => {
    const run = await scan(['--format', 'text'], {
      stdout: () => {
        throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
      },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('opslint: cannot write the report to stdout: EIO: i/o error, write\n');
  });

  it('says so when stdout fails while the report waits for it to drain', async () => {
    let writes = 0;
    const run = await scan(['--format', 'html'], {
      stdout: () => {
        writes++;
        return false;
      },
      drained: () => Promise.reject(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })),
    });
    expect(run.code).toBe(2);
    expect(writes).toBe(1);
    expect(run.stderr).toBe('opslint: cannot write the report to stdout: write EPIPE\n');
  });
});
