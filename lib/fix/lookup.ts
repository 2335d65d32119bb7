/**
 * Looking up an entry of a parsed mapping by key, for the writers (json.ts, yaml.ts): a round of fixes looks up one
 * resource per fix in `Resources`, which may hold thousands.
 */

/**
 * The first of `entries` (those of `owner`) whose key is `key`; an entry whose `keyOf` is undefined is passed over.
 * From {@link INDEXED_FROM} entries on, they are indexed once per `owner`.
 */
export function firstWithKey<E>(
  owner: object,
  entries: readonly E[],
  keyOf: (entry: E) => string | undefined,
  key: string,
): E | undefined {
  if (entries.length < INDEXED_FROM) return entries.find((e) => keyOf(e) === key);
  let index = INDEXES.get(owner) as Map<string, E> | undefined;
  if (index === undefined) {
    index = new Map();
    for (const e of entries) {
      const k = keyOf(e);
      if (k !== undefined && !index.has(k)) index.set(k, e);
    }
    INDEXES.set(owner, index);
  }
  return index.get(key);
}

/** Below this, a search costs less than an index. */
const INDEXED_FROM = 32;

const INDEXES = new WeakMap<object, Map<string, unknown>>();
