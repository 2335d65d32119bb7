/**
 * A team rule that throws: an `internal-error` finding, with the stack on stderr only with --debug (from a worker
 * thread too), and in `cdk synth` a fatal violation (OpsChecks, the cdk-nag pack) or an error annotation (OpsAspect),
 * which CDK never offers to acknowledge.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { OpsAspect, OpsChecks } from '../lib/cdk';
import { OpsNagPack } from '../lib/cdk/nag';
import { defineRule, type Pack } from '../lib/engine/rule';
import type { ScanReport } from '../lib/engine/finding';
import { REPO, runCli } from '../scripts/support/cli';
import { rows, setUpCdkTests, synth } from './helpers/cdk-apps';
import { workspace } from './helpers/workspace';

setUpCdkTests();

const BOOM_PACK = `module.exports = {
  id: 'team',
  rules: [{
    id: 'team/boom',
    title: 'Throws',
    bestPractice: 'OPS10-BP01',
    severity: 'warning',
    resourceTypes: ['AWS::SQS::Queue'],
    check() { explode(); },
  }],
};
function explode() { throw new Error('boom'); }
`;
const QUEUE = 'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n';

describe('a rule that throws, in opslint scan', () => {
  const dir = workspace({ 'team.js': BOOM_PACK, 'q.yaml': QUEUE });
  const args = ['scan', 'q.yaml', '--no-config', '--load-pack', './team.js', '--rule', 'team/boom'];

  it('is an internal-error finding; the stack is not shown without --debug', async () => {
    const { code, stdout, stderr } = await runCli([...args, '--format', 'json'], { cwd: dir });
    expect(code).toBe(2);
    const [f] = (JSON.parse(stdout) as ScanReport).findings;
    expect(f).toMatchObject({ ruleId: 'internal-error', message: 'Rule team/boom failed on resource Q: boom.' });
    expect(f.trace).toBeUndefined();
    expect(stderr).toBe('');
  });

  it('with --debug, its stack goes to stderr (the scan ran on a worker thread) and into the JSON report', async () => {
    const { code, stdout, stderr } = await runCli([...args, '--debug', '--format', 'json'], { cwd: dir });
    expect(code).toBe(2);
    const lines = stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('opslint: q.yaml:2:3: Rule team/boom failed on resource Q: boom.');
    expect(lines[1]).toBe('Error: boom');
    // the frames of the pack's code, where it threw first
    expect(lines[2]).toContain(`explode (${path.join(dir, 'team.js')}:12:28)`);
    expect(lines[3]).toContain(`check (${path.join(dir, 'team.js')}:9:15)`);
    const [f] = (JSON.parse(stdout) as ScanReport).findings;
    expect(f.trace?.split('\n').slice(0, 2)).toEqual(['Error: boom', lines[2]]);
    // the report's contract declares the key
    const schema = JSON.parse(readFileSync(path.join(REPO, 'schema/report.schema.json'), 'utf8')) as {
      definitions: { finding: { properties: Record<string, unknown> } };
    };
    expect(Object.keys(schema.definitions.finding.properties)).toContain('trace');
  });

  it('opslint fix --debug prints it too', async () => {
    const { code, stderr } = await runCli(
      ['fix', 'q.yaml', '--dry-run', '--no-config', '--load-pack', './team.js', '--rule', 'team/boom', '--debug'],
      { cwd: dir },
    );
    expect(code).toBe(2);
    expect(stderr).toContain('opslint: q.yaml:2:3: Rule team/boom failed on resource Q: boom.\nError: boom\n');
  });

  it('text output with --debug: the finding on stdout, the stack on stderr', async () => {
    const { stdout, stderr } = await runCli([...args, '--debug', '--no-color'], { cwd: dir });
    expect(stdout).toContain('Rule team/boom failed on resource Q: boom.');
    expect(stdout).not.toContain('Error: boom');
    expect(stderr).toContain('Error: boom\n');
  });
});

describe('a rule that throws, in cdk synth', () => {
  const boom: Pack = {
    id: 'team',
    title: 'team',
    rules: [
      defineRule({
        id: 'team/boom',
        title: 'Throws',
        bestPractice: 'OPS10-BP01',
        severity: 'warning',
        resourceTypes: ['AWS::SQS::Queue'],
        messages: {},
        check() {
          throw new Error('boom');
        },
      }),
    ],
  };

  it.each(['error', 'none'] as const)(
    'is a fatal violation with nothing to acknowledge, whatever failOn (%s) and an acknowledgement say',
    (failOn) => {
      const outdir = mkdtempSync(path.join(tmpdir(), 'opslint-boom-cdk-'));
      const app = new App({ outdir, builtinCloudFormationValidation: false });
      const stack = new Stack(app, 'Service');
      const queue = new sqs.Queue(stack, 'Queue');
      Validations.of(queue).acknowledge({ id: 'opslint::internal-error', reason: 'we know it fails, leave it be' });
      Validations.of(app).addPlugins(new OpsChecks({ rulePacks: [boom], rules: ['team/boom'], failOn }));
      const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        expect(() => app.synth()).toThrow(/FATAL Rule team\/boom failed on resource Queue\w*: boom\./);
      } finally {
        spy.mockRestore();
      }
      const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as {
        pluginReports: {
          pluginName: string;
          violations: { ruleName: string; severity: string; ruleMetadata?: Record<string, string> }[];
        }[];
      };
      const violations = report.pluginReports.find((p) => p.pluginName === 'opslint')!.violations;
      const failed = violations.filter((v) => v.ruleName === 'internal-error');
      expect(failed).toHaveLength(1);
      expect(failed[0].severity).toBe('fatal');
      expect(Object.keys(failed[0].ruleMetadata ?? {})).not.toContain('Acknowledge');
    },
  );

  it('OpsAspect: an error annotation (never acknowledgeable) whatever failOn says', () => {
    const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'opslint-boom-aspect-')) });
    const stack = new Stack(app, 'Service');
    new sqs.Queue(stack, 'Queue');
    OpsAspect.applyTo(app, { rulePacks: [boom], rules: ['team/boom'], failOn: 'none', stageGuard: false });
    const annotations = Annotations.fromStack(stack);
    expect(
      annotations.findError('/Service/Queue/Resource', Match.stringLikeRegexp('Rule team/boom failed')),
    ).toHaveLength(1);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
  });

  it('OpsNagPack: a fatal violation, which a cdk-nag suppression of it does not excuse', () => {
    const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'opslint-boom-nag-')) });
    const stack = new Stack(app, 'Service');
    const queue = new sqs.Queue(stack, 'Queue');
    Validations.of(queue).acknowledge({ id: 'Ops-internal-error', reason: 'we know it fails, leave it be' });
    Validations.of(app).addPlugins(new OpsNagPack(app, { rulePacks: [boom], rules: ['team/boom'], failOn: 'none' }));
    const result = synth(app);
    expect(result.error?.message).toMatch(/Rule team\/boom failed on resource Queue\w*: boom\./);
    expect(
      rows(result.report, 'opslint-nag')
        .filter((r) => r.rule === 'Ops-internal-error')
        .map((r) => r.severity),
    ).toEqual(['fatal']);
  });
});
