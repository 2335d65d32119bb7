import { defineRule, type Verdict } from '../../lib/engine/rule';
import type { Reference } from '../../lib/template/graph';
import { isPlainObject } from '../../lib/template/intrinsics';
import type { Resource, Template } from '../../lib/template/model';
import { arnText, isSet, listNames, referrersOf, samEventDisabled, samEvents, startsWith, verdictAt } from './util';

/** The kinds of asynchronous invokers the rule knows, as the `sources` option names them. */
const SOURCES = ['sns', 's3', 'eventbridge', 'schedule', 'cloudwatch-logs', 'iot', 'ses'] as const;
type Source = (typeof SOURCES)[number];

/** SAM event types whose service invokes the function asynchronously. (An SNS event with SqsSubscription is polled instead.) */
const SAM_ASYNC_EVENTS: Readonly<Record<string, Source>> = {
  SNS: 'sns',
  S3: 's3',
  EventBridgeRule: 'eventbridge',
  CloudWatchEvent: 'eventbridge',
  Schedule: 'schedule',
  ScheduleV2: 'schedule',
  CloudWatchLogs: 'cloudwatch-logs',
  IoTRule: 'iot',
};

/** Service principals of a Lambda permission that mean asynchronous invocation. */
const PRINCIPALS: readonly [RegExp, Source][] = [
  [/^sns\.amazonaws\.com$/, 'sns'],
  [/^s3\.amazonaws\.com$/, 's3'],
  [/^events\.amazonaws\.com$/, 'eventbridge'],
  [/^logs(\.[^.]+)?\.amazonaws\.com$/, 'cloudwatch-logs'],
  [/^iot\.amazonaws\.com$/, 'iot'],
  [/^ses\.amazonaws\.com$/, 'ses'],
];

const SERVICE_NAMES: Readonly<Record<Source, string>> = {
  sns: 'SNS',
  s3: 'S3',
  eventbridge: 'EventBridge',
  schedule: 'an EventBridge schedule',
  'cloudwatch-logs': 'CloudWatch Logs',
  iot: 'AWS IoT',
  ses: 'SES',
};

interface Invoker {
  readonly source: Source;
  /** how the message names it: "SNS subscription OrdersSubscription" */
  readonly via: string;
  /** a service that could invoke asynchronously but is set up to wait for the function (SES RequestResponse) */
  readonly sync?: boolean;
}

