/**
 * JSON and YAML parsing into plain values with source positions. YAML short-form tags (`!Ref`, `!GetAtt a.b`,
 * `!Sub`, …) become their long JSON forms (`{ "Ref": … }`, `{ "Fn::GetAtt": ["a", "b"] }`), so everything
 * after parsing sees one shape whatever the file format.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import * as jsonc from 'jsonc-parser';
import type * as YAML from 'yaml';
import { InputError, messages } from './errors';
import { SourceMap, type ContainerPosition, type Position } from './source';

export type DocumentFormat = 'json' | 'yaml';

/** A JSON or YAML document as plain values, with the source position of every part. */
export interface ParsedDocument {
  readonly file: string;
  readonly format: DocumentFormat;
  readonly value: unknown;
  readonly sourceMap: SourceMap;
  /** what was read more leniently than YAML 1.2 allows, the way CloudFormation reads it (see {@link parseDocument}) */
  readonly notes?: readonly ParseNote[];
}

/** Something the parser accepted as CloudFormation does, though the YAML specification does not. */
export interface ParseNote {
  readonly position: Position;
  readonly message: string;
}

/** Bounds on what a document may make the parser do. */
export interface ParseLimits {
  /** deepest nesting of mappings and lists accepted */
  readonly maxDepth: number;
  /** most nodes that YAML aliases may expand to, in all */
  readonly maxAliasNodes: number;
  /** longest time one document may take to parse, in milliseconds (default 10,000) */
  readonly parseTimeoutMs?: number;
}

export const DEFAULT_PARSE_TIMEOUT_MS = 10_000;

/** The bounds used unless others are given. */
export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxDepth: 256, maxAliasNodes: 100_000, parseTimeoutMs: DEFAULT_PARSE_TIMEOUT_MS };

/**
 * The time budget of one parse, checked in opslint's own loops over nodes (the yaml library's parsing, in
 * between, cannot be interrupted: the budget is checked as soon as it returns). The clock is read once every
 * 1024 steps: reading it at every node would cost more than the JSON walk's own work on each.
 */
class Deadline {
  private steps = 0;
  private readonly ms: number;
  private readonly end: number;

  constructor(
    limits: ParseLimits,
    private readonly file: string,
  ) {
    this.ms = limits.parseTimeoutMs ?? DEFAULT_PARSE_TIMEOUT_MS;
    this.end = performance.now() + this.ms;
  }

  /** True once the budget is spent (then {@link error} says so). */
  over(): boolean {
    return (++this.steps & 1023) === 0 && performance.now() > this.end;
  }

  error(position: Position | undefined): InputError {
    return new InputError(messages.parseTimeout(this.ms), this.file, position);
  }
}

/** The tags of YAML 1.2's core schema, which CloudFormation reads as plain values (`!!str 0123`). */
const CORE_TAGS: ReadonlySet<string> = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));

/** Short-form tags and the long-form key each one stands for. */
const SHORT_FORMS: ReadonlyMap<string, string> = new Map(
  [
    'Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub',
    'Transform', 'And', 'Equals', 'If', 'Not', 'Or', 'ToJsonString', 'Length', 'Contains', 'EachMemberEquals',
    'EachMemberIn', 'RefAll', 'ValueOf', 'ValueOfAll',
  ]
    .map((name): [string, string] => [`!${name}`, `Fn::${name}`])
    .concat([['!Ref', 'Ref'], ['!Condition', 'Condition']]),
);

