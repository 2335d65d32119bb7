/**
 * Hostile templates against the resolver, the name tables and the regular expressions over template text (issue
 * 16): each is scanned through the command line beside a good template, must finish, and gives its result (or one
 * input error naming the file) while the good template is still scanned and reported. Inputs are generated in a
 * temporary folder; sizes are such that the code before the fix ran for minutes, or crashed.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Finding, ScanReport } from '../lib/engine/finding';
import * as load from '../lib/template/load';
import { templateFromText } from '../lib/template/load';
import { MAX_ALTERNATIVES, MAX_VALUE_PARTS } from '../lib/template/resolver';
import { MAX_RESOLVED_STRING } from '../lib/template/intrinsics';
import { REPO, runCli } from '../scripts/support/cli';
import { yaml } from './helpers/yaml';

const HANG = 60_000;

const ALARM_PROPERTIES = {
  Namespace: 'AWS/SQS',
  MetricName: 'ApproximateAgeOfOldestMessage',
  Statistic: 'Maximum',
  Period: 60,
  EvaluationPeriods: 1,
  Threshold: 600,
  ComparisonOperator: 'GreaterThanThreshold',
};

const FUNCTION_PROPERTIES = {
  Runtime: 'nodejs20.x',
  Handler: 'index.handler',
  Role: 'arn:aws:iam::123456789012:role/fn',
  Code: { ZipFile: 'exports.handler = async () => ({})' },
};

/** An alarm without actions: alarm-actions, an error. */
const GOOD = JSON.stringify(
  { Resources: { Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: ALARM_PROPERTIES } } },
  null,
  2,
);

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'opslint-hostile-resolver-'));
  writeFileSync(path.join(dir, 'good.json'), GOOD);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `opslint scan FILE good.json --format json` on the main thread, `file` written first (an object as JSON). */
async function scanBeside(
  file: string,
  content: unknown,
  extra: string[] = [],
): Promise<{ code: number; stderr: string; report: ScanReport; findings: Finding[] }> {
  const target = path.join(dir, file);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content));
  const scanned = file.endsWith('manifest.json') ? path.dirname(file) : file;
  const { code, stdout, stderr } = await runCli(
    ['scan', scanned, 'good.json', '--format', 'json', '--no-config', '--jobs', '1', ...extra],
    { cwd: dir },
  );
  const report = JSON.parse(stdout) as ScanReport;
  // the good template is scanned whatever happens to the other
  expect(report.summary.files).toContain('good.json');
  expect(report.findings.filter((f) => f.file === 'good.json').map((f) => `${f.ruleId} ${f.resource}`)).toContain(
    'alarm-actions Alarm',
  );
  return { code, stderr, report, findings: report.findings.filter((f) => f.file !== 'good.json') };
}

/** The findings as `rule resource`, for those of `rules`. */
const byRule = (findings: readonly Finding[], ...rules: string[]): string[] =>
  findings.filter((f) => rules.includes(f.ruleId)).map((f) => `${f.ruleId} ${f.resource}`);

/** The notes of a file: where a value was taken as not known because it went past a bound. */
const notesOf = (report: ScanReport, file: string): string[] =>
  report.summary.notes.filter((n) => n.file === file).map((n) => n.message);

/** A file scanned like any other: no input error, no internal error. */
function cleanlyScanned(
  result: { code: number; stderr: string; report: ScanReport; findings: Finding[] },
  file: string,
): void {
  expect(result.report.errors).toEqual([]);
  expect(result.stderr).toBe('');
  expect(result.report.summary.files).toEqual([file, 'good.json'].sort());
  expect(byRule(result.findings, 'internal-error')).toEqual([]);
  expect(result.code).toBe(1);
}

