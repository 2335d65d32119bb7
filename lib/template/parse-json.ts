/**
 * JSON parsing for `parseDocument` (parse.ts): a fast path through `JSON.parse` and an exact one through jsonc-parser.
 */
import type * as Jsonc from 'jsonc-parser';
import { InputError, messages } from './errors';
import type { Deadline, ParseLimits, Parsed } from './parse';
import { SourceMap, type ContainerPosition, type Position } from './source';

/**
 * JSON in two passes: the engine's own `JSON.parse` for the value (several times faster than any parser
 * written in JS), then one walk over the text for the positions of each object, key and item, matched with
 * the parsed value as it goes. Anything unusual (invalid JSON, duplicate keys, nesting past the limit) goes
 * to {@link parseJsonExact}, which says precisely what is wrong and where. Not `located`, valid JSON is taken as
 * `JSON.parse` reads it, without positions.
 */
export function parseJson(text: string, file: string, limits: ParseLimits, deadline: Deadline, located = true): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return parseJsonExact(text, file, limits, deadline);
  }
  if (!located) return { value, sourceMap: new SourceMap() };
  return locateJson(text, value, limits.maxDepth, deadline) ?? parseJsonExact(text, file, limits, deadline);
}

interface ScanFrame {
  readonly container: Record<string, unknown> | unknown[];
  readonly start: number;
  /** where its keys' or items' offsets start in the shared list of pending offsets */
  readonly begin: number;
  /** an object's own keys, in the order JSON.parse made them */
  readonly own?: readonly string[];
  /** the keys as written, when the object's order differs (integer-like keys come first in JS objects) */
  readonly written?: string[];
}

/** Containers this deep or shallower (0: the document) are bound by identity in the source map; see SourceMap. */
const BOUND_DEPTH = 2;

/** A canonical array index ("0", "17"): JS objects list such keys first, whatever the order written. */
const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;

/** The positions of `value`, parsed from valid JSON `text`; undefined when it needs the exact parser. */
function locateJson(text: string, value: unknown, maxDepth: number, deadline: Deadline): Parsed | undefined {
  // one loop with the offset in a local variable, and helpers that take and return it: this walk reads every
  // character of every JSON template, and closures over a shared offset made it several times slower
  const lineStarts = [0];
  const sourceMap = new SourceMap(lineStarts);
  const stack: ScanFrame[] = [];
  // for each key or item of every open container, innermost last, its offset and its record (-1 until a
  // container child closes): a container's own are contiguous, since its children's are removed when they close
  const pending: number[] = [];
  let i = skipSpace(text, 0, lineStarts);
  let child: unknown = value;
  for (;;) {
    if (deadline.over()) throw deadline.error(sourceMap.position(i));
    // the value at i, as parsed: a container is opened (its keys or items come next), a scalar skipped
    if (typeof child === 'object' && child !== null) {
      const array = Array.isArray(child);
      if (text.charCodeAt(i) !== (array ? 0x5b : 0x7b) || stack.length >= maxDepth) return undefined;
      if (array) {
        stack.push({ container: child as unknown[], start: i, begin: pending.length });
      } else {
        const own = Object.keys(child);
        const ordered = own.length === 0 || !ARRAY_INDEX.test(own[0]);
        stack.push({
          container: child as Record<string, unknown>,
          start: i,
          begin: pending.length,
          own,
          written: ordered ? undefined : [],
        });
      }
      i++;
    } else {
      i = text.charCodeAt(i) === 0x22 ? skipString(text, i) : skipScalar(text, i);
    }

    // closing containers, until one has another key or item
    let frame: ScanFrame | undefined;
    for (;;) {
      frame = stack[stack.length - 1];
      if (frame === undefined) break;
      i = skipSpace(text, i, lineStarts);
      const c = text.charCodeAt(i);
      if (c !== 0x5d && c !== 0x7d) break;
      // two numbers per key or item: its offset and its record; more keys written than the object has: a key was repeated
      if (frame.own && 2 * frame.own.length !== pending.length - frame.begin) return undefined;
      const record = sourceMap.addRecord(frame.start, pending, frame.own !== undefined, frame.begin);
      pending.length = frame.begin;
      stack.pop();
      // the parent's pair for this container gets its record; only the shallow containers, where lookups
      // start (the document, its sections, their entries), are bound by identity
      if (stack.length > 0) pending[frame.begin - 1] = record;
      if (stack.length <= BOUND_DEPTH || frame.written) sourceMap.bind(frame.container, record, frame.written);
      i++;
    }
    if (frame === undefined) break;

    // the next key or item of the innermost open container
    const count = (pending.length - frame.begin) >> 1;
    if (count > 0) i = skipSpace(text, i + 1, lineStarts); // past the comma
    const at = i;
    if (frame.own) {
      i = skipString(text, i);
      let key: string | undefined;
      if (frame.written) {
        const raw = text.slice(at + 1, i - 1);
        key = raw.includes('\\') ? (JSON.parse(text.slice(at, i)) as string) : raw;
        frame.written.push(key);
      } else {
        // keys in the order written: the n-th key written is the object's n-th key, no need to read it
        key = frame.own[count];
        if (key === undefined) return undefined;
      }
      i = skipSpace(text, skipSpace(text, i, lineStarts) + 1, lineStarts); // past the colon
      child = (frame.container as Record<string, unknown>)[key];
    } else {
      child = (frame.container as unknown[])[count];
    }
    pending.push(at, -1);
  }
  sourceMap.setLines(lineStarts);
  return { value, sourceMap };
}

