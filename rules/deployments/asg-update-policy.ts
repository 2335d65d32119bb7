import { defineRule, asNumber, isTrue } from '../../lib/rule';
import { safeSomewhere } from '../recovery/environment';

const ROLLING = 'UpdatePolicy.AutoScalingRollingUpdate';
const REPLACING = 'UpdatePolicy.AutoScalingReplacingUpdate';

export default defineRule({
  id: 'asg-update-policy',
  title: 'Auto Scaling groups roll out launch changes with an update policy',
  bestPractice: 'OPS06-BP03',
  resourceTypes: ['AWS::AutoScaling::AutoScalingGroup'],
  severity: 'warning',
  optionsSchema: {},
  messages: {
    noPolicy:
      'Auto Scaling group {{name}} has no rolling or replacing update policy, so a change to its launch template or configuration reaches only instances launched later; add UpdatePolicy.AutoScalingRollingUpdate (or AutoScalingReplacingUpdate with WillReplace: true).',
    replaceDisabled:
      'Auto Scaling group {{name}} has an AutoScalingReplacingUpdate policy without WillReplace: true and no rolling update, so a launch change reaches only instances launched later; set WillReplace to true or add AutoScalingRollingUpdate.',
    rollingAllAtOnce:
      'Auto Scaling group {{name}} rolls out in batches of {{batch}} instances with MinInstancesInService 0 and MaxSize {{max}}, so an update can replace every instance at once; lower MaxBatchSize or raise MinInstancesInService.',
  },
  why:
    "Without an UpdatePolicy, CloudFormation only changes the group's launch template or configuration: running instances keep the old image, " +
    'user data and instance type, and the new settings appear piecemeal as instances are replaced, so a bad change shows up days later and ' +
    'cannot be rolled back with the stack. AutoScalingRollingUpdate replaces instances in batches while keeping capacity in service (and, with ' +
    'WaitOnResourceSignals, waits for each batch to report healthy); AutoScalingReplacingUpdate builds a new group and keeps the old one until ' +
    'the new one succeeds. Either makes the rollout part of the stack update, which rolls back if it fails.',
  fix: {
    cloudformation:
      'WebFleet:\n  Type: AWS::AutoScaling::AutoScalingGroup\n  UpdatePolicy:\n    AutoScalingRollingUpdate:\n      MaxBatchSize: 1\n' +
      '      MinInstancesInService: 1\n      PauseTime: PT10M\n      WaitOnResourceSignals: true\n  Properties:\n    # …',
    cdk:
      "new autoscaling.AutoScalingGroup(this, 'WebFleet', {\n  vpc, instanceType, machineImage,\n" +
      '  updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({ maxBatchSize: 1, minInstancesInService: 1 }),\n});',
  },
  check(resource, ctx) {
    const name = resource.logicalId;
    // a replacing update that is on wins over everything else
    const replaces = safeSomewhere(ctx, `${REPLACING}.WillReplace`, isTrue);
    if (replaces === true) return;
    const rolling = ctx.get(ROLLING);
    if (!rolling.known) return;
    if (rolling.value === undefined) {
      if (replaces === undefined) return;
      const replacing = ctx.get(REPLACING);
      if (!replacing.known) return;
      if (replacing.value === undefined) ctx.report({ messageId: 'noPolicy', path: 'UpdatePolicy', data: { name } });
      else ctx.report({ messageId: 'replaceDisabled', path: `${REPLACING}.WillReplace`, data: { name } });
      return;
    }
    // a rolling update: batches default to 1 instance, MinInstancesInService to 0
    const batch = numberAt(ctx.get(`${ROLLING}.MaxBatchSize`), 1);
    const minInService = numberAt(ctx.get(`${ROLLING}.MinInstancesInService`), 0);
    const max = numberAt(ctx.get('Properties.MaxSize'), undefined);
    if (batch === undefined || minInService === undefined || max === undefined) return;
    if (minInService === 0 && max > 1 && batch >= max) {
      ctx.report({ messageId: 'rollingAllAtOnce', path: `${ROLLING}.MaxBatchSize`, data: { name, batch, max } });
    }
  },
});

/** A known number, the default when the setting is absent, undefined when it cannot be known. */
function numberAt(r: { known: boolean; value?: unknown }, fallback: number | undefined): number | undefined {
  if (!r.known) return undefined;
  return r.value === undefined ? fallback : asNumber(r.value);
}
