/** Shared by the incident-response rules: where an assembly-level finding goes, and the alarms that reach people. Not a rule. */
import {
  severalStacks,
  stackLabel,
  topLevelStacks,
  type Assembly,
  type AssemblyContext,
  type RuleOptions,
  ALARM,
  alarmActionKinds,
  COMPOSITE_ALARM,
  type AppFacts,
} from '../../lib/rule';

/**
 * Reports an assembly-level finding: on the lone template's Resources, on the one stack of a cloud assembly
 * (its manifest entry), or on the manifest's artifacts when the app has several stacks. `{{scope}}` is filled in.
 */
export function reportOnApp<O extends RuleOptions, M extends string>(
  assembly: Assembly,
  ctx: AssemblyContext<O, M>,
  // one of the rule's message ids (inferred from `ctx`, not from this argument)
  messageId: NoInfer<M>,
  data: Readonly<Record<string, string | number>> = {},
): void {
  const stacks = topLevelStacks(assembly);
  if (stacks.length === 0) return;
  if (stacks.length === 1) {
    const stack = stacks[0];
    if (stack.declaredIn) ctx.report({ stack, messageId, data: { ...data, scope: `stack ${stackLabel(stack)}` } });
    else ctx.report({ stack, messageId, path: 'Resources', data: { ...data, scope: 'this template' } });
    return;
  }
  ctx.report({
    messageId,
    path: 'artifacts',
    data: { ...data, scope: `the ${severalStacks(assembly, stacks.length)}` },
  });
}

/** Alarms of the assembly that notify people or open incidents (an alarm whose actions cannot be known may). */
export function notifyingAlarms(facts: AppFacts): number {
  let count = 0;
  for (const type of [ALARM, COMPOSITE_ALARM]) {
    for (const { stack, resource } of facts.deployed(type)) {
      const kinds = alarmActionKinds(resource, stack.template);
      if (kinds === undefined || kinds.has('notify') || kinds.has('incident')) count++;
    }
  }
  return count;
}
