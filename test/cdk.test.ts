/**
 * The CDK integrations (lib/cdk) on apps synthesized in-process with aws-cdk-lib: `OpsChecks` through
 * `app.synth()` and validation-report.json and called directly, acknowledgements at every level, Stages and
 * nested stacks, the CDK's own resources left alone, `OpsAspect` annotations, and the three integrations
 * agreeing on one app.
 *
 * Each app gets a fresh outdir and no built-in CloudFormation validation (the first synth with it loads the
 * resource schemas: ~7 s); apps are shared between assertions where that keeps the tests readable.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  App,
  Aspects,
  Duration,
  NestedStack,
  Stack,
  Stage,
  Validations,
  type AppProps,
  type CfnElement,
  type IPolicyValidationPluginBeta1,
  type PolicyValidationPluginReport,
} from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { IConstruct } from 'constructs';
import { OpsAspect, OpsChecks, type OpsCheckProps } from '../lib/cdk';
import { OpsNagPack } from '../lib/cdk/nag';
import { readCloudAssembly } from '../lib/assembly/read';
import { packageVersion } from '../lib/version';
import { UsageError } from '../lib/errors';
import alarmActions from '../rules/alarms/alarm-actions';
import lambdaTracing from '../rules/tracing/lambda-tracing';

// ---------------------------------------------------------------------------------------------------------
// Building and synthesizing apps

const CONTEXT = { 'aws:cdk:enable-path-metadata': true, 'aws:cdk:enable-asset-metadata': true };
const DEV = { account: '111111111111', region: 'eu-west-1' };
const PROD = { account: '222222222222', region: 'eu-west-1' };
const REASON = 'covered by the platform team dashboard';
/**
 * The packs the workload is about (tracing, alarms, flow logs, CloudTrail, environments): tests that compare
 * a full list of findings run these, so that they stay about the integration and not about the catalogue.
 */
const WORKLOAD_PACKS = ['alarms', 'cloudtrail', 'flow-logs', 'tracing', 'environments'];

/** every app's outdir, removed after the tests */
const outdirs: string[] = [];

function newApp(props: AppProps = {}): App {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'opslint-cdk-'));
  outdirs.push(outdir);
  return new App({
    outdir,
    builtinCloudFormationValidation: false,
    ...props,
    context: { ...CONTEXT, ...props.context },
  });
}

/** The validation-report.json that CDK writes, as far as these tests read it. */
interface ValidationReport {
  readonly pluginReports: readonly {
    readonly pluginName: string;
    readonly pluginVersion?: string;
    readonly conclusion: 'success' | 'failure';
    readonly violations: readonly ReportViolation[];
    readonly suppressedViolations?: readonly (ReportViolation & { acknowledgedId: string; reason?: string; acknowledgedAt?: string })[];
  }[];
}

interface ReportViolation {
  readonly ruleName: string;
  readonly description: string;
  readonly suggestedFix?: string;
  readonly severity: string;
  readonly ruleMetadata?: Record<string, string>;
  readonly violatingConstructs: readonly {
    readonly constructPath: string;
    readonly cloudFormationResource?: { readonly templatePath: string; readonly logicalId: string; readonly propertyPaths?: readonly string[] };
  }[];
}

interface Synthesized {
  /** what `app.synth()` threw (validation failed) */
  readonly error?: Error;
  readonly assembly?: CloudAssembly;
  readonly report?: ValidationReport;
  /** what CDK printed with console.error (a passing validation that reports) */
  readonly printed: string;
}

function synth(app: App): Synthesized {
  const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  let assembly: CloudAssembly | undefined;
  let error: Error | undefined;
  try {
    assembly = app.synth();
  } catch (e) {
    error = e as Error;
  }
  // read before mockRestore, which clears the recorded calls
  const printed = spy.mock.calls.map((args) => args.join(' ')).join('\n');
  spy.mockRestore();
  const file = path.join(app.outdir, 'validation-report.json');
  const report = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as ValidationReport) : undefined;
  return { error, assembly, report, printed };
}

/** One row per violating construct of a plugin's report. */
interface Row {
  readonly rule: string;
  readonly severity: string;
  readonly path: string;
  readonly logicalId?: string;
  readonly templatePath?: string;
  readonly locations?: readonly string[];
  readonly description: string;
  readonly fix?: string;
  readonly metadata?: Record<string, string>;
  readonly acknowledgedId?: string;
  readonly reason?: string;
  readonly acknowledgedAt?: string;
}

function rows(report: ValidationReport | undefined, plugin = 'opslint', which: 'violations' | 'suppressedViolations' = 'violations'): Row[] {
  const r = report?.pluginReports.find((p) => p.pluginName === plugin);
  const out: Row[] = [];
  for (const v of r?.[which] ?? []) {
    for (const c of v.violatingConstructs) {
      const ack = v as Partial<Pick<Row, 'acknowledgedId' | 'reason' | 'acknowledgedAt'>>;
      out.push({
        rule: v.ruleName,
        severity: v.severity,
        path: c.constructPath,
        logicalId: c.cloudFormationResource?.logicalId,
        templatePath: c.cloudFormationResource?.templatePath,
        locations: c.cloudFormationResource?.propertyPaths,
        description: v.description,
        fix: v.suggestedFix,
        metadata: v.ruleMetadata,
        ...(which === 'suppressedViolations' ? { acknowledgedId: ack.acknowledgedId, reason: ack.reason, acknowledgedAt: ack.acknowledgedAt } : {}),
      });
    }
  }
  return out;
}

/** `rule path`, sorted: the shape most assertions compare. */
function pairs(list: readonly Pick<Row, 'rule' | 'path'>[]): string[] {
  return list.map((r) => `${r.rule} ${r.path}`).sort();
}

function only(list: readonly Row[], rule: string, constructPath: string): Row {
  const found = list.filter((r) => r.rule === rule && r.path === constructPath);
  if (found.length !== 1) throw new Error(`expected one ${rule} at ${constructPath}, got ${found.length}: ${pairs(list).join('; ')}`);
  return found[0];
}

/** The L1 resource behind a construct: its path, logical id and stack. */
function cfn(construct: IConstruct): { path: string; logicalId: string; stack: Stack } {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  const stack = Stack.of(element);
  return { path: element.node.path, logicalId: stack.resolve(element.logicalId) as string, stack };
}

