import {
  defineRule,
  ALARM_ADVICE,
  alarmAdvice,
  asStrings,
  isDeadLetterQueue,
  listNames,
  METRIC_IDENTITIES,
  namingDimensions,
  type AlarmResponse,
} from '../../lib/rule';
import { isIn, quietAlarms } from './quiet';

const DEFAULT_TYPES = [
  'AWS::Lambda::Function',
  'AWS::Serverless::Function',
  'AWS::SQS::Queue',
  'AWS::ApiGateway::Stage',
  'AWS::Serverless::Api',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::StepFunctions::StateMachine',
  'AWS::Serverless::StateMachine',
  'AWS::ECS::Service',
  'AWS::DynamoDB::Table',
  'AWS::Serverless::SimpleTable',
];

/** What an alarm that tells nobody does instead, for the message. */
const INSTEAD: Readonly<Record<Exclude<AlarmResponse, 'alerts' | 'unknown' | 'silent'> | 'gate', string>> = {
  scales: 'only drives scaling',
  acts: 'only stops, reboots or recovers an instance',
  gate: 'only rolls a deployment back',
};

/** Sends a CDK alarm to the on-call topic. */
const ALERT = '.addAlarmAction(new cw_actions.SnsAction(onCallTopic));';

/** A CDK fix for one type: which construct it is about, then its alarm sent to the on-call topic. */
function cdkAlarm(construct: string, alarm: string): string {
  return `${construct}\n${alarm}\n  ${ALERT}`;
}

