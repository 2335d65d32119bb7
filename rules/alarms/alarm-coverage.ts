import { defineRule, type ResourceContext } from '../../lib/engine/rule';
import type { Reference } from '../../lib/template/graph';
import { asIntrinsic, isPlainObject } from '../../lib/template/intrinsics';
import type { Resource, Template } from '../../lib/template/model';
import type { JsonPath } from '../../lib/template/path';

/** How a monitored resource shows up in CloudWatch: where its metrics live and the dimension that names it. */
interface Target {
  /** how the message calls it: "Lambda function" */
  readonly kind: string;
  readonly namespaces: readonly string[];
  /** the dimension whose value names the resource */
  readonly dimension: string;
  /** the property holding the resource's physical name, when it has one that the dimension takes literally */
  readonly nameProperty?: string;
  /** what to alarm on, for the message */
  readonly metric: string;
}

const LAMBDA: Target = { kind: 'Lambda function', namespaces: ['AWS/Lambda'], dimension: 'FunctionName', nameProperty: 'FunctionName', metric: 'Errors (and Throttles)' };
const REST_API: Target = { kind: 'API Gateway stage', namespaces: ['AWS/ApiGateway'], dimension: 'ApiName', metric: '5XXError (and Latency)' };
const HTTP_API: Target = { kind: 'API Gateway HTTP/WebSocket API', namespaces: ['AWS/ApiGateway'], dimension: 'ApiId', metric: '5xx (HTTP) or ExecutionError (WebSocket)' };
const STATE_MACHINE: Target = { kind: 'State machine', namespaces: ['AWS/States'], dimension: 'StateMachineArn', metric: 'ExecutionsFailed (and ExecutionsTimedOut)' };
const TABLE: Target = { kind: 'DynamoDB table', namespaces: ['AWS/DynamoDB'], dimension: 'TableName', nameProperty: 'TableName', metric: 'ReadThrottleEvents, WriteThrottleEvents and SystemErrors' };
const QUEUE: Target = { kind: 'Queue', namespaces: ['AWS/SQS'], dimension: 'QueueName', nameProperty: 'QueueName', metric: 'ApproximateAgeOfOldestMessage' };

/** Every type the rule can check. The `resourceTypes` option picks among them. */
const TARGETS: Readonly<Record<string, Target>> = {
  'AWS::Lambda::Function': LAMBDA,
  'AWS::Serverless::Function': LAMBDA,
  'AWS::SQS::Queue': QUEUE,
  'AWS::ApiGateway::Stage': REST_API,
  'AWS::Serverless::Api': { ...REST_API, kind: 'API' },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': { kind: 'Load balancer', namespaces: ['AWS/ApplicationELB', 'AWS/NetworkELB', 'AWS/GatewayELB'], dimension: 'LoadBalancer', metric: 'HTTPCode_ELB_5XX_Count or UnHealthyHostCount' },
  'AWS::StepFunctions::StateMachine': STATE_MACHINE,
  'AWS::Serverless::StateMachine': STATE_MACHINE,
  'AWS::ECS::Service': { kind: 'ECS service', namespaces: ['AWS/ECS', 'ECS/ContainerInsights'], dimension: 'ServiceName', nameProperty: 'ServiceName', metric: 'CPUUtilization and MemoryUtilization (or RunningTaskCount)' },
  'AWS::DynamoDB::Table': TABLE,
  'AWS::Serverless::SimpleTable': TABLE,
  // supported, off by default: add them to the resourceTypes option
  'AWS::ApiGatewayV2::Api': HTTP_API,
  'AWS::Serverless::HttpApi': HTTP_API,
  'AWS::Kinesis::Stream': { kind: 'Kinesis stream', namespaces: ['AWS/Kinesis'], dimension: 'StreamName', nameProperty: 'Name', metric: 'GetRecords.IteratorAgeMilliseconds' },
  'AWS::SNS::Topic': { kind: 'SNS topic', namespaces: ['AWS/SNS'], dimension: 'TopicName', nameProperty: 'TopicName', metric: 'NumberOfNotificationsFailed' },
  'AWS::Events::Rule': { kind: 'EventBridge rule', namespaces: ['AWS/Events'], dimension: 'RuleName', nameProperty: 'Name', metric: 'FailedInvocations' },
  'AWS::RDS::DBInstance': { kind: 'RDS instance', namespaces: ['AWS/RDS'], dimension: 'DBInstanceIdentifier', nameProperty: 'DBInstanceIdentifier', metric: 'CPUUtilization and FreeStorageSpace' },
  'AWS::RDS::DBCluster': { kind: 'RDS cluster', namespaces: ['AWS/RDS'], dimension: 'DBClusterIdentifier', nameProperty: 'DBClusterIdentifier', metric: 'CPUUtilization and FreeableMemory' },
};

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

