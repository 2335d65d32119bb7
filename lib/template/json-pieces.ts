/**
 * Large pretty-printed JSON parsed in pieces, never decoded whole. V8 keeps a string longer than 128 KiB in its
 * large-object space, which maps fresh memory for each one: where page faults are slow (a VM), decoding a
 * file of 129 KiB took ~780 µs against ~22 µs at 127 KiB (this project's 2-core Firecracker VM). A CDK stack
 * of 200 resources is written as a template of ~140 KB, at every synthesis. Here the members of a large object
 * are found in the bytes and each is decoded and given to `JSON.parse` on its own, split again while large.
 *
 * Members are found by their lines: a raw line break is never inside a JSON string, so a line that starts with
 * the first member's indentation and a quote starts a key, in JSON indented as `JSON.stringify` writes it (the
 * CDK's templates, metadata and manifests). Every piece and everything between them is read as JSON must be,
 * so a line that turns out not to start a member (a nested one indented alike) leaves a piece that is not a
 * value, and the whole document is left to the caller. The value is then the one `JSON.parse` returns.
 */

import { isAscii } from 'node:buffer';

/**
 * The longest text read whole: about V8's longest string outside the large-object space (kMaxRegularHeapObjectSize,
 * less a string's header).
 */
export const WHOLE_BYTES = 128 * 1024 - 32;
/** Objects split at most this deep (the template, its sections, each resource, its properties). */
const MAX_DEPTH = 4;

const NEWLINE = 0x0a;
const SPACE = 0x20;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** Thrown when the bytes cannot be split as this reader expects; the caller then reads them whole. */
const NOT_SPLIT = new Error('not split');

/**
 * The value of JSON `bytes`, or undefined when they are small enough to read whole, not ASCII (whose bytes are its
 * characters), not an object split over lines, or not valid JSON: the caller then decodes and parses them as usual
 * (and reports what is wrong).
 */
export function parseJsonInPieces(bytes: Uint8Array, wholeBytes = WHOLE_BYTES): unknown {
  if (bytes.length <= wholeBytes || !isAscii(bytes)) return undefined;
  const text = new Pieces(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), wholeBytes);
  try {
    return text.object(space(text.bytes, 0), trimEnd(text.bytes, 0, bytes.length), 0);
  } catch {
    return undefined;
  }
}

class Pieces {
  /** `\n`, an indentation and a quote: where a member starts, by indentation */
  private readonly starts = new Map<number, Buffer>();

  constructor(
    readonly bytes: Buffer,
    private readonly wholeBytes: number,
  ) {}

  /** The value of the JSON text in [start, end), which holds it exactly. */
  value(start: number, end: number, depth: number): unknown {
    const b = this.bytes;
    const split =
      end - start > this.wholeBytes && depth < MAX_DEPTH && b[start] === OPEN_BRACE && b[start + 1] === NEWLINE;
    return split ? this.object(start, end, depth) : JSON.parse(b.toString('latin1', start, end));
  }

  /** The object in [start, end) whose members each start a line, `{` and `}` at its ends. */
  object(start: number, end: number, depth: number): Record<string, unknown> {
    const b = this.bytes;
    const close = end - 1;
    if (b[start] !== OPEN_BRACE || b[start + 1] !== NEWLINE || b[close] !== CLOSE_BRACE) throw NOT_SPLIT;
    let at = start + 2;
    while (b[at] === SPACE) at++;
    // `{}` written over lines, or members indented otherwise (tabs): read whole
    if (b[at] !== QUOTE) return JSON.parse(b.toString('latin1', start, end)) as Record<string, unknown>;
    const next = this.memberStart(at - start - 2);
    const out: Record<string, unknown> = {};
    for (;;) {
      const found = b.indexOf(next, at + 1);
      const last = found === -1 || found >= close;
      // a member's text and the comma after it (none after the last), up to the next member's line break
      let memberEnd = trimEnd(b, at, last ? close : found);
      if (!last) {
        if (b[memberEnd - 1] !== COMMA) throw NOT_SPLIT;
        memberEnd = trimEnd(b, at, memberEnd - 1);
      }
      const keyEnd = stringEnd(b, at, memberEnd);
      const key = JSON.parse(b.toString('latin1', at, keyEnd)) as string;
      const colon = space(b, keyEnd);
      if (b[colon] !== COLON) throw NOT_SPLIT;
      define(out, key, this.value(space(b, colon + 1), memberEnd, depth + 1));
      if (last) return out;
      at = found + next.length - 1;
    }
  }

  private memberStart(indent: number): Buffer {
    let start = this.starts.get(indent);
    if (!start) this.starts.set(indent, (start = Buffer.from(`\n${' '.repeat(indent)}"`, 'latin1')));
    return start;
  }
}

/**
 * A property as `JSON.parse` makes it, an own data property: a key the object has through its prototype
 * (`__proto__`, `toString`, or one a setter was added for) is defined, where an assignment would set the prototype or
 * call the setter. Other keys are assigned, which is quicker.
 */
function define(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key in object)
    Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  else object[key] = value;
}

/** Just past the string that starts at `start` (its quote), before `end`. */
function stringEnd(b: Buffer, start: number, end: number): number {
  for (let i = start + 1; i < end; i++) {
    const c = b[i];
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  throw NOT_SPLIT;
}

/** The first index at or after `i` that is not JSON whitespace. */
function space(b: Buffer, i: number): number {
  while (i < b.length && isSpace(b[i])) i++;
  return i;
}

/** `end` less the JSON whitespace before it, back to `start` at most. */
function trimEnd(b: Buffer, start: number, end: number): number {
  while (end > start && isSpace(b[end - 1])) end--;
  return end;
}

function isSpace(c: number): boolean {
  return c === SPACE || c === NEWLINE || c === 0x0d || c === 0x09;
}
