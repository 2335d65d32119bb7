import { defineRule, isTrue } from '../../lib/rule';

export default defineRule({
  id: 'cloudtrail-logging',
  title: 'CloudTrail trails are logging',
  bestPractice: 'OPS04-BP02',
  resourceTypes: ['AWS::CloudTrail::Trail'],
  severity: 'warning',
  optionsSchema: {},
  messages: {
    notLogging: 'CloudTrail trail {{name}} is not logging; set IsLogging to true.',
    missing: 'CloudTrail trail {{name}} does not set IsLogging, a required property; set it to true.',
  },
  why:
    'A trail that exists but is stopped records nothing, so the API calls that changed the workload during an ' +
    'incident cannot be looked up afterwards. Because the trail is still there, the gap usually goes unnoticed ' +
    'until someone needs the record.',
  fix: {
    cloudformation: 'Type: AWS::CloudTrail::Trail\nProperties:\n  IsLogging: true',
    cdk: 'new cloudtrail.Trail(this, "Trail"); // the L2 construct always sets IsLogging: true\n// L1: new cloudtrail.CfnTrail(this, "Trail", { isLogging: true, s3BucketName: bucket.bucketName });',
  },
  check(resource, ctx) {
    const path = 'Properties.IsLogging';
    if (ctx.satisfies(path, isTrue) !== false) return;
    const value = ctx.get(path);
    const missing = value.known && value.value === undefined;
    ctx.report({ messageId: missing ? 'missing' : 'notLogging', path, data: { name: resource.logicalId } });
  },
});
