/**
 * The demo CDK app (examples/cdk-app, run by the repository's cdk.json) through the real `cdk synth`: the
 * OpsChecks plugin fails the first draft with readable findings, `cdk synth` without stack names still fails
 * (the findings sit in Stages), the compliant variant passes, and `opslint scan` on the cloud assembly finds
 * what the plugin reported. Each synthesis writes to its own temporary output directory; none calls AWS (the
 * availability-zone lookups are in cdk.context.json).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Finding } from '../lib/engine/finding';
import { runCli, REPO } from '../scripts/support/cli';
import { cdkSynth, lineOf, pluginReport, reportBlocks, type PluginReport, type RunResult } from './helpers/cdk';

const STACK_SOURCE = 'examples/cdk-app/orders-stack.ts';
const ENVIRONMENTS = { Dev: 'aws://111111111111/eu-west-1', Prod: 'aws://222222222222/eu-west-1' } as const;
const STAGES = Object.keys(ENVIRONMENTS) as (keyof typeof ENVIRONMENTS)[];
// the violations the first draft has in each Stage (more may come as packs grow)
const DRAFT_VIOLATIONS = [
  ['alarm-actions', 'Orders/Api5xx/Resource'],
  ['lambda-tracing', 'Orders/CreateOrder/Resource'],
  ['lambda-tracing', 'Orders/FulfilOrder/Resource'],
  ['apigateway-tracing', 'Orders/OrdersApi/DeploymentStage.prod/Resource'],
  ['vpc-flow-logs', 'Orders/Vpc/Resource'],
  ['alarm-coverage', 'Orders/CreateOrder/Resource'],
  ['alarm-coverage', 'Orders/OrdersDeadLetters/Resource'],
] as const;

interface Synth extends RunResult {
  readonly outdir: string;
}

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function synth(args: string[]): Promise<Synth> {
  const dir = mkdtempSync(path.join(tmpdir(), 'opslint-cdk-cli-'));
  tempDirs.push(dir);
  const outdir = path.join(dir, 'cdk.out');
  return { outdir, ...(await cdkSynth(['--output', outdir, ...args], REPO)) };
}

/** `rule constructPath` of each violation of the report about a CloudFormation resource. */
const resourceViolations = (report: PluginReport): string[] =>
  report.violations.flatMap((v) =>
    v.violatingConstructs.filter((c) => c.cloudFormationResource).map((c) => `${v.ruleName} ${c.constructPath}`),
  );

