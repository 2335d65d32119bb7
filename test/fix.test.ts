/**
 * `opslint fix`: every fixable fail fixture fixed and scanned again, the text around the fixes kept byte for
 * byte (comments, quoting, indentation, line endings), a second run changing nothing, the dry-run diff, cloud
 * assemblies left alone with the CDK hint, the manual listing and the exit codes.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { applyPatch, createPatch, diffLines } from 'diff';
import type { Finding } from '../lib/engine/finding';
import { definePack, defineRule, type Rule } from '../lib/engine/rule';
import { fixPaths } from '../lib/fix/run';
import { scanPaths } from '../lib/compose';
import type { ScanOptions } from '../lib/scan';
import { isPlainObject } from '../lib/template/intrinsics';
import { detectFormat, parseDocument } from '../lib/template/parse';
import { formatPath, type JsonPath } from '../lib/template/path';
import { runCase } from '../lib/testing';
import { BUILTIN_PACKS } from '../rules';
import { runCli, REPO } from '../scripts/support/cli';
import { fixtureCases, type FixtureCase } from './helpers/fixtures';
import { yaml } from './helpers/yaml';
import { workspace } from './helpers/workspace';

const ORDERS = path.join(REPO, 'fixtures/fix/orders-service.yaml');

const read = (dir: string, name: string): string => readFileSync(path.join(dir, name), 'utf8');
const key = (f: Finding): string => `${f.ruleId} ${f.resource} ${f.path}`;

/** The paths (of plain values) where two documents differ; a key added or removed is one path. */
function changedPaths(a: unknown, b: unknown, at: JsonPath = []): string[] {
  if (isPlainObject(a) && isPlainObject(b)) {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((k) => changedPaths(a[k], b[k], [...at, k]));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => changedPaths(a[i], b[i], [...at, i])).flat();
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [formatPath(at)];
}

/** Whether `a` is `b`, or one is inside the other. */
const related = (a: string, b: string): boolean =>
  [
    [a, b],
    [b, a],
  ].some(([x, y]) => x === y || y.startsWith(`${x}.`) || y.startsWith(`${x}[`));

/**
 * Each line the fix removed comes back changed only after its key (same indentation and key, the value
 * replaced, a trailing comment kept) or with a comma added (JSON, before a new entry).
 */
function removedLinesKeptTheirKeys(before: string, after: string): void {
  const changes = diffLines(before, after);
  changes.forEach((change, i) => {
    if (!change.removed) return;
    const added = changes[i + 1]?.added ? changes[i + 1].value.split(/\r?\n/) : [];
    for (const line of change.value.split(/\r?\n/).filter((l) => l !== '')) {
      const head = line.includes(':') ? line.slice(0, line.indexOf(':') + 1) : line;
      const comment = /\s#.*$/.exec(line)?.[0].trim();
      const kept = added.find(
        (a) => a === `${line},` || (a.startsWith(head) && (comment === undefined || a.endsWith(comment))),
      );
      if (kept === undefined)
        throw new Error(
          `line removed without its key or comment: ${JSON.stringify(line)}\nadded: ${JSON.stringify(added)}`,
        );
    }
  });
}

const valuesOf = (text: string, file: string): unknown => parseDocument(text, file, detectFormat(file, text)).value;

