/**
 * `OpsChecks`, the CDK policy validation plugin (lib/cdk), on apps synthesized in-process with aws-cdk-lib:
 * through `app.synth()` and validation-report.json, its severities and failOn, called directly, acknowledgements
 * at every level (construct, Stack, Stage, App), and findings-in-stages. Apps are shared between assertions where
 * that keeps the tests readable.
 */
import * as path from 'node:path';
import {
  App,
  Stack,
  Stage,
  Validations,
  type IPolicyValidationPluginBeta1,
  type PolicyValidationPluginReport,
} from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Node, type IConstruct } from 'constructs';
import { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import { OpsChecks, type OpsCheckProps } from '../lib/cdk';
import { definePack, defineRule } from '../lib/engine/rule';
import { OpsNagPack } from '../lib/cdk/nag';
import { packageVersion } from '../lib/version';
import { UsageError } from '../lib/errors';
import alarmActions from '../rules/alarms/alarm-actions';
import lambdaTracing from '../rules/tracing/lambda-tracing';
import {
  DEV,
  PROD,
  REASON,
  WORKLOAD_PACKS,
  newApp,
  type Synthesized,
  synth,
  type Row,
  rows,
  pairs,
  only,
  cfn,
  fnProps,
  workload,
  stagedApp,
  workloadFindings,
  setUpCdkTests,
} from './helpers/cdk-apps';

setUpCdkTests();

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
      locations: ['Properties.TracingConfig.Mode'],
      // named by its construct, not its logical id
      description:
        'Lambda function Handler does not send traces to X-Ray; set TracingConfig.Mode to Active. (OPS04-BP05 Implement distributed tracing)',
      fix: lambdaTracing.fix!.cdk,
      // nothing CDK shows already: the description names the best practice, and CDK says how to acknowledge
      metadata: {
        'opslint severity': 'warning',
        Documentation: expect.stringMatching(/^https:\/\/docs\.aws\.amazon\.com\/wellarchitected\/.*\.html$/),
      },
    });

    const alarm = cfn(staged.prodApi.workerErrors);
    expect(only(found, 'alarm-actions', 'Prod/Api/WorkerErrors/Resource')).toMatchObject({
      severity: 'error',
      logicalId: alarm.logicalId,
      templatePath: path.join('assembly-Prod', alarm.stack.templateFile),
      locations: ['Properties.AlarmActions'],
      description: expect.stringMatching(
        /^Alarm WorkerErrors has no AlarmActions, .*\(OPS08-BP04 Create actionable alerts\)$/,
      ),
      fix: alarmActions.fix!.cdk,
      metadata: expect.objectContaining({ 'opslint severity': 'error' }),
    });

    // a finding about the whole resource has no property location
    const network = cfn(staged.devApi.network);
    expect(only(found, 'vpc-flow-logs', 'Dev/Api/Network')).toMatchObject({
      severity: 'warning',
      logicalId: network.logicalId,
      locations: undefined,
    });
  });

  it('names the nested stack resource and its construct path', () => {
    const job = cfn(staged.prodApi.job!);
    expect(job.stack.nested).toBe(true);
    expect(only(found, 'lambda-tracing', 'Prod/Api/Jobs/Job/Resource')).toMatchObject({
      severity: 'warning',
      logicalId: job.logicalId,
      templatePath: path.join('assembly-Prod', job.stack.templateFile),
      locations: ['Properties.TracingConfig.Mode'],
      // named in its own stack, the nested one
      description: expect.stringContaining('Lambda function Job does not send traces'),
    });
    expect(job.stack.templateFile).toMatch(/\.nested\.template\.json$/);
  });

  it('locates a finding at its property in the resource as CDK writes paths: items by index, keys with dots as they are', () => {
    const at = (name: string, path: (string | number)[]) =>
      defineRule({
        id: `where/${name}`,
        title: 'Where',
        bestPractice: 'OPS04-BP05',
        severity: 'warning',
        resourceTypes: ['AWS::SQS::Queue'],
        check: (_r, ctx) => ctx.report({ message: 'Here.', path }),
      });
    const rules = [
      at('resource', []),
      at('item', ['Properties', 'Tags', 0, 'Key']),
      at('dotted', ['Properties', 'RedrivePolicy', 'a.b', 'c']),
    ];
    const app = newApp();
    new CfnQueue(new Stack(app, 'Where'), 'Queue', { tags: [{ key: 'Owner', value: 'team' }] });
    Validations.of(app).addPlugins(
      new OpsChecks({ config: false, failOn: 'none', rulePacks: [definePack({ id: 'where', rules })] }),
    );
    const found = rows(synth(app).report).filter((r) => r.rule.startsWith('where/'));
    expect(found.map((r) => [r.rule, r.locations]).sort()).toEqual([
      ['where/dotted', ['Properties.RedrivePolicy.a.b.c']],
      ['where/item', ['Properties.Tags.0.Key']],
      ['where/resource', undefined],
    ]);
  });

  it('with cdk synth --debug, shows where the app overrode the property a finding is about', () => {
    // what `cdk synth --debug` sets for the app: CDK records a stack trace with each property override
    process.env.CDK_DEBUG = 'true';
    try {
      const app = newApp();
      const fn = new lambda.Function(new Stack(app, 'Debug'), 'Fn', fnProps);
      const overriddenAt = overrideTracing(fn);
      Validations.of(app).addPlugins(new OpsChecks({ rules: ['lambda-tracing'] }));
      const construct = synth(app)
        .report!.pluginReports.find((p) => p.pluginName === 'opslint')!
        .violations.find((v) => v.ruleName === 'lambda-tracing')!.violatingConstructs[0];
      expect(construct.cloudFormationResource?.propertyPaths).toEqual(['Properties.TracingConfig.Mode']);
      // where the function was created, then where its tracing was overridden
      expect(construct.stackTraces).toHaveLength(2);
      expect(construct.stackTraces![1]).toContain(overriddenAt);
    } finally {
      delete process.env.CDK_DEBUG;
    }
  });

  it('reports app-level findings at the app', () => {
    expect(only(found, 'cloudtrail-present', '')).toMatchObject({
      severity: 'info',
      logicalId: undefined,
      description: expect.stringMatching(
        /^No CloudTrail trail in any of the 2 stacks of this app; .*\(OPS04-BP02 Implement application telemetry\)$/,
      ),
    });
    // the blocking alarm-actions findings live in Stage stacks, which `cdk synth` alone does not show
    expect(only(found, 'findings-in-stages', '')).toMatchObject({
      severity: 'fatal',
      description: expect.stringMatching(
        /^2 finding\(s\) at or above "error" in stacks inside Stages \(Dev-Api, Prod-Api\)\. .*cdk synth '\*\*'/,
      ),
    });
  });
});

