/** Shared by the failure-capture rules: reading dead-letter settings and queue types. Not a rule. */
import { isSet, isPlainObject, type Resource, type Template } from '../../lib/rule';

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

/** `fifo` or `standard` for a queue of the template, undefined when `FifoQueue` cannot be known. */
export function queueKind(queue: Resource, template: Template): 'fifo' | 'standard' | undefined {
  const r = template.valueAt(queue, 'Properties.FifoQueue');
  if (!r.known) return undefined;
  if (r.value === true || r.value === 'true') return 'fifo';
  if (r.value === undefined || r.value === false || r.value === 'false') return 'standard';
  return undefined;
}