describe('opslint fix on every fail fixture with a fix', () => {
  const rules = BUILTIN_PACKS.flatMap((pack) => pack.rules.map((rule) => ({ pack, rule })));
  const files = (packId: string, rule: Rule): FixtureCase[] =>
    fixtureCases(packId, rule.id).filter((c) => c.kind === 'fail' && statSync(c.file).isFile());
  const options = (rule: Rule, c: FixtureCase): ScanOptions => ({
    packs: BUILTIN_PACKS,
    selection: { rules: [rule.id], ruleSettings: { [rule.id]: { severity: rule.severity, options: c.options } } },
    parameters: c.parameters,
    accountBaseline: c.accountBaseline ? [path.basename(c.file)] : undefined,
  });

  /** The rules whose findings carry fixes; the first test keeps this list honest. */
  const FIXING = [
    'alarm-actions',
    'apigateway-tracing',
    'appsync-tracing',
    'cloudtrail-log-validation',
    'cloudtrail-multi-region',
    'deletion-protection',
    'ec2-detailed-monitoring',
    'ecs-container-insights',
    'ecs-deployment-rollback',
    'lambda-structured-logs',
    'lambda-tracing',
    'log-group-retention',
    'rds-auto-minor-version-upgrade',
    'rds-performance-insights',
    'stepfunctions-tracing',
  ];

  it('the rules that declare fixes', () => {
    const withFixes = rules.filter(({ pack, rule }) =>
      fixtureCases(pack.id, rule.id).some((c) => c.kind === 'fail' && runCase(rule, c).some((f) => f.fix)),
    );
    expect(withFixes.map(({ rule }) => rule.id).sort()).toEqual(FIXING);
  });

  it.each(FIXING)(
    '%s: its fail fixtures are fixed, scan clean of what was fixed, change only where the fixes apply, and a second run changes nothing',
    (id) => {
      const { pack, rule } = rules.find((r) => r.rule.id === id)!;
      let fixedFixtures = 0;
      for (const c of files(pack.id, rule)) {
        // the fixture is copied: fixed and scanned again where it can be written
        const dir = workspace({ [c.name]: readFileSync(c.file, 'utf8') });
        const file = path.join(dir, c.name);
        const run = fixPaths([file], { ...options(rule, c), cwd: dir });
        const fixable = run.report.findings.filter((f) => f.fix);
        const [result] = run.files;
        const context = `${rule.id}/${c.name}`;

        // a fix is only ever refused where the value is computed (a parameter, a condition) or generated
        const refused = result.left.filter((l) => l.reason !== undefined);
        for (const l of refused)
          expect([context, l.reason]).toEqual([
            context,
            expect.stringMatching(/ is computed by (Ref|Fn::If)$| is not written in the template as such$/),
          ]);
        expect([context, result.fixed.length + refused.length]).toEqual([context, fixable.length]);
        if (result.fixed.length === 0) continue;
        fixedFixtures++;

        writeFileSync(file, result.text!);
        const after = scanPaths([file], { ...options(rule, c), cwd: dir }).findings;
        expect([context, after.map(key).sort()]).toEqual([context, result.left.map((l) => key(l.finding)).sort()]);

        const edits = result.fixed.flatMap((x) => x.edits.map((e) => e.path));
        const stray = changedPaths(valuesOf(result.original!, file), valuesOf(result.text!, file)).filter(
          (p) => !edits.some((e) => related(p, e)),
        );
        expect([context, stray]).toEqual([context, []]);
        removedLinesKeptTheirKeys(result.original!, result.text!);

        const again = fixPaths([file], { ...options(rule, c), cwd: dir });
        expect([context, again.files.flatMap((f) => f.fixed)]).toEqual([context, []]);
        expect([context, again.files.every((f) => f.text === undefined || f.text === f.original)]).toEqual([
          context,
          true,
        ]);
      }
      expect(fixedFixtures).toBeGreaterThan(0);
    },
  );
});

