/**
 * The JUnit report tells what the exit code tells (#19 item 9): a test case fails only for findings at or above
 * `--fail-on`, as Jenkins and GitLab fail a build or merge request on any failed test; findings below it pass,
 * listed in the case's output; a rule that failed is an errored case, as it makes the scan exit 2.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { INTERNAL_ERROR, type ScanReport } from '../lib/engine/finding';
import { getReporter } from '../lib/reporters';
import { runCli } from '../scripts/support/cli';
import { workspace } from './helpers/workspace';

interface Case {
  name: string;
  failure?: { '#text': string; type: string };
  error?: { '#text': string; type: string };
  skipped?: unknown;
  'system-out'?: string;
}
interface Suites {
  testsuites: {
    failures: string;
    errors: string;
    testsuite: { testcase: Case | Case[] } | { testcase: Case | Case[] }[];
  };
}

const parse = (xml: string): { failures: number; errors: number; cases: Case[] } => {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as Suites;
  const suites = [doc.testsuites.testsuite].flat();
  return {
    failures: Number(doc.testsuites.failures),
    errors: Number(doc.testsuites.errors),
    cases: suites.flatMap((s) => [s.testcase].flat()),
  };
};
const byName = (cases: Case[], rule: string): Case => cases.find((c) => c.name.startsWith(`${rule} `))!;

/** A function without tracing (warning) and plain-text logs (info), and an alarm with actions off (error). */
const TEMPLATE = `Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/f
      Code: {ZipFile: 'exports.handler = async () => ({});'}
  Alarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Namespace: AWS/Lambda
      MetricName: Errors
      Dimensions: [{Name: FunctionName, Value: !Ref Fn}]
      Statistic: Sum
      Period: 60
      EvaluationPeriods: 1
      Threshold: 1
      ComparisonOperator: GreaterThanOrEqualToThreshold
      ActionsEnabled: false
      AlarmActions: [arn:aws:sns:eu-west-1:123456789012:on-call]
`;
const RULES = ['--rule', 'lambda-tracing,alarm-actions,lambda-structured-logs'];

describe('JUnit and --fail-on', () => {
  it.each([
    ['error', ['alarm-actions'], 1],
    ['warning', ['alarm-actions', 'lambda-tracing'], 1],
    ['info', ['alarm-actions', 'lambda-structured-logs', 'lambda-tracing'], 1],
    ['none', [], 0],
  ])('at --fail-on %s, fails the cases of %j, as the exit code does', async (failOn, failing, code) => {
    const dir = workspace({ 't.yaml': TEMPLATE });
    const r = await runCli(['scan', '.', ...RULES, '--fail-on', failOn as string, '-f', 'junit'], { cwd: dir });
    expect(r.code).toBe(code);
    const { failures, cases } = parse(r.stdout);
    expect(
      cases
        .filter((c) => c.failure)
        .map((c) => c.name.split(' ')[0])
        .sort(),
    ).toEqual(failing);
    expect(failures).toBe((failing as string[]).length);
    // the others pass, their findings in the case's output
    for (const c of cases.filter((x) => !x.failure))
      expect(c['system-out']).toMatch(new RegExp(`^Below the fail-on threshold \\(${failOn}\\):\nt\\.yaml:\\d+:\\d+ `));
  });

  it('takes fail-on from the configuration too, and defaults to error', async () => {
    const dir = workspace({ 't.yaml': TEMPLATE, 'opslint.config.yml': 'failOn: warning\n' });
    const configured = await runCli(['scan', '.', ...RULES, '-f', 'junit'], { cwd: dir });
    expect(byName(parse(configured.stdout).cases, 'lambda-tracing').failure).toMatchObject({ type: 'warning' });
    const defaults = await runCli(['scan', '.', ...RULES, '-f', 'junit'], {
      cwd: workspace({ 't.yaml': TEMPLATE }),
    });
    const tracing = byName(parse(defaults.stdout).cases, 'lambda-tracing');
    expect(tracing.failure).toBeUndefined();
    expect(tracing['system-out']).toContain('t.yaml:4:5 warning Lambda function Fn does not send traces to X-Ray');
  });

  it('lists the suppressed findings of a case beside the others, with their reasons', async () => {
    const dir = workspace({
      't.yaml': TEMPLATE.replace(
        '  Alarm:\n',
        '  Other:\n    Type: AWS::Lambda::Function\n    Metadata:\n      opslint:\n        suppress:\n          - {id: lambda-tracing, reason: Traced by the service mesh sidecar}\n    Properties: {Runtime: nodejs22.x, Handler: index.handler, Role: arn:aws:iam::123456789012:role/f, Code: {ZipFile: x}}\n  Alarm:\n',
      ),
    });
    const r = await runCli(['scan', '.', '--rule', 'lambda-tracing', '-f', 'junit'], { cwd: dir });
    const out = byName(parse(r.stdout).cases, 'lambda-tracing')['system-out']!;
    expect(out.split('\n')).toEqual([
      'Below the fail-on threshold (error):',
      expect.stringMatching(/^t\.yaml:4:5 warning Lambda function Fn /),
      'Suppressed:',
      expect.stringMatching(/^t\.yaml:\d+:\d+ warning Lambda function Other .*\(Traced by the service mesh sidecar\)$/),
    ]);
  });
});

describe('a rule that failed', () => {
  it('is an errored case, whatever fail-on says', () => {
    const report: ScanReport = {
      findings: [
        {
          ruleId: INTERNAL_ERROR,
          pack: 'team',
          severity: 'error',
          message: 'Rule team/broken failed on resource Fn: boom.',
          bestPractice: 'OPS04-BP02',
          question: 'OPS04',
          file: 't.yaml',
          line: 3,
          column: 5,
          resource: 'Fn',
          path: 'Resources.Fn',
          docs: '',
        },
      ],
      errors: [],
      summary: {
        templates: 1,
        resources: 1,
        findings: { error: 1, warning: 0, info: 0, total: 1 },
        rules: { [INTERNAL_ERROR]: 1 },
        errors: 0,
        notes: [],
        scorecard: { questions: [] },
        files: ['t.yaml'],
        suppressed: 0,
      },
    };
    const { failures, errors, cases } = parse(getReporter('junit')!(report, { color: false, failOn: 'none' }));
    expect([failures, errors]).toEqual([0, 1]);
    expect(cases[0].error).toMatchObject({
      type: 'internal-error',
      '#text': 't.yaml:3:5 error Rule team/broken failed on resource Fn: boom.',
    });
  });
});
