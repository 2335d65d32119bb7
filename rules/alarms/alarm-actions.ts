import {
  defineRule,
  type ResourceContext,
  type RuleOptions,
  hasItems,
  isFalse,
  type Template,
  asIntrinsic,
  isPlainObject,
} from '../../lib/rule';

const ALARM = 'AWS::CloudWatch::Alarm';
const COMPOSITE = 'AWS::CloudWatch::CompositeAlarm';

/**
 * Alarms that need no actions of their own, found once per template:
 * - children of a composite alarm (named in its AlarmRule): the composite notifies for them;
 * - alarms a deployment watches to roll back (CodeDeploy deployment group, SAM DeploymentPreference, ECS
 *   deployment alarms): the rollback is their action.
 * Each by logical id (a Ref/GetAtt/Sub to the alarm) or by a literal alarm name.
 */
interface QuietAlarms {
  readonly ids: Set<string>;
  readonly names: Set<string>;
}

/** Where a resource names alarms whose state drives a deployment rollback. */
const DEPLOYMENT_WATCHERS: Readonly<Record<string, readonly string[]>> = {
  'AWS::CodeDeploy::DeploymentGroup': ['Properties', 'AlarmConfiguration', 'Alarms'],
  'AWS::Serverless::Function': ['Properties', 'DeploymentPreference', 'Alarms'],
  'AWS::ECS::Service': ['Properties', 'DeploymentConfiguration', 'Alarms', 'AlarmNames'],
};

export default defineRule({
  id: 'alarm-actions',
  title: 'CloudWatch alarms notify someone when they go into ALARM',
  bestPractice: 'OPS08-BP04',
  resourceTypes: [ALARM, COMPOSITE],
  severity: 'error',
  fixable: true,
  optionsSchema: {},
  messages: {
    noActions:
      '{{kind}} {{name}} has no AlarmActions, so nobody is told when it goes into ALARM; add an SNS topic (or another action) to AlarmActions.',
    actionsDisabled:
      '{{kind}} {{name}} sets ActionsEnabled to false, so its actions never run; remove ActionsEnabled or set it to true.',
  },
  why:
    'An alarm that changes state without telling anyone is only a line on a dashboard: the problem it detects ' +
    'is found later, by customers. Each alarm should start a response, usually a notification to the owning ' +
    "team's SNS topic, and its actions must not be switched off. OKActions and InsufficientDataActions do not " +
    'count, as they say nothing when the alarm fires. An alarm that only feeds a composite alarm in the same ' +
    'template may stay silent, because the composite notifies for it (the way to cut alert noise); so may an ' +
    'alarm that a deployment watches to roll back automatically.',
  fix: {
    cloudformation:
      'OrdersErrorsAlarm:\n  Type: AWS::CloudWatch::Alarm\n  Properties:\n    # …metric, threshold…\n    AlarmActions:\n      - !Ref OnCallTopic\n' +
      '# or let a composite alarm notify for its children:\nServiceHealth:\n  Type: AWS::CloudWatch::CompositeAlarm\n  Properties:\n' +
      '    AlarmRule: !Sub \'ALARM("${OrdersErrorsAlarm}") OR ALARM("${OrdersLatencyAlarm}")\'\n    AlarmActions:\n      - !Ref OnCallTopic',
    cdk:
      'import * as cw_actions from "aws-cdk-lib/aws-cloudwatch-actions";\n\n' +
      'alarm.addAlarmAction(new cw_actions.SnsAction(onCallTopic));\n' +
      '// or: new cloudwatch.CompositeAlarm(this, "Health", { alarmRule: cloudwatch.AlarmRule.anyOf(errors, latency) })\n' +
      '//       .addAlarmAction(new cw_actions.SnsAction(onCallTopic));',
  },
  check(resource, ctx) {
    const quiet = ctx.memo('quiet-alarms', () => quietAlarms(ctx));
    if (quiet.ids.has(resource.logicalId)) return;
    for (const name of nameTexts(ctx.template, resource.properties.AlarmName)) if (quiet.names.has(name)) return;

    const data = { name: resource.logicalId, kind: resource.type === COMPOSITE ? 'Composite alarm' : 'Alarm' };
    if (hasItems(ctx.template.resolver, resource.definition, 'Properties.AlarmActions') === false) {
      ctx.report({ messageId: 'noActions', path: 'Properties.AlarmActions', data });
    }
    if (ctx.satisfies('Properties.ActionsEnabled', (v) => !isFalse(v)) === false) {
      ctx.report({
        messageId: 'actionsDisabled',
        path: 'Properties.ActionsEnabled',
        data,
        fix: { path: 'Properties.ActionsEnabled', value: true },
      });
    }
  },
});

