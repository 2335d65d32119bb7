import { defineRule, createsStage, isTrue } from '../../lib/rule';

export default defineRule({
  id: 'apigateway-tracing',
  title: 'API Gateway REST API stages send traces to AWS X-Ray',
  bestPractice: 'OPS04-BP05',
  // HTTP APIs (AWS::ApiGatewayV2::*, AWS::Serverless::HttpApi) have no X-Ray support, so they are not checked.
  resourceTypes: ['AWS::ApiGateway::Stage', 'AWS::ApiGateway::Deployment', 'AWS::Serverless::Api'],
  severity: 'warning',
  fixable: true,
  optionsSchema: {},
  messages: {
    notEnabled: '{{kind}} {{name}} does not send traces to X-Ray; set {{property}} to true.',
  },
  why:
    'API Gateway is where most requests enter a workload. With X-Ray tracing on the stage, each request ' +
    'gets a trace that follows it into Lambda, Step Functions and the services behind them, so latency and ' +
    'errors can be attributed to the hop that caused them.',
  fix: {
    cloudformation:
      'AWS::ApiGateway::Stage:\n  Properties:\n    TracingEnabled: true\n# SAM: TracingEnabled: true on AWS::Serverless::Api, or in Globals.Api',
    cdk: 'new apigateway.RestApi(this, "Api", { deployOptions: { tracingEnabled: true } });',
  },
  check(resource, ctx) {
    let path = 'Properties.TracingEnabled';
    let property = 'TracingEnabled';
    let kind = resource.type === 'AWS::Serverless::Api' ? 'SAM API' : 'API Gateway stage';
    if (resource.type === 'AWS::ApiGateway::Deployment') {
      kind = 'The stage of API Gateway deployment';
      // a deployment creates a stage only when it names one; its settings are then in StageDescription
      if (createsStage(ctx.template, ctx.resource) !== true) return ctx.notApplicable();
      path = 'Properties.StageDescription.TracingEnabled';
      property = 'StageDescription.TracingEnabled';
    }
    if (ctx.satisfies(path, isTrue) === false) {
      ctx.report({
        messageId: 'notEnabled',
        path,
        data: { kind, name: resource.logicalId, property },
        fix: { path, value: true },
      });
    }
  },
});