describe('opslint fix on a commented SAM template', () => {
  const original = readFileSync(ORDERS, 'utf8');

  it('changes only the lines of the fixes, keeping comments, quotes, columns and blank lines', async () => {
    const dir = workspace({ 'orders-service.yaml': original });
    const { code, stdout, stderr } = await runCli(['fix', '--no-config'], { cwd: dir });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const fixed = read(dir, 'orders-service.yaml');
    expect(
      createPatch('orders-service.yaml', original, fixed, undefined, undefined, { context: 0 })
        .split('\n')
        .slice(4)
        .join('\n'),
    ).toBe(
      [
        '@@ -29,1 +29,1 @@',
        '-    Tracing: PassThrough     # X-Ray: decided per function for now',
        '+    Tracing: Active          # X-Ray: decided per function for now',
        '@@ -39,1 +39,1 @@',
        '-      TracingEnabled: false   # turned off during the 2024 load test, never turned back on',
        '+      TracingEnabled: true    # turned off during the 2024 load test, never turned back on',
        '@@ -56,0 +57,2 @@',
        '+      LoggingConfig:',
        '+        LogFormat: JSON',
        '@@ -64,0 +67,1 @@',
        '+        LogFormat: JSON',
        '@@ -85,0 +89,2 @@',
        '+      LoggingConfig:',
        '+        LogFormat: JSON',
        '@@ -104,1 +109,1 @@',
        '-      RetentionInDays: 3 # short on purpose? nobody remembers',
        '+      RetentionInDays: 14 # short on purpose? nobody remembers',
        '@@ -128,1 +133,3 @@',
        "-      AutoMinorVersionUpgrade: 'false'   # pinned for the 15.4 migration",
        "+      AutoMinorVersionUpgrade: 'true'    # pinned for the 15.4 migration",
        '+      DeletionProtection: true',
        '+      EnablePerformanceInsights: true',
        '@@ -147,1 +154,1 @@',
        '-      ActionsEnabled: false',
        '+      ActionsEnabled: true',
        '',
      ].join('\n'),
    );

    // the listing: one line per change (Globals fixes both functions), then what is left and why
    expect(stdout).toContain(
      'orders-service.yaml\n  fixed   Globals.Function.Tracing: "Active"  lambda-tracing  (for CreateOrderFunction, ListOrdersFunction)\n',
    );
    expect(stdout).toContain(
      '  fixed   Resources.ReceiptWorkerLogs.Properties.RetentionInDays: 14  log-group-retention\n',
    );
    expect(stdout).toMatch(
      /^ {2}manual {2}88:9 {2}warning {2}Lambda function ReceiptWorker does not send traces to X-Ray; set TracingConfig\.Mode to Active\. This verdict rests on the default TraceMode='PassThrough'; pass -p TraceMode=… to check other values\. {2}lambda-tracing {2}\(not fixed: Resources\.ReceiptWorker\.Properties\.TracingConfig\.Mode is computed by Ref\)$/m,
    );
    expect(stdout).toContain(
      '(not fixed: Resources.FulfilmentFlow.Properties.TracingConfiguration.Enabled is computed by Fn::If)',
    );
    // findings that have no fix are listed as manual; the long "needs context" explanation is a short tag
    expect(stdout).toMatch(
      /^ {2}manual {2}\d+:\d+ {2}warning {2}SNS topic OrdersTopic receives the notifications .* {2}alarm-topic-subscribed$/m,
    );
    expect(stdout).toMatch(
      /^ {2}manual {2}31:1 {2}info {2}No CloudTrail trail in this template; .* \(needs context: see opslint scan\) {2}cloudtrail-present$/m,
    );
    // the alarm now sends notifications, so the runbook check applies to it
    expect(stdout).toMatch(
      /^ {2}new {5}145:7 {2}info {2}Alarm CreateOrderErrors notifies people but its AlarmDescription does not point to a runbook; .* {2}alarm-runbook-link {2}\(after the fixes\)$/m,
    );
    expect(stdout).toMatch(/\nFixed 11 findings in 1 file; \d+ findings left to fix by hand\.\n$/);
    expect(stdout).not.toContain('\u001b[');
  });

  it('is idempotent: a second run changes nothing and finds nothing to fix', async () => {
    const dir = workspace({ 'orders-service.yaml': original });
    await runCli(['fix', '--no-config'], { cwd: dir });
    const once = read(dir, 'orders-service.yaml');
    const { code, stdout } = await runCli(['fix', '--no-config'], { cwd: dir });
    expect(code).toBe(0);
    expect(read(dir, 'orders-service.yaml')).toBe(once);
    expect(stdout).not.toContain('  fixed ');
    expect(stdout).toMatch(/\nNothing to fix automatically; \d+ findings left to fix by hand\.\n$/);
  });

  it('--dry-run changes nothing and prints a unified diff that gives the fixed file', async () => {
    const dir = workspace({ 'orders-service.yaml': original });
    const dry = await runCli(['fix', '--dry-run', '--no-config', 'orders-service.yaml'], { cwd: dir });
    expect(dry.code).toBe(0);
    expect(read(dir, 'orders-service.yaml')).toBe(original);
    expect(dry.stdout.startsWith('--- a/orders-service.yaml\n+++ b/orders-service.yaml\n@@ ')).toBe(true);
    // the listing goes to stderr, so that stdout is a patch
    expect(dry.stderr).toContain('  fix     Resources.OrdersApi.Properties.TracingEnabled: true  apigateway-tracing\n');
    expect(dry.stderr).toMatch(
      /\n11 findings in 1 file can be fixed \(dry run: no file changed\); \d+ findings left to fix by hand\.\n$/,
    );

    await runCli(['fix', '--no-config'], { cwd: dir });
    expect(applyPatch(original, dry.stdout)).toBe(read(dir, 'orders-service.yaml'));
  });

  it('--rule fixes and lists only those rules', async () => {
    const dir = workspace({ 'orders-service.yaml': original });
    const { stdout } = await runCli(['fix', '--no-config', '--rule', 'log-group-retention,alarm-actions'], {
      cwd: dir,
    });
    expect(stdout).toBe(
      [
        'orders-service.yaml',
        '  fixed   Resources.ReceiptWorkerLogs.Properties.RetentionInDays: 14  log-group-retention',
        '  fixed   Resources.CreateOrderErrors.Properties.ActionsEnabled: true  alarm-actions',
        '',
        'Fixed 2 findings in 1 file; 0 findings left to fix by hand.',
        '',
      ].join('\n'),
    );
    const changed = diffLines(original, read(dir, 'orders-service.yaml')).filter((c) => c.added || c.removed);
    expect(changed.map((c) => c.value.trim())).toEqual([
      'RetentionInDays: 3 # short on purpose? nobody remembers',
      'RetentionInDays: 14 # short on purpose? nobody remembers',
      'ActionsEnabled: false',
      'ActionsEnabled: true',
    ]);
  });
});

