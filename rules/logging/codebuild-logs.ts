import { defineRule } from '../../lib/rule';

const CLOUDWATCH = 'Properties.LogsConfig.CloudWatchLogs.Status';
const S3 = 'Properties.LogsConfig.S3Logs.Status';
const is =
  (status: string) =>
  (v: unknown): boolean =>
    typeof v === 'string' && v.toUpperCase() === status;

export default defineRule({
  id: 'codebuild-logs',
  title: 'CodeBuild projects keep their build logs in CloudWatch Logs or S3',
  bestPractice: 'OPS04-BP02',
  resourceTypes: ['AWS::CodeBuild::Project'],
  severity: 'warning',
  optionsSchema: {},
  messages: {
    noLogs:
      'CodeBuild project {{name}} turns CloudWatch Logs off and writes no S3 logs, so the output of a failed build is not kept; set LogsConfig.CloudWatchLogs.Status to ENABLED (or enable S3Logs).',
  },
  why:
    'Build logs are how a failed build, test run or deployment step is diagnosed, and how a past build is audited. ' +
    'CodeBuild sends them to CloudWatch Logs unless `LogsConfig.CloudWatchLogs.Status` is DISABLED, and to S3 only when ' +
    "`S3Logs.Status` is ENABLED; with both off, the build's output is not kept anywhere.",
  fix: {
    cloudformation:
      'Properties:\n  LogsConfig:\n    CloudWatchLogs:\n      Status: ENABLED\n      GroupName: !Ref BuildLogs   # a log group with a retention\n' +
      '    # or S3Logs: { Status: ENABLED, Location: !Sub "${ArtifactBucket}/build-logs" }',
    cdk:
      'new codebuild.Project(this, "Build", {\n  /* … */\n' +
      '  logging: { cloudWatch: { logGroup: new logs.LogGroup(this, "BuildLogs", { retention: logs.RetentionDays.ONE_MONTH }) } },\n});',
  },
  check(resource, ctx) {
    if (ctx.satisfies(CLOUDWATCH, (v) => !is('DISABLED')(v)) !== false) return;
    if (ctx.satisfies(S3, is('ENABLED')) !== false) return;
    ctx.report({ messageId: 'noLogs', path: CLOUDWATCH, data: { name: resource.logicalId } });
  },
});
