import { defineRule } from '../../lib/rule';

export default defineRule({
  id: 'stepfunctions-logging',
  title: 'Step Functions state machines log their executions to CloudWatch Logs',
  bestPractice: 'OPS04-BP02',
  resourceTypes: ['AWS::StepFunctions::StateMachine', 'AWS::Serverless::StateMachine'],
  severity: 'warning',
  optionsSchema: {},
  messages: {
    noLogging:
      'State machine {{name}} does not log its executions ({{property}} is {{level}}); set it to ERROR or ALL with a CloudWatch Logs log group as the destination.',
    noLoggingExpress:
      'Express state machine {{name}} does not log its executions ({{property}} is {{level}}); Express workflows keep no execution history, so a failed execution leaves no trace. Set it to ERROR or ALL with a CloudWatch Logs log group as the destination.',
    noDestination:
      'State machine {{name}} sets a log level but no log destination; add a CloudWatch Logs log group to {{property}}.',
  },
  why:
    'Execution logs record which state failed, with which error and, optionally, which input, for every ' +
    'execution. Standard workflows also keep an execution history in Step Functions for a limited time, but ' +
    'only logs can be searched across executions, kept as long as needed, and turned into metric filters. ' +
    'Express workflows keep no execution history at all: CloudWatch Logs is the only record of what they did. ' +
    'The log level is OFF unless set, and any other level needs a log group as its destination.',
  fix: {
    cloudformation:
      'Properties:\n  LoggingConfiguration:\n    Level: ERROR   # or ALL\n    IncludeExecutionData: false\n    Destinations:\n' +
      '      - CloudWatchLogsLogGroup:\n          LogGroupArn: !GetAtt FlowLogs.Arn\n' +
      '# SAM: the same settings under Logging on AWS::Serverless::StateMachine',
    cdk:
      'new sfn.StateMachine(this, "Flow", {\n  definitionBody,\n' +
      '  logs: { destination: new logs.LogGroup(this, "FlowLogs", { retention: logs.RetentionDays.ONE_MONTH }), level: sfn.LogLevel.ERROR },\n});',
  },
  check(resource, ctx) {
    const sam = resource.type === 'AWS::Serverless::StateMachine';
    const config = sam ? 'Logging' : 'LoggingConfiguration';
    const levelPath = `Properties.${config}.Level`;
    const levelOn = ctx.satisfies(levelPath, (v) => typeof v === 'string' && v !== '' && v.toUpperCase() !== 'OFF');
    if (levelOn === false) {
      const express =
        ctx.satisfies(
          sam ? 'Properties.Type' : 'Properties.StateMachineType',
          (v) => typeof v === 'string' && v.toUpperCase() === 'EXPRESS',
        ) === true;
      const level = ctx.get(levelPath);
      ctx.report({
        messageId: express ? 'noLoggingExpress' : 'noLogging',
        path: levelPath,
        data: {
          name: resource.logicalId,
          property: `${config}.Level`,
          level: level.known && level.value === undefined ? 'not set, so OFF' : 'OFF',
        },
      });
      return;
    }
    const destinations = `Properties.${config}.Destinations`;
    if (levelOn === true && ctx.satisfies(destinations, (v) => Array.isArray(v) && v.length > 0) === false) {
      ctx.report({
        messageId: 'noDestination',
        path: destinations,
        data: { name: resource.logicalId, property: `${config}.Destinations` },
      });
    }
  },
});
