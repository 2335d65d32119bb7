import { definePack } from '../../lib/rule';
import appsyncLogging from './appsync-logging';
import codebuildLogs from './codebuild-logs';
import ecsContainerLogging from './ecs-container-logging';
import lambdaLogGroup from './lambda-log-group';
import lambdaStructuredLogs from './lambda-structured-logs';
import logGroupRetention from './log-group-retention';
import stepfunctionsLogging from './stepfunctions-logging';

export default definePack({
  id: 'logging',
  title: 'Logging (OPS04-BP02 Implement application telemetry)',
  description:
    'Log groups have a retention; Lambda functions log to a log group the stack manages, as JSON; ECS containers, state machines, AppSync APIs and CodeBuild projects send their logs to CloudWatch Logs.',
  rules: [
    logGroupRetention,
    lambdaLogGroup,
    lambdaStructuredLogs,
    ecsContainerLogging,
    stepfunctionsLogging,
    appsyncLogging,
    codebuildLogs,
  ],
});
