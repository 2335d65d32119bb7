/**
 * Shared by the incident-response and runbooks rules: what an alarm action or an EventBridge target does
 * (notify people, act automatically, open an incident), read from ARNs and from the types of the resources
 * they refer to; and where an assembly-level finding goes. Not a rule.
 */
import { severalStacks, type Assembly, type Stack } from '../../lib/assembly/model';
import type { AssemblyContext, RuleOptions } from '../../lib/engine/rule';
import { isEmpty } from '../../lib/engine/values';
import { asIntrinsic, getAttParts, subVariables } from '../../lib/template/intrinsics';
import type { Resource, Template } from '../../lib/template/model';

export const ALARM = 'AWS::CloudWatch::Alarm';
export const COMPOSITE = 'AWS::CloudWatch::CompositeAlarm';

/**
 * - `notify`: tells people (an SNS topic, an OpsCenter OpsItem, or an action that cannot be known here,
 *   usually a topic ARN passed as a parameter)
 * - `incident`: opens an Incident Manager incident through a response plan (which carries its own runbooks)
 * - `lambda`, `ec2`: acts automatically (invokes a function; recovers, reboots, stops or terminates the instance)
 * - `scaling`: an Auto Scaling or Application Auto Scaling policy (capacity, not an incident response)
 * - `none`: `AWS::NoValue`
 */
export type ActionKind = 'notify' | 'incident' | 'lambda' | 'ec2' | 'scaling' | 'none';

const LAMBDA_TYPES = new Set(['AWS::Lambda::Function', 'AWS::Lambda::Alias', 'AWS::Lambda::Version', 'AWS::Serverless::Function']);
const SCALING_TYPES = new Set(['AWS::AutoScaling::ScalingPolicy', 'AWS::ApplicationAutoScaling::ScalingPolicy']);

/** What an ARN (or the text an `Fn::Sub` builds one from, `${AWS::Partition}` and all) points at. */
export function arnKind(written: string): ActionKind {
  const arn = placeholdersOut(written);
  if (/^arn:[^:]*:ssm-incidents:/.test(arn)) return 'incident';
  if (/^arn:[^:]*:automate:/.test(arn)) return 'ec2';
  if (/^arn:[^:]*:lambda:/.test(arn)) return 'lambda';
  if (/^arn:[^:]*:(autoscaling|application-autoscaling):/.test(arn)) return 'scaling';
  return 'notify';
}

/** Every kind one entry of `AlarmActions` can be (several under an `Fn::If`). */
export function actionKinds(item: unknown, template: Template): ActionKind[] {
  const r = template.resolver.resolve(item);
  if (r.known) {
    if (isEmpty(r.value)) return ['none'];
    if (typeof r.value === 'string') return [arnKind(r.value)];
    return ['notify'];
  }
  if (r.alternatives) return r.alternatives.flatMap((a) => actionKinds(a, template));
  const target = referencedResource(item, template);
  if (target) {
    if (target.type === 'AWS::SSMIncidents::ResponsePlan') return ['incident'];
    if (LAMBDA_TYPES.has(target.type)) return ['lambda'];
    if (SCALING_TYPES.has(target.type)) return ['scaling'];
    return ['notify'];
  }
  const text = writtenText(item);
  return [text === undefined ? 'notify' : arnKind(text)];
}

/** The kinds of every action of an alarm, over all branches of its `AlarmActions`; undefined when the list itself is unknown. */
export function alarmActionKinds(alarm: Resource, template: Template): Set<ActionKind> | undefined {
  const r = template.resolver.resolve(alarm.properties.AlarmActions);
  const lists = r.known ? [r.value] : r.alternatives;
  if (!lists) return undefined;
  const kinds = new Set<ActionKind>();
  for (const list of lists) {
    if (Array.isArray(list)) for (const item of list) for (const k of actionKinds(item, template)) kinds.add(k);
    else if (list !== undefined) for (const k of actionKinds(list, template)) kinds.add(k);
  }
  return kinds;
}

