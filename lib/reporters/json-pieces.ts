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
      let first = true;
      for (const item of v instanceof Items ? v.items : (v as unknown[])) {
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
  yield* write(value, '', 0);
}

/** A value JSON.stringify leaves out of an object. */
function omitted(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}
