import { definePack } from '../../lib/rule';
import apigatewayTracing from './apigateway-tracing';
import appsyncTracing from './appsync-tracing';
import ecsTracingSidecar from './ecs-tracing-sidecar';
import lambdaTracing from './lambda-tracing';
import stepfunctionsTracing from './stepfunctions-tracing';
import tracedToUntraced from './traced-to-untraced';

export default definePack({
  id: 'tracing',
  title: 'X-Ray tracing (OPS04-BP05 Implement distributed tracing)',
  description:
    'Lambda functions, REST API stages, state machines and AppSync APIs record X-Ray traces; traced callers do not hand requests to untraced functions or state machines; ECS services run a trace collector.',
  rules: [lambdaTracing, apigatewayTracing, stepfunctionsTracing, appsyncTracing, tracedToUntraced, ecsTracingSidecar],
});
