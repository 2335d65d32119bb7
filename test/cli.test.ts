/** `opslint scan` and `opslint rules` as a user runs them: formats, exit codes, options, input errors. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ScanReport } from '../lib/engine/finding';
import { runCli, REPO } from '../scripts/support/cli';
import { corpusDir } from '../scripts/support/corpus';
import { yaml } from './helpers/yaml';

const WORKLOAD = 'fixtures/cli/workload';
const ORDERS = `${WORKLOAD}/orders.yaml`;
const PARAMS = 'fixtures/cli/params';

const json = (stdout: string): ScanReport => JSON.parse(stdout) as ScanReport;
/** The five packs issue 2 asked for: the acceptance workload is about them. */
const FIVE = ['--pack', 'alarms,cloudtrail,flow-logs,tracing,environments'];
const notInfo = (r: ScanReport) => r.findings.filter((f) => f.severity !== 'info');

describe('opslint scan: the acceptance workload', () => {
  it('reports exactly the function, the VPC and the alarm, and the broken file beside them with exit code 2', async () => {
    const { code, stdout, stderr } = await runCli(['scan', WORKLOAD, ...FIVE, '--format', 'json']);
    expect(code).toBe(2);
    const report = json(stdout);
    expect(notInfo(report).map((f) => [f.ruleId, f.resource, f.bestPractice, f.file, f.line])).toEqual([
      ['vpc-flow-logs', 'OrdersVpc', 'OPS04-BP04', ORDERS, 6],
      ['lambda-tracing', 'OrdersFunction', 'OPS04-BP05', ORDERS, 12],
      ['alarm-actions', 'OrdersErrorsAlarm', 'OPS08-BP04', ORDERS, 20],
    ]);
    // the only other finding is the CloudTrail reminder, which needs context
    expect(report.findings.filter((f) => f.severity === 'info').map((f) => f.ruleId)).toEqual(['cloudtrail-present']);
    expect(report.errors).toEqual([
      { file: `${WORKLOAD}/broken.json`, line: 4, column: 5, message: "invalid JSON: expected ',' but found '\"'" },
    ]);
    expect(stderr).toBe(`${WORKLOAD}/broken.json:4:5: invalid JSON: expected ',' but found '"'\n`);
  });

  it('gives every finding exactly the keys of the finding contract', async () => {
    const report = json((await runCli(['scan', ORDERS, '--format', 'json'])).stdout);
    for (const f of report.findings) {
      // `fix` only where the rule knows the edits that fix it mechanically, `needsContext` only on reminders,
      // `assumptions` only where the verdict rests on parameter defaults
      const optional = new Set(['fix', 'needsContext', 'assumptions']);
      expect(
        Object.keys(f)
          .filter((k) => !optional.has(k))
          .sort(),
      ).toEqual([
        'bestPractice',
        'column',
        'docs',
        'file',
        'line',
        'message',
        'pack',
        'path',
        'question',
        'resource',
        'ruleId',
        'severity',
      ]);
    }
    // the reminders of rules that need the app or the account baseline, and only those
    expect(report.findings.filter((f) => f.needsContext !== undefined).map((f) => f.ruleId)).toEqual([
      'business-metrics',
      'cloudtrail-present',
      'config-recorder-present',
      'dashboard-present',
      'stack-owner-tag',
    ]);
    expect(report.findings.map((f) => [f.ruleId, f.pack])).toEqual(
      expect.arrayContaining([
        ['lambda-tracing', 'tracing'],
        ['cloudtrail-present', 'cloudtrail'],
      ]),
    );
    expect(report.findings.filter((f) => f.fix).map((f) => [f.ruleId, f.fix])).toEqual([
      [
        'lambda-structured-logs',
        [{ path: 'Resources.OrdersFunction.Properties.LoggingConfig.LogFormat', value: 'JSON' }],
      ],
    ]);
    expect(Object.keys(report).sort()).toEqual(['errors', 'findings', 'schemaVersion', 'summary']);
    expect(report.findings.find((f) => f.ruleId === 'lambda-tracing')).toMatchObject({
      severity: 'warning',
      question: 'OPS04',
      column: 5,
      path: 'Resources.OrdersFunction.Properties.TracingConfig.Mode',
      message: 'Lambda function OrdersFunction does not send traces to X-Ray; set TracingConfig.Mode to Active.',
    });
  });

  it('prints text grouped by file, with position, severity, message, rule and best practice', async () => {
    const { code, stdout } = await runCli(['scan', WORKLOAD, ...FIVE]);
    expect(code).toBe(2);
    expect(stdout).toContain(`${ORDERS}\n`);
    expect(stdout).toMatch(
      /^ {2}12:5 +warning +Lambda function OrdersFunction does not send traces to X-Ray; set TracingConfig\.Mode to Active\. +lambda-tracing +\(OPS04-BP05\)$/m,
    );
    expect(stdout).toContain(`error  ${WORKLOAD}/broken.json:4:5: invalid JSON: expected ',' but found '"'`);
    expect(stdout).toMatch(
      /4 findings \(1 error, 2 warnings, 1 info\) in 1 template, 3 resources; 1 input could not be read\n$/,
    );
    expect(stdout).not.toContain('\u001b[');
  });
});