describe('opslint fix: the file as it was written', () => {
  const run = (dir: string, ...args: string[]) =>
    runCli(['fix', '--no-config', '--rule', 'lambda-structured-logs,log-group-retention', ...args], { cwd: dir });

  it('writes JSON with the file’s own indentation: tabs, four spaces, one line, minified', async () => {
    const dir = workspace({
      'tabs.json': '{\n\t"Resources": {\n\t\t"Logs": {\n\t\t\t"Type": "AWS::Logs::LogGroup"\n\t\t}\n\t}\n}\n',
      'four.json':
        '{\n    "Resources": {\n        "Fn": {\n            "Type": "AWS::Lambda::Function",\n            "Properties": {\n                "Role": "r"\n            }\n        }\n    }\n}\n',
      'inline.json':
        '{\n  "Resources": {\n    "Fn": { "Type": "AWS::Lambda::Function", "Properties": { "Role": "r" } }\n  }\n}\n',
      'min.json': '{"Resources":{"Logs":{"Type":"AWS::Logs::LogGroup","Properties":{}}}}',
    });
    expect((await run(dir)).code).toBe(0);
    expect(read(dir, 'tabs.json')).toBe(
      '{\n\t"Resources": {\n\t\t"Logs": {\n\t\t\t"Type": "AWS::Logs::LogGroup",\n\t\t\t"Properties": {\n\t\t\t\t"RetentionInDays": 14\n\t\t\t}\n\t\t}\n\t}\n}\n',
    );
    expect(read(dir, 'four.json')).toBe(
      '{\n    "Resources": {\n        "Fn": {\n            "Type": "AWS::Lambda::Function",\n            "Properties": {\n                "Role": "r",\n' +
        '                "LoggingConfig": {\n                    "LogFormat": "JSON"\n                }\n            }\n        }\n    }\n}\n',
    );
    expect(read(dir, 'inline.json')).toBe(
      '{\n  "Resources": {\n    "Fn": { "Type": "AWS::Lambda::Function", "Properties": { "Role": "r", "LoggingConfig": { "LogFormat": "JSON" } } }\n  }\n}\n',
    );
    expect(read(dir, 'min.json')).toBe(
      '{"Resources":{"Logs":{"Type":"AWS::Logs::LogGroup","Properties":{"RetentionInDays":14}}}}',
    );
  });

  it('keeps CRLF line endings, a byte order mark, four-space YAML indentation and flow mappings', async () => {
    const dir = workspace({
      'crlf.yaml':
        '\ufeffResources:\r\n    Logs:\r\n        Type: AWS::Logs::LogGroup\r\n        Properties:\r\n            LogGroupName: orders # shared\r\n',
      'flow.yaml':
        'Resources:\n  Logs: { Type: AWS::Logs::LogGroup, Properties: { LogGroupName: orders } }   # one line\n',
    });
    await run(dir);
    expect(readFileSync(path.join(dir, 'crlf.yaml'))[0]).toBe(0xef);
    expect(read(dir, 'crlf.yaml')).toBe(
      '\ufeffResources:\r\n    Logs:\r\n        Type: AWS::Logs::LogGroup\r\n        Properties:\r\n            LogGroupName: orders # shared\r\n            RetentionInDays: 14\r\n',
    );
    expect(read(dir, 'flow.yaml')).toBe(
      'Resources:\n  Logs: { Type: AWS::Logs::LogGroup, Properties: { LogGroupName: orders, RetentionInDays: 14 } }   # one line\n',
    );
  });

  it('adds a Properties mapping where a resource has none, after a block scalar and before the comments of the next resource', async () => {
    const text = yaml`
      Resources:
        Fn:
          Type: AWS::Lambda::Function
          Properties:
            Role: r
            Code:
              ZipFile: |
                def handler(event, context):
                    return 1

        # written by hand
        Logs:
          Type: AWS::Logs::LogGroup
    `;
    const dir = workspace({ 't.yaml': text });
    await run(dir);
    expect(read(dir, 't.yaml')).toBe(
      text
        .replace('return 1\n', 'return 1\n      LoggingConfig:\n        LogFormat: JSON\n')
        .replace('AWS::Logs::LogGroup\n', 'AWS::Logs::LogGroup\n    Properties:\n      RetentionInDays: 14\n'),
    );
  });

  it('adds a key below the commented-out entries of the block before it, and above the comments at its own level', async () => {
    const text = yaml`
      Resources:
        Logs:
          Type: AWS::Logs::LogGroup
          Properties:
            LogGroupName: orders
            Tags:
              - Key: team
                Value: a

              # - Key: cost
              #   Value: b
            # DataProtectionPolicy: later
    `;
    const dir = workspace({ 't.yaml': text });
    await run(dir);
    expect(read(dir, 't.yaml')).toBe(text.replace('#   Value: b\n', '#   Value: b\n      RetentionInDays: 14\n'));
  });

  it('refuses an edit it cannot write without changing a value around it, and lists the finding as manual', async () => {
    // a block scalar that keeps its trailing blank lines: text after it would move them out of the code
    const text =
      'Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Role: r\n      Code:\n        ZipFile: |+\n          x = 1\n\n\n';
    const dir = workspace({ 't.yaml': text });
    const { code, stdout } = await run(dir, '--fail-on', 'info');
    expect(code).toBe(1);
    expect(read(dir, 't.yaml')).toBe(text);
    expect(stdout).toContain(
      '  manual  4:5  info  Lambda function Fn writes plain-text logs; set LoggingConfig.LogFormat to JSON so that every log line, its level and the request id can be queried by field.  lambda-structured-logs  (not fixed: opslint cannot write this change without touching the text around it)\n',
    );
  });
});

