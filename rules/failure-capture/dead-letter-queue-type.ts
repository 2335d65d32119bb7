import {
  defineRule,
  type ResourceContext,
  type RuleOptions,
  type Resource,
  type Template,
  type JsonPath,
  pathStartsWith,
  samEvents,
} from '../../lib/rule';
import { queueKind } from './util';

export default defineRule({
  id: 'dead-letter-queue-type',
  title: 'Dead-letter queues are of the queue type their source can deliver to (FIFO or standard)',
  bestPractice: 'OPS10-BP01',
  resourceTypes: [
    'AWS::SQS::Queue',
    'AWS::SNS::Subscription',
    'AWS::Events::Rule',
    'AWS::Lambda::EventInvokeConfig',
    'AWS::Serverless::Function',
    'AWS::Serverless::StateMachine',
  ],
  severity: 'error',
  optionsSchema: {},
  messages: {
    queueMismatch:
      'Queue {{name}} is a {{kind}} queue but its dead-letter queue {{dlq}} is a {{dlqKind}} queue; SQS only redrives to a dead-letter queue of the same type, so failed messages cannot be captured. Make both FIFO or both standard.',
    subscriptionMismatch:
      'Subscription {{name}} belongs to {{kind}} topic {{topic}} but its dead-letter queue {{dlq}} is a {{dlqKind}} queue; SNS needs a FIFO dead-letter queue for a FIFO topic and a standard one for a standard topic.',
    fifoNotSupported:
      '{{what}} {{name}} sends failures to FIFO queue {{dlq}}, which {{service}} does not accept as {{role}}; use a standard queue.',
  },
  why:
    'A dead-letter queue only helps if failed messages can actually be written to it. SQS redrives a FIFO queue only ' +
    'to a FIFO dead-letter queue and a standard queue only to a standard one; an SNS subscription needs a dead-letter ' +
    "queue of its topic's type; EventBridge target dead-letter queues and Lambda asynchronous on-failure destinations " +
    'must be standard queues. With the wrong type the deployment fails, or the failures the queue was meant to keep are ' +
    'lost. Only queues defined in the same template, whose type is known, are compared.',
  fix: {
    cloudformation:
      'OrdersQueue:\n  Type: AWS::SQS::Queue\n  Properties:\n    FifoQueue: true\n    RedrivePolicy:\n      deadLetterTargetArn: !GetAtt OrdersDlq.Arn\n      maxReceiveCount: 5\n' +
      'OrdersDlq:\n  Type: AWS::SQS::Queue\n  Properties:\n    FifoQueue: true   # same type as the source queue\n' +
      '# EventBridge target DeadLetterConfig and Lambda DestinationConfig.OnFailure: a standard queue (no FifoQueue)',
    cdk:
      'const dlq = new sqs.Queue(this, "OrdersDlq", { fifo: true });\n' +
      'new sqs.Queue(this, "OrdersQueue", { fifo: true, deadLetterQueue: { queue: dlq, maxReceiveCount: 5 } });\n' +
      '// EventBridge targets and Lambda onFailure destinations: a standard queue (no fifo)',
  },
  roles: {
    machinery: {
      check: true,
      why: 'a dead-letter queue of the wrong type breaks delivery whatever invokes the function.',
    },
  },
  check(resource, ctx) {
    const template = ctx.template;
    const name = resource.logicalId;
    // dead-letter queues of this template whose type is known, compared with what they must be
    let compared = 0;
    switch (resource.type) {
      case 'AWS::SQS::Queue': {
        const kind = queueKind(resource, template);
        if (!kind) return ctx.notApplicable();
        for (const { queue, path } of queuesUnder(resource, ['Properties', 'RedrivePolicy'], template)) {
          const dlqKind = queueKind(queue, template);
          if (dlqKind) compared++;
          if (dlqKind && dlqKind !== kind)
            ctx.report({
              messageId: 'queueMismatch',
              path,
              data: { name, kind: label(kind), dlq: queue.logicalId, dlqKind: label(dlqKind) },
            });
        }
        break;
      }
      case 'AWS::SNS::Subscription': {
        const topic = queuesUnder(resource, ['Properties', 'TopicArn'], template, ['AWS::SNS::Topic'])[0]?.queue;
        const kind = topic ? topicKind(topic, template) : undefined;
        if (!topic || !kind) return ctx.notApplicable();
        for (const { queue, path } of queuesUnder(resource, ['Properties', 'RedrivePolicy'], template)) {
          const dlqKind = queueKind(queue, template);
          if (dlqKind) compared++;
          if (dlqKind && dlqKind !== kind)
            ctx.report({
              messageId: 'subscriptionMismatch',
              path,
              data: { name, kind: label(kind), topic: topic.logicalId, dlq: queue.logicalId, dlqKind: label(dlqKind) },
            });
        }
        break;
      }
      case 'AWS::Events::Rule':
        compared += fifoUnder(ctx, ['Properties', 'Targets'], (path) => path.includes('DeadLetterConfig'), {
          what: 'EventBridge rule',
          service: 'EventBridge',
          role: 'a target dead-letter queue',
        });
        break;
      case 'AWS::Lambda::EventInvokeConfig':
        compared += fifoUnder(ctx, ['Properties', 'DestinationConfig', 'OnFailure'], () => true, {
          what: 'Event invoke config',
          service: 'Lambda',
          role: 'an asynchronous invocation destination',
        });
        break;
      default: {
        // SAM: the function's on-failure destination, and the dead-letter queues of EventBridge events
        if (resource.type === 'AWS::Serverless::Function') {
          compared += fifoUnder(
            ctx,
            ['Properties', 'EventInvokeConfig', 'DestinationConfig', 'OnFailure'],
            () => true,
            {
              what: 'Function',
              service: 'Lambda',
              role: 'an asynchronous invocation destination',
            },
          );
        }
        for (const event of samEvents(resource, template)) {
          if (event.type !== 'EventBridgeRule' && event.type !== 'Schedule') continue;
          compared += fifoUnder(ctx, [...event.path, 'DeadLetterConfig'], () => true, {
            what: resource.type === 'AWS::Serverless::Function' ? 'Function' : 'State machine',
            service: 'EventBridge',
            role: `the dead-letter queue of event ${event.name}`,
          });
        }
      }
    }
    // no dead-letter queue of this template to compare
    if (compared === 0) ctx.notApplicable();
  },
});

