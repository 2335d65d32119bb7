/**
 * Shared by the failure-capture rules: reading dead-letter settings, SAM event sources, queue types and the
 * resources that refer to a resource. Not a rule.
 */
import type { Verdict } from '../../lib/engine/rule';
import { isEmpty } from '../../lib/engine/values';
import type { Reference } from '../../lib/template/graph';
import { asIntrinsic, isPlainObject } from '../../lib/template/intrinsics';
import type { Resource, Template } from '../../lib/template/model';
import type { JsonPath } from '../../lib/template/path';

/** Set to something: not absent, `null`, `''` or empty. A value written as an intrinsic function counts as set. */
export function isSet(value: unknown): boolean {
  return !isEmpty(value);
}

/** What `ctx.satisfies` answers, for a path of any resource of the template (not only the one being checked). */
export function verdictAt(template: Template, resource: Resource, path: string | JsonPath, predicate: (value: unknown) => boolean): Verdict {
  const r = template.valueAt(resource, path);
  if (r.known) return predicate(r.value);
  if (r.alternatives) return r.alternatives.every((v) => predicate(v));
  return undefined;
}

/**
 * Does a redrive policy (SQS queue or SNS subscription) name a dead-letter target? It may be written as a
 * mapping or as a JSON string; a string that is not JSON, or a target written as an intrinsic function, is
 * taken as set (its value is not known here).
 */
export function hasDeadLetterTarget(policy: unknown, template: Template): boolean {
  let p = policy;
  if (typeof p === 'string') {
    if (p.trim() === '') return false;
    try {
      p = JSON.parse(p);
    } catch {
      return true;
    }
  }
  if (!isPlainObject(p)) return isSet(p);
  if (!Object.prototype.hasOwnProperty.call(p, 'deadLetterTargetArn')) return false;
  const target = template.resolver.resolve(p.deadLetterTargetArn);
  return !target.known || isSet(target.value);
}

/** Resources that refer to `logicalId` (leaving out those whose Condition is known to be false), with their references. */
export function referrersOf(template: Template, logicalId: string): { resource: Resource; references: Reference[] }[] {
  const byResource = new Map<string, { resource: Resource; references: Reference[] }>();
  for (const ref of template.graph.incoming(logicalId)) {
    if (ref.kind === 'DependsOn') continue;
    const from = template.resources.get(ref.from);
    if (!from || template.isExcluded(from)) continue;
    const entry = byResource.get(ref.from);
    if (entry) entry.references.push(ref);
    else byResource.set(ref.from, { resource: from, references: [ref] });
  }
  return [...byResource.values()];
}

/** Resources of the given types that `resource` refers to from under `prefix` (e.g. the queue a RedrivePolicy names). */
export function referredUnder(template: Template, resource: Resource, prefix: JsonPath, types: readonly string[]): Resource[] {
  const out: Resource[] = [];
  for (const ref of template.graph.outgoing(resource.logicalId)) {
    if (ref.kind === 'DependsOn' || !startsWith(ref.path, prefix)) continue;
    const to = template.resources.get(ref.to);
    if (to && types.includes(to.type) && !template.isExcluded(to) && !out.includes(to)) out.push(to);
  }
  return out;
}

export function startsWith(path: JsonPath, prefix: JsonPath): boolean {
  return path.length >= prefix.length && prefix.every((seg, i) => path[i] === seg);
}

/** `fifo` or `standard` for a queue of the template, undefined when `FifoQueue` cannot be known. */
export function queueKind(queue: Resource, template: Template): 'fifo' | 'standard' | undefined {
  const r = template.valueAt(queue, 'Properties.FifoQueue');
  if (!r.known) return undefined;
  if (r.value === true || r.value === 'true') return 'fifo';
  if (r.value === undefined || r.value === false || r.value === 'false') return 'standard';
  return undefined;
}

/** One event source declared on a SAM function or state machine (`Events.<name>`). */
export interface SamEvent {
  readonly name: string;
  /** the event's `Type`, or undefined when it cannot be known */
  readonly type?: string;
  /** path of the event's `Properties`, relative to the resource */
  readonly path: JsonPath;
}

/** The event sources of a SAM resource, with their types resolved. */
export function samEvents(resource: Resource, template: Template): SamEvent[] {
  const events = template.valueAt(resource, 'Properties.Events');
  if (!events.known || !isPlainObject(events.value)) return [];
  return Object.keys(events.value).map((name) => {
    const type = template.valueAt(resource, ['Properties', 'Events', name, 'Type']);
    return { name, type: type.known && typeof type.value === 'string' ? type.value : undefined, path: ['Properties', 'Events', name, 'Properties'] };
  });
}

/** A SAM event that is switched off (`Enabled: false` or `State: DISABLED`) invokes nothing. */
export function samEventDisabled(resource: Resource, event: SamEvent, template: Template): boolean {
  const enabled = template.valueAt(resource, [...event.path, 'Enabled']);
  const state = template.valueAt(resource, [...event.path, 'State']);
  return (enabled.known && (enabled.value === false || enabled.value === 'false')) || (state.known && state.value === 'DISABLED');
}

/**
 * The text of an ARN-like value for pattern matching: its resolved string, or for an `Fn::Sub` its template and
 * for an `Fn::Join` its literal parts joined (unknown parts as `*`); undefined when nothing can be read.
 */
export function arnText(value: unknown, template: Template): string | undefined {
  const r = template.resolver.deep(value);
  if (r.known) return typeof r.value === 'string' ? r.value : undefined;
  const fn = asIntrinsic(value);
  if (fn?.name === 'Fn::Sub') {
    const t = Array.isArray(fn.arg) ? fn.arg[0] : fn.arg;
    return typeof t === 'string' ? t : undefined;
  }
  if (fn?.name === 'Fn::Join' && Array.isArray(fn.arg) && typeof fn.arg[0] === 'string' && Array.isArray(fn.arg[1])) {
    return (fn.arg[1] as unknown[]).map((p) => (typeof p === 'string' ? p : '*')).join(fn.arg[0]);
  }
  return undefined;
}

/** "A, B and 2 more" */
export function listNames(names: readonly string[], max = 3): string {
  const unique = [...new Set(names)];
  if (unique.length <= max) return unique.length <= 1 ? (unique[0] ?? '') : `${unique.slice(0, -1).join(', ')} and ${unique[unique.length - 1]}`;
  return `${unique.slice(0, max).join(', ')} and ${unique.length - max} more`;
}

/** A path segment under which a reference to a queue or topic makes it a dead-letter target. */
const DEAD_LETTER_SEGMENTS = new Set(['RedrivePolicy', 'deadLetterTargetArn', 'DeadLetterConfig', 'DeadLetterQueue']);

/** Is `ref` a reference from a dead-letter setting (a redrive policy, a DLQ, an on-failure destination)? */
export function isDeadLetterReference(ref: Reference): boolean {
  return ref.kind !== 'DependsOn' && ref.path.some((seg, i) => typeof seg === 'string' && (DEAD_LETTER_SEGMENTS.has(seg) || (seg === 'OnFailure' && ref.path[i + 1] === 'Destination')));
}
