/**
 * What the CDK integration tests (test/cdk-*.test.ts) share: apps built in-process with a fresh outdir and no
 * built-in CloudFormation validation (the first synth with it loads the resource schemas: ~7 s), synthesized
 * with validation-report.json read back, and the workload whose findings they compare.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Duration, NestedStack, Stack, Stage, type AppProps, type CfnElement } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct, IConstruct } from 'constructs';

// ---------------------------------------------------------------------------------------------------------
// Building and synthesizing apps

const CONTEXT = { 'aws:cdk:enable-path-metadata': true, 'aws:cdk:enable-asset-metadata': true };
export const DEV = { account: '111111111111', region: 'eu-west-1' };
export const PROD = { account: '222222222222', region: 'eu-west-1' };
export const REASON = 'covered by the platform team dashboard';
/**
 * The packs the workload is about (tracing, alarms, flow logs, CloudTrail, environments): tests that compare
 * a full list of findings run these, so that they stay about the integration and not about the catalogue.
 */
export const WORKLOAD_PACKS = ['alarms', 'cloudtrail', 'flow-logs', 'tracing', 'environments'];

/** every app's outdir, removed after the tests */
const outdirs: string[] = [];

export function newApp(props: AppProps = {}): App {
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
    readonly suppressedViolations?: readonly (ReportViolation & {
      acknowledgedId: string;
      reason?: string;
      acknowledgedAt?: string;
    })[];
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
    readonly cloudFormationResource?: {
      readonly templatePath: string;
      readonly logicalId: string;
      readonly propertyPaths?: readonly string[];
    };
    /** where the construct was created, then where the app changed the properties the violation is about */
    readonly stackTraces?: readonly string[];
  }[];
}

export interface Synthesized {
  /** what `app.synth()` threw (validation failed) */
  readonly error?: Error;
  readonly assembly?: CloudAssembly;
  readonly report?: ValidationReport;
  /** what CDK printed with console.error (a passing validation that reports) */
  readonly printed: string;
}

export function synth(app: App): Synthesized {
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
export interface Row {
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

export function rows(
  report: ValidationReport | undefined,
  plugin = 'opslint',
  which: 'violations' | 'suppressedViolations' = 'violations',
): Row[] {
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
        ...(which === 'suppressedViolations'
          ? { acknowledgedId: ack.acknowledgedId, reason: ack.reason, acknowledgedAt: ack.acknowledgedAt }
          : {}),
      });
    }
  }
  return out;
}

/** `rule path`, sorted: the shape most assertions compare. */
export function pairs(list: readonly Pick<Row, 'rule' | 'path'>[]): string[] {
  return list.map((r) => `${r.rule} ${r.path}`).sort();
}

export function only(list: readonly Row[], rule: string, constructPath: string): Row {
  const found = list.filter((r) => r.rule === rule && r.path === constructPath);
  if (found.length !== 1)
    throw new Error(`expected one ${rule} at ${constructPath}, got ${found.length}: ${pairs(list).join('; ')}`);
  return found[0];
}

/** The L1 resource behind a construct: its path, logical id and stack. */
export function cfn(construct: IConstruct): { path: string; logicalId: string; stack: Stack } {
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
export function annotated(messages: readonly { level: string; id: string; entry: { data?: unknown } }[]): string[] {
  return messages
    .filter((m) => ruleOf(m.entry.data))
    .map((m) => `${m.level} ${ruleOf(m.entry.data)} ${m.id}`)
    .sort();
}

export function allMessages(annotations: Annotations) {
  return [
    ...annotations.findError('*', Match.anyValue()),
    ...annotations.findWarning('*', Match.anyValue()),
    ...annotations.findInfo('*', Match.anyValue()),
  ];
}

// ---------------------------------------------------------------------------------------------------------
// The workload: what each finding is about

export interface Workload {
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
export const fnProps = { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code };

export function workload(
  scope: Construct,
  id: string,
  opts: { env?: { account: string; region: string }; nested?: boolean } = {},
): Workload {
  const stack = new Stack(scope, id, { env: opts.env });
  const handler = new lambda.Function(stack, 'Handler', fnProps);
  const worker = new lambda.Function(stack, 'Worker', { ...fnProps, tracing: lambda.Tracing.ACTIVE });
  const workerErrors = worker
    .metricErrors({ period: Duration.minutes(1) })
    .createAlarm(stack, 'WorkerErrors', { threshold: 1, evaluationPeriods: 1 });
  const network = new ec2.CfnVPC(stack, 'Network', { cidrBlock: '10.0.0.0/16' });
  let job: lambda.Function | undefined;
  if (opts.nested) job = new lambda.Function(new NestedStack(stack, 'Jobs'), 'Job', fnProps);
  return { stack, handler, worker, workerErrors, network, job };
}

/** Dev and Prod Stages, each in its own account, with the workload in stack `Api`; Prod's has a nested stack. */
export function stagedApp(props: AppProps = {}): {
  app: App;
  dev: Stage;
  prod: Stage;
  devApi: Workload;
  prodApi: Workload;
} {
  const app = newApp(props);
  const dev = new Stage(app, 'Dev', { env: DEV });
  const prod = new Stage(app, 'Prod', { env: PROD });
  return { app, dev, prod, devApi: workload(dev, 'Api'), prodApi: workload(prod, 'Api', { nested: true }) };
}

/** The resource findings of the workload in a stack at `at` (e.g. `Dev/Api`), as `rule path` pairs. */
export function workloadFindings(at: string, nested = false): string[] {
  return [
    `alarm-actions ${at}/WorkerErrors/Resource`,
    `alarm-coverage ${at}/Handler/Resource`,
    `lambda-tracing ${at}/Handler/Resource`,
    `vpc-flow-logs ${at}/Network`,
    ...(nested ? [`alarm-coverage ${at}/Jobs/Job/Resource`, `lambda-tracing ${at}/Jobs/Job/Resource`] : []),
  ];
}

/**
 * The file-level setup of a CDK test file, called once at its top: jsii's deprecation notices kept out of the
 * output while it runs, and its apps' outdirs removed after it.
 */
export function setUpCdkTests(): void {
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
}
