/**
 * SAM `Globals`: merged into the serverless resources before rules see them, following SAM's own rules
 * (a resource's scalar wins; mappings merge key by key; lists are concatenated, globals first). Merged
 * objects get source positions from whichever side each key came from, so a finding about a property set
 * in `Globals` points at `Globals`.
 */
import { asIntrinsic, isPlainObject } from './intrinsics';
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
      const value = inLocal && inGlobal ? mergeGlobals(globals[k], local[k], sourceMap) : inLocal ? local[k] : globals[k];
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