/**
 * The rule an OpsAspect annotation is about: it ends with its acknowledgement id, `(opslint::<rule>)` for an
 * error or info, `[ack: opslint::<rule>]` for a warning (CDK appends the id given to addWarningV2).
 */
function ruleOf(data: unknown): string | undefined {
  return /[([](?:ack: )?opslint::([a-z0-9-]+)[)\]]$/.exec(String(data))?.[1];
}

/** `level rule path` of the opslint annotations among `messages`. */
function annotated(messages: readonly { level: string; id: string; entry: { data?: unknown } }[]): string[] {
  return messages.filter((m) => ruleOf(m.entry.data)).map((m) => `${m.level} ${ruleOf(m.entry.data)} ${m.id}`).sort();
}

function allMessages(annotations: Annotations) {
  return [...annotations.findError('*', Match.anyValue()), ...annotations.findWarning('*', Match.anyValue()), ...annotations.findInfo('*', Match.anyValue())];
}

// ---------------------------------------------------------------------------------------------------------
// The workload: what each finding is about

interface Workload {
  readonly stack: Stack;
  /** no tracing, no alarm: lambda-tracing and alarm-coverage */
  readonly handler: lambda.Function;
  /** traced, with an alarm on its errors */
  readonly worker: lambda.Function;
  /** an alarm without actions: alarm-actions (error) */
  readonly workerErrors: cloudwatch.Alarm;
  /** a VPC without a flow log: vpc-flow-logs */
  readonly network: ec2.CfnVPC;
  /** with `nested`: a nested stack holding a function without tracing or alarm */
  readonly job?: lambda.Function;
}

const code = lambda.Code.fromInline('exports.handler = async () => ({});');
const fnProps = { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code };

function workload(scope: Stage | App, id: string, opts: { env?: { account: string; region: string }; nested?: boolean } = {}): Workload {
  const stack = new Stack(scope, id, { env: opts.env });
  const handler = new lambda.Function(stack, 'Handler', fnProps);
  const worker = new lambda.Function(stack, 'Worker', { ...fnProps, tracing: lambda.Tracing.ACTIVE });
  const workerErrors = worker.metricErrors({ period: Duration.minutes(1) }).createAlarm(stack, 'WorkerErrors', { threshold: 1, evaluationPeriods: 1 });
  const network = new ec2.CfnVPC(stack, 'Network', { cidrBlock: '10.0.0.0/16' });
  let job: lambda.Function | undefined;
  if (opts.nested) job = new lambda.Function(new NestedStack(stack, 'Jobs'), 'Job', fnProps);
  return { stack, handler, worker, workerErrors, network, job };
}

/** Dev and Prod Stages, each in its own account, with the workload in stack `Api`; Prod's has a nested stack. */
function stagedApp(props: AppProps = {}): { app: App; dev: Stage; prod: Stage; devApi: Workload; prodApi: Workload } {
  const app = newApp(props);
  const dev = new Stage(app, 'Dev', { env: DEV });
  const prod = new Stage(app, 'Prod', { env: PROD });
  return { app, dev, prod, devApi: workload(dev, 'Api'), prodApi: workload(prod, 'Api', { nested: true }) };
}

/** The resource findings of the workload in a stack at `at` (e.g. `Dev/Api`), as `rule path` pairs. */
function workloadFindings(at: string, nested = false): string[] {
  return [
    `alarm-actions ${at}/WorkerErrors/Resource`,
    `alarm-coverage ${at}/Handler/Resource`,
    `lambda-tracing ${at}/Handler/Resource`,
    `vpc-flow-logs ${at}/Network`,
    ...(nested ? [`alarm-coverage ${at}/Jobs/Job/Resource`, `lambda-tracing ${at}/Jobs/Job/Resource`] : []),
  ];
}

let deprecationMode: string | undefined;
beforeAll(() => {
  // logRetention and policyValidationBeta1 are deprecated: keep jsii's notices out of the output
  deprecationMode = process.env.JSII_DEPRECATED;
  process.env.JSII_DEPRECATED = 'quiet';
});
afterAll(() => {
  for (const dir of outdirs) fs.rmSync(dir, { recursive: true, force: true });
  if (deprecationMode === undefined) delete process.env.JSII_DEPRECATED;
  else process.env.JSII_DEPRECATED = deprecationMode;
});

// ---------------------------------------------------------------------------------------------------------

