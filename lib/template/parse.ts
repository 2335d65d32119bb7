/**
 * JSON and YAML parsing into plain values with source positions. YAML short-form tags (`!Ref`, `!GetAtt a.b`,
 * `!Sub`, …) become their long JSON forms (`{ "Ref": … }`, `{ "Fn::GetAtt": ["a", "b"] }`), so everything
 * after parsing sees one shape whatever the file format.
 */
import * as jsonc from 'jsonc-parser';
import * as YAML from 'yaml';
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
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (bytes.includes(0)) throw new InputError(messages.binary(), file);
  const text = new TextDecoder('utf-8').decode(bytes);
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
  const sourceMap = new SourceMap();
  const value = format === 'json' ? parseJson(text, file, sourceMap, limits) : parseYaml(text, file, sourceMap, limits);
  return { file, format, value, sourceMap };
}

// ---------------------------------------------------------------------------------------------- JSON

interface JsonFrame {
  readonly value: Record<string, unknown> | unknown[];
  readonly start: Position;
  readonly keys?: Map<string, Position>;
  readonly items?: Position[];
  pendingKey?: string;
}

function parseJson(text: string, file: string, sourceMap: SourceMap, limits: ParseLimits): unknown {
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
  return root;
}

function describeJsonError(code: jsonc.ParseErrorCode, text: string, offset: number): string {
  const found = offset >= text.length ? 'end of file' : `'${text[offset]}'`;
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

function parseYaml(text: string, file: string, sourceMap: SourceMap, limits: ParseLimits): unknown {
  const lineCounter = new YAML.LineCounter();
  const docs = YAML.parseAllDocuments(text, { lineCounter, uniqueKeys: false, prettyErrors: false, version: '1.2' });
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  // parseAllDocuments returns an empty EmptyStream when there is no document at all (e.g. only comments)
  const list = Array.isArray(docs) ? docs : [];
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
  YAML.visit(doc, {
    Node: (_key, node) => {
      if (YAML.isAlias(node)) {
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
    if (depth > limits.maxDepth) throw new InputError(messages.tooDeep(limits.maxDepth), file, at(rangeOf(node)));
    if (via && --aliasBudget < 0) throw new InputError(messages.aliasBomb(limits.maxAliasNodes), file, at(rangeOf(via)));
    if (YAML.isAlias(node)) {
      const target = aliasTargets.get(node);
      if (!target) throw new InputError(messages.yaml(`unknown alias *${node.source}`), file, at(rangeOf(node)));
      return convert(target, depth, via ?? node);
    }
    const tag = YAML.isNode(node) ? node.tag : undefined;
    let value: unknown;
    if (YAML.isMap(node)) {
      const obj: Record<string, unknown> = {};
      const keys = new Map<string, Position>();
      for (const pair of node.items) {
        const keyNode = pair.key;
        // a key is the text written (`012345678901:` is an account id, not the number 12345678901)
        const key = YAML.isScalar(keyNode) ? String(keyNode.source ?? keyNode.value) : String(convert(keyNode, depth + 1, via));
        const keyPos = at(rangeOf(keyNode ?? pair.value));
        const first = keys.get(key);
        if (first) throw new InputError(messages.duplicateKey(key, first), file, keyPos);
        keys.set(key, keyPos);
        Object.defineProperty(obj, key, {
          value: pair.value === null ? null : convert(pair.value, depth + 1, via),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      sourceMap.set(obj, { start: at(rangeOf(node)), keys });
      value = obj;
    } else if (YAML.isSeq(node)) {
      const arr: unknown[] = [];
      const items: Position[] = [];
      for (const item of node.items) {
        items.push(at(YAML.isNode(item) && item.tag ? tagOffset(text, item, item.tag) : rangeOf(item)));
        arr.push(item === null ? null : convert(item, depth + 1, via));
      }
      sourceMap.set(arr, { start: at(rangeOf(node)), items });
      value = arr;
    } else if (YAML.isScalar(node)) {
      value = node.value;
    } else {
      value = null;
    }
    if (tag === undefined || tag.startsWith('tag:yaml.org,2002:')) return value;
    // rain (the AWS CloudFormation CLI) expands its own `!Rain::*` directives before deployment: kept as opaque values
    const longForm = SHORT_FORMS.get(tag) ?? (tag.startsWith('!Rain::') ? tag.slice(1) : undefined);
    const pos = at(tagOffset(text, node, tag));
    if (!longForm) throw new InputError(messages.unknownTag(tag), file, pos);
    const arg = longForm === 'Fn::GetAtt' && typeof value === 'string' ? splitGetAtt(value) : value;
    const wrapper = { [longForm]: arg };
    sourceMap.set(wrapper, { start: pos, keys: new Map([[longForm, pos]]) });
    return wrapper;
  };
  return convert(doc.contents, 0, undefined);
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
  if (YAML.isNode(node) && node.range) return node.range[0];
  if (YAML.isPair(node)) return rangeOf(node.key ?? node.value);
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
