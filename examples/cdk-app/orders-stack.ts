/**
 * The demo workload: a REST API → Lambda → SQS queue (with a dead-letter queue) → Lambda → DynamoDB table,
 * the functions in a VPC. With `compliant: false` it has the gaps opslint finds; with `compliant: true` it
 * follows the OPS practices opslint checks: tracing, flow logs, log groups with retention and JSON logs,
 * API access and execution logs, alarms with runbook links that notify a subscribed on-call topic, a
 * dashboard, a KPI metric, a canary on the public API, and a table protected against deletion.
 */
import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as synthetics from 'aws-cdk-lib/aws-synthetics';
import type { Construct } from 'constructs';

export interface OrdersStackProps extends StackProps {
  /** build the variant that follows the OPS best practices opslint checks */
  readonly compliant: boolean;
}

const RUNBOOKS = 'https://wiki.example.com/runbooks/orders';

export class OrdersStack extends Stack {
  constructor(scope: Construct, id: string, props: OrdersStackProps) {
    super(scope, id, props);
    const { compliant } = props;
    const tracing = compliant ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED;

    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'app', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
      flowLogs: compliant ? { all: { trafficType: ec2.FlowLogTrafficType.ALL } } : undefined,
    });

    const table = new dynamodb.Table(this, 'Orders', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      // the orders outlive the stack: kept when the stack is deleted or the table replaced, and protected against deletion
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: compliant,
    });

    const deadLetters = new sqs.Queue(this, 'OrdersDeadLetters', { retentionPeriod: Duration.days(14) });
    const queue = new sqs.Queue(this, 'OrdersQueue', {
      visibilityTimeout: Duration.seconds(60),
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: 3 },
    });

    /** a log group the stack manages, one month of logs */
    const logGroup = (name: string): logs.LogGroup | undefined =>
      compliant ? new logs.LogGroup(this, name, { retention: logs.RetentionDays.ONE_MONTH }) : undefined;
    const functionProps = {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      tracing,
      timeout: Duration.seconds(10),
      loggingFormat: compliant ? lambda.LoggingFormat.JSON : undefined,
    };
    const createOrder = new lambda.Function(this, 'CreateOrder', {
      ...functionProps,
      code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 202, body: "{}" });'),
      environment: { QUEUE_URL: queue.queueUrl },
      logGroup: logGroup('CreateOrderLogs'),
    });
    queue.grantSendMessages(createOrder);

    const fulfilLogs = logGroup('FulfilOrderLogs');
    const fulfilOrder = new lambda.Function(this, 'FulfilOrder', {
      ...functionProps,
      code: lambda.Code.fromInline('exports.handler = async () => { console.log("order fulfilled"); return {}; };'),
      environment: { TABLE_NAME: table.tableName },
      logGroup: fulfilLogs,
    });
    fulfilOrder.addEventSource(new SqsEventSource(queue, { batchSize: 10 }));
    table.grantWriteData(fulfilOrder);

    const api = new apigateway.LambdaRestApi(this, 'OrdersApi', {
      handler: createOrder,
      proxy: true,
      // the account's API Gateway role for writing logs to CloudWatch Logs (the repository's cdk.json turns its default off)
      cloudWatchRole: compliant,
      deployOptions: {
        tracingEnabled: compliant,
        ...(compliant
          ? {
              accessLogDestination: new apigateway.LogGroupLogDestination(logGroup('OrdersApiAccessLogs')!),
              accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
              loggingLevel: apigateway.MethodLoggingLevel.ERROR,
            }
          : {}),
      },
    });

    const onCall = new sns.Topic(this, 'OnCall');
    if (compliant) onCall.addSubscription(new subscriptions.EmailSubscription('orders-oncall@example.com'));
    const alarm = (
      name: string,
      metric: cloudwatch.Metric,
      description: string,
      threshold = 1,
      below = false,
    ): cloudwatch.Alarm => {
      const a = metric.createAlarm(this, name, {
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: below
          ? cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD
          : cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: compliant ? `${description} Runbook: ${RUNBOOKS}/${name}` : undefined,
      });
      if (compliant) a.addAlarmAction(new actions.SnsAction(onCall));
      return a;
    };

    // Someone started on alarms: one on the API, but it notifies nobody.
    alarm(
      'Api5xx',
      api.metricServerError({ period: Duration.minutes(1) }),
      'The orders API returns server errors to its callers.',
    );
    if (!compliant) return;

    alarm(
      'CreateOrderErrors',
      createOrder.metricErrors({ period: Duration.minutes(1) }),
      'Orders are not accepted: the CreateOrder function fails.',
    );
    alarm(
      'FulfilOrderErrors',
      fulfilOrder.metricErrors({ period: Duration.minutes(1) }),
      'Accepted orders are not fulfilled: the FulfilOrder function fails.',
    );
    alarm(
      'DeadLettersVisible',
      deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
      'Orders failed fulfilment three times and wait in the dead-letter queue.',
    );
    alarm(
      'OrdersThrottled',
      table.metric('WriteThrottleEvents', { statistic: 'Sum', period: Duration.minutes(1) }),
      'Writes to the orders table are throttled.',
    );

    // What users experience: a canary calls the public API every five minutes.
    const canary = new synthetics.Canary(this, 'ApiCanary', {
      runtime: synthetics.Runtime.SYNTHETICS_NODEJS_PUPPETEER_12_0,
      schedule: synthetics.Schedule.rate(Duration.minutes(5)),
      test: synthetics.Test.custom({
        handler: 'index.handler',
        code: synthetics.Code.fromInline(
          [
            "const synthetics = require('Synthetics');",
            "exports.handler = async () => synthetics.executeHttpStep('orders API', process.env.API_URL + 'health');",
          ].join('\n'),
        ),
      }),
      environmentVariables: { API_URL: api.url },
    });
    alarm(
      'ApiCanaryFailing',
      canary.metricSuccessPercent({ period: Duration.minutes(5) }),
      'The canary cannot reach the orders API the way users do.',
      90,
      true,
    );

    // The KPI the workload exists for: orders fulfilled, counted from the function's JSON logs.
    const ordersFulfilled = fulfilLogs!
      .addMetricFilter('OrdersFulfilled', {
        filterPattern: logs.FilterPattern.stringValue('$.message', '=', 'order fulfilled'),
        metricNamespace: 'Orders',
        metricName: 'OrdersFulfilled',
        metricValue: '1',
      })
      .metric({ statistic: 'Sum', period: Duration.minutes(5) });

    new cloudwatch.Dashboard(this, 'Dashboard', {
      widgets: [
        [
          new cloudwatch.GraphWidget({ title: 'Orders fulfilled', left: [ordersFulfilled] }),
          new cloudwatch.GraphWidget({
            title: 'API requests and errors',
            left: [api.metricCount(), api.metricServerError(), api.metricClientError()],
            right: [api.metricLatency()],
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Functions',
            left: [createOrder.metricErrors(), fulfilOrder.metricErrors()],
            right: [createOrder.metricDuration(), fulfilOrder.metricDuration()],
          }),
          new cloudwatch.GraphWidget({
            title: 'Queue and dead letters',
            left: [
              queue.metricApproximateNumberOfMessagesVisible(),
              deadLetters.metricApproximateNumberOfMessagesVisible(),
            ],
            right: [queue.metricApproximateAgeOfOldestMessage()],
          }),
          new cloudwatch.GraphWidget({ title: 'Canary', left: [canary.metricSuccessPercent()] }),
        ],
      ],
    });
  }
}