describe('OpsChecks through app.synth()', () => {
  let staged: ReturnType<typeof stagedApp>;
  let result: Synthesized;
  let found: Row[];
  beforeAll(() => {
    staged = stagedApp();
    Validations.of(staged.app).addPlugins(new OpsChecks({ packs: WORKLOAD_PACKS }));
    result = synth(staged.app);
    found = rows(result.report);
  });

  it('fails synthesis with the report in the error, and writes validation-report.json', () => {
    expect(result.error).toBeDefined();
    expect(result.error!.message).toContain('Lambda function');
    expect(result.error!.message).toContain('Dev/Api/Handler/Resource');
    // CDK shows the report's path relative to the working directory when that is shorter
    const shown = /A copy of this report can be found in: (\S+)/.exec(result.error!.message)?.[1];
    expect(shown && path.resolve(shown)).toBe(path.join(staged.app.outdir, 'validation-report.json'));
    const plugin = result.report!.pluginReports.find((p) => p.pluginName === 'opslint')!;
    expect(plugin.conclusion).toBe('failure');
    expect(plugin.pluginVersion).toBe(packageVersion());
  });

  it('reports every resource finding of every Stage and nested stack, and the app-level ones', () => {
    expect(pairs(found)).toEqual(
      [
        ...workloadFindings('Dev/Api'),
        ...workloadFindings('Prod/Api', true),
        'cloudtrail-present ',
        'findings-in-stages ',
      ].sort(),
    );
    // two Stages in separate accounts: no multiple-environments or production-account-* finding
    expect(found.map((r) => r.rule)).not.toContain('multiple-environments');
  });

  it('names the construct, logical id, template and property of a finding, with the OPS best practice and the CDK fix', () => {
    const handler = cfn(staged.devApi.handler);
    expect(handler.path).toBe('Dev/Api/Handler/Resource');
    expect(only(found, 'lambda-tracing', 'Dev/Api/Handler/Resource')).toEqual({
      rule: 'lambda-tracing',
      severity: 'warning',
      path: 'Dev/Api/Handler/Resource',
      logicalId: handler.logicalId,
      templatePath: path.join('assembly-Dev', handler.stack.templateFile),
      locations: ['Properties/TracingConfig/Mode'],
      description: `Lambda function ${handler.logicalId} does not send traces to X-Ray; set TracingConfig.Mode to Active. (OPS04-BP05 Implement distributed tracing)`,
      fix: lambdaTracing.fix!.cdk,
      metadata: {
        'OPS best practice': 'OPS04-BP05 Implement distributed tracing',
        'opslint severity': 'warning',
        Documentation: expect.stringMatching(/^https:\/\/docs\.aws\.amazon\.com\/wellarchitected\/.*\.html$/),
        Acknowledge: "Validations.of(construct).acknowledge({ id: 'opslint::lambda-tracing', reason: '…' })",
      },
    });

    const alarm = cfn(staged.prodApi.workerErrors);
    expect(only(found, 'alarm-actions', 'Prod/Api/WorkerErrors/Resource')).toMatchObject({
      severity: 'error',
      logicalId: alarm.logicalId,
      templatePath: path.join('assembly-Prod', alarm.stack.templateFile),
      locations: ['Properties/AlarmActions'],
      description: expect.stringMatching(new RegExp(`^Alarm ${alarm.logicalId} has no AlarmActions, .*\\(OPS08-BP04 Create actionable alerts\\)$`)),
      fix: alarmActions.fix!.cdk,
      metadata: expect.objectContaining({ 'opslint severity': 'error' }),
    });

    // a finding about the whole resource has no property location
    const network = cfn(staged.devApi.network);
    expect(only(found, 'vpc-flow-logs', 'Dev/Api/Network')).toMatchObject({ severity: 'warning', logicalId: network.logicalId, locations: undefined });
  });

  it('names the nested stack resource and its construct path', () => {
    const job = cfn(staged.prodApi.job!);
    expect(job.stack.nested).toBe(true);
    expect(only(found, 'lambda-tracing', 'Prod/Api/Jobs/Job/Resource')).toMatchObject({
      severity: 'warning',
      logicalId: job.logicalId,
      templatePath: path.join('assembly-Prod', job.stack.templateFile),
      locations: ['Properties/TracingConfig/Mode'],
      description: expect.stringContaining(`Lambda function ${job.logicalId} does not send traces`),
    });
    expect(job.stack.templateFile).toMatch(/\.nested\.template\.json$/);
  });

  it('reports app-level findings at the app', () => {
    expect(only(found, 'cloudtrail-present', '')).toMatchObject({
      severity: 'info',
      logicalId: undefined,
      description: expect.stringMatching(/^No CloudTrail trail in any of the 2 stacks of this cloud assembly; .*\(OPS04-BP02 Implement application telemetry\)$/),
    });
    // the blocking alarm-actions findings live in Stage stacks, which `cdk synth` alone does not show
    expect(only(found, 'findings-in-stages', '')).toMatchObject({
      severity: 'error',
      description: expect.stringMatching(/^2 finding\(s\) at or above "error" in stacks inside Stages \(Dev-Api, Prod-Api\)\. .*cdk synth '\*\*'/),
    });
  });
});