describe('opslint fix: many fixes in one file', () => {
  /** A rule whose fix writes two keys under a mapping the resource does not have: the second needs the first. */
  const twoKeys = defineRule({
    id: 'test/two-keys',
    title: 'Queues carry two settings',
    bestPractice: 'OPS04-BP01',
    resourceTypes: ['AWS::SQS::Queue'],
    severity: 'warning',
    fixable: true,
    check(resource, ctx) {
      if (resource.properties.Settings === undefined)
        ctx.report({
          message: `Queue ${resource.logicalId} has no settings.`,
          path: 'Properties.Settings',
          fix: [
            { path: 'Properties.Settings.First', value: 1 },
            { path: 'Properties.Settings.Second', value: 2 },
          ],
        });
    },
  });
  const packs = [...BUILTIN_PACKS, definePack({ id: 'test', rules: [twoKeys] })];
  const RULES = ['log-group-retention', 'lambda-structured-logs', 'lambda-tracing', 'test/two-keys'];

  it('fixes every finding of every resource, several on one resource in order, as one fix at a time would', () => {
    const functions = 30;
    const lines = ['Resources:'];
    for (let i = 0; i < functions; i++)
      lines.push(
        `  Fn${i}:`,
        '    Type: AWS::Lambda::Function',
        '    Properties:',
        '      Role: !GetAtt TracedRole.Arn',
        `  Logs${i}:`,
        '    Type: AWS::Logs::LogGroup',
      );
    lines.push(
      '  Jobs:',
      '    Type: AWS::SQS::Queue',
      '  Broken:',
      '    Type: AWS::Logs::LogGroup',
      '    Properties:',
      '      RetentionInDays: !If [Never, 1, 2]',
      '  TracedRole:',
      '    Type: AWS::IAM::Role',
      '    Properties:',
      '      ManagedPolicyArns: [arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess]',
      '',
    );
    const dir = workspace({ 't.yaml': lines.join('\n') });
    const file = path.join(dir, 't.yaml');
    const run = fixPaths([file], { packs, selection: { rules: RULES }, cwd: dir });
    const [result] = run.files;
    // two fixes on each function, one on each log group, one fix of two edits on the queue
    expect(result.fixed).toHaveLength(3 * functions + 1);
    expect(result.left.map((l) => [l.finding.resource, l.reason])).toEqual([
      ['Broken', 'Resources.Broken.Properties.RetentionInDays is computed by Fn::If'],
    ]);
    const fixedText = result.text!;
    writeFileSync(file, fixedText);
    expect(fixedText).toContain(
      '  Fn7:\n    Type: AWS::Lambda::Function\n    Properties:\n      Role: !GetAtt TracedRole.Arn\n      LoggingConfig:\n        LogFormat: JSON\n      TracingConfig:\n        Mode: Active\n  Logs7:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      RetentionInDays: 14\n',
    );
    expect(fixedText).toContain(
      '  Jobs:\n    Type: AWS::SQS::Queue\n    Properties:\n      Settings:\n        First: 1\n        Second: 2\n',
    );
    // nothing left of what was fixed, and a second run has nothing to do
    const again = fixPaths([file], { packs, selection: { rules: RULES }, cwd: dir });
    expect(again.files.flatMap((f) => f.fixed)).toEqual([]);
    expect(again.files.every((f) => f.text === undefined || f.text === f.original)).toBe(true);
  });

  it('does the same in a JSON file, its large Resources object looked up by key', () => {
    const functions = 30;
    const resources: Record<string, unknown> = {
      TracedRole: {
        Type: 'AWS::IAM::Role',
        Properties: { ManagedPolicyArns: ['arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess'] },
      },
    };
    for (let i = 0; i < functions; i++) {
      resources[`Fn${i}`] = {
        Type: 'AWS::Lambda::Function',
        Properties: { Role: { 'Fn::GetAtt': ['TracedRole', 'Arn'] } },
      };
      resources[`Logs${i}`] = { Type: 'AWS::Logs::LogGroup' };
    }
    resources.Jobs = { Type: 'AWS::SQS::Queue' };
    const dir = workspace({ 't.json': JSON.stringify({ Resources: resources }, null, 2) });
    const file = path.join(dir, 't.json');
    const run = fixPaths([file], { packs, selection: { rules: RULES }, cwd: dir });
    const [result] = run.files;
    expect(result.fixed).toHaveLength(3 * functions + 1);
    expect(result.left).toEqual([]);
    const fixed = JSON.parse(result.text!) as { Resources: Record<string, { Properties?: Record<string, unknown> }> };
    expect(fixed.Resources.Fn29.Properties).toEqual({
      Role: { 'Fn::GetAtt': ['TracedRole', 'Arn'] },
      LoggingConfig: { LogFormat: 'JSON' },
      TracingConfig: { Mode: 'Active' },
    });
    expect(fixed.Resources.Logs0.Properties).toEqual({ RetentionInDays: 14 });
    expect(fixed.Resources.Jobs.Properties).toEqual({ Settings: { First: 1, Second: 2 } });
    writeFileSync(file, result.text!);
    const again = fixPaths([file], { packs, selection: { rules: RULES }, cwd: dir });
    expect(again.files.flatMap((f) => f.fixed)).toEqual([]);
  });
});

