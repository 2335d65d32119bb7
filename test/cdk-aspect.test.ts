/**
 * `OpsAspect` (lib/cdk): findings as annotations on the constructs, acknowledgements, nested and app-level
 * stacks, failOn, and Stages that CDK Aspects do not reach.
 */
import { App, Aspects, Stack, Stage, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { OpsAspect } from '../lib/cdk';
import {
  DEV,
  REASON,
  WORKLOAD_PACKS,
  newApp,
  cfn,
  annotated,
  allMessages,
  type Workload,
  fnProps,
  workload,
  stagedApp,
  setUpCdkTests,
} from './helpers/cdk-apps';

setUpCdkTests();

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
    const sharedFn = new lambda.Function(shared, 'Fn', fnProps);
    // in Prod a good acknowledgement; in the top-level stack one whose reason is too short (in a Stage it would be
    // the plugin's, at the app, failing the synthesis that reading annotations needs)
    Validations.of(prod.workerErrors).acknowledge({ id: 'opslint::alarm-actions', reason: REASON });
    Validations.of(sharedFn).acknowledge({ id: 'opslint::alarm-coverage', reason: 'later' });
    // the Stage guard would fail the synthesis that reading the annotations needs: it has its own test
    OpsAspect.applyTo(app, { packs: WORKLOAD_PACKS, ruleSettings: { 'vpc-flow-logs': 'info' }, stageGuard: false });
  });

  it('annotates findings at or above failOn as errors, below as acknowledgeable warnings, info as info', () => {
    const annotations = Annotations.fromStack(dev.stack);
    annotations.hasError(
      `/${cfn(dev.workerErrors).path}`,
      'Alarm WorkerErrors has no AlarmActions, so nobody is told when it goes into ALARM; add an SNS topic (or another action) to AlarmActions. ' +
        '(OPS08-BP04 Create actionable alerts)\n' +
        '   Fix: import * as cw_actions from "aws-cdk-lib/aws-cloudwatch-actions";\n   \n' +
        '   alarm.addAlarmAction(new cw_actions.SnsAction(onCallTopic));\n' +
        '   // or: new cloudwatch.CompositeAlarm(this, "Health", { alarmRule: cloudwatch.AlarmRule.anyOf(errors, latency) })\n' +
        '   //       .addAlarmAction(new cw_actions.SnsAction(onCallTopic)); (opslint::alarm-actions)',
    );
    annotations.hasWarning(
      '/Dev/Api/Handler/Resource',
      'Lambda function Handler does not send traces to X-Ray; set TracingConfig.Mode to Active. ' +
        '(OPS04-BP05 Implement distributed tracing)\n' +
        '   Fix: new lambda.Function(this, "Fn", { /* … */ tracing: lambda.Tracing.ACTIVE }); [ack: opslint::lambda-tracing]',
    );
    annotations.hasWarning(
      '/Dev/Api/Handler/Resource',
      Match.stringLikeRegexp('has no CloudWatch alarm on its metrics[^]*\\[ack: opslint::alarm-coverage\\]$'),
    );
    annotations.hasInfo(
      '/Dev/Api/Network',
      Match.stringLikeRegexp(
        '^VPC Network has no flow log; .*\\(OPS04-BP04 Implement dependency telemetry\\)\\n   Fix: [^]*\\(opslint::vpc-flow-logs\\)$',
      ),
    );

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
    annotations.hasInfo(
      '/Prod/Api/WorkerErrors/Resource',
      Match.stringLikeRegexp(
        `^Acknowledged \\(${REASON}\\): Alarm WorkerErrors has no AlarmActions.*\\(OPS08-BP04 Create actionable alerts\\) \\(opslint::alarm-actions\\)$`,
      ),
    );
    expect(annotations.findError('/Prod/Api/WorkerErrors/Resource', Match.anyValue())).toEqual([]);
    // an acknowledgement with a short reason fails synthesis, said where it was made (CDK itself would hide the
    // warning whose id it names: the finding stays, as a warning without an id)
    const shortReason = Annotations.fromStack(shared);
    shortReason.hasError(
      '/Shared/Fn',
      'Acknowledgement of opslint::alarm-coverage at Shared/Fn needs a reason of at least 10 characters (got "later"); say why the finding does not apply. (opslint::acknowledgement-reason)',
    );
    shortReason.hasWarning('/Shared/Fn/Resource', Match.stringLikeRegexp('has no CloudWatch alarm on its metrics'));
  });

  it('covers nested stacks and app-level stacks; app-level rules are left to the plugins', () => {
    const annotations = Annotations.fromStack(prod.stack);
    annotations.hasWarning(
      '/Prod/Api/Jobs/Job/Resource',
      // named in its own stack, the nested one
      Match.stringLikeRegexp('^Lambda function Job does not send traces'),
    );
    expect(annotated(allMessages(Annotations.fromStack(shared)))).toEqual([
      'error acknowledgement-reason /Shared/Fn',
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
    expect(annotated(allMessages(annotations))).toEqual([
      'error acknowledgement-reason /Api/Second',
      'error lambda-tracing /Api/Handler/Resource',
      'error lambda-tracing /Api/Second/Resource',
    ]);
    annotations.hasError(
      '/Api/Handler/Resource',
      Match.stringLikeRegexp('does not send traces to X-Ray[^]*\\(opslint::lambda-tracing\\)$'),
    );
    annotations.hasError(
      '/Api/Second',
      Match.stringLikeRegexp(
        '^Acknowledgement of opslint::lambda-tracing at Api/Second needs a reason of at least 10 characters \\(got "n/a"\\)',
      ),
    );
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
  });

  it('applied right after new App(), it checks the stacks of Stages created afterwards', () => {
    const other = newApp();
    OpsAspect.applyTo(other, { rules: ['lambda-tracing'] });
    const dev = workload(new Stage(other, 'Dev', { env: DEV }), 'Api');
    expect(() => other.synth()).not.toThrow();
    const warnings = cfn(dev.handler)
      .stack.node.findChild('Handler')
      .node.findChild('Resource')
      .node.metadata.filter((m) => m.type === 'aws:cdk:warning')
      .map((m) => String(m.data));
    expect(warnings).toEqual([expect.stringMatching(/^Lambda function Handler does not send traces to X-Ray/)]);
  });

  it('fails synthesis with one fatal findings-in-stages violation when a stack in a Stage has a finding that fails it', () => {
    const other = newApp();
    OpsAspect.applyTo(other, { rules: ['alarm-actions', 'lambda-tracing'] });
    workload(new Stage(other, 'Dev', { env: DEV }), 'Api');
    expect(() => other.synth()).toThrow(
      /FATAL 1 finding\(s\) at or above "error" in stacks inside Stages \(Dev-Api\)\. `cdk synth` without stack names lists only top-level stacks/,
    );
    // warnings alone, or the guard turned off, let it synthesize
    const warned = newApp();
    OpsAspect.applyTo(warned, { rules: ['lambda-tracing'] });
    workload(new Stage(warned, 'Dev', { env: DEV }), 'Api');
    expect(() => warned.synth()).not.toThrow();
    const off = newApp();
    OpsAspect.applyTo(off, { rules: ['alarm-actions'], stageGuard: false });
    workload(new Stage(off, 'Dev', { env: DEV }), 'Api');
    expect(() => off.synth()).not.toThrow();
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
    Annotations.fromStack(api.stack).hasError(
      `/${cfn(api.workerErrors).path}`,
      Match.stringLikeRegexp('has no AlarmActions'),
    );
  });
});
