/**
 * The baseline as reports tell it (#19 item 7): the text summary counts known and fixed findings as Markdown and
 * JSON do, a finding suppressed since the baseline is suppressed rather than fixed, and `--write-baseline`
 * exits 0 after writing.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { applyBaseline, readBaseline } from '../lib/engine/baseline';
import type * as Sarif from 'sarif';
import type { ScanReport } from '../lib/engine/finding';
import { runCli } from '../scripts/support/cli';
import { workspace } from './helpers/workspace';

/** `count` functions without tracing, named F1, F2…: one lambda-tracing finding each. */
const functions = (count: number, templateMetadata = ''): string =>
  `${templateMetadata}Resources:\n${Array.from(
    { length: count },
    (_, i) =>
      `  F${i + 1}:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs22.x\n      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/f\n      Code: {ZipFile: 'exports.handler = async () => ({});'}\n`,
  ).join('')}`;

const RULE = ['--rule', 'lambda-tracing'];

/** A folder whose baseline holds the findings of `count` functions. */
async function withBaseline(count: number): Promise<string> {
  const dir = workspace({ 't.yaml': functions(count) });
  const written = await runCli(['scan', '.', ...RULE, '--write-baseline', 'known.json'], { cwd: dir });
  expect(written.stderr).toBe(`opslint: wrote ${count} finding(s) to the baseline known.json\n`);
  return dir;
}

describe('the text summary with a baseline', () => {
  it('counts the new findings, the known ones and the fixed entries', async () => {
    const dir = await withBaseline(3);
    // F3 traced now (fixed), F4 new
    const text = functions(4).replace(
      /( {2}F3:[\s\S]*?Code: [^\n]*\n)/,
      (block) => `${block}      TracingConfig: {Mode: Active}\n`,
    );
    writeFileSync(path.join(dir, 't.yaml'), text);
    const { code, stdout } = await runCli(['scan', '.', ...RULE, '--baseline', 'known.json'], { cwd: dir });
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[lines.length - 1]).toBe(
      '! 1 new finding (0 errors, 1 warning, 0 info) in 1 template, 4 resources; 2 known from the baseline, 1 fixed',
    );
    expect(stdout).toContain(
      'Fixed since the baseline\n  fixed  t.yaml  F3  lambda-tracing\n  Update the baseline with --write-baseline known.json.\n',
    );
  });

  it('says nothing of a baseline when none is used', async () => {
    const { stdout } = await runCli(['scan', '.', ...RULE], { cwd: workspace({ 't.yaml': functions(1) }) });
    expect(stdout.trimEnd().split('\n').pop()).toBe(
      '! 1 finding (0 errors, 1 warning, 0 info) in 1 template, 1 resource',
    );
  });
});

describe('a baseline not written yet', () => {
  it('named by the configuration, is one input error that says how to record it', async () => {
    const dir = workspace({ 't.yaml': functions(1), 'opslint.config.yaml': 'baseline: .opslint-baseline.json\n' });
    const { code, stdout, stderr } = await runCli(['scan', '.', ...RULE], { cwd: dir });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd()).toBe(
      'opslint: .opslint-baseline.json: no baseline here yet; `opslint scan --write-baseline .opslint-baseline.json` ' +
        'records the current findings in it',
    );
    // which does
    expect(
      (await runCli(['scan', '.', ...RULE, '--write-baseline', '.opslint-baseline.json'], { cwd: dir })).code,
    ).toBe(0);
    expect((await runCli(['scan', '.', ...RULE], { cwd: dir })).code).toBe(0);
  });
});

describe('a finding suppressed after the baseline was written', () => {
  it('is suppressed, not fixed, and not counted twice', async () => {
    const dir = await withBaseline(2);
    const metadata =
      'Metadata:\n  opslint:\n    suppress:\n      - id: lambda-tracing\n        reason: Traced by the service mesh sidecar\n';
    writeFileSync(path.join(dir, 't.yaml'), functions(2, metadata));
    const json = await runCli(['scan', '.', ...RULE, '--baseline', 'known.json', '-f', 'json'], { cwd: dir });
    const report = JSON.parse(json.stdout) as ScanReport;
    expect(report.summary.baseline).toEqual({ file: 'known.json', known: 0, fixed: [] });
    expect(report.findings.map((f) => [f.resource, f.suppressed?.source])).toEqual([
      ['F1', 'template'],
      ['F2', 'template'],
    ]);
    expect(report.summary.suppressed).toBe(2);
    const text = await runCli(['scan', '.', ...RULE, '--baseline', 'known.json'], { cwd: dir });
    expect(text.stdout.trimEnd().split('\n').pop()).toBe(
      '✔ 0 new findings (0 errors, 0 warnings, 0 info) in 1 template, 2 resources; 2 suppressed; 0 known from the baseline, 0 fixed',
    );
    // in SARIF they are the alerts code scanning already has: unchanged, once each
    const sarif = await runCli(['scan', '.', ...RULE, '--baseline', 'known.json', '-f', 'sarif'], { cwd: dir });
    const results = (JSON.parse(sarif.stdout) as Sarif.Log).runs[0].results!;
    expect(results.map((r) => [r.baselineState, r.suppressions?.[0]?.kind])).toEqual([
      ['unchanged', 'inSource'],
      ['unchanged', 'inSource'],
    ]);
  });

  it('leaves its entry to an active finding of the same key first', async () => {
    const dir = await withBaseline(1);
    // one entry, matched by an active finding and by a suppressed one: the active one is the known one
    const active = JSON.parse((await runCli(['scan', '.', ...RULE, '-f', 'json'], { cwd: dir })).stdout) as ScanReport;
    const f = active.findings[0];
    const suppressed = {
      ...f,
      suppressed: { reason: 'Traced by the service mesh sidecar', source: 'resource' as const },
    };
    const applied = applyBaseline([suppressed, f], readBaseline('known.json', dir), 'known.json', dir, {
      files: ['t.yaml'],
      rules: ['lambda-tracing'],
    });
    expect(applied.summary).toEqual({ file: 'known.json', known: 1, fixed: [] });
    expect(applied.findings).toEqual([suppressed]);
  });
});

