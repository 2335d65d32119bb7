/**
 * The pull-request reporters at scale (issue 19): SARIF keeps the findings a baseline knows as unchanged results,
 * GitHub annotations stay within what GitHub shows, needs-context reminders are one per rule, `--quiet` leaves info
 * findings out of every format and the exit code, and each SARIF rule's precision comes from its metadata.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type * as Sarif from 'sarif';
import type { Finding, ScanReport } from '../lib/engine/finding';
import { FORMATS, getReporter } from '../lib/reporters';
import { ANNOTATIONS_PER_LEVEL } from '../lib/reporters/github';
import { groupReminders } from '../lib/reporters/reminders';
import { runCli } from '../scripts/support/cli';
import { validateSarif } from '../scripts/support/sarif';
import { workspace } from './helpers/workspace';

/** A template of Lambda functions without tracing, named as given. */
const functions = (...names: string[]): string =>
  `Resources:\n${names.map((n) => `  ${n}:\n    Type: AWS::Lambda::Function\n    Properties: {Runtime: nodejs22.x}\n`).join('')}`;

/** A template with `n` functions (warnings, and info findings) and `n` alarms without actions (errors). */
function many(n: number): string {
  const out = ['Resources:'];
  for (let i = 0; i < n; i++) {
    out.push(`  Fn${i}:`, '    Type: AWS::Lambda::Function', '    Properties: {Runtime: nodejs22.x}');
    out.push(`  Alarm${i}:`, '    Type: AWS::CloudWatch::Alarm', '    Properties:');
    out.push('      Namespace: AWS/Lambda', '      MetricName: Errors', '      Statistic: Sum', '      Period: 60');
    out.push(
      '      EvaluationPeriods: 1',
      '      Threshold: 1',
      '      ComparisonOperator: GreaterThanOrEqualToThreshold',
    );
    out.push('      Dimensions: [{Name: FunctionName, Value: !Ref Fn' + i + '}]');
  }
  return `${out.join('\n')}\n`;
}

/** A finding made by hand, for what the reporters do with findings of any source. */
const finding = (ruleId: string, file: string, extra: Partial<Finding> = {}): Finding => ({
  ruleId,
  pack: 'p',
  severity: 'info',
  message: `${ruleId} in ${file}.`,
  bestPractice: 'OPS04-BP02',
  question: 'OPS04',
  file,
  line: 1,
  column: 1,
  resource: '',
  path: 'Resources',
  docs: '',
  ...extra,
});

const REMINDERS = 'cloudtrail-present,config-recorder-present';

