/**
 * The alarms of a template: which resource's metrics each one watches, and what its actions do. One index per
 * template answers "which alarms watch this function?" and "does any of them tell a person?".
 *
 * An alarm watches a resource when its namespace is the service's (or cannot be known) and a dimension names
 * the resource: by a reference to it (Ref, GetAtt, Sub), or by its literal name (metric math included).
 */
import type { Reference } from '../template/graph';
import { asIntrinsic, isPlainObject, own } from '../template/intrinsics';
import type { Resource, Template } from '../template/model';
import type { JsonPath } from '../template/path';
import type { Assumption } from '../template/resolver';
import { pathStartsWith, referencedResource } from './references';
import { branches, isEmpty, knownString, placeholdersOut, textOptions, writtenText } from './values';

export const ALARM = 'AWS::CloudWatch::Alarm';
export const COMPOSITE_ALARM = 'AWS::CloudWatch::CompositeAlarm';

// ---------------------------------------------------------------------------------------------------------
// What an alarm's actions do

/**
 * - `notify`: tells people (an SNS topic, an OpsCenter OpsItem, or an action that cannot be known here,
 *   usually a topic ARN passed as a parameter)
 * - `incident`: opens an Incident Manager incident through a response plan (which carries its own runbooks)
 * - `lambda`: invokes a function (which may page, open a ticket or remediate)
 * - `ec2`: recovers, reboots, stops or terminates the instance
 * - `scaling`: an Auto Scaling or Application Auto Scaling policy (capacity, not an incident response)
 * - `none`: `AWS::NoValue`
 */
export type ActionKind = 'notify' | 'incident' | 'lambda' | 'ec2' | 'scaling' | 'none';

/**
 * What an alarm does when it fires, from all its actions: `alerts` (some action reaches people or a handler:
 * SNS, Incident Manager, OpsItems, a Lambda or SSM action), `scales` (it only drives scaling policies), `acts`
 * (it only stops, reboots, terminates or recovers an instance), `silent` (no actions), `unknown` (its
 * actions cannot be known before deployment).
 */
export type AlarmResponse = 'alerts' | 'scales' | 'acts' | 'silent' | 'unknown';

const LAMBDA_TYPES = new Set([
  'AWS::Lambda::Function',
  'AWS::Lambda::Alias',
  'AWS::Lambda::Version',
  'AWS::Serverless::Function',
]);
const SCALING_TYPES = new Set(['AWS::AutoScaling::ScalingPolicy', 'AWS::ApplicationAutoScaling::ScalingPolicy']);

/** What an ARN (or the text an `Fn::Sub` builds one from, `${AWS::Partition}` and all) points at. */
export function arnKind(written: string): ActionKind {
  const arn = placeholdersOut(written);
  if (/^arn:[^:]*:ssm-incidents:/.test(arn)) return 'incident';
  if (/^arn:[^:]*:automate:/.test(arn)) return 'ec2';
  if (/^arn:[^:]*:lambda:/.test(arn)) return 'lambda';
  if (/^arn:[^:]*:(autoscaling|application-autoscaling):/.test(arn)) return 'scaling';
  return 'notify';
}

/** Every kind one entry of `AlarmActions` can be (several under an `Fn::If`). */
export function actionKinds(item: unknown, template: Template): ActionKind[] {
  const r = template.resolver.resolve(item);
  if (r.known) {
    if (isEmpty(r.value)) return ['none'];
    if (typeof r.value === 'string') return [arnKind(r.value)];
    return ['notify'];
  }
  if (r.alternatives) return r.alternatives.flatMap((a) => actionKinds(a, template));
  const target = referencedResource(item, template);
  if (target) {
    if (target.type === 'AWS::SSMIncidents::ResponsePlan') return ['incident'];
    if (LAMBDA_TYPES.has(target.type)) return ['lambda'];
    if (SCALING_TYPES.has(target.type)) return ['scaling'];
    return ['notify'];
  }
  const text = writtenText(item, '${}');
  return [text === undefined ? 'notify' : arnKind(text)];
}