describe('opslint scan: exit codes', () => {
  it('exits 1 when a finding is at or above --fail-on (default error)', async () => {
    expect((await runCli(['scan', ORDERS])).code).toBe(1);
    expect((await runCli(['scan', ORDERS, '--exclude-rule', 'alarm-actions'])).code).toBe(0);
    expect((await runCli(['scan', ORDERS, '--exclude-rule', 'alarm-actions', '--fail-on', 'warning'])).code).toBe(1);
    expect((await runCli(['scan', ORDERS, '--fail-on', 'none'])).code).toBe(0);
  });

  it('exits 0 on a clean template', async () => {
    const { code, stdout } = await runCli([
      'scan',
      'fixtures/tracing/lambda-tracing/pass-active.yaml',
      ...FIVE,
      '--exclude-rule',
      'cloudtrail-present',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/0 findings \(0 errors, 0 warnings, 0 info\) in 1 template, 4 resources\n$/);
  });

  it('exits 2 for a path that does not exist, after scanning the others', async () => {
    const { code, stdout } = await runCli(['scan', 'no/such/file.yaml', ORDERS, ...FIVE, '--format', 'json']);
    expect(code).toBe(2);
    const report = json(stdout);
    expect(report.errors).toEqual([
      { file: 'no/such/file.yaml', message: 'cannot read file: no such file or directory' },
    ]);
    expect(notInfo(report)).toHaveLength(3);
  });

  it('exits 2 with one line for a usage mistake', async () => {
    const unknownRule = await runCli(['scan', ORDERS, '--rule', 'no-such-rule']);
    expect(unknownRule.code).toBe(2);
    expect(unknownRule.stderr).toBe('opslint: unknown rule "no-such-rule"; `opslint rules` lists them\n');
    const badFormat = await runCli(['scan', ORDERS, '--format', 'xml']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toBe(
      'opslint: unknown format "xml"; formats: text, json, sarif, github, junit, markdown, html\n',
    );
  });
});

describe('opslint scan: inputs', () => {
  it('skips a JSON file that is not a template when found in a folder, and rejects it when named', async () => {
    const named = await runCli(['scan', `${WORKLOAD}/package.json`, '--format', 'json']);
    expect(named.code).toBe(2);
    expect(json(named.stdout).errors).toEqual([
      {
        file: `${WORKLOAD}/package.json`,
        line: 1,
        column: 1,
        message: 'not a CloudFormation template: no Resources section',
      },
    ]);
    const inFolder = json((await runCli(['scan', WORKLOAD, '--format', 'json'])).stdout);
    expect(inFolder.errors.map((e) => e.file)).toEqual([`${WORKLOAD}/broken.json`]);
    expect(inFolder.summary.templates).toBe(1);
  });

  it('expands globs', async () => {
    const report = json((await runCli(['scan', 'fixtures/tracing/*-tracing/fail-*.json', '--format', 'json'])).stdout);
    const matched = [
      'fixtures/tracing/apigateway-tracing/fail-stage-untraced.json',
      'fixtures/tracing/appsync-tracing/fail-missing.json',
      'fixtures/tracing/lambda-tracing/fail-passthrough.json',
      'fixtures/tracing/stepfunctions-tracing/fail-sam-disabled.json',
    ];
    expect(report.summary.files).toEqual(matched);
    expect([...new Set(report.findings.map((f) => f.file))]).toEqual(matched);
  });

  it('reports a glob that matches nothing', async () => {
    const { code, stdout } = await runCli(['scan', 'fixtures/nothing-here/*.yaml', '--format', 'json']);
    expect(code).toBe(2);
    expect(json(stdout).errors).toEqual([
      { file: 'fixtures/nothing-here/*.yaml', message: 'no files match this pattern' },
    ]);
  });
});

describe('opslint scan: --parameters', () => {
  const tracing = async (...extra: string[]) =>
    json(
      (await runCli(['scan', `${PARAMS}/tracing.yaml`, '--rule', 'lambda-tracing', '--format', 'json', ...extra]))
        .stdout,
    ).findings.length;

  it('uses parameter defaults, and values given as Key=Value or in a parameter file', async () => {
    expect(await tracing()).toBe(1);
    expect(await tracing('--parameters', 'TracingMode=Active')).toBe(0);
    expect(await tracing('-p', `${PARAMS}/active.json`)).toBe(0);
    expect(await tracing('-p', `file://${PARAMS}/active-object.yaml`)).toBe(0);
    expect(await tracing('-p', `${PARAMS}/active.json`, '-p', 'TracingMode=PassThrough')).toBe(1);
  });

  it('rejects a malformed parameter file with one line naming it', async () => {
    const { code, stderr, stdout } = await runCli([
      'scan',
      `${PARAMS}/tracing.yaml`,
      '-p',
      `${PARAMS}/bad-params.json`,
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `opslint: ${PARAMS}/bad-params.json:1:2: invalid parameter file: each entry needs a ParameterKey and a ParameterValue\n`,
    );
  });
});

describe('opslint scan: selection and output', () => {
  it('runs only the packs and rules asked for', async () => {
    const byPack = json((await runCli(['scan', ORDERS, '--pack', 'tracing', '--format', 'json'])).stdout);
    expect(byPack.findings.map((f) => f.ruleId)).toEqual(['lambda-tracing']);
    const byRule = json(
      (await runCli(['scan', ORDERS, '--rule', 'vpc-flow-logs,alarm-actions', '--format', 'json'])).stdout,
    );
    expect(byRule.findings.map((f) => f.ruleId)).toEqual(['vpc-flow-logs', 'alarm-actions']);
  });

  it('writes the report to --output and keeps stdout empty', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'opslint-')), 'report.json');
    const { code, stdout } = await runCli(['scan', ORDERS, '--format', 'json', '--output', out]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(json(readFileSync(out, 'utf8')).findings.length).toBeGreaterThan(0);
  });

  it('colours text for a terminal, unless NO_COLOR or --no-color', async () => {
    expect((await runCli(['scan', ORDERS], { isTTY: true })).stdout).toContain('\u001b[');
    expect((await runCli(['scan', ORDERS], { isTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toContain('\u001b[');
    expect((await runCli(['scan', ORDERS, '--no-color'], { isTTY: true })).stdout).not.toContain('\u001b[');
  });

  it('gives the same output twice', async () => {
    const a = await runCli(['scan', 'fixtures', '--format', 'json']);
    const b = await runCli(['scan', 'fixtures', '--format', 'json']);
    expect(a.stdout).toBe(b.stdout);
  });
});

describe('opslint rules, --version, --help', () => {
  it('lists every rule with its OPS mapping as JSON', async () => {
    const { code, stdout } = await runCli(['rules', '--format', 'json']);
    expect(code).toBe(0);
    const { rules } = JSON.parse(stdout) as { rules: Record<string, unknown>[] };
    expect(rules.map((r) => r.id)).toEqual(
      expect.arrayContaining([
        'lambda-tracing',
        'vpc-flow-logs',
        'alarm-actions',
        'alarm-coverage',
        'cloudtrail-present',
        'multiple-environments',
      ]),
    );
    for (const r of rules) {
      expect(r).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          title: expect.any(String),
          bestPractice: expect.stringMatching(/^OPS\d\d-BP\d\d$/),
          question: expect.stringMatching(/^OPS\d\d$/),
          severity: expect.stringMatching(/^(error|warning|info)$/),
          resourceTypes: expect.any(Array),
        }),
      );
    }
  });

  it('lists rules as text', async () => {
    const { stdout } = await runCli(['rules']);
    expect(stdout).toMatch(
      /^lambda-tracing +warning +tracing +on +yes +OPS04-BP05 Implement distributed tracing — Lambda functions send traces to AWS X-Ray$/m,
    );
  });

  it('prints the version from package.json', async () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    const { code, stdout } = await runCli(['--version']);
    expect(code).toBe(0);
    expect(stdout).toBe(`${pkg.version}\n`);
  });

  it('prints help', async () => {
    const { code, stdout } = await runCli(['scan', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--fail-on <level>');
    expect(stdout).toContain('--parameters <Key=Value|file>');
  });
});

describe('opslint scan: YAML read as CloudFormation reads it, and macros', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'opslint-lenient-'));
  // a quoted string continued at its key's indentation, and flow lists not indented past their key
  writeFileSync(
    path.join(dir, 'lenient.yaml'),
    yaml`
      Resources:
        Alerts:
          Type: AWS::SNS::Topic
          Properties:
            DisplayName: 'alerts for
            the orders team'
        Fn:
          Type: AWS::Lambda::Function
          Properties:
            Runtime: nodejs22.x
            Handler: index.handler
            Role: !GetAtt [
            FnRole, Arn]
            Environment:
              Variables: {TOPIC: !Ref Alerts}
    `,
  );
  // the ShortHand macro's syntax, which only the macro turns into resources
  writeFileSync(
    path.join(dir, 'macro.yaml'),
    'Transform: ShortHand\nResources:\n  - S3::Bucket Assets\n  - SNS::Topic Alerts:\n      DisplayName: alerts\n',
  );
  const LENIENT_NOTES = [
    'lenient.yaml:5:20: quoted string continued on a line not indented past its key, read as CloudFormation reads it',
    'lenient.yaml:12:21: flow sequence not indented past its key, read as CloudFormation reads it',
  ];
  const MACRO_NOTE =
    'macro.yaml:1:1: the template uses the macro ShortHand, which rewrites Resources before deployment; the template is not checked (as written: Resources must be a mapping, found a list)';

  it('reads the YAML, with a note for each place read leniently and findings at their places as written (JSON)', async () => {
    const { code, stdout, stderr } = await runCli(
      ['scan', 'lenient.yaml', '--format', 'json', '--no-config', '--rule', 'lambda-tracing'],
      { cwd: dir },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = json(stdout);
    expect(report.errors).toEqual([]);
    expect(report.summary.notes.map((n) => `${n.file}:${n.line}:${n.column}: ${n.message}`)).toEqual(LENIENT_NOTES);
    expect(report.findings.map((f) => [f.ruleId, f.resource, `${f.line}:${f.column}`])).toEqual([
      ['lambda-tracing', 'Fn', '9:5'],
    ]);
  });

  it('lists the notes in text output', async () => {
    const { code, stdout } = await runCli(['scan', 'lenient.yaml', '--no-config', '--rule', 'lambda-tracing'], {
      cwd: dir,
    });
    expect(code).toBe(0);
    expect(stdout).toContain(`Notes\n${LENIENT_NOTES.map((n) => `  note  ${n}\n`).join('')}\n`);
    expect(stdout).toMatch(/^ {2}9:5 +warning +Lambda function Fn does not send traces to X-Ray/m);
  });

  it('counts a template that only its macro makes valid as read, with no resources, no findings, its note, and exit code 0', async () => {
    const asJson = await runCli(['scan', 'macro.yaml', '--format', 'json', '--no-config'], { cwd: dir });
    expect(asJson.code).toBe(0);
    expect(asJson.stderr).toBe('');
    const report = json(asJson.stdout);
    expect(report.errors).toEqual([]);
    expect(report.findings).toEqual([]);
    expect([report.summary.templates, report.summary.resources, report.summary.files]).toEqual([1, 0, ['macro.yaml']]);
    expect(report.summary.notes.map((n) => `${n.file}:${n.line}:${n.column}: ${n.message}`)).toEqual([MACRO_NOTE]);

    const asText = await runCli(['scan', 'macro.yaml', '--no-config'], { cwd: dir });
    expect(asText.code).toBe(0);
    expect(asText.stdout).toBe(
      `Notes\n  note  ${MACRO_NOTE}\n\n✔ 0 findings (0 errors, 0 warnings, 0 info) in 1 template, 0 resources\n`,
    );
  });
});

