import {
  type FixEdit,
  defineRule,
  and,
  hasItems,
  isTrue,
  judgeBranches,
  or,
  type Verdict,
  verdictIn,
} from '../../lib/rule';

const DC = 'Properties.DeploymentConfiguration';
type Reason = 'noRollback' | 'circuitBreakerWithoutRollback' | 'alarmsWithoutRollback' | 'unwatchedStrategy';
/** The fix of each reason: roll back on the safeguard already there, or turn on the circuit breaker; alarms need names. */
const FIXES: Readonly<Record<Reason, readonly FixEdit[]>> = {
  noRollback: [
    { path: `${DC}.DeploymentCircuitBreaker.Enable`, value: true },
    { path: `${DC}.DeploymentCircuitBreaker.Rollback`, value: true },
  ],
  circuitBreakerWithoutRollback: [{ path: `${DC}.DeploymentCircuitBreaker.Rollback`, value: true }],
  alarmsWithoutRollback: [{ path: `${DC}.Alarms.Rollback`, value: true }],
  unwatchedStrategy: [],
};
const PATHS: Readonly<Record<Reason, string>> = {
  noRollback: `${DC}.DeploymentCircuitBreaker`,
  circuitBreakerWithoutRollback: `${DC}.DeploymentCircuitBreaker.Rollback`,
  alarmsWithoutRollback: `${DC}.Alarms.Rollback`,
  unwatchedStrategy: `${DC}.Alarms`,
};

export default defineRule({
  id: 'ecs-deployment-rollback',
  title: 'ECS services roll back a failed deployment automatically',
  bestPractice: 'OPS06-BP04',
  resourceTypes: ['AWS::ECS::Service'],
  severity: 'warning',
  fixable: true,
  optionsSchema: {},
  messages: {
    noRollback:
      'ECS service {{name}} does not roll back a failed deployment; set DeploymentConfiguration.DeploymentCircuitBreaker to Enable: true and Rollback: true (or add deployment Alarms with Rollback: true).',
    circuitBreakerWithoutRollback:
      'ECS service {{name}} turns on the deployment circuit breaker without Rollback, so a failed deployment stops but the service is left on the failing revision; set DeploymentCircuitBreaker.Rollback to true.',
    alarmsWithoutRollback:
      'ECS service {{name}} fails a deployment when its deployment alarms fire but does not roll it back; set DeploymentConfiguration.Alarms.Rollback to true.',
    unwatchedStrategy:
      'ECS service {{name}} deploys with the {{strategy}} strategy but has no deployment Alarms with Rollback and no LifecycleHooks, so nothing rolls back a revision that misbehaves once it takes traffic; add DeploymentConfiguration.Alarms with Enable and Rollback set to true.',
  },
  why:
    "A deployment whose tasks keep failing their health checks, or that makes the service's alarms fire, should " +
    'undo itself instead of waiting for someone to notice. With the ECS deployment controller, the deployment ' +
    'circuit breaker marks such a deployment as failed, and with Rollback it returns the service to the last ' +
    'deployment that completed; deployment alarms do the same when a CloudWatch alarm (errors, latency) goes ' +
    'into ALARM during the rollout; native blue/green, linear and canary deployments roll back on deployment ' +
    'alarms and failing lifecycle hooks. Without any of these, CloudFormation can wait for hours on a service that never ' +
    'stabilises, and a revision that starts but misbehaves stays in production. Services deployed by CodeDeploy ' +
    'or an external controller roll back through those tools and are not checked here.',
  fix: {
    cloudformation:
      'Service:\n  Type: AWS::ECS::Service\n  Properties:\n    # …\n    DeploymentConfiguration:\n' +
      '      DeploymentCircuitBreaker:\n        Enable: true\n        Rollback: true\n' +
      '      Alarms:                      # optional: also roll back when these alarms fire\n' +
      "        Enable: true\n        Rollback: true\n        AlarmNames:\n          - orders-5xx   # the alarm's AlarmName (a Ref is circular when the alarm names the service)",
    cdk:
      'new ecs.FargateService(this, "Service", {\n  cluster,\n  taskDefinition,\n' +
      '  circuitBreaker: { enable: true, rollback: true },\n' +
      '  deploymentAlarms: { alarmNames: [errorsAlarm.alarmName], behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM },\n});',
  },
  check(resource, ctx) {
    // the rule is about the ECS (rolling or native blue/green) controller; CODE_DEPLOY and EXTERNAL roll back elsewhere
    const controller = ctx.get('Properties.DeploymentController.Type');
    if (!controller.known || (controller.value !== undefined && controller.value !== 'ECS')) return ctx.notApplicable();

    const resolver = ctx.template.resolver;
    const verdict = judgeBranches<Reason>(ctx.get(DC), (dc) => {
      const t = (path: string): Verdict => verdictIn(resolver, dc, path, isTrue);
      const breakerOn = t('DeploymentCircuitBreaker.Enable');
      const breakerRollsBack = t('DeploymentCircuitBreaker.Rollback');
      const alarmsOn = and(t('Alarms.Enable'), hasItems(resolver, dc, 'Alarms.AlarmNames'));
      const alarmsRollBack = t('Alarms.Rollback');
      // native blue/green, linear and canary deployments also roll back when a lifecycle hook fails
      const rolling = verdictIn(resolver, dc, 'Strategy', (s) => s === undefined || s === 'ROLLING');
      const hooks = rolling === undefined ? undefined : rolling ? false : hasItems(resolver, dc, 'LifecycleHooks');
      const ok = or(and(breakerOn, breakerRollsBack), and(alarmsOn, alarmsRollBack), hooks);
      const detail: Reason =
        breakerOn === true
          ? 'circuitBreakerWithoutRollback'
          : alarmsOn === true
            ? 'alarmsWithoutRollback'
            : rolling === false
              ? 'unwatchedStrategy'
              : 'noRollback';
      return { ok, detail };
    });
    if (verdict.ok === false && verdict.detail) {
      const strategy = ctx.get(`${DC}.Strategy`);
      const data = {
        name: resource.logicalId,
        strategy: strategy.known && typeof strategy.value === 'string' ? strategy.value : 'chosen',
      };
      ctx.report({ messageId: verdict.detail, path: PATHS[verdict.detail], data, fix: FIXES[verdict.detail] });
    }
  },
});
