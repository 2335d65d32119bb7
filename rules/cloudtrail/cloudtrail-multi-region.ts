import { defineRule, isTrue } from '../../lib/rule';

export default defineRule({
  id: 'cloudtrail-multi-region',
  title: 'CloudTrail trails record events from every region',
  bestPractice: 'OPS04-BP02',
  resourceTypes: ['AWS::CloudTrail::Trail'],
  severity: 'warning',
  fixable: true,
  optionsSchema: {},
  messages: {
    singleRegion: 'CloudTrail trail {{name}} records only the region it is created in; set IsMultiRegionTrail to true.',
  },
  why:
    'A single-region trail misses API calls made in every other region, including regions added later, so changes ' +
    'to a multi-region workload or to resources created in an unexpected region leave no record. IsMultiRegionTrail ' +
    'defaults to false in CloudFormation.',
  fix: {
    cloudformation: 'Type: AWS::CloudTrail::Trail\nProperties:\n  IsMultiRegionTrail: true',
    cdk: 'new cloudtrail.Trail(this, "Trail", { isMultiRegionTrail: true }); // true is the L2 default',
  },
  check(resource, ctx) {
    const path = 'Properties.IsMultiRegionTrail';
    if (ctx.satisfies(path, isTrue) === false) {
      ctx.report({ messageId: 'singleRegion', path, data: { name: resource.logicalId }, fix: { path, value: true } });
    }
  },
});