export default defineRule({
  id: 'lambda-async-failure-destination',
  title: 'Lambda functions invoked asynchronously keep failed events in a dead-letter queue or an on-failure destination',
  bestPractice: 'OPS10-BP01',
  resourceTypes: ['AWS::Lambda::Function', 'AWS::Serverless::Function'],
  severity: 'warning',
  options: {
    sources: [...SOURCES] as string[],
  },
  optionDocs: {
    sources:
      'Which asynchronous invokers make a function need failure capture: "sns", "s3", "eventbridge" (event-pattern rules), "schedule" ' +
      '(scheduled rules, EventBridge Scheduler, SAM Schedule/ScheduleV2), "cloudwatch-logs" (subscription filters), "iot" (topic rules), ' +
      '"ses" (a Lambda permission for ses.amazonaws.com). Default: all of them; drop "schedule" if a missed scheduled run is acceptable.',
  },
  messages: {
    noFailureDestination:
      'Lambda function {{name}} is invoked asynchronously by {{invokers}} but has no dead-letter queue or on-failure destination; an event that still fails after Lambda\'s retries is dropped. Add {{fix}}.',
  },
  why:
    'When SNS, S3, EventBridge, CloudWatch Logs or IoT invoke a function, Lambda queues the event and returns at once; ' +
    'if the function keeps failing (an error, a timeout, throttling), Lambda retries twice and then discards the event. ' +
    'Nothing upstream knows it was lost, and the Errors metric alone does not say which event failed. A dead-letter ' +
    'queue (DeadLetterConfig) or, better, an on-failure destination (EventInvokeConfig, which also records the error and ' +
    'accepts SQS, SNS, S3, Lambda or EventBridge) keeps each failed event so it can be alarmed on, inspected and replayed. ' +
    'A function counts as invoked asynchronously when the template subscribes it to SNS, targets it from an EventBridge ' +
    'rule or schedule, notifies it from S3, a log subscription or an IoT rule (directly, through an alias or version, or ' +
    'through a Lambda permission for one of those services), or gives it such a SAM event.',
  fix: {
    cloudformation:
      'OrdersFailures:\n  Type: AWS::SQS::Queue\n' +
      'OrdersInvokeConfig:\n  Type: AWS::Lambda::EventInvokeConfig\n  Properties:\n    FunctionName: !Ref OrdersFunction\n    Qualifier: $LATEST\n' +
      '    MaximumRetryAttempts: 2\n    DestinationConfig:\n      OnFailure:\n        Destination: !GetAtt OrdersFailures.Arn\n' +
      '# or on the function: DeadLetterConfig: { TargetArn: !GetAtt OrdersFailures.Arn }\n' +
      '# SAM: EventInvokeConfig: { DestinationConfig: { OnFailure: { Type: SQS } } } (SAM creates the queue),\n' +
      '#      or DeadLetterQueue: { Type: SQS, TargetArn: !GetAtt OrdersFailures.Arn } (both also in Globals.Function)',
    cdk:
      'import * as destinations from "aws-cdk-lib/aws-lambda-destinations";\n\n' +
      'const failures = new sqs.Queue(this, "OrdersFailures");\n' +
      'new lambda.Function(this, "Orders", {\n  /* … */\n  onFailure: new destinations.SqsDestination(failures),\n  retryAttempts: 2,\n});\n' +
      '// or: deadLetterQueueEnabled: true (CDK creates the queue), deadLetterQueue: queue, deadLetterTopic: topic',
  },
  check(resource, ctx) {
    const template = ctx.template;
    const wanted = new Set(Array.isArray(ctx.options.sources) ? ctx.options.sources : []);
    const invokers = invokersOf(resource, template).filter((i) => wanted.has(i.source));
    if (invokers.length === 0) return;

    const sam = resource.type === 'AWS::Serverless::Function';
    const verdicts: Verdict[] = [];
    if (sam) {
      verdicts.push(ctx.satisfies('Properties.DeadLetterQueue.TargetArn', isSet));
      verdicts.push(ctx.satisfies('Properties.EventInvokeConfig.DestinationConfig.OnFailure', samOnFailure));
    } else {
      verdicts.push(ctx.satisfies('Properties.DeadLetterConfig.TargetArn', isSet));
    }
    const configs = ctx.memo('event-invoke-configs', () => indexEventInvokeConfigs(template));
    for (const config of configsOf(resource, configs, template)) {
      verdicts.push(verdictAt(template, config, 'Properties.DestinationConfig.OnFailure.Destination', isSet));
    }
    // captured, or not known not to be
    if (verdicts.some((v) => v !== false)) return;

    ctx.report({
      messageId: 'noFailureDestination',
      path: sam ? 'Properties.DeadLetterQueue' : 'Properties.DeadLetterConfig',
      data: {
        name: resource.logicalId,
        invokers: listNames(invokers.map((i) => i.via)),
        fix: sam
          ? 'EventInvokeConfig.DestinationConfig.OnFailure or DeadLetterQueue to the function (or to Globals.Function)'
          : 'an AWS::Lambda::EventInvokeConfig with DestinationConfig.OnFailure, or DeadLetterConfig.TargetArn on the function',
      },
    });
  },
});

/** SAM's OnFailure: a Destination, or Type SQS/SNS without one (SAM then creates the queue or topic). */
function samOnFailure(value: unknown): boolean {
  if (!isPlainObject(value)) return isSet(value);
  if (isSet(value.Destination)) return true;
  return typeof value.Type !== 'string' ? isSet(value.Type) : value.Type === 'SQS' || value.Type === 'SNS';
}

// ---------------------------------------------------------------------------------------------------------
// Who invokes a function asynchronously

