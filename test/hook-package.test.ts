/**
 * `opslint hook package`: handler.js runs with plain `node` in a folder of its own, outside the repository and
 * without node_modules, with the configuration and the team's packs (a module and a rules file) baked in; and
 * template.yaml creates what the Hooks User Guide asks for and passes `opslint scan` itself.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ScanReport } from '../lib/engine/finding';
import { parseDocument } from '../lib/template/parse';
import { runCli } from '../scripts/support/cli';
import { invokeHookScript, PROBE_PACK, PROBE_TEMPLATE, RULES_FILE, type HookRun } from '../scripts/support/hook';
import { workspace } from './helpers/workspace';

const TEAM_PACK = `module.exports = {
  id: 'team',
  rules: [{
    id: 'team/topic-name',
    title: 'Topics are named',
    bestPractice: 'OPS02-BP01',
    severity: 'warning',
    resourceTypes: ['AWS::SNS::Topic'],
    messages: { unnamed: 'Topic {{resource}} has no TopicName.' },
    check(resource, ctx) {
      if (resource.properties.TopicName === undefined) ctx.report({ messageId: 'unnamed', data: { resource: resource.logicalId }, path: 'Type' });
    },
  }],
};
`;
const CONFIG = `failOn: warning
packs: [./team.js, ./rules.yaml]
disable: [alarm-actions]
`;

/**
 * A template with a YAML anchor (read by the bundled yaml library, not opslint's own reader): an unnamed topic
 * (team/topic-name, a warning) and an alarm without a description (rulesfile/alarm-description, an error) and
 * without actions (alarm-actions, disabled by the configuration).
 */
const TEMPLATE = `Resources:
  Topic:
    Type: AWS::SNS::Topic
  Alarm:
    Type: AWS::CloudWatch::Alarm
    Properties: &alarm
      Namespace: AWS/Lambda
      MetricName: Errors
      Threshold: 1
`;

/** Invokes handler.js in `dir` with plain node, the template served on 127.0.0.1. */
function invoke(dir: string, template: string): { status: number | null; answer: HookRun['answer']; stderr: string } {
  const run = spawnSync(process.execPath, ['-e', invokeHookScript(JSON.stringify(template))], {
    cwd: dir,
    encoding: 'utf8',
    // nothing of the repository's: no NODE_PATH, no options that preload modules
    env: { PATH: process.env.PATH ?? '' },
  });
  return { status: run.status, answer: (JSON.parse(run.stdout || '{}') as HookRun).answer, stderr: run.stderr };
}