describe('opslint fix: lambda-tracing', () => {
  it('fixes a function only where its execution role may write traces (Lambda refuses active tracing otherwise)', async () => {
    const role = (id: string, properties: string) =>
      `  ${id}:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {}\n${properties}`;
    const fn = (id: string, roleValue: string) =>
      `  ${id}:\n    Type: AWS::Lambda::Function\n    Properties:\n      Role: ${roleValue}\n`;
    const text = [
      'Resources:',
      role(
        'ManagedXray',
        "      ManagedPolicyArns: [!Sub 'arn:${AWS::Partition}:iam::aws:policy/AWSXRayDaemonWriteAccess']\n",
      ),
      role('AttachedXray', ''),
      "  XrayPolicy:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: x\n      Roles: [!Ref AttachedXray]\n      PolicyDocument: { Statement: [{ Effect: Allow, Action: 'xray:*', Resource: '*' }] }",
      role('NoXray', '      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]\n'),
      fn('WithManaged', '!GetAtt ManagedXray.Arn'),
      fn('WithAttached', '!GetAtt AttachedXray.Arn'),
      fn('WithoutXray', '!GetAtt NoXray.Arn'),
      fn('ExternalRole', 'arn:aws:iam::123456789012:role/orders'),
      '  Sam:\n    Type: AWS::Serverless::Function\n    Properties: { Handler: index.handler, Runtime: nodejs22.x, CodeUri: src/ }\n',
    ].join('\n');
    const dir = workspace({ 't.yaml': `Transform: AWS::Serverless-2016-10-31\n${text}` });
    const run = fixPaths(['t.yaml'], { cwd: dir, packs: BUILTIN_PACKS, selection: { rules: ['lambda-tracing'] } });
    expect(run.files[0].fixed.map((x) => x.finding.resource).sort()).toEqual(['Sam', 'WithAttached', 'WithManaged']);
    expect(run.files[0].left.map((l) => [l.finding.resource, l.reason])).toEqual([
      ['WithoutXray', undefined],
      ['ExternalRole', undefined],
    ]);
  });
});

