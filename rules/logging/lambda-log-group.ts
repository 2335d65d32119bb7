import { defineRule } from '../../lib/rule';
import { lambdaLogGroupKeys, LOG_GROUP_TYPES, LogGroupNames, nameKeys } from './log-group-names';

const PATH = 'Properties.LoggingConfig.LogGroup';

export default defineRule({
  id: 'lambda-log-group',
  title: 'Lambda functions write to a log group that the stack manages',
  bestPractice: 'OPS04-BP02',
  resourceTypes: ['AWS::Lambda::Function', 'AWS::Serverless::Function'],
  severity: 'warning',
  optionsSchema: {},
  messages: {
    noLogGroup:
      'Lambda function {{name}} has no log group in the stack, so Lambda creates one on first invocation that the stack does not manage and that keeps logs forever; ' +
      'declare an AWS::Logs::LogGroup with a retention and point LoggingConfig.LogGroup at it.',
  },
  why:
    'When a function has no log group of its own, Lambda creates `/aws/lambda/<function name>` the first time the ' +
    "function logs. That log group is not part of the stack: it keeps its logs forever, it survives the stack's " +
    'deletion, and its retention, encryption and subscriptions cannot be set or reviewed with the rest of the ' +
    'workload. A function counts as covered when `LoggingConfig.LogGroup` names a log group, or when the stack ' +
    "declares a log group (or CDK's `Custom::LogRetention`) whose name is `/aws/lambda/` followed by the function's " +
    "name, written literally, with `!Sub '/aws/lambda/${Function}'` or with `!Join`.",
  fix: {
    cloudformation:
      'OrdersLogs:\n  Type: AWS::Logs::LogGroup\n  Properties:\n    RetentionInDays: 30\nOrdersFunction:\n  Type: AWS::Lambda::Function\n  Properties:\n    # …\n' +
      '    LoggingConfig:\n      LogGroup: !Ref OrdersLogs\n' +
      '# or keep the default name: LogGroupName: !Sub /aws/lambda/${OrdersFunction} on the log group\n' +
      '# SAM: the same LoggingConfig on AWS::Serverless::Function (or in Globals.Function for a shared log group)',
    cdk:
      'import * as logs from "aws-cdk-lib/aws-logs";\n\n' +
      'new lambda.Function(this, "Orders", {\n  /* … */\n  logGroup: new logs.LogGroup(this, "OrdersLogs", { retention: logs.RetentionDays.ONE_MONTH }),\n});\n' +
      '// in regions without Lambda advanced logging controls: logRetention: logs.RetentionDays.ONE_MONTH',
  },
  roles: {
    machinery: {
      check: false,
      why: "its logs are deployment diagnostics, not the workload's telemetry; the retention of a log group declared for it is still checked (log-group-retention).",
    },
    edge: {
      check: false,
      why: 'its logs go to the Greengrass log groups of the core device, not to /aws/lambda/<function>.',
    },
  },
  check(resource, ctx) {
    // a log group named for the function's logs, by LoggingConfig (any value: a log group of this stack or one managed elsewhere)
    if (ctx.satisfies(PATH, (v) => v !== undefined && v !== null && v !== '') !== false) return;
    const names = ctx.memo('lambda-log-group-names', () => {
      const index = new LogGroupNames();
      for (const type of LOG_GROUP_TYPES) {
        for (const group of ctx.template.resourcesOfType(type)) {
          if (!ctx.template.isExcluded(group)) index.add(nameKeys(group.properties.LogGroupName, ctx));
        }
      }
      return index;
    });
    if (lambdaLogGroupKeys(resource, ctx).some((key) => names.has(key))) return;
    ctx.report({ messageId: 'noLogGroup', path: PATH, data: { name: resource.logicalId } });
  },
});
