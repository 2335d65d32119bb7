/**
 * Platform teams' own packs: no-code YAML rules, loading packs from configuration and the command line,
 * clear errors for packs that cannot be loaded, and the example pack in the CLI and in a CDK app.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { ScanReport } from '../lib/engine/finding';
import { OpsChecks } from '../lib/cdk';
import { loadYamlPack } from '../lib/packs/yaml';
import { runCase } from '../lib/testing';
import acme from '../examples/custom-pack/src';
import { REPO, runCli } from '../scripts/support/cli';
import { yaml } from './helpers/yaml';
import { workspace } from './helpers/workspace';

const rulesFile = (rule: string) => `pack: team\nrules:\n${rule.replace(/^/gm, '  ')}\n`;
const yamlRule = (fields: string) =>
  loadYamlPack(
    path.join(
      workspace({
        'rules.yaml': rulesFile(
          `- id: team/r\n  title: A rule\n  bestPractice: OPS02-BP01\n  severity: warning\n  message: '{{resource}} {{type}} fails.'\n${fields}`,
        ),
      }),
      'rules.yaml',
    ),
  ).rules[0];

const TEMPLATE = yaml`
  Parameters:
    Unknown: {Type: String}
  Resources:
    Tagged:
      Type: AWS::SQS::Queue
      Properties:
        Tags: [{Key: CostCenter, Value: '4711'}, {Key: Owner, Value: orders}]
        MessageRetentionPeriod: 1209600
        RedrivePolicy: {deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: 3}
    Bare:
      Type: AWS::SQS::Queue
      Properties:
        MessageRetentionPeriod: 60
    Dlq:
      Type: AWS::SQS::Queue
      Properties:
        Tags: [{Key: CostCenter, Value: !Ref Unknown}]
    Fn:
      Type: AWS::Serverless::Function
      Properties:
        Tags: {CostCenter: '4712'}
`;
const failing = (fields: string): string[] => runCase(yamlRule(fields), { template: TEMPLATE }).map((f) => f.resource);

describe('no-code YAML rules', () => {
  it('exists / absent, through a [Key=…] selector on a tag list and on a SAM tag map; unknown values never fail', () => {
    const types = '  resourceTypes: [AWS::SQS::Queue, AWS::Serverless::Function]\n';
    expect(failing(`${types}  path: Properties.Tags[Key=CostCenter].Value\n  condition: exists`)).toEqual(['Bare']);
    expect(failing(`${types}  path: Properties.Tags[Key=Owner].Value\n  condition: absent`)).toEqual(['Tagged']);
  });

  it('equals, oneOf, matches', () => {
    const t = '  resourceTypes: [AWS::SQS::Queue]\n  path: Properties.Tags[Key=CostCenter].Value\n';
    expect(failing(`${t}  condition: {equals: '4711'}`)).toEqual(['Bare']);
    expect(failing(`${t}  condition: {oneOf: ['4711', '4712']}`)).toEqual(['Bare']);
    expect(failing(`${t}  condition: {matches: '^47'}`)).toEqual(['Bare']);
  });

  it('atLeast / atMost on numbers and on list lengths', () => {
    const t = '  resourceTypes: [AWS::SQS::Queue]\n';
    expect(failing(`${t}  path: Properties.MessageRetentionPeriod\n  condition: {atLeast: 345600}`)).toEqual([
      'Bare',
      'Dlq',
    ]);
    expect(failing(`${t}  path: Properties.MessageRetentionPeriod\n  condition: {atMost: 345600}`)).toEqual(['Tagged']);
    // Dlq's one tag has a value nobody can know yet, so its list is unknown: no finding
    expect(failing(`${t}  path: Properties.Tags\n  condition: {atLeast: 2}`)).toEqual(['Bare']);
  });

  it('references: the value refers to a resource of a type', () => {
    expect(
      failing(
        '  resourceTypes: [AWS::SQS::Queue]\n  path: Properties.RedrivePolicy.deadLetterTargetArn\n  condition: {references: AWS::SQS::Queue}',
      ),
    ).toEqual(['Bare', 'Dlq']);
  });

  it('report at the path up to the first selector, with the message filled in', () => {
    const [f] = runCase(
      yamlRule('  resourceTypes: [AWS::SQS::Queue]\n  path: Properties.Tags[Key=Team].Value\n  condition: exists'),
      { template: TEMPLATE },
    );
    expect(f).toMatchObject({
      ruleId: 'team/r',
      resource: 'Tagged',
      path: 'Resources.Tagged.Properties.Tags',
      line: 7,
      message: 'Tagged AWS::SQS::Queue fails.',
    });
  });

  it.each([
    [
      'a pack id that is not kebab-case',
      'pack: Team\nrules: []\n',
      'rules.yaml:1:1: invalid rules file: `pack` must be a kebab-case id, the namespace of its rules\nrules.yaml:2:1: invalid rules file: `rules` must be a non-empty list',
    ],
    [
      'a rule outside the namespace',
      rulesFile(
        '- {id: other/r, title: t, bestPractice: OPS02-BP01, severity: warning, resourceTypes: [A], path: P, condition: exists, message: m}',
      ),
      'rules.yaml:3:6: invalid rules file: rule id "other/r" must start with the pack\'s namespace "team/"',
    ],
    [
      'an unknown best practice',
      rulesFile(
        '- {id: team/r, title: t, bestPractice: OPS99-BP01, severity: warning, resourceTypes: [A], path: P, condition: exists, message: m}',
      ),
      'rules.yaml:3:28: invalid rules file: unknown best practice "OPS99-BP01" (expected an id such as OPS04-BP05)',
    ],
    [
      'an unknown condition',
      rulesFile(
        '- {id: team/r, title: t, bestPractice: OPS02-BP01, severity: warning, resourceTypes: [A], path: P, condition: {bigger: 3}, message: m}',
      ),
      'rules.yaml:3:102: invalid rules file: `condition` must be exists, absent, or one of { equals | oneOf | matches | atLeast | atMost | references: … }',
    ],
  ])('reject %s with file:line:col', (_what, text, message) => {
    const dir = workspace({ 'rules.yaml': text });
    expect(() => loadYamlPack(path.join(dir, 'rules.yaml'), 'rules.yaml')).toThrow(
      expect.objectContaining({ name: 'RulesFileError', message }),
    );
  });
});

describe('loading packs', () => {
  const CJS_PACK = `module.exports = {
    id: 'team',
    rules: [{
      id: 'team/queue-retention',
      title: 'Queues keep messages four days',
      bestPractice: 'OPS10-BP01',
      severity: 'error',
      resourceTypes: ['AWS::SQS::Queue'],
      check(resource, ctx) {
        if (ctx.satisfies('Properties.MessageRetentionPeriod', (v) => Number(v) >= 345600) === false) ctx.report({ message: 'Keep messages longer.', path: 'Properties.MessageRetentionPeriod' });
      },
    }],
  };\n`;
  const QUEUE = 'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {MessageRetentionPeriod: 60}\n';
  const ids = (stdout: string) => (JSON.parse(stdout) as ScanReport).findings.map((f) => f.ruleId);

  it('from the configuration (relative to it) and from --load-pack, beside the built-in rules', async () => {
    const dir = workspace({
      'packs/team.js': CJS_PACK,
      'infra/q.yaml': QUEUE,
      'opslint.config.yaml': 'packs: [./packs/team.js]\n',
    });
    const viaConfig = await runCli(['scan', 'infra', '--format', 'json'], { cwd: dir });
    expect(viaConfig.code).toBe(1);
    expect(ids(viaConfig.stdout)).toContain('team/queue-retention');
    // the built-in rules ran too
    expect(ids(viaConfig.stdout).some((id) => !id.startsWith('team/'))).toBe(true);
    const viaFlag = await runCli(
      [
        'scan',
        'infra',
        '--no-config',
        '--load-pack',
        './packs/team.js',
        '--rule',
        'team/queue-retention',
        '--format',
        'json',
      ],
      { cwd: dir },
    );
    expect(ids(viaFlag.stdout)).toEqual(['team/queue-retention']);
  });

  it('a YAML rules file is a pack', async () => {
    const dir = workspace({
      'rules.yaml': rulesFile(
        "- id: team/retention\n  title: Queues keep messages\n  bestPractice: OPS10-BP01\n  severity: warning\n  resourceTypes: [AWS::SQS::Queue]\n  path: Properties.MessageRetentionPeriod\n  condition: {atLeast: 345600}\n  message: '{{resource}} keeps messages {{value}} seconds.'\n  messageWhenAbsent: '{{resource}} keeps messages four days, the default.'",
      ),
      'q.yaml': QUEUE,
    });
    const { stdout } = await runCli(
      ['scan', 'q.yaml', '--load-pack', './rules.yaml', '--rule', 'team/retention', '--format', 'json'],
      { cwd: dir },
    );
    expect((JSON.parse(stdout) as ScanReport).findings.map((f) => f.message)).toEqual(['Q keeps messages 60 seconds.']);
  });

  it('a pack named twice loads once: in the configuration and by --load-pack, by rules, or a YAML file with mistakes', async () => {
    const dir = workspace({
      'node_modules/acme-ops/package.json': '{"name": "acme-ops", "main": "index.js"}\n',
      'node_modules/acme-ops/index.js': CJS_PACK,
      'infra/q.yaml': QUEUE,
      'opslint.config.yaml': 'packs: [acme-ops]\n',
      'bad.yaml': 'pack: bad\nrules: 3\n',
    });
    const scan = await runCli(['scan', 'infra', '--load-pack', 'acme-ops', '--format', 'json'], { cwd: dir });
    expect(scan).toMatchObject({ code: 1, stderr: '' });
    expect(ids(scan.stdout).filter((id) => id === 'team/queue-retention')).toHaveLength(1);
    const rules = await runCli(['rules', '--load-pack', 'acme-ops', '--format', 'json'], { cwd: dir });
    expect(rules).toMatchObject({ code: 0, stderr: '' });
    expect(rules.stdout).toContain('team/queue-retention');
    const bad = await runCli(
      ['scan', 'infra', '--no-config', '--load-pack', './bad.yaml', '--load-pack', './infra/../bad.yaml'],
      {
        cwd: dir,
      },
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.each([
    [
      'a missing package',
      ['--load-pack', '@acme/nowhere'],
      'opslint: pack "@acme/nowhere": not installed (npm install it, or check the name)\n',
    ],
    ['a missing file', ['--load-pack', './nope.js'], 'opslint: pack "./nope.js": no such file\n'],
    [
      'a module that throws, where it threw',
      ['--load-pack', './throws.js'],
      expect.stringMatching(/^opslint: \S*throws\.js:1:7: pack "\.\/throws\.js" failed to load: boom\n$/),
    ],
    [
      'a module that is not a pack',
      ['--load-pack', './empty.js'],
      'opslint: pack "./empty.js": does not export a pack (definePack({ id, rules }))\n',
    ],
    [
      'a rule outside the namespace',
      ['--load-pack', './stray.js'],
      'opslint: pack "./stray.js": rule "lambda-tracing" must be named in the pack\'s namespace "stray/…"\n',
    ],
    [
      'the same rule in two packs',
      ['--load-pack', './team.js', '--load-pack', './team-copy.js'],
      'opslint: pack "./team-copy.js": rule "team/queue-retention" is already defined by pack "team" (./team.js)\n',
    ],
  ])('reject %s with exit code 2 and one line', async (_what, args, message) => {
    const dir = workspace({
      'team.js': CJS_PACK,
      'team-copy.js': CJS_PACK,
      'throws.js': "throw new Error('boom');\n",
      'empty.js': 'module.exports = 42;\n',
      'stray.js':
        "module.exports = { id: 'stray', rules: [{ id: 'lambda-tracing', title: 't', bestPractice: 'OPS04-BP05', severity: 'error', resourceTypes: [], check() {} }] };\n",
      'q.yaml': QUEUE,
    });
    const { code, stdout, stderr } = await runCli(['scan', 'q.yaml', ...args], { cwd: dir });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toEqual(message);
  });
});

describe('the example pack (examples/custom-pack)', () => {
  it('is loaded by the CLI from its source', async () => {
    const dir = workspace({
      'alarm.yaml':
        'Resources:\n  Api5xx:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      AlarmName: HighErrors\n      AlarmDescription: API errors\n',
    });
    const { stdout } = await runCli(
      [
        'scan',
        'alarm.yaml',
        '--load-pack',
        path.join(REPO, 'examples/custom-pack/src/index.ts'),
        '--pack',
        'acme',
        '--format',
        'json',
      ],
      { cwd: dir },
    );
    expect((JSON.parse(stdout) as ScanReport).findings.map((f) => [f.ruleId, f.line])).toEqual([
      ['acme/alarm-naming', 5],
      ['acme/alarm-runbook', 6],
    ]);
  });

  it('runs in a CDK app beside the built-in rules', () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'opslint-acme-cdk-'));
    const app = new App({ outdir, builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'Service');
    new lambda.Function(stack, 'Handler', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('x'),
    });
    Validations.of(app).addPlugins(
      new OpsChecks({ rulePacks: [acme], failOn: 'none', rules: ['acme/owner-and-cost-tags', 'lambda-tracing'] }),
    );
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    app.synth();
    spy.mockRestore();
    const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; violations: { ruleName: string }[] }[];
    };
    const names = report.pluginReports
      .find((p) => p.pluginName === 'opslint')!
      .violations.map((v) => v.ruleName)
      .sort();
    expect(names).toEqual(['acme/owner-and-cost-tags', 'lambda-tracing']);
  });
});

describe('opslint new-pack', () => {
  it('creates a pack whose rules pass their own fixtures, and refuses to overwrite', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'opslint-new-pack-'));
    const { code, stdout } = await runCli(['new-pack', '@acme/opslint-pack-tags'], { cwd });
    expect(code).toBe(0);
    expect(stdout).toContain(
      'created opslint-pack-tags/ (pack "acme-tags", rules acme-tags/owner-tag and acme-tags/log-retention)',
    );
    const dir = path.join(cwd, 'opslint-pack-tags');
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      name: string;
      peerDependencies: Record<string, string>;
      scripts: Record<string, string>;
    };
    expect(pkg).toMatchObject({ name: '@acme/opslint-pack-tags', scripts: { test: 'jest' } });
    expect(Object.keys(pkg.peerDependencies)).toEqual(['opslint']);
    // the scaffold's own test, run here: each rule against its fixtures
    const { pack } = require(path.join(dir, 'src', 'index.ts')) as { pack: import('../lib/engine/rule').Pack };
    expect(pack.rules.map((r) => r.id)).toEqual(['acme-tags/owner-tag', 'acme-tags/log-retention']);
    for (const rule of pack.rules) {
      const fixtures = path.join(dir, 'fixtures', rule.id.split('/')[1]);
      const expected = JSON.parse(readFileSync(path.join(fixtures, 'expected.json'), 'utf8')) as Record<
        string,
        { errors: { resource: string; line: number }[] }
      >;
      for (const file of require('node:fs').readdirSync(fixtures) as string[]) {
        if (file === 'expected.json') continue;
        const found = runCase(rule, { file: path.join(fixtures, file) }).map((f) => ({
          resource: f.resource,
          line: f.line,
        }));
        expect(found).toEqual(
          file.startsWith('pass-') ? [] : expected[file].errors.map(({ resource, line }) => ({ resource, line })),
        );
      }
    }
    const again = await runCli(['new-pack', '@acme/opslint-pack-tags'], { cwd });
    expect(again).toMatchObject({ code: 2, stderr: 'opslint: opslint-pack-tags already exists and is not empty\n' });
    const bad = await runCli(['new-pack', 'Bad Name'], { cwd });
    expect(bad.code).toBe(2);
  });

  it('refuses a name whose pack id is a built-in pack id, before writing anything', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'opslint-new-pack-'));
    const { code, stdout, stderr } = await runCli(['new-pack', 'opslint-pack-alarms'], { cwd });
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toBe(
      'opslint: "opslint-pack-alarms": its id "alarms" is the id of a built-in pack; name it after your team or project (it is the namespace of its rules)\n',
    );
    expect(readdirSync(cwd)).toEqual([]);
  });
});