describe('#2 a chain of Fn::FindInMap through Fn::If on unknown conditions is resolved in linear time', () => {
  /** 30 mapping entries, each choosing between the next two on a condition that cannot be known: 2^30 paths. */
  function chain(): unknown {
    const map: Record<string, unknown> = {};
    for (let i = 0; i < 30; i++) {
      const next = (key: string) => ({ 'Fn::FindInMap': ['Chain', `K${i + 1}`, key] });
      map[`K${i}`] = {
        a: { 'Fn::If': ['IsProd', next('a'), next('b')] },
        b: { 'Fn::If': ['IsDev', next('b'), next('a')] },
      };
    }
    map.K30 = { a: 'arn:aws:sns:us-east-1:123456789012:a', b: 'arn:aws:sns:us-east-1:123456789012:b' };
    return {
      Parameters: { Env: { Type: 'String' } },
      Conditions: {
        IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] },
        IsDev: { 'Fn::Equals': [{ Ref: 'Env' }, 'dev'] },
      },
      Mappings: { Chain: map },
      Resources: {
        Alarm: {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: {
            ...ALARM_PROPERTIES,
            AlarmActions: [{ 'Fn::FindInMap': ['Chain', 'K0', 'a'] }],
            AlarmDescription: { 'Fn::FindInMap': ['Chain', 'K0', 'b'] },
          },
        },
      },
    };
  }

  it(
    'scans the template: the value is one of the two the chain ends in',
    async () => {
      const result = await scanBeside('chain.json', chain());
      cleanlyScanned(result, 'chain.json');
      expect(notesOf(result.report, 'chain.json')).toEqual([]);
      // neither topic ARN links a runbook: every branch is known, and fails
      expect(byRule(result.findings, 'alarm-runbook-link')).toEqual(['alarm-runbook-link Alarm']);
      const template = templateFromText(JSON.stringify(chain()), 'chain.json')!;
      const description = template.valueAt(template.resources.get('Alarm')!, 'Properties.AlarmDescription');
      expect(description).toEqual({
        known: false,
        reason: 'depends on a condition that cannot be evaluated',
        alternatives: ['arn:aws:sns:us-east-1:123456789012:b', 'arn:aws:sns:us-east-1:123456789012:a'],
      });
    },
    HANG,
  );

  it(
    'scans a chain of one entry per level whose two branches name the same next entry',
    async () => {
      const map: Record<string, unknown> = {};
      for (let i = 0; i < 30; i++)
        map[`K${i}`] = {
          v: {
            'Fn::If': [
              'IsProd',
              { 'Fn::FindInMap': ['M', `K${i + 1}`, 'v'] },
              { 'Fn::FindInMap': ['M', `K${i + 1}`, 'v'] },
            ],
          },
        };
      map.K30 = { v: 'Orders' };
      const content = {
        Parameters: { Env: { Type: 'String' } },
        Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] } },
        Mappings: { M: map },
        Resources: {
          Alarm: {
            Type: 'AWS::CloudWatch::Alarm',
            Properties: {
              ...ALARM_PROPERTIES,
              AlarmActions: ['arn:aws:sns:us-east-1:123456789012:oncall'],
              AlarmDescription: { 'Fn::FindInMap': ['M', 'K0', 'v'] },
            },
          },
        },
      };
      const result = await scanBeside('chain-one.json', content);
      cleanlyScanned(result, 'chain-one.json');
      expect(byRule(result.findings, 'alarm-runbook-link')).toEqual(['alarm-runbook-link Alarm']);
      // every branch agrees: the description is known
      const template = templateFromText(JSON.stringify(content), 'chain-one.json')!;
      expect(template.valueAt(template.resources.get('Alarm')!, 'Properties.AlarmDescription')).toEqual({
        known: true,
        value: 'Orders',
      });
    },
    HANG,
  );

  it(
    `takes a value of more than ${MAX_VALUE_PARTS} parts as unknown: mapping entries that list the next one twice`,
    async () => {
      const map: Record<string, unknown> = {};
      for (let i = 0; i < 30; i++)
        map[`K${i}`] = {
          v: [{ 'Fn::FindInMap': ['M', `K${i + 1}`, 'v'] }, { 'Fn::FindInMap': ['M', `K${i + 1}`, 'v'] }],
        };
      map.K30 = { v: 'x' };
      const joined = { 'Fn::Join': ['', { 'Fn::FindInMap': ['M', 'K0', 'v'] }] };
      const content = {
        Mappings: { M: map },
        Resources: {
          Alarm: {
            Type: 'AWS::CloudWatch::Alarm',
            Properties: {
              ...ALARM_PROPERTIES,
              AlarmActions: ['arn:aws:sns:us-east-1:123456789012:oncall'],
              AlarmDescription: joined,
            },
          },
        },
      };
      const result = await scanBeside('lists.json', content);
      cleanlyScanned(result, 'lists.json');
      expect(notesOf(result.report, 'lists.json')).toEqual([
        `a value is taken as not known before deployment: value of more than ${MAX_VALUE_PARTS} parts`,
      ]);
      const template = templateFromText(JSON.stringify(content), 'lists.json')!;
      expect(template.resolver.resolve(joined)).toEqual({
        known: false,
        reason: `value of more than ${MAX_VALUE_PARTS} parts`,
      });
      // a few levels are resolved whole
      expect(template.resolver.deep({ 'Fn::FindInMap': ['M', 'K28', 'v'] })).toEqual({
        known: true,
        value: [
          ['x', 'x'],
          ['x', 'x'],
        ],
      });
    },
    HANG,
  );

  it(`takes a value of more than ${MAX_ALTERNATIVES} possible values as unknown, and says so`, () => {
    // a tree of Fn::If nine deep: 512 different texts
    const tree = (depth: number, prefix: string): unknown =>
      depth === 0 ? prefix : { 'Fn::If': ['IsProd', tree(depth - 1, `${prefix}a`), tree(depth - 1, `${prefix}b`)] };
    const template = templateFromText(
      JSON.stringify({
        Parameters: { Env: { Type: 'String' } },
        Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] } },
        Resources: { Topic: { Type: 'AWS::SNS::Topic' } },
      }),
      't.json',
    )!;
    const reason = `depends on condition IsProd: parameter Env has no default value, with more than ${MAX_ALTERNATIVES} possible values`;
    expect(template.resolver.resolve(tree(9, 'x'))).toEqual({ known: false, reason });
    expect(template.unresolved.map((u) => u.message)).toEqual([
      `a value is taken as not known before deployment: ${reason}`,
    ]);
    // within the bound, every value
    expect(template.resolver.resolve(tree(8, 'x'))).toMatchObject({
      known: false,
      alternatives: expect.arrayContaining(['xaaaaaaaa', 'xbbbbbbbb']) as unknown[],
    });
  });
});

