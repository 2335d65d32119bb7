import { defineRule, hasItems, isFalse, judgeBranches, verdictIn } from '../../lib/rule';

const DP = 'Properties.DeploymentPreference';

export default defineRule({
  id: 'sam-deployment-alarms',
  title: 'SAM functions deployed through CodeDeploy name the alarms that roll a new version back',
  bestPractice: 'OPS06-BP04',
  resourceTypes: ['AWS::Serverless::Function'],
  severity: 'warning',
  optionsSchema: {},
  messages: {
    noAlarms:
      "SAM function {{name}} shifts traffic to new versions with a DeploymentPreference that lists no Alarms, so a version that fails is not rolled back; add alarms on the function's errors to DeploymentPreference.Alarms.",
  },
  why:
    'A DeploymentPreference makes SAM publish each new version behind an alias and let CodeDeploy move traffic to ' +
    'it (canary, linear or all at once). CodeDeploy rolls back only when a deployment fails: a PreTraffic or ' +
    'PostTraffic hook reports failure, or one of the listed alarms goes into ALARM while traffic shifts. With no ' +
    'alarms, the canary period is a wait with nobody watching, and a version that throws errors for real users ' +
    'takes all the traffic. List at least one alarm on the errors of the function (or of its alias) in ' +
    'DeploymentPreference.Alarms; hooks that test the new version before traffic moves are a good complement.',
  fix: {
    cloudformation:
      'OrdersFunction:\n  Type: AWS::Serverless::Function\n  Properties:\n    # …\n    AutoPublishAlias: live\n' +
      '    DeploymentPreference:\n      Type: Canary10Percent5Minutes\n      Alarms:\n        - !Ref OrdersErrorsAlarm\n' +
      '      Hooks:\n        PreTraffic: !Ref PreTrafficCheckFunction\n' +
      '# or once for all functions in Globals.Function.DeploymentPreference',
    cdk:
      '// CDK\'s own form of a SAM DeploymentPreference:\nnew codedeploy.LambdaDeploymentGroup(this, "Deployment", {\n' +
      '  alias,\n  deploymentConfig: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,\n' +
      '  alarms: [alias.metricErrors().createAlarm(this, "AliasErrors", { threshold: 1, evaluationPeriods: 1 })],\n});',
  },
  roles: {
    machinery: { check: false, why: 'gradual traffic shifting protects callers, and only CloudFormation calls it.' },
  },
  check(resource, ctx) {
    const resolver = ctx.template.resolver;
    // no gradual deployment in any branch: nothing to roll back
    if (ctx.satisfies(DP, (dp) => dp === undefined) === true) return ctx.notApplicable();
    const verdict = judgeBranches<undefined>(ctx.get(DP), (dp) => {
      // no gradual deployment, or one switched off: nothing to roll back
      if (dp === undefined) return { ok: true, detail: undefined };
      const disabled = verdictIn(resolver, dp, 'Enabled', isFalse);
      return {
        ok: disabled === false ? hasItems(resolver, dp, 'Alarms') : disabled ? true : undefined,
        detail: undefined,
      };
    });
    if (verdict.ok === false)
      ctx.report({ messageId: 'noAlarms', path: `${DP}.Alarms`, data: { name: resource.logicalId } });
  },
});