function invokersOf(fn: Resource, template: Template): Invoker[] {
  const found: Invoker[] = [];
  const permissions: Invoker[] = [];
  /** services seen invoking the function through a resource of the template, synchronously or not */
  const seen = new Set<Source>();
  if (fn.type === 'AWS::Serverless::Function') {
    for (const event of samEvents(fn, template)) {
      const source = event.type === undefined ? undefined : SAM_ASYNC_EVENTS[event.type];
      if (!source || samEventDisabled(fn, event, template)) continue;
      if (event.type === 'SNS') {
        const sqs = template.valueAt(fn, [...event.path, 'SqsSubscription']);
        if (!sqs.known || (sqs.value !== undefined && sqs.value !== false && sqs.value !== 'false')) continue;
      }
      seen.add(family(source));
      found.push({ source, via: `its ${event.type} event ${event.name}` });
    }
  }
  const visit = (target: Resource, hops: number): void => {
    for (const { resource: from, references } of referrersOf(template, target.logicalId)) {
      for (const ref of references) {
        if (from.type === 'AWS::Lambda::Permission') {
          const invoker = startsWith(ref.path, ['Properties', 'FunctionName']) ? permissionInvoker(from, template) : undefined;
          if (invoker) permissions.push(invoker);
          continue;
        }
        const invoker = classify(from, ref, template);
        if (!invoker) continue;
        seen.add(family(invoker.source));
        if (!invoker.sync) found.push(invoker);
      }
      // an alias or a version of the function is invoked the same way
      if (hops === 0 && (from.type === 'AWS::Lambda::Alias' || from.type === 'AWS::Lambda::Version') && references.some((r) => startsWith(r.path, ['Properties', 'FunctionName']))) {
        visit(from, 1);
      }
    }
  };
  visit(fn, 0);
  // a permission is evidence only for a service whose invoking resource is not in the template (another stack, the console)
  return dedupe([...found, ...permissions.filter((p) => !seen.has(family(p.source)))]);
}

/** A permission for events.amazonaws.com serves event-pattern and scheduled rules alike. */
function family(source: Source): Source {
  return source === 'schedule' ? 'eventbridge' : source;
}

function classify(from: Resource, ref: Reference, template: Template): Invoker | undefined {
  const p = ref.path;
  const id = from.logicalId;
  switch (from.type) {
    case 'AWS::SNS::Subscription': {
      if (!startsWith(p, ['Properties', 'Endpoint'])) return undefined;
      const protocol = template.valueAt(from, 'Properties.Protocol');
      return protocol.known && protocol.value !== 'lambda' ? undefined : { source: 'sns', via: `SNS subscription ${id}` };
    }
    case 'AWS::SNS::Topic':
      return startsWith(p, ['Properties', 'Subscription']) ? { source: 'sns', via: `SNS topic ${id}` } : undefined;
    case 'AWS::Events::Rule':
      if (!startsWith(p, ['Properties', 'Targets']) || ruleDisabled(from, template)) return undefined;
      return isScheduledRule(from, template) ? { source: 'schedule', via: `scheduled rule ${id}` } : { source: 'eventbridge', via: `EventBridge rule ${id}` };
    case 'AWS::Scheduler::Schedule':
      return startsWith(p, ['Properties', 'Target', 'Arn']) && !ruleDisabled(from, template) ? { source: 'schedule', via: `schedule ${id}` } : undefined;
    case 'AWS::S3::Bucket':
      return p.includes('LambdaConfigurations') ? { source: 's3', via: `S3 bucket ${id}` } : undefined;
    case 'AWS::Logs::SubscriptionFilter':
      return startsWith(p, ['Properties', 'DestinationArn']) ? { source: 'cloudwatch-logs', via: `log subscription filter ${id}` } : undefined;
    case 'AWS::IoT::TopicRule':
      return p.includes('Lambda') ? { source: 'iot', via: `IoT rule ${id}` } : undefined;
    case 'AWS::SES::ReceiptRule': {
      // InvocationType Event (the default) is asynchronous; RequestResponse waits for the function
      const at = p.indexOf('LambdaAction');
      if (at < 0) return undefined;
      const type = template.valueAt(from, [...p.slice(0, at + 1), 'InvocationType']);
      return { source: 'ses', via: `SES receipt rule ${id}`, sync: !type.known || type.value === 'RequestResponse' };
    }
    default:
      return undefined;
  }
}

