import { defineRule } from 'opslint/rule';

export default defineRule({
  id: 'acme/alarm-naming',
  title: 'Alarm names follow the ACME convention service-environment-signal',
  bestPractice: 'OPS08-BP04',
  resourceTypes: ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm'],
  severity: 'warning',
  options: { pattern: '^[a-z0-9]+(-[a-z0-9]+)*-(dev|staging|prod)-[a-z0-9-]+$' },
  // a configured pattern that does not compile, or a misspelled option, is an error where the configuration says it
  optionsSchema: { pattern: { type: 'string', format: 'regex' } },
  optionDocs: { pattern: 'The regular expression alarm names must match.' },
  messages: {
    unnamed: 'Alarm {{name}} has no AlarmName; name it service-environment-signal so the pager shows what broke.',
    badName: 'Alarm name "{{alarmName}}" does not follow service-environment-signal (e.g. orders-prod-api-5xx).',
  },
  why: 'The pager shows only the alarm name: a name that says the service, the environment and the signal lets the on-call engineer act before opening the console.',
  fix: {
    cloudformation: 'AlarmName: orders-prod-api-5xx',
    cdk: "new cloudwatch.Alarm(this, 'Api5xx', { alarmName: 'orders-prod-api-5xx', ... })",
  },
  check(resource, ctx) {
    const name = ctx.get('Properties.AlarmName');
    if (!name.known) return;
    if (name.value === undefined) {
      ctx.report({ messageId: 'unnamed', data: { name: resource.logicalId } });
    } else if (typeof name.value === 'string' && !new RegExp(ctx.options.pattern).test(name.value)) {
      ctx.report({ messageId: 'badName', path: 'Properties.AlarmName', data: { alarmName: name.value } });
    }
  },
});
