/**
 * What the CDK integrations say (lib/cdk/report.ts and the annotations of OpsAspect): a finding names the construct
 * the user wrote rather than its hashed logical id, and a stack or the app rather than a template or a cloud
 * assembly; an annotation points at the line of the user's code that created the construct, and carries the CDK
 * fix; an opslint info finding is an INFO annotation.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { IConstruct } from 'constructs';
import type { Stack as AssemblyStack } from '../lib/assembly/model';
import { OpsAspect, OpsChecks } from '../lib/cdk';
import { describeFinding } from '../lib/cdk/report';
import type { Finding } from '../lib/engine/finding';
import { templateFromText } from '../lib/template/load';
import alarmActions from '../rules/alarms/alarm-actions';
import alarmCoverage from '../rules/alarms/alarm-coverage';
import { DEV, fnProps, newApp, only, rows, setUpCdkTests, synth } from './helpers/cdk-apps';

setUpCdkTests();

/** The opslint annotations of one construct, with their level, text and trace, as the cloud assembly records them. */
function annotationsOf(c: IConstruct): { level: string; text: string; trace?: readonly string[] }[] {
  return c.node.metadata
    .filter((m) => /^aws:cdk:(error|warning|info)$/.test(m.type) && /opslint::/.test(String(m.data)))
    .map((m) => ({ level: m.type.slice('aws:cdk:'.length), text: String(m.data), trace: m.trace }));
}

/** The line of this file that holds `code`. */
function lineOf(code: string): number {
  return (
    fs
      .readFileSync(__filename, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(code)) + 1
  );
}

describe('describeFinding names constructs and says stack and app', () => {
  const file = '/app/cdk.out/DevApi.template.json';
  const stack: AssemblyStack = {
    id: 'DevApi',
    stackName: 'Dev-Api',
    constructPath: 'Dev/Api',
    environment: {},
    stages: ['Dev'],
    tags: {},
    template: templateFromText('{"Resources": {}}', file, { explicit: true })!,
    constructs: new Map([
      ['Handler886CB40B', { path: 'Dev/Api/Handler/Resource' }],
      ['ApiDeploymentStageprod1C6D5CD6', { path: 'Dev/Api/Api/DeploymentStage.prod/Resource' }],
      ['OrdersTable315BB997', { path: 'Dev/Api/Orders/Table/Default' }],
      ['Raw', { path: 'Dev/Api/Raw' }],
      ['AWS679f53fac002430cb0da5b7982bd22872D164C4C', { path: 'Dev/Api/AWS679f53fac002430cb0da5b7982bd2287/Resource' }],
    ]),
    frameworkResources: new Set(['AWS679f53fac002430cb0da5b7982bd22872D164C4C']),
  };
  const shown = (message: string, at: Partial<Finding> = {}): string =>
    describeFinding(
      {
        ruleId: 'r',
        pack: 'p',
        severity: 'warning',
        message,
        bestPractice: 'OPS04-BP05',
        question: 'OPS04',
        file,
        line: 1,
        column: 1,
        resource: 'Handler886CB40B',
        path: 'Resources.Handler886CB40B',
        docs: '',
        ...at,
      },
      { stacks: [stack] },
    );

  it('replaces each logical id of the stack that has a construct by its path in the stack, without Resource or Default', () => {
    expect(
      shown('Lambda function Handler886CB40B, stage ApiDeploymentStageprod1C6D5CD6, table OrdersTable315BB997.'),
    ).toBe(
      'Lambda function Handler, stage Api/DeploymentStage.prod, table Orders/Table. (OPS04-BP05 Implement distributed tracing)',
    );
    expect(shown('Resource Raw (Raw).')).toMatch(/^Resource Raw \(Raw\)\. /);
  });

  it('leaves the CDK own resources, ids without a construct and parts of words as they are', () => {
    expect(
      shown('AWS679f53fac002430cb0da5b7982bd22872D164C4C, Queue4A7E3555, XHandler886CB40B and Handler886CB40B_2.'),
    ).toMatch(/^AWS679f53fac002430cb0da5b7982bd22872D164C4C, Queue4A7E3555, XHandler886CB40B and Handler886CB40B_2\. /);
  });

  it('names a construct only in the stack of the finding', () => {
    expect(
      shown('Lambda function Handler886CB40B.', { file: '/app/cdk.out/Other.template.json', stack: 'Other' }),
    ).toMatch(/^Lambda function Handler886CB40B\. /);
  });

  it('says stack for template and app for cloud assembly, and leaves launch templates alone', () => {
    expect(
      shown(
        'Nothing in this template names it; This template, the same template and the template do not. ' +
          'The cloud assembly deploys this cloud assembly. Launch template Handler886CB40B and its launch template.',
      ),
    ).toMatch(
      /^Nothing in this stack names it; This stack, the same stack and the stack do not\. The app deploys this app\. Launch template Handler and its launch template\. /,
    );
  });
});

