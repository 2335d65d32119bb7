import {
  defineRule,
  type ResourceContext,
  type RuleOptions,
  ALARM,
  COMPOSITE_ALARM,
  exportedResources,
  isEmpty,
  writtenText,
  isPlainObject,
} from '../../lib/rule';

const TOPIC = 'AWS::SNS::Topic';

/** Resources that subscribe to a topic, and where in them the topic is named. */
const SUBSCRIBERS: Readonly<Record<string, (path: readonly (string | number)[]) => boolean>> = {
  'AWS::SNS::Subscription': (p) => p[1] === 'TopicArn',
  // SAM creates the subscription for an SNS event source
  'AWS::Serverless::Function': (p) => p[1] === 'Events' && p[3] === 'Properties' && p[4] === 'Topic',
  // AWS Chatbot subscribes its channel to the topics it is given
  'AWS::Chatbot::SlackChannelConfiguration': (p) => p[1] === 'SnsTopicArns',
  'AWS::Chatbot::MicrosoftTeamsChannelConfiguration': (p) => p[1] === 'SnsTopicArns',
};

interface SubscriptionIndex {
  /** topic ARNs written as text in subscriptions (literal, or the template of an Fn::Sub) */
  readonly arnTexts: readonly string[];
  /** logical ids of resources whose value a stack output exports */
  readonly exported: ReadonlySet<string>;
}

export default defineRule({
  id: 'alarm-topic-subscribed',
  title: 'SNS topics that receive alarm notifications have a subscriber',
  bestPractice: 'OPS10-BP02',
  resourceTypes: [TOPIC],
  severity: 'warning',
  optionsSchema: {},
  messages: {
    noSubscription:
      'SNS topic {{name}} receives the notifications of {{alarms}} but nothing in this template subscribes to it, so those alerts may reach nobody; subscribe the on-call email, chat channel or paging endpoint.',
  },
  why:
    'An alarm that publishes to a topic nobody subscribes to looks configured but alerts no one. Each alert ' +
    'needs an owner and a route to them: an email list, a chat channel (AWS Chatbot), a paging service endpoint, ' +
    'or a function that handles it. A subscription counts when it is declared in the same template as the ' +
    "topic: an AWS::SNS::Subscription, the topic's Subscription property, a SAM SNS event source or a Chatbot " +
    'channel configuration. Topics whose ARN the stack exports are left out, since stacks that import them can ' +
    'subscribe; topics passed in by ARN are not checked.',
  fix: {
    cloudformation:
      'OnCallTopic:\n  Type: AWS::SNS::Topic\n  Properties:\n    Subscription:\n      - Protocol: email\n        Endpoint: oncall@example.com\n' +
      '# or a separate subscription, for instance to a paging service:\nPagerSubscription:\n  Type: AWS::SNS::Subscription\n' +
      '  Properties:\n    TopicArn: !Ref OnCallTopic\n    Protocol: https\n    Endpoint: !Ref PagerEndpointUrl',
    cdk:
      'import * as subs from "aws-cdk-lib/aws-sns-subscriptions";\n\n' +
      'onCallTopic.addSubscription(new subs.EmailSubscription("oncall@example.com"));\n' +
      '// or new subs.UrlSubscription(pagerEndpointUrl) for a paging service',
  },
  check(resource, ctx) {
    const alarms = ctx
      .referrers([ALARM, COMPOSITE_ALARM])
      .filter(({ references }) => references.some((r) => r.path[0] === 'Properties' && r.path[1] === 'AlarmActions'))
      .map(({ resource: alarm }) => alarm.logicalId);
    if (alarms.length === 0) return ctx.notApplicable();

    // the topic's own Subscription list: subscribed, or cannot be known
    const inline = ctx.satisfies('Properties.Subscription', (v) => !isEmpty(v));
    if (inline !== false) return;
    const subscribed = ctx
      .referrers(Object.keys(SUBSCRIBERS))
      .some(({ resource: r, references }) =>
        references.some(
          (ref) => ref.kind !== 'DependsOn' && ref.path[0] === 'Properties' && SUBSCRIBERS[r.type](ref.path),
        ),
      );
    if (subscribed) return;

    const index = ctx.memo('subscriptions', () => indexSubscriptions(ctx));
    if (index.exported.has(resource.logicalId)) return ctx.notApplicable();
    const topicName = ctx.get('Properties.TopicName');
    if (topicName.known && typeof topicName.value === 'string') {
      const suffix = `:${topicName.value}`;
      if (index.arnTexts.some((t) => t.endsWith(suffix))) return;
    }

    ctx.report({
      messageId: 'noSubscription',
      path: 'Properties.Subscription',
      data: { name: resource.logicalId, alarms: listAlarms(alarms) },
    });
  },
});

/** `alarm A`, `alarms A and B`, `alarms A, B, C and 2 more`. */
function listAlarms(ids: readonly string[]): string {
  if (ids.length === 1) return `alarm ${ids[0]}`;
  const shown = ids.length > 4 ? [...ids.slice(0, 3), `${ids.length - 3} more`] : [...ids];
  return `alarms ${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/** Built once per template: topic ARNs written in subscriptions, and what the stack exports. */
function indexSubscriptions(ctx: ResourceContext<RuleOptions>): SubscriptionIndex {
  const template = ctx.template;
  const arnTexts: string[] = [];
  const addText = (value: unknown): void => {
    const r = template.resolver.deep(value);
    const values = r.known ? [r.value] : (r.alternatives ?? [writtenText(value, '${}')]);
    for (const v of values.flat()) if (typeof v === 'string') arnTexts.push(v);
  };
  for (const sub of template.resourcesOfType('AWS::SNS::Subscription'))
    if (!template.isExcluded(sub)) addText(sub.properties.TopicArn);
  for (const type of ['AWS::Chatbot::SlackChannelConfiguration', 'AWS::Chatbot::MicrosoftTeamsChannelConfiguration']) {
    for (const chat of template.resourcesOfType(type)) {
      const arns = chat.properties.SnsTopicArns;
      if (!template.isExcluded(chat) && Array.isArray(arns)) arns.forEach(addText);
    }
  }
  for (const fn of template.resourcesOfType('AWS::Serverless::Function')) {
    const events = fn.properties.Events;
    if (template.isExcluded(fn) || !isPlainObject(events)) continue;
    for (const event of Object.values(events)) {
      if (isPlainObject(event) && event.Type === 'SNS' && isPlainObject(event.Properties))
        addText(event.Properties.Topic);
    }
  }
  return { arnTexts, exported: exportedResources(template) };
}