/** Property path segments under which a reference to a queue makes it a dead-letter queue. */
const DEAD_LETTER_SEGMENTS = new Set(['RedrivePolicy', 'deadLetterTargetArn', 'DeadLetterConfig', 'DeadLetterQueue', 'OnFailure']);

export default defineRule({
  id: 'alarm-coverage',
  title: 'Functions, APIs, load balancers, state machines, services, tables and dead-letter queues have a CloudWatch alarm',
  bestPractice: 'OPS08-BP04',
  resourceTypes: Object.keys(TARGETS),
  severity: 'warning',
  options: {
    resourceTypes: DEFAULT_TYPES as string[],
    queues: 'dead-letter' as 'dead-letter' | 'all',
  },
  optionDocs: {
    resourceTypes:
      'The resource types that need an alarm. Default: Lambda and SAM functions, SQS queues, REST API stages and SAM APIs, ' +
      'load balancers, state machines, ECS services, DynamoDB and SAM simple tables. Also supported: AWS::ApiGatewayV2::Api, ' +
      'AWS::Serverless::HttpApi, AWS::Kinesis::Stream, AWS::SNS::Topic, AWS::Events::Rule, AWS::RDS::DBInstance, AWS::RDS::DBCluster.',
    queues: '"dead-letter" (default): only queues that another resource uses as a dead-letter queue need an alarm; "all": every queue.',
  },
  messages: {
    noAlarm: '{{kind}} {{name}} ({{type}}) has no CloudWatch alarm on its metrics; alarm on {{metric}} in {{namespace}}, with {{dimensions}} naming it.',
    noDlqAlarm:
      'Dead-letter queue {{name}} ({{type}}) has no alarm, so failed messages pile up unnoticed; alarm on ApproximateNumberOfMessagesVisible > 0 in AWS/SQS with the QueueName dimension.',
  },
  why:
    'A workload component without an alarm fails silently: its errors, throttles or backlog show up in ' +
    'metrics that nobody watches until a customer complains. Each Lambda function, API stage, load balancer, ' +
    'state machine, ECS service and table should have at least one alarm on the metric that signals trouble ' +
    'for it. A dead-letter queue matters most: a message lands there only when processing has failed for good, ' +
    'so its depth should raise an alarm as soon as it is above zero. An alarm counts when its namespace is the ' +
    'service\'s and a dimension names the resource, by reference or by its literal name (metric math included).',
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
  },
  check(resource, ctx) {
    const target = TARGETS[resource.type];
    if (!target || !asStrings(ctx.options.resourceTypes).includes(resource.type)) return;

    let dlq = false;
    if (resource.type === 'AWS::SQS::Queue') {
      dlq = isDeadLetterQueue(ctx);
      if (!dlq && ctx.options.queues !== 'all') return;
    }

    const index = ctx.memo('alarm-metrics', () => indexAlarmMetrics(ctx.template));
    const idents = identities(resource, target, ctx.template);
    if (covered(index, target, idents)) return;

    if (dlq) {
      ctx.report({ messageId: 'noDlqAlarm', data: { name: resource.logicalId, type: resource.type } });
      return;
    }
    const [namespace, metric] = advice(resource, target, ctx);
    ctx.report({
      messageId: 'noAlarm',
      data: {
        kind: target.kind,
        name: resource.logicalId,
        type: resource.type,
        metric,
        namespace,
        dimensions: idents.stage ? 'the ApiName and Stage dimensions' : `the ${target.dimension} dimension`,
      },
    });
  },
});

// ---------------------------------------------------------------------------------------------------------
// The index: every metric any alarm of the template watches, built once per template.

/** One dimension of a metric an alarm watches. */
interface Dim {
  /** undefined when the name cannot be known (an intrinsic function around the entry) */
  readonly name?: string;
  /** logical ids of resources its value refers to (Ref, GetAtt, Sub) */
  readonly refs: ReadonlySet<string>;
  /** the texts its value can take (see {@link texts}) */
  readonly texts: readonly string[];
}

interface AlarmMetric {
  readonly alarm: string;
  /** undefined when the namespace cannot be known before deployment */
  readonly namespaces?: readonly string[];
  readonly dims: readonly Dim[];
}