/** The resource a `Ref`, `Fn::GetAtt` or single-variable `Fn::Sub` names, if it is one of the template. */
export function referencedResource(value: unknown, template: Template): Resource | undefined {
  const fn = asIntrinsic(value);
  if (!fn) return undefined;
  let id: string | undefined;
  if (fn.name === 'Ref' && typeof fn.arg === 'string') id = fn.arg;
  else if (fn.name === 'Fn::GetAtt') id = getAttParts(fn.arg)?.[0];
  else if (fn.name === 'Fn::Sub' && typeof fn.arg === 'string') {
    const vars = subVariables(fn.arg);
    if (vars.length === 1 && fn.arg.trim() === `\${${vars[0].raw}}`) id = vars[0].name;
  }
  return id === undefined ? undefined : template.resources.get(id);
}

/** The text of a value as written: a string, or the template of an `Fn::Sub` (an ARN built with `${AWS::Region}`…). */
export function writtenText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const fn = asIntrinsic(value);
  if (fn?.name === 'Fn::Sub') {
    const tpl = Array.isArray(fn.arg) ? fn.arg[0] : fn.arg;
    return typeof tpl === 'string' ? tpl : undefined;
  }
  if (fn?.name === 'Fn::Join' && Array.isArray(fn.arg) && Array.isArray(fn.arg[1])) {
    const sep = typeof fn.arg[0] === 'string' ? fn.arg[0] : '';
    return (fn.arg[1] as unknown[]).map((p) => writtenText(p) ?? '${}').join(sep);
  }
  return undefined;
}

/** An `Fn::Sub` text with its `${…}` variables replaced by a neutral word, so that their colons do not split ARN fields. */
export function placeholdersOut(text: string): string {
  return text.replace(/\$\{[^}]*\}/g, 'x');
}

/**
 * Resources of a type in every stack, leaving out those whose Condition is known to be false and those the
 * CDK creates for itself.
 */
export function deployed(assembly: Assembly, type: string): { stack: Stack; resource: Resource }[] {
  const out: { stack: Stack; resource: Resource }[] = [];
  for (const stack of assembly.stacks) {
    for (const resource of stack.template.resourcesOfType(type)) {
      if (!stack.template.isExcluded(resource) && !stack.frameworkResources?.has(resource.logicalId)) out.push({ stack, resource });
    }
  }
  return out;
}

/**
 * Reports an assembly-level finding: on the lone template's Resources, on the one stack of a cloud assembly
 * (its manifest entry), or on the manifest's artifacts when the app has several stacks. `{{scope}}` is filled in.
 */
export function reportOnApp<O extends RuleOptions>(
  assembly: Assembly,
  ctx: AssemblyContext<O>,
  messageId: string,
  data: Readonly<Record<string, string | number>> = {},
): void {
  const stacks = assembly.stacks.filter((s) => s.parent === undefined);
  if (stacks.length === 0) return;
  if (stacks.length === 1) {
    const stack = stacks[0];
    if (stack.declaredIn) ctx.report({ stack, messageId, data: { ...data, scope: `stack ${stack.stackName ?? stack.id}` } });
    else ctx.report({ stack, messageId, path: 'Resources', data: { ...data, scope: 'this template' } });
    return;
  }
  ctx.report({ messageId, path: 'artifacts', data: { ...data, scope: `the ${severalStacks(assembly, stacks.length)}` } });
}

/** Alarms of the assembly that notify people or open incidents (an alarm whose actions cannot be known may). */
export function notifyingAlarms(assembly: Assembly): number {
  let count = 0;
  for (const type of [ALARM, COMPOSITE]) {
    for (const { stack, resource } of deployed(assembly, type)) {
      const kinds = alarmActionKinds(resource, stack.template);
      if (kinds === undefined || kinds.has('notify') || kinds.has('incident')) count++;
    }
  }
  return count;
}
