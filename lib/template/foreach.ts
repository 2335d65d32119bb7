/**
 * `AWS::LanguageExtensions` loops: `Fn::ForEach::<Name>: [Identifier, Collection, {OutputKey: OutputValue}]`
 * entries in a section are expanded when the collection is known (a literal list, or a parameter with a
 * default or a given value). Copies keep the source positions of the loop body they came from.
 */
import { InputError, messages } from './errors';
import { asIntrinsic, isPlainObject, replacePlaceholders } from './intrinsics';
import type { Resolver } from './resolver';
import type { Position, SourceMap } from './source';

export const FOREACH_PREFIX = 'Fn::ForEach::';

export interface ExpandedEntry {
  readonly key: string;
  readonly value: unknown;
  /** where the key that produced this entry is written */
  readonly position?: Position;
}

export interface UnexpandedLoop {
  readonly key: string;
  readonly position?: Position;
  readonly reason: string;
}

export interface Expansion {
  readonly entries: ExpandedEntry[];
  readonly unexpanded: UnexpandedLoop[];
}

/**
 * The most entries loops may expand to in one template by default. CloudFormation allows 500 resources and 200
 * outputs, after expansion; nested loops over long lists reach millions (three over 300 items: 27 million).
 */
export const DEFAULT_MAX_FOREACH_ENTRIES = 5000;

/**
 * The values copied for each entry allowed, at most: a small loop body copied as often as allowed stays within
 * memory (a body of 2,000 tags, copied 5,000 times, took more than 3 GB).
 */
const VALUES_PER_ENTRY = 100;

/**
 * What the loops of one template expand to, in all its sections, against the limit: the entries, where an
 * iteration counts the entries its body adds and at least one (an iteration that only runs inner loops, over
 * empty lists say, is work too), and the values copied (bodies and collections, with the identifiers replaced).
 */
export class ForEachBudget {
  /** values copied so far: {@link substitute} counts them */
  copied = 0;
  private entries = 0;

  constructor(
    private readonly limit: number,
    private readonly file: string,
  ) {}

  /**
   * Counts an iteration that adds `entries` entries; an {@link InputError} at the loop's position once the
   * entries, or the values copied until now, are past the limit.
   */
  iterate(entries: number, position: Position | undefined): void {
    this.entries += Math.max(1, entries);
    if (this.entries > this.limit) throw new InputError(messages.forEachEntries(this.limit), this.file, position);
    if (this.copied > this.limit * VALUES_PER_ENTRY)
      throw new InputError(messages.forEachCopies(this.limit, VALUES_PER_ENTRY), this.file, position);
  }
}

/** Expands every `Fn::ForEach::*` entry of `section`; other entries are returned as they are. */
export function expandForEach(
  section: Record<string, unknown>,
  resolver: Resolver,
  sourceMap: SourceMap,
  budget: ForEachBudget,
): Expansion {
  const out: Expansion = { entries: [], unexpanded: [] };
  expandInto(section, new Map(), { resolver, sourceMap, budget, out }, 0);
  return out;
}

interface ExpandContext {
  readonly resolver: Resolver;
  readonly sourceMap: SourceMap;
  readonly budget: ForEachBudget;
  readonly out: Expansion;
}

function expandInto(
  section: Record<string, unknown>,
  bindings: ReadonlyMap<string, string>,
  ctx: ExpandContext,
  depth: number,
): void {
  const { resolver, sourceMap, budget, out } = ctx;
  const keyPositions = sourceMap.get(section)?.keys;
  for (const [rawKey, rawValue] of Object.entries(section)) {
    const position = keyPositions?.get(rawKey);
    if (!rawKey.startsWith(FOREACH_PREFIX)) {
      out.entries.push({
        key: substituteKey(rawKey, bindings),
        value: substitute(rawValue, bindings, sourceMap, budget),
        position,
      });
      continue;
    }
    const loop = rawValue;
    if (!Array.isArray(loop) || loop.length !== 3 || typeof loop[0] !== 'string' || !isPlainObject(loop[2])) {
      out.unexpanded.push({
        key: rawKey,
        position,
        reason: `${rawKey} must be a list of an identifier, a collection and an output mapping`,
      });
      continue;
    }
    if (depth >= 8) {
      out.unexpanded.push({ key: rawKey, position, reason: `${rawKey} is nested too deeply` });
      continue;
    }
    const [identifier, collection, body] = loop as [string, unknown, Record<string, unknown>];
    const resolved = resolver.deep(substitute(collection, bindings, sourceMap, budget));
    if (!resolved.known) {
      out.unexpanded.push({
        key: rawKey,
        position,
        reason: `the collection of ${rawKey} is unknown: ${resolved.reason}`,
      });
      continue;
    }
    if (!Array.isArray(resolved.value)) {
      out.unexpanded.push({ key: rawKey, position, reason: `the collection of ${rawKey} is not a list` });
      continue;
    }
    const entries = Object.keys(body).filter((k) => !k.startsWith(FOREACH_PREFIX)).length;
    for (const item of resolved.value) {
      budget.iterate(entries, position);
      const inner = new Map(bindings);
      inner.set(identifier, String(item));
      expandInto(body, inner, ctx, depth + 1);
    }
  }
}

function substituteKey(key: string, bindings: ReadonlyMap<string, string>): string {
  if (bindings.size === 0) return key;
  return replacePlaceholders(
    key,
    ({ sigil, inner }) => {
      const v = bindings.get(inner);
      if (v === undefined) return `${sigil}{${inner}}`;
      return sigil === '&' ? v.replace(/[^A-Za-z0-9]/g, '') : v;
    },
    { sigils: '$&' },
  );
}

/** A copy of `value` with the loop identifiers replaced (`Ref: Id`, `${Id}` and `&{Id}` in `Fn::Sub`). */
function substitute(
  value: unknown,
  bindings: ReadonlyMap<string, string>,
  sourceMap: SourceMap,
  budget: ForEachBudget,
): unknown {
  if (bindings.size === 0) return value;
  budget.copied++;
  if (typeof value !== 'object' || value === null) return value;
  const fn = asIntrinsic(value);
  if (fn?.name === 'Ref' && typeof fn.arg === 'string' && bindings.has(fn.arg)) return bindings.get(fn.arg);
  const record = sourceMap.get(value);
  let copy: unknown;
  if (Array.isArray(value)) {
    copy = value.map((v) => substitute(v, bindings, sourceMap, budget));
  } else {
    const obj: Record<string, unknown> = {};
    const keys = record?.keys ? new Map<string, Position>() : undefined;
    for (const [k, v] of Object.entries(value)) {
      const newKey = substituteKey(k, bindings);
      let newValue = substitute(v, bindings, sourceMap, budget);
      if (k === 'Fn::Sub') newValue = substituteSub(newValue, bindings);
      Object.defineProperty(obj, newKey, { value: newValue, enumerable: true, writable: true, configurable: true });
      const pos = record?.keys?.get(k);
      if (keys && pos) keys.set(newKey, pos);
    }
    copy = obj;
    if (record) sourceMap.set(obj, { start: record.start, keys });
    return copy;
  }
  if (record) sourceMap.set(copy as object, record);
  return copy;
}

function substituteSub(arg: unknown, bindings: ReadonlyMap<string, string>): unknown {
  if (typeof arg === 'string') return substituteKey(arg, bindings);
  if (Array.isArray(arg) && typeof arg[0] === 'string') return [substituteKey(arg[0], bindings), ...arg.slice(1)];
  return arg;
}