describe('#5 regular expressions over template text take linear time', () => {
  const SIZE = 300 * 1024;

  it(
    'a 300 KB composite AlarmRule',
    async () => {
      const rule = `ALARM(a${' '.repeat(SIZE)}b) OR ALARM("Errors") OR OK( Latency )`;
      const result = await scanBeside('alarm-rule.json', {
        Resources: {
          Topic: { Type: 'AWS::SNS::Topic' },
          Errors: { Type: 'AWS::CloudWatch::Alarm', Properties: { ...ALARM_PROPERTIES, AlarmName: 'Errors' } },
          Latency: { Type: 'AWS::CloudWatch::Alarm', Properties: { ...ALARM_PROPERTIES, AlarmName: 'Latency' } },
          Health: {
            Type: 'AWS::CloudWatch::CompositeAlarm',
            Properties: { AlarmRule: rule, AlarmActions: [{ Ref: 'Topic' }] },
          },
        },
      });
      cleanlyScanned(result, 'alarm-rule.json');
      // both children are found in the rule: the composite notifies for them
      expect(byRule(result.findings, 'alarm-actions')).toEqual([]);
    },
    HANG,
  );

  it(
    'a 300 KB command line of a pipeline build, which the command patterns read only up to its first 2048 characters',
    async () => {
      const fixture = readFileSync(
        path.join(REPO, 'fixtures/pipelines/pipeline-test-action/fail-commands-deploy.yaml'),
        'utf8',
      );
      const long = fixture
        .replace('- npx cdk synth\n', `- npx cdk synth\n                - echo ${'mvn cdk@x'.repeat(SIZE / 9)} test\n`)
        .replace(
          '--require-approval never\n',
          `--require-approval never\n                - echo ${'gradle mvn '.repeat(SIZE / 11)}\n`,
        );
      const result = await scanBeside('pipeline.yaml', long);
      cleanlyScanned(result, 'pipeline.yaml');
      // the deployment is still found, and the build before it does not run tests: its `mvn … test` is past 2048 characters
      expect(byRule(result.findings, 'pipeline-test-action')).toEqual(['pipeline-test-action Pipeline']);
    },
    HANG,
  );

  it(
    'a 300 KB DashboardBody with an unterminated string of escaped quotes',
    async () => {
      const body = {
        'Fn::Join': [
          '',
          [
            '{"widgets": [{"type": "text", "properties": {"markdown": "',
            { Ref: 'AWS::Region' },
            `"}}], "x": "${'\\"'.repeat(SIZE / 2)}`,
          ],
        ],
      };
      const result = await scanBeside('dashboard.json', {
        Resources: {
          Fn: { Type: 'AWS::Lambda::Function', Properties: FUNCTION_PROPERTIES },
          Board: { Type: 'AWS::CloudWatch::Dashboard', Properties: { DashboardBody: body } },
        },
      });
      cleanlyScanned(result, 'dashboard.json');
      // the body is not JSON: it may well graph the function's own metrics
      expect(byRule(result.findings, 'business-metrics')).toEqual([]);
    },
    HANG,
  );

  it(
    'a 300 KB CDK creation-stack frame',
    async () => {
      mkdirSync(path.join(dir, 'cdk.out'), { recursive: true });
      writeFileSync(path.join(dir, 'cdk.out/App.template.json'), GOOD);
      const frames = [
        `at ${'x'.repeat(SIZE)}`,
        `at ${'('.repeat(SIZE)}`,
        `at ${'C:'.repeat(SIZE / 2)}`,
        'at new App (/src/lib/app.ts:12:5)',
      ];
      const result = await scanBeside('cdk.out/manifest.json', {
        version: '36.0.0',
        artifacts: {
          App: {
            type: 'aws:cloudformation:stack',
            displayName: 'App',
            environment: 'aws://unknown-account/unknown-region',
            properties: { templateFile: 'App.template.json' },
            metadata: {
              '/App/Alarm/Resource': [
                { type: 'aws:cdk:logicalId', data: 'Alarm' },
                { type: 'aws:cdk:creationStack', data: frames },
              ],
            },
          },
        },
      });
      expect(result.report.errors).toEqual([]);
      // the first frame that names a file is the construct's source
      expect(
        result.findings.filter((f) => f.ruleId === 'alarm-actions').map((f) => [f.file, f.constructPath, f.source]),
      ).toEqual([['cdk.out/App.template.json', 'App/Alarm/Resource', '/src/lib/app.ts:12:5']]);
    },
    HANG,
  );

  it(
    'a 300 KB Fn::Sub of unclosed ${ and other long texts that rules read',
    async () => {
      const unclosed = '${'.repeat(SIZE / 2);
      const result = await scanBeside('texts.json', {
        Resources: {
          Logs: {
            Type: 'AWS::Logs::LogGroup',
            Properties: { LogGroupName: { 'Fn::Sub': `/aws/lambda/${unclosed}` }, RetentionInDays: 30 },
          },
          Fn: {
            Type: 'AWS::Lambda::Function',
            Properties: { ...FUNCTION_PROPERTIES, FunctionName: { 'Fn::Sub': unclosed } },
          },
          Mapping: {
            Type: 'AWS::Lambda::EventSourceMapping',
            Properties: {
              FunctionName: { Ref: 'Fn' },
              EventSourceArn: `arn:aws:dynamodb:${':dynamodb:'.repeat(SIZE / 10)}`,
            },
          },
          Task: {
            Type: 'AWS::ECS::TaskDefinition',
            Properties: { ContainerDefinitions: [{ Name: 'app', Image: `${'@'.repeat(SIZE)}\nx` }] },
          },
          Service: { Type: 'AWS::ECS::Service', Properties: { TaskDefinition: { Ref: 'Task' } } },
          [`${'LOGS'.repeat(60)}Bucket`]: {
            Type: 'AWS::S3::Bucket',
            Properties: { BucketName: `${'A'.repeat(SIZE)}1` },
          },
        },
      });
      cleanlyScanned(result, 'texts.json');
    },
    HANG,
  );
});

