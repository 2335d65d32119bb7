import { defineRule, scalarOptions } from '../../lib/rule';

const SETTING = 'containerInsights';

type Outcome =
  { kind: 'good' } | { kind: 'bad'; index: number; value: string } | { kind: 'missing' } | { kind: 'unknown' };

export default defineRule({
  id: 'ecs-container-insights',
  title: 'ECS clusters collect CloudWatch Container Insights metrics',
  bestPractice: 'OPS04-BP02',
  resourceTypes: ['AWS::ECS::Cluster'],
  severity: 'warning',
  fixable: true,
  options: {
    values: ['enhanced', 'enabled'] as string[],
  },
  optionsSchema: { values: { type: 'array', items: { type: 'string' } } },
  optionDocs: {
    values:
      'The containerInsights values that pass (compared ignoring case). Default: enhanced and enabled; set ["enhanced"] to require Container Insights with enhanced observability.',
  },
  messages: {
    missing:
      'ECS cluster {{name}} does not set Container Insights, so its task and service metrics depend on the account default; add a ClusterSettings entry with Name containerInsights and Value {{wanted}}.',
    notEnabled: 'ECS cluster {{name}} sets containerInsights to {{value}}; set it to {{wanted}}.',
  },
  why:
    'Without Container Insights an ECS cluster reports only CPU and memory reservation and utilization. ' +
    'Container Insights adds per-service and per-task metrics (running task counts, restarts, network and ' +
    'storage use) and, in enhanced mode, per-container metrics, which is what an on-call engineer needs to ' +
    'see which service or task is unhealthy. A cluster that does not set it inherits the account setting, ' +
    'which is off unless someone turned it on.',
  fix: {
    cloudformation:
      'Type: AWS::ECS::Cluster\nProperties:\n  ClusterSettings:\n    - Name: containerInsights\n      Value: enhanced   # or enabled',
    cdk: 'new ecs.Cluster(this, "Cluster", { vpc, containerInsightsV2: ecs.ContainerInsights.ENHANCED });',
  },
  check(resource, ctx) {
    const wanted = ctx.options.values.map((v) => String(v).toLowerCase());
    const r = ctx.get('Properties.ClusterSettings');
    const candidates = r.known ? [r.value] : r.alternatives;
    if (!candidates) return;
    const outcomes = candidates.map((settings): Outcome => {
      if (settings === undefined) return { kind: 'missing' };
      if (!Array.isArray(settings)) return { kind: 'unknown' };
      let unknownItem = false;
      let good = false;
      let partial = false;
      for (let i = 0; i < settings.length; i++) {
        // each field on its own: a condition inside an entry gives the values of that field
        const names = scalarOptions(ctx.template.resolver, ctx.template.resolver.get(settings[i], 'Name'));
        if (!names) {
          unknownItem = true;
          continue;
        }
        if (!names.includes(SETTING)) continue;
        const values = scalarOptions(ctx.template.resolver, ctx.template.resolver.get(settings[i], 'Value'));
        if (!values) return { kind: 'unknown' };
        const failing = values.find((v) => !wanted.includes(String(v ?? '').toLowerCase()));
        if (failing !== undefined)
          return { kind: 'bad', index: i, value: failing === '' ? 'nothing' : String(failing) };
        // an entry that only some branches of a condition hold leaves it unset in the others
        if (names.some((n) => n !== SETTING)) partial = true;
        else good = true;
      }
      if (good && !partial) return { kind: 'good' };
      return unknownItem ? { kind: 'unknown' } : { kind: 'missing' };
    });
    const want = wanted.join(' or ');
    // the fix writes the first accepted value
    const value = ctx.options.values.length > 0 ? String(ctx.options.values[0]) : undefined;
    const bad = outcomes.find((o): o is Extract<Outcome, { kind: 'bad' }> => o.kind === 'bad');
    if (bad) {
      const path = r.known ? `Properties.ClusterSettings[${bad.index}].Value` : 'Properties.ClusterSettings';
      ctx.report({
        messageId: 'notEnabled',
        path,
        data: { name: resource.logicalId, value: bad.value, wanted: want },
        ...(value !== undefined && r.known ? { fix: { path, value } } : {}),
      });
    } else if (outcomes.some((o) => o.kind === 'missing')) {
      const fix =
        value === undefined
          ? undefined
          : { path: 'Properties.ClusterSettings', key: 'Name', item: { Name: SETTING, Value: value } };
      ctx.report({
        messageId: 'missing',
        path: 'Properties.ClusterSettings',
        data: { name: resource.logicalId, wanted: want },
        fix,
      });
    }
  },
});
