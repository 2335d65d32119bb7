import { defineRule, hasItems, isFalse } from '../../lib/rule';
import { ALARM, COMPOSITE, isIn, quietAlarms } from './quiet';

export default defineRule({
  id: 'alarm-actions',
  title: 'CloudWatch alarms notify someone when they go into ALARM',
  bestPractice: 'OPS08-BP04',
  resourceTypes: [ALARM, COMPOSITE],
  severity: 'error',
  fixable: true,
  optionsSchema: {},
  messages: {
    noActions:
      '{{kind}} {{name}} has no AlarmActions, so nobody is told when it goes into ALARM; add an SNS topic (or another action) to AlarmActions.',
    actionsDisabled:
      '{{kind}} {{name}} sets ActionsEnabled to false, so its actions never run; remove ActionsEnabled or set it to true.',
  },
  why:
    'An alarm that changes state without telling anyone is only a line on a dashboard: the problem it detects ' +
    'is found later, by customers. Each alarm should start a response, usually a notification to the owning ' +
    "team's SNS topic, and its actions must not be switched off. OKActions and InsufficientDataActions do not " +
    'count, as they say nothing when the alarm fires. An alarm that only feeds a composite alarm in the same ' +
    'template may stay silent, because the composite notifies for it (the way to cut alert noise); so may an ' +
    'alarm that a deployment watches to roll back automatically.',
  fix: {
    cloudformation:
      'OrdersErrorsAlarm:\n  Type: AWS::CloudWatch::Alarm\n  Properties:\n    # …metric, threshold…\n    AlarmActions:\n      - !Ref OnCallTopic\n' +
      '# or let a composite alarm notify for its children:\nServiceHealth:\n  Type: AWS::CloudWatch::CompositeAlarm\n  Properties:\n' +
      '    AlarmRule: !Sub \'ALARM("${OrdersErrorsAlarm}") OR ALARM("${OrdersLatencyAlarm}")\'\n    AlarmActions:\n      - !Ref OnCallTopic',
    cdk:
      'import * as cw_actions from "aws-cdk-lib/aws-cloudwatch-actions";\n\n' +
      'alarm.addAlarmAction(new cw_actions.SnsAction(onCallTopic));\n' +
      '// or: new cloudwatch.CompositeAlarm(this, "Health", { alarmRule: cloudwatch.AlarmRule.anyOf(errors, latency) })\n' +
      '//       .addAlarmAction(new cw_actions.SnsAction(onCallTopic));',
  },
  check(resource, ctx) {
    // a composite alarm notifies for its children; a deployment's rollback is the action of the alarms it watches
    // (alarm-coverage does not count such an alarm that notifies nobody)
    const quiet = quietAlarms(ctx);
    if (isIn(quiet.composed, resource, ctx.template) || isIn(quiet.gates, resource, ctx.template)) return;

    const data = { name: resource.logicalId, kind: resource.type === COMPOSITE ? 'Composite alarm' : 'Alarm' };
    if (hasItems(ctx.template.resolver, resource.definition, 'Properties.AlarmActions') === false) {
      ctx.report({ messageId: 'noActions', path: 'Properties.AlarmActions', data });
    }
    if (ctx.satisfies('Properties.ActionsEnabled', (v) => !isFalse(v)) === false) {
      ctx.report({
        messageId: 'actionsDisabled',
        path: 'Properties.ActionsEnabled',
        data,
        fix: { path: 'Properties.ActionsEnabled', value: true },
      });
    }
  },
});
