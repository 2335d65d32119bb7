import {
  defineRule,
  type Resource,
  type Template,
  type JsonPath,
  referredUnder,
  referrers,
  samEventDisabled,
  samEvents,
} from '../../lib/rule';
import { hasDeadLetterTarget } from './util';

const ALARM_ACTIONS = new Set(['AlarmActions', 'OKActions', 'InsufficientDataActions']);

export default defineRule({
  id: 'sns-subscription-dlq',
  title: 'SNS subscriptions to queues, functions and HTTP endpoints keep undeliverable messages in a dead-letter queue',
  bestPractice: 'OPS10-BP01',
  resourceTypes: ['AWS::SNS::Subscription', 'AWS::SNS::Topic', 'AWS::Serverless::Function'],
  severity: 'info',
  options: {
    protocols: ['sqs', 'lambda', 'http', 'https', 'firehose'] as string[],
  },
  optionsSchema: { protocols: { type: 'array', items: { type: 'string' } } },
  optionDocs: {
    protocols:
      'Subscription protocols that need a dead-letter queue. Default: sqs, lambda, http, https, firehose (machine endpoints); ' +
      'add email, email-json, sms or application to cover notifications to people and devices too.',
  },
  messages: {
    noRedrivePolicy:
      'Subscription {{name}} ({{protocol}}) has no dead-letter queue; a message SNS cannot deliver is dropped once its retries end, or at once after a client error such as a missing permission. Set RedrivePolicy with deadLetterTargetArn.',
    inlineSubscription:
      'Topic {{name}} declares its {{protocol}} subscription inline, and inline subscriptions cannot have a dead-letter queue; declare an AWS::SNS::Subscription with RedrivePolicy instead.',
    samEvent:
      'Function {{name}} subscribes to SNS through event {{event}} without a dead-letter queue; a message SNS cannot deliver is dropped. Set RedrivePolicy with deadLetterTargetArn on the event.',
  },
  why:
    'SNS pushes each message to each subscription. When delivery fails with a client error (the queue policy, ' +
    'the function permission or a KMS key policy does not let SNS in, the endpoint was deleted) SNS does not retry; ' +
    'with a server error it retries according to the delivery policy (for days for SQS and Lambda, about an hour at ' +
    'most for HTTP/S) and then gives up. Either way the message is gone unless the subscription has a redrive policy ' +
    'naming an SQS dead-letter queue, where it can be alarmed on and replayed. It is reported as info: for SQS and ' +
    'Lambda endpoints such failures usually come from configuration errors, which a dead-letter queue makes visible ' +
    'rather than prevents. Subscriptions to topics that CloudWatch alarms notify are left out: they deliver alerts, ' +
    "whose failures are better watched through the topic's NumberOfNotificationsFailed metric than through a queue " +
    'that would itself need an alarm.',
  fix: {
    cloudformation:
      'OrdersSubscription:\n  Type: AWS::SNS::Subscription\n  Properties:\n    TopicArn: !Ref OrdersTopic\n    Protocol: sqs\n' +
      '    Endpoint: !GetAtt OrdersQueue.Arn\n    RedrivePolicy:\n      deadLetterTargetArn: !GetAtt OrdersSubscriptionDlq.Arn\n' +
      '# the dead-letter queue needs a queue policy that lets sns.amazonaws.com send to it\n' +
      '# SAM SNS event: RedrivePolicy: { deadLetterTargetArn: !GetAtt OrdersSubscriptionDlq.Arn }',
    cdk:
      'import * as subs from "aws-cdk-lib/aws-sns-subscriptions";\n\n' +
      'topic.addSubscription(new subs.SqsSubscription(queue, { deadLetterQueue: subscriptionDlq }));\n' +
      '// LambdaSubscription and UrlSubscription take the same deadLetterQueue option',
  },
  roles: {
    machinery: { check: true, why: 'an SNS event source is checked whatever else calls the function.' },
  },
  check(resource, ctx) {
    const template = ctx.template;
    const name = resource.logicalId;
    const protocols = new Set(
      (Array.isArray(ctx.options.protocols) ? ctx.options.protocols : []).map((p) => String(p).toLowerCase()),
    );
    const watched = (value: unknown): value is string =>
      typeof value === 'string' && protocols.has(value.toLowerCase());
    switch (resource.type) {
      case 'AWS::SNS::Subscription': {
        const protocol = ctx.get('Properties.Protocol');
        if (
          !protocol.known ||
          !watched(protocol.value) ||
          carriesAlarms(resource, ['Properties', 'TopicArn'], template)
        )
          return ctx.notApplicable();
        if (ctx.satisfies('Properties.RedrivePolicy', (p) => hasDeadLetterTarget(p, template)) === false) {
          ctx.report({
            messageId: 'noRedrivePolicy',
            path: 'Properties.RedrivePolicy',
            data: { name, protocol: protocol.value },
          });
        }
        return;
      }
      case 'AWS::SNS::Topic': {
        if (isAlarmTopic(resource, template)) return ctx.notApplicable();
        const subscriptions = ctx.get('Properties.Subscription');
        if (!subscriptions.known || !Array.isArray(subscriptions.value)) return ctx.notApplicable();
        subscriptions.value.forEach((_entry, i) => {
          const protocol = ctx.get(['Properties', 'Subscription', i, 'Protocol']);
          if (protocol.known && watched(protocol.value)) {
            ctx.report({
              messageId: 'inlineSubscription',
              path: ['Properties', 'Subscription', i],
              data: { name, protocol: protocol.value },
            });
          }
        });
        return;
      }
      default: {
        let judged = false;
        for (const event of samEvents(resource, template)) {
          if (event.type !== 'SNS' || samEventDisabled(resource, event, template)) continue;
          // SqsSubscription: SAM subscribes a queue, which the function then polls
          const sqs = ctx.get([...event.path, 'SqsSubscription']);
          const protocol =
            sqs.known && sqs.value !== undefined && sqs.value !== false && sqs.value !== 'false' ? 'sqs' : 'lambda';
          if (!sqs.known || !protocols.has(protocol) || carriesAlarms(resource, [...event.path, 'Topic'], template))
            continue;
          judged = true;
          const path = [...event.path, 'RedrivePolicy'];
          if (ctx.satisfies(path, (p) => hasDeadLetterTarget(p, template)) === false) {
            ctx.report({ messageId: 'samEvent', path, data: { name, event: event.name } });
          }
        }
        // a function without an SNS event source of a watched protocol subscribes to nothing here
        if (!judged) ctx.notApplicable();
      }
    }
  },
});

/** Does the topic named under `path` carry alarm notifications? */
function carriesAlarms(resource: Resource, path: JsonPath, template: Template): boolean {
  return referredUnder(template, resource, path, ['AWS::SNS::Topic']).some((topic) => isAlarmTopic(topic, template));
}

/** A topic that CloudWatch alarms notify: its subscriptions deliver alerts, not work. */
function isAlarmTopic(topic: Resource, template: Template): boolean {
  return referrers(template, topic.logicalId).some(
    ({ resource, references }) =>
      (resource.type === 'AWS::CloudWatch::Alarm' || resource.type === 'AWS::CloudWatch::CompositeAlarm') &&
      references.some((r) => typeof r.path[1] === 'string' && ALARM_ACTIONS.has(r.path[1])),
  );
}
