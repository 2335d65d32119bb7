import { defineRule, ALARM, COMPOSITE_ALARM } from '../../lib/rule';
import { notifyingAlarms, reportOnApp } from './actions';
import { eventRoutes, matchesSource } from './events';

const HEALTH = 'aws.health';

export default defineRule({
  id: 'health-event-notifications',
  title: 'AWS Health events that affect the account reach the people who operate it',
  bestPractice: 'OPS10-BP05',
  scope: 'assembly',
  resourceTypes: ['AWS::Events::Rule', 'AWS::Notifications::EventRule', ALARM, COMPOSITE_ALARM],
  severity: 'info',
  optionsSchema: {},
  context: 'account',
  messages: {
    missing:
      'No EventBridge rule in {{scope}} sends AWS Health events (source aws.health) to a target, so AWS service issues and scheduled changes that affect the workload are not pushed to its operators.',
  },
  why:
    'AWS Health announces service events, scheduled maintenance and retirements that affect resources in the ' +
    'account. Routed to the operators (a topic, a chat channel, a function that opens a ticket), they explain ' +
    "an outage that the workload's own alarms can only observe, and they are the source of the status to " +
    'communicate to customers. The check passes when an enabled EventBridge rule with a target (or a SAM ' +
    'EventBridge event source) matches source aws.health, or when an AWS User Notifications rule does. Health ' +
    'routing is usually set up once per account or organization, so the finding is a reminder unless the stack ' +
    'that holds it is marked as the account baseline. Like the incident response plan, it matters where people are ' +
    'alerted: apps whose alarms notify nobody (or that have no alarms) are not checked.',
  fix: {
    cloudformation:
      'HealthEventsRule:\n  Type: AWS::Events::Rule\n  Properties:\n    EventPattern:\n      source:\n        - aws.health\n' +
      "    Targets:\n      - Id: operators\n        Arn: !Ref OperatorsTopic   # the topic's policy must let events.amazonaws.com publish",
    cdk:
      'import * as events from "aws-cdk-lib/aws-events";\nimport * as targets from "aws-cdk-lib/aws-events-targets";\n\n' +
      'new events.Rule(this, "HealthEvents", {\n  eventPattern: { source: ["aws.health"] },\n  targets: [new targets.SnsTopic(operatorsTopic)],\n});',
  },
  check(assembly, ctx) {
    // the operators that Health events should reach are the people the app's alarms notify
    if (notifyingAlarms(ctx.facts) === 0) return ctx.notApplicable();
    if (eventRoutes(ctx.facts).some((route) => matchesSource(route, [HEALTH]))) return;
    const userNotifications = ctx.facts.deployed('AWS::Notifications::EventRule').some(({ stack, resource }) => {
      const source = stack.template.resolver.deep(resource.properties.Source);
      return !source.known || source.value === HEALTH;
    });
    if (userNotifications) return;
    reportOnApp(assembly, ctx, 'missing');
  },
});
