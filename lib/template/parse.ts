/**
 * JSON and YAML parsing into plain values with source positions. YAML short-form tags (`!Ref`, `!GetAtt a.b`,
 * `!Sub`, …) become their long JSON forms (`{ "Ref": … }`, `{ "Fn::GetAtt": ["a", "b"] }`), so everything
 * after parsing sees one shape whatever the file format.
 */
import { isAscii } from 'node:buffer';
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
}

/** Bounds on what a document may make the parser do. */
export interface ParseLimits {
  /** deepest nesting of mappings and lists accepted */
  readonly maxDepth: number;
  /** most nodes that YAML aliases may expand to, in all */
  readonly maxAliasNodes: number;
}

/** The bounds used unless others are given. */
export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxDepth: 256, maxAliasNodes: 100_000 };

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
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** JSON when the name says so or the text starts with `{`; YAML otherwise. */
export function detectFormat(file: string, text: string): DocumentFormat {
  if (/\.json$/i.test(file)) return 'json';
  if (/\.ya?ml$/i.test(file)) return 'yaml';
  return /^\s*[{[]/.test(text) ? 'json' : 'yaml';
}

/** Parses JSON or YAML (short-form tags in their long form); throws {@link InputError} with a position. */
export function parseDocument(
  text: string,
  file: string,
  format: DocumentFormat = detectFormat(file, text),
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): ParsedDocument {
  if (text.trim() === '') throw new InputError(messages.emptyFile(), file);
  const { value, sourceMap } = format === 'json' ? parseJson(text, file, limits) : parseYaml(text, file, limits);
  return { file, format, value, sourceMap };
}

// ---------------------------------------------------------------------------------------------- JSON

interface Parsed {
  readonly value: unknown;
  readonly sourceMap: SourceMap;
}

/**
 * JSON in two passes: the engine's own `JSON.parse` for the value (several times faster than any parser
 * written in JS), then one walk over the text for the positions of each object, key and item, matched with
 * the parsed value as it goes. Anything unusual (invalid JSON, duplicate keys, nesting past the limit) goes
 * to {@link parseJsonExact}, which says precisely what is wrong and where.
 */
function parseJson(text: string, file: string, limits: ParseLimits): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return parseJsonExact(text, file, limits);
  }
  return locateJson(text, value, limits.maxDepth) ?? parseJsonExact(text, file, limits);
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
function locateJson(text: string, value: unknown, maxDepth: number): Parsed | undefined {
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
function parseJsonExact(text: string, file: string, limits: ParseLimits): Parsed {
  const sourceMap = new SourceMap();
  const stack: JsonFrame[] = [];
  let root: unknown;
  let hasRoot = false;
  const at = (line: number, character: number): Position => ({ line: line + 1, column: character + 1 });

  const attach = (value: unknown, pos: Position): void => {
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

function parseYaml(text: string, file: string, limits: ParseLimits): Parsed {
  const y = yamlLibrary();
  const lineCounter = new y.LineCounter();
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  // The syntax tree first, built without recursion, and its depth checked before yaml composes documents from
  // it recursively: otherwise deep nesting ends in a stack overflow, found at a place that depends on the stack.
  const tokens = Array.from(new y.Parser(lineCounter.addNewLine).parse(text));
  const deep = tooDeepToken(tokens, limits.maxDepth);
  if (deep !== undefined) throw new InputError(messages.tooDeep(limits.maxDepth), file, at(deep));
  const list = Array.from(new y.Composer({ uniqueKeys: false, version: '1.2' }).compose(tokens));
  const sourceMap = new SourceMap(lineCounter.lineStarts);
  if (list.length === 0) throw new InputError(messages.emptyFile(), file);
  const doc = list[0];
  for (const d of list) {
    const error = d.errors[0];
    if (error) throw new InputError(describeYamlError(error, limits), file, at(error.pos[0]));
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
        const keyOffset = rangeOf(keyNode ?? pair.value);
        if (Object.prototype.hasOwnProperty.call(obj, key)) {
          throw new InputError(messages.duplicateKey(key, at(offsets[keys.indexOf(key)])), file, at(keyOffset));
        }
        keys.push(key);
        offsets.push(keyOffset);
        const v = pair.value === null ? null : convert(pair.value, depth + 1, via);
        // "__proto__" must stay an ordinary key, not set the prototype
        if (key === '__proto__') Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
        else obj[key] = v;
      }
      const own = Object.keys(obj);
      sourceMap.setOffsets(obj, rangeOf(node), offsets, true, keys.every((k, n) => k === own[n]) ? undefined : keys);
      value = obj;
    } else if (y.isSeq(node)) {
      const arr: unknown[] = [];
      const offsets: number[] = [];
      for (const item of node.items) {
        offsets.push(y.isNode(item) && item.tag ? tagOffset(text, item, item.tag) : rangeOf(item));
        arr.push(item === null ? null : convert(item, depth + 1, via));
      }
      sourceMap.setOffsets(arr, rangeOf(node), offsets, false);
      value = arr;
    } else if (y.isScalar(node)) {
      value = node.value;
    } else {
      value = null;
    }
    if (tag === undefined || CORE_TAGS.has(tag)) return value;
    // rain (the AWS CloudFormation CLI) expands its own `!Rain::*` directives before deployment: kept as opaque values
    const longForm = SHORT_FORMS.get(tag) ?? (tag.startsWith('!Rain::') ? tag.slice(1) : undefined);
    // YAML 1.1 types (`!!binary`, `!!set`, `!!timestamp`…) and language tags (`!!js/function`) are written `!!…`
    const written = tag.replace(/^tag:yaml\.org,2002:/, '!!');
    const offset = tagOffset(text, node, written);
    if (!longForm) throw new InputError(messages.unknownTag(written), file, at(offset));
    const arg = longForm === 'Fn::GetAtt' && typeof value === 'string' ? splitGetAtt(value) : value;
    const wrapper = { [longForm]: arg };
    sourceMap.setOffsets(wrapper, offset, [offset], true);
    return wrapper;
  };
  const value = convert(doc.contents, 0, undefined);
  sourceMap.setLines(lineCounter.lineStarts);
  return { value, sourceMap };
}

/**
 * The offset of the first mapping or list nested more than `maxDepth` levels deep in yaml's syntax tree, if
 * any, found with a stack of its own rather than by recursion (in document order: children are pushed last
 * first).
 */
function tooDeepToken(tokens: readonly YAML.CST.Token[], maxDepth: number): number | undefined {
  const stack: [YAML.CST.Token | null | undefined, number][] = tokens.map((t): [YAML.CST.Token, number] => [t, 0]).reverse();
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (!token) continue;
    if (token.type === 'document') {
      stack.push([token.value, depth]);
    } else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth >= maxDepth) return token.offset;
      for (let i = token.items.length - 1; i >= 0; i--) {
        const item = token.items[i];
        stack.push([item.value, depth + 1], ['key' in item ? item.key : undefined, depth + 1]);
      }
    }
  }
  return undefined;
}