/** The kinds of every action of an alarm, over all branches of its `AlarmActions`; undefined when the list itself is unknown. */
export function alarmActionKinds(alarm: Resource, template: Template): Set<ActionKind> | undefined {
  const r = template.resolver.resolve(alarm.properties.AlarmActions);
  const lists = r.known ? [r.value] : r.alternatives;
  if (!lists) return undefined;
  const kinds = new Set<ActionKind>();
  for (const list of lists) {
    if (Array.isArray(list)) for (const item of list) for (const k of actionKinds(item, template)) kinds.add(k);
    else if (list !== undefined) for (const k of actionKinds(list, template)) kinds.add(k);
  }
  return kinds;
}

/** What an alarm does when it fires (see {@link AlarmResponse}). */
export function alarmResponse(alarm: Resource, template: Template): AlarmResponse {
  const kinds = alarmActionKinds(alarm, template);
  if (kinds === undefined) return 'unknown';
  if (kinds.has('notify') || kinds.has('incident') || kinds.has('lambda')) return 'alerts';
  if (kinds.has('scaling')) return kinds.has('ec2') ? 'acts' : 'scales';
  return kinds.has('ec2') ? 'acts' : 'silent';
}

// ---------------------------------------------------------------------------------------------------------
// How a resource shows up in CloudWatch

/** Where a resource type's metrics live and the dimension that names one resource. */
export interface MetricIdentity {
  readonly namespaces: readonly string[];
  /** the dimension whose value names the resource */
  readonly dimension: string;
  /** the property holding the resource's physical name, when the dimension takes it literally */
  readonly nameProperty?: string;
}

const LAMBDA: MetricIdentity = { namespaces: ['AWS/Lambda'], dimension: 'FunctionName', nameProperty: 'FunctionName' };
const REST_API: MetricIdentity = { namespaces: ['AWS/ApiGateway'], dimension: 'ApiName' };
const HTTP_API: MetricIdentity = { namespaces: ['AWS/ApiGateway'], dimension: 'ApiId' };
const STATE_MACHINE: MetricIdentity = { namespaces: ['AWS/States'], dimension: 'StateMachineArn' };
const TABLE: MetricIdentity = { namespaces: ['AWS/DynamoDB'], dimension: 'TableName', nameProperty: 'TableName' };

/** The resource types whose metrics the index can match, and how. */
export const METRIC_IDENTITIES: Readonly<Record<string, MetricIdentity>> = {
  'AWS::Lambda::Function': LAMBDA,
  'AWS::Serverless::Function': LAMBDA,
  'AWS::SQS::Queue': { namespaces: ['AWS/SQS'], dimension: 'QueueName', nameProperty: 'QueueName' },
  'AWS::ApiGateway::Stage': REST_API,
  'AWS::Serverless::Api': REST_API,
  'AWS::ElasticLoadBalancingV2::LoadBalancer': {
    namespaces: ['AWS/ApplicationELB', 'AWS/NetworkELB', 'AWS/GatewayELB'],
    dimension: 'LoadBalancer',
  },
  'AWS::StepFunctions::StateMachine': STATE_MACHINE,
  'AWS::Serverless::StateMachine': STATE_MACHINE,
  'AWS::ECS::Service': {
    namespaces: ['AWS/ECS', 'ECS/ContainerInsights'],
    dimension: 'ServiceName',
    nameProperty: 'ServiceName',
  },
  'AWS::DynamoDB::Table': TABLE,
  'AWS::Serverless::SimpleTable': TABLE,
  'AWS::ApiGatewayV2::Api': HTTP_API,
  'AWS::Serverless::HttpApi': HTTP_API,
  'AWS::Kinesis::Stream': { namespaces: ['AWS/Kinesis'], dimension: 'StreamName', nameProperty: 'Name' },
  'AWS::SNS::Topic': { namespaces: ['AWS/SNS'], dimension: 'TopicName', nameProperty: 'TopicName' },
  'AWS::Events::Rule': { namespaces: ['AWS/Events'], dimension: 'RuleName', nameProperty: 'Name' },
  'AWS::RDS::DBInstance': {
    namespaces: ['AWS/RDS'],
    dimension: 'DBInstanceIdentifier',
    nameProperty: 'DBInstanceIdentifier',
  },
  'AWS::RDS::DBCluster': {
    namespaces: ['AWS/RDS'],
    dimension: 'DBClusterIdentifier',
    nameProperty: 'DBClusterIdentifier',
  },
};

