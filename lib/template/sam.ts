/**
 * SAM `Globals`: merged into the serverless resources before rules see them, following SAM's own rules
 * (a resource's scalar wins; mappings merge key by key; lists are concatenated, globals first). Merged
 * objects get source positions from whichever side each key came from, so a finding about a property set
 * in `Globals` points at `Globals`.
 */
import { asIntrinsic, isPlainObject } from './intrinsics';
import type { ImplicitOrigin, Resource } from './model';
import type { SourceMap, Position } from './source';

/** Globals section key → the SAM resource type it applies to. */
export const SAM_GLOBAL_TYPES: Readonly<Record<string, string>> = {
  Function: 'AWS::Serverless::Function',
  Api: 'AWS::Serverless::Api',
  HttpApi: 'AWS::Serverless::HttpApi',
  SimpleTable: 'AWS::Serverless::SimpleTable',
  StateMachine: 'AWS::Serverless::StateMachine',
  LayerVersion: 'AWS::Serverless::LayerVersion',
};

export function mergeGlobals(globals: unknown, local: unknown, sourceMap: SourceMap): unknown {
  if (local === undefined) return globals;
  if (globals === undefined) return local;
  // an intrinsic on either side is a value, not a mapping to merge into
  if (isPlainObject(globals) && isPlainObject(local) && !asIntrinsic(globals) && !asIntrinsic(local)) {
    const merged: Record<string, unknown> = {};
    const keys = new Map<string, Position>();
    const gRec = sourceMap.get(globals);
    const lRec = sourceMap.get(local);
    for (const k of new Set([...Object.keys(globals), ...Object.keys(local)])) {
      const inLocal = Object.prototype.hasOwnProperty.call(local, k);
      const inGlobal = Object.prototype.hasOwnProperty.call(globals, k);
      const value =
        inLocal && inGlobal ? mergeGlobals(globals[k], local[k], sourceMap) : inLocal ? local[k] : globals[k];
      Object.defineProperty(merged, k, { value, enumerable: true, writable: true, configurable: true });
      const pos = inLocal ? lRec?.keys?.get(k) : gRec?.keys?.get(k);
      if (pos) keys.set(k, pos);
    }
    const start = lRec?.start ?? gRec?.start;
    if (start) sourceMap.set(merged, { start, keys });
    return merged;
  }
  if (Array.isArray(globals) && Array.isArray(local)) {
    const merged = [...globals, ...local];
    const gRec = sourceMap.get(globals);
    const lRec = sourceMap.get(local);
    if (gRec?.items && lRec?.items) sourceMap.set(merged, { start: lRec.start, items: [...gRec.items, ...lRec.items] });
    return merged;
  }
  return local;
}

/**
 * The APIs SAM creates implicitly: one REST API, `ServerlessRestApi`, for the `Api` events of functions and
 * state machines that name no `RestApiId`, and one HTTP API, `ServerlessHttpApi`, for `HttpApi` events without `ApiId`, configured
 * only by `Globals.Api` / `Globals.HttpApi` (their stages are `Prod` and `$default`). Each is a resource placed
 * at the first event that creates it, so that every API rule checks it. None when the template declares a
 * resource with that logical id (SAM then attaches the events to it).
 */
export function implicitApis(
  resources: ReadonlyMap<string, Resource>,
  globals: Readonly<Record<string, unknown>>,
  sourceMap: SourceMap,
): Resource[] {
  const out: Resource[] = [];
  for (const kind of IMPLICIT_APIS) {
    if (resources.has(kind.logicalId)) continue;
    const creators: { fn: Resource; event: string }[] = [];
    for (const fn of resources.values()) {
      if (!(kind.creators as readonly string[]).includes(fn.type) || !isPlainObject(fn.properties.Events)) continue;
      for (const [event, value] of Object.entries(fn.properties.Events)) {
        const props = isPlainObject(value) && isPlainObject(value.Properties) ? value.Properties : {};
        // an event naming its API (even through an expression) attaches to that API
        if (isPlainObject(value) && value.Type === kind.event && props[kind.reference] === undefined)
          creators.push({ fn, event });
      }
    }
    if (creators.length === 0) continue;
    const { fn, event } = creators[0];
    const configured = globals[kind.event];
    const properties = mergeGlobals(
      isPlainObject(configured) ? configured : {},
      { StageName: kind.stage },
      sourceMap,
    ) as Record<string, unknown>;
    // deployed when any resource that creates it is: it carries their condition only when they all share one
    const conditions = new Set(creators.map((c) => c.fn.condition));
    const condition = conditions.size === 1 ? [...conditions][0] : undefined;
    const definition: Record<string, unknown> = {
      Type: kind.type,
      Properties: properties,
      ...(condition !== undefined ? { Condition: condition } : {}),
    };
    const createdAt = ['Resources', fn.logicalId, 'Properties', 'Events', event];
    const owner = `${fn.type === 'AWS::Serverless::StateMachine' ? 'state machine' : 'function'} ${fn.logicalId}`;
    const implicit: ImplicitOrigin = {
      configuredAt: ['Globals', kind.event],
      createdAt,
      createdBy:
        creators.length > 1
          ? `SAM creates ${kind.logicalId} for ${creators.length} ${kind.event} events, the first ${event} of ${owner}`
          : `SAM creates ${kind.logicalId} for the ${kind.event} event ${event} of ${owner}`,
    };
    out.push({
      logicalId: kind.logicalId,
      type: kind.type,
      properties,
      definition,
      condition,
      dependsOn: [],
      position: sourceMap.locate(fn.definition, createdAt.slice(2), fn.position),
      implicit,
    });
  }
  return out;
}

// state machines take Api events too (SAM's StateMachine event sources have no HttpApi)
const IMPLICIT_APIS = [
  {
    event: 'Api',
    logicalId: 'ServerlessRestApi',
    type: 'AWS::Serverless::Api',
    reference: 'RestApiId',
    stage: 'Prod',
    creators: ['AWS::Serverless::Function', 'AWS::Serverless::StateMachine'],
  },
  {
    event: 'HttpApi',
    logicalId: 'ServerlessHttpApi',
    type: 'AWS::Serverless::HttpApi',
    reference: 'ApiId',
    stage: '$default',
    creators: ['AWS::Serverless::Function'],
  },
] as const;
