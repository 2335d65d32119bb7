/**
 * Who invokes a Lambda function or a state machine, and how: synchronously (a caller waits for the answer:
 * API Gateway, a load balancer, a function URL, AppSync, Step Functions, Cognito, CloudFront), asynchronously
 * (the service queues the event and moves on: SNS, S3, EventBridge and schedules, CloudWatch Logs, IoT, SES)
 * or by polling (event source mappings over queues and streams). Read from the references the template
 * makes, SAM event sources, the function's aliases and versions, and Lambda permissions for services whose
 * invoking resource is not in the template.
 */
import type { Reference } from '../template/graph';
import { own } from '../template/intrinsics';
import type { Resource, Template } from '../template/model';
import { pathStartsWith, referrers } from './references';
import { samEventDisabled, samEvents } from './sam';
import { FUNCTION_TYPES } from './types';
import { isSet, knownString, writtenText } from './values';
import { stringAt } from './verdict';

/** How the invoker calls: it waits for the answer, it hands the event over and moves on, or it polls a source. */
export type InvocationMode = 'sync' | 'async' | 'poll';

/** The service that invokes, as rules and options name it. */
export type InvokingService =
  | 'apigateway'
  | 'alb'
  | 'function-url'
  | 'appsync'
  | 'stepfunctions'
  | 'cognito'
  | 'cloudfront'
  | 'sns'
  | 's3'
  | 'eventbridge'
  | 'schedule'
  | 'cloudwatch-logs'
  | 'iot'
  | 'ses'
  | 'event-source';

/** One way a function or state machine is invoked. */
export interface Invoker {
  readonly mode: InvocationMode;
  readonly service: InvokingService;
  /** how a message names it: "SNS subscription OrdersSubscription", "its SNS event Orders" */
  readonly via: string;
  /** the resource that invokes (a method, a rule, a subscription); for a SAM event, the function itself */
  readonly from: Resource;
  /** the reference that shows it; absent for a SAM event */
  readonly reference?: Reference;
  /** for a SAM event source: the event's name */
  readonly event?: string;
  /** known only from a Lambda permission: the invoking resource is elsewhere (another stack, the console) */
  readonly permission?: boolean;
}

const SAM_FUNCTION = 'AWS::Serverless::Function';
const ALIASES = ['AWS::Lambda::Alias', 'AWS::Lambda::Version'];

/** SAM event types: the service and how it invokes. (An SNS event with SqsSubscription is polled instead.) */
const SAM_EVENTS: Readonly<Record<string, readonly [InvokingService, InvocationMode]>> = {
  Api: ['apigateway', 'sync'],
  HttpApi: ['apigateway', 'sync'],
  Cognito: ['cognito', 'sync'],
  SNS: ['sns', 'async'],
  S3: ['s3', 'async'],
  EventBridgeRule: ['eventbridge', 'async'],
  CloudWatchEvent: ['eventbridge', 'async'],
  Schedule: ['schedule', 'async'],
  ScheduleV2: ['schedule', 'async'],
  CloudWatchLogs: ['cloudwatch-logs', 'async'],
  IoTRule: ['iot', 'async'],
  SQS: ['event-source', 'poll'],
  Kinesis: ['event-source', 'poll'],
  DynamoDB: ['event-source', 'poll'],
  MSK: ['event-source', 'poll'],
  MQ: ['event-source', 'poll'],
  SelfManagedKafka: ['event-source', 'poll'],
  DocumentDB: ['event-source', 'poll'],
};

/** Service principals of a Lambda permission, and how that service invokes. */
const PRINCIPALS: readonly [RegExp, InvokingService, InvocationMode][] = [
  [/^sns\.amazonaws\.com$/, 'sns', 'async'],
  [/^s3\.amazonaws\.com$/, 's3', 'async'],
  [/^events\.amazonaws\.com$/, 'eventbridge', 'async'],
  [/^logs(\.[^.]+)?\.amazonaws\.com$/, 'cloudwatch-logs', 'async'],
  [/^iot\.amazonaws\.com$/, 'iot', 'async'],
  [/^ses\.amazonaws\.com$/, 'ses', 'async'],
  [/^apigateway\.amazonaws\.com$/, 'apigateway', 'sync'],
  [/^elasticloadbalancing\.amazonaws\.com$/, 'alb', 'sync'],
  [/^appsync\.amazonaws\.com$/, 'appsync', 'sync'],
  [/^cognito-idp\.amazonaws\.com$/, 'cognito', 'sync'],
];

const SERVICE_NAMES: Readonly<Record<InvokingService, string>> = {
  apigateway: 'API Gateway',
  alb: 'Elastic Load Balancing',
  'function-url': 'a function URL',
  appsync: 'AppSync',
  stepfunctions: 'Step Functions',
  cognito: 'Cognito',
  cloudfront: 'CloudFront',
  sns: 'SNS',
  s3: 'S3',
  eventbridge: 'EventBridge',
  schedule: 'an EventBridge schedule',
  'cloudwatch-logs': 'CloudWatch Logs',
  iot: 'AWS IoT',
  ses: 'SES',
  'event-source': 'an event source mapping',
};