describe('opslint fix: SAM Globals', () => {
  const template = (billingMetadata = '') =>
    [
      'Transform: AWS::Serverless-2016-10-31',
      'Globals:',
      '  Function:',
      '    Tracing: PassThrough',
      'Resources:',
      '  Orders:',
      '    Type: AWS::Serverless::Function',
      '    Properties: { Handler: index.handler, Runtime: nodejs22.x, CodeUri: src/ }',
      '  Billing:',
      '    Type: AWS::Serverless::Function',
      billingMetadata,
      '    Properties:',
      '      Handler: index.handler',
      '      Runtime: nodejs22.x',
      '      CodeUri: src/',
      '',
    ]
      .filter((l, i, all) => l !== '' || i === all.length - 1)
      .join('\n');

  it('changes Globals when every function that takes the value there has the finding', async () => {
    const dir = workspace({ 't.yaml': template() });
    const { stdout } = await runCli(['fix', '--no-config', '--rule', 'lambda-tracing'], { cwd: dir });
    expect(read(dir, 't.yaml')).toBe(template().replace('Tracing: PassThrough', 'Tracing: Active'));
    expect(stdout).toContain('  fixed   Globals.Function.Tracing: "Active"  lambda-tracing  (for Billing, Orders)\n');
  });

  it('does not change Globals under a function whose finding is suppressed, and says why', async () => {
    const suppressed = template(
      '    Metadata:\n      opslint:\n        suppress:\n          - { id: lambda-tracing, reason: Billing is traced by its caller }',
    );
    const dir = workspace({ 't.yaml': suppressed });
    const { stdout } = await runCli(['fix', '--no-config', '--rule', 'lambda-tracing'], { cwd: dir });
    expect(read(dir, 't.yaml')).toBe(suppressed);
    expect(stdout).toContain(
      '(not fixed: the value comes from Globals.Function.Tracing, which Billing also takes: changing it there would change that one too)',
    );
  });
});

describe('opslint fix: cloud assemblies', () => {
  it('never edits cdk.out; lists the findings with the CDK fix instead', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'opslint-fix-'));
    const assembly = path.join(dir, 'cdk.out');
    cpSync(path.join(REPO, 'fixtures/recovery/deletion-protection/fail-prod-stage-unprotected'), assembly, {
      recursive: true,
    });
    const snapshot = (): string[] =>
      readdirSync(assembly, { recursive: true, encoding: 'utf8' })
        .sort()
        .map((f) => (statSync(path.join(assembly, f)).isFile() ? `${f}\n${read(assembly, f)}` : f));
    const before = snapshot();
    const { code, stdout } = await runCli(['fix', '--no-config', '--rule', 'deletion-protection', 'cdk.out'], {
      cwd: dir,
    });
    expect(code).toBe(0);
    expect(snapshot()).toEqual(before);
    expect(stdout).toContain(
      'ProdOrders2D5E7A9D.template.json  generated by the CDK: not edited; change the CDK code, then synthesize again\n',
    );
    expect(stdout).toMatch(
      /^ {2}manual {2}Prod\/Orders\/CustomersUserPool\/Resource {2}warning {2}Cognito user pool CustomersUserPool has no deletion protection; .* {2}deletion-protection$/m,
    );
    const rule = BUILTIN_PACKS.flatMap((p) => p.rules).find((r) => r.id === 'deletion-protection')!;
    expect(stdout).toContain(`          CDK: ${rule.fix!.cdk!.split('\n')[0]}\n`);
    expect(stdout).toMatch(/\nNothing to fix automatically; 1 finding left to fix by hand\.\n$/);
  });
});

