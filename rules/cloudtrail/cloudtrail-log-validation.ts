import { defineRule, isTrue } from '../../lib/rule';

export default defineRule({
  id: 'cloudtrail-log-validation',
  title: 'CloudTrail trails validate the integrity of their log files',
  bestPractice: 'OPS04-BP02',
  resourceTypes: ['AWS::CloudTrail::Trail'],
  severity: 'warning',
  fixable: true,
  optionsSchema: {},
  messages: {
    notValidated: 'CloudTrail trail {{name}} does not validate its log files; set EnableLogFileValidation to true.',
  },
  why:
    'With log file validation CloudTrail delivers a signed digest of each hour of logs, so anyone reviewing an ' +
    'incident can prove that the record was not altered or deleted after delivery. Without it, the trail is only ' +
    'as trustworthy as the bucket it is stored in. CloudFormation leaves it off unless asked.',
  fix: {
    cloudformation: 'Type: AWS::CloudTrail::Trail\nProperties:\n  EnableLogFileValidation: true',
    cdk: 'new cloudtrail.Trail(this, "Trail", { enableFileValidation: true }); // true is the L2 default',
  },
  check(resource, ctx) {
    const path = 'Properties.EnableLogFileValidation';
    if (ctx.satisfies(path, isTrue) === false) {
      ctx.report({ messageId: 'notValidated', path, data: { name: resource.logicalId }, fix: { path, value: true } });
    }
  },
});
