import { defineRule, isTrue } from '../../lib/rule';

export default defineRule({
  id: 'stepfunctions-tracing',
  title: 'Step Functions state machines send traces to AWS X-Ray',
  bestPractice: 'OPS04-BP05',
  resourceTypes: ['AWS::StepFunctions::StateMachine', 'AWS::Serverless::StateMachine'],
  severity: 'warning',
  fixable: true,
  optionsSchema: {},
  messages: {
    notEnabled: 'State machine {{name}} does not send traces to X-Ray; set {{property}} to true.',
  },
  why:
    'A state machine orchestrates many calls. With tracing on, each execution appears as one trace across ' +
    'its states and the Lambda functions and services they call, which shows where an execution spent its ' +
    'time or failed.',
  fix: {
    cloudformation: 'Properties:\n  TracingConfiguration:\n    Enabled: true\n# SAM: Tracing: { Enabled: true }',
    cdk: 'new sfn.StateMachine(this, "Flow", { /* … */ tracingEnabled: true });',
  },
  check(resource, ctx) {
    const sam = resource.type === 'AWS::Serverless::StateMachine';
    const path = sam ? 'Properties.Tracing.Enabled' : 'Properties.TracingConfiguration.Enabled';
    if (ctx.satisfies(path, isTrue) === false) {
      ctx.report({
        messageId: 'notEnabled',
        path,
        data: { name: resource.logicalId, property: sam ? 'Tracing.Enabled' : 'TracingConfiguration.Enabled' },
        fix: { path, value: true },
      });
    }
  },
});
