import { severalStacks, defineRule } from '../../lib/rule';

const RECORDER = 'AWS::Config::ConfigurationRecorder';
const CHANNEL = 'AWS::Config::DeliveryChannel';

export default defineRule({
  id: 'config-recorder-present',
  title: 'An AWS Config recorder and delivery channel record the configuration of the account the app deploys to',
  bestPractice: 'OPS05-BP03',
  scope: 'assembly',
  resourceTypes: [RECORDER, CHANNEL],
  severity: 'warning',
  optionsSchema: {},
  context: 'account',
  messages: {
    missing:
      'No AWS Config configuration recorder in {{scope}}; resource configuration changes are not recorded unless AWS Config is set up elsewhere.',
    noDeliveryChannel:
      'Configuration recorder {{name}} has no AWS::Config::DeliveryChannel in {{scope}}; a recorder cannot start recording without a delivery channel.',
    noRecorder:
      'Delivery channel {{name}} has no AWS::Config::ConfigurationRecorder in {{scope}}; a delivery channel delivers nothing without a recorder.',
  },
  why:
    'AWS Config keeps a timeline of how each resource was configured and what it was related to. When a change ' +
    'breaks the workload, that timeline is how an operator finds what changed and when, compares it with the ' +
    'intended configuration and rolls it back; Config rules and conformance packs build on the same recording. ' +
    'Recording needs both a configuration recorder and a delivery channel in each account and region. They are ' +
    'usually created once per account by a landing zone (Control Tower) or a baseline stack, so in a workload app ' +
    'this check needs context and is enforced only where a stack is marked as the account baseline. A configuration ' +
    'aggregator does not count: it collects what other recorders record and records nothing itself.',
  fix: {
    cloudformation:
      'ConfigRecorder:\n  Type: AWS::Config::ConfigurationRecorder\n  Properties:\n    RoleARN: !GetAtt ConfigRole.Arn\n' +
      '    RecordingGroup:\n      AllSupported: true\n' +
      'ConfigDeliveryChannel:\n  Type: AWS::Config::DeliveryChannel\n  Properties:\n    S3BucketName: !Ref ConfigBucket\n' +
      '# or rely on AWS Config set up by Control Tower / an account-baseline stack, and suppress this finding with that reason',
    cdk:
      'import * as config from "aws-cdk-lib/aws-config";\n\n' +
      'const recorder = new config.CfnConfigurationRecorder(baselineStack, "Recorder", {\n' +
      '  roleArn: configRole.roleArn,\n  recordingGroup: { allSupported: true },\n});\n' +
      'const channel = new config.CfnDeliveryChannel(baselineStack, "Channel", { s3BucketName: configBucket.bucketName });\n' +
      'recorder.addDependency(channel);',
  },
  check(assembly, ctx) {
    if (assembly.stacks.length === 0) return ctx.notApplicable();
    const recorders = ctx.facts.deployed(RECORDER);
    const channels = ctx.facts.deployed(CHANNEL);
    // nested stacks are searched, but a finding about the app is about the stacks a user deploys
    const stacks = assembly.stacks.filter((s) => s.parent === undefined);
    const scope =
      stacks.length === 1
        ? stacks[0].declaredIn
          ? `stack ${stacks[0].stackName ?? stacks[0].id}`
          : 'this template'
        : assembly.scope;
    if (recorders.length > 0 && channels.length === 0) {
      for (const { stack, resource } of recorders)
        ctx.report({ stack, resource, messageId: 'noDeliveryChannel', data: { name: resource.logicalId, scope } });
      return;
    }
    if (channels.length > 0 && recorders.length === 0) {
      for (const { stack, resource } of channels)
        ctx.report({ stack, resource, messageId: 'noRecorder', data: { name: resource.logicalId, scope } });
      return;
    }
    if (recorders.length > 0) return;
    if (stacks.length === 1) {
      const stack = stacks[0];
      // a lone template: on its Resources key; a cloud assembly's only stack: on its entry in manifest.json
      if (stack.declaredIn) ctx.report({ stack, messageId: 'missing', data: { scope } });
      else ctx.report({ stack, messageId: 'missing', path: 'Resources', data: { scope } });
      return;
    }
    ctx.report({
      messageId: 'missing',
      path: 'artifacts',
      data: { scope: `any of the ${severalStacks(assembly, stacks.length)}` },
    });
  },
});