describe('#9 a string built past every bound does not stop the scan', () => {
  it(
    'a 925 KB template whose condition joins a large string 700 times: the condition is unknown',
    async () => {
      const big = 'x'.repeat(900 * 1024);
      const result = await scanBeside('join.json', {
        Mappings: { Big: { Text: { Value: big } } },
        Conditions: {
          Huge: {
            'Fn::Equals': [{ 'Fn::Join': ['', Array(700).fill({ 'Fn::FindInMap': ['Big', 'Text', 'Value'] })] }, 'x'],
          },
        },
        Resources: { Alarm: { Type: 'AWS::CloudWatch::Alarm', Condition: 'Huge', Properties: ALARM_PROPERTIES } },
      });
      cleanlyScanned(result, 'join.json');
      expect(notesOf(result.report, 'join.json')).toEqual([
        `a value is taken as not known before deployment: Fn::Join makes a string of more than ${MAX_RESOLVED_STRING} characters, more than a template can hold`,
      ]);
      // the condition is not known to be false: the alarm is checked
      expect(byRule(result.findings, 'alarm-actions')).toEqual(['alarm-actions Alarm']);
    },
    HANG,
  );

  it(
    'rules that spell out a value the resolver cannot (runbook links, dashboards, sidecar images) stop at the same bound',
    async () => {
      const joined = { 'Fn::Join': ['', Array(700).fill({ Ref: 'Big' })] };
      const subbed = { 'Fn::Sub': '${Big}'.repeat(700) };
      const result = await scanBeside('spelled.json', {
        Parameters: { Big: { Type: 'String', Default: 'x'.repeat(1024 * 1024) }, Env: { Type: 'String' } },
        Resources: {
          Joined: {
            Type: 'AWS::CloudWatch::Alarm',
            Properties: {
              ...ALARM_PROPERTIES,
              AlarmActions: ['arn:aws:sns:us-east-1:123456789012:oncall'],
              AlarmDescription: joined,
            },
          },
          Subbed: {
            Type: 'AWS::CloudWatch::Alarm',
            Properties: {
              ...ALARM_PROPERTIES,
              AlarmActions: ['arn:aws:sns:us-east-1:123456789012:oncall'],
              AlarmDescription: subbed,
            },
          },
          Board: {
            Type: 'AWS::CloudWatch::Dashboard',
            Properties: { DashboardBody: { 'Fn::Join': ['', [{ Ref: 'Env' }, joined]] } },
          },
          Task: {
            Type: 'AWS::ECS::TaskDefinition',
            Properties: {
              ContainerDefinitions: [
                { Name: 'app', Image: { 'Fn::Join': ['', [{ Ref: 'Env' }, joined]] } },
                { Name: 'sidecar', Image: { 'Fn::Sub': ['${Env}${Big}'.repeat(700), {}] } },
              ],
            },
          },
        },
      });
      expect(result.report.errors).toEqual([]);
      expect(byRule(result.findings, 'internal-error')).toEqual([]);
    },
    HANG,
  );

  it(
    'a chain of 2,000 conditions, each the negation of the one before: unknown past the nesting bound, not a stack overflow',
    async () => {
      const conditions: Record<string, unknown> = { C0: { 'Fn::Equals': ['a', 'a'] } };
      for (let i = 1; i < 2000; i++) conditions[`C${i}`] = { 'Fn::Not': [{ Condition: `C${i - 1}` }] };
      const result = await scanBeside('chain.json', {
        Conditions: conditions,
        Resources: { Alarm: { Type: 'AWS::CloudWatch::Alarm', Condition: 'C1999', Properties: ALARM_PROPERTIES } },
      });
      cleanlyScanned(result, 'chain.json');
      expect(notesOf(result.report, 'chain.json')).toEqual([
        'a value is taken as not known before deployment: conditions refer to one another more than 64 deep',
      ]);
      // not known to be false: the alarm is checked
      expect(byRule(result.findings, 'alarm-actions')).toEqual(['alarm-actions Alarm']);
      // a short chain is still decided: C1 is false, so its alarm is not deployed
      const short = templateFromText(
        JSON.stringify({ Conditions: conditions, Resources: { Topic: { Type: 'AWS::SNS::Topic' } } }),
        't.json',
      )!;
      expect([short.resolver.condition('C1'), short.resolver.condition('C2')]).toEqual([false, true]);
    },
    HANG,
  );

  it(`strings of more than ${MAX_RESOLVED_STRING} characters are unknown, whatever builds them`, () => {
    const template = templateFromText(
      yaml`
      Parameters:
        Big: {Type: String, Default: ${'y'.repeat(MAX_RESOLVED_STRING / 4)}}
      Resources: {}
    `,
      't.yaml',
    )!;
    const r = template.resolver;
    const five = Array(5).fill({ Ref: 'Big' });
    expect(r.resolve({ 'Fn::Join': ['', five] })).toEqual({
      known: false,
      reason: `Fn::Join makes a string of more than ${MAX_RESOLVED_STRING} characters, more than a template can hold`,
    });
    expect(r.resolve({ 'Fn::Sub': `${'z'.repeat(MAX_RESOLVED_STRING / 4)}\${Big}\${Big}\${Big}\${Big}` })).toEqual({
      known: false,
      reason: `Fn::Sub makes a string of more than ${MAX_RESOLVED_STRING} characters, more than a template can hold`,
    });
    expect(r.resolve({ 'Fn::Sub': '${Big}${Big}${Big}${Big}${Big}' })).toEqual({
      known: false,
      reason: `Fn::Sub makes a string of more than ${MAX_RESOLVED_STRING} characters, more than a template can hold`,
    });
    expect(r.resolve({ 'Fn::Base64': { 'Fn::Join': ['', five.slice(0, 4)] } })).toEqual({
      known: false,
      reason: `Fn::Base64 makes a string of more than ${MAX_RESOLVED_STRING} characters, more than a template can hold`,
    });
    expect(r.resolve({ 'Fn::ToJsonString': five })).toEqual({
      known: false,
      reason: `Fn::ToJsonString makes a string of more than ${MAX_RESOLVED_STRING} characters, more than a template can hold`,
    });
    // up to the bound, the string
    expect(r.resolve({ 'Fn::Join': ['', five.slice(0, 4)] })).toEqual({
      known: true,
      value: 'y'.repeat(MAX_RESOLVED_STRING),
    });
    // what is not written out at all compares as before
    expect(r.resolve({ 'Fn::Equals': [{ Ref: 'AWS::NoValue' }, 'us-east-1'] })).toEqual({ known: true, value: false });
    expect(r.resolve({ 'Fn::Equals': [{ Ref: 'AWS::NoValue' }, { Ref: 'AWS::NoValue' }] })).toEqual({
      known: true,
      value: true,
    });
    expect(r.resolve({ 'Fn::ToJsonString': { Ref: 'AWS::NoValue' } })).toEqual({ known: true, value: undefined });
  });

  it(
    'an unexpected failure while a file is read is one input error for that file; the others are scanned',
    async () => {
      const original = load.loadTemplate;
      const spy = jest.spyOn(load, 'loadTemplate').mockImplementation((file, options) => {
        if (path.basename(file) === 'crash.json') throw new RangeError('Invalid string length');
        return original(file, options);
      });
      try {
        const { code, stderr, report } = await scanBeside('crash.json', GOOD);
        const message = 'internal error while scanning this file (RangeError: Invalid string length); please report it';
        expect(report.errors).toEqual([{ file: 'crash.json', message }]);
        expect(stderr).toBe(`crash.json: ${message}\n`);
        expect(report.summary.files).toEqual(['good.json']);
        expect(code).toBe(2);
      } finally {
        spy.mockRestore();
      }
    },
    HANG,
  );
});

