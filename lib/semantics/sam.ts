/** SAM event sources (`Events` of a serverless function or state machine), read with their types resolved. */
import { isFalse } from './values';
import { isPlainObject } from '../template/intrinsics';
import type { Resource, Template } from '../template/model';
import type { JsonPath } from '../template/path';

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
    return {
      name,
      type: type.known && typeof type.value === 'string' ? type.value : undefined,
      path: ['Properties', 'Events', name, 'Properties'],
    };
  });
}

/** A SAM event that is switched off (`Enabled: false` or `State: DISABLED`) invokes nothing. */
export function samEventDisabled(resource: Resource, event: SamEvent, template: Template): boolean {
  const enabled = template.valueAt(resource, [...event.path, 'Enabled']);
  const state = template.valueAt(resource, [...event.path, 'State']);
  return (enabled.known && isFalse(enabled.value)) || (state.known && state.value === 'DISABLED');
}