describe('OpsChecks severities and failOn', () => {
  /** One stack at the app level: an untraced function whose errors alarm an SNS topic; only warnings and info. */
  function warningsOnly(props: OpsCheckProps): { app: App; fn: lambda.Function } {
    const app = newApp();
    const stack = new Stack(app, 'Service');
    const fn = new lambda.Function(stack, 'Fn', fnProps);
    fn.metricErrors().createAlarm(stack, 'FnErrors', { threshold: 1, evaluationPeriods: 1 }).addAlarmAction(new actions.SnsAction(new sns.Topic(stack, 'OnCall')));
    Validations.of(app).addPlugins(new OpsChecks({ packs: WORKLOAD_PACKS, ...props }));
    return { app, fn };
  }

  it('passes on warnings by default, and prints the report', () => {
    const { app, fn } = warningsOnly({});
    const result = synth(app);
    expect(result.error).toBeUndefined();
    expect(result.report!.pluginReports[0].conclusion).toBe('success');
    expect(rows(result.report).map((r) => [r.rule, r.path, r.severity]).sort()).toEqual([
      ['cloudtrail-present', 'Service', 'info'],
      ['lambda-tracing', 'Service/Fn/Resource', 'warning'],
      ['multiple-environments', '', 'warning'],
    ]);
    expect(result.printed).toContain(`Lambda function ${cfn(fn).logicalId} does not send traces to X-Ray`);
    expect(only(rows(result.report), 'multiple-environments', '').description).toMatch(
      /^The cloud assembly deploys its only stack Service to a single environment \(environment-agnostic, .*\(OPS05-BP08 Use multiple environments\)$/,
    );
  });

  it("fails on a warning with failOn: 'warning'; info stays info", () => {
    const result = synth(warningsOnly({ failOn: 'warning' }).app);
    expect(result.error?.message).toContain('does not send traces to X-Ray');
    expect(result.report!.pluginReports[0].conclusion).toBe('failure');
    expect(rows(result.report).map((r) => [r.rule, r.severity]).sort()).toEqual([
      ['cloudtrail-present', 'info'],
      ['lambda-tracing', 'error'],
      ['multiple-environments', 'error'],
    ]);
  });

  it("fails on info with failOn: 'info'", () => {
    const result = synth(warningsOnly({ failOn: 'info' }).app);
    expect(result.error).toBeDefined();
    expect(new Set(rows(result.report).map((r) => r.severity))).toEqual(new Set(['error']));
  });

  it("reports without failing with failOn: 'none': an opslint error becomes a CDK warning", () => {
    const { app } = stagedApp();
    Validations.of(app).addPlugins(new OpsChecks({ failOn: 'none' }));
    const result = synth(app);
    expect(result.error).toBeUndefined();
    expect(result.report!.pluginReports[0].conclusion).toBe('success');
    const alarm = only(rows(result.report), 'alarm-actions', 'Dev/Api/WorkerErrors/Resource');
    expect(alarm.severity).toBe('warning');
    expect(alarm.metadata?.['opslint severity']).toBe('error');
    // nothing blocks, so nothing hides in the Stages
    expect(rows(result.report).map((r) => r.rule)).not.toContain('findings-in-stages');
    expect(result.printed).toContain('has no AlarmActions');
  });

  it('follows ruleSettings severities and the rule selection', () => {
    const { app } = stagedApp();
    Validations.of(app).addPlugins(new OpsChecks({ rules: ['lambda-tracing', 'alarm-actions'], ruleSettings: { 'alarm-actions': 'warning' } }));
    const result = synth(app);
    expect(result.error).toBeUndefined();
    expect(rows(result.report).map((r) => `${r.rule} ${r.path} ${r.severity}`).sort()).toEqual([
      'alarm-actions Dev/Api/WorkerErrors/Resource warning',
      'alarm-actions Prod/Api/WorkerErrors/Resource warning',
      'lambda-tracing Dev/Api/Handler/Resource warning',
      'lambda-tracing Prod/Api/Handler/Resource warning',
      'lambda-tracing Prod/Api/Jobs/Job/Resource warning',
    ]);
  });

  it('throws at construction for an unknown rule id', () => {
    expect(() => new OpsChecks({ rules: ['lambda-tracin'] })).toThrow(UsageError);
    expect(() => new OpsChecks({ rules: ['lambda-tracin'] })).toThrow('unknown rule "lambda-tracin" (did you mean "lambda-tracing"?)');
    expect(() => new OpsChecks({ exclude: ['no-such-rule'] })).toThrow('unknown rule "no-such-rule"');
    expect(() => new OpsChecks({ ruleSettings: { 'no-such-rule': 'off' } })).toThrow('unknown rule "no-such-rule"');
    expect(new OpsChecks({ rules: ['lambda-tracing'] }).ruleIds).toEqual(['lambda-tracing']);
  });

  it('works in the deprecated policyValidationBeta1 form', () => {
    const app = newApp({ policyValidationBeta1: [new OpsChecks() as unknown as IPolicyValidationPluginBeta1] });
    const dev = new Stage(app, 'Dev', { env: DEV });
    const api = workload(dev, 'Api');
    const result = synth(app);
    expect(result.error?.message).toContain('has no AlarmActions');
    expect(only(rows(result.report), 'alarm-actions', 'Dev/Api/WorkerErrors/Resource')).toMatchObject({
      severity: 'error',
      logicalId: cfn(api.workerErrors).logicalId,
      locations: ['Properties/AlarmActions'],
    });
    // one Stage only: the app deploys to a single environment
    expect(only(rows(result.report), 'multiple-environments', '')).toMatchObject({
      severity: 'warning',
      description: expect.stringContaining('deploys its only stack Dev-Api to a single environment (Stage Dev)'),
    });
  });
});

describe('OpsChecks.validate called directly', () => {
  let staged: ReturnType<typeof stagedApp>;
  let assembly: CloudAssembly;
  beforeAll(() => {
    staged = stagedApp();
    assembly = synth(staged.app).assembly!;
  });

  function context(stacks = assembly.stacksRecursively) {
    return {
      templatePaths: stacks.map((s) => s.templateFullPath),
      stackTemplates: stacks.map((s) => ({
        stackConstructPath: s.hierarchicalId,
        templatePath: s.templateFullPath,
        accountId: s.environment.account,
        region: s.environment.region,
      })),
      appConstruct: staged.app,
    };
  }

  function resourceRows(report: PolicyValidationPluginReport): string[] {
    return report.violations.flatMap((v) => v.violatingResources.filter((r) => r.resourceLogicalId).map((r) => `${v.ruleName} ${r.resourceLogicalId} ${path.relative(staged.app.outdir, r.templatePath!)}`)).sort();
  }

  it('gives the same violations as during synthesis, with absolute template paths', () => {
    expect(assembly.stacksRecursively.map((s) => s.hierarchicalId).sort()).toEqual(['Dev/Api', 'Prod/Api']);
    const report = new OpsChecks({ packs: WORKLOAD_PACKS }).validate(context());
    expect(report.success).toBe(false);
    expect(report.pluginVersion).toBe(packageVersion());

    const handler = cfn(staged.devApi.handler);
    const tracing = report.violations.find((v) => v.ruleName === 'lambda-tracing' && v.violatingResources[0].resourceLogicalId === handler.logicalId)!;
    expect(tracing).toMatchObject({
      severity: 'warning',
      fix: lambdaTracing.fix!.cdk,
      description: expect.stringContaining('(OPS04-BP05 Implement distributed tracing)'),
      violatingResources: [{ resourceLogicalId: handler.logicalId, templatePath: path.join(staged.app.outdir, 'assembly-Dev', handler.stack.templateFile), locations: ['Properties/TracingConfig/Mode'] }],
    });

    const dev = `assembly-Dev/${staged.devApi.stack.templateFile}`;
    const prod = `assembly-Prod/${staged.prodApi.stack.templateFile}`;
    const nested = `assembly-Prod/${cfn(staged.prodApi.job!).stack.templateFile}`;
    const id = (c: IConstruct): string => cfn(c).logicalId;
    expect(resourceRows(report)).toEqual(
      [
        `alarm-actions ${id(staged.devApi.workerErrors)} ${dev}`,
        `alarm-coverage ${id(staged.devApi.handler)} ${dev}`,
        `lambda-tracing ${id(staged.devApi.handler)} ${dev}`,
        `vpc-flow-logs ${id(staged.devApi.network)} ${dev}`,
        `alarm-actions ${id(staged.prodApi.workerErrors)} ${prod}`,
        `alarm-coverage ${id(staged.prodApi.handler)} ${prod}`,
        `lambda-tracing ${id(staged.prodApi.handler)} ${prod}`,
        `vpc-flow-logs ${id(staged.prodApi.network)} ${prod}`,
        `alarm-coverage ${id(staged.prodApi.job!)} ${nested}`,
        `lambda-tracing ${id(staged.prodApi.job!)} ${nested}`,
      ].sort(),
    );
    // stack-level and app-level violations name a construct path instead
    const byPath = report.violations.filter((v) => !v.violatingResources[0].resourceLogicalId).map((v) => `${v.ruleName} ${v.violatingResources[0].constructPath}`);
    expect(byPath.sort()).toEqual(['cloudtrail-present ', 'findings-in-stages ']);
  });

  it('checks only the stacks it is given (a plugin on a Stage), with their nested stacks', () => {
    const prodOnly = assembly.stacksRecursively.filter((s) => s.hierarchicalId === 'Prod/Api');
    const report = new OpsChecks({ failOn: 'none', packs: ['tracing'] }).validate(context(prodOnly));
    expect(report.success).toBe(true);
    expect(resourceRows(report).map((r) => r.split(' ').slice(0, 2).join(' '))).toEqual(
      [`lambda-tracing ${cfn(staged.prodApi.handler).logicalId}`, `lambda-tracing ${cfn(staged.prodApi.job!).logicalId}`].sort(),
    );
  });
});

describe('acknowledgements', () => {
  it('by construct: only that construct and the constructs below it', () => {
    const { app, devApi } = stagedApp();
    Validations.of(devApi.handler).acknowledge({ id: 'opslint::lambda-tracing', reason: REASON });
    Validations.of(app).addPlugins(new OpsChecks());
    const result = synth(app);
    expect(pairs(rows(result.report)).filter((p) => p.startsWith('lambda-tracing'))).toEqual([
      'lambda-tracing Prod/Api/Handler/Resource',
      'lambda-tracing Prod/Api/Jobs/Job/Resource',
    ]);
    // the other rules on the same construct are still reported
    expect(pairs(rows(result.report))).toContain('alarm-coverage Dev/Api/Handler/Resource');
    const suppressed = rows(result.report, 'opslint', 'suppressedViolations');
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0]).toMatchObject({
      rule: 'lambda-tracing',
      path: 'Dev/Api/Handler/Resource',
      logicalId: cfn(devApi.handler).logicalId,
      acknowledgedId: 'opslint::lambda-tracing',
      reason: REASON,
      acknowledgedAt: 'Dev/Api/Handler',
    });
  });

  it('by Stack: every finding of the rule in that stack and its nested stacks', () => {
    const { app, prodApi } = stagedApp();
    Validations.of(prodApi.stack).acknowledge({ id: 'opslint::lambda-tracing', reason: REASON });
    Validations.of(app).addPlugins(new OpsChecks());
    const result = synth(app);
    expect(pairs(rows(result.report)).filter((p) => p.startsWith('lambda-tracing'))).toEqual(['lambda-tracing Dev/Api/Handler/Resource']);
    expect(rows(result.report, 'opslint', 'suppressedViolations').map((r) => [r.path, r.acknowledgedAt]).sort()).toEqual([
      ['Prod/Api/Handler/Resource', 'Prod/Api'],
      ['Prod/Api/Jobs/Job/Resource', 'Prod/Api'],
    ]);
  });

  it('by Stage: the stacks in it; findings-in-stages names only what is left', () => {
    const { app, dev } = stagedApp();
    Validations.of(dev).acknowledge({ id: 'opslint::alarm-actions', reason: REASON });
    Validations.of(app).addPlugins(new OpsChecks());
    const result = synth(app);
    expect(result.error).toBeDefined();
    expect(pairs(rows(result.report)).filter((p) => p.startsWith('alarm-actions'))).toEqual(['alarm-actions Prod/Api/WorkerErrors/Resource']);
    expect(only(rows(result.report), 'findings-in-stages', '').description).toMatch(/^1 finding\(s\) at or above "error" in stacks inside Stages \(Prod-Api\)\./);
    expect(rows(result.report, 'opslint', 'suppressedViolations')).toEqual([
      expect.objectContaining({ rule: 'alarm-actions', path: 'Dev/Api/WorkerErrors/Resource', acknowledgedAt: 'Dev', reason: REASON, severity: 'error' }),
    ]);
  });

  it('in every Stage: the blocking findings are acknowledged, findings-in-stages disappears and synthesis passes', () => {
    const { app, dev, prod } = stagedApp();
    for (const stage of [dev, prod]) Validations.of(stage).acknowledge({ id: 'opslint::alarm-actions', reason: REASON });
    Validations.of(app).addPlugins(new OpsChecks());
    const result = synth(app);
    expect(result.error).toBeUndefined();
    expect(result.report!.pluginReports[0].conclusion).toBe('success');
    expect(rows(result.report).map((r) => r.rule)).not.toContain('findings-in-stages');
    expect(rows(result.report).map((r) => r.rule)).not.toContain('alarm-actions');
    expect(rows(result.report, 'opslint', 'suppressedViolations').map((r) => [r.path, r.acknowledgedAt]).sort()).toEqual([
      ['Dev/Api/WorkerErrors/Resource', 'Dev'],
      ['Prod/Api/WorkerErrors/Resource', 'Prod'],
    ]);
  });

  it('by App: everything of that rule, app-level findings included', () => {
    const app = newApp();
    const dev = new Stage(app, 'Dev', { env: DEV });
    workload(dev, 'Api');
    Validations.of(app).acknowledge(
      { id: 'opslint::alarm-actions', reason: REASON },
      { id: 'opslint::multiple-environments', reason: 'the prod app is synthesized separately' },
    );
    Validations.of(app).addPlugins(new OpsChecks());
    const result = synth(app);
    expect(result.error).toBeUndefined();
    expect(rows(result.report).map((r) => r.rule)).not.toContain('alarm-actions');
    expect(rows(result.report).map((r) => r.rule)).not.toContain('multiple-environments');
    expect(rows(result.report).map((r) => r.rule)).not.toContain('findings-in-stages');
    expect(rows(result.report, 'opslint', 'suppressedViolations').map((r) => [r.rule, r.path, r.acknowledgedAt, r.reason]).sort()).toEqual([
      // CDK leaves acknowledgedAt out for the app, whose path is ''
      ['alarm-actions', 'Dev/Api/WorkerErrors/Resource', undefined, REASON],
      ['multiple-environments', '', undefined, 'the prod app is synthesized separately'],
    ]);
  });

  it('a stack-level finding in a Stage counts for findings-in-stages until it is acknowledged', () => {
    const build = (acknowledge: boolean): Synthesized => {
      const app = newApp();
      // Prod names no account; a stack without resources is no template, so each has a topic
      const prod = new Stage(app, 'Prod', { env: { region: 'eu-west-1' } });
      new sns.Topic(new Stack(new Stage(app, 'Test', { env: DEV }), 'Api'), 'Alerts');
      new sns.Topic(new Stack(prod, 'Api'), 'Alerts');
      if (acknowledge) Validations.of(prod).acknowledge({ id: 'opslint::production-account-region', reason: 'the pipeline picks the account' });
      Validations.of(app).addPlugins(new OpsChecks({ packs: ['environments'] }));
      // cdk-nag has acknowledgement ids of its own: only without them
      if (!acknowledge) Validations.of(app).addPlugins(new OpsNagPack(app, { packs: ['environments'] }));
      return synth(app);
    };
    const open = build(false);
    expect(open.error).toBeDefined();
    expect(pairs(rows(open.report))).toEqual(['findings-in-stages ', 'production-account-region Prod/Api']);
    expect(only(rows(open.report), 'production-account-region', 'Prod/Api').description).toMatch(
      /^Stack Prod-Api looks like production \(Stage Prod\) but does not name a concrete account; /,
    );
    expect(only(rows(open.report), 'findings-in-stages', '').description).toContain('1 finding(s) at or above "error" in stacks inside Stages (Prod-Api)');
    // OpsNagPack names the stack too
    expect(rows(open.report, 'opslint-nag').map((r) => [r.rule, r.path, r.severity])).toEqual([['Ops-production-account-region', 'Prod/Api', 'error']]);

    const acknowledged = build(true);
    expect(acknowledged.error).toBeUndefined();
    expect(rows(acknowledged.report)).toEqual([]);
    expect(rows(acknowledged.report, 'opslint', 'suppressedViolations').map((r) => [r.rule, r.path, r.acknowledgedAt])).toEqual([
      ['production-account-region', 'Prod/Api', 'Prod'],
    ]);
  });

  it('a reason that is too short adds a fatal violation at the acknowledging construct, which cannot itself be acknowledged', () => {
    const { app, devApi } = stagedApp();
    Validations.of(devApi.handler).acknowledge({ id: 'opslint::lambda-tracing', reason: 'todo' });
    Validations.of(app).acknowledge({ id: 'opslint::alarm-actions', reason: REASON });
    Validations.of(app).acknowledge({ id: 'opslint::acknowledgement-reason', reason: 'trying to silence the check of reasons' });
    Validations.of(app).addPlugins(new OpsChecks());
    const result = synth(app);
    expect(result.error?.message).toContain('needs a reason of at least 10 characters');
    expect(only(rows(result.report), 'acknowledgement-reason', 'Dev/Api/Handler')).toMatchObject({
      severity: 'fatal',
      description: 'Acknowledgement of opslint::lambda-tracing at Dev/Api/Handler needs a reason of at least 10 characters (got "todo"); say why the finding does not apply.',
    });
    expect(rows(result.report).filter((r) => r.rule === 'acknowledgement-reason')).toHaveLength(1);
  });

  it('minReasonLength sets the shortest reason', () => {
    const { app, prodApi } = stagedApp();
    Validations.of(prodApi.stack).acknowledge({ id: 'opslint::alarm-actions', reason: REASON });
    Validations.of(app).acknowledge({ id: 'opslint::alarm-coverage', reason: 'dashboards cover the functions' });
    Validations.of(app).addPlugins(new OpsChecks({ minReasonLength: 40 }));
    const result = synth(app);
    expect(pairs(rows(result.report)).filter((p) => p.startsWith('acknowledgement-'))).toEqual(['acknowledgement-reason ', 'acknowledgement-reason Prod/Api']);
    expect(only(rows(result.report), 'acknowledgement-reason', '').description).toBe(
      'Acknowledgement of opslint::alarm-coverage at the app needs a reason of at least 40 characters (got "dashboards cover the functions"); say why the finding does not apply.',
    );
  });

  it('an acknowledgement of an unknown rule adds a warning', () => {
    const app = newApp();
    const stack = new Stack(app, 'Service');
    Validations.of(stack).acknowledge({ id: 'opslint::no-such-rule', reason: REASON });
    Validations.of(app).addPlugins(new OpsChecks());
    const result = synth(app);
    expect(result.error).toBeUndefined();
    expect(only(rows(result.report), 'acknowledgement-unknown-rule', 'Service')).toMatchObject({
      severity: 'warning',
      description: 'Acknowledgement of opslint::no-such-rule at Service names no opslint rule; `opslint rules` lists them.',
    });
  });
});