/** Decodes file bytes: UTF-8 (with or without BOM) or UTF-16 with a BOM; rejects binary content. */
export function decode(bytes: Uint8Array, file: string): string {
  const utf16 = bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : undefined;
  if (utf16) {
    const text = new TextDecoder(utf16).decode(bytes.subarray(2));
    // NUL characters: UTF-32 (whose mark starts like UTF-16's), or binary data behind a mark
    if (text.includes('\u0000')) throw new InputError(messages.binary(), file);
    return text;
  }
  if (bytes.includes(0)) throw new InputError(messages.binary(), file);
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // most templates are ASCII, which is a plain copy to decode (UTF-8 takes several times longer)
  if (isAscii(buffer)) return buffer.toString('latin1');
  const text = buffer.toString('utf8');
  if (!isUtf8(buffer)) throw invalidUtf8(buffer, text, file);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * The error for bytes that are not UTF-8 (a file saved as Latin-1 or Windows-1252, say), at the first of them:
 * the first U+FFFD that decoding put in place of bytes rather than read as written (EF BF BD). Up to there the
 * text and the bytes agree, so its offset in the bytes is that of the text before it, in UTF-8.
 */
function invalidUtf8(bytes: Buffer, text: string, file: string): InputError {
  let at = text.indexOf('\ufffd');
  let offset = Buffer.byteLength(text.slice(0, at));
  while (bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd) {
    at = text.indexOf('\ufffd', at + 1);
    offset = Buffer.byteLength(text.slice(0, at));
  }
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const position = { line, column: at - before.lastIndexOf('\n') - (text.charCodeAt(0) === 0xfeff && line === 1 ? 1 : 0) };
  return new InputError(messages.invalidUtf8(bytes[offset]), file, position);
}

/** JSON when the name says so or the text starts with `{`; YAML otherwise. */
export function detectFormat(file: string, text: string): DocumentFormat {
  if (/\.json$/i.test(file)) return 'json';
  if (/\.ya?ml$/i.test(file)) return 'yaml';
  return /^\s*[{[]/.test(text) ? 'json' : 'yaml';
}

/**
 * Parses JSON or YAML (short-form tags in their long form); throws {@link InputError} with a position. YAML
 * that CloudFormation reads though YAML 1.2 does not (a flow collection or a quoted scalar continued on lines
 * not indented past its key) is read as CloudFormation reads it, with a note.
 */
export function parseDocument(
  text: string,
  file: string,
  format: DocumentFormat = detectFormat(file, text),
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): ParsedDocument {
  if (text.trim() === '') throw new InputError(messages.emptyFile(), file);
  const deadline = new Deadline(limits, file);
  const { value, sourceMap, notes = [] } = format === 'json' ? parseJson(text, file, limits, deadline) : parseYaml(text, file, limits, deadline);
  return { file, format, value, sourceMap, notes };
}

// ---------------------------------------------------------------------------------------------- JSON

interface Parsed {
  readonly value: unknown;
  readonly sourceMap: SourceMap;
  readonly notes?: readonly ParseNote[];
}

/**
 * JSON in two passes: the engine's own `JSON.parse` for the value (several times faster than any parser
 * written in JS), then one walk over the text for the positions of each object, key and item, matched with
 * the parsed value as it goes. Anything unusual (invalid JSON, duplicate keys, nesting past the limit) goes
 * to {@link parseJsonExact}, which says precisely what is wrong and where.
 */
function parseJson(text: string, file: string, limits: ParseLimits, deadline: Deadline): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return parseJsonExact(text, file, limits, deadline);
  }
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
        stack.push({ container: child as Record<string, unknown>, start: i, begin: pending.length, own, written: ordered ? undefined : [] });
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
    const record: ContainerPosition = frame.keys ? { start: frame.start, keys: frame.keys } : { start: frame.start, items: frame.items };
    sourceMap.set(frame.value, record);
  };

  jsonc.visit(
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
  const invisible = code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029 || code === 0xfeff;
  return invisible ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}` : `'${String.fromCodePoint(code)}'`;
}

function describeJsonError(code: jsonc.ParseErrorCode, text: string, offset: number): string {
  const found = offset >= text.length ? 'end of file' : describeCharacter(text.codePointAt(offset)!);
  // by name: ParseErrorCode is a const enum, which isolated modules cannot read
  const name = jsonc.printParseErrorCode(code);
  switch (name) {
    case 'CommaExpected': return `expected ',' but found ${found}`;
    case 'ColonExpected': return `expected ':' but found ${found}`;
    case 'PropertyNameExpected': return `expected a property name in double quotes but found ${found}`;
    case 'ValueExpected': return `expected a value but found ${found}`;
    case 'CloseBraceExpected': return `expected '}' but found ${found}`;
    case 'CloseBracketExpected': return `expected ']' but found ${found}`;
    case 'EndOfFileExpected': return `unexpected ${found} after the end of the document`;
    case 'InvalidCommentToken': return 'comments are not allowed in JSON';
    case 'UnexpectedEndOfString': return 'unterminated string';
    default: return `${name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()} at ${found}`;
  }
}

// ---------------------------------------------------------------------------------------------- YAML

/** The yaml library, loaded with the first YAML document: a scan of JSON templates does without its modules. */
let yamlModule: typeof YAML | undefined;
function yamlLibrary(): typeof YAML {
  return (yamlModule ??= require('yaml') as typeof YAML);
}

function parseYaml(text: string, file: string, limits: ParseLimits, deadline: Deadline): Parsed {
  const y = yamlLibrary();
  let read = readYaml(text, limits, deadline);
  // positions are always given in `text`: its lines, and offsets in any text read again mapped back to it
  let lines = read.lineCounter;
  let lenient: Reindented | undefined;
  const origin = (offset: number): number => (lenient ? lenient.origin(offset) : offset);
  const position = (offset: number): Position => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  const at = (offset: number): Position => position(origin(offset));
  for (let pass = 0; pass < MAX_REREADS && read.list.some((d) => d.errors.length > 0); pass++) {
    // the lines yaml counted can miss some past an error: counted again from the text
    if (!lenient) lines = lineCounterOf(text);
    const again = reindent(text, lines.lineStarts, read, lenient);
    if (!again) break;
    lenient = again;
    read = readYaml(again.text, limits, deadline);
  }
  const { list, deep, late } = read;
  const src = read.text;
  if (late !== undefined) throw deadline.error(at(late));
  if (deep !== undefined) throw new InputError(messages.tooDeep(limits.maxDepth), file, at(deep));
  const sourceMap = new SourceMap(lines.lineStarts);
  if (list.length === 0) throw new InputError(messages.emptyFile(), file);
  const doc = list[0];
  for (const d of list) {
    const error = d.errors[0];
    if (error) throw new InputError(describeYamlError(error, read.levels, limits), file, at(error.pos[0]));
  }
  if (list.length > 1) throw new InputError(messages.multiDocument(), file, at(list[1].range[0]));

  // Each alias's target, found in one pass: `Alias.resolve` searches the whole document on every call, which
  // makes a file with many aliases take minutes. An alias names the last anchor of that name before it.
  const anchors = new Map<string, YAML.Node>();
  const aliasTargets = new Map<YAML.Alias, YAML.Node>();
  y.visit(doc, {
    Node: (_key, node) => {
      if (y.isAlias(node)) {
        const target = anchors.get(node.source);
        if (target) aliasTargets.set(node, target);
      } else if (node.anchor) {
        anchors.set(node.anchor, node);
      }
    },
  });

  // Converts one node; aliases are expanded (CloudFormation has no references between nodes), within a
  // budget, so that a small file cannot expand to gigabytes. `via` is the outermost alias being expanded:
  // an alias bomb is reported where it is used.
  let aliasBudget = limits.maxAliasNodes;
  const convert = (node: unknown, depth: number, via: YAML.Alias | undefined): unknown => {
    if (deadline.over()) throw deadline.error(at(rangeOf(node)));
    // a mapping or list at depth d is at level d + 1; aliases can nest deeper than the text
    if (depth >= limits.maxDepth && (y.isMap(node) || y.isSeq(node))) throw new InputError(messages.tooDeep(limits.maxDepth), file, at(rangeOf(node)));
    if (via && --aliasBudget < 0) throw new InputError(messages.aliasBomb(limits.maxAliasNodes), file, at(rangeOf(via)));
    if (y.isAlias(node)) {
      const target = aliasTargets.get(node);
      if (!target) throw new InputError(messages.yaml(`unknown alias *${node.source}`), file, at(rangeOf(node)));
      return convert(target, depth, via ?? node);
    }
    const tag = y.isNode(node) ? node.tag : undefined;
    let value: unknown;
    if (y.isMap(node)) {
      const obj: Record<string, unknown> = {};
      const keys: string[] = [];
      const offsets: number[] = [];
      for (const pair of node.items) {
        const keyNode = pair.key;
        // a key is the text written (`012345678901:` is an account id, not the number 12345678901)
        const key = y.isScalar(keyNode) ? String(keyNode.source ?? keyNode.value) : String(convert(keyNode, depth + 1, via));
        const keyOffset = origin(rangeOf(keyNode ?? pair.value));
        if (Object.prototype.hasOwnProperty.call(obj, key)) {
          throw new InputError(messages.duplicateKey(key, position(offsets[keys.indexOf(key)])), file, position(keyOffset));
        }
        keys.push(key);
        offsets.push(keyOffset);
        const v = pair.value === null ? null : convert(pair.value, depth + 1, via);
        // "__proto__" must stay an ordinary key, not set the prototype
        if (key === '__proto__') Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
        else obj[key] = v;
      }
      const own = Object.keys(obj);
      sourceMap.setOffsets(obj, origin(rangeOf(node)), offsets, true, keys.every((k, n) => k === own[n]) ? undefined : keys);
      value = obj;
    } else if (y.isSeq(node)) {
      const arr: unknown[] = [];
      const offsets: number[] = [];
      for (const item of node.items) {
        offsets.push(origin(y.isNode(item) && item.tag ? tagOffset(src, item, writtenTag(item.tag)) : rangeOf(item)));
        arr.push(item === null ? null : convert(item, depth + 1, via));
      }
      sourceMap.setOffsets(arr, origin(rangeOf(node)), offsets, false);
      value = arr;
    } else if (y.isScalar(node)) {
      value = node.value;
    } else {
      value = null;
    }
    if (tag === undefined || CORE_TAGS.has(tag)) return value;
    // rain (the AWS CloudFormation CLI) expands its own `!Rain::*` directives before deployment: kept as opaque values
    const longForm = SHORT_FORMS.get(tag) ?? (tag.startsWith('!Rain::') ? tag.slice(1) : undefined);
    const written = writtenTag(tag);
    const offset = tagOffset(src, node, written);
    if (!longForm) throw new InputError(messages.unknownTag(written), file, at(offset));
    const arg = longForm === 'Fn::GetAtt' && typeof value === 'string' ? splitGetAtt(value) : value;
    const wrapper = { [longForm]: arg };
    sourceMap.setOffsets(wrapper, origin(offset), [origin(offset)], true);
    return wrapper;
  };
  const value = convert(doc.contents, 0, undefined);
  sourceMap.setLines(lines.lineStarts);
  const notes = lenient ? [...lenient.notes].sort((a, b) => a[0] - b[0]).map(([offset, kind]): ParseNote => ({ position: position(offset), message: LENIENT_NOTES[kind] })) : [];
  return { value, sourceMap, notes };
}

interface YamlRead {
  readonly text: string;
  readonly lineCounter: YAML.LineCounter;
  readonly tokens: readonly YAML.CST.Token[];
  /** the documents composed; none when the nesting is too deep or the time is up */
  readonly list: readonly YAML.Document.Parsed[];
  /** where the nesting first goes deeper than the limit */
  readonly deep?: number;
  /** where the walk of the syntax tree was when the time was up */
  readonly late?: number;
  /** the deepest level of nesting, for a reader that runs out of stack before it */
  readonly levels: number;
}

/**
 * The syntax tree first, built without recursion, and its depth checked before yaml composes documents from it
 * recursively: otherwise deep nesting ends in a stack overflow, found at a place that depends on the stack.
 */
function readYaml(text: string, limits: ParseLimits, deadline: Deadline): YamlRead {
  const y = yamlLibrary();
  const lineCounter = new y.LineCounter();
  const tokens = Array.from(new y.Parser(lineCounter.addNewLine).parse(text));
  let deep: number | undefined;
  let late: number | undefined;
  let levels = 0;
  walkTokens(tokens, (token, depth) => {
    if (deadline.over()) late = token.offset;
    else if (!('items' in token)) return false;
    else if (depth < limits.maxDepth) levels = Math.max(levels, depth + 1);
    else deep = token.offset;
    return late !== undefined || deep !== undefined;
  });
  const list = deep === undefined && late === undefined ? Array.from(new y.Composer({ uniqueKeys: false, version: '1.2' }).compose(tokens)) : [];
  return { text, lineCounter, tokens, list, deep, late, levels };
}

/**
 * Calls `visit` on each node of yaml's syntax tree with its depth (a document's value is at 0), in document
 * order, with a stack of its own rather than by recursion (children are pushed last first); stops when `visit`
 * returns true.
 */
function walkTokens(tokens: readonly YAML.CST.Token[], visit: (token: YAML.CST.Token, depth: number) => boolean): void {
  const stack: [YAML.CST.Token | null | undefined, number][] = tokens.map((t): [YAML.CST.Token, number] => [t, 0]).reverse();
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (!token) continue;
    if (token.type === 'document') {
      stack.push([token.value, depth]);
      continue;
    }
    if (visit(token, depth)) return;
    if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      for (let i = token.items.length - 1; i >= 0; i--) {
        const item = token.items[i];
        stack.push([item.value, depth + 1], ['key' in item ? item.key : undefined, depth + 1]);
      }
    }
  }
}

// ------------------------------------------------------------------ YAML as CloudFormation reads it

/**
 * YAML 1.2 wants every line of a flow collection (`[…]`, `{…}`) in a block, and every continuation line of a
 * quoted scalar, indented past the key they belong to. PyYAML (cfn-lint) and the readers CloudFormation uses
 * ignore indentation in both, and real templates rely on it:
 *
 *     Resource: [
 *     !Sub "arn:…",
 *     ]
 *
 * yaml stops at such a construct. The text is then read again with the lines of each one indented to its
 * first character: spaces added at the start of lines, which mean nothing inside a flow collection or a quoted
 * scalar, so the values are those PyYAML reads, and every line keeps its number. A construct that does not
 * end as PyYAML would read it (an unclosed `[`, a document marker inside) is not touched: its error stands.
 */
type LenientKind = 'flow sequence' | 'flow mapping' | 'quoted string';

const LENIENT_NOTES: Readonly<Record<LenientKind, string>> = {
  'flow sequence': 'flow sequence not indented past its key, read as CloudFormation reads it',
  'flow mapping': 'flow mapping not indented past its key, read as CloudFormation reads it',
  'quoted string': 'quoted string continued on a line not indented past its key, read as CloudFormation reads it',
};

/**
 * How many times a text is read again at most: a construct can hide another (what follows an unindented line
 * is misread), so a second reading may find more, but each reading is of the whole text.
 */
const MAX_REREADS = 4;

/** A text read again with lines indented; its offsets, and those of the notes, are in the text first read. */
interface Reindented {
  readonly text: string;
  /** spaces added at the start of lines, by line index */
  readonly added: ReadonlyMap<number, number>;
  /** the offset in the text first read of an offset in `text` */
  readonly origin: (offset: number) => number;
  /** each construct read leniently: its offset in the text first read, and what it is */
  readonly notes: ReadonlyMap<number, LenientKind>;
}

/**
 * The text to read again after `read` (of the original `text`, or of `previous`, a text already indented),
 * with the lines of each construct that yaml stopped at indented to its first character; undefined when there
 * is none to indent.
 */
function reindent(text: string, lineStarts: readonly number[], read: YamlRead, previous: Reindented | undefined): Reindented | undefined {
  const added = new Map(previous?.added);
  const notes = new Map(previous?.notes);
  const src = read.text;
  const lines = lineCounterOf(src);
  const current = lines.lineStarts;
  // a bound on the spaces added in all, so that a flow collection far to the right over many lines cannot make a
  // huge text
  let budget = text.length + 65_536 - (src.length - text.length);
  let changed = false;
  for (const { start, end, kind } of lenientConstructs(read)) {
    const first = lines.linePos(start).line - 1;
    const last = lines.linePos(end).line - 1;
    const column = start - current[first];
    let more = false;
    for (let line = first + 1; line <= last; line++) {
      let i = current[line];
      while (src.charCodeAt(i) === 0x20) i++;
      const c = src.charCodeAt(i);
      if (c === 0x0a || c === 0x0d || i - current[line] >= column) continue;
      const spaces = column - (i - current[line]);
      budget -= spaces;
      if (budget < 0) return undefined;
      added.set(line, (added.get(line) ?? 0) + spaces);
      more = true;
    }
    if (!more) continue;
    changed = true;
    notes.set(previous ? previous.origin(start) : start, kind);
  }
  if (!changed) return undefined;

  // the text first read with the spaces added, and where each indented line's content starts in it
  const indented = [...added.keys()].sort((a, b) => a - b);
  const parts: string[] = [];
  const shiftedStarts: number[] = [];
  const totals: number[] = [];
  let from = 0;
  let total = 0;
  for (const line of indented) {
    const spaces = added.get(line)!;
    parts.push(text.slice(from, lineStarts[line]), ' '.repeat(spaces));
    from = lineStarts[line];
    shiftedStarts.push(lineStarts[line] + total);
    total += spaces;
    totals.push(total);
  }
  parts.push(text.slice(from));
  const origin = (offset: number): number => {
    // the last indented line that starts at or before the offset
    let lo = 0;
    let hi = shiftedStarts.length - 1;
    if (hi < 0 || offset < shiftedStarts[0]) return offset;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (shiftedStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    // inside the spaces added: the start of the line
    return Math.max(offset - totals[lo], shiftedStarts[lo] - (lo > 0 ? totals[lo - 1] : 0));
  };
  return { text: parts.join(''), added, origin, notes };
}

/** The lines of a text, counted as yaml counts them (a line ends with `\n`). */
function lineCounterOf(text: string): YAML.LineCounter {
  const lines = new (yamlLibrary().LineCounter)();
  lines.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
  return lines;
}

/**
 * The constructs of `read` that yaml stopped at for their indentation and that end where PyYAML ends them: flow
 * collections in a block without their closing bracket, and quoted scalars yaml found no closing quote for. In
 * document order; one inside another is left to the outer one. The first whose end is not found ends the list.
 */
function lenientConstructs(read: YamlRead): { start: number; end: number; kind: LenientKind }[] {
  const unclosedQuotes = new Set<number>();
  for (const d of read.list) for (const e of d.errors) if (e.code === 'MISSING_CHAR') unclosedQuotes.add(e.pos[0]);
  const found: { start: number; kind: LenientKind }[] = [];
  walkTokens(read.tokens, (token) => {
    if (token.type === 'flow-collection') {
      const seq = token.start.source === '[';
      if (token.end[0]?.source !== (seq ? ']' : '}')) found.push({ start: token.offset, kind: seq ? 'flow sequence' : 'flow mapping' });
    } else if ((token.type === 'single-quoted-scalar' || token.type === 'double-quoted-scalar') && unclosedQuotes.has(token.offset + token.source.length)) {
      // yaml reports the missing quote just after what it read of the scalar
      found.push({ start: token.offset, kind: 'quoted string' });
    }
    return false;
  });
  found.sort((a, b) => a.start - b.start);
  const constructs: { start: number; end: number; kind: LenientKind }[] = [];
  let covered = -1;
  for (const f of found) {
    if (f.start <= covered) continue;
    const end = endAtRoot(read.text, f.start);
    // reading on past an unclosed construct, from each of the following ones, would take time quadratic in the text
    if (end === undefined) break;
    constructs.push({ ...f, end });
    covered = end;
  }
  return constructs;
}

/**
 * Where the flow collection or quoted scalar at `start` ends (its closing bracket or quote), read by yaml's
 * lexer as if it were the whole document: there, no indentation is required, as PyYAML requires none.
 * Undefined when it does not end, or a document marker ends it.
 */
function endAtRoot(text: string, start: number): number | undefined {
  const y = yamlLibrary();
  const open = text[start];
  const closers: string[] = [];
  let offset = start;
  let scalarNext = false;
  for (const token of new y.Lexer().lex(text.slice(start))) {
    const type = y.CST.tokenType(token);
    // markers the lexer adds, which are not in the text
    if (type === 'doc-mode' || token === '\x1f') {
      scalarNext = token === '\x1f';
      continue;
    }
    if (type === 'flow-error-end') return undefined;
    const end = offset;
    offset += token.length;
    if (open === "'" || open === '"') return token.length > 1 && text[offset - 1] === open && type?.endsWith('quoted-scalar') ? offset - 1 : undefined;
    if (scalarNext) {
      scalarNext = false;
    } else if (type === 'flow-seq-start' || type === 'flow-map-start') {
      closers.push(type === 'flow-seq-start' ? ']' : '}');
    } else if (type === 'flow-seq-end' || type === 'flow-map-end') {
      if (closers.pop() !== token) return undefined;
      if (closers.length === 0) return end;
    }
  }
  return undefined;
}

/** A tag as written: YAML 1.1 types (`!!binary`, `!!set`, `!!timestamp`…) and language tags (`!!js/function`) are written `!!…`. */
function writtenTag(tag: string): string {
  return tag.replace(/^tag:yaml\.org,2002:/, '!!');
}

/** `!GetAtt Db.Endpoint.Address` → `['Db', 'Endpoint.Address']`: the logical id never holds a dot. */
function splitGetAtt(value: string): string[] {
  const dot = value.indexOf('.');
  return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
}

/**
 * How far before its value the text of a tag is looked for: a tag made by a `%TAG` shorthand is not written
 * anywhere, and looking through all the text before each such node took time quadratic in the text.
 */
const TAG_WINDOW = 1024;

/**
 * What may stand between a tag and its value: spaces, comments and an anchor. Each part ends only where the
 * next cannot continue it, so there is one way to match a text, and the time taken is linear (`&\S+` with no
 * such end took time exponential in a run of `&` written in a comment).
 */
const TAG_TO_VALUE = /^(?:\s|#[^\n]*(?![^\n])|&\S+(?!\S))*$/;

/**
 * Where the tag of `node` is written. yaml keeps no position for tags, only for the value after them; the tag
 * is the last occurrence of its text shortly before the value with nothing but spaces, comments or an anchor
 * between, else the value itself.
 */
function tagOffset(text: string, node: unknown, tag: string): number {
  const start = rangeOf(node);
  const from = Math.max(0, start - TAG_WINDOW);
  const before = text.slice(from, start);
  const at = before.lastIndexOf(tag);
  return at >= 0 && TAG_TO_VALUE.test(before.slice(at + tag.length)) ? from + at : start;
}

function rangeOf(node: unknown): number {
  const y = yamlLibrary();
  if (y.isNode(node) && node.range) return node.range[0];
  if (y.isPair(node)) return rangeOf(node.key ?? node.value);
  return 0;
}

function describeYamlError(error: YAML.YAMLError, levels: number, limits: ParseLimits): string {
  switch (error.code) {
    case 'TAB_AS_INDENT': return messages.yamlTabs();
    // yaml composes collections recursively, and may run out of stack below a high limit (flow collections
    // take the most stack a level, and how much stack is left depends on the caller)
    case 'RESOURCE_EXHAUSTION': return messages.tooDeepForReader(levels, limits.maxDepth);
    default: return messages.yaml(lowerFirst(error.message.split('\n')[0].replace(/ at line \d+, column \d+.*$/, '')));
  }
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
