/**
 * Shared by the incident-response rules: EventBridge rules and SAM event sources, which events they match
 * and what they invoke. Not a rule.
 */
import {
  type Stack,
  eventRuleDisabled,
  isEmpty,
  placeholdersOut,
  referencedResource,
  samEventDisabled,
  samEvents,
  writtenText,
  type AppFacts,
  isPlainObject,
  own,
  type Resource,
  type Template,
} from '../../lib/rule';

/** One way events reach a target: an EventBridge rule, or a SAM function / state machine event source. */
export interface EventRoute {
  readonly stack: Stack;
  readonly resource: Resource;
  /** the event pattern as written (object, JSON string, or intrinsic) */
  readonly pattern: unknown;
  /** the targets' ARNs as written; for a SAM event source, the function or state machine itself */
  readonly targets: readonly unknown[];
  /** a SAM event source: its target is the resource that declares it */
  readonly samTarget?: Resource;
}

const SAM_EVENT_TYPES = new Set(['CloudWatchEvent', 'EventBridgeRule']);

/** Every enabled EventBridge rule with targets and every SAM EventBridge event source of the assembly. */
export function eventRoutes(facts: AppFacts): EventRoute[] {
  const routes: EventRoute[] = [];
  for (const { stack, resource } of facts.deployed('AWS::Events::Rule')) {
    const t = stack.template;
    if (eventRuleDisabled(t, resource)) continue;
    const targets = t.resolver.resolve(resource.properties.Targets);
    // targets that cannot be known are taken to exist
    const list = targets.known ? (Array.isArray(targets.value) ? targets.value : []) : [undefined];
    const arns = list
      .map((target) => (isPlainObject(target) ? target.Arn : target))
      .filter((a) => !isEmpty(a) || !targets.known);
    if (arns.length === 0) continue;
    routes.push({ stack, resource, pattern: resource.properties.EventPattern, targets: arns });
  }
  for (const type of ['AWS::Serverless::Function', 'AWS::Serverless::StateMachine']) {
    for (const { stack, resource } of facts.deployed(type)) {
      for (const event of samEvents(resource, stack.template)) {
        if (
          event.type === undefined ||
          !SAM_EVENT_TYPES.has(event.type) ||
          samEventDisabled(resource, event, stack.template)
        )
          continue;
        const properties = stack.template.valueAt(resource, event.path);
        if (!properties.known || !isPlainObject(properties.value)) continue;
        routes.push({ stack, resource, pattern: properties.value.Pattern, targets: [], samTarget: resource });
      }
    }
  }
  return routes;
}

/**
 * The `source` values an event pattern matches: the listed sources; `[]` when the pattern is known but lists
 * no plain sources (a schedule, a prefix or anything-but matcher); `undefined` when it cannot be known.
 */
export function patternSources(pattern: unknown, template: Template): string[] | undefined {
  const r = template.resolver.resolve(pattern);
  if (!r.known) return undefined;
  let value = r.value;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return [];
    }
  }
  if (!isPlainObject(value)) return [];
  const source = template.resolver.deep(value.source);
  if (!source.known) return undefined;
  const sources = Array.isArray(source.value) ? source.value : [source.value];
  return sources.filter((s): s is string => typeof s === 'string');
}

/** Does a route match events from one of these sources? A pattern that cannot be known before deployment may, and counts. */
export function matchesSource(route: EventRoute, sources: readonly string[]): boolean {
  const matched = patternSources(route.pattern, route.stack.template);
  return matched === undefined || matched.some((s) => sources.includes(s));
}

/** What an automated response target is: a function, a state machine, an SSM Automation runbook or Run Command document. */
export type AutomationKind = 'lambda' | 'stepfunctions' | 'ssm-automation' | 'ssm-run-command';

const TARGET_TYPES: Readonly<Record<string, AutomationKind>> = {
  'AWS::Lambda::Function': 'lambda',
  'AWS::Lambda::Alias': 'lambda',
  'AWS::Lambda::Version': 'lambda',
  'AWS::Serverless::Function': 'lambda',
  'AWS::StepFunctions::StateMachine': 'stepfunctions',
  'AWS::Serverless::StateMachine': 'stepfunctions',
};

/** The kind of automation a rule target (its Arn) invokes, if it is one. */
export function automationKind(arn: unknown, template: Template): AutomationKind | undefined {
  const target = referencedResource(arn, template);
  if (target) return own(TARGET_TYPES, target.type);
  const r = template.resolver.deep(arn);
  const written = r.known && typeof r.value === 'string' ? r.value : writtenText(arn, '${}');
  if (written === undefined) return undefined;
  const text = placeholdersOut(written);
  if (/:automation-definition\//.test(text)) return 'ssm-automation';
  if (/^arn:[^:]*:ssm:[^:]*:[^:]*:document\//.test(text)) return 'ssm-run-command';
  if (/^arn:[^:]*:lambda:/.test(text)) return 'lambda';
  if (/^arn:[^:]*:states:/.test(text)) return 'stepfunctions';
  return undefined;
}