describe('OpsChecks severities and failOn', () => {
  /** One stack at the app level: an untraced function whose errors alarm an SNS topic; only warnings and info. */
  function warningsOnly(props: OpsCheckProps): App {
    const app = newApp();
    const stack = new Stack(app, 'Service');
    const fn = new lambda.Function(stack, 'Fn', fnProps);
    fn.metricErrors()
      .createAlarm(stack, 'FnErrors', { threshold: 1, evaluationPeriods: 1 })
      .addAlarmAction(new actions.SnsAction(new sns.Topic(stack, 'OnCall')));
    Validations.of(app).addPlugins(new OpsChecks({ packs: WORKLOAD_PACKS, ...props }));
    return app;
  }

  it('passes on warnings by default, and prints the report', () => {
    const result = synth(warningsOnly({}));
    expect(result.error).toBeUndefined();
    expect(result.report!.pluginReports[0].conclusion).toBe('success');
    expect(
      rows(result.report)
        .map((r) => [r.rule, r.path, r.severity])
        .sort(),
    ).toEqual([
      ['cloudtrail-present', 'Service', 'info'],
      ['lambda-tracing', 'Service/Fn/Resource', 'warning'],
      ['multiple-environments', '', 'warning'],
    ]);
    expect(result.printed).toContain('Lambda function Fn does not send traces to X-Ray');
    expect(only(rows(result.report), 'multiple-environments', '').description).toMatch(
      /^The app deploys its only stack Service to a single environment \(environment-agnostic, .*\(OPS05-BP08 Use multiple environments\)$/,
    );
  });

  it("fails on a warning with failOn: 'warning'; info stays info", () => {
    const result = synth(warningsOnly({ failOn: 'warning' }));
    expect(result.error?.message).toContain('does not send traces to X-Ray');
    expect(result.report!.pluginReports[0].conclusion).toBe('failure');
    expect(
      rows(result.report)
        .map((r) => [r.rule, r.severity])
        .sort(),
    ).toEqual([
      ['cloudtrail-present', 'info'],
      ['lambda-tracing', 'error'],
      ['multiple-environments', 'error'],
    ]);
  });

  it("fails on info with failOn: 'info'", () => {
    const result = synth(warningsOnly({ failOn: 'info' }));
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
    Validations.of(app).addPlugins(
      new OpsChecks({ rules: ['lambda-tracing', 'alarm-actions'], ruleSettings: { 'alarm-actions': 'warning' } }),
    );
    const result = synth(app);
    expect(result.error).toBeUndefined();
    expect(
      rows(result.report)
        .map((r) => `${r.rule} ${r.path} ${r.severity}`)
        .sort(),
    ).toEqual([
      'alarm-actions Dev/Api/WorkerErrors/Resource warning',
      'alarm-actions Prod/Api/WorkerErrors/Resource warning',
      'lambda-tracing Dev/Api/Handler/Resource warning',
      'lambda-tracing Prod/Api/Handler/Resource warning',
      'lambda-tracing Prod/Api/Jobs/Job/Resource warning',
    ]);
  });

  it('throws at construction for an unknown rule id', () => {
    expect(() => new OpsChecks({ rules: ['lambda-tracin'] })).toThrow(UsageError);
    expect(() => new OpsChecks({ rules: ['lambda-tracin'] })).toThrow(
      'unknown rule "lambda-tracin" (did you mean "lambda-tracing"?)',
    );
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
      locations: ['Properties.AlarmActions'],
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
    return report.violations
      .flatMap((v) =>
        v.violatingResources
          .filter((r) => r.resourceLogicalId)
          .map((r) => `${v.ruleName} ${r.resourceLogicalId} ${path.relative(staged.app.outdir, r.templatePath!)}`),
      )
      .sort();
  }

  it('gives the same violations as during synthesis, with absolute template paths', () => {
    expect(assembly.stacksRecursively.map((s) => s.hierarchicalId).sort()).toEqual(['Dev/Api', 'Prod/Api']);
    const report = new OpsChecks({ packs: WORKLOAD_PACKS }).validate(context());
    expect(report.success).toBe(false);
    expect(report.pluginVersion).toBe(packageVersion());

    const handler = cfn(staged.devApi.handler);
    const tracing = report.violations.find(
      (v) => v.ruleName === 'lambda-tracing' && v.violatingResources[0].resourceLogicalId === handler.logicalId,
    )!;
    expect(tracing).toMatchObject({
      severity: 'warning',
      fix: lambdaTracing.fix!.cdk,
      description: expect.stringContaining('(OPS04-BP05 Implement distributed tracing)'),
      violatingResources: [
        {
          resourceLogicalId: handler.logicalId,
          templatePath: path.join(staged.app.outdir, 'assembly-Dev', handler.stack.templateFile),
          locations: ['Properties.TracingConfig.Mode'],
        },
      ],
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
    const byPath = report.violations
      .filter((v) => !v.violatingResources[0].resourceLogicalId)
      .map((v) => `${v.ruleName} ${v.violatingResources[0].constructPath}`);
    expect(byPath.sort()).toEqual(['cloudtrail-present ', 'findings-in-stages ']);
  });

  it('checks only the stacks it is given (a plugin on a Stage), with their nested stacks', () => {
    const prodOnly = assembly.stacksRecursively.filter((s) => s.hierarchicalId === 'Prod/Api');
    const report = new OpsChecks({ failOn: 'none', packs: ['tracing'] }).validate(context(prodOnly));
    expect(report.success).toBe(true);
    expect(resourceRows(report).map((r) => r.split(' ').slice(0, 2).join(' '))).toEqual(
      [
        `lambda-tracing ${cfn(staged.prodApi.handler).logicalId}`,
        `lambda-tracing ${cfn(staged.prodApi.job!).logicalId}`,
      ].sort(),
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
    expect(pairs(rows(result.report)).filter((p) => p.startsWith('lambda-tracing'))).toEqual([
      'lambda-tracing Dev/Api/Handler/Resource',
    ]);
    expect(
      rows(result.report, 'opslint', 'suppressedViolations')
        .map((r) => [r.path, r.acknowledgedAt])
        .sort(),
    ).toEqual([
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
    expect(pairs(rows(result.report)).filter((p) => p.startsWith('alarm-actions'))).toEqual([
      'alarm-actions Prod/Api/WorkerErrors/Resource',
    ]);
    expect(only(rows(result.report), 'findings-in-stages', '').description).toMatch(
      /^1 finding\(s\) at or above "error" in stacks inside Stages \(Prod-Api\)\./,
    );
    expect(rows(result.report, 'opslint', 'suppressedViolations')).toEqual([
      expect.objectContaining({
        rule: 'alarm-actions',
        path: 'Dev/Api/WorkerErrors/Resource',
        acknowledgedAt: 'Dev',
        reason: REASON,
        severity: 'error',
      }),
    ]);
  });

  it('in every Stage: the blocking findings are acknowledged, findings-in-stages disappears and synthesis passes', () => {
    const { app, dev, prod } = stagedApp();
    for (const stage of [dev, prod])
      Validations.of(stage).acknowledge({ id: 'opslint::alarm-actions', reason: REASON });
    Validations.of(app).addPlugins(new OpsChecks());
    const result = synth(app);
    expect(result.error).toBeUndefined();
    expect(result.report!.pluginReports[0].conclusion).toBe('success');
    expect(rows(result.report).map((r) => r.rule)).not.toContain('findings-in-stages');
    expect(rows(result.report).map((r) => r.rule)).not.toContain('alarm-actions');
    expect(
      rows(result.report, 'opslint', 'suppressedViolations')
        .map((r) => [r.path, r.acknowledgedAt])
        .sort(),
    ).toEqual([
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
    expect(
      rows(result.report, 'opslint', 'suppressedViolations')
        .map((r) => [r.rule, r.path, r.acknowledgedAt, r.reason])
        .sort(),
    ).toEqual([
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
      if (acknowledge)
        Validations.of(prod).acknowledge({
          id: 'opslint::production-account-region',
          reason: 'the pipeline picks the account',
        });
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
    expect(only(rows(open.report), 'findings-in-stages', '').description).toContain(
      '1 finding(s) at or above "error" in stacks inside Stages (Prod-Api)',
    );
    // OpsNagPack names the stack too
    expect(rows(open.report, 'opslint-nag').map((r) => [r.rule, r.path, r.severity])).toEqual([
      ['Ops-production-account-region', 'Prod/Api', 'error'],
      ['Ops-findings-in-stages', '', 'fatal'],
    ]);

    const acknowledged = build(true);
    expect(acknowledged.error).toBeUndefined();
    expect(pairs(rows(acknowledged.report))).toEqual(['acknowledged-findings ']);
    expect(
      rows(acknowledged.report, 'opslint', 'suppressedViolations').map((r) => [r.rule, r.path, r.acknowledgedAt]),
    ).toEqual([['production-account-region', 'Prod/Api', 'Prod']]);
  });

  it('a reason that is too short adds a fatal violation, at the app for a construct in a Stage (plain cdk synth shows it there), which cannot itself be acknowledged', () => {
    const { app, devApi } = stagedApp();
    Validations.of(devApi.handler).acknowledge({ id: 'opslint::lambda-tracing', reason: 'todo' });
    Validations.of(app).acknowledge({ id: 'opslint::alarm-actions', reason: REASON });
    Validations.of(app).acknowledge({
      id: 'opslint::acknowledgement-reason',
      reason: 'trying to silence the check of reasons',
    });
    Validations.of(app).addPlugins(new OpsChecks());
    const result = synth(app);
    expect(result.error?.message).toContain('needs a reason of at least 10 characters');
    expect(only(rows(result.report), 'acknowledgement-reason', '')).toMatchObject({
      severity: 'fatal',
      description:
        'Acknowledgement of opslint::lambda-tracing at Dev/Api/Handler needs a reason of at least 10 characters (got "todo"); say why the finding does not apply.',
    });
    expect(rows(result.report).filter((r) => r.rule === 'acknowledgement-reason')).toHaveLength(1);
  });

  it('a placeholder for a reason is fatal as a short one is, and the plugin counts nothing as acknowledged by it', () => {
    const { app, devApi } = stagedApp();
    Validations.of(devApi.handler).acknowledge({
      id: 'opslint::lambda-tracing',
      reason: 'TODO: ask the platform team whether the mesh traces it',
    });
    Validations.of(app).addPlugins(new OpsChecks({ failOn: 'none' }));
    const result = synth(app);
    expect(only(rows(result.report), 'acknowledgement-reason', '')).toMatchObject({
      severity: 'fatal',
      description:
        'Acknowledgement of opslint::lambda-tracing at Dev/Api/Handler has a placeholder for a reason (got "TODO: ask the platform team whether the mesh traces it"); say why the finding does not apply.',
    });
    expect(result.error?.message).toContain('has a placeholder for a reason');
    expect(rows(result.report).filter((r) => r.rule === 'acknowledged-findings')).toEqual([]);
  });

  it('minReasonLength sets the shortest reason', () => {
    const { app, prodApi } = stagedApp();
    Validations.of(prodApi.stack).acknowledge({ id: 'opslint::alarm-actions', reason: REASON });
    Validations.of(app).acknowledge({ id: 'opslint::alarm-coverage', reason: 'dashboards cover the functions' });
    Validations.of(app).addPlugins(new OpsChecks({ minReasonLength: 40 }));
    const result = synth(app);
    expect(pairs(rows(result.report)).filter((p) => p.startsWith('acknowledgement-'))).toEqual([
      'acknowledgement-reason ',
      'acknowledgement-reason ',
    ]);
    expect(
      rows(result.report)
        .filter((r) => r.rule === 'acknowledgement-reason')
        .map((r) => r.description)
        .sort(),
    ).toEqual([
      'Acknowledgement of opslint::alarm-actions at Prod/Api needs a reason of at least 40 characters (got "covered by the platform team dashboard"); say why the finding does not apply.',
      'Acknowledgement of opslint::alarm-coverage at the app needs a reason of at least 40 characters (got "dashboards cover the functions"); say why the finding does not apply.',
    ]);
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
      description:
        'Acknowledgement of opslint::no-such-rule at Service names no opslint rule; `opslint rules` lists them.',
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
    expect(pairs(rows(result.report)).filter((p) => p.startsWith('alarm-actions'))).toEqual([
      'alarm-actions Dev/WorkerErrors/Resource',
      'alarm-actions Prod/WorkerErrors/Resource',
    ]);
    expect(rows(result.report).map((r) => r.rule)).not.toContain('findings-in-stages');
  });
});

describe('OpsChecks and the construct tree', () => {
  /**
   * How many times validate() reads the children of the app of `stages` Stages (once per walk of the whole tree),
   * and the most times it reads those of any one construct.
   */
  function walks(stages: number): { app: number; most: number } {
    const app = newApp();
    for (let i = 0; i < stages; i++) workload(new Stage(app, `Env${i}`, { env: DEV }), 'Api');
    const plugin = new OpsChecks({ failOn: 'none' });
    const validate = plugin.validate.bind(plugin);
    const reads = new Map<Node, number>();
    let counting = false;
    const getter = Object.getOwnPropertyDescriptor(Node.prototype, 'children')!.get!;
    const children = jest.spyOn(Node.prototype, 'children', 'get').mockImplementation(function (this: Node) {
      if (counting) reads.set(this, (reads.get(this) ?? 0) + 1);
      return getter.call(this) as IConstruct[];
    });
    plugin.validate = (context) => {
      counting = true;
      try {
        return validate(context);
      } finally {
        counting = false;
      }
    };
    Validations.of(app).addPlugins(plugin);
    try {
      synth(app);
    } finally {
      children.mockRestore();
    }
    return { app: reads.get(app.node) ?? 0, most: Math.max(0, ...reads.values()) };
  }

  it('walks it once per validation, however many Stages the app has', () => {
    expect(walks(1)).toEqual({ app: 1, most: 1 });
    expect(walks(4)).toEqual({ app: 1, most: 1 });
  });
});

/** Overrides the function's tracing mode to PassThrough; returns `file:line` of the call that does it. */
function overrideTracing(fn: lambda.Function): string {
  const here = { stack: '' };
  Error.captureStackTrace(here);
  (fn.node.defaultChild as lambda.CfnFunction).addPropertyOverride('TracingConfig.Mode', 'PassThrough');
  // the frame of this function, one line down from where the trace was taken
  const [, file, line] = /\((.*):(\d+):\d+\)/.exec(here.stack.split('\n')[1])!;
  return `${path.basename(file)}:${Number(line) + 1}`;
}