/** `!GetAtt Db.Endpoint.Address` → `['Db', 'Endpoint.Address']`: the logical id never holds a dot. */
function splitGetAtt(value: string): string[] {
  const dot = value.indexOf('.');
  return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
}

/**
 * Where the tag of `node` is written. yaml keeps no position for tags, only for the value after them; the tag
 * is the last occurrence of its text before the value with nothing but spaces, comments or an anchor between.
 */
function tagOffset(text: string, node: unknown, tag: string): number {
  const start = rangeOf(node);
  const at = text.lastIndexOf(tag, start);
  return at >= 0 && /^(?:\s|#[^\n]*|&\S+)*$/.test(text.slice(at + tag.length, start)) ? at : start;
}

function rangeOf(node: unknown): number {
  const y = yamlLibrary();
  if (y.isNode(node) && node.range) return node.range[0];
  if (y.isPair(node)) return rangeOf(node.key ?? node.value);
  return 0;
}

function describeYamlError(error: YAML.YAMLError, limits: ParseLimits): string {
  switch (error.code) {
    case 'TAB_AS_INDENT': return messages.yamlTabs();
    // yaml runs out of stack on nesting far deeper than the limit, before the limit is checked
    case 'RESOURCE_EXHAUSTION': return messages.tooDeep(limits.maxDepth);
    default: return messages.yaml(lowerFirst(error.message.split('\n')[0].replace(/ at line \d+, column \d+.*$/, '')));
  }
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
