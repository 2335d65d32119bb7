import { defineRule, isPlainObject, eventRuleDisabled, isSet, samEventDisabled, samEvents } from '../../lib/rule';

/** Where a pipe's stream source keeps its dead-letter settings. */
const PIPE_STREAM_PARAMETERS = ['KinesisStreamParameters', 'DynamoDBStreamParameters'];

export default defineRule({
  id: 'eventbridge-target-dlq',
  title: 'EventBridge rule targets, schedules and stream pipes keep undeliverable events in a dead-letter queue',
  bestPractice: 'OPS10-BP01',
  resourceTypes: [
    'AWS::Events::Rule',
    'AWS::Scheduler::Schedule',
    'AWS::Pipes::Pipe',
    'AWS::Serverless::Function',
    'AWS::Serverless::StateMachine',
  ],
  severity: 'warning',
  optionsSchema: {},
  messages: {
    ruleTarget:
      "Target {{target}} of EventBridge rule {{name}} has no dead-letter queue; an event that cannot be delivered after EventBridge's retries is dropped. Set DeadLetterConfig.Arn to a standard SQS queue.",
    scheduleTarget:
      "Schedule {{name}} has no dead-letter queue for its target; an invocation that fails after EventBridge Scheduler's retries is dropped. Set Target.DeadLetterConfig.Arn to an SQS queue.",
    pipeSource:
      'Pipe {{name}} reads a stream but has no dead-letter queue; records it gives up on are lost. Set SourceParameters.{{parameters}}.DeadLetterConfig.Arn to an SQS queue or SNS topic.',
    samEvent:
      'The {{type}} event {{event}} of {{what}} {{name}} has no dead-letter queue; an event that cannot be delivered after retries is dropped. Set DeadLetterConfig on the event (Arn, or Type: SQS to let SAM create the queue).',
    samCloudWatchEvent:
      'The CloudWatchEvent event {{event}} of {{what}} {{name}} cannot have a dead-letter queue; make it an EventBridgeRule event with DeadLetterConfig.',
  },
  why:
    'EventBridge delivers to a target asynchronously. When delivery keeps failing (the target was deleted, a ' +
    'permission or a resource policy is missing, the target is throttled), EventBridge retries for up to 24 hours and ' +
    '185 attempts by default and then drops the event; only the FailedInvocations metric hints that something was ' +
    'lost. A dead-letter queue on each target keeps the undelivered event with the error that stopped it, so it can be ' +
    'alarmed on and replayed. EventBridge Scheduler schedules and pipes that read Kinesis or DynamoDB streams have the ' +
    "same setting. This is separate from a Lambda function's own dead-letter queue, which keeps events the function " +
    'failed to process after delivery succeeded. Disabled rules, schedules and SAM events are not checked.',
  fix: {
    cloudformation:
      'OrderEventsRule:\n  Type: AWS::Events::Rule\n  Properties:\n    EventPattern: { source: [orders] }\n    Targets:\n' +
      '      - Id: process\n        Arn: !GetAtt ProcessFunction.Arn\n        DeadLetterConfig:\n          Arn: !GetAtt OrderEventsDlq.Arn   # a standard queue\n' +
      '        RetryPolicy:\n          MaximumRetryAttempts: 10\n          MaximumEventAgeInSeconds: 3600\n' +
      '# AWS::Scheduler::Schedule: Target.DeadLetterConfig.Arn; AWS::Pipes::Pipe: SourceParameters.KinesisStreamParameters.DeadLetterConfig.Arn\n' +
      '# SAM EventBridgeRule, Schedule and ScheduleV2 events: DeadLetterConfig: { Type: SQS } or { Arn: … }',
    cdk:
      'import * as targets from "aws-cdk-lib/aws-events-targets";\n\n' +
      'rule.addTarget(new targets.LambdaFunction(fn, {\n  deadLetterQueue: dlq,\n  retryAttempts: 10,\n  maxEventAge: Duration.hours(1),\n}));\n' +
      '// EventBridge Scheduler (aws-cdk-lib/aws-scheduler-targets): new LambdaInvoke(fn, { deadLetterQueue: dlq })\n' +
      '// a pipe (CfnPipe): sourceParameters: { kinesisStreamParameters: { startingPosition: "LATEST", deadLetterConfig: { arn: dlq.queueArn } } }',
  },
  roles: {
    machinery: { check: true, why: 'an EventBridge event source is checked whatever else calls the function.' },
  },
  check(resource, ctx) {
    const template = ctx.template;
    const name = resource.logicalId;
    const disabled = eventRuleDisabled(template, resource);
    switch (resource.type) {
      case 'AWS::Events::Rule': {
        if (disabled) return ctx.notApplicable();
        const targets = ctx.get('Properties.Targets');
        const lists = targets.known ? [targets.value] : (targets.alternatives ?? []);
        const count = Math.max(0, ...lists.map((l) => (Array.isArray(l) ? l.length : 0)));
        for (let i = 0; i < count; i++) {
          if (ctx.satisfies(['Properties', 'Targets', i, 'DeadLetterConfig', 'Arn'], isSet) !== false) continue;
          const id = ctx.get(['Properties', 'Targets', i, 'Id']);
          const target =
            id.known && (typeof id.value === 'string' || typeof id.value === 'number') ? String(id.value) : `#${i + 1}`;
          const dlc = ctx.get(['Properties', 'Targets', i, 'DeadLetterConfig']);
          const path =
            dlc.known && dlc.value !== undefined
              ? ['Properties', 'Targets', i, 'DeadLetterConfig', 'Arn']
              : ['Properties', 'Targets', i];
          ctx.report({ messageId: 'ruleTarget', path, data: { name, target } });
        }
        return;
      }
      case 'AWS::Scheduler::Schedule':
        if (disabled) return ctx.notApplicable();
        if (ctx.satisfies('Properties.Target.DeadLetterConfig.Arn', isSet) === false) {
          ctx.report({ messageId: 'scheduleTarget', path: 'Properties.Target.DeadLetterConfig.Arn', data: { name } });
        }
        return;
      case 'AWS::Pipes::Pipe': {
        const desired = ctx.get('Properties.DesiredState');
        if (desired.known && desired.value === 'STOPPED') return ctx.notApplicable();
        const params = ctx.get('Properties.SourceParameters');
        if (!params.known || !isPlainObject(params.value)) return ctx.notApplicable();
        for (const key of PIPE_STREAM_PARAMETERS) {
          if (!(key in params.value)) continue;
          const path = ['Properties', 'SourceParameters', key, 'DeadLetterConfig', 'Arn'];
          if (ctx.satisfies(path, isSet) === false)
            ctx.report({ messageId: 'pipeSource', path, data: { name, parameters: key } });
        }
        return;
      }
      default: {
        const what = resource.type === 'AWS::Serverless::Function' ? 'function' : 'state machine';
        let judged = false;
        for (const event of samEvents(resource, template)) {
          if (samEventDisabled(resource, event, template)) continue;
          if (event.type === 'CloudWatchEvent') {
            ctx.report({
              messageId: 'samCloudWatchEvent',
              path: ['Properties', 'Events', event.name, 'Type'],
              data: { what, name, event: event.name },
            });
            continue;
          }
          if (event.type !== 'EventBridgeRule' && event.type !== 'Schedule' && event.type !== 'ScheduleV2') continue;
          judged = true;
          const path = [...event.path, 'DeadLetterConfig'];
          if (ctx.satisfies(path, samDeadLetterConfig) === false) {
            ctx.report({ messageId: 'samEvent', path, data: { what, name, type: event.type, event: event.name } });
          }
        }
        // no EventBridge or schedule event source: nothing is delivered by EventBridge (a report still wins)
        if (!judged) ctx.notApplicable();
      }
    }
  },
});

/** SAM's DeadLetterConfig on an event: an Arn, or a Type (SAM then creates the queue). */
function samDeadLetterConfig(value: unknown): boolean {
  if (!isPlainObject(value)) return isSet(value);
  return isSet(value.Arn) || isSet(value.Type);
}