// ---------------------------------------------------------------------------------------------------------
// The index

/** One dimension of a metric an alarm watches. */
interface Dim {
  /** undefined when the name cannot be known (an intrinsic function around the entry) */
  readonly name?: string;
  /** logical ids of resources its value refers to (Ref, GetAtt, Sub) */
  readonly refs: ReadonlySet<string>;
  /** the texts its value can take (see {@link textOptions}) */
  readonly texts: readonly string[];
}

/** One metric an alarm watches: its own `Namespace` + `Dimensions`, or one `Metrics[].MetricStat.Metric`. */
export interface AlarmMetric {
  readonly alarm: WatchingAlarm;
  /** undefined when the namespace cannot be known before deployment */
  readonly namespaces?: readonly string[];
  readonly dims: readonly Dim[];
}

/** An alarm of the template, with what it does when it fires. */
export interface WatchingAlarm {
  readonly alarm: Resource;
  readonly response: AlarmResponse;
  /** its Condition is known to be false: not deployed (under the assumptions listed) */
  readonly excluded: boolean;
  /** what its Condition's value rests on (parameter defaults), when it rests on any */
  readonly assumptions: readonly Assumption[];
}

const STATE_MACHINE_ARN = /:stateMachine:([^:]+)$/;

/** Which alarms of a template watch which resource's metrics. Built once per template, deployed or not. */
export class AlarmIndex {
  private readonly byRef = new Map<string, AlarmMetric[]>();
  private readonly byText = new Map<string, AlarmMetric[]>();
  readonly alarms: readonly WatchingAlarm[];
  private readonly order = new Map<WatchingAlarm, number>();
  private readonly metrics = new Map<Resource, AlarmMetric[]>();

  constructor(private readonly template: Template) {
    const alarms: WatchingAlarm[] = [];
    for (const alarm of template.resourcesOfType(ALARM)) {
      const { value: excluded, assumptions } = template.resolver.track(() => template.isExcluded(alarm));
      const watching: WatchingAlarm = { alarm, response: alarmResponse(alarm, template), excluded, assumptions };
      this.order.set(watching, alarms.push(watching));
      const metrics = this.readMetrics(watching);
      this.metrics.set(alarm, metrics);
      for (const metric of metrics) {
        for (const dim of metric.dims) {
          for (const id of dim.refs) add(this.byRef, id, metric);
          for (const text of dim.texts) for (const key of textKeys(text)) add(this.byText, key, metric);
        }
      }
    }
    this.alarms = alarms;
  }

  /**
   * The deployed alarms whose metric names the resource, for a type in {@link METRIC_IDENTITIES}. Whether each
   * alarm (deployed or not) is deployed is part of what a verdict on them rests on: the checks in progress are told.
   */
  watching(resource: Resource): WatchingAlarm[] {
    return this.deployed(this.allWatching(resource));
  }

  /** The deployed alarms with a metric dimension that refers to the resource, whatever its type (as {@link watching}). */
  referring(logicalId: string): WatchingAlarm[] {
    return this.deployed([...new Set((this.byRef.get(logicalId) ?? []).map((m) => m.alarm))]);
  }

  private deployed(alarms: readonly WatchingAlarm[]): WatchingAlarm[] {
    this.template.resolver.assume(alarms.flatMap((w) => w.assumptions));
    return alarms.filter((w) => !w.excluded);
  }

