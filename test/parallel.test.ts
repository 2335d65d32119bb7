/**
 * Scans on worker threads (lib/parallel): the same report as on one thread, whatever the number of workers,
 * and a watchdog that stops a rule that hangs.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { filesSource } from '../lib/sources/files';
import { scanPaths, scanSources } from '../lib/compose';
import { corpusDir } from '../scripts/support/corpus';
import { runCli } from '../scripts/support/cli';
import { workspace } from './helpers/workspace';
import type { ScanReport } from '../lib/engine/finding';

const CORPUS = corpusDir();

describe('scanning on worker threads', () => {
  it('gives the report of a scan on one thread, with 3 workers', async () => {
    const paths = [path.join(CORPUS, 'serverless-patterns'), path.join(CORPUS, 'cfn-lint')];
    const options = { cwd: CORPUS };
    const one = scanPaths(paths, options);
    expect(one.summary.templates).toBeGreaterThan(300);
    expect(one.errors.length).toBeGreaterThan(0);
    const many = await scanSources([filesSource(paths)], { ...options, jobs: 3, bytesPerWorker: 1 });
    expect(JSON.stringify(many)).toBe(JSON.stringify(one));
  }, 120_000);

  it('prints byte-identical reports with --jobs 1 and --jobs 2', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'opslint-jobs-'));
    const runs = [];
    for (const jobs of ['1', '2']) {
      // 3.3 MB of templates: two workers with --jobs 2
      const sarif = path.join(out, `jobs-${jobs}.sarif`);
      const run = await runCli(
        [
          'scan',
          'aws-cfn-templates',
          '--jobs',
          jobs,
          '--no-color',
          '--format',
          'text',
          '--format',
          'sarif',
          '--output',
          sarif,
        ],
        { cwd: CORPUS },
      );
      runs.push({ ...run, sarif: readFileSync(sarif, 'utf8') });
    }
    expect(runs[0].code).toBe(0); // warnings only
    expect(runs[0].stdout).toContain('aws-cfn-templates/');
    expect(runs[0].sarif).toContain('"ruleId": "alarm-coverage"');
    expect(runs[1]).toEqual(runs[0]);
  }, 120_000);

  it('refuses a --jobs that is not a whole number of 1 or more', async () => {
    const run = await runCli(['scan', 'fixtures/tracing', '--jobs', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('opslint: --jobs must be a whole number of 1 or more, not "0"\n');
  });
});

describe('the rule watchdog', () => {
  const HANGING_PACK = `module.exports = {
    id: 'team',
    rules: [{
      id: 'team/stuck',
      title: 'A rule that never returns on queues',
      bestPractice: 'OPS10-BP01',
      severity: 'warning',
      resourceTypes: ['AWS::SQS::Queue'],
      check(resource) { if (resource.logicalId === 'Stuck') for (;;) {} },
    }, {
      id: 'team/queue-seen',
      title: 'Every queue is seen',
      bestPractice: 'OPS10-BP01',
      severity: 'warning',
      resourceTypes: ['AWS::SQS::Queue'],
      check(resource, ctx) { ctx.report({ message: 'Seen.' }); },
    }],
  };\n`;
  const QUEUES = 'Resources:\n  Stuck:\n    Type: AWS::SQS::Queue\n  Fine:\n    Type: AWS::SQS::Queue\n';

  it('stops a rule that runs past its budget, reports it, and scans everything else', async () => {
    const dir = workspace({
      'team.js': HANGING_PACK,
      'infra/a.yaml': QUEUES,
      'infra/b.yaml': QUEUES.replace('Stuck', 'Other'),
    });
    const run = await runCli(
      [
        'scan',
        'infra',
        '--load-pack',
        './team.js',
        '--rule-timeout',
        '300',
        '--jobs',
        '1',
        '--format',
        'json',
        '--fail-on',
        'none',
      ],
      { cwd: dir },
    );
    const report = JSON.parse(run.stdout) as ScanReport;
    const internal = report.findings.filter((f) => f.ruleId === 'internal-error');
    expect(internal).toHaveLength(1);
    expect(internal[0]).toMatchObject({
      file: 'infra/a.yaml',
      severity: 'error',
      message:
        'Rule team/stuck did not finish within its time budget of 300 ms and was stopped; the rest of infra/a.yaml and the input after it were checked without it.',
    });
    // the other rule still ran on both files
    const named = report.findings.filter((f) => f.ruleId === 'team/queue-seen').map((f) => `${f.file}#${f.resource}`);
    expect(named.sort()).toEqual([
      'infra/a.yaml#Fine',
      'infra/a.yaml#Stuck',
      'infra/b.yaml#Fine',
      'infra/b.yaml#Other',
    ]);
    expect(run.code).toBe(2); // an internal error fails the scan, whatever --fail-on says
  }, 60_000);

  it('refuses a --rule-timeout that is not a number of milliseconds', async () => {
    const run = await runCli(['scan', 'fixtures/tracing', '--rule-timeout', 'soon']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('opslint: --rule-timeout must be a whole number of milliseconds, not "soon"\n');
  });
});