describe('a scan that sees part of what the baseline records', () => {
  /** two templates of two functions each, and a baseline of both written by a full scan */
  async function twoTemplates(): Promise<string> {
    const dir = workspace({ 'a.yaml': functions(2), 'b.yaml': functions(2) });
    await runCli(['scan', '.', '--rule', 'lambda-tracing,lambda-structured-logs', '--write-baseline', 'known.json'], {
      cwd: dir,
    });
    return dir;
  }
  const baseline = (dir: string) =>
    (JSON.parse(readFileSync(path.join(dir, 'known.json'), 'utf8')) as { findings: { file: string; ruleId: string }[] })
      .findings;

  it('counts as fixed only the entries of files it read and rules it ran (a deleted file is fixed)', async () => {
    const dir = await twoTemplates();
    expect(baseline(dir)).toHaveLength(8);
    const oneFile = await runCli(
      ['scan', 'a.yaml', '--rule', 'lambda-tracing,lambda-structured-logs', '--baseline', 'known.json', '-f', 'json'],
      { cwd: dir },
    );
    expect((JSON.parse(oneFile.stdout) as ScanReport).summary.baseline).toMatchObject({ known: 4, fixed: [] });
    const oneRule = await runCli(['scan', '.', '--rule', 'lambda-tracing', '--baseline', 'known.json', '-f', 'json'], {
      cwd: dir,
    });
    expect((JSON.parse(oneRule.stdout) as ScanReport).summary.baseline).toMatchObject({ known: 4, fixed: [] });
    rmSync(path.join(dir, 'b.yaml'));
    const gone = await runCli(
      ['scan', '.', '--rule', 'lambda-tracing,lambda-structured-logs', '--baseline', 'known.json', '-f', 'json'],
      { cwd: dir },
    );
    expect((JSON.parse(gone.stdout) as ScanReport).summary.baseline?.fixed.map((e) => e.file)).toEqual([
      'b.yaml',
      'b.yaml',
      'b.yaml',
      'b.yaml',
    ]);
  });

  it('rewrites only the entries it could judge, keeping the others', async () => {
    const dir = await twoTemplates();
    writeFileSync(path.join(dir, 'a.yaml'), functions(1));
    await runCli(['scan', 'a.yaml', '--rule', 'lambda-tracing', '--write-baseline', 'known.json'], { cwd: dir });
    expect(baseline(dir).map((e) => `${e.file} ${e.ruleId}`)).toEqual([
      'a.yaml lambda-structured-logs',
      'a.yaml lambda-structured-logs',
      'a.yaml lambda-tracing',
      'b.yaml lambda-structured-logs',
      'b.yaml lambda-structured-logs',
      'b.yaml lambda-tracing',
      'b.yaml lambda-tracing',
    ]);
  });
});

describe('--write-baseline', () => {
  it('exits 0 after writing, whatever --fail-on says, so that set -e scripts go on', async () => {
    const dir = workspace({ 't.yaml': functions(2) });
    const r = await runCli(['scan', '.', ...RULE, '--fail-on', 'warning', '--write-baseline', 'known.json'], {
      cwd: dir,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('opslint: wrote 2 finding(s) to the baseline known.json\n');
    // the same scan without writing fails on the warnings
    expect((await runCli(['scan', '.', ...RULE, '--fail-on', 'warning'], { cwd: dir })).code).toBe(1);
  });

  it('still exits 2 when an input could not be read: the baseline misses its findings', async () => {
    const dir = workspace({ 't.yaml': functions(1), 'broken.yaml': 'Resources: [unclosed\n' });
    const r = await runCli(['scan', '.', ...RULE, '--write-baseline', 'known.json'], { cwd: dir });
    expect(r.code).toBe(2);
  });
});