interface MetricIndex {
  readonly byRef: Map<string, AlarmMetric[]>;
  readonly byText: Map<string, AlarmMetric[]>;
}

function indexAlarmMetrics(template: Template): MetricIndex {
  const index: MetricIndex = { byRef: new Map(), byText: new Map() };
  for (const alarm of template.resourcesOfType('AWS::CloudWatch::Alarm')) {
    if (template.isExcluded(alarm)) continue;
    const refs = template.graph.outgoing(alarm.logicalId);
    for (const metric of alarmMetrics(alarm, refs, template)) {
      for (const dim of metric.dims) {
        for (const id of dim.refs) add(index.byRef, id, metric);
        for (const text of dim.texts) for (const key of textKeys(text)) add(index.byText, key, metric);
      }
    }
  }
  return index;
}

const STATE_MACHINE_ARN = /:stateMachine:([^:]+)$/;

/** The index keys of a dimension text: the text, and for a state machine ARN its `:stateMachine:<name>` ending. */
function textKeys(text: string): string[] {
  const m = STATE_MACHINE_ARN.exec(text);
  return m ? [text, `:stateMachine:${m[1]}`] : [text];
}

function add(map: Map<string, AlarmMetric[]>, key: string, metric: AlarmMetric): void {
  const list = map.get(key);
  if (!list) map.set(key, [metric]);
  else if (!list.includes(metric)) list.push(metric);
}

/** The metrics an alarm watches: its own `Namespace` + `Dimensions`, or each `Metrics[].MetricStat.Metric`. */
function alarmMetrics(alarm: Resource, refs: readonly Reference[], template: Template): AlarmMetric[] {
  const props = alarm.properties;
  const out: AlarmMetric[] = [];
  if (props.Namespace !== undefined || props.MetricName !== undefined || props.Dimensions !== undefined) {
    out.push({
      alarm: alarm.logicalId,
      namespaces: namespaces(props.Namespace, template),
      dims: dimensions(props.Dimensions, ['Properties', 'Dimensions'], refs, template),
    });
  }
  const metrics = props.Metrics;
  if (Array.isArray(metrics)) {
    metrics.forEach((query, j) => {
      for (const q of candidates(query, template)) {
        const stat = isPlainObject(q) ? q.MetricStat : undefined;
        const metric = isPlainObject(stat) ? stat.Metric : undefined;
        if (!isPlainObject(metric)) continue;
        out.push({
          alarm: alarm.logicalId,
          namespaces: namespaces(metric.Namespace, template),
          dims: dimensions(metric.Dimensions, ['Properties', 'Metrics', j, 'MetricStat', 'Metric', 'Dimensions'], refs, template),
        });
      }
    });
  } else if (metrics !== undefined) {
    // a whole Metrics list behind an intrinsic: only its references can be placed
    const under = refs.filter((r) => startsWith(r.path, ['Properties', 'Metrics']));
    if (under.length > 0) out.push({ alarm: alarm.logicalId, dims: [{ refs: new Set(under.map((r) => r.to)), texts: [] }] });
  }
  return out;
}

function namespaces(value: unknown, template: Template): readonly string[] | undefined {
  const r = template.resolver.deep(value);
  if (r.known) return typeof r.value === 'string' ? [r.value] : [];
  if (r.alternatives) return r.alternatives.filter((a): a is string => typeof a === 'string');
  return undefined;
}

/**
 * The dimensions of one metric. References come from the template's reference graph (those held under
 * `path`), each attached to the dimension whose `Value` holds it.
 */
function dimensions(value: unknown, path: JsonPath, refs: readonly Reference[], template: Template): Dim[] {
  const under = refs.filter((r) => startsWith(r.path, path));
  const dims: Dim[] = [];
  const placed = new Set<Reference>();
  if (Array.isArray(value)) {
    value.forEach((entry, i) => {
      const held = under.filter((r) => r.path[path.length] === i);
      held.forEach((r) => placed.add(r));
      for (const e of candidates(entry, template)) {
        if (!isPlainObject(e)) continue;
        dims.push({ name: dimensionName(e.Name, template), refs: new Set(held.map((r) => r.to)), texts: texts(e.Value, template) });
      }
    });
  } else {
    for (const list of candidates(value, template)) {
      if (!Array.isArray(list)) continue;
      for (const e of list) if (isPlainObject(e)) dims.push({ name: dimensionName(e.Name, template), refs: new Set(), texts: texts(e.Value, template) });
    }
  }
  const rest = under.filter((r) => !placed.has(r));
  if (rest.length > 0) dims.push({ refs: new Set(rest.map((r) => r.to)), texts: [] });
  return dims;
}