describe('text output: reminders that need context', () => {
  it('are listed once per rule after the findings, with the files they concern, instead of in every file', async () => {
    const { stdout } = await runCli([
      'scan',
      'examples/templates',
      '--rule',
      'cloudtrail-present,lambda-tracing',
      '--fail-on',
      'none',
    ]);
    const [findings, reminders] = stdout.split('Needs context\n');
    expect(findings).not.toContain('cloudtrail-present');
    expect(reminders).toMatch(
      /^ {2}info {2}No CloudTrail trail in this template; API activity in the account is not recorded unless a trail comes from elsewhere\. {2}cloudtrail-present {2}\(OPS04-BP02\) {2}\[examples\/templates\/orders-service\.yaml\]$/m,
    );
    expect(reminders).toContain(
      '  Needs context: account-wide resources usually come from a baseline stack or the organization; mark the stack that holds them as the account baseline (--account-baseline) to enforce this check.',
    );
  });
});

describe('the opslint command in a pipe', () => {
  it('stops quietly when the reader closes early (`opslint scan … | head`)', async () => {
    // a scan whose report is far larger than a pipe's buffer, with warnings only (exit code 0)
    const corpus = path.join(corpusDir(), 'aws-cfn-templates');
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', path.join(REPO, 'bin/opslint.ts'), 'scan', corpus, '--no-color'],
      { cwd: REPO },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // read one chunk, then close the pipe as `head` does
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 60_000);
});
