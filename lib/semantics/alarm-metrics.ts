/**
 * What to alarm on for each resource type that needs an alarm: how a message names the type, the metric that
 * signals trouble for it and the dimensions that name one resource. Where the metrics live comes from
 * `METRIC_IDENTITIES` (alarms.ts).
 */
import type { Resource } from '../template/model';

/** How a message names each type it checks, and what to alarm on. The namespace comes from the alarm index. */
export interface AlarmAdvice {
  /** "Lambda function" */
  readonly kind: string;
  /** what to alarm on */
  readonly metric: string;
  /** the dimensions that name one resource, when more than the one the index matches on */
  readonly dimensions?: string;
}

const LAMBDA: AlarmAdvice = { kind: 'Lambda function', metric: 'Errors (and Throttles)' };
const REST_API: AlarmAdvice = { kind: 'API Gateway stage', metric: '5XXError (and Latency)' };
const HTTP_API: AlarmAdvice = {
  kind: 'API Gateway HTTP/WebSocket API',
  metric: '5xx (HTTP) or ExecutionError (WebSocket)',
};
const STATE_MACHINE: AlarmAdvice = { kind: 'State machine', metric: 'ExecutionsFailed (and ExecutionsTimedOut)' };
const TABLE: AlarmAdvice = {
  kind: 'DynamoDB table',
  metric: 'ReadThrottleEvents, WriteThrottleEvents and SystemErrors',
};

/** Every type that alarm-coverage can check (its `resourceTypes` option picks among them), and what to alarm on. */
export const ALARM_ADVICE: Readonly<Record<string, AlarmAdvice>> = {
  'AWS::Lambda::Function': LAMBDA,
  'AWS::Serverless::Function': LAMBDA,
  'AWS::SQS::Queue': { kind: 'Queue', metric: 'ApproximateAgeOfOldestMessage' },
  'AWS::ApiGateway::Stage': REST_API,
  'AWS::Serverless::Api': { ...REST_API, kind: 'API' },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': {
    kind: 'Load balancer',
    metric: 'HTTPCode_ELB_5XX_Count or UnHealthyHostCount',
  },
  'AWS::StepFunctions::StateMachine': STATE_MACHINE,
  'AWS::Serverless::StateMachine': STATE_MACHINE,
  'AWS::ECS::Service': {
    kind: 'ECS service',
    metric: 'CPUUtilization and MemoryUtilization (or RunningTaskCount in ECS/ContainerInsights)',
    dimensions: 'the ClusterName and ServiceName dimensions',
  },
  'AWS::DynamoDB::Table': TABLE,
  'AWS::Serverless::SimpleTable': TABLE,
  // supported, off by default: add them to the resourceTypes option
  'AWS::ApiGatewayV2::Api': HTTP_API,
  'AWS::Serverless::HttpApi': HTTP_API,
  'AWS::Kinesis::Stream': { kind: 'Kinesis stream', metric: 'GetRecords.IteratorAgeMilliseconds' },
  'AWS::SNS::Topic': { kind: 'SNS topic', metric: 'NumberOfNotificationsFailed' },
  'AWS::Events::Rule': { kind: 'EventBridge rule', metric: 'FailedInvocations' },
  'AWS::RDS::DBInstance': { kind: 'RDS instance', metric: 'CPUUtilization and FreeStorageSpace' },
  'AWS::RDS::DBCluster': { kind: 'RDS cluster', metric: 'CPUUtilization and FreeableMemory' },
};

/** The namespace and metric to suggest (and for a network or gateway load balancer, the dimensions): a load balancer's depend on its type. */
export function alarmAdvice(
  type: string,
  lbType: { known: boolean; value?: unknown },
  target: AlarmAdvice,
  namespaces: readonly string[],
): [string, string, string?] {
  if (type === 'AWS::ElasticLoadBalancingV2::LoadBalancer') {
    const t = lbType.known ? lbType.value : undefined;
    // UnHealthyHostCount is published per target group
    if (t === 'network') return ['AWS/NetworkELB', 'UnHealthyHostCount', 'the LoadBalancer and TargetGroup dimensions'];
    if (t === 'gateway') return ['AWS/GatewayELB', 'UnHealthyHostCount', 'the LoadBalancer and TargetGroup dimensions'];
    return ['AWS/ApplicationELB', 'HTTPCode_ELB_5XX_Count (and TargetResponseTime)'];
  }
  return [namespaces.join(' or '), target.metric];
}

/** The dimensions that name the resource, for the message; those of an API SAM creates have known values. */
export function namingDimensions(resource: Resource, target: AlarmAdvice, dimension: string): string {
  if (resource.implicit) {
    return resource.type === 'AWS::Serverless::Api'
      ? 'the ApiName dimension (the stack name) and the Stage dimension (Prod)'
      : 'the ApiId dimension (!Ref ServerlessHttpApi)';
  }
  if (resource.type === 'AWS::ApiGateway::Stage' || resource.type === 'AWS::Serverless::Api')
    return 'the ApiName and Stage dimensions';
  return target.dimensions ?? `the ${dimension} dimension`;
}
