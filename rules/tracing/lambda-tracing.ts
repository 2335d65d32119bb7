import { defineRule } from '../../lib/engine/rule';

export default defineRule({
  id: 'lambda-tracing',
  title: 'Lambda functions send traces to AWS X-Ray',
  bestPractice: 'OPS04-BP05',
  resourceTypes: ['AWS::Lambda::Function', 'AWS::Serverless::Function'],
  severity: 'warning',
  messages: {
    notActive: 'Lambda function {{name}} does not send traces to X-Ray; set {{property}} to Active.',
  },
  why:
    'Without active tracing a request that crosses this function leaves no trace segment, so a slow or ' +
    'failing call cannot be followed from the API or queue that started it to the dependency that caused it. ' +
    'PassThrough only forwards a trace header; it records nothing for the function itself.',
  fix: {
    cloudformation: 'Properties:\n  TracingConfig:\n    Mode: Active\n# SAM: Tracing: Active on the function, or once for all functions in Globals.Function',
    cdk: 'new lambda.Function(this, "Fn", { /* … */ tracing: lambda.Tracing.ACTIVE });',
  },
  check(resource, ctx) {
    const sam = resource.type === 'AWS::Serverless::Function';
    const path = sam ? 'Properties.Tracing' : 'Properties.TracingConfig.Mode';
    if (ctx.satisfies(path, (mode) => mode === 'Active') === false) {
      ctx.report({ messageId: 'notActive', path, data: { name: resource.logicalId, property: sam ? 'Tracing' : 'TracingConfig.Mode' } });
    }
  },
});
