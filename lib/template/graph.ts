/**
 * The reference graph of one template: every Ref, GetAtt, Sub variable and DependsOn between resources,
 * indexed both ways and built once. Cross-resource rules ask it ("which alarms point at this function?")
 * instead of scanning all resources for each resource.
 */
import { findReferences, type ValueReference } from './intrinsics';
import type { JsonPath } from './path';

/** One reference between two resources of a template. */
export interface Reference {
  readonly kind: 'Ref' | 'GetAtt' | 'Sub' | 'DependsOn';
  /** logical id of the resource that holds the reference */
  readonly from: string;
  /** logical id of the resource referred to */
  readonly to: string;
  /** for GetAtt and `${X.Attr}` */
  readonly attribute?: string;
  /** where the reference sits in the referring resource, e.g. `['Properties', 'Dimensions', 0, 'Value']` */
  readonly path: JsonPath;
}

export interface GraphResource {
  readonly logicalId: string;
  readonly definition: Readonly<Record<string, unknown>>;
  readonly dependsOn: readonly string[];
}

const NONE: readonly Reference[] = Object.freeze([]);

/** The references between a template's resources, both ways, built once. */
export class ReferenceGraph {
  private readonly out = new Map<string, Reference[]>();
  private readonly in = new Map<string, Reference[]>();

  constructor(resources: Iterable<GraphResource>, resourceIds: ReadonlySet<string>) {
    for (const r of resources) {
      const add = (v: ValueReference | Reference): void => {
        const to = 'to' in v ? v.to : v.target;
        if (!resourceIds.has(to)) return;
        const ref: Reference =
          v.attribute === undefined
            ? { kind: v.kind, from: r.logicalId, to, path: v.path }
            : { kind: v.kind, from: r.logicalId, to, attribute: v.attribute, path: v.path };
        push(this.out, ref.from, ref);
        push(this.in, to, ref);
      };
      const definition = r.definition;
      for (const v of findReferences(definition.Properties, ['Properties'])) add(v);
      // other resource attributes (UpdatePolicy, CreationPolicy…) can hold references too; Metadata is documentation
      for (const key of Object.keys(definition)) {
        if (key === 'Properties' || key === 'Metadata' || key === 'Type' || key === 'DependsOn' || key === 'Condition')
          continue;
        for (const v of findReferences(definition[key], [key])) add(v);
      }
      r.dependsOn.forEach((to, i) => add({ kind: 'DependsOn', from: r.logicalId, to, path: ['DependsOn', i] }));
    }
  }

  /** References held by `logicalId`. */
  outgoing(logicalId: string): readonly Reference[] {
    return this.out.get(logicalId) ?? NONE;
  }

  /** References to `logicalId` from other resources. */
  incoming(logicalId: string): readonly Reference[] {
    return this.in.get(logicalId) ?? NONE;
  }
}

function push(map: Map<string, Reference[]>, key: string, ref: Reference): void {
  const list = map.get(key);
  if (list) list.push(ref);
  else map.set(key, [ref]);
}