describe('cdk synth of the demo app (examples/cdk-app) with the OpsChecks plugin', () => {
  let draft: Synth;
  let plain: Synth;
  let compliant: Synth;

  beforeAll(async () => {
    [draft, plain, compliant] = await Promise.all([
      synth(['-q', '**']),
      synth([]),
      synth(['-q', '-c', 'compliant=true', '**']),
    ]);
  }, 300_000);

  describe("the first draft, every stack ('**')", () => {
    it('fails, printing the alarm without actions with its construct path, source line, best practice and acknowledgement id', () => {
      expect(draft.code).not.toBe(0);
      const line = lineOf(STACK_SOURCE, 'metric.createAlarm(');
      for (const stage of STAGES) {
        const blocks = reportBlocks(draft.stderr, `${stage}/Orders/Api5xx/Resource`, 'alarm-actions');
        expect(blocks).toHaveLength(1);
        const [block] = blocks;
        expect(block).toMatch(/^ERROR Alarm Api5xx has no AlarmActions/m);
        expect(block).toContain(`${STACK_SOURCE}:${line}:`);
        expect(block).toContain('OPS08-BP04 Create actionable alerts');
        expect(block).toContain("Acknowledge with 'opslint::alarm-actions'");
      }
      expect(draft.stderr).toContain('Synthesis finished with errors');
    });

    it('prints each warning with its own acknowledgement id', () => {
      const [tracing] = reportBlocks(draft.stderr, 'Dev/Orders/CreateOrder/Resource', 'X-Ray');
      expect(tracing).toMatch(/^WARNING Lambda function CreateOrder does not send traces to X-Ray/m);
      expect(tracing).toContain('OPS04-BP05');
      expect(tracing).toContain("Acknowledge with 'opslint::lambda-tracing'");
    });

    it('writes the violations of both Stages to validation-report.json', () => {
      const report = pluginReport(draft.outdir);
      expect(report.conclusion).toBe('failure');
      const found = resourceViolations(report);
      for (const stage of STAGES) {
        expect(found).toEqual(expect.arrayContaining(DRAFT_VIOLATIONS.map(([rule, p]) => `${rule} ${stage}/${p}`)));
      }
      const alarm = report.violations.find(
        (v) =>
          v.ruleName === 'alarm-actions' && v.violatingConstructs[0].constructPath === 'Dev/Orders/Api5xx/Resource',
      );
      expect(alarm).toMatchObject({
        severity: 'error',
        violatingConstructs: [{ cloudFormationResource: { propertyPaths: ['Properties.AlarmActions'] } }],
      });
      expect(alarm!.violatingConstructs[0].cloudFormationResource!.templatePath).toMatch(
        /^assembly-Dev\/.*\.template\.json$/,
      );
    });
  });

  describe('the first draft, without stack names', () => {
    it("fails through findings-in-stages, which points to `cdk synth '**'`", () => {
      expect(plain.code).not.toBe(0);
      const [block] = reportBlocks(plain.stderr, 'findings-in-stages');
      expect(block).toMatch(
        /^FATAL \d+ finding\(s\) at or above "error" in stacks inside Stages \(Dev-Orders, Prod-Orders\)/m,
      );
      expect(block).toContain("cdk synth '**'");
      // the findings themselves are not shown: that is why the app-level violation exists
      expect(plain.stderr).not.toContain('Dev/Orders/Api5xx/Resource');
      const report = pluginReport(plain.outdir);
      expect(report.violations.filter((v) => v.severity === 'fatal').map((v) => v.ruleName)).toContain(
        'findings-in-stages',
      );
    });
  });

  describe('the compliant variant (-c compliant=true)', () => {
    it('passes with no opslint error or warning in the report', () => {
      expect({ code: compliant.code, stderr: compliant.stderr }).toMatchObject({ code: 0 });
      const report = pluginReport(compliant.outdir);
      expect(report.conclusion).toBe('success');
      expect(report.violations.filter((v) => v.severity === 'error')).toEqual([]);
      // what is left are reminders about the account and the app as a whole (info), none about its resources
      expect(report.violations.filter((v) => v.severity !== 'info').map((v) => v.ruleName)).toEqual([]);
      expect(resourceViolations(report)).toEqual([]);
    });
  });

  describe('opslint scan on the cloud assembly of the first draft', () => {
    let findings: Finding[];
    beforeAll(async () => {
      const { code, stdout } = await runCli(['scan', draft.outdir, '--format', 'json']);
      expect(code).toBe(1);
      findings = (JSON.parse(stdout) as { findings: Finding[] }).findings;
    });

    it('finds the same (rule, construct path) pairs as the plugin', () => {
      const scanned = findings.filter((f) => f.resource).map((f) => `${f.ruleId} ${f.constructPath}`);
      expect(new Set(scanned)).toEqual(new Set(resourceViolations(pluginReport(draft.outdir))));
      expect(scanned.length).toBe(new Set(scanned).size);
    });

    it('gives each resource finding its stack, environment, construct path and source line', () => {
      const resourceFindings = findings.filter((f) => f.resource);
      expect(resourceFindings.length).toBeGreaterThan(0);
      for (const f of resourceFindings) {
        const stage = f.constructPath!.split('/')[0] as keyof typeof ENVIRONMENTS;
        expect({ stack: f.stack, environment: f.environment }).toEqual({
          stack: `${stage}-Orders`,
          environment: ENVIRONMENTS[stage],
        });
        expect(f.source).toMatch(new RegExp(`^${STACK_SOURCE.replace(/\./g, '\\.')}:\\d+:\\d+$`));
      }
      expect(findings.find((f) => f.ruleId === 'alarm-actions' && f.stack === 'Prod-Orders')).toMatchObject({
        constructPath: 'Prod/Orders/Api5xx/Resource',
        environment: ENVIRONMENTS.Prod,
        source: expect.stringMatching(new RegExp(`^${STACK_SOURCE}:${lineOf(STACK_SOURCE, 'metric.createAlarm(')}:`)),
      });
    });
  });
});
