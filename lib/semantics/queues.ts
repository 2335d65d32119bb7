/** Queues and topics that catch what failed: which references make one a dead-letter target, and which queues are. */
import type { Reference } from '../template/graph';
import { isPlainObject } from '../template/intrinsics';
import type { Resource, Template } from '../template/model';
import { referrers } from './references';
import { isSet } from './values';

/** A path segment under which a reference to a queue or topic makes it a dead-letter target. */
const DEAD_LETTER_SEGMENTS = new Set(['RedrivePolicy', 'deadLetterTargetArn', 'DeadLetterConfig', 'DeadLetterQueue']);

/** Names that say a queue is a dead-letter queue for a source defined elsewhere (another stack, another app). */
const DLQ_NAME = /dead[-_ ]?letter|dlq/i;

/** Is `ref` a reference from a dead-letter setting (a redrive policy, a DLQ, an on-failure destination)? */
export function isDeadLetterReference(ref: Reference): boolean {
  return (
    ref.kind !== 'DependsOn' &&
    ref.path.some(
      (seg, i) =>
        typeof seg === 'string' &&
        (DEAD_LETTER_SEGMENTS.has(seg) || (seg === 'OnFailure' && ref.path[i + 1] === 'Destination')),
    )
  );
}

/**
 * A queue is a dead-letter queue when another resource names it in a dead-letter setting, when it allows
 * redrive from source queues (`RedriveAllowPolicy`), or when its logical id or name says so.
 */
export function isDeadLetterQueue(queue: Resource, template: Template): boolean {
  if (referrers(template, queue.logicalId).some(({ references }) => references.some(isDeadLetterReference)))
    return true;
  const allow = template.valueAt(queue, 'Properties.RedriveAllowPolicy');
  if (!allow.known || (isSet(allow.value) && redrivePermission(allow.value) !== 'denyAll')) return true;
  if (DLQ_NAME.test(queue.logicalId)) return true;
  const name = template.valueAt(queue, 'Properties.QueueName');
  return name.known && typeof name.value === 'string' && DLQ_NAME.test(name.value);
}

/** `redrivePermission` of a RedriveAllowPolicy written as a mapping or a JSON string. */
function redrivePermission(policy: unknown): unknown {
  let p = policy;
  if (typeof p === 'string') {
    try {
      p = JSON.parse(p);
    } catch {
      return undefined;
    }
  }
  return isPlainObject(p) ? p.redrivePermission : undefined;
}
