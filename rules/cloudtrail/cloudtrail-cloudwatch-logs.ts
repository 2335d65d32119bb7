import { defineRule, isEmpty } from '../../lib/rule';

const LOG_GROUP = 'Properties.CloudWatchLogsLogGroupArn';
const ROLE = 'Properties.CloudWatchLogsRoleArn';

export default defineRule({
  id: 'cloudtrail-cloudwatch-logs',
  title: 'CloudTrail trails deliver events to CloudWatch Logs',
  bestPractice: 'OPS04-BP02',
  resourceTypes: ['AWS::CloudTrail::Trail'],
  severity: 'warning',
  optionsSchema: {},
  messages: {
    notDelivered:
      'CloudTrail trail {{name}} does not deliver events to CloudWatch Logs; set CloudWatchLogsLogGroupArn and CloudWatchLogsRoleArn.',
    missingRole: 'CloudTrail trail {{name}} names a log group but no role to write to it; set CloudWatchLogsRoleArn.',
    missingLogGroup:
      'CloudTrail trail {{name}} names a role but no log group to deliver to; set CloudWatchLogsLogGroupArn.',
  },
  why:
    'Events that only land in S3 can be read after the fact, but not searched quickly or alarmed on. Delivered to a ' +
    'CloudWatch Logs log group, they can feed metric filters and alarms (a security group opened to the world, a ' +
    'console login without MFA) and be queried with Logs Insights while an incident is under way. CloudTrail needs ' +
    'both the log group ARN and a role it can assume to write to it.',
  fix: {
    cloudformation:
      'Type: AWS::CloudTrail::Trail\nProperties:\n  CloudWatchLogsLogGroupArn: !GetAtt TrailLogGroup.Arn\n' +
      '  CloudWatchLogsRoleArn: !GetAtt TrailLogsRole.Arn  # a role cloudtrail.amazonaws.com can assume, allowed logs:CreateLogStream and logs:PutLogEvents',
    cdk: 'new cloudtrail.Trail(this, "Trail", { sendToCloudWatchLogs: true, cloudWatchLogsRetention: logs.RetentionDays.ONE_YEAR });',
  },
  check(resource, ctx) {
    const hasLogGroup = ctx.satisfies(LOG_GROUP, (v) => !isEmpty(v));
    const hasRole = ctx.satisfies(ROLE, (v) => !isEmpty(v));
    const data = { name: resource.logicalId };
    if (hasLogGroup === false && hasRole === false) ctx.report({ messageId: 'notDelivered', path: LOG_GROUP, data });
    else if (hasLogGroup === false) ctx.report({ messageId: 'missingLogGroup', path: LOG_GROUP, data });
    else if (hasRole === false) ctx.report({ messageId: 'missingRole', path: ROLE, data });
  },
});