/** The queues (or other resources of `types`) that `resource` refers to from under `prefix`, with the reference's path. */
function queuesUnder(
  resource: Resource,
  prefix: JsonPath,
  template: Template,
  types: readonly string[] = ['AWS::SQS::Queue'],
): { queue: Resource; path: JsonPath }[] {
  const out: { queue: Resource; path: JsonPath }[] = [];
  for (const ref of template.graph.outgoing(resource.logicalId)) {
    if (ref.kind === 'DependsOn' || !pathStartsWith(ref.path, prefix)) continue;
    const to = template.resources.get(ref.to);
    if (to && types.includes(to.type) && !template.isExcluded(to) && !out.some((o) => o.queue === to))
      out.push({ queue: to, path: ref.path });
  }
  return out;
}

/** Reports FIFO queues among the dead-letter queues under `prefix`; returns how many of known type it looked at. */
function fifoUnder(
  // the rule's own message ids: a misspelled one here does not compile either
  ctx: ResourceContext<RuleOptions, 'fifoNotSupported'>,
  prefix: JsonPath,
  accept: (path: JsonPath) => boolean,
  data: { what: string; service: string; role: string },
): number {
  let compared = 0;
  for (const { queue, path } of queuesUnder(ctx.resource, prefix, ctx.template)) {
    const kind = accept(path) ? queueKind(queue, ctx.template) : undefined;
    if (kind) compared++;
    if (kind !== 'fifo') continue;
    ctx.report({
      messageId: 'fifoNotSupported',
      path,
      data: { ...data, name: ctx.resource.logicalId, dlq: queue.logicalId },
    });
  }
  return compared;
}

function label(kind: 'fifo' | 'standard'): string {
  return kind === 'fifo' ? 'FIFO' : 'standard';
}

function topicKind(topic: Resource, template: Template): 'fifo' | 'standard' | undefined {
  const r = template.valueAt(topic, 'Properties.FifoTopic');
  if (!r.known) return undefined;
  if (r.value === true || r.value === 'true') return 'fifo';
  if (r.value === undefined || r.value === false || r.value === 'false') return 'standard';
  return undefined;
}
