import { defineRule, type JsonPath, createsStage, firstProblem, isSet } from '../../lib/rule';

/** Where each resource type keeps its access-log destination, and how a message calls it. */
const SETTINGS: Readonly<Record<string, { readonly kind: string; readonly property: string }>> = {
  'AWS::ApiGateway::Stage': { kind: 'API Gateway stage', property: 'AccessLogSetting.DestinationArn' },
  'AWS::ApiGatewayV2::Stage': { kind: 'API Gateway v2 stage', property: 'AccessLogSettings.DestinationArn' },
  'AWS::Serverless::Api': { kind: 'SAM API', property: 'AccessLogSetting.DestinationArn' },
  'AWS::Serverless::HttpApi': { kind: 'SAM HTTP API', property: 'AccessLogSettings.DestinationArn' },
  'AWS::ApiGateway::Deployment': {
    kind: 'The stage of API Gateway deployment',
    property: 'StageDescription.AccessLogSetting.DestinationArn',
  },
};

export default defineRule({
  id: 'apigateway-access-logs',
  title: 'API Gateway stages write access logs',
  bestPractice: 'OPS04-BP02',
  resourceTypes: Object.keys(SETTINGS),
  severity: 'warning',
  optionsSchema: {},
  messages: {
    noAccessLogs:
      '{{kind}} {{name}} writes no access logs; set {{property}} to a CloudWatch Logs log group ARN, with a Format.',
  },
  why:
    'An access log has one line per request, in a format you choose: caller, route, status, latency, ' +
    'integration status and error message, request id. It is the record of what clients actually experienced, ' +
    'the input for finding which route or caller produces errors, and the way to follow one request id from ' +
    'a client report to the backend logs. API Gateway writes none unless a stage names a destination. ' +
    'This applies to REST, HTTP and WebSocket stages alike, including an auto-deployed $default stage. Like ' +
    'execution logs, access logs to CloudWatch Logs are written with the API Gateway CloudWatch role set once per ' +
    'account and region (AWS::ApiGateway::Account).',
  fix: {
    cloudformation:
      'Stage:\n  Type: AWS::ApiGateway::Stage          # AWS::ApiGatewayV2::Stage: AccessLogSettings\n  Properties:\n    AccessLogSetting:\n' +
      '      DestinationArn: !GetAtt ApiAccessLogs.Arn\n' +
      '      Format: \'{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","route":"$context.routeKey","status":"$context.status","latency":"$context.responseLatency"}\'\n' +
      '# AWS::ApiGateway::Deployment with StageName: StageDescription.AccessLogSetting\n' +
      '# SAM: AccessLogSetting on AWS::Serverless::Api, AccessLogSettings on AWS::Serverless::HttpApi,\n' +
      '#      or in Globals.Api / Globals.HttpApi for every API including the implicit one',
    cdk:
      'new apigateway.RestApi(this, "Api", { deployOptions: {\n' +
      '  accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),\n' +
      '  accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),\n} });\n' +
      '// HTTP API: new apigwv2.HttpApi(this, "Http", { createDefaultStage: false }).addStage("DefaultStage", {\n' +
      '//   stageName: "$default", autoDeploy: true, accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(accessLogs) } });',
  },
  check(resource, ctx) {
    const name = resource.logicalId;
    const setting = SETTINGS[resource.type];
    if (resource.type === 'AWS::ApiGateway::Deployment') {
      // a deployment creates a stage only when it names one
      if (createsStage(ctx.template, ctx.resource) === false) return ctx.notApplicable();
    }
    const path: JsonPath = ['Properties', ...setting.property.split('.')];
    if (firstProblem(ctx.values(path), judge)) {
      ctx.report({ messageId: 'noAccessLogs', path, data: { kind: setting.kind, name, property: setting.property } });
    }
  },
});

function judge(destination: unknown): 'ok' | { messageId: string; path: JsonPath } {
  return isSet(destination) ? 'ok' : { messageId: 'noAccessLogs', path: [] };
}