describe('#24 names that JavaScript objects inherit are names like any other', () => {
  const TEMPLATE = yaml`
    Parameters:
      constructor: {Type: String, Default: from-default}
      valueOf: {Type: String}
      __proto__: {Type: String, Default: proto}
    Mappings:
      toString:
        hasOwnProperty: {name: mapped}
      Names:
        Key: {Value: plain}
    Conditions:
      __proto__: !Equals [!Ref __proto__, proto]
      hasOwnProperty: !Equals [!FindInMap [toString, hasOwnProperty, name], mapped]
    Resources:
      constructor:
        Type: AWS::SNS::Topic
      toString:
        Type: constructor
      Fn:
        Type: AWS::Serverless::Function
        Properties:
          Runtime: nodejs20.x
          Handler: index.handler
          CodeUri: .
          Events:
            Odd: {Type: constructor}
            Odder: {Type: __proto__}
      Alarm:
        Type: AWS::CloudWatch::Alarm
        Condition: __proto__
        Properties:
          AlarmName: !Ref constructor
          AlarmDescription: !Ref valueOf
          Namespace: !FindInMap [Names, constructor, Value]
          MetricName: !FindInMap [Names, __proto__, hasOwnProperty]
          Statistic: !If [hasOwnProperty, Maximum, Minimum]
          Period: 60
          EvaluationPeriods: 1
          Threshold: 600
          ComparisonOperator: !FindInMap [constructor, a, b]
          Dimensions: [{Name: FunctionName, Value: !Ref Fn}]
  `;

  it('resolves them from the template, never from what objects inherit', () => {
    const template = templateFromText(TEMPLATE, 't.yaml', { parameters: { valueOf: 'given' } })!;
    expect(template.resolver.resolve({ Ref: 'propertyIsEnumerable' })).toEqual({
      known: false,
      reason: 'Ref to propertyIsEnumerable, which is not defined in the template',
    });
    const alarm = template.resources.get('Alarm')!;
    const at = (p: string) => template.valueAt(alarm, `Properties.${p}`);
    expect(at('AlarmName')).toEqual({ known: true, value: 'from-default' });
    expect(at('AlarmDescription')).toEqual({ known: true, value: 'given' });
    expect(at('Namespace')).toEqual({ known: false, reason: 'mapping Names has no entry constructor.Value' });
    expect(at('MetricName')).toEqual({ known: false, reason: 'mapping Names has no entry __proto__.hasOwnProperty' });
    expect(at('ComparisonOperator')).toEqual({ known: false, reason: 'mapping constructor has no entry a.b' });
    expect(at('Statistic')).toEqual({ known: true, value: 'Maximum' });
    expect(template.resolver.condition('__proto__')).toBe(true);
    expect(template.resolver.condition('isPrototypeOf')).toEqual({
      known: false,
      reason: 'condition isPrototypeOf is not defined',
    });
    // a parameter given on the command line is looked up by its own name only
    const bare = templateFromText(TEMPLATE, 't.yaml')!;
    expect(bare.resolver.resolve({ Ref: 'isPrototypeOf' })).toEqual({
      known: false,
      reason: 'Ref to isPrototypeOf, which is not defined in the template',
    });
    expect(bare.resolver.resolve({ Ref: 'valueOf' })).toEqual({
      known: false,
      reason: 'parameter valueOf has no default value',
    });
    expect(Object.getPrototypeOf(bare.parameters)).toBeNull();
    expect(Object.keys(bare.parameters)).toEqual(['constructor', 'valueOf', '__proto__']);
  });

  it('keeps a Globals property named __proto__ as a property when a resource ignores others', () => {
    const template = templateFromText(
      yaml`
      Transform: AWS::Serverless-2016-10-31
      Globals:
        Function:
          __proto__: {Tracing: Active}
          Timeout: 5
      Resources:
        Fn:
          Type: AWS::Serverless::Function
          Properties: {Runtime: nodejs20.x, Handler: index.handler, CodeUri: ., IgnoreGlobals: [Timeout]}
    `,
      't.yaml',
    )!;
    const properties = template.resources.get('Fn')!.properties;
    expect(Object.keys(properties)).toEqual(['__proto__', 'Runtime', 'Handler', 'CodeUri', 'IgnoreGlobals']);
    expect(properties.Tracing).toBeUndefined();
  });

  it(
    'scans the template with no internal error',
    async () => {
      const result = await scanBeside('names.yaml', TEMPLATE, ['--parameters', 'hasOwnProperty=x']);
      cleanlyScanned(result, 'names.yaml');
      expect(byRule(result.findings, 'alarm-actions', 'alarm-topic-subscribed')).toEqual(['alarm-actions Alarm']);
    },
    HANG,
  );
});
