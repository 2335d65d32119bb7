/**
 * The synthetic CDK apps of the synthesis benchmark (bench/synth.ts, bench/synth-child.ts): stacks of services, each an SQS queue with a
 * dead-letter queue, a Lambda function that works it, a DynamoDB table it writes, its log group and its alarms
 * (about 10 resources a service), beside an on-call topic and a dashboard per stack. `compliant` builds what
 * opslint's default rules pass at every resource and stack (the app still has one environment); otherwise the services have the gaps they find (no tracing, no alarms that
 * notify anyone, logs kept forever, tables without deletion protection), several findings per service.
 */
import { App, Duration, RemovalPolicy, Stack, Stage, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export interface AppShape {
  /** stacks in all */
  readonly stacks: number;
  /** services per stack (about 10 resources each) */
  readonly services: number;
  readonly compliant: boolean;
  /**
   * Stages the stacks are spread over, each in an environment (account and region) of its own; 0: top-level
   * stacks, all in one environment
   */
  readonly stages: number;
}

/** ~100 resources in one stack, ~2,000 in ten. */
export const SMALL = { stacks: 1, services: 8 } as const;
export const LARGE = { stacks: 10, services: 17 } as const;

const RUNBOOKS = 'https://wiki.example.com/runbooks';

class ServiceStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps & { services: number; compliant: boolean }) {
    super(scope, id, { ...props, tags: props.compliant ? { Owner: 'services-team' } : undefined });
    const { compliant } = props;
    const onCall = new sns.Topic(this, 'OnCall');
    if (compliant) onCall.addSubscription(new subscriptions.EmailSubscription('oncall@example.com'));
    const widgets: cloudwatch.IWidget[] = [];
    for (let i = 0; i < props.services; i++) {
      const name = `Service${i}`;
      const deadLetters = new sqs.Queue(this, `${name}DeadLetters`, { retentionPeriod: Duration.days(14) });
      const queue = new sqs.Queue(this, `${name}Queue`, {
        visibilityTimeout: Duration.seconds(60),
        deadLetterQueue: { queue: deadLetters, maxReceiveCount: 3 },
      });
      const table = new dynamodb.Table(this, `${name}Table`, {
        partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        removalPolicy: RemovalPolicy.RETAIN,
        deletionProtection: compliant,
      });
      const logGroup = new logs.LogGroup(this, `${name}Logs`, {
        retention: compliant ? logs.RetentionDays.ONE_MONTH : logs.RetentionDays.INFINITE,
      });
      // the KPI the service exists for, counted from its JSON logs
      if (compliant)
        logGroup.addMetricFilter(`${name}Done`, {
          filterPattern: logs.FilterPattern.stringValue('$.message', '=', `${name} done`),
          metricNamespace: 'Services',
          metricName: `${name}Done`,
          metricValue: '1',
        });
      const worker = new lambda.Function(this, `${name}Worker`, {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline(`exports.handler = async () => { console.log("${name} done"); return {}; };`),
        tracing: compliant ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
        timeout: Duration.seconds(10),
        loggingFormat: compliant ? lambda.LoggingFormat.JSON : undefined,
        logGroup,
        environment: { TABLE_NAME: table.tableName },
      });
      worker.addEventSource(new SqsEventSource(queue, { batchSize: 10 }));
      table.grantWriteData(worker);
      const alarms = [
        table
          .metric('WriteThrottleEvents', { statistic: 'Sum', period: Duration.minutes(1) })
          .createAlarm(this, `${name}Throttled`, {
            threshold: 1,
            evaluationPeriods: 1,
            alarmDescription: compliant ? `${name} writes are throttled. Runbook: ${RUNBOOKS}/${name}` : undefined,
          }),
        worker.metricErrors({ period: Duration.minutes(1) }).createAlarm(this, `${name}Errors`, {
          threshold: 1,
          evaluationPeriods: 1,
          alarmDescription: compliant ? `${name} fails. Runbook: ${RUNBOOKS}/${name}` : undefined,
        }),
        deadLetters
          .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) })
          .createAlarm(this, `${name}DeadLettersVisible`, {
            threshold: 1,
            evaluationPeriods: 1,
            alarmDescription: compliant ? `${name} gave up on messages. Runbook: ${RUNBOOKS}/${name}` : undefined,
          }),
      ];
      if (compliant) for (const a of alarms) a.addAlarmAction(new actions.SnsAction(onCall));
      widgets.push(new cloudwatch.AlarmWidget({ title: name, alarm: alarms[0] }));
    }
    new cloudwatch.Dashboard(this, 'Dashboard', { widgets: [widgets] });
  }
}

/** Builds the app `shape` describes in `app`. */
export function buildApp(app: App, shape: AppShape): void {
  const { stacks, services, compliant, stages } = shape;
  const scopes: { scope: Construct; env: { account: string; region: string } }[] =
    stages === 0
      ? [{ scope: app, env: { account: '111111111111', region: 'eu-west-1' } }]
      : Array.from({ length: stages }, (_, s) => {
          const env = { account: String(100000000000 + s), region: s % 2 ? 'us-east-1' : 'eu-west-1' };
          return { scope: new Stage(app, `Env${s}`, { env }), env };
        });
  for (let i = 0; i < stacks; i++) {
    const { scope, env } = scopes[i % scopes.length];
    new ServiceStack(scope, `Services${i}`, { env, services, compliant });
  }
}
