import { severalStacks, type Stack, defineRule } from '../../lib/rule';

const TRAIL = 'AWS::CloudTrail::Trail';

export default defineRule({
  id: 'cloudtrail-present',
  title: 'A CloudTrail trail records the API activity of the account the app deploys to',
  bestPractice: 'OPS04-BP02',
  scope: 'assembly',
  resourceTypes: [TRAIL],
  severity: 'warning',
  optionsSchema: {},
  context: 'account',
  messages: {
    missing:
      'No CloudTrail trail in {{scope}}; API activity in the account is not recorded unless a trail comes from elsewhere.',
  },
  why:
    'CloudTrail is the record of who changed what, and when, through the AWS API. When a deployment or a manual ' +
    'change breaks the workload, that record is what an operator reads to correlate the incident with its cause. ' +
    'Trails are an account concern and are often managed outside the workload (a landing zone baseline stack or an ' +
    'organization trail): in a workload stack this is a reminder that needs context, enforced where a stack is marked ' +
    'as the account baseline.',
  fix: {
    cloudformation:
      'Trail:\n  Type: AWS::CloudTrail::Trail\n  Properties:\n    IsLogging: true\n    IsMultiRegionTrail: true\n' +
      '    EnableLogFileValidation: true\n    S3BucketName: !Ref TrailBucket\n' +
      '    CloudWatchLogsLogGroupArn: !GetAtt TrailLogGroup.Arn\n    CloudWatchLogsRoleArn: !GetAtt TrailLogsRole.Arn\n' +
      '# or rely on an organization trail / an account-baseline stack, and suppress this finding with that reason',
    cdk: 'new cloudtrail.Trail(baselineStack, "Trail", { sendToCloudWatchLogs: true }); // multi-region and file validation are on by default',
  },
  check(assembly, ctx) {
    if (assembly.stacks.length === 0) return ctx.notApplicable();
    if (assembly.stacks.some(definesTrail)) return;
    // nested stacks are searched for a trail, but the finding is about the stacks a user deploys
    const stacks = assembly.stacks.filter((s) => s.parent === undefined);
    if (stacks.length === 1) {
      const stack = stacks[0];
      // a lone template: on its Resources key; a cloud assembly's only stack: on its entry in manifest.json
      if (stack.declaredIn)
        ctx.report({ stack, messageId: 'missing', data: { scope: `stack ${stack.stackName ?? stack.id}` } });
      else ctx.report({ stack, messageId: 'missing', path: 'Resources', data: { scope: 'this template' } });
      return;
    }
    ctx.report({
      messageId: 'missing',
      path: 'artifacts',
      data: { scope: `any of the ${severalStacks(assembly, stacks.length)}` },
    });
  },
});

/** A trail counts unless its Condition is known to be false. */
function definesTrail(stack: Stack): boolean {
  return stack.template.resourcesOfType(TRAIL).some((trail) => !stack.template.isExcluded(trail));
}