/** The keys of an OpenAPI operation under which a Lambda ARN means "API Gateway invokes this function". */
const OPENAPI_INVOKE_KEYS = new Set(['x-amazon-apigateway-integration', 'x-amazon-apigateway-authorizer']);

/**
 * Every way the template shows `target` (a function or a state machine) being invoked, each invoking resource
 * once. A permission for a service counts only when no resource of the template shows that service invoking.
 */
export function invokersOf(template: Template, target: Resource): Invoker[] {
  const lambda = FUNCTION_TYPES.includes(target.type);
  const found: Invoker[] = [];
  const permissions: Invoker[] = [];
  const seen = new Set<InvokingService>();
  const add = (invoker: Invoker): void => {
    seen.add(family(invoker.service));
    found.push(invoker);
  };
  if (target.type === SAM_FUNCTION || target.type === 'AWS::Serverless::StateMachine')
    for (const e of samEventInvokers(template, target)) add(e);
  const visit = (entry: Resource, hops: number): void => {
    for (const { resource: from, references } of referrers(template, entry.logicalId)) {
      for (const ref of references) {
        if (from.type === 'AWS::Lambda::Permission') {
          const p = pathStartsWith(ref.path, ['Properties', 'FunctionName'])
            ? permissionInvoker(from, ref, template)
            : undefined;
          if (p) permissions.push(p);
          continue;
        }
        const invoker = classify(template, from, ref, lambda);
        if (invoker) add(invoker);
      }
      // an alias or a version of the function is invoked the same way
      if (
        lambda &&
        hops === 0 &&
        ALIASES.includes(from.type) &&
        references.some((r) => pathStartsWith(r.path, ['Properties', 'FunctionName']))
      )
        visit(from, 1);
    }
  };
  visit(target, 0);
  return dedupe([...found, ...permissions.filter((p) => !seen.has(family(p.service)))]);
}

/** A permission for events.amazonaws.com serves event-pattern rules and schedules alike. */
function family(service: InvokingService): InvokingService {
  return service === 'schedule' ? 'eventbridge' : service;
}

/** One invoker per resource and way: a subscription found through the function and its alias counts once. */
function dedupe(invokers: Invoker[]): Invoker[] {
  const seen = new Set<string>();
  return invokers.filter((i) => (seen.has(i.via) ? false : (seen.add(i.via), true)));
}

function samEventInvokers(template: Template, target: Resource): Invoker[] {
  const out: Invoker[] = [];
  for (const event of samEvents(target, template)) {
    const known = event.type === undefined ? undefined : own(SAM_EVENTS, event.type);
    if (!known || samEventDisabled(target, event, template)) continue;
    let [service, mode] = known;
    if (event.type === 'SNS') {
      const sqs = template.valueAt(target, [...event.path, 'SqsSubscription']);
      // unknown: it may be either
      if (!sqs.known) continue;
      if (sqs.value !== undefined && sqs.value !== false && sqs.value !== 'false')
        [service, mode] = ['event-source', 'poll'];
    }
    out.push({ mode, service, via: `its ${event.type} event ${event.name}`, from: target, event: event.name });
  }
  return out;
}

