import { defineRule } from '../../lib/rule';
import {
  ENVIRONMENT_OPTION_DOCS,
  ENVIRONMENT_OPTIONS,
  ENVIRONMENT_OPTIONS_SCHEMA,
  inScope,
  knownValues,
  safeSomewhere,
} from '../recovery/environment';
import { ALL_AT_ONCE_CONFIGS, allAtOnceReason, isAllAtOnceName, referencedConfig } from './codedeploy-config';

const PROPERTY = 'Properties.DeploymentConfigName';

export default defineRule({
  id: 'codedeploy-gradual',
  title: 'CodeDeploy deployment groups deploy in steps, not all at once',
  bestPractice: 'OPS06-BP03',
  resourceTypes: ['AWS::CodeDeploy::DeploymentGroup'],
  severity: 'warning',
  options: { ...ENVIRONMENT_OPTIONS },
  optionsSchema: ENVIRONMENT_OPTIONS_SCHEMA,
  optionDocs: { ...ENVIRONMENT_OPTION_DOCS },
  messages: {
    allAtOnce:
      'Deployment group {{name}} uses {{config}}, which deploys a new revision to every target at once; use {{alternative}}.',
    customAllAtOnce:
      'Deployment group {{name}} uses deployment configuration {{config}}, which {{reason}}; make it shift hosts or traffic in smaller steps.',
  },
  why:
    'An all-at-once deployment puts a new revision on every instance, or shifts all traffic to the new Lambda version or ECS task set, in one go. ' +
    'If the revision is bad, every user sees the failure before an alarm can fire or anyone can react. One-at-a-time or half-at-a-time ' +
    'deployments keep healthy capacity serving, and canary or linear traffic shifting exposes a small share of requests first, so alarms and ' +
    'automatic rollback can stop the deployment while most users are unaffected. A deployment group without DeploymentConfigName uses ' +
    "CodeDeployDefault.OneAtATime on EC2; the CDK's EcsDeploymentGroup defaults to CodeDeployDefault.ECSAllAtOnce.",
  fix: {
    cloudformation:
      'DeploymentGroup:\n  Type: AWS::CodeDeploy::DeploymentGroup\n  Properties:\n    ApplicationName: !Ref Application\n' +
      '    DeploymentConfigName: CodeDeployDefault.LambdaCanary10Percent5Minutes   # EC2: CodeDeployDefault.HalfAtATime; ECS: CodeDeployDefault.ECSCanary10Percent5Minutes\n' +
      '    # …\n# SAM functions: DeploymentPreference: { Type: Canary10Percent5Minutes }',
    cdk:
      "new codedeploy.LambdaDeploymentGroup(this, 'Deploy', { alias, deploymentConfig: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES });\n" +
      "new codedeploy.EcsDeploymentGroup(this, 'BlueGreen', { service, blueGreenDeploymentConfig, deploymentConfig: codedeploy.EcsDeploymentConfig.CANARY_10PERCENT_5MINUTES });\n" +
      "new codedeploy.ServerDeploymentGroup(this, 'Fleet', { autoScalingGroups: [asg], deploymentConfig: codedeploy.ServerDeploymentConfig.HALF_AT_A_TIME });",
  },
  check(resource, ctx) {
    if (!inScope(ctx)) return ctx.notApplicable();
    const config = referencedConfig(ctx, ['Properties', 'DeploymentConfigName']);
    if (config) {
      const reason = allAtOnceReason(ctx.template, config);
      if (reason)
        ctx.report({
          messageId: 'customAllAtOnce',
          path: PROPERTY,
          data: { name: resource.logicalId, config: config.logicalId, reason },
        });
      return;
    }
    // not set: CodeDeploy's default for EC2/on-premises groups is OneAtATime
    if (safeSomewhere(ctx, PROPERTY, (v) => !isAllAtOnceName(v)) !== false) return;
    const name = knownValues(ctx, PROPERTY).find(isAllAtOnceName)!;
    ctx.report({
      messageId: 'allAtOnce',
      path: PROPERTY,
      data: { name: resource.logicalId, config: name, alternative: ALL_AT_ONCE_CONFIGS[name] },
    });
  },
});