function dimensionName(value: unknown, template: Template): string | undefined {
  const r = template.resolver.deep(value);
  return r.known && typeof r.value === 'string' ? r.value : undefined;
}

/** The values a possibly conditional value can take: itself, both branches of an `Fn::If`, or none when unknown. */
function candidates(value: unknown, template: Template): unknown[] {
  const r = template.resolver.resolve(value);
  if (r.known) return r.value === undefined ? [] : [r.value];
  return r.alternatives ? [...r.alternatives] : [];
}

/**
 * The texts a name-like value can take, for comparing a dimension value with a resource's name: the resolved
 * string when it is known (a literal, a parameter default, a mapping); otherwise the value as written, with
 * `Ref X` spelled `${X}` and an `Fn::Sub` as its template, so that the same unresolvable expression on both
 * sides (e.g. `!Sub '${AWS::StackName}-orders'`) still matches.
 */
function texts(value: unknown, template: Template): string[] {
  if (value === undefined) return [];
  const r = template.resolver.deep(value);
  if (r.known) return typeof r.value === 'string' || typeof r.value === 'number' ? [String(r.value)] : [];
  if (r.alternatives) return r.alternatives.flatMap((a) => (typeof a === 'string' || typeof a === 'number' ? [String(a)] : []));
  const written = spelled(value);
  return written === undefined ? [] : [written];
}

