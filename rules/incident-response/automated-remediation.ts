import { defineRule, ALARM, alarmActionKinds, COMPOSITE_ALARM, isFalse, type AppFacts } from '../../lib/rule';
import { reportOnApp } from './actions';
import { automationKind, eventRoutes, matchesSource } from './events';

/** Event sources that report operational events (alarms, health, compliance, resource state), not business events. */
const DEFAULT_SOURCES = [
  'aws.cloudwatch',
  'aws.health',
  'aws.config',
  'aws.guardduty',
  'aws.securityhub',
  'aws.trustedadvisor',
  'aws.ec2',
  'aws.ecs',
  'aws.autoscaling',
  'aws.rds',
  'aws.codedeploy',
  'aws.ssm',
];

export default defineRule({
  id: 'automated-remediation',
  title: 'An app with alarms responds to some operational events automatically',
  bestPractice: 'OPS10-BP07',
  scope: 'assembly',
  resourceTypes: [
    ALARM,
    COMPOSITE_ALARM,
    'AWS::Events::Rule',
    'AWS::Config::RemediationConfiguration',
    'AWS::SSMIncidents::ResponsePlan',
  ],
  severity: 'info',
  context: 'app',
  options: {
    eventSources: DEFAULT_SOURCES as string[],
  },
  optionsSchema: { eventSources: { type: 'array', items: { type: 'string' } } },
  optionDocs: {
    eventSources:
      'Event sources whose events are operational: an EventBridge rule matching one of them and invoking a Lambda function, a state ' +
      'machine or an SSM document counts as an automated response. Default: aws.cloudwatch, aws.health, aws.config, aws.guardduty, ' +
      'aws.securityhub, aws.trustedadvisor, aws.ec2, aws.ecs, aws.autoscaling, aws.rds, aws.codedeploy, aws.ssm.',
  },
  messages: {
    missing:
      '{{alarms}} people in {{scope}}, but no operational event starts an automated response: no alarm action, EventBridge rule, Config remediation or response plan runs an SSM Automation runbook, a Lambda function, a state machine or an EC2 recovery.',
  },
  why:
    'Many operational events have a known, safe first response: recover or reboot an impaired instance, restart ' +
    'a task, fail over, clear a queue, fix a non-compliant setting. Running it automatically shortens the ' +
    'incident and spares a responder the routine part. The check passes when the app has at least one of: an ' +
    'alarm action that invokes a Lambda function or an EC2 action; an EventBridge rule (or SAM event source) that ' +
    'matches an operational event source (CloudWatch alarm state changes, AWS Health, Config, GuardDuty…) and ' +
    'invokes a function, a state machine or an SSM document; an EventBridge rule that starts an SSM Automation ' +
    'runbook; an automatic AWS Config remediation; or an Incident Manager response plan with a runbook action. ' +
    'A function subscribed to the alarm topic is not counted, since most of those post to chat. Another stack of ' +
    'the app may provide the response, so the rule is enforced on a cloud assembly.',
  fix: {
    cloudformation:
      'RestartInstanceOnFailure:\n  Type: AWS::Events::Rule\n  Properties:\n    EventPattern:\n      source: [aws.cloudwatch]\n' +
      '      detail-type: [CloudWatch Alarm State Change]\n      resources: [!GetAtt StatusCheckAlarm.Arn]\n      detail:\n' +
      '        state:\n          value: [ALARM]\n    Targets:\n      - Id: restart\n' +
      '        Arn: !Sub arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:automation-definition/AWS-RestartEC2Instance:$DEFAULT\n' +
      '        RoleArn: !GetAtt AutomationRole.Arn   # may call ssm:StartAutomationExecution\n' +
      '        Input: !Sub \'{"InstanceId": ["${Instance}"]}\'\n' +
      '# or an alarm action: AlarmActions: [!Sub "arn:${AWS::Partition}:automate:${AWS::Region}:ec2:recover"]',
    cdk:
      'import * as events from "aws-cdk-lib/aws-events";\nimport * as targets from "aws-cdk-lib/aws-events-targets";\n' +
      'import * as cw_actions from "aws-cdk-lib/aws-cloudwatch-actions";\n\n' +
      'statusCheckAlarm.addAlarmAction(new cw_actions.Ec2Action(cw_actions.Ec2InstanceAction.RECOVER));\n' +
      '// or: a function that handles alarm state changes\nnew events.Rule(this, "OnAlarm", {\n' +
      '  eventPattern: { source: ["aws.cloudwatch"], detailType: ["CloudWatch Alarm State Change"] },\n' +
      '  targets: [new targets.LambdaFunction(remediationFn)],\n});',
  },
  check(assembly, ctx) {
    const kinds = [ALARM, COMPOSITE_ALARM]
      .flatMap((type) => ctx.facts.deployed(type))
      .map(({ stack, resource }) => alarmActionKinds(resource, stack.template));
    if (kinds.some((k) => k?.has('lambda') || k?.has('ec2'))) return;
    // apps whose alarms only scale, or notify nobody, are judged by other rules
    const notifying = kinds.filter((k) => k === undefined || k.has('notify') || k.has('incident')).length;
    if (notifying === 0) return ctx.notApplicable();
    if (respondsToEvents(ctx.facts, ctx.options.eventSources)) return;
    reportOnApp(assembly, ctx, 'missing', {
      alarms: notifying === 1 ? '1 alarm notifies' : `${notifying} alarms notify`,
    });
  },
});

function respondsToEvents(facts: AppFacts, sources: readonly string[]): boolean {
  for (const route of eventRoutes(facts)) {
    const kinds = route.samTarget
      ? [route.samTarget.type === 'AWS::Serverless::StateMachine' ? 'stepfunctions' : 'lambda']
      : route.targets.map((arn) => automationKind(arn, route.stack.template));
    // an SSM Automation runbook is a remediation whatever starts it; other targets count for operational events
    if (kinds.includes('ssm-automation')) return true;
    if (kinds.some((k) => k !== undefined) && matchesSource(route, sources)) return true;
  }
  for (const { stack, resource } of facts.deployed('AWS::Config::RemediationConfiguration')) {
    const automatic = stack.template.resolver.resolve(resource.properties.Automatic);
    if (!automatic.known || !isFalse(automatic.value ?? false)) return true;
  }
  for (const { stack, resource } of facts.deployed('AWS::SSMIncidents::ResponsePlan')) {
    const actions = stack.template.resolver.resolve(resource.properties.Actions);
    if (!actions.known || (Array.isArray(actions.value) && actions.value.length > 0)) return true;
  }
  return false;
}
