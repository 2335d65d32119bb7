import { defineRule, isFalse, isSetAt, isTrue } from '../../lib/rule';

export default defineRule({
  id: 'ec2-detailed-monitoring',
  title: 'EC2 instances, launch templates and launch configurations use detailed (1-minute) monitoring',
  bestPractice: 'OPS04-BP02',
  resourceTypes: ['AWS::EC2::Instance', 'AWS::EC2::LaunchTemplate', 'AWS::AutoScaling::LaunchConfiguration'],
  severity: 'info',
  fixable: true,
  optionsSchema: {},
  messages: {
    instance:
      'EC2 instance {{name}} has basic monitoring only (metrics every 5 minutes); set Monitoring to true for 1-minute metrics.',
    launchTemplate:
      'Launch template {{name}} launches instances with basic monitoring only (metrics every 5 minutes); set LaunchTemplateData.Monitoring.Enabled to true.',
    launchConfiguration:
      'Launch configuration {{name}} turns detailed monitoring off; remove InstanceMonitoring: false (the default is detailed) to get 1-minute metrics.',
  },
  why:
    'With basic monitoring EC2 publishes instance metrics every five minutes, so a CPU spike or a network ' +
    'stall shorter than that is averaged away, alarms need several minutes to fire and Auto Scaling reacts ' +
    'late. Detailed monitoring publishes the same metrics every minute for a small charge per instance. ' +
    'The rule is informational: for short-lived or non-critical instances basic monitoring can be a fair choice.',
  fix: {
    cloudformation:
      'Type: AWS::EC2::Instance\nProperties:\n  Monitoring: true\n---\nType: AWS::EC2::LaunchTemplate\nProperties:\n  LaunchTemplateData:\n    Monitoring:\n      Enabled: true\n' +
      '---\nType: AWS::AutoScaling::LaunchConfiguration\nProperties:\n  InstanceMonitoring: true   # the default',
    cdk:
      'new ec2.Instance(this, "Host", { /* … */ detailedMonitoring: true });\n' +
      'new ec2.LaunchTemplate(this, "Template", { /* … */ detailedMonitoring: true });\n' +
      'new autoscaling.AutoScalingGroup(this, "Asg", { /* … */ instanceMonitoring: autoscaling.Monitoring.DETAILED });',
  },
  check(resource, ctx) {
    const name = resource.logicalId;
    switch (resource.type) {
      case 'AWS::EC2::Instance': {
        // an instance launched from a launch template takes the template's setting unless it sets its own
        if (
          isSetAt(ctx.template, resource, 'Properties.LaunchTemplate').verdict !== false &&
          isSetAt(ctx.template, resource, 'Properties.Monitoring').verdict !== true
        )
          return ctx.notApplicable();
        if (ctx.satisfies('Properties.Monitoring', isTrue) === false)
          ctx.report({
            messageId: 'instance',
            path: 'Properties.Monitoring',
            data: { name },
            fix: { path: 'Properties.Monitoring', value: true },
          });
        return;
      }
      case 'AWS::EC2::LaunchTemplate': {
        const path = 'Properties.LaunchTemplateData.Monitoring.Enabled';
        if (ctx.satisfies(path, isTrue) === false)
          ctx.report({ messageId: 'launchTemplate', path, data: { name }, fix: { path, value: true } });
        return;
      }
      default: {
        const path = 'Properties.InstanceMonitoring';
        if (ctx.satisfies(path, (v) => !isFalse(v)) === false)
          ctx.report({ messageId: 'launchConfiguration', path, data: { name }, fix: { path, value: true } });
      }
    }
  },
});