function quietAlarms(ctx: ResourceContext<RuleOptions>): QuietAlarms {
  const { template, graph } = ctx;
  const ids = new Set<string>();
  const names = new Set<string>();
  const alarmIds = new Set(
    [...template.resourcesOfType(ALARM), ...template.resourcesOfType(COMPOSITE)].map((r) => r.logicalId),
  );

  for (const composite of template.resourcesOfType(COMPOSITE)) {
    if (template.isExcluded(composite)) continue;
    for (const ref of graph.outgoing(composite.logicalId)) {
      if (
        ref.path[0] === 'Properties' &&
        ref.path[1] === 'AlarmRule' &&
        alarmIds.has(ref.to) &&
        ref.to !== composite.logicalId
      )
        ids.add(ref.to);
    }
    for (const text of stringLeaves(composite.properties.AlarmRule, template)) {
      for (const name of alarmNamesInRule(text)) names.add(name);
    }
  }

  for (const [type, prefix] of Object.entries(DEPLOYMENT_WATCHERS)) {
    for (const watcher of template.resourcesOfType(type)) {
      if (template.isExcluded(watcher)) continue;
      for (const ref of graph.outgoing(watcher.logicalId)) {
        if (alarmIds.has(ref.to) && prefix.every((seg, i) => ref.path[i] === seg)) ids.add(ref.to);
      }
      let section: unknown = watcher.definition;
      for (const seg of prefix) section = isPlainObject(section) ? section[seg] : undefined;
      for (const text of stringLeaves(section, template)) names.add(text);
    }
  }
  return { ids, names };
}

/**
 * The literal texts inside a value, resolved where possible: the whole string when it resolves, otherwise
 * every string written in it (the template of an `Fn::Sub`, the parts of an `Fn::Join`).
 */
function stringLeaves(value: unknown, template: Template): string[] {
  const out: string[] = [];
  const visit = (v: unknown): void => {
    const r = template.resolver.deep(v);
    if (r.known && typeof r.value === 'string') {
      out.push(r.value);
      return;
    }
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (isPlainObject(v)) {
      const fn = asIntrinsic(v);
      if (fn?.name === 'Fn::Join' && Array.isArray(fn.arg) && Array.isArray(fn.arg[1])) {
        // a joined rule is one expression: keep the literal parts together where they touch
        const parts = fn.arg[1] as unknown[];
        out.push(
          parts.map((p) => (typeof p === 'string' ? p : HOLE)).join(typeof fn.arg[0] === 'string' ? fn.arg[0] : ''),
        );
      } else if (fn?.name === 'Fn::Sub') {
        const tpl = Array.isArray(fn.arg) ? fn.arg[0] : fn.arg;
        if (typeof tpl === 'string') out.push(tpl);
      } else if (fn?.name === 'Fn::If' && Array.isArray(fn.arg)) fn.arg.slice(1).forEach(visit);
      else if (!fn) Object.values(v).forEach(visit);
    }
  };
  visit(value);
  return out;
}

// the name ends at its last character that is not a space: matched lazily and followed by `\s*`, it took
// minutes over a long run of spaces
const STATE_FUNCTION = /\b(?:ALARM|OK|INSUFFICIENT_DATA)\s*\(\s*(?:"([^"]*)"|([^()"]*[^()"\s]))\s*\)/g;
const QUOTED = /"([^"]+)"/g;
/** stands for a computed part of a joined rule (a GetAtt), so that it is never read as a name */
const HOLE = '\uFFFC';

/** Alarm names (or the name part of ARNs) in a composite alarm rule: `ALARM("a")`, `OK(b)`, and any quoted name. */
function alarmNamesInRule(rule: string): string[] {
  const out = new Set<string>();
  for (const m of rule.matchAll(STATE_FUNCTION)) {
    const arg = (m[1] ?? m[2] ?? '').trim();
    if (arg && !arg.includes(HOLE)) out.add(arg);
  }
  for (const m of rule.matchAll(QUOTED)) if (!m[1].includes(HOLE)) out.add(m[1].trim());
  for (const name of [...out]) {
    const i = name.lastIndexOf(':alarm:');
    if (i >= 0) out.add(name.slice(i + ':alarm:'.length));
  }
  return [...out];
}

/** The texts an alarm's name can be compared with: its resolved value, or the `Fn::Sub` template it is written as. */
function nameTexts(template: Template, value: unknown): string[] {
  if (value === undefined) return [];
  const r = template.resolver.deep(value);
  if (r.known) return typeof r.value === 'string' || typeof r.value === 'number' ? [String(r.value)] : [];
  if (r.alternatives) return r.alternatives.filter((a): a is string => typeof a === 'string');
  const fn = asIntrinsic(value);
  if (fn?.name === 'Fn::Sub') {
    const tpl = Array.isArray(fn.arg) ? fn.arg[0] : fn.arg;
    return typeof tpl === 'string' ? [tpl] : [];
  }
  if (fn?.name === 'Ref' && typeof fn.arg === 'string') return [`\${${fn.arg}}`];
  return [];
}