  private allWatching(resource: Resource): WatchingAlarm[] {
    const identity = own(METRIC_IDENTITIES, resource.type);
    if (!identity) return [];
    // how a resource is named decides which alarms are its, not whether it has one: not an assumption of a finding
    const idents = this.template.resolver.untracked(() => identities(resource, identity, this.template));
    const pool = new Set<AlarmMetric>();
    for (const ident of [idents.main, idents.stage]) {
      if (!ident) continue;
      for (const id of ident.refs) this.byRef.get(id)?.forEach((m) => pool.add(m));
      for (const t of ident.texts) this.byText.get(t)?.forEach((m) => pool.add(m));
    }
    const out: WatchingAlarm[] = [];
    for (const metric of pool) {
      if (!out.includes(metric.alarm) && names(metric, identity, idents)) out.push(metric.alarm);
    }
    // in template order
    return out.sort((a, b) => this.order.get(a)! - this.order.get(b)!);
  }

  /** The metrics an alarm of the template watches (its own, or those of its metric math). */
  metricsOf(alarm: Resource): readonly AlarmMetric[] {
    return this.metrics.get(alarm) ?? [];
  }

  private readMetrics(alarm: WatchingAlarm): AlarmMetric[] {
    const template = this.template;
    const props = alarm.alarm.properties;
    const refs = template.graph.outgoing(alarm.alarm.logicalId);
    const out: AlarmMetric[] = [];
    if (props.Namespace !== undefined || props.MetricName !== undefined || props.Dimensions !== undefined) {
      out.push({
        alarm,
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
            alarm,
            namespaces: namespaces(metric.Namespace, template),
            dims: dimensions(
              metric.Dimensions,
              ['Properties', 'Metrics', j, 'MetricStat', 'Metric', 'Dimensions'],
              refs,
              template,
            ),
          });
        }
      });
    } else if (metrics !== undefined) {
      // a whole Metrics list behind an intrinsic: only its references can be placed
      const under = refs.filter((r) => below(r.path, ['Properties', 'Metrics']));
      if (under.length > 0) out.push({ alarm, dims: [{ refs: new Set(under.map((r) => r.to)), texts: [] }] });
    }
    return out;
  }
}

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

function below(path: JsonPath, prefix: JsonPath): boolean {
  return path.length > prefix.length && pathStartsWith(path, prefix);
}

/** The namespaces a value can take; undefined when it cannot be known before deployment. */
export function namespaces(value: unknown, template: Template): readonly string[] | undefined {
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
  const under = refs.filter((r) => below(r.path, path));
  const dims: Dim[] = [];
  const placed = new Set<Reference>();
  if (Array.isArray(value)) {
    value.forEach((entry, i) => {
      const held = under.filter((r) => r.path[path.length] === i);
      held.forEach((r) => placed.add(r));
      for (const e of candidates(entry, template)) {
        if (!isPlainObject(e)) continue;
        dims.push({
          name: knownString(template.resolver, e.Name),
          refs: new Set(held.map((r) => r.to)),
          texts: textOptions(template.resolver, e.Value),
        });
      }
    });
  } else {
    for (const list of candidates(value, template)) {
      if (!Array.isArray(list)) continue;
      for (const e of list)
        if (isPlainObject(e))
          dims.push({
            name: knownString(template.resolver, e.Name),
            refs: new Set(),
            texts: textOptions(template.resolver, e.Value),
          });
    }
  }
  const rest = under.filter((r) => !placed.has(r));
  if (rest.length > 0) dims.push({ refs: new Set(rest.map((r) => r.to)), texts: [] });
  return dims;
}

/** The values a possibly conditional value can take: itself, both branches of an `Fn::If`, or none when unknown. */
function candidates(value: unknown, template: Template): unknown[] {
  return (branches(template.resolver.resolve(value)) ?? []).filter((v) => v !== undefined);
}

// ---------------------------------------------------------------------------------------------------------
// Matching a resource against the index

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

