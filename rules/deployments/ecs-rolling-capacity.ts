import { defineRule, type ResourceContext, type RuleOptions, asNumber } from '../../lib/rule';
import {
  ENVIRONMENT_OPTION_DOCS,
  ENVIRONMENT_OPTIONS,
  ENVIRONMENT_OPTIONS_SCHEMA,
  inScope,
} from '../recovery/environment';

const CONFIG = 'Properties.DeploymentConfiguration';
const SCALABLE_TARGET = 'AWS::ApplicationAutoScaling::ScalableTarget';

export default defineRule({
  id: 'ecs-rolling-capacity',
  title: 'ECS rolling deployments keep tasks running and have room to make progress',
  bestPractice: 'OPS06-BP03',
  resourceTypes: ['AWS::ECS::Service'],
  severity: 'warning',
  options: { ...ENVIRONMENT_OPTIONS },
  optionsSchema: ENVIRONMENT_OPTIONS_SCHEMA,
  optionDocs: {
    ...ENVIRONMENT_OPTION_DOCS,
    onlyProduction: `${ENVIRONMENT_OPTION_DOCS.onlyProduction} Applies to MinimumHealthyPercent 0; a deployment that cannot make progress is reported in every environment.`,
  },
  messages: {
    allDown:
      'ECS service {{name}} has MinimumHealthyPercent 0 with {{tasks}}, so a deployment may stop every running task before the new ones are healthy; set MinimumHealthyPercent to 50 or more (100 keeps full capacity).',
    noRoom:
      'ECS service {{name}} has MaximumPercent {{max}} and MinimumHealthyPercent {{min}}{{count}}, which leaves a rolling deployment no room to start a new task or stop an old one; raise MaximumPercent (the default is 200) or lower MinimumHealthyPercent.',
  },
  why:
    'A rolling ECS deployment replaces tasks within two limits: MinimumHealthyPercent (rounded up) is how many tasks must keep running, and ' +
    'MaximumPercent (rounded down) how many may run at once. With a minimum of 0, ECS may stop every task of a multi-task service before the ' +
    'new ones pass their health checks, which is an outage on every deployment. With a maximum that leaves no task above the minimum (100 and ' +
    '100, or 100 and 120 with two tasks), ECS can neither start a new task nor stop an old one and the deployment never finishes. Services ' +
    'deployed by CodeDeploy (blue/green), by an external controller or with ECS blue/green, linear or canary strategies, and daemon services, ' +
    'are not judged here.',
  fix: {
    cloudformation:
      'OrdersService:\n  Type: AWS::ECS::Service\n  Properties:\n    DesiredCount: 3\n    DeploymentConfiguration:\n' +
      '      MinimumHealthyPercent: 100\n      MaximumPercent: 200\n      DeploymentCircuitBreaker: { Enable: true, Rollback: true }',
    cdk:
      "new ecs.FargateService(this, 'Orders', {\n  cluster, taskDefinition, desiredCount: 3,\n  minHealthyPercent: 100, maxHealthyPercent: 200,\n" +
      '  circuitBreaker: { rollback: true },\n});',
  },
  check(resource, ctx) {
    const controller = ctx.get('Properties.DeploymentController.Type');
    if (!controller.known || (controller.value !== undefined && controller.value !== 'ECS')) return ctx.notApplicable();
    const scheduling = ctx.get('Properties.SchedulingStrategy');
    if (!scheduling.known || scheduling.value === 'DAEMON') return ctx.notApplicable();
    const strategy = ctx.get(`${CONFIG}.Strategy`);
    if (!strategy.known || (strategy.value !== undefined && strategy.value !== 'ROLLING')) return ctx.notApplicable();

    const min = percent(ctx.get(`${CONFIG}.MinimumHealthyPercent`), 100);
    const max = percent(ctx.get(`${CONFIG}.MaximumPercent`), 200);
    if (min === undefined || max === undefined) return;
    const desired = ctx.get('Properties.DesiredCount');
    // new services start with one task when DesiredCount is not set
    const count = desired.known ? (desired.value === undefined ? 1 : asNumber(desired.value)) : undefined;
    const name = resource.logicalId;

    // stuck: no task may be started above the current count, and none may be stopped below it
    const stuck =
      count !== undefined
        ? count > 0 && Math.floor((count * max) / 100) <= count && Math.ceil((count * min) / 100) >= count
        : max <= 100 && min >= 100;
    if (stuck) {
      ctx.report({
        messageId: 'noRoom',
        path:
          ['MaximumPercent', 'MinimumHealthyPercent']
            .map((p) => `${CONFIG}.${p}`)
            .find((p) => ctx.satisfies(p, (v) => v !== undefined)) ?? CONFIG,
        data: { name, max, min, count: count !== undefined ? ` for ${count} task${count === 1 ? '' : 's'}` : '' },
      });
      return;
    }

    if (min !== 0 || !inScope(ctx)) return;
    const scaled = maxScaledCapacity(ctx);
    let tasks: string | undefined;
    if (count !== undefined && count > 1) tasks = `DesiredCount ${count}`;
    else if (scaled !== undefined && scaled > 1) tasks = `auto scaling up to ${scaled} tasks`;
    if (tasks) ctx.report({ messageId: 'allDown', path: `${CONFIG}.MinimumHealthyPercent`, data: { name, tasks } });
  },
});

function percent(r: { known: boolean; value?: unknown }, fallback: number): number | undefined {
  if (!r.known) return undefined;
  return r.value === undefined ? fallback : asNumber(r.value);
}

/** The largest MaxCapacity of the Application Auto Scaling targets that refer to the service. */
function maxScaledCapacity<O extends RuleOptions>(ctx: ResourceContext<O>): number | undefined {
  let most: number | undefined;
  for (const { resource: target } of ctx.referrers([SCALABLE_TARGET])) {
    const r = ctx.template.valueAt(target, 'Properties.MaxCapacity');
    const n = r.known ? asNumber(r.value) : undefined;
    if (n !== undefined && (most === undefined || n > most)) most = n;
  }
  return most;
}
