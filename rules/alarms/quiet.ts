/**
 * Shared by the alarm rules: the alarms of a template that need no actions of their own, found once per template
 * and rule. Not a rule.
 * - children of a composite alarm (named in its AlarmRule): the composite notifies for them;
 * - alarms a deployment watches to roll back (CodeDeploy deployment group, SAM DeploymentPreference, ECS
 *   deployment alarms): the rollback is their action while a deployment runs, and nobody is told otherwise.
 * Each by logical id (a Ref/GetAtt/Sub to the alarm) or by a literal alarm name.
 */
import {
  asIntrinsic,
  isPlainObject,
  type Resource,
  type ResourceContext,
  type RuleOptions,
  type Template,
} from '../../lib/rule';

export const ALARM = 'AWS::CloudWatch::Alarm';
export const COMPOSITE = 'AWS::CloudWatch::CompositeAlarm';

/** Alarms by logical id and by literal alarm name. */
interface AlarmSet {
  readonly ids: Set<string>;
  readonly names: Set<string>;
}

export interface QuietAlarms {
  /** alarms a composite alarm of the template notifies for */
  readonly composed: AlarmSet;
  /** alarms a deployment of the template watches to roll back */
  readonly gates: AlarmSet;
}

/** Where a resource names alarms whose state drives a deployment rollback. */
const DEPLOYMENT_WATCHERS: Readonly<Record<string, readonly string[]>> = {
  'AWS::CodeDeploy::DeploymentGroup': ['Properties', 'AlarmConfiguration', 'Alarms'],
  'AWS::Serverless::Function': ['Properties', 'DeploymentPreference', 'Alarms'],
  'AWS::ECS::Service': ['Properties', 'DeploymentConfiguration', 'Alarms', 'AlarmNames'],
};

/** The template's quiet alarms, computed once per template and rule. */
export function quietAlarms(ctx: ResourceContext<RuleOptions>): QuietAlarms {
  return ctx.memo('quiet-alarms', () => findQuietAlarms(ctx));
}

/** Whether `alarm` is in `set`: by its logical id, or by its name. */
export function isIn(set: AlarmSet, alarm: Resource, template: Template): boolean {
  if (set.ids.has(alarm.logicalId)) return true;
  return nameTexts(template, alarm.properties.AlarmName).some((name) => set.names.has(name));
}

function findQuietAlarms(ctx: ResourceContext<RuleOptions>): QuietAlarms {
  const { template, graph } = ctx;
  const composed: AlarmSet = { ids: new Set(), names: new Set() };
  const gates: AlarmSet = { ids: new Set(), names: new Set() };
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
        composed.ids.add(ref.to);
    }
    for (const text of stringLeaves(composite.properties.AlarmRule, template)) {
      for (const name of alarmNamesInRule(text)) composed.names.add(name);
    }
  }

  for (const [type, prefix] of Object.entries(DEPLOYMENT_WATCHERS)) {
    for (const watcher of template.resourcesOfType(type)) {
      if (template.isExcluded(watcher)) continue;
      for (const ref of graph.outgoing(watcher.logicalId)) {
        if (alarmIds.has(ref.to) && prefix.every((seg, i) => ref.path[i] === seg)) gates.ids.add(ref.to);
      }
      let section: unknown = watcher.definition;
      for (const seg of prefix) section = isPlainObject(section) ? section[seg] : undefined;
      for (const text of stringLeaves(section, template)) gates.names.add(text);
    }
  }
  return { composed, gates };
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
