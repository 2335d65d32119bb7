import {
  defineRule,
  type Resource,
  type Template,
  isDeadLetterQueue,
  listNames,
  pathStartsWith,
  referrers,
  samEvents,
} from '../../lib/rule';
import { hasDeadLetterTarget } from './util';

export default defineRule({
  id: 'queue-dead-letter',
  title: 'SQS queues that are consumed send messages that keep failing to a dead-letter queue',
  bestPractice: 'OPS10-BP01',
  resourceTypes: ['AWS::SQS::Queue'],
  severity: 'warning',
  options: {
    queues: 'consumed' as 'consumed' | 'all',
  },
  optionsSchema: { queues: { enum: ['consumed', 'all'] } },
  optionDocs: {
    queues:
      '"consumed" (default): only queues read by a consumer in the same template (a Lambda event source mapping, a SAM SQS event, an ' +
      'EventBridge pipe) need a dead-letter queue; "all": every queue that is not itself a dead-letter queue.',
  },
  messages: {
    noDeadLetterQueue:
      'Queue {{name}} is read by {{consumers}} but has no dead-letter queue; a message that keeps failing is received again and again until it expires and is lost. Set RedrivePolicy with deadLetterTargetArn and maxReceiveCount.',
    noDeadLetterQueueAll:
      'Queue {{name}} has no dead-letter queue; a message that keeps failing is received again and again until it expires and is lost. Set RedrivePolicy with deadLetterTargetArn and maxReceiveCount.',
  },
  why:
    'A message that its consumer cannot process is not deleted, so it becomes visible again and is retried until ' +
    "the queue's retention period ends; then it disappears without a trace, and while it cycles it uses consumer " +
    'capacity (for a FIFO queue it blocks its message group). A redrive policy moves such a message to a dead-letter ' +
    'queue after maxReceiveCount attempts, where it can be alarmed on, inspected and redriven. By default only queues ' +
    'with a consumer in the same template are checked, since that is where the template shows messages are processed; ' +
    'queues that are themselves dead-letter queues (named in another RedrivePolicy, given a RedriveAllowPolicy, or named ' +
    'like one) are left out.',
  fix: {
    cloudformation:
      'OrdersDlq:\n  Type: AWS::SQS::Queue\n  Properties:\n    MessageRetentionPeriod: 1209600\n' +
      'OrdersQueue:\n  Type: AWS::SQS::Queue\n  Properties:\n    RedrivePolicy:\n      deadLetterTargetArn: !GetAtt OrdersDlq.Arn\n      maxReceiveCount: 5\n' +
      '# A FIFO queue needs a FIFO dead-letter queue (FifoQueue: true on both).',
    cdk:
      'const dlq = new sqs.Queue(this, "OrdersDlq", { retentionPeriod: Duration.days(14) });\n' +
      'const queue = new sqs.Queue(this, "OrdersQueue", {\n  deadLetterQueue: { queue: dlq, maxReceiveCount: 5 },\n});',
  },
  check(resource, ctx) {
    const template = ctx.template;
    if (isDeadLetterQueue(resource, template)) return ctx.notApplicable();
    const consumers = consumersOf(resource, template);
    if (consumers.length === 0 && ctx.options.queues !== 'all') return ctx.notApplicable();

    if (ctx.satisfies('Properties.RedrivePolicy', (policy) => hasDeadLetterTarget(policy, template)) !== false) return;
    const policy = ctx.get('Properties.RedrivePolicy');
    const path =
      policy.known && policy.value !== undefined
        ? 'Properties.RedrivePolicy.deadLetterTargetArn'
        : 'Properties.RedrivePolicy';
    if (consumers.length > 0)
      ctx.report({
        messageId: 'noDeadLetterQueue',
        path,
        data: { name: resource.logicalId, consumers: listNames(consumers) },
      });
    else ctx.report({ messageId: 'noDeadLetterQueueAll', path, data: { name: resource.logicalId } });
  },
});

/** What reads the queue in this template: event source mappings, SAM SQS events, pipes. */
function consumersOf(queue: Resource, template: Template): string[] {
  const out: string[] = [];
  for (const { resource: from, references } of referrers(template, queue.logicalId)) {
    for (const ref of references) {
      if (
        from.type === 'AWS::Lambda::EventSourceMapping' &&
        pathStartsWith(ref.path, ['Properties', 'EventSourceArn'])
      ) {
        out.push(`event source mapping ${from.logicalId}`);
      } else if (from.type === 'AWS::Pipes::Pipe' && pathStartsWith(ref.path, ['Properties', 'Source'])) {
        out.push(`pipe ${from.logicalId}`);
      } else if (
        from.type === 'AWS::Serverless::Function' &&
        pathStartsWith(ref.path, ['Properties', 'Events']) &&
        ref.path[4] === 'Queue'
      ) {
        const event = samEvents(from, template).find((e) => e.name === ref.path[2]);
        if (event?.type === 'SQS') out.push(`function ${from.logicalId} (SQS event ${event.name})`);
      }
    }
  }
  return out;
}
