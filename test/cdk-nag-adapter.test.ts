/**
 * `OpsNagPack`, the cdk-nag 3 adapter, on one app synthesized in-process: each finding with its own text
 * (cdk-nag 3 keeps one text per rule id), opslint severities as they are (cdk-nag reports everything below
 * ERROR as a warning), acknowledgements the cdk-nag way (by rule id, or by rule id for one resource), and the
 * Stage guard, so that a failing `cdk synth` always prints why.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { OpsNagPack } from '../lib/cdk/nag';
import alarmCoverage from '../rules/alarms/alarm-coverage';
import lambdaTracing from '../rules/tracing/lambda-tracing';
import {
  DEV,
  REASON,
  type Row,
  type Synthesized,
  cfn,
  fnProps,
  newApp,
  only,
  pairs,
  rows,
  setUpCdkTests,
  stagedApp,
  synth,
  type Workload,
} from './helpers/cdk-apps';

setUpCdkTests();

let result: Synthesized;
let found: Row[];
let devApi: Workload;

beforeAll(() => {
  const staged = stagedApp();
  devApi = staged.devApi;
  // a top-level stack with three resource types that alarm-coverage reports
  const stack = new Stack(staged.app, 'Service', { env: DEV });
  const dlq = new sqs.Queue(stack, 'DeadLetters');
  new lambda.Function(stack, 'Fn', { ...fnProps, deadLetterQueue: dlq });
  new dynamodb.Table(stack, 'Orders', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
  // by rule id, on a construct: every finding of the rule at or below it
  Validations.of(devApi.handler).acknowledge({ id: 'Ops-alarm-coverage', reason: REASON });
  // by rule id for one resource, as cdk-nag's AwsSolutions-IAM5[Action::s3:*]: only that resource
  Validations.of(devApi.stack).acknowledge({
    id: `Ops-lambda-tracing[${cfn(devApi.handler).logicalId}]`,
    reason: REASON,
  });
  // with the id CDK prints (`Acknowledge with 'opslint-nag::Ops-alarm-actions'`), at a Stage
  Validations.of(staged.dev).acknowledge({ id: 'opslint-nag::Ops-alarm-actions', reason: REASON });
  Validations.of(staged.app).addPlugins(new OpsNagPack(staged.app));
  result = synth(staged.app);
  found = rows(result.report, 'opslint-nag');
});

describe('each finding has its own text', () => {
  it('three resources of different types under one rule', () => {
    const coverage = found.filter((r) => r.rule === 'Ops-alarm-coverage' && r.path.startsWith('Service/'));
    expect(pairs(coverage)).toEqual([
      'Ops-alarm-coverage Service/DeadLetters/Resource',
      'Ops-alarm-coverage Service/Fn/Resource',
      'Ops-alarm-coverage Service/Orders/Resource',
    ]);
    const text = (r: Row): string => r.description;
    // each names its construct, as OpsChecks and OpsAspect do
    expect(text(only(coverage, 'Ops-alarm-coverage', 'Service/Orders/Resource'))).toMatch(/^DynamoDB table Orders /);
    expect(text(only(coverage, 'Ops-alarm-coverage', 'Service/Fn/Resource'))).toMatch(/^Lambda function Fn /);
    expect(text(only(coverage, 'Ops-alarm-coverage', 'Service/DeadLetters/Resource'))).toMatch(
      /^Dead-letter queue DeadLetters /,
    );
  });
});

describe('the CDK fix', () => {
  it('each finding carries the fix for its resource type, which the CDK prints as its suggested fix', () => {
    const fixOf = (path: string): string | undefined => only(found, 'Ops-alarm-coverage', path).fix;
    expect(fixOf('Service/Orders/Resource')).toBe(alarmCoverage.fix!.cdkFor!['AWS::DynamoDB::Table']);
    expect(fixOf('Service/Fn/Resource')).toBe(alarmCoverage.fix!.cdkFor!['AWS::Lambda::Function']);
    expect(fixOf('Service/DeadLetters/Resource')).toBe(alarmCoverage.fix!.cdkFor!['AWS::SQS::Queue']);
    expect(only(found, 'Ops-lambda-tracing', 'Service/Fn/Resource').fix).toBe(lambdaTracing.fix!.cdk);
  });

  it("with cdk-nag's verbose, the text of each finding goes on with its rule's explanation", () => {
    const app = newApp();
    new lambda.Function(new Stack(app, 'Service', { env: DEV }), 'Fn', fnProps);
    Validations.of(app).addPlugins(new OpsNagPack(app, { rules: ['lambda-tracing'], verbose: true }));
    expect(only(rows(synth(app).report, 'opslint-nag'), 'Ops-lambda-tracing', 'Service/Fn/Resource')).toMatchObject({
      description: `Lambda function Fn does not send traces to X-Ray; set TracingConfig.Mode to Active. (OPS04-BP05 Implement distributed tracing) ${lambdaTracing.why}`,
      fix: lambdaTracing.fix!.cdk,
    });
  });
});

describe('severities', () => {
  it('keep opslint info as info, a warning as a warning, a blocking finding as an error', () => {
    expect(only(found, 'Ops-lambda-structured-logs', 'Service/Fn/Resource').severity).toBe('info');
    expect(only(found, 'Ops-alarm-coverage', 'Service/Fn/Resource').severity).toBe('warning');
    expect(only(found, 'Ops-alarm-actions', 'Prod/Api/WorkerErrors/Resource').severity).toBe('error');
  });
});

describe('acknowledgements', () => {
  it('by rule id cover the construct, by rule id with a logical id only that resource', () => {
    const at = (rule: string, stack: string): string[] =>
      pairs(found.filter((r) => r.rule === rule && r.path.startsWith(`${stack}/`)));
    expect(at('Ops-alarm-coverage', 'Dev/Api')).toEqual([]);
    expect(at('Ops-alarm-coverage', 'Prod/Api')).toEqual([
      'Ops-alarm-coverage Prod/Api/Handler/Resource',
      'Ops-alarm-coverage Prod/Api/Jobs/Job/Resource',
    ]);
    expect(at('Ops-lambda-tracing', 'Dev/Api')).toEqual([]);
    expect(at('Ops-lambda-tracing', 'Prod/Api')).toEqual([
      'Ops-lambda-tracing Prod/Api/Handler/Resource',
      'Ops-lambda-tracing Prod/Api/Jobs/Job/Resource',
    ]);
  });
});

describe('the Stage guard', () => {
  it('names the blocking findings in Stages at the app, fatal, so a failing plain cdk synth shows an error', () => {
    // Dev's alarm-actions finding is acknowledged with the id CDK prints: not reported, and not counted here
    expect(pairs(found.filter((r) => r.rule === 'Ops-alarm-actions' && r.path.includes('/Api/')))).toEqual([
      'Ops-alarm-actions Prod/Api/WorkerErrors/Resource',
    ]);
    expect(only(found, 'Ops-findings-in-stages', '')).toMatchObject({
      severity: 'fatal',
      description: expect.stringMatching(/^1 finding\(s\) at or above "error" in stacks inside Stages \(Prod-Api\)\. /),
    });
    // what plain `cdk synth` prints: the app and the top-level stack Service; it fails, so one of them says why
    const printed = found.filter((r) => r.path === '' || r.path.startsWith('Service/'));
    expect(result.error).toBeDefined();
    expect(printed.filter((r) => r.severity === 'error' || r.severity === 'fatal').map((r) => r.rule)).toEqual([
      'Ops-findings-in-stages',
    ]);
  });
});