describe('opslint fix: exit codes and inputs that cannot be read', () => {
  const FUNCTION = 'Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Role: r\n';

  it('exits 0 when nothing at or above --fail-on is left, 1 when something is (or would be, in a dry run)', async () => {
    const dir = workspace({
      't.yaml': `Parameters:\n  Format: { Type: String, Default: Text }\n${FUNCTION}      LoggingConfig:\n        LogFormat: !Ref Format\n`,
    });
    expect((await runCli(['fix', '--no-config', '--rule', 'lambda-structured-logs'], { cwd: dir })).code).toBe(0);
    expect(
      (await runCli(['fix', '--no-config', '--rule', 'lambda-structured-logs', '--fail-on', 'info'], { cwd: dir }))
        .code,
    ).toBe(1);
    expect(
      (
        await runCli(['fix', '--no-config', '--rule', 'lambda-structured-logs', '--fail-on', 'info', '--dry-run'], {
          cwd: dir,
        })
      ).code,
    ).toBe(1);

    const fixable = workspace({ 't.yaml': FUNCTION });
    expect(
      (
        await runCli(['fix', '--no-config', '--rule', 'lambda-structured-logs', '--fail-on', 'info', '--dry-run'], {
          cwd: fixable,
        })
      ).code,
    ).toBe(0);
    expect(read(fixable, 't.yaml')).toBe(FUNCTION);
  });

  it('reads the configuration file as scan does: its rule exclusions (less what --rule names), parameters and limits apply', async () => {
    const big = `${FUNCTION}      Description: ${'x'.repeat(2000)}\n`;
    const dir = workspace({
      'opslint.config.yaml':
        'rules:\n  log-group-retention: off\nparameters:\n  Format: JSON\nlimits:\n  maxFileSize: 1KB\n',
      'fn.yaml': `Parameters:\n  Format: { Type: String }\n${FUNCTION}      LoggingConfig:\n        LogFormat: !Ref Format\n`,
      'logs.yaml': 'Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n',
      'big.yaml': big,
    });
    const { code, stdout, stderr } = await runCli(['fix', '--rule', 'lambda-structured-logs', 'fn.yaml', 'big.yaml'], {
      cwd: dir,
    });
    // the parameter's configured value is JSON: nothing to fix; the large file is refused
    expect(stdout).toContain('Nothing to fix');
    expect(read(dir, 'big.yaml')).toBe(big);
    expect(stderr).toBe(
      `big.yaml: file is ${Buffer.byteLength(big)} bytes, more than 1024 bytes (limit: --max-file-size, limits.maxFileSize)\n`,
    );
    expect(code).toBe(2);
    // the rule the file turns off fixes nothing, unless the command line names it
    const logs = 'Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n';
    expect((await runCli(['fix', 'logs.yaml'], { cwd: dir })).stdout).toContain('Nothing to fix');
    expect(read(dir, 'logs.yaml')).toBe(logs);
    await runCli(['fix', '--rule', 'log-group-retention', 'logs.yaml'], { cwd: dir });
    expect(read(dir, 'logs.yaml')).toBe(`${logs}    Properties:\n      RetentionInDays: 14\n`);
  });

  it('exits 2 on a file that cannot be read, after fixing the others, with one line naming it', async () => {
    const dir = workspace({ 'good.yaml': FUNCTION, 'broken.yaml': 'Resources:\n  Fn:\n    Type: [unclosed\n' });
    const { code, stdout, stderr } = await runCli(['fix', '--no-config', '--rule', 'lambda-structured-logs', '.'], {
      cwd: dir,
    });
    expect(code).toBe(2);
    expect(read(dir, 'good.yaml')).toBe(`${FUNCTION}      LoggingConfig:\n        LogFormat: JSON\n`);
    expect(stdout).toContain('Fixed 1 finding in 1 file; 0 findings left to fix by hand.');
    expect(stderr).toMatch(/^broken\.yaml:\d+:\d+: invalid YAML: .+\n$/);
  });
});