/** The offset of the first character from `i` on that is not white space; the lines started on the way are added to `lineStarts`. */
function skipSpace(text: string, i: number, lineStarts: number[]): number {
  const n = text.length;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09) continue;
    if (c === 0x0a) lineStarts.push(i + 1);
    else if (c === 0x0d) {
      if (text.charCodeAt(i + 1) !== 0x0a) lineStarts.push(i + 1);
    } else break;
  }
  return i;
}

/** Just after the string whose opening quote is at `i` (its closing quote: one not escaped by an odd run of backslashes). */
function skipString(text: string, i: number): number {
  let q = text.indexOf('"', i + 1);
  while (q > 0 && text.charCodeAt(q - 1) === 0x5c) {
    let slashes = 1;
    while (text.charCodeAt(q - 1 - slashes) === 0x5c) slashes++;
    if (slashes % 2 === 0) break;
    q = text.indexOf('"', q + 1);
  }
  return q < 0 ? text.length : q + 1;
}

/** Just after the number, `true`, `false` or `null` at `i`. */
function skipScalar(text: string, i: number): number {
  const n = text.length;
  for (; i < n; i++) {
    const d = text.charCodeAt(i);
    if (d === 0x2c || d === 0x5d || d === 0x7d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
  }
  return i;
}

interface JsonFrame {
  readonly value: Record<string, unknown> | unknown[];
  readonly start: Position;
  readonly keys?: Map<string, Position>;
  readonly items?: Position[];
  pendingKey?: string;
}

/** jsonc-parser, loaded on first use: most scans read only JSON the fast path takes, or only YAML. */
const jsonc = (): typeof Jsonc => require('jsonc-parser') as typeof Jsonc;

/** JSON through jsonc-parser's visitor: slower, but it names every error and where it is. */
function parseJsonExact(text: string, file: string, limits: ParseLimits, deadline: Deadline): Parsed {
  const sourceMap = new SourceMap();
  const stack: JsonFrame[] = [];
  let root: unknown;
  let hasRoot = false;
  const at = (line: number, character: number): Position => ({ line: line + 1, column: character + 1 });

  const attach = (value: unknown, pos: Position): void => {
    if (deadline.over()) throw deadline.error(pos);
    const parent = stack[stack.length - 1];
    if (!parent) {
      root = value;
      hasRoot = true;
    } else if (Array.isArray(parent.value)) {
      parent.value.push(value);
      parent.items!.push(pos);
    } else {
      const key = parent.pendingKey!;
      // defineProperty so that a key such as "__proto__" stays an ordinary property
      Object.defineProperty(parent.value, key, { value, enumerable: true, writable: true, configurable: true });
      parent.pendingKey = undefined;
    }
  };
  const open = (value: Record<string, unknown> | unknown[], line: number, ch: number): void => {
    if (stack.length >= limits.maxDepth) throw new InputError(messages.tooDeep(limits.maxDepth), file, at(line, ch));
    const start = at(line, ch);
    attach(value, start);
    stack.push(Array.isArray(value) ? { value, start, items: [] } : { value, start, keys: new Map() });
  };
  const close = (): void => {
    const frame = stack.pop()!;
    const record: ContainerPosition = frame.keys
      ? { start: frame.start, keys: frame.keys }
      : { start: frame.start, items: frame.items };
    sourceMap.set(frame.value, record);
  };

  jsonc().visit(
    text,
    {
      onObjectBegin: (_o, _l, line, ch) => open({}, line, ch),
      onObjectEnd: close,
      onArrayBegin: (_o, _l, line, ch) => open([], line, ch),
      onArrayEnd: close,
      onObjectProperty: (property, _o, _l, line, ch) => {
        const frame = stack[stack.length - 1];
        const pos = at(line, ch);
        const first = frame.keys!.get(property);
        if (first) throw new InputError(messages.duplicateKey(property, first), file, pos);
        frame.keys!.set(property, pos);
        frame.pendingKey = property;
      },
      onLiteralValue: (value, _o, _l, line, ch) => attach(value, at(line, ch)),
      onError: (code, offset, _l, line, ch) => {
        throw new InputError(messages.json(describeJsonError(code, text, offset)), file, at(line, ch));
      },
    },
    { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
  );
  if (!hasRoot) throw new InputError(messages.json('no value'), file);
  return { value: root, sourceMap };
}

/** A character as a message shows it: quoted, or as `U+0001` when it would not be seen (control characters, a BOM). */
function describeCharacter(code: number): string {
  const invisible =
    code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029 || code === 0xfeff;
  return invisible ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}` : `'${String.fromCodePoint(code)}'`;
}

function describeJsonError(code: Jsonc.ParseErrorCode, text: string, offset: number): string {
  const found = offset >= text.length ? 'end of file' : describeCharacter(text.codePointAt(offset)!);
  // by name: ParseErrorCode is a const enum, which isolated modules cannot read
  const name = jsonc().printParseErrorCode(code);
  switch (name) {
    case 'CommaExpected':
      return `expected ',' but found ${found}`;
    case 'ColonExpected':
      return `expected ':' but found ${found}`;
    case 'PropertyNameExpected':
      return `expected a property name in double quotes but found ${found}`;
    case 'ValueExpected':
      return `expected a value but found ${found}`;
    case 'CloseBraceExpected':
      return `expected '}' but found ${found}`;
    case 'CloseBracketExpected':
      return `expected ']' but found ${found}`;
    case 'EndOfFileExpected':
      return `unexpected ${found} after the end of the document`;
    case 'InvalidCommentToken':
      return 'comments are not allowed in JSON';
    case 'UnexpectedEndOfString':
      return 'unterminated string';
    default:
      return `${name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()} at ${found}`;
  }
}
