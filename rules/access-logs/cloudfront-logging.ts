import { defineRule, firstProblem, isSet } from '../../lib/rule';
import { deliversVendedLogs } from './delivery';

export default defineRule({
  id: 'cloudfront-logging',
  title: 'CloudFront distributions write access logs',
  bestPractice: 'OPS04-BP02',
  resourceTypes: ['AWS::CloudFront::Distribution'],
  severity: 'warning',
  optionsSchema: {},
  messages: {
    notEnabled:
      'CloudFront distribution {{name}} writes no access logs; set DistributionConfig.Logging.Bucket, or deliver standard logs (v2) through an AWS::Logs::DeliverySource with LogType ACCESS_LOGS whose ResourceArn is this distribution.',
  },
  why:
    "CloudFront answers most requests at the edge, so the origin's own logs miss them. Its access logs show, " +
    'per request, the edge location, cache result, status, time taken and the error CloudFront returned, which ' +
    'is how a rise in 5XX, a drop in cache hits or a slow region is traced to its cause. Standard logging is off ' +
    'by default. The legacy form writes to an S3 bucket (Logging.Bucket); standard logging v2 delivers through ' +
    'CloudWatch Logs to a log group, S3 or Firehose, and is declared with AWS::Logs::DeliverySource, ' +
    'DeliveryDestination and Delivery in us-east-1. Real-time logs on the cache behaviors also count.',
  fix: {
    cloudformation:
      'Distribution:\n  Type: AWS::CloudFront::Distribution\n  Properties:\n    DistributionConfig:\n      Logging:\n' +
      '        Bucket: !GetAtt CdnLogBucket.RegionalDomainName   # a bucket with ACLs enabled (ObjectOwnership ObjectWriter)\n' +
      '        Prefix: cdn/\n' +
      '# or standard logging v2 (stack in us-east-1):\n' +
      'CdnLogSource:\n  Type: AWS::Logs::DeliverySource\n  Properties:\n    Name: cdn-access-logs\n    LogType: ACCESS_LOGS\n' +
      '    ResourceArn: !Sub arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}\n' +
      '# plus an AWS::Logs::DeliveryDestination and an AWS::Logs::Delivery pairing them',
    cdk:
      'new cloudfront.Distribution(this, "Cdn", {\n  defaultBehavior: { origin },\n  enableLogging: true, // creates a log bucket unless logBucket is given\n' +
      '  logBucket: cdnLogBucket,\n  logFilePrefix: "cdn/",\n});',
  },
  check(resource, ctx) {
    const logged = (path: string) =>
      !firstProblem(ctx.values(path), (v) => (isSet(v) ? 'ok' : { messageId: 'notEnabled', path: [] }));
    if (logged('Properties.DistributionConfig.Logging.Bucket')) return;
    if (deliversVendedLogs(ctx, ['ACCESS_LOGS'])) return;
    // real-time logs (sampled, to Kinesis) are a deliberate request log too
    if (ctx.satisfies('Properties.DistributionConfig.DefaultCacheBehavior.RealtimeLogConfigArn', isSet) !== false)
      return;
    ctx.report({
      messageId: 'notEnabled',
      path: 'Properties.DistributionConfig.Logging',
      data: { name: resource.logicalId },
    });
  },
});
