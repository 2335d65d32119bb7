import {
  defineRule,
  type Verdict,
  isSet,
  listNames,
  pathStartsWith,
  referrers,
  verdictAt,
  type InvokingService,
  isPlainObject,
  type Resource,
  type Template,
} from '../../lib/rule';

/** The asynchronous invokers the rule knows, as the `sources` option names them. */
const SOURCES: readonly InvokingService[] = ['sns', 's3', 'eventbridge', 'schedule', 'cloudwatch-logs', 'iot', 'ses'];

export default defineRule({
  id: 'lambda-async-failure-destination',
  title:
    'Lambda functions invoked asynchronously keep failed events in a dead-letter queue or an on-failure destination',
  bestPractice: 'OPS10-BP01',
  resourceTypes: ['AWS::Lambda::Function', 'AWS::Serverless::Function'],
  severity: 'warning',
  options: {
    sources: [...SOURCES] as string[],
  },
  optionsSchema: { sources: { type: 'array', items: { enum: SOURCES } } },
  optionDocs: {
    sources:
      'Which asynchronous invokers make a function need failure capture: "sns", "s3", "eventbridge" (event-pattern rules), "schedule" ' +
      '(scheduled rules, EventBridge Scheduler, SAM Schedule/ScheduleV2), "cloudwatch-logs" (subscription filters), "iot" (topic rules), ' +
      '"ses" (a Lambda permission for ses.amazonaws.com). Default: all of them; drop "schedule" if a missed scheduled run is acceptable.',
  },
  messages: {
    noFailureDestination:
      "Lambda function {{name}} is invoked asynchronously by {{invokers}} but has no dead-letter queue or on-failure destination; an event that still fails after Lambda's retries is dropped. Add {{fix}}.",
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
  roles: {
    machinery: {
      check: false,
      why: 'CloudFormation and AWS Config invoke it and record its failures themselves; a function that SNS, S3 or EventBridge also invokes is workload.',
    },
    edge: {
      check: false,
      why: 'the Lambda service never queues an event for it: a Greengrass core invokes it on the device.',
    },
  },
  check(resource, ctx) {
    const template = ctx.template;
    const wanted = new Set(Array.isArray(ctx.options.sources) ? ctx.options.sources : []);
    const invokers = ctx.facts.invokersOf(resource).filter((i) => i.mode === 'async' && wanted.has(i.service));
    if (invokers.length === 0) return ctx.notApplicable();

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
      if (pathStartsWith(ref.path, ['Properties', 'FunctionName'])) push(index.byRef, ref.to, config);
    }
    const name = functionName(template.valueAt(config, 'Properties.FunctionName'));
    if (name) push(index.byName, name, config);
  }
  return index;
}

function configsOf(fn: Resource, index: ConfigIndex, template: Template): Resource[] {
  const out = new Set<Resource>(index.byRef.get(fn.logicalId) ?? []);
  for (const { resource: from, references } of referrers(template, fn.logicalId)) {
    if (
      (from.type === 'AWS::Lambda::Alias' || from.type === 'AWS::Lambda::Version') &&
      references.some((r) => pathStartsWith(r.path, ['Properties', 'FunctionName']))
    ) {
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