describe('in the output of a synthesized app', () => {
  it('OpsChecks names the construct of a nested path and says stack', () => {
    const app = newApp();
    const stack = new Stack(app, 'Service', { env: DEV });
    const fn = new lambda.Function(stack, 'Fn', fnProps);
    new apigateway.LambdaRestApi(stack, 'Api', { handler: fn });
    const topic = new sns.Topic(stack, 'OnCall');
    fn.metricErrors()
      .createAlarm(stack, 'FnErrors', { threshold: 1, evaluationPeriods: 1 })
      .addAlarmAction(new actions.SnsAction(topic));
    Validations.of(app).addPlugins(
      new OpsChecks({ rules: ['apigateway-tracing', 'alarm-topic-subscribed', 'multiple-environments'] }),
    );
    const found = rows(synth(app).report);
    expect(only(found, 'apigateway-tracing', 'Service/Api/DeploymentStage.prod/Resource').description).toMatch(
      /^API Gateway stage Api\/DeploymentStage\.prod does not send traces to X-Ray/,
    );
    expect(only(found, 'alarm-topic-subscribed', 'Service/OnCall/Resource').description).toMatch(
      /^SNS topic OnCall receives the notifications of alarm FnErrors but nothing in this stack subscribes to it/,
    );
    expect(only(found, 'multiple-environments', '').description).toMatch(/^The app deploys its only stack Service /);
  });

  it('OpsAspect says the same', () => {
    const app = newApp();
    const stack = new Stack(app, 'Service', { env: DEV });
    const topic = new sns.Topic(stack, 'OnCall');
    const fn = new lambda.Function(stack, 'Fn', fnProps);
    fn.metricErrors()
      .createAlarm(stack, 'FnErrors', { threshold: 1, evaluationPeriods: 1 })
      .addAlarmAction(new actions.SnsAction(topic));
    OpsAspect.applyTo(app, { rules: ['alarm-topic-subscribed'] });
    app.synth();
    expect(annotationsOf(topic.node.defaultChild!).map((a) => a.text)).toEqual([
      expect.stringMatching(
        /^SNS topic OnCall receives the notifications of alarm FnErrors but nothing in this stack subscribes to it/,
      ),
    ]);
  });
});

describe('OpsAspect annotations', () => {
  it('carry the trace of the line that created the construct, not of opslint', () => {
    const app = newApp();
    const stack = new Stack(app, 'Service', { env: DEV });
    const fn = new lambda.Function(stack, 'Traced', fnProps);
    OpsAspect.applyTo(app, { rules: ['lambda-tracing', 'alarm-coverage'] });
    app.synth();
    const annotations = annotationsOf(fn.node.defaultChild!);
    expect(annotations).toHaveLength(2);
    const here = `${path.basename(__filename)}:${lineOf("new lambda.Function(stack, 'Traced'")}:`;
    for (const { trace } of annotations) {
      // what the CDK CLI prints above the annotation: the first frame outside node_modules, if it has a location
      const first = trace?.find((frame) => !frame.includes('node_modules'));
      expect(first).toContain(here);
      expect(trace!.join('\n')).not.toContain(path.join('lib', 'cdk'));
    }
  });

  it('carry no trace when the CDK recorded none for the construct', () => {
    const app = newApp({ context: { 'aws:cdk:disable-creation-stack-traces': true } });
    const fn = new lambda.Function(new Stack(app, 'Service', { env: DEV }), 'Untraced', fnProps);
    OpsAspect.applyTo(app, { rules: ['lambda-tracing'] });
    app.synth();
    expect(annotationsOf(fn.node.defaultChild!)).toEqual([
      {
        level: 'warning',
        text: expect.stringMatching(/^Lambda function Untraced does not send traces/),
        trace: undefined,
      },
    ]);
  });

  it('carry the CDK fix for the resource type under the message, every line indented', () => {
    const app = newApp();
    const stack = new Stack(app, 'Service', { env: DEV });
    const table = new dynamodb.Table(stack, 'Orders', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
    });
    // on a metric of its own, so that the table stays without an alarm
    const alarm = new cloudwatch.Alarm(stack, 'Placed', {
      metric: new cloudwatch.Metric({ namespace: 'Orders', metricName: 'Placed' }),
      threshold: 1,
      evaluationPeriods: 1,
    });
    OpsAspect.applyTo(app, { rules: ['alarm-coverage', 'alarm-actions'] });
    app.synth();
    /** the fix an annotation shows, without its indentation and acknowledgement id */
    const fixIn = (text: string): string =>
      text
        .slice(text.indexOf('\n   Fix: ') + '\n   Fix: '.length)
        .replace(/ (\[ack: |\()opslint::[a-z-]+[\])]$/, '')
        .replace(/\n {3}/g, '\n');
    const [onTable] = annotationsOf(table.node.defaultChild!);
    expect(onTable.text).toMatch(/^DynamoDB table Orders .*\(OPS08-BP04 Create actionable alerts\)\n {3}Fix: /);
    expect(fixIn(onTable.text)).toBe(alarmCoverage.fix!.cdkFor!['AWS::DynamoDB::Table']);
    // an empty line of the fix is indented too: the CDK CLI separates findings with an empty line
    const [onAlarm] = annotationsOf(alarm.node.defaultChild!);
    expect(alarmActions.fix!.cdk).toContain('\n\n');
    expect(onAlarm.text).not.toContain('\n\n');
    expect(fixIn(onAlarm.text)).toBe(alarmActions.fix!.cdk);
  });

  it('print an opslint info finding as INFO, acknowledgeable by its rule id', () => {
    const app = newApp();
    const fn = new lambda.Function(new Stack(app, 'Service', { env: DEV }), 'Fn', fnProps);
    OpsAspect.applyTo(app, { rules: ['lambda-structured-logs'] });
    app.synth();
    expect(annotationsOf(fn.node.defaultChild!)).toEqual([
      {
        level: 'info',
        text: expect.stringMatching(
          /^Lambda function Fn writes plain-text logs; [^]* \(opslint::lambda-structured-logs\)$/,
        ),
        trace: expect.any(Array),
      },
    ]);
  });
});