function spelled(value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  const fn = asIntrinsic(value);
  if (fn?.name === 'Ref' && typeof fn.arg === 'string') return `\${${fn.arg}}`;
  if (fn?.name === 'Fn::Sub' && typeof fn.arg === 'string') return fn.arg;
  if (fn?.name === 'Fn::Join' && Array.isArray(fn.arg) && typeof fn.arg[0] === 'string' && Array.isArray(fn.arg[1])) {
    const parts = (fn.arg[1] as unknown[]).map(spelled);
    return parts.every((p) => p !== undefined) ? parts.join(fn.arg[0]) : undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Matching a resource against the index.

/** What identifies a resource in one dimension: references to these resources, or these literal texts. */
interface Identity {
  readonly dimension: string;
  readonly refs: ReadonlySet<string>;
  readonly texts: ReadonlySet<string>;
  /** the name cannot be known from the template (an imported API, an OpenAPI title): any value is accepted */
  readonly open?: boolean;
}

interface Identities {
  readonly main: Identity;
  /** REST API stages: the stage itself, within the API named by `main` */
  readonly stage?: Identity;
}

function identities(resource: Resource, target: Target, template: Template): Identities {
  const id = resource.logicalId;
  const props = resource.properties;
  const nameTexts = (value: unknown): string[] => texts(value, template);
  switch (resource.type) {
    case 'AWS::ApiGateway::Stage': {
      const api = restApiOf(props.RestApiId, template);
      // an API outside the template, or named by the title of its OpenAPI body: its name is not known here
      const main: Identity = api && api.properties.Name !== undefined
        ? { dimension: 'ApiName', refs: new Set([api.logicalId]), texts: new Set(nameTexts(api.properties.Name)) }
        : { dimension: 'ApiName', refs: new Set(api ? [api.logicalId] : []), texts: new Set(), open: true };
      return { main, stage: { dimension: 'Stage', refs: new Set([id]), texts: new Set(nameTexts(props.StageName)) } };
    }
    case 'AWS::Serverless::Api': {
      // SAM names the RestApi after `Name`; without it, after the title of the OpenAPI definition: the stack name
      // when SAM generates it, unknown here when the template supplies it. `!Ref Api` is the RestApi.
      const ownDefinition = props.DefinitionBody !== undefined || props.DefinitionUri !== undefined;
      const apiNames = props.Name !== undefined ? nameTexts(props.Name) : ownDefinition ? [] : nameTexts({ Ref: 'AWS::StackName' });
      const stageNames = nameTexts(props.StageName);
      const stageTexts = new Set([...stageNames, `\${${id}.Stage}`]);
      // SAM's generated stage resource: <Api><StageName>Stage
      for (const s of stageNames) stageTexts.add(`\${${id}${s.replace(/[^A-Za-z0-9]/g, '')}Stage}`);
      return {
        main: { dimension: 'ApiName', refs: new Set([id]), texts: new Set(apiNames), open: props.Name === undefined && ownDefinition },
        stage: { dimension: 'Stage', refs: new Set(), texts: stageTexts },
      };
    }
    case 'AWS::StepFunctions::StateMachine':
    case 'AWS::Serverless::StateMachine': {
      // the dimension is the ARN: a literal ARN matches on its name part
      const names = nameTexts(resource.type === 'AWS::Serverless::StateMachine' ? props.Name : props.StateMachineName);
      return { main: { dimension: target.dimension, refs: new Set([id]), texts: new Set(names.map((n) => `:stateMachine:${n}`)) } };
    }
    default:
      return { main: { dimension: target.dimension, refs: new Set([id]), texts: new Set(target.nameProperty ? nameTexts(props[target.nameProperty]) : []) } };
  }
}

function restApiOf(value: unknown, template: Template): Resource | undefined {
  const fn = asIntrinsic(value);
  const ref = fn?.name === 'Ref' && typeof fn.arg === 'string' ? fn.arg : undefined;
  const api = ref === undefined ? undefined : template.resources.get(ref);
  return api && (api.type === 'AWS::ApiGateway::RestApi' || api.type === 'AWS::Serverless::Api') ? api : undefined;
}

function covered(index: MetricIndex, target: Target, idents: Identities): boolean {
  // every key of the resource is looked up once; the metrics found are then checked
  const pool = new Set<AlarmMetric>();
  for (const ident of [idents.main, idents.stage]) {
    if (!ident) continue;
    for (const id of ident.refs) index.byRef.get(id)?.forEach((m) => pool.add(m));
    for (const t of ident.texts) index.byText.get(t)?.forEach((m) => pool.add(m));
  }
  for (const metric of pool) {
    if (metric.namespaces !== undefined && !metric.namespaces.some((ns) => target.namespaces.includes(ns))) continue;
    if (idents.stage) {
      // an API alarm: it names the API; when it also names a stage, that stage
      const api = metric.dims.some((d) => (d.name === undefined || d.name === 'ApiName') && (names(d, idents.main) || (idents.main.open === true && d.name === 'ApiName')));
      const stages = metric.dims.filter((d) => d.name === 'Stage');
      if (api && (stages.length === 0 || stages.some((d) => names(d, idents.stage!)))) return true;
      // referring to the stage resource itself is enough to identify it
      if (metric.dims.some((d) => idents.stage!.refs.size > 0 && [...idents.stage!.refs].some((id) => d.refs.has(id)))) return true;
      continue;
    }
    if (metric.dims.some((d) => names(d, idents.main))) return true;
  }
  return false;
}

/** Does this dimension name the resource: by a reference to it (any dimension), or by its literal name (its own dimension)? */
function names(dim: Dim, ident: Identity): boolean {
  for (const id of ident.refs) if (dim.refs.has(id)) return true;
  if (dim.name !== undefined && dim.name !== ident.dimension) return false;
  return dim.texts.some((t) => textKeys(t).some((k) => ident.texts.has(k)));
}

// ---------------------------------------------------------------------------------------------------------

/** A queue is a dead-letter queue when another resource points at it from a dead-letter setting. */
function isDeadLetterQueue(ctx: ResourceContext<{ resourceTypes: string[]; queues: 'dead-letter' | 'all' }>): boolean {
  return ctx.referrers().some(({ references }) =>
    references.some((ref) => ref.kind !== 'DependsOn' && ref.path.some((seg, i) => typeof seg === 'string' && DEAD_LETTER_SEGMENTS.has(seg) && (seg !== 'OnFailure' || ref.path[i + 1] === 'Destination'))),
  );
}

/** The namespace and metric to suggest; a load balancer's depend on its type. */
function advice(resource: Resource, target: Target, ctx: ResourceContext<{ resourceTypes: string[]; queues: 'dead-letter' | 'all' }>): [string, string] {
  if (resource.type === 'AWS::ElasticLoadBalancingV2::LoadBalancer') {
    const r = ctx.get('Properties.Type');
    const type = r.known ? r.value : undefined;
    if (type === 'network') return ['AWS/NetworkELB', 'UnHealthyHostCount'];
    if (type === 'gateway') return ['AWS/GatewayELB', 'UnHealthyHostCount'];
    return ['AWS/ApplicationELB', 'HTTPCode_ELB_5XX_Count (and TargetResponseTime)'];
  }
  return [target.namespaces.join(' or '), target.metric];
}

function startsWith(path: JsonPath, prefix: JsonPath): boolean {
  return path.length > prefix.length && prefix.every((seg, i) => path[i] === seg);
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