/** What a reference from `from` to the function (or state machine) says about invoking it, if anything. */
function classify(template: Template, from: Resource, ref: Reference, lambda: boolean): Invoker | undefined {
  const p = ref.path;
  if (p[0] !== 'Properties') return undefined;
  const id = from.logicalId;
  const where = p[1];
  const is = (mode: InvocationMode, service: InvokingService, via: string): Invoker => ({
    mode,
    service,
    via,
    from,
    reference: ref,
  });
  switch (from.type) {
    case 'AWS::ApiGateway::Method': {
      if (where !== 'Integration' || (lambda && p[2] !== 'Uri')) return undefined;
      const type = stringAt(template, from, 'Properties.Integration.Type');
      return (lambda ? type === 'AWS_PROXY' || type === 'AWS' : type === 'AWS')
        ? is('sync', 'apigateway', `method ${id}`)
        : undefined;
    }
    case 'AWS::ApiGateway::Authorizer':
      return lambda && where === 'AuthorizerUri' ? is('sync', 'apigateway', `authorizer ${id}`) : undefined;
    case 'AWS::ApiGatewayV2::Integration':
      return where === 'IntegrationUri' ? is('sync', 'apigateway', `integration ${id}`) : undefined;
    case 'AWS::ApiGatewayV2::Authorizer':
      return lambda && where === 'AuthorizerUri' ? is('sync', 'apigateway', `authorizer ${id}`) : undefined;
    case 'AWS::ApiGateway::RestApi':
    case 'AWS::Serverless::Api':
    case 'AWS::ApiGatewayV2::Api':
    case 'AWS::Serverless::HttpApi':
      return (where === 'Body' || where === 'DefinitionBody') &&
        p.some((s) => typeof s === 'string' && OPENAPI_INVOKE_KEYS.has(s))
        ? is('sync', 'apigateway', `API ${id}`)
        : undefined;
    case 'AWS::ElasticLoadBalancingV2::TargetGroup':
      return lambda && where === 'Targets' ? is('sync', 'alb', `target group ${id}`) : undefined;
    case 'AWS::Lambda::Url':
      return lambda && where === 'TargetFunctionArn' ? is('sync', 'function-url', `function URL ${id}`) : undefined;
    case 'AWS::AppSync::DataSource':
      return lambda && where === 'LambdaConfig' ? is('sync', 'appsync', `AppSync data source ${id}`) : undefined;
    case 'AWS::StepFunctions::StateMachine':
    case 'AWS::Serverless::StateMachine':
      return where === 'Definition' || where === 'DefinitionString' || where === 'DefinitionSubstitutions'
        ? is('sync', 'stepfunctions', `state machine ${id}`)
        : undefined;
    case 'AWS::Cognito::UserPool':
      return lambda && where === 'LambdaConfig' ? is('sync', 'cognito', `Cognito user pool ${id}`) : undefined;
    case 'AWS::CloudFront::Distribution':
      return lambda && p.includes('LambdaFunctionAssociations')
        ? is('sync', 'cloudfront', `CloudFront distribution ${id}`)
        : undefined;
    case 'AWS::Lambda::EventSourceMapping':
      return lambda && where === 'FunctionName' ? is('poll', 'event-source', `event source mapping ${id}`) : undefined;
    case 'AWS::SNS::Subscription': {
      if (!lambda || where !== 'Endpoint') return undefined;
      const protocol = template.valueAt(from, 'Properties.Protocol');
      return protocol.known && protocol.value !== 'lambda' ? undefined : is('async', 'sns', `SNS subscription ${id}`);
    }
    case 'AWS::SNS::Topic':
      return lambda && where === 'Subscription' ? is('async', 'sns', `SNS topic ${id}`) : undefined;
    case 'AWS::Events::Rule':
      if (where !== 'Targets' || eventRuleDisabled(template, from)) return undefined;
      return isScheduledRule(template, from)
        ? is('async', 'schedule', `scheduled rule ${id}`)
        : is('async', 'eventbridge', `EventBridge rule ${id}`);
    case 'AWS::Scheduler::Schedule':
      return pathStartsWith(p, ['Properties', 'Target', 'Arn']) && !eventRuleDisabled(template, from)
        ? is('async', 'schedule', `schedule ${id}`)
        : undefined;
    case 'AWS::S3::Bucket':
      return lambda && p.includes('LambdaConfigurations') ? is('async', 's3', `S3 bucket ${id}`) : undefined;
    case 'AWS::Logs::SubscriptionFilter':
      return lambda && where === 'DestinationArn'
        ? is('async', 'cloudwatch-logs', `log subscription filter ${id}`)
        : undefined;
    case 'AWS::IoT::TopicRule':
      return lambda && p.includes('Lambda') ? is('async', 'iot', `IoT rule ${id}`) : undefined;
    case 'AWS::SES::ReceiptRule': {
      // InvocationType Event (the default) is asynchronous; RequestResponse waits for the function
      const at = p.indexOf('LambdaAction');
      if (!lambda || at < 0) return undefined;
      const type = template.valueAt(from, [...p.slice(0, at + 1), 'InvocationType']);
      return is(!type.known || type.value === 'RequestResponse' ? 'sync' : 'async', 'ses', `SES receipt rule ${id}`);
    }
    default:
      return undefined;
  }
}

/** A permission for a service; for EventBridge, a scheduled rule named in SourceArn makes it a schedule. */
function permissionInvoker(permission: Resource, ref: Reference, template: Template): Invoker | undefined {
  const principal =
    knownString(template.resolver, permission.properties.Principal) ??
    writtenText(permission.properties.Principal, '*');
  if (principal === undefined) return undefined;
  const match = PRINCIPALS.find(([re]) =>
    re.test(principal.replace(/\$\{AWS::Region\}/g, 'region').replace(/\$\{AWS::URLSuffix\}/g, 'amazonaws.com')),
  );
  if (!match) return undefined;
  let [, service] = match;
  const mode = match[2];
  if (service === 'eventbridge') {
    const rule = template.graph
      .outgoing(permission.logicalId)
      .filter((r) => pathStartsWith(r.path, ['Properties', 'SourceArn']))
      .map((r) => template.resources.get(r.to))
      .find((r) => r?.type === 'AWS::Events::Rule');
    if (rule && isScheduledRule(template, rule)) service = 'schedule';
  }
  return {
    mode,
    service,
    via: `${SERVICE_NAMES[service]} (through permission ${permission.logicalId})`,
    from: permission,
    reference: ref,
    permission: true,
  };
}

function isScheduledRule(template: Template, rule: Resource): boolean {
  const schedule = template.valueAt(rule, 'Properties.ScheduleExpression');
  return (!schedule.known || isSet(schedule.value)) && rule.properties.EventPattern === undefined;
}

/** An EventBridge rule that is switched off (`State: DISABLED`) delivers nothing. */
export function eventRuleDisabled(template: Template, rule: Resource): boolean {
  const state = template.valueAt(rule, 'Properties.State');
  return state.known && state.value === 'DISABLED';
}