async function sarif(dir: string, ...args: string[]): Promise<Sarif.Run> {
  const { stdout } = await runCli(['scan', '.', '--no-config', '--format', 'sarif', ...args], { cwd: dir });
  const log = JSON.parse(stdout) as Sarif.Log;
  const ok = validateSarif(log);
  expect(validateSarif.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
  return log.runs[0];
}

/** The logical id of a result's resource. */
const resourceOf = (r: Sarif.Result): string | undefined =>
  r.locations![0].logicalLocations?.[0]?.fullyQualifiedName ?? undefined;

describe('SARIF with a baseline', () => {
  it('keeps known findings as unchanged results with the fingerprints they had, and marks new ones new', async () => {
    const dir = workspace({ 't.yaml': functions('Orders', 'Other') });
    const rule = ['--rule', 'lambda-tracing'];
    await runCli(['scan', '.', '--no-config', ...rule, '--write-baseline', 'baseline.json'], { cwd: dir });
    const before = await sarif(dir, ...rule);
    expect(before.results!.every((r) => r.baselineState === undefined)).toBe(true);

    writeFileSync(path.join(dir, 't.yaml'), `# lines move\n${functions('Orders', 'Other', 'Third')}`);
    const run = await sarif(dir, ...rule, '--baseline', 'baseline.json');
    expect(run.results!.map((r) => [resourceOf(r), r.baselineState])).toEqual([
      ['Orders', 'unchanged'],
      ['Other', 'unchanged'],
      ['Third', 'new'],
    ]);
    // the same alerts: code scanning matches them by fingerprint
    expect(run.results!.slice(0, 2).map((r) => r.partialFingerprints)).toEqual(
      before.results!.map((r) => r.partialFingerprints),
    );
    for (const r of run.results!) expect(run.tool.driver.rules![r.ruleIndex!].id).toBe(r.ruleId);

    // the other formats show the new finding alone, and the exit code counts it alone
    const json = await runCli(
      ['scan', '.', '--no-config', ...rule, '--baseline', 'baseline.json', '--format', 'json'],
      {
        cwd: dir,
      },
    );
    const report = JSON.parse(json.stdout) as ScanReport & Record<string, unknown>;
    expect(report.findings.map((f) => f.resource)).toEqual(['Third']);
    expect(report.summary.baseline).toMatchObject({ known: 2 });
    expect(Object.keys(report)).not.toContain('known');
    const github = await runCli(
      ['scan', '.', '--no-config', ...rule, '--baseline', 'baseline.json', '--format', 'github'],
      { cwd: dir },
    );
    expect(github.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(github.stdout).toContain('Lambda function Third');
  });

  it('marks a rule reminder unchanged, new, or updated when some of its templates are known and some new', async () => {
    const dir = workspace({ 'a.yaml': functions('A'), 'b.yaml': functions('B') });
    const rule = ['--rule', 'cloudtrail-present'];
    await runCli(['scan', '.', '--no-config', ...rule, '--write-baseline', 'baseline.json'], { cwd: dir });
    expect((await sarif(dir, ...rule, '--baseline', 'baseline.json')).results!.map((r) => r.baselineState)).toEqual([
      'unchanged',
    ]);
    writeFileSync(path.join(dir, 'c.yaml'), functions('C'));
    expect((await sarif(dir, ...rule, '--baseline', 'baseline.json')).results!.map((r) => r.baselineState)).toEqual([
      'updated',
    ]);
    writeFileSync(path.join(dir, 'baseline.json'), JSON.stringify({ findings: [] }));
    expect((await sarif(dir, ...rule, '--baseline', 'baseline.json')).results!.map((r) => r.baselineState)).toEqual([
      'new',
    ]);
  });
});

describe('GitHub annotations within what GitHub shows', () => {
  const RULES = ['--rule', 'alarm-actions,lambda-tracing,lambda-structured-logs'];

  it('writes the first of each level, errors first, and a closing notice counting the rest', async () => {
    const dir = workspace({ 'many.yaml': many(12), 'broken.json': '{' });
    const { stdout } = await runCli(
      ['scan', 'many.yaml', 'broken.json', '--no-config', ...RULES, '--format', 'github'],
      {
        cwd: dir,
      },
    );
    const lines = stdout.trimEnd().split('\n');
    const levels = lines.map((l) => /^::(\w+) /.exec(l)![1]);
    // 13 errors (the input error first), 12 warnings, 12 notices: 10 of each, the last notice the summary
    expect(levels).toEqual([
      ...Array<string>(ANNOTATIONS_PER_LEVEL).fill('error'),
      ...Array<string>(ANNOTATIONS_PER_LEVEL).fill('warning'),
      ...Array<string>(ANNOTATIONS_PER_LEVEL).fill('notice'),
    ]);
    expect(lines[0]).toMatch(/^::error file=broken\.json,.*title=opslint%3A input error::/);
    expect(lines[1]).toContain('title=alarm-actions');
    expect(lines.at(-1)).toBe(
      '::notice title=opslint%3A 8 more not annotated::GitHub shows 10 annotations of each level per step; 3 errors, 2 warnings, 3 notices more are not annotated. opslint scan --format text lists every finding, as does the SARIF report.',
    );
  });

  it('writes every annotation when each level is within the limit, with no closing notice', async () => {
    const dir = workspace({ 'many.yaml': many(ANNOTATIONS_PER_LEVEL) });
    const { stdout } = await runCli(['scan', '.', '--no-config', ...RULES, '--format', 'github'], { cwd: dir });
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3 * ANNOTATIONS_PER_LEVEL);
    expect(lines.filter((l) => l.startsWith('::notice'))).toHaveLength(ANNOTATIONS_PER_LEVEL);
    expect(stdout).not.toContain('not annotated');
  });
});

describe('needs-context reminders, once per rule', () => {
  const files = { 't1.yaml': functions('Fn'), 't2.yaml': functions('Fn'), 't3.yaml': functions('Fn') };

  it('are one notice per rule in GitHub annotations, naming the templates, or on the file when there is one', async () => {
    const dir = workspace(files);
    const { stdout } = await runCli(['scan', '.', '--no-config', '--rule', REMINDERS, '--format', 'github'], {
      cwd: dir,
    });
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^::notice title=cloudtrail-present \(OPS04-BP02\)::No CloudTrail trail in this template; .* Needs context: .* In 3 files: t1\.yaml, t2\.yaml, t3\.yaml\.$/,
    );
    expect(lines[1]).toMatch(/^::notice title=config-recorder-present /);

    const one = workspace({ 't1.yaml': functions('Fn') });
    const single = await runCli(['scan', '.', '--no-config', '--rule', REMINDERS, '--format', 'github'], { cwd: one });
    expect(single.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^::notice file=t1\.yaml,line=1,col=1,title=cloudtrail-present /),
      expect.stringMatching(/^::notice file=t1\.yaml,line=1,col=1,title=config-recorder-present /),
    ]);
  });

  it('name at most three files in an annotation, and a deployed stack by its own URI', () => {
    const stacks = ['a', 'b', 'c', 'd'].map((name) =>
      finding('cloudtrail-present', `stack://eu-west-1/${name}`, { needsContext: 'mark the account baseline.' }),
    );
    const report = { findings: stacks, errors: [], summary: {} } as unknown as ScanReport;
    expect(getReporter('github')!(report, { color: false })).toBe(
      '::notice title=cloudtrail-present (OPS04-BP02)::cloudtrail-present in stack://eu-west-1/a. Needs context: mark the account baseline. In 4 files: stack://eu-west-1/a, stack://eu-west-1/b, stack://eu-west-1/c and 1 more.\n',
    );
  });

  it('are one SARIF result per rule, the other templates as related locations, under a fingerprint of the rule', async () => {
    const dir = workspace(files);
    const run = await sarif(dir, '--rule', REMINDERS);
    expect(run.results!.map((r) => r.ruleId)).toEqual(['cloudtrail-present', 'config-recorder-present']);
    const [trail] = run.results!;
    expect(trail.level).toBe('note');
    expect(trail.locations![0].physicalLocation!.artifactLocation!.uri).toBe('t1.yaml');
    expect(trail.relatedLocations!.map((l) => [l.id, l.physicalLocation!.artifactLocation!.uri])).toEqual([
      [1, 't2.yaml'],
      [2, 't3.yaml'],
    ]);
    expect(trail.message.text).toMatch(/ The same reminder applies to 2 more files: see the related locations\.$/);

    // a template more is the same alert
    writeFileSync(path.join(dir, 't4.yaml'), functions('Fn'));
    const more = await sarif(dir, '--rule', REMINDERS);
    expect(more.results![0].relatedLocations).toHaveLength(3);
    expect(more.results!.map((r) => r.partialFingerprints)).toEqual(run.results!.map((r) => r.partialFingerprints));
  });

  it('are grouped by one function that leaves other findings and suppressed reminders as they are', () => {
    const needs = { needsContext: 'another stack may provide it.' };
    const findings = [
      finding('trail', 'a.yaml', needs),
      finding('tracing', 'a.yaml'),
      finding('trail', 'a.yaml', { ...needs, resource: 'Other' }),
      finding('recorder', 'b.yaml', needs),
      finding('trail', 'b.yaml', needs),
      finding('trail', 'c.yaml', { ...needs, suppressed: { reason: 'the organization trail', source: 'template' } }),
    ];
    const { findings: others, reminders } = groupReminders(findings);
    expect(others).toEqual([findings[1], findings[5]]);
    expect(reminders).toEqual([
      { ruleId: 'trail', findings: [findings[0], findings[2], findings[4]], files: ['a.yaml', 'b.yaml'] },
      { ruleId: 'recorder', findings: [findings[3]], files: ['b.yaml'] },
    ]);
  });
});

