/**
 * Advice that fits the resource: `OpsChecks` shows, for a finding on a resource, the CDK fix of the rule for
 * that resource's CloudFormation type (`fix.cdkFor`), and the rule's general CDK fix for any other; and the
 * code of those fixes does remove the findings.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { OpsChecks } from '../lib/cdk';
import type { RuleFix } from '../lib/engine/rule';
import alarmCoverage from '../rules/alarms/alarm-coverage';
import deletionProtection from '../rules/recovery/deletion-protection';
import lambdaTracing from '../rules/tracing/lambda-tracing';
import { PROD, fnProps, newApp, only, rows, setUpCdkTests, synth, type Row } from './helpers/cdk-apps';

setUpCdkTests();

describe('OpsChecks picks the CDK fix for the type of the resource a finding is on', () => {
  let found: Row[];
  beforeAll(() => {
    const app = newApp();
    // a production stack with no alarms and no deletion protection
    const stack = new Stack(app, 'Orders', { env: PROD });
    new dynamodb.Table(stack, 'OrdersTable', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    const dlq = new sqs.Queue(stack, 'OrdersDlq');
    new lambda.Function(stack, 'OrdersFunction', { ...fnProps, deadLetterQueue: dlq });
    Validations.of(app).addPlugins(new OpsChecks({ packs: ['alarms', 'recovery', 'tracing'] }));
    found = rows(synth(app).report);
  });

  const perType = (rule: { readonly id: string; readonly fix?: RuleFix }, type: string): string => {
    const fix = rule.fix?.cdkFor?.[type];
    if (fix === undefined) throw new Error(`${rule.id} has no CDK fix for ${type}`);
    return fix;
  };

  it('alarm-coverage on the table shows the alarm on the table, not the Lambda and queue snippet', () => {
    const fix = only(found, 'alarm-coverage', 'Orders/OrdersTable/Resource').fix;
    expect(fix).toBe(perType(alarmCoverage, 'AWS::DynamoDB::Table'));
    expect(fix).toContain('table.metricThrottledRequestsForOperations(');
    expect(fix).not.toContain('fn.metricErrors()');
    expect(fix).not.toBe(alarmCoverage.fix!.cdk);
  });

  it('alarm-coverage on the function and on its dead-letter queue show their own alarms', () => {
    const fnFix = only(found, 'alarm-coverage', 'Orders/OrdersFunction/Resource').fix;
    expect(fnFix).toBe(perType(alarmCoverage, 'AWS::Lambda::Function'));
    expect(fnFix).toContain('fn.metricErrors().createAlarm(');
    const queueFix = only(found, 'alarm-coverage', 'Orders/OrdersDlq/Resource').fix;
    expect(queueFix).toBe(perType(alarmCoverage, 'AWS::SQS::Queue'));
    expect(queueFix).toContain('dlq.metricApproximateNumberOfMessagesVisible()');
  });

  it('deletion-protection on the table shows dynamodb.Table, not RDS, TableV2 or Cognito code', () => {
    const fix = only(found, 'deletion-protection', 'Orders/OrdersTable/Resource').fix;
    expect(fix).toBe(perType(deletionProtection, 'AWS::DynamoDB::Table'));
    expect(fix).toContain('new dynamodb.Table(');
    expect(fix).toContain('deletionProtection: true');
    expect(fix).not.toMatch(/rds\.|cognito\.|TableV2/);
  });

  it('a rule without a fix for the type shows its general CDK fix', () => {
    expect(lambdaTracing.fix?.cdkFor).toBeUndefined();
    expect(only(found, 'lambda-tracing', 'Orders/OrdersFunction/Resource').fix).toBe(lambdaTracing.fix!.cdk);
  });
});

describe('the per-type CDK fixes, applied, remove their findings', () => {
  it('the table, function and dead-letter queue alarms and the table protection leave no finding of either rule', () => {
    const app = newApp();
    const stack = new Stack(app, 'Orders', { env: PROD });
    const onCallTopic = new sns.Topic(stack, 'OnCall');
    const action = new cw_actions.SnsAction(onCallTopic);
    const table = new dynamodb.Table(stack, 'OrdersTable', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      deletionProtection: true,
    });
    const dlq = new sqs.Queue(stack, 'OrdersDlq');
    const fn = new lambda.Function(stack, 'OrdersFunction', { ...fnProps, deadLetterQueue: dlq });
    // the code of the snippets for these three types
    new cloudwatch.Alarm(stack, 'OrdersTableThrottles', {
      metric: table.metricThrottledRequestsForOperations({
        operations: [dynamodb.Operation.GET_ITEM, dynamodb.Operation.PUT_ITEM, dynamodb.Operation.QUERY],
      }),
      threshold: 1,
      evaluationPeriods: 1,
    }).addAlarmAction(action);
    fn.metricErrors().createAlarm(stack, 'OrdersErrors', { threshold: 1, evaluationPeriods: 1 }).addAlarmAction(action);
    dlq
      .metricApproximateNumberOfMessagesVisible()
      .createAlarm(stack, 'OrdersDlqDepth', {
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      })
      .addAlarmAction(action);
    Validations.of(app).addPlugins(new OpsChecks({ packs: ['alarms', 'recovery'] }));
    const left = rows(synth(app).report).filter((r) => ['alarm-coverage', 'deletion-protection'].includes(r.rule));
    expect(left.map((r) => `${r.rule} ${r.path}`)).toEqual([]);
  });
});
