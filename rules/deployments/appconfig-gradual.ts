import { defineRule, asNumber } from '../../lib/rule';
import {
  ENVIRONMENT_OPTION_DOCS,
  ENVIRONMENT_OPTIONS,
  ENVIRONMENT_OPTIONS_SCHEMA,
  inScope,
  knownValues,
  safeSomewhere,
} from '../recovery/environment';

const STRATEGY = 'AWS::AppConfig::DeploymentStrategy';
const ALL_AT_ONCE = 'AppConfig.AllAtOnce';

export default defineRule({
  id: 'appconfig-gradual',
  title: 'AppConfig deployments roll configuration out gradually',
  bestPractice: 'OPS06-BP03',
  resourceTypes: [STRATEGY, 'AWS::AppConfig::Deployment'],
  severity: 'warning',
  options: { ...ENVIRONMENT_OPTIONS },
  optionsSchema: ENVIRONMENT_OPTIONS_SCHEMA,
  optionDocs: { ...ENVIRONMENT_OPTION_DOCS },
  messages: {
    strategyAllAtOnce:
      'AppConfig deployment strategy {{name}} deploys to every target at once ({{setting}}); grow in steps over time, e.g. GrowthFactor 20 with DeploymentDurationInMinutes 30.',
    deploymentAllAtOnce:
      'AppConfig deployment {{name}} uses the predefined strategy AppConfig.AllAtOnce, which deploys to every target at once; use AppConfig.Canary10Percent20Minutes or AppConfig.Linear20PercentEvery6Minutes.',
  },
  why:
    'A configuration change is a code change that skips the build: a wrong feature flag or limit breaks every host that reads it. AppConfig can ' +
    'roll a change out in steps and watch CloudWatch alarms as it goes, rolling back on its own when one fires, but only if the strategy gives ' +
    'it time: a GrowthFactor of 100 reaches every target in the first step, and a DeploymentDurationInMinutes of 0 runs all steps at once. ' +
    'AppConfig.AllAtOnce does both. Deployments that refer to a strategy defined in the template are judged by that strategy.',
  fix: {
    cloudformation:
      'ConfigStrategy:\n  Type: AWS::AppConfig::DeploymentStrategy\n  Properties:\n    Name: gradual\n    GrowthType: LINEAR\n' +
      '    GrowthFactor: 20\n    DeploymentDurationInMinutes: 30\n    FinalBakeTimeInMinutes: 10\n    ReplicateTo: NONE\n' +
      '# or DeploymentStrategyId: AppConfig.Canary10Percent20Minutes on the AWS::AppConfig::Deployment',
    cdk:
      "new appconfig.DeploymentStrategy(this, 'Gradual', {\n" +
      '  rolloutStrategy: appconfig.RolloutStrategy.linear({ growthFactor: 20, deploymentDuration: cdk.Duration.minutes(30), finalBakeTime: cdk.Duration.minutes(10) }),\n' +
      '});\n// or rolloutStrategy: appconfig.RolloutStrategy.CANARY_10_PERCENT_20_MINUTES',
  },
  check(resource, ctx) {
    if (!inScope(ctx)) return ctx.notApplicable();
    const name = resource.logicalId;
    if (resource.type === STRATEGY) {
      const growth = 'Properties.GrowthFactor';
      const duration = 'Properties.DeploymentDurationInMinutes';
      if (safeSomewhere(ctx, growth, (v) => (asNumber(v) ?? 0) < 100) === false) {
        const value = knownValues(ctx, growth)
          .map(asNumber)
          .find((n) => n !== undefined && n >= 100);
        ctx.report({
          messageId: 'strategyAllAtOnce',
          path: growth,
          data: { name, setting: `GrowthFactor ${value ?? 100}` },
        });
      } else if (safeSomewhere(ctx, duration, (v) => asNumber(v) !== 0) === false) {
        ctx.report({
          messageId: 'strategyAllAtOnce',
          path: duration,
          data: { name, setting: 'DeploymentDurationInMinutes 0' },
        });
      }
      return;
    }
    if (safeSomewhere(ctx, 'Properties.DeploymentStrategyId', (v) => v !== ALL_AT_ONCE) === false) {
      ctx.report({ messageId: 'deploymentAllAtOnce', path: 'Properties.DeploymentStrategyId', data: { name } });
    }
  },
});
