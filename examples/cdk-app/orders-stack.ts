/**
 * The demo workload: a REST API → Lambda → SQS queue (with a dead-letter queue) → Lambda → DynamoDB table,
 * the functions in a VPC. With `compliant: false` it has the gaps opslint finds; with `compliant: true` it
 * has tracing, flow logs and alarms that notify an on-call topic.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export interface OrdersStackProps extends StackProps {
  /** build the variant that follows the OPS best practices opslint checks */
  readonly compliant: boolean;
}

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
    });

    const deadLetters = new sqs.Queue(this, 'OrdersDeadLetters', { retentionPeriod: Duration.days(14) });
    const queue = new sqs.Queue(this, 'OrdersQueue', {
      visibilityTimeout: Duration.seconds(60),
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: 3 },
    });

    const functionProps = {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      tracing,
      timeout: Duration.seconds(10),
    };
    const createOrder = new lambda.Function(this, 'CreateOrder', {
      ...functionProps,
      code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 202, body: "{}" });'),
      environment: { QUEUE_URL: queue.queueUrl },
    });
    queue.grantSendMessages(createOrder);

    const fulfilOrder = new lambda.Function(this, 'FulfilOrder', {
      ...functionProps,
      code: lambda.Code.fromInline('exports.handler = async () => ({});'),
      environment: { TABLE_NAME: table.tableName },
    });
    fulfilOrder.addEventSource(new SqsEventSource(queue, { batchSize: 10 }));
    table.grantWriteData(fulfilOrder);

    const api = new apigateway.LambdaRestApi(this, 'OrdersApi', {
      handler: createOrder,
      proxy: true,
      deployOptions: { tracingEnabled: compliant },
    });

    const onCall = new sns.Topic(this, 'OnCall');
    const alarm = (name: string, metric: cloudwatch.Metric, threshold = 1): cloudwatch.Alarm => {
      const a = metric.createAlarm(this, name, {
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      if (compliant) a.addAlarmAction(new actions.SnsAction(onCall));
      return a;
    };

    // Someone started on alarms: one on the API, but it notifies nobody.
    alarm('Api5xx', api.metricServerError({ period: Duration.minutes(1) }));
    if (compliant) {
      alarm('CreateOrderErrors', createOrder.metricErrors({ period: Duration.minutes(1) }));
      alarm('FulfilOrderErrors', fulfilOrder.metricErrors({ period: Duration.minutes(1) }));
      alarm('DeadLettersVisible', deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }));
      alarm('OrdersThrottled', table.metric('WriteThrottleEvents', { statistic: 'Sum', period: Duration.minutes(1) }));
    }
  }
}
