/**
 * JSON written in pieces, byte for byte as `JSON.stringify(value, replacer, 2)` writes it, for the reports too
 * large to hold as one string (JSON, SARIF).
 */

/** In place of an array: written as one, its items made as they are written, so they are never all held at once. */
export class Items {
  constructor(readonly items: Iterable<unknown>) {}
}

const STEP = '  ';

/**
 * `value` as two-space-indented JSON, in pieces: the arrays and objects of the first `depth` levels a member at a
 * time (an {@link Items} wherever it is among them), what lies below each as one piece. `strings` maps every string
 * value (not keys), as a replacer would.
 */
export function* jsonPieces(value: unknown, depth: number, strings?: (s: string) => string): Generator<string> {
  const replacer = strings && ((_key: string, v: unknown): unknown => (typeof v === 'string' ? strings(v) : v));
  function* write(v: unknown, indent: string, level: number): Generator<string> {
    const inner = indent + STEP;
    if (v instanceof Items || (Array.isArray(v) && level < depth)) {
      const items = v instanceof Items ? v.items : (v as unknown[]);
      if (level + 1 >= depth) {
        yield* batched(items, level);
        return;
      }
      let first = true;
      for (const item of items) {
        yield first ? `[\n${inner}` : `,\n${inner}`;
        first = false;
        // as JSON.stringify writes an array's undefined, function or symbol
        yield* write(omitted(item) ? null : item, inner, level + 1);
      }
      yield first ? '[]' : `\n${indent}]`;
    } else if (typeof v === 'object' && v !== null && !Array.isArray(v) && level < depth) {
      let first = true;
      for (const [key, member] of Object.entries(v)) {
        if (omitted(member)) continue;
        yield `${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `;
        first = false;
        yield* write(member, inner, level + 1);
      }
      yield first ? '{}' : `\n${indent}}`;
    } else {
      const text = JSON.stringify(v, replacer, 2);
      // JSON strings never hold a raw line break: every one is between tokens
      yield indent === '' ? text : text.replace(/\n/g, `\n${indent}`);
    }
  }
  /**
   * An array at `level` whose items are written whole, {@link BATCH} items to a piece: each batch as JSON.stringify
   * writes it inside as many arrays as `level`, which indents its items where they stand, without those arrays.
   */
  function* batched(items: Iterable<unknown>, level: number): Generator<string> {
    const inner = STEP.repeat(level + 1);
    // what the arrays around a batch, and the batch's own brackets, add before its first item and after its last
    let before = '[';
    for (let k = 1; k <= level; k++) before += `\n${STEP.repeat(k)}[`;
    before += `\n${inner}`;
    let after = '';
    for (let k = level; k >= 0; k--) after += `\n${STEP.repeat(k)}]`;
    let batch: unknown[] = [];
    let first = true;
    // the batch's text is its own piece, a slice of what JSON.stringify wrote: joined to the separator before it,
    // it would be copied once more
    function* piece(): Generator<string> {
      let nested: unknown = batch;
      for (let k = 0; k < level; k++) nested = [nested];
      const text = JSON.stringify(nested, replacer, 2);
      yield `${first ? '[' : ','}\n${inner}`;
      yield text.slice(before.length, text.length - after.length);
      first = false;
      batch = [];
    }
    for (const item of items) {
      batch.push(item);
      if (batch.length === BATCH) yield* piece();
    }
    if (batch.length > 0) yield* piece();
    yield first ? '[]' : `\n${STEP.repeat(level)}]`;
  }

  yield* write(value, '', 0);
}

/**
 * Items of an array written to a piece: few enough that a piece (a SARIF result is one to two kilobytes, twice that
 * once a character outside Latin-1 makes the string two-byte) stays below V8's large-object size (128 KiB). A larger
 * piece is allocated straight in the old generation, where it stays until the next full collection: with 256 items a
 * piece, the dead pieces of a SARIF report of 150k findings added ~25 MB to the scan's peak memory.
 */
const BATCH = 16;

/** A value JSON.stringify leaves out of an object. */
function omitted(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}
