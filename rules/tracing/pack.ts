import { definePack } from '../../lib/engine/rule';
import apigatewayTracing from './apigateway-tracing';
import appsyncTracing from './appsync-tracing';
import lambdaTracing from './lambda-tracing';
import stepfunctionsTracing from './stepfunctions-tracing';

export default definePack({
  id: 'tracing',
  title: 'X-Ray tracing (OPS04-BP05 Implement distributed tracing)',
  description: 'Lambda functions, REST API stages, state machines and AppSync APIs record X-Ray traces.',
  rules: [lambdaTracing, apigatewayTracing, stepfunctionsTracing, appsyncTracing],
});