export default defineRule({
  id: 'alarm-coverage',
  title:
    'Functions, APIs, load balancers, state machines, services, tables and dead-letter queues have a CloudWatch alarm',
  bestPractice: 'OPS08-BP04',
  resourceTypes: Object.keys(ALARM_ADVICE),
  severity: 'warning',
  options: {
    resourceTypes: DEFAULT_TYPES as string[],
    queues: 'dead-letter' as 'dead-letter' | 'all',
  },
  optionsSchema: {
    resourceTypes: { type: 'array', items: { enum: Object.keys(ALARM_ADVICE) } },
    queues: { enum: ['dead-letter', 'all'] },
  },
  optionDocs: {
    resourceTypes:
      'The resource types that need an alarm. Default: Lambda and SAM functions, SQS queues, REST API stages and SAM APIs, ' +
      'load balancers, state machines, ECS services, DynamoDB and SAM simple tables. Also supported: AWS::ApiGatewayV2::Api, ' +
      'AWS::Serverless::HttpApi, AWS::Kinesis::Stream, AWS::SNS::Topic, AWS::Events::Rule, AWS::RDS::DBInstance, AWS::RDS::DBCluster.',
    queues:
      '"dead-letter" (default): only queues that another resource uses as a dead-letter queue need an alarm; "all": every queue.',
  },
  messages: {
    noAlarm:
      '{{kind}} {{name}} ({{type}}) has no CloudWatch alarm on its metrics; alarm on {{metric}} in {{namespace}}, with {{dimensions}} naming it.',
    noAlerting:
      '{{kind}} {{name}} ({{type}}) has no alarm that tells anyone: {{alarms}} {{instead}}; alarm on {{metric}} in {{namespace}}, with {{dimensions}} naming it, and send it to an SNS topic or another action that reaches people.',
    noDlqAlarm:
      'Dead-letter queue {{name}} ({{type}}) has no alarm, so failed messages pile up unnoticed; alarm on ApproximateNumberOfMessagesVisible > 0 in AWS/SQS with the QueueName dimension.',
    noDlqAlerting:
      'Dead-letter queue {{name}} ({{type}}) has no alarm that tells anyone: {{alarms}} {{instead}}, so failed messages pile up unnoticed; alarm on ApproximateNumberOfMessagesVisible > 0 in AWS/SQS and send it to an SNS topic.',
  },
  why:
    'A workload component without an alarm fails silently: its errors, throttles or backlog show up in ' +
    'metrics that nobody watches until a customer complains. Each Lambda function, API stage, load balancer, ' +
    'state machine, ECS service and table should have at least one alarm on the metric that signals trouble ' +
    'for it. A dead-letter queue matters most: a message lands there only when processing has failed for good, ' +
    'so its depth should raise an alarm as soon as it is above zero. An alarm counts when its namespace is the ' +
    "service's and a dimension names the resource, by reference or by its literal name (metric math included), and " +
    'when it can tell someone: an alarm whose only actions drive scaling policies or stop, reboot or recover an instance ' +
    'alerts nobody and does not count (an alarm with no actions at all counts here, as alarm-actions reports it; not one ' +
    'that a deployment watches to roll back, which alarm-actions accepts and which tells nobody between deployments). ' +
    'Functions that back custom resources, macros, hooks or AWS Config rules are deployment machinery and are not checked.',
  fix: {
    cloudformation:
      'OrdersErrorsAlarm:\n  Type: AWS::CloudWatch::Alarm\n  Properties:\n    Namespace: AWS/Lambda\n    MetricName: Errors\n' +
      '    Dimensions:\n      - Name: FunctionName\n        Value: !Ref OrdersFunction   # SAM: the same, !Ref the AWS::Serverless::Function\n' +
      '    Statistic: Sum\n    Period: 60\n    EvaluationPeriods: 1\n    Threshold: 1\n    ComparisonOperator: GreaterThanOrEqualToThreshold\n' +
      '    AlarmActions: [!Ref OnCallTopic]\n' +
      'OrdersDlqDepthAlarm:\n  Type: AWS::CloudWatch::Alarm\n  Properties:\n    Namespace: AWS/SQS\n    MetricName: ApproximateNumberOfMessagesVisible\n' +
      '    Dimensions:\n      - Name: QueueName\n        Value: !GetAtt OrdersDlq.QueueName\n' +
      '    Statistic: Maximum\n    Period: 60\n    EvaluationPeriods: 1\n    Threshold: 0\n    ComparisonOperator: GreaterThanThreshold\n' +
      '    AlarmActions: [!Ref OnCallTopic]',
    cdk:
      'import * as cw_actions from "aws-cdk-lib/aws-cloudwatch-actions";\n\n' +
      'const action = new cw_actions.SnsAction(onCallTopic);\n' +
      'fn.metricErrors().createAlarm(this, "OrdersErrors", { threshold: 1, evaluationPeriods: 1 }).addAlarmAction(action);\n' +
      'dlq.metricApproximateNumberOfMessagesVisible().createAlarm(this, "OrdersDlqDepth", {\n' +
      '  threshold: 0, evaluationPeriods: 1, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,\n' +
      '}).addAlarmAction(action);',
    cdkFor: {
      'AWS::Lambda::Function': cdkAlarm(
        '// lambda.Function',
        'fn.metricErrors().createAlarm(this, "OrdersErrors", { threshold: 1, evaluationPeriods: 1 })',
      ),
      'AWS::SQS::Queue':
        cdkAlarm(
          '// sqs.Queue used as a dead-letter queue: a message in it is a failure',
          'dlq.metricApproximateNumberOfMessagesVisible().createAlarm(this, "OrdersDlqDepth", {\n' +
            '  threshold: 0, evaluationPeriods: 1, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,\n})',
        ) +
        '\n// any other queue (queues: "all"): the age of its oldest message, in seconds\n' +
        'queue.metricApproximateAgeOfOldestMessage().createAlarm(this, "OrdersBacklog", { threshold: 300, evaluationPeriods: 3 })\n' +
        `  ${ALERT}`,
      'AWS::ApiGateway::Stage': cdkAlarm(
        '// apigateway.RestApi: the alarm names its stage (api.deploymentStage, or the apigateway.Stage you made)',
        'api.deploymentStage.metricServerError().createAlarm(this, "Api5xx", { threshold: 1, evaluationPeriods: 1 })',
      ),
      'AWS::ElasticLoadBalancingV2::LoadBalancer': cdkAlarm(
        '// elbv2.ApplicationLoadBalancer (a NetworkLoadBalancer: targetGroup.metrics.unHealthyHostCount())',
        'alb.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT).createAlarm(this, "Lb5xx", { threshold: 1, evaluationPeriods: 1 })',
      ),
      'AWS::StepFunctions::StateMachine': cdkAlarm(
        '// sfn.StateMachine',
        'stateMachine.metricFailed().createAlarm(this, "OrdersFailed", { threshold: 1, evaluationPeriods: 1 })',
      ),
      'AWS::ECS::Service': cdkAlarm(
        '// ecs.FargateService or ecs.Ec2Service (metricMemoryUtilization() the same way)',
        'service.metricCpuUtilization().createAlarm(this, "ServiceCpu", { threshold: 90, evaluationPeriods: 3 })',
      ),
      'AWS::DynamoDB::Table': cdkAlarm(
        '// dynamodb.Table or dynamodb.TableV2 (metricSystemErrorsForOperations() the same way)',
        'new cloudwatch.Alarm(this, "OrdersTableThrottles", {\n' +
          '  metric: table.metricThrottledRequestsForOperations({\n' +
          '    operations: [dynamodb.Operation.GET_ITEM, dynamodb.Operation.PUT_ITEM, dynamodb.Operation.QUERY],\n' +
          '  }),\n  threshold: 1,\n  evaluationPeriods: 1,\n})',
      ),
      'AWS::ApiGatewayV2::Api': cdkAlarm(
        '// apigwv2.HttpApi',
        'httpApi.metricServerError().createAlarm(this, "HttpApi5xx", { threshold: 1, evaluationPeriods: 1 })',
      ),
      'AWS::Kinesis::Stream': cdkAlarm(
        '// kinesis.Stream: records older than a minute wait for a consumer',
        'stream.metricGetRecordsIteratorAgeMilliseconds().createAlarm(this, "StreamAge", { threshold: 60_000, evaluationPeriods: 3 })',
      ),
      'AWS::SNS::Topic': cdkAlarm(
        '// sns.Topic',
        'topic.metricNumberOfNotificationsFailed().createAlarm(this, "TopicFailed", { threshold: 1, evaluationPeriods: 1 })',
      ),
      'AWS::Events::Rule': cdkAlarm(
        '// events.Rule has no metric methods: name the rule in the metric',
        'new cloudwatch.Metric({\n' +
          '  namespace: "AWS/Events", metricName: "FailedInvocations", dimensionsMap: { RuleName: rule.ruleName }, statistic: "Sum",\n' +
          '}).createAlarm(this, "RuleFailed", { threshold: 1, evaluationPeriods: 1 })',
      ),
      'AWS::RDS::DBInstance': cdkAlarm(
        '// rds.DatabaseInstance (metricCPUUtilization() the same way)',
        'db.metricFreeStorageSpace().createAlarm(this, "DbStorage", {\n' +
          '  threshold: 10 * 1024 ** 3, evaluationPeriods: 1, comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,\n})',
      ),
      'AWS::RDS::DBCluster': cdkAlarm(
        '// rds.DatabaseCluster (metricFreeableMemory() the same way)',
        'cluster.metricCPUUtilization().createAlarm(this, "DbCpu", { threshold: 90, evaluationPeriods: 3 })',
      ),
    },
  },
  roles: {
    machinery: {
      check: false,
      why: 'CloudFormation or AWS Config invokes it once per deployment or evaluation, not on a request path; its failures surface as failed stack operations.',
    },
    edge: {
      check: false,
      why: "the Lambda service does not run it, so AWS/Lambda has no metrics for it; watch the core device's Greengrass logs and the device itself.",
    },
  },
  check(resource, ctx) {
    const target = ALARM_ADVICE[resource.type];
    if (!target || !asStrings(ctx.options.resourceTypes).includes(resource.type)) return ctx.notApplicable();

    const dlq = resource.type === 'AWS::SQS::Queue' && isDeadLetterQueue(resource, ctx.template);
    if (resource.type === 'AWS::SQS::Queue' && !dlq && ctx.options.queues !== 'all') return ctx.notApplicable();

    // the deployed alarms (what their conditions rest on, the finding rests on too)
    const deployed = ctx.facts.alarms.watching(resource);
    // an alarm counts when it may tell someone; one without actions counts too (alarm-actions reports it), unless
    // a deployment watches it to roll back: alarm-actions takes that rollback as its action, and between
    // deployments it tells nobody
    const gates = quietAlarms(ctx).gates;
    const gate = (w: (typeof deployed)[number]): boolean =>
      w.response === 'silent' && isIn(gates, w.alarm, ctx.template);
    if (
      deployed.some((w) => w.response === 'alerts' || w.response === 'unknown' || (w.response === 'silent' && !gate(w)))
    )
      return;

    const identity = METRIC_IDENTITIES[resource.type];
    // the advice only: what to alarm on depends on the load balancer's type
    const [namespace, metric, lbDimensions] = alarmAdvice(
      resource.type,
      ctx.template.resolver.untracked(() => ctx.get('Properties.Type')),
      target,
      identity.namespaces,
    );
    const data = {
      kind: target.kind,
      name: resource.logicalId,
      type: resource.type,
      metric,
      namespace,
      dimensions: lbDimensions ?? namingDimensions(resource, target, identity.dimension),
    };
    if (deployed.length > 0) {
      const response = gate(deployed[0]) ? 'gate' : (deployed[0].response as keyof typeof INSTEAD);
      const alarms = `${deployed.length === 1 ? 'its only alarm' : 'its alarms'} ${listNames(deployed.map((w) => w.alarm.logicalId))}`;
      ctx.report({
        messageId: dlq ? 'noDlqAlerting' : 'noAlerting',
        data: { ...data, alarms, instead: INSTEAD[response] },
      });
      return;
    }
    ctx.report({ messageId: dlq ? 'noDlqAlarm' : 'noAlarm', data });
  },
});
