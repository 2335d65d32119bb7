import { defineRule, and, hasItems, includes, isTrue, judgeBranches, verdictIn } from '../../lib/rule';

const ARC = 'Properties.AutoRollbackConfiguration';
const AC = 'Properties.AlarmConfiguration';

export default defineRule({
  id: 'codedeploy-auto-rollback',
  title: 'CodeDeploy deployment groups roll back failed deployments and deployments that set off an alarm',
  bestPractice: 'OPS06-BP04',
  resourceTypes: ['AWS::CodeDeploy::DeploymentGroup'],
  severity: 'warning',
  optionsSchema: {},
  messages: {
    noAutoRollback:
      'CodeDeploy deployment group {{name}} does not roll back a failed deployment automatically; set AutoRollbackConfiguration to Enabled: true with DEPLOYMENT_FAILURE in Events.',
    noAlarms:
      'CodeDeploy deployment group {{name}} watches no CloudWatch alarm during a deployment, so a release that raises errors goes through; add AlarmConfiguration (Enabled: true, Alarms) and DEPLOYMENT_STOP_ON_ALARM to AutoRollbackConfiguration.Events.',
    alarmsWithoutRollback:
      'CodeDeploy deployment group {{name}} stops a deployment when one of its alarms fires but does not roll it back; add DEPLOYMENT_STOP_ON_ALARM to AutoRollbackConfiguration.Events.',
  },
  why:
    'CodeDeploy can undo a deployment by itself: when it fails (DEPLOYMENT_FAILURE) and when one of the ' +
    'CloudWatch alarms named in the deployment group goes into ALARM while it runs (DEPLOYMENT_STOP_ON_ALARM). ' +
    'The first catches revisions that do not install or do not pass their lifecycle hooks; the second catches ' +
    'revisions that deploy fine but hurt the workload, which is what canary and linear configurations exist to ' +
    'detect. Without alarms a gradual deployment only waits; without automatic rollback a stopped deployment ' +
    'leaves part of the fleet or the traffic on the bad revision until someone redeploys by hand.',
  fix: {
    cloudformation:
      'DeploymentGroup:\n  Type: AWS::CodeDeploy::DeploymentGroup\n  Properties:\n    # …\n    AutoRollbackConfiguration:\n' +
      '      Enabled: true\n      Events:\n        - DEPLOYMENT_FAILURE\n        - DEPLOYMENT_STOP_ON_ALARM\n' +
      '    AlarmConfiguration:\n      Enabled: true\n      Alarms:\n        - Name: !Ref ErrorsAlarm\n' +
      '# SAM: DeploymentPreference on the function generates the group; list the alarms in DeploymentPreference.Alarms',
    cdk:
      'new codedeploy.LambdaDeploymentGroup(this, "Deployment", {\n  alias,\n' +
      '  deploymentConfig: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,\n' +
      '  alarms: [errorsAlarm],\n  autoRollback: { failedDeployment: true, deploymentInAlarm: true },\n});\n' +
      '// ServerDeploymentGroup and EcsDeploymentGroup take the same alarms and autoRollback props',
  },
  check(resource, ctx) {
    const resolver = ctx.template.resolver;
    const data = { name: resource.logicalId };

    // every branch is judged alone, so that Enabled and Events under one Fn::If stay together
    const rollback = judgeBranches<string>(ctx.get(ARC), (arc) => {
      const enabled = verdictIn(resolver, arc, 'Enabled', isTrue);
      const onFailure = includes(resolver, arc, 'Events', 'DEPLOYMENT_FAILURE');
      return {
        ok: and(enabled, onFailure),
        detail: arc === undefined ? ARC : enabled === false ? `${ARC}.Enabled` : `${ARC}.Events`,
      };
    });
    if (rollback.ok === false) ctx.report({ messageId: 'noAutoRollback', path: rollback.detail, data });

    const alarms = judgeBranches<undefined>(ctx.get(AC), (ac) => ({
      ok: and(verdictIn(resolver, ac, 'Enabled', isTrue), hasItems(resolver, ac, 'Alarms')),
      detail: undefined,
    }));
    if (alarms.ok === false) ctx.report({ messageId: 'noAlarms', path: AC, data });
    else if (alarms.ok === true && rollback.ok === true) {
      const onAlarm = judgeBranches<undefined>(ctx.get(ARC), (arc) => ({
        ok: includes(resolver, arc, 'Events', 'DEPLOYMENT_STOP_ON_ALARM'),
        detail: undefined,
      }));
      if (onAlarm.ok === false) ctx.report({ messageId: 'alarmsWithoutRollback', path: `${ARC}.Events`, data });
    }
  },
});
