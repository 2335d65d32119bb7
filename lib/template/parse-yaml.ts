/**
 * YAML parsing for `parseDocument` (parse.ts): short-form tags become their long forms, and YAML that CloudFormation
 * reads though YAML 1.2 does not is read as CloudFormation reads it, with a note. Templates are read by opslint's
 * own reader (yaml-fast.ts) when it can; everything else, errors and leniency included, by the yaml library here.
 */
import type * as YAML from 'yaml';
import { InputError, messages } from './errors';
import type { Deadline, ParseLimits, ParseNote, Parsed } from './parse';
import { SourceMap, type Position } from './source';
import { readYamlFast, SHORT_FORMS, splitGetAtt } from './yaml-fast';

/** The tags of YAML 1.2's core schema, which CloudFormation reads as plain values (`!!str 0123`). */
const CORE_TAGS: ReadonlySet<string> = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`),
);

/** The yaml library, loaded with the first YAML document: a scan of JSON templates does without its modules. */
let yamlModule: typeof YAML | undefined;
function yamlLibrary(): typeof YAML {
  return (yamlModule ??= require('yaml') as typeof YAML);
}

/**
 * YAML as CloudFormation templates are written is read by a reader of opslint's own (yaml-fast.ts), several
 * times faster; anything it is not sure of is read by the yaml library ({@link parseYamlExact}).
 */
export function parseYaml(text: string, file: string, limits: ParseLimits, deadline: Deadline): Parsed {
  return readYamlFast(text, limits.maxDepth, deadline) ?? parseYamlExact(text, file, limits, deadline);
}

/** YAML read with the yaml library: every error with its message and position, lenient YAML, aliases, limits. */
export function parseYamlExact(text: string, file: string, limits: ParseLimits, deadline: Deadline): Parsed {
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
  // what yaml stops at for its indentation is found in the syntax tree, before documents are composed from it
  // (the costlier half of yaml's reading; each such construct is an error there)
  for (let pass = 0; pass < MAX_REREADS && read.deep === undefined && read.late === undefined; pass++) {
    const constructs = lenientConstructs(read);
    if (constructs.length === 0) break;
    // the lines yaml counted can miss some past an error: counted again from the text
    if (!lenient) lines = lineCounterOf(text);
    const again = reindent(text, lines.lineStarts, read.text, constructs, lenient);
    if (!again) break;
    lenient = again;
    // the text indented is most often YAML that opslint's reader takes, several times faster than yaml's
    const quick = readYamlFast(again.text, limits.maxDepth, deadline);
    if (quick) {
      quick.sourceMap.moveOffsets(again.origin, lines.lineStarts);
      return { value: quick.value, sourceMap: quick.sourceMap, notes: notesOf(again, position) };
    }
    read = readYaml(again.text, limits, deadline);
  }
  const { deep, late } = read;
  const src = read.text;
  if (late !== undefined) throw deadline.error(at(late));
  if (deep !== undefined) throw new InputError(messages.tooDeep(limits.maxDepth), file, at(deep));
  const list = composeDocuments(read.tokens);
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
    if (depth >= limits.maxDepth && (y.isMap(node) || y.isSeq(node)))
      throw new InputError(messages.tooDeep(limits.maxDepth), file, at(rangeOf(node)));
    if (via && --aliasBudget < 0)
      throw new InputError(messages.aliasBomb(limits.maxAliasNodes), file, at(rangeOf(via)));
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
        const key = y.isScalar(keyNode)
          ? String(keyNode.source ?? keyNode.value)
          : String(convert(keyNode, depth + 1, via));
        const keyOffset = origin(rangeOf(keyNode ?? pair.value));
        if (Object.prototype.hasOwnProperty.call(obj, key)) {
          throw new InputError(
            messages.duplicateKey(key, position(offsets[keys.indexOf(key)])),
            file,
            position(keyOffset),
          );
        }
        keys.push(key);
        offsets.push(keyOffset);
        const v = pair.value === null ? null : convert(pair.value, depth + 1, via);
        // "__proto__" must stay an ordinary key, not set the prototype
        if (key === '__proto__')
          Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
        else obj[key] = v;
      }
      const own = Object.keys(obj);
      sourceMap.setOffsets(
        obj,
        origin(rangeOf(node)),
        offsets,
        true,
        keys.every((k, n) => k === own[n]) ? undefined : keys,
      );
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
  return { value, sourceMap, notes: lenient ? notesOf(lenient, position) : [] };
}

/** A note for each construct read leniently, in the order of the text. */
function notesOf(lenient: Reindented, position: (offset: number) => Position): ParseNote[] {
  return [...lenient.notes]
    .sort((a, b) => a[0] - b[0])
    .map(([offset, kind]): ParseNote => ({ position: position(offset), message: LENIENT_NOTES[kind] }));
}

/** A text read by yaml as far as its syntax tree, which says where the text is read leniently. */
interface YamlRead {
  readonly text: string;
  readonly lineCounter: YAML.LineCounter;
  readonly tokens: readonly YAML.CST.Token[];
  /** where the nesting first goes deeper than the limit */
  readonly deep?: number;
  /** where the walk of the syntax tree was when the time was up */
  readonly late?: number;
  /** the deepest level of nesting, for a reader that runs out of stack before it */
  readonly levels: number;
}

/**
 * The syntax tree, built without recursion, and its depth checked before yaml composes documents from it
 * recursively ({@link composeDocuments}): otherwise deep nesting ends in a stack overflow, found at a place that
 * depends on the stack.
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
  return { text, lineCounter, tokens, deep, late, levels };
}

/** The documents of a syntax tree whose depth {@link readYaml} checked. */
function composeDocuments(tokens: readonly YAML.CST.Token[]): YAML.Document.Parsed[] {
  const y = yamlLibrary();
  return withoutStackTraces(() => Array.from(new y.Composer({ uniqueKeys: false, version: '1.2' }).compose(tokens)));
}

/**
 * Runs `fn` with no stack trace captured for the errors made meanwhile. yaml makes an Error for each problem it
 * finds and goes on; only their codes, messages and offsets are read here. A text with many problems makes as many
 * (two per construct read leniently), and capturing their stacks took a quarter of the time of reading it.
 */
function withoutStackTraces<T>(fn: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return fn();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Calls `visit` on each node of yaml's syntax tree with its depth (a document's value is at 0), in document
 * order, with a stack of its own rather than by recursion (children are pushed last first); stops when `visit`
 * returns true.
 */
function walkTokens(tokens: readonly YAML.CST.Token[], visit: (token: YAML.CST.Token, depth: number) => boolean): void {
  const stack: [YAML.CST.Token | null | undefined, number][] = tokens
    .map((t): [YAML.CST.Token, number] => [t, 0])
    .reverse();
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
 * The constructs are found in yaml's syntax tree, without composing documents from it, and the text indented is
 * read by opslint's own reader when it can (yaml-fast.ts), its offsets moved back to the text as written.
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
 * The text to read again after `src` (the original `text`, or `previous`'s text, already indented), with the lines
 * of each of `src`'s `constructs` indented to its first character; undefined when there is none to indent.
 */
function reindent(
  text: string,
  lineStarts: readonly number[],
  src: string,
  constructs: readonly LenientConstruct[],
  previous: Reindented | undefined,
): Reindented | undefined {
  const added = new Map(previous?.added);
  const notes = new Map(previous?.notes);
  const lines = lineCounterOf(src);
  const current = lines.lineStarts;
  // a bound on the spaces added in all, so that a flow collection far to the right over many lines cannot make a
  // huge text
  let budget = text.length + 65_536 - (src.length - text.length);
  let changed = false;
  for (const { start, end, kind } of constructs) {
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

/** A construct that yaml stops at for its indentation, from its first character to its closing bracket or quote. */
interface LenientConstruct {
  readonly start: number;
  readonly end: number;
  readonly kind: LenientKind;
}

/**
 * The constructs of `read` that yaml stopped at for their indentation and that end where PyYAML ends them: flow
 * collections in a block without their closing bracket, and quoted scalars without their closing quote (where
 * yaml's composer reports a missing quote). In document order; one inside another is left to the outer one. The
 * first whose end is not found ends the list.
 */
function lenientConstructs(read: YamlRead): LenientConstruct[] {
  const found: { start: number; kind: LenientKind }[] = [];
  walkTokens(read.tokens, (token) => {
    if (token.type === 'flow-collection') {
      const seq = token.start.source === '[';
      if (token.end[0]?.source !== (seq ? ']' : '}'))
        found.push({ start: token.offset, kind: seq ? 'flow sequence' : 'flow mapping' });
    } else if (token.type === 'single-quoted-scalar' || token.type === 'double-quoted-scalar') {
      const { source } = token;
      if (source.length === 1 || source[source.length - 1] !== source[0])
        found.push({ start: token.offset, kind: 'quoted string' });
    }
    return false;
  });
  found.sort((a, b) => a.start - b.start);
  const constructs: LenientConstruct[] = [];
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
    if (open === "'" || open === '"')
      return token.length > 1 && text[offset - 1] === open && type?.endsWith('quoted-scalar') ? offset - 1 : undefined;
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
    case 'TAB_AS_INDENT':
      return messages.yamlTabs();
    // yaml composes collections recursively, and may run out of stack below a high limit (flow collections
    // take the most stack a level, and how much stack is left depends on the caller)
    case 'RESOURCE_EXHAUSTION':
      return messages.tooDeepForReader(levels, limits.maxDepth);
    default:
      return messages.yaml(lowerFirst(error.message.split('\n')[0].replace(/ at line \d+, column \d+.*$/, '')));
  }
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