describe('opslint hook package', () => {
  const project = workspace({ 'team.js': TEAM_PACK, 'rules.yaml': RULES_FILE, 'opslint.config.yaml': CONFIG });
  let result: Awaited<ReturnType<typeof runCli>>;
  beforeAll(async () => {
    result = await runCli(['hook', 'package', '--output', 'hook'], { cwd: project });
  }, 60_000);

  it('writes handler.js and template.yaml, and says how to deploy them', () => {
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readdirSync(path.join(project, 'hook')).sort()).toEqual(['handler.js', 'template.yaml']);
    expect(result.stdout).toMatch(
      /^wrote hook\/handler\.js \([\d.]+ MB, failOn warning\) and hook\/template\.yaml; deploy it with:\n/,
    );
    expect(result.stdout).toContain('aws cloudformation package --template-file hook/template.yaml --s3-bucket BUCKET');
    expect(result.stdout).toContain('aws cloudformation deploy --template-file opslint-hook.packaged.yaml');
  });

  it('handler.js runs with plain node in a clean folder, with the configuration and both packs baked in', () => {
    const clean = mkdtempSync(path.join(tmpdir(), 'opslint-hook-run-'));
    copyFileSync(path.join(project, 'hook', 'handler.js'), path.join(clean, 'handler.js'));
    expect(existsSync(path.join(clean, 'node_modules'))).toBe(false);
    const { status, answer, stderr } = invoke(clean, TEMPLATE);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(answer).toMatchObject({ hookStatus: 'FAILED', errorCode: 'NonCompliant', clientRequestToken: 'token-1' });
    const lines = answer.message.split('\n');
    // failOn warning (the configuration's), the rules file's error first, the module's warning next, and
    // alarm-actions disabled
    expect(lines[0]).toBe(
      'opslint: 2 findings at or above warning in stack orders: rulesfile/alarm-description 1, team/topic-name 1.',
    );
    expect(lines[1]).toBe('[error] rulesfile/alarm-description Alarm (line 6): Alarm Alarm has no AlarmDescription.');
    expect(lines[2]).toBe('[warning] team/topic-name Topic (line 3): Topic Topic has no TopicName.');
    expect(answer.message).not.toContain('alarm-actions');
  });

  it('template.yaml: the function on Node.js 22, the hook on stack and change-set operations, WARN by default', () => {
    const file = path.join(project, 'hook', 'template.yaml');
    const template = parseDocument(readFileSync(file, 'utf8'), file).value as {
      Parameters: Record<string, { Default?: unknown; AllowedValues?: unknown[] }>;
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const { Function: fn, Hook: hook, HookRole: role } = template.Resources;
    expect(fn).toMatchObject({
      Type: 'AWS::Lambda::Function',
      Properties: { Runtime: 'nodejs22.x', Handler: 'handler.handler', Code: '.' },
    });
    expect(hook).toMatchObject({
      Type: 'AWS::CloudFormation::LambdaHook',
      Properties: { HookStatus: 'ENABLED', TargetOperations: ['STACK', 'CHANGE_SET'] },
    });
    expect(template.Parameters.FailureMode).toMatchObject({ Default: 'WARN', AllowedValues: ['FAIL', 'WARN'] });
    expect(JSON.stringify(role.Properties)).toContain('hooks.cloudformation.amazonaws.com');
    expect(JSON.stringify(role.Properties)).toContain('lambda:InvokeFunction');
  });

  it('template.yaml passes opslint scan with the default rules (only reminders that need context)', async () => {
    const { code, stdout } = await runCli(['scan', 'hook/template.yaml', '--no-config', '--format', 'json'], {
      cwd: project,
    });
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as ScanReport;
    expect(report.errors).toEqual([]);
    expect(report.findings.filter((f) => f.needsContext === undefined)).toEqual([]);
  });

  it('bundles a pack that requires opslint/rule with the handler: it runs alone, sharing the engine (UNKNOWN)', async () => {
    const dir = workspace({
      'probe.js': PROBE_PACK,
    });
    const packaged = await runCli(
      ['hook', 'package', '--output', 'hook', '--load-pack', './probe.js', '--fail-on', 'warning'],
      {
        cwd: dir,
      },
    );
    expect(packaged.stderr).toBe('');
    expect(packaged.code).toBe(0);
    const clean = mkdtempSync(path.join(tmpdir(), 'opslint-hook-run-'));
    copyFileSync(path.join(dir, 'hook', 'handler.js'), path.join(clean, 'handler.js'));
    const { answer, stderr } = invoke(clean, PROBE_TEMPLATE);
    expect(stderr).toBe('');
    expect(answer.message).toContain('[warning] probe/unknown-name Queue');
  }, 60_000);

  it('refuses a pack that imports an entry a hook does not hand out (opslint/cdk), at its line', async () => {
    const dir = workspace({
      'cdk.js': `const { OpsChecks } = require('opslint/cdk');
module.exports = { id: 'x', rules: [{ id: 'x/r', title: 'R', bestPractice: 'OPS04-BP01', severity: 'info',
  resourceTypes: ['AWS::SQS::Queue'], messages: {}, check() {} }] };
`,
    });
    const args = ['hook', 'package', '--output', 'hook', '--load-pack', './cdk.js', '--no-config'];
    const { code, stderr } = await runCli(args, { cwd: dir });
    expect({ code, stderr }).toEqual({
      code: 2,
      stderr: expect.stringMatching(
        /^opslint: [^\n]*cdk\.js:1:31: the hook could not be bundled: a pack in a hook cannot import opslint\/cdk: only opslint, opslint\/rule, opslint\/testing\n$/,
      ),
    });
    expect(existsSync(path.join(dir, 'hook', 'handler.js'))).toBe(false);
  }, 60_000);

  it('says that the configuration baseline is not applied by the hook', async () => {
    const dir = workspace({ 'opslint.config.yaml': 'baseline: .opslint-baseline.json\n' });
    const { code, stderr } = await runCli(['hook', 'package', '--output', 'hook'], { cwd: dir });
    expect(code).toBe(0);
    expect(stderr).toBe(
      'opslint: note: the baseline .opslint-baseline.json of the configuration is not applied by the hook: every finding at or above failOn counts\n',
    );
  }, 60_000);

  it('a rule id that does not exist: one line, nothing written', async () => {
    const { code, stdout, stderr } = await runCli(['hook', 'package', '--output', 'typo', '--rule', 'alarm-actoins'], {
      cwd: project,
    });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^opslint: unknown rule "alarm-actoins" \(did you mean "alarm-actions"\?\)[^\n]*\n$/);
    expect(existsSync(path.join(project, 'typo'))).toBe(false);
  });

  it('without --output: says what to give', async () => {
    const { code, stderr } = await runCli(['hook', 'package'], { cwd: project });
    expect(code).toBe(2);
    expect(stderr).toBe('opslint: name the folder to write the hook into: --output DIR\n');
  });
});