describe('--quiet', () => {
  // lambda-structured-logs is info, and so are the reminders; lambda-tracing is a warning
  const RULES = ['--rule', `lambda-tracing,lambda-structured-logs,${REMINDERS}`];

  it.each(FORMATS)('%s: leaves info findings and reminders out', async (format) => {
    const dir = workspace({ 't.yaml': functions('Fn') });
    const loud = await runCli(['scan', '.', '--no-config', ...RULES, '--format', format], { cwd: dir });
    const quiet = await runCli(['scan', '.', '--no-config', ...RULES, '--format', format, '--quiet'], { cwd: dir });
    // what lists findings (the scorecard of JSON and HTML names every rule that ran, and describes the whole scan)
    const shown = (out: string): string =>
      format === 'sarif'
        ? JSON.stringify((JSON.parse(out) as Sarif.Log).runs[0].results)
        : format === 'json'
          ? JSON.stringify((JSON.parse(out) as ScanReport).findings)
          : format === 'html'
            ? out.slice(out.indexOf('<section id="findings"'))
            : out;
    for (const id of ['lambda-structured-logs', 'cloudtrail-present']) {
      expect(shown(loud.stdout)).toContain(id);
      expect(shown(quiet.stdout)).not.toContain(id);
    }
    expect(shown(quiet.stdout)).toContain('lambda-tracing');
  });

  it('counts only errors and warnings, for the summary and --fail-on', async () => {
    const dir = workspace({ 't.yaml': functions('Fn') });
    const infoOnly = ['--rule', `lambda-structured-logs,${REMINDERS}`, '--fail-on', 'info'];
    expect((await runCli(['scan', '.', '--no-config', ...infoOnly], { cwd: dir })).code).toBe(1);
    expect((await runCli(['scan', '.', '--no-config', ...infoOnly, '--quiet'], { cwd: dir })).code).toBe(0);

    const { stdout } = await runCli(['scan', '.', '--no-config', ...RULES, '--format', 'json', '--quiet'], {
      cwd: dir,
    });
    const report = JSON.parse(stdout) as ScanReport;
    expect(report.summary.findings).toEqual({ error: 0, warning: 1, info: 0, total: 1 });
    expect(report.summary.rules).toEqual({ 'lambda-tracing': 1 });
  });

  it('still records info findings in the baseline it writes, and leaves known ones out of what it shows', async () => {
    const dir = workspace({ 't.yaml': functions('Fn') });
    await runCli(['scan', '.', '--no-config', ...RULES, '--quiet', '--write-baseline', 'baseline.json'], {
      cwd: dir,
    });
    const recorded = (JSON.parse(readFileSync(path.join(dir, 'baseline.json'), 'utf8')) as { findings: Finding[] })
      .findings;
    expect(recorded.map((f) => f.ruleId).sort()).toEqual([
      'cloudtrail-present',
      'config-recorder-present',
      'lambda-structured-logs',
      'lambda-tracing',
    ]);
    const run = await sarif(dir, ...RULES, '--quiet', '--baseline', 'baseline.json');
    expect(run.results!.map((r) => [r.ruleId, r.baselineState])).toEqual([['lambda-tracing', 'unchanged']]);
    const { stdout } = await runCli(
      ['scan', '.', '--no-config', ...RULES, '--quiet', '--baseline', 'baseline.json', '--format', 'json'],
      { cwd: dir },
    );
    expect((JSON.parse(stdout) as ScanReport).summary.baseline).toMatchObject({ known: 1, fixed: [] });
  });
});

