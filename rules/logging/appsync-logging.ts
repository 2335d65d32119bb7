import { defineRule, isFalse } from '../../lib/rule';

const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '';
const notNone = (v: unknown): boolean => typeof v === 'string' && v !== '' && v.toUpperCase() !== 'NONE';

export default defineRule({
  id: 'appsync-logging',
  title: 'AppSync GraphQL APIs log resolver errors to CloudWatch Logs',
  bestPractice: 'OPS04-BP02',
  resourceTypes: ['AWS::AppSync::GraphQLApi', 'AWS::Serverless::GraphQLApi'],
  severity: 'warning',
  optionsSchema: {},
  messages: {
    noLogging: 'AppSync API {{name}} sends no logs to CloudWatch Logs; {{fix}}.',
    levelNone:
      'AppSync API {{name}} logs no field resolver activity ({{property}} is {{level}}), so a failing field leaves no trace; set it to ERROR or ALL.',
    noRole:
      'AppSync API {{name}} has a LogConfig without CloudWatchLogsRoleArn, so AppSync cannot write its logs; give it a role that AppSync can assume to push to CloudWatch Logs.',
  },
  why:
    'A GraphQL request succeeds or fails field by field, and a field that fails often still returns HTTP 200 with ' +
    'an error inside the response. Field-level logs at ERROR (or ALL) record which resolver failed, with which ' +
    'error and mapping template, which is what an investigation needs; request-level logs alone do not. AppSync ' +
    "writes logs only through the role in `CloudWatchLogsRoleArn`. SAM's `AWS::Serverless::GraphQLApi` logs at " +
    'ALL with a role it creates unless `Logging` is false or sets another level.',
  fix: {
    cloudformation:
      'Properties:\n  LogConfig:\n    FieldLogLevel: ERROR   # or ALL\n    CloudWatchLogsRoleArn: !GetAtt AppSyncLogsRole.Arn\n    ExcludeVerboseContent: true\n' +
      '# SAM: leave Logging out (ALL, with a role SAM creates) or set Logging: { FieldLogLevel: ERROR }',
    cdk:
      'new appsync.GraphqlApi(this, "Api", {\n  /* … */\n' +
      '  logConfig: { fieldLogLevel: appsync.FieldLogLevel.ERROR, retention: logs.RetentionDays.ONE_MONTH },\n});',
  },
  check(resource, ctx) {
    const name = resource.logicalId;
    if (resource.type === 'AWS::Serverless::GraphQLApi') {
      // SAM turns logging on (FieldLogLevel ALL, a role of its own) unless Logging is false
      if (ctx.satisfies('Properties.Logging', (v) => !isFalse(v)) === false) {
        ctx.report({
          messageId: 'noLogging',
          path: 'Properties.Logging',
          data: { name, fix: 'remove Logging: false, or set Logging to { FieldLogLevel: ERROR }' },
        });
        return;
      }
      const level = 'Properties.Logging.FieldLogLevel';
      if (ctx.satisfies(level, (v) => v === undefined || notNone(v)) === false) {
        ctx.report({
          messageId: 'levelNone',
          path: level,
          data: { name, property: 'Logging.FieldLogLevel', level: 'NONE' },
        });
      }
      return;
    }
    if (ctx.satisfies('Properties.LogConfig', present) === false) {
      ctx.report({
        messageId: 'noLogging',
        path: 'Properties.LogConfig',
        data: { name, fix: 'add LogConfig with FieldLogLevel ERROR (or ALL) and a CloudWatchLogsRoleArn' },
      });
      return;
    }
    const level = 'Properties.LogConfig.FieldLogLevel';
    if (ctx.satisfies(level, notNone) === false) {
      const r = ctx.get(level);
      ctx.report({
        messageId: 'levelNone',
        path: level,
        data: {
          name,
          property: 'LogConfig.FieldLogLevel',
          level: r.known && r.value === undefined ? 'not set' : 'NONE',
        },
      });
    }
    if (ctx.satisfies('Properties.LogConfig.CloudWatchLogsRoleArn', present) === false) {
      ctx.report({ messageId: 'noRole', path: 'Properties.LogConfig.CloudWatchLogsRoleArn', data: { name } });
    }
  },
});