describe('findings-in-stages', () => {
  it('does not appear when the blocking findings are in top-level stacks', () => {
    const app = newApp();
    workload(app, 'Dev', { env: DEV });
    workload(app, 'Prod', { env: PROD });
    Validations.of(app).addPlugins(new OpsChecks());
    const result = synth(app);
    expect(result.error).toBeDefined();
    expect(pairs(rows(result.report)).filter((p) => p.startsWith('alarm-actions'))).toEqual(['alarm-actions Dev/WorkerErrors/Resource', 'alarm-actions Prod/WorkerErrors/Resource']);
    expect(rows(result.report).map((r) => r.rule)).not.toContain('findings-in-stages');
  });
});

describe("the CDK's own resources", () => {
  let app: App;
  let mine: lambda.Function;
  let result: Synthesized;
  beforeAll(() => {
    app = newApp({ context: { '@aws-cdk/aws-ec2:restrictDefaultSecurityGroup': true } });
    const stack = new Stack(app, 'Service', { env: DEV });
    new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'app', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    mine = new lambda.Function(stack, 'Mine', { ...fnProps, logRetention: logs.RetentionDays.ONE_WEEK });
    new cr.AwsCustomResource(stack, 'Lookup', {
      onCreate: { service: 'SSM', action: 'getParameter', parameters: { Name: '/orders/endpoint' }, physicalResourceId: cr.PhysicalResourceId.of('endpoint') },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
    });
    Validations.of(app).addPlugins(new OpsChecks({ failOn: 'none', packs: WORKLOAD_PACKS }));
    OpsAspect.applyTo(app, { failOn: 'none', packs: WORKLOAD_PACKS });
    result = synth(app);
  });

  it('are recognised in the cloud assembly: every Lambda function but the user one', () => {
    const { assembly } = readCloudAssembly(app.outdir);
    const stack = assembly.stacks.find((s) => s.constructPath === 'Service')!;
    const functions = stack.template.resourcesOfType('AWS::Lambda::Function').map((r) => r.logicalId);
    const paths = functions.map((id) => stack.constructs?.get(id)?.path).sort();
    expect(paths).toEqual([
      expect.stringMatching(/^Service\/AWS679f53fac002430cb0da5b7982bd2287\//),
      expect.stringMatching(/^Service\/Custom::VpcRestrictDefaultSGCustomResourceProvider\//),
      expect.stringMatching(/^Service\/LogRetention[0-9a-f]{32}\//),
      'Service/Mine/Resource',
    ]);
    expect(functions.filter((id) => !stack.frameworkResources?.has(id))).toEqual([cfn(mine).logicalId]);
  });

  it('get no OpsChecks finding, while the user function does', () => {
    expect(result.error).toBeUndefined();
    expect(pairs(rows(result.report).filter((r) => r.logicalId !== undefined))).toEqual([
      'alarm-coverage Service/Mine/Resource',
      'lambda-tracing Service/Mine/Resource',
      'vpc-flow-logs Service/Vpc/Resource',
    ]);
  });

  it('get no finding from any rule of the catalogue', () => {
    const { assembly } = readCloudAssembly(app.outdir);
    const stack = assembly.stacks.find((s) => s.constructPath === 'Service')!;
    const artifact = result.assembly!.getStackArtifact('Service');
    const report = new OpsChecks({ failOn: 'none' }).validate({
      templatePaths: [artifact.templateFullPath],
      stackTemplates: [{ stackConstructPath: 'Service', templatePath: artifact.templateFullPath, accountId: DEV.account, region: DEV.region }],
      appConstruct: app,
    });
    const found = report.violations.flatMap((v) => v.violatingResources.filter((r) => r.resourceLogicalId).map((r) => `${v.ruleName} ${r.resourceLogicalId}`));
    expect(found).toContain(`lambda-tracing ${cfn(mine).logicalId}`);
    expect(found.filter((f) => stack.frameworkResources?.has(f.split(' ')[1]))).toEqual([]);
  });

  it('get no OpsAspect annotation, while the user function does', () => {
    expect(annotated(result.assembly!.getStackArtifact('Service').messages)).toEqual([
      'warning alarm-coverage /Service/Mine/Resource',
      'warning lambda-tracing /Service/Mine/Resource',
      'warning vpc-flow-logs /Service/Vpc/Resource',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('OpsAspect', () => {
  let app: App;
  let dev: Workload;
  let prod: Workload;
  let shared: Stack;
  beforeAll(() => {
    const staged = stagedApp();
    ({ app, devApi: dev, prodApi: prod } = staged);
    // a stack at the app level: covered as well
    shared = new Stack(app, 'Shared', { env: DEV });
    new lambda.Function(shared, 'Fn', fnProps);
    // in Prod: a good acknowledgement, and one whose reason is too short
    Validations.of(prod.workerErrors).acknowledge({ id: 'opslint::alarm-actions', reason: REASON });
    Validations.of(prod.handler).acknowledge({ id: 'opslint::lambda-tracing', reason: 'later' });
    OpsAspect.applyTo(app, { packs: WORKLOAD_PACKS, ruleSettings: { 'vpc-flow-logs': 'info' } });
  });

  it('annotates findings at or above failOn as errors, below as acknowledgeable warnings, info as info', () => {
    const annotations = Annotations.fromStack(dev.stack);
    const alarm = cfn(dev.workerErrors);
    annotations.hasError(
      `/${alarm.path}`,
      `Alarm ${alarm.logicalId} has no AlarmActions, so nobody is told when it goes into ALARM; add an SNS topic (or another action) to AlarmActions. ` +
        '(OPS08-BP04 Create actionable alerts) (opslint::alarm-actions)',
    );
    const handler = cfn(dev.handler);
    annotations.hasWarning(
      '/Dev/Api/Handler/Resource',
      `Lambda function ${handler.logicalId} does not send traces to X-Ray; set TracingConfig.Mode to Active. ` +
        '(OPS04-BP05 Implement distributed tracing) [ack: opslint::lambda-tracing]',
    );
    annotations.hasWarning('/Dev/Api/Handler/Resource', Match.stringLikeRegexp('has no CloudWatch alarm on its metrics.*\\[ack: opslint::alarm-coverage\\]$'));
    annotations.hasInfo('/Dev/Api/Network', Match.stringLikeRegexp(`^VPC ${cfn(dev.network).logicalId} has no flow log; .*\\(OPS04-BP04 Implement dependency telemetry\\) \\(opslint::vpc-flow-logs\\)$`));

    expect(annotated(allMessages(annotations))).toEqual([
      'error alarm-actions /Dev/Api/WorkerErrors/Resource',
      'info vpc-flow-logs /Dev/Api/Network',
      'warning alarm-coverage /Dev/Api/Handler/Resource',
      'warning lambda-tracing /Dev/Api/Handler/Resource',
    ]);
  });

  it('sees the whole stack: an alarm in the same stack covers the function', () => {
    const annotations = Annotations.fromStack(dev.stack);
    expect(annotations.findWarning('/Dev/Api/Worker/Resource', Match.anyValue())).toEqual([]);
    expect(annotations.findError('/Dev/Api/Worker/Resource', Match.anyValue())).toEqual([]);
  });

  it('turns an acknowledged error into info, and adds an error for a reason that is too short', () => {
    const annotations = Annotations.fromStack(prod.stack);
    annotations.hasInfo('/Prod/Api/WorkerErrors/Resource', Match.stringLikeRegexp(`^Acknowledged \\(${REASON}\\): Alarm ${cfn(prod.workerErrors).logicalId} has no AlarmActions.*\\(opslint::alarm-actions\\)$`));
    expect(annotations.findError('/Prod/Api/WorkerErrors/Resource', Match.anyValue())).toEqual([]);
    // an acknowledgement with a short reason fails synthesis (CDK itself hides the warning whose id it names)
    annotations.hasError(
      '/Prod/Api/Handler/Resource',
      'Acknowledgement of opslint::lambda-tracing at Prod/Api/Handler needs a reason of at least 10 characters (got "later"); say why the finding does not apply.',
    );
  });

  it('covers nested stacks and app-level stacks; app-level rules are left to the plugins', () => {
    const annotations = Annotations.fromStack(prod.stack);
    annotations.hasWarning('/Prod/Api/Jobs/Job/Resource', Match.stringLikeRegexp(`^Lambda function ${cfn(prod.job!).logicalId} does not send traces`));
    expect(annotated(allMessages(Annotations.fromStack(shared)))).toEqual([
      'warning alarm-coverage /Shared/Fn/Resource',
      'warning lambda-tracing /Shared/Fn/Resource',
    ]);
  });

  it("with failOn: 'warning', warnings become errors, and a short reason does not acknowledge them", () => {
    const other = newApp();
    const api = workload(other, 'Api', { env: DEV });
    const second = new lambda.Function(api.stack, 'Second', fnProps);
    Validations.of(second).acknowledge({ id: 'opslint::lambda-tracing', reason: 'n/a' });
    OpsAspect.applyTo(other, { failOn: 'warning', rules: ['lambda-tracing'] });
    const annotations = Annotations.fromStack(api.stack);
    expect(annotated(allMessages(annotations))).toEqual(['error lambda-tracing /Api/Handler/Resource', 'error lambda-tracing /Api/Second/Resource']);
    annotations.hasError('/Api/Handler/Resource', Match.stringLikeRegexp('does not send traces to X-Ray.*\\(opslint::lambda-tracing\\)$'));
    annotations.hasError('/Api/Second/Resource', Match.stringLikeRegexp('^Acknowledgement of opslint::lambda-tracing at Api/Second needs a reason of at least 10 characters \\(got "n/a"\\)'));
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
  });

  it('refuses to run when added with Aspects.of(app).add and a Stage would go unchecked', () => {
    const other = newApp();
    workload(new Stage(other, 'Dev', { env: DEV }), 'Api');
    Aspects.of(other).add(new OpsAspect());
    expect(() => other.synth()).toThrow(
      'OpsAspect does not reach the stacks in Stage Dev: CDK Aspects stop at Stage boundaries. Add it with OpsAspect.applyTo(app, props), which covers every Stage',
    );
  });

  it('added with Aspects.of(app).add to an app without Stages, it checks the stacks', () => {
    const other = newApp();
    const api = workload(other, 'Api', { env: DEV });
    Aspects.of(other).add(new OpsAspect({ rules: ['alarm-actions'] }));
    Annotations.fromStack(api.stack).hasError(`/${cfn(api.workerErrors).path}`, Match.stringLikeRegexp('has no AlarmActions'));
  });
});

describe('OpsChecks, OpsAspect and OpsNagPack agree', () => {
  it('report the same resource findings, with the same severities, on one app with Stages and a nested stack', () => {
    const { app } = stagedApp();
    const shared = new Stack(app, 'Shared', { env: DEV });
    new lambda.Function(shared, 'Fn', fnProps);
    Validations.of(app).addPlugins(new OpsChecks({ packs: WORKLOAD_PACKS }), new OpsNagPack(app, { packs: WORKLOAD_PACKS }));
    OpsAspect.applyTo(app, { packs: WORKLOAD_PACKS });
    const result = synth(app);
    expect(result.error?.message).toContain('has no AlarmActions');

    const severity = (rule: string): string => (rule === 'alarm-actions' ? 'error' : 'warning');
    const expected = [...workloadFindings('Dev/Api'), ...workloadFindings('Prod/Api', true), 'alarm-coverage Shared/Fn/Resource', 'lambda-tracing Shared/Fn/Resource']
      .map((p) => `${p} ${severity(p.split(' ')[0])}`)
      .sort();
    const triples = (list: readonly { rule: string; path: string; severity: string }[]): string[] => list.map((r) => `${r.rule} ${r.path} ${r.severity}`).sort();

    const checks = rows(result.report).filter((r) => r.logicalId !== undefined);
    expect(triples(checks)).toEqual(expected);

    const nag = rows(result.report, 'opslint-nag');
    expect(nag.every((r) => r.rule.startsWith('Ops-'))).toBe(true);
    expect(triples(nag.filter((r) => r.path !== '').map((r) => ({ ...r, rule: r.rule.slice('Ops-'.length) })))).toEqual(expected);

    // synthesis failed, so the annotations are read from the cloud assembly on disk
    const stacks = new CloudAssembly(app.outdir).stacksRecursively;
    const aspect = stacks.flatMap((s) => annotated(s.messages)).map((a) => {
      const [level, rule, at] = a.split(' ');
      return { rule, path: at.replace(/^\//, ''), severity: level };
    });
    expect(triples(aspect)).toEqual(expected);

    // app-level rules run only in the plugins
    expect(pairs(rows(result.report).filter((r) => r.logicalId === undefined))).toEqual(['cloudtrail-present ', 'findings-in-stages ']);
    expect(pairs(nag.filter((r) => r.path === ''))).toEqual(['Ops-cloudtrail-present ']);
  });
});

describe('edge cases', () => {
  it('reads a stack with no resources (CDK writes only Parameters and Rules) instead of skipping it', () => {
    const app = newApp();
    const empty = new Stack(app, 'Empty');
    const service = new Stack(app, 'Service');
    new lambda.Function(service, 'Handler', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>({})') });
    Validations.of(app).addPlugins(new OpsChecks({ failOn: 'none' }));
    const result = synth(app);
    const { assembly, errors } = readCloudAssembly(app.outdir);
    expect(errors).toEqual([]);
    expect(assembly.stacks.map((s) => [s.stackName, s.template.resources.size > 0])).toEqual([
      [empty.stackName, false],
      [service.stackName, true],
    ]);
    expect(rows(result.report).filter((r) => r.rule === 'unreadable-template')).toEqual([]);
    expect(rows(result.report).map((r) => r.rule)).toContain('lambda-tracing');
  });

  it('OpsAspect keeps a warning whose acknowledgement gives no proper reason (CDK would hide it)', () => {
    const app = newApp();
    const stack = new Stack(app, 'Service');
    const fn = new lambda.Function(stack, 'Handler', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>({})') });
    Validations.of(fn).acknowledge({ id: 'opslint::lambda-tracing', reason: 'todo' });
    OpsAspect.applyTo(app, { rules: ['lambda-tracing'] });
    synth(app);
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/Service/Handler/Resource', Match.stringLikeRegexp('does not send traces to X-Ray'));
    annotations.hasError('/Service/Handler/Resource', Match.stringLikeRegexp('needs a reason of at least 10 characters'));
  });
});
