/**
 * Hostile rule files against the rule watchdog (lib/parallel/run.ts): a rule the watchdog stopped once is not
 * run again in the scan, and the report does not depend on how many workers ran it.
 */
import type { ScanReport } from '../lib/engine/finding';
import { runCli } from '../scripts/support/cli';
import { workspace } from './helpers/workspace';

/** A YAML pack: a catastrophically backtracking `matches`, and a rule that reports every topic. */
const PACK = `pack: team
rules:
  - id: team/topic-name-shape
    title: Topic names are made of a
    bestPractice: OPS02-BP01
    severity: warning
    resourceTypes: [AWS::SNS::Topic]
    path: Properties.TopicName
    condition: {matches: '^(a+)+$'}
    message: '{{resource}} has the name {{value}}.'
    messageWhenAbsent: '{{resource}} has no name.'
  - id: team/topic-seen
    title: Every topic is seen
    bestPractice: OPS02-BP01
    severity: warning
    resourceTypes: [AWS::SNS::Topic]
    path: Properties.TopicName
    condition: absent
    message: '{{resource}} is seen.'
`;

const HANGS = `${'a'.repeat(40)}!`;

/** A template with one topic of that name; 600 KB of comments make four of them worth two workers. */
const topic = (name: string): string =>
  `${'# padding\n'.repeat(60_000)}Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: '${name}'\n`;

const FILES = ['infra/a.yaml', 'infra/b.yaml', 'infra/c.yaml', 'infra/d.yaml'];

async function scanWithJobs(names: readonly string[]): Promise<{ code: number; stdout: string; report: ScanReport }[]> {
  const dir = workspace({ 'rules.yaml': PACK, ...Object.fromEntries(FILES.map((f, i) => [f, topic(names[i])])) });
  const runs = [];
  for (const jobs of ['1', '2']) {
    const run = await runCli(
      [
        'scan',
        'infra',
        '--load-pack',
        './rules.yaml',
        '--rule-timeout',
        '500',
        '--jobs',
        jobs,
        '--format',
        'json',
        '--fail-on',
        'none',
      ],
      { cwd: dir },
    );
    runs.push({ code: run.code, stdout: run.stdout, report: JSON.parse(run.stdout) as ScanReport });
  }
  return runs;
}

const byRule = (report: ScanReport, ruleId: string): string[] =>
  report.findings.filter((f) => f.ruleId === ruleId).map((f) => f.file);

describe('#1 a rule the watchdog stopped is not run again in the scan', () => {
  it('stops a backtracking matches once over four templates, and checks the other three without it', async () => {
    const [one, two] = await scanWithJobs(FILES.map(() => HANGS));
    const internal = one.report.findings.filter((f) => f.ruleId === 'internal-error');
    expect(internal.map((f) => [f.file, f.message])).toEqual([
      [
        'infra/a.yaml',
        'Rule team/topic-name-shape did not finish within its time budget of 500 ms and was stopped; the rest of infra/a.yaml and the 3 inputs after it were checked without it.',
      ],
    ]);
    expect(byRule(one.report, 'team/topic-seen').sort()).toEqual(FILES);
    expect(byRule(one.report, 'team/topic-name-shape')).toEqual([]);
    expect(one.code).toBe(2); // the internal error fails the scan
    expect(two.stdout).toBe(one.stdout);
    expect(two.code).toBe(one.code);
  }, 120_000);

  it('checks again without the rule the inputs after the one it hung on, even those a second worker had finished', async () => {
    // the rule hangs on the first template only; on the others it fails fast, and would report
    const [one, two] = await scanWithJobs([HANGS, 'b', 'c', 'd']);
    expect(byRule(one.report, 'internal-error')).toEqual(['infra/a.yaml']);
    expect(byRule(one.report, 'team/topic-name-shape')).toEqual([]);
    expect(byRule(one.report, 'team/topic-seen').sort()).toEqual(FILES);
    expect(two.stdout).toBe(one.stdout);
  }, 120_000);

  it('runs the rule on the inputs before the one it hung on', async () => {
    const [one, two] = await scanWithJobs(['b', 'c', HANGS, 'd']);
    const internal = one.report.findings.filter((f) => f.ruleId === 'internal-error');
    expect(internal.map((f) => [f.file, f.message])).toEqual([
      [
        'infra/c.yaml',
        'Rule team/topic-name-shape did not finish within its time budget of 500 ms and was stopped; the rest of infra/c.yaml and the input after it were checked without it.',
      ],
    ]);
    expect(byRule(one.report, 'team/topic-name-shape')).toEqual(['infra/a.yaml', 'infra/b.yaml']);
    expect(two.stdout).toBe(one.stdout);
  }, 120_000);
});