describe('SARIF precision, from rule metadata', () => {
  it('is high for resource rules, medium for other app rules, low for rules that need context', async () => {
    const dir = workspace({ 't.yaml': functions('Fn') });
    const run = await sarif(dir, '--rule', 'lambda-tracing,multiple-environments,cloudtrail-present,business-metrics');
    const precision = Object.fromEntries(run.tool.driver.rules!.map((r) => [r.id, r.properties!.precision]));
    expect(precision).toEqual({
      'lambda-tracing': 'high',
      'multiple-environments': 'medium',
      'cloudtrail-present': 'low',
      'business-metrics': 'low',
    });
  });

  it('is very high for an internal error, which states a fact', async () => {
    const pack = `module.exports = { id: 'team', rules: [{ id: 'team/boom', title: 'Fails', bestPractice: 'OPS10-BP01',
      severity: 'error', resourceTypes: ['AWS::Lambda::Function'], check() { throw new Error('boom'); } }] };\n`;
    const dir = workspace({ 't.yaml': functions('Fn'), 'team.js': pack });
    const run = await sarif(dir, '--load-pack', './team.js', '--rule', 'team/boom');
    const internal = run.tool.driver.rules!.find((r) => r.id === 'internal-error')!;
    expect(internal.properties!.precision).toBe('very-high');
    expect(run.tool.driver.rules!.find((r) => r.id === 'team/boom')!.properties!.precision).toBe('high');
  });
});