/** A permission for an asynchronous service; for EventBridge, a scheduled rule named in SourceArn makes it a schedule. */
function permissionInvoker(permission: Resource, template: Template): Invoker | undefined {
  const principal = arnText(permission.properties.Principal, template);
  if (principal === undefined) return undefined;
  const match = PRINCIPALS.find(([re]) => re.test(principal.replace(/\$\{AWS::Region\}/g, 'region').replace(/\$\{AWS::URLSuffix\}/g, 'amazonaws.com')));
  if (!match) return undefined;
  let source = match[1];
  if (source === 'eventbridge') {
    const rule = template.graph
      .outgoing(permission.logicalId)
      .filter((r) => startsWith(r.path, ['Properties', 'SourceArn']))
      .map((r) => template.resources.get(r.to))
      .find((r) => r?.type === 'AWS::Events::Rule');
    if (rule && isScheduledRule(rule, template)) source = 'schedule';
  }
  return { source, via: `${SERVICE_NAMES[source]} (through permission ${permission.logicalId})` };
}

function isScheduledRule(rule: Resource, template: Template): boolean {
  const schedule = template.valueAt(rule, 'Properties.ScheduleExpression');
  return (!schedule.known || isSet(schedule.value)) && rule.properties.EventPattern === undefined;
}

function ruleDisabled(rule: Resource, template: Template): boolean {
  const state = template.valueAt(rule, 'Properties.State');
  return state.known && state.value === 'DISABLED';
}

/** One invoker per resource: a subscription found through the function and its alias counts once. */
function dedupe(invokers: Invoker[]): Invoker[] {
  const seen = new Set<string>();
  return invokers.filter((i) => (seen.has(i.via) ? false : (seen.add(i.via), true)));
}

// ---------------------------------------------------------------------------------------------------------
// EventInvokeConfig resources, by the function they configure

interface ConfigIndex {
  /** by the logical id of the function, alias or version named in FunctionName */
  readonly byRef: Map<string, Resource[]>;
  /** by the function name written in FunctionName (a name or an ARN) */
  readonly byName: Map<string, Resource[]>;
}

function indexEventInvokeConfigs(template: Template): ConfigIndex {
  const index: ConfigIndex = { byRef: new Map(), byName: new Map() };
  for (const config of template.resourcesOfType('AWS::Lambda::EventInvokeConfig')) {
    if (template.isExcluded(config)) continue;
    for (const ref of template.graph.outgoing(config.logicalId)) {
      if (startsWith(ref.path, ['Properties', 'FunctionName'])) push(index.byRef, ref.to, config);
    }
    const name = functionName(template.valueAt(config, 'Properties.FunctionName'));
    if (name) push(index.byName, name, config);
  }
  return index;
}

function configsOf(fn: Resource, index: ConfigIndex, template: Template): Resource[] {
  const out = new Set<Resource>(index.byRef.get(fn.logicalId) ?? []);
  for (const { resource: from, references } of referrersOf(template, fn.logicalId)) {
    if ((from.type === 'AWS::Lambda::Alias' || from.type === 'AWS::Lambda::Version') && references.some((r) => startsWith(r.path, ['Properties', 'FunctionName']))) {
      for (const c of index.byRef.get(from.logicalId) ?? []) out.add(c);
    }
  }
  const name = functionName(template.valueAt(fn, 'Properties.FunctionName'));
  if (name) for (const c of index.byName.get(name) ?? []) out.add(c);
  return [...out];
}

/** `orders`, `arn:aws:lambda:…:function:orders[:alias]`, `123456789012:function:orders` → `orders`. */
function functionName(r: { known: boolean; value?: unknown }): string | undefined {
  if (!r.known || typeof r.value !== 'string' || r.value === '') return undefined;
  const m = /(?:^|:)function:([^:]+)/.exec(r.value);
  return m ? m[1] : r.value;
}

function push(map: Map<string, Resource[]>, key: string, value: Resource): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