/** Whether the dimensions of one metric name the resource (and, for an API, its stage). */
function names(metric: AlarmMetric, identity: MetricIdentity, idents: Identities): boolean {
  if (metric.namespaces !== undefined && !metric.namespaces.some((ns) => identity.namespaces.includes(ns)))
    return false;
  if (idents.stage) {
    // an API alarm: it names the API; when it also names a stage, that stage
    const stage = idents.stage;
    const api = metric.dims.some(
      (d) =>
        (d.name === undefined || d.name === 'ApiName') &&
        (dimNames(d, idents.main) || (idents.main.open === true && d.name === 'ApiName')),
    );
    const stages = metric.dims.filter((d) => d.name === 'Stage');
    if (api && (stages.length === 0 || stages.some((d) => dimNames(d, stage)))) return true;
    // referring to the stage resource itself is enough to identify it
    return metric.dims.some((d) => [...stage.refs].some((id) => d.refs.has(id)));
  }
  return metric.dims.some((d) => dimNames(d, idents.main));
}

/** Does this dimension name the resource: by a reference to it (any dimension), or by its literal name (its own dimension)? */
function dimNames(dim: Dim, ident: Identity): boolean {
  for (const id of ident.refs) if (dim.refs.has(id)) return true;
  if (dim.name !== undefined && dim.name !== ident.dimension) return false;
  return dim.texts.some((t) => textKeys(t).some((k) => ident.texts.has(k)));
}

function identities(resource: Resource, identity: MetricIdentity, template: Template): Identities {
  const id = resource.logicalId;
  const props = resource.properties;
  const nameTexts = (value: unknown): string[] => textOptions(template.resolver, value);
  switch (resource.type) {
    case 'AWS::ApiGateway::Stage': {
      const api = restApiOf(props.RestApiId, template);
      // an API outside the template, or named by the title of its OpenAPI body: its name is not known here
      const main: Identity =
        api && api.properties.Name !== undefined
          ? { dimension: 'ApiName', refs: new Set([api.logicalId]), texts: new Set(nameTexts(api.properties.Name)) }
          : { dimension: 'ApiName', refs: new Set(api ? [api.logicalId] : []), texts: new Set(), open: true };
      return { main, stage: { dimension: 'Stage', refs: new Set([id]), texts: new Set(nameTexts(props.StageName)) } };
    }
    case 'AWS::Serverless::Api': {
      // SAM names the RestApi after `Name`; without it, after the title of the OpenAPI definition: the stack name
      // when SAM generates it, unknown here when the template supplies it. `!Ref Api` is the RestApi.
      const ownDefinition = props.DefinitionBody !== undefined || props.DefinitionUri !== undefined;
      const apiNames =
        props.Name !== undefined ? nameTexts(props.Name) : ownDefinition ? [] : nameTexts({ Ref: 'AWS::StackName' });
      const stageNames = nameTexts(props.StageName);
      const stageTexts = new Set([...stageNames, `\${${id}.Stage}`]);
      // SAM's generated stage resource: <Api><StageName>Stage
      for (const s of stageNames) stageTexts.add(`\${${id}${s.replace(/[^A-Za-z0-9]/g, '')}Stage}`);
      return {
        main: {
          dimension: 'ApiName',
          refs: new Set([id]),
          texts: new Set(apiNames),
          open: props.Name === undefined && ownDefinition,
        },
        stage: { dimension: 'Stage', refs: new Set(), texts: stageTexts },
      };
    }
    case 'AWS::StepFunctions::StateMachine':
    case 'AWS::Serverless::StateMachine': {
      // the dimension is the ARN: a literal ARN matches on its name part
      const names = nameTexts(resource.type === 'AWS::Serverless::StateMachine' ? props.Name : props.StateMachineName);
      return {
        main: {
          dimension: identity.dimension,
          refs: new Set([id]),
          texts: new Set(names.map((n) => `:stateMachine:${n}`)),
        },
      };
    }
    default:
      return {
        main: {
          dimension: identity.dimension,
          refs: new Set([id]),
          texts: new Set(identity.nameProperty ? nameTexts(props[identity.nameProperty]) : []),
        },
      };
  }
}

function restApiOf(value: unknown, template: Template): Resource | undefined {
  const fn = asIntrinsic(value);
  const ref = fn?.name === 'Ref' && typeof fn.arg === 'string' ? fn.arg : undefined;
  const api = ref === undefined ? undefined : template.resources.get(ref);
  return api && (api.type === 'AWS::ApiGateway::RestApi' || api.type === 'AWS::Serverless::Api') ? api : undefined;
}
