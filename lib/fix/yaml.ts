/**
 * Carries out one operation on YAML text as a splice at the positions `yaml`'s document gives, so that every
 * byte outside the change stays as it was: comments, quoting, flow or block style, blank lines. New keys go
 * at the end of their mapping with the document's own indentation; a replaced scalar keeps its quotes.
 */
import * as YAML from 'yaml';
import type { FixValue } from '../engine/finding';
import { formatPath, type JsonPath } from '../template/path';
import { firstWithKey } from './lookup';
import { Refusal, type Operation, type Tree } from './plan';
import { eolOf, lineEnd, lineStart, type Splice } from './text';

/** How the document is written: a nested mapping's indentation, a block list's under its key (0: none), quotes. */
interface Style {
  readonly step: number;
  readonly seq: number;
  readonly eol: string;
  /** single quotes for a new string that needs quotes, when the document uses them more than double quotes */
  readonly singleQuote: boolean;
}

/** A YAML text read for splicing: its document (with the positions of its nodes) and how it is written. */
export interface YamlText {
  readonly text: string;
  readonly doc: YAML.Document;
  readonly style: Style;
}

/** Reads YAML text for {@link yamlSplice}; a Refusal when its positions cannot be trusted. */
export function readYaml(text: string): YamlText {
  const doc = YAML.parseDocument(text, { version: '1.2', uniqueKeys: false });
  // a file scan reads leniently (a flow list or quoted string not indented past its key) is one yaml misreads:
  // its positions cannot be trusted for a splice
  if (doc.errors.length > 0)
    throw new Refusal(
      'the file is YAML that CloudFormation reads but YAML 1.2 does not (see its note); fix it by hand',
    );
  return { text, doc, style: styleOf(doc, text) };
}

/**
 * The splice that carries out `op` on the text; a Refusal when the YAML at its path cannot be changed safely (an
 * alias, a block scalar).
 */
export function yamlSplice({ text, doc, style }: YamlText, op: Operation): Splice {
  const { node, pair } = nodeAt(doc, op.path);
  const col = (offset: number): number => offset - lineStart(text, offset);
  const pad = (n: number): string => ' '.repeat(n);

  switch (op.kind) {
    case 'replace': {
      if (!YAML.isScalar(node) || !node.range) throw new Refusal(`${formatPath(op.path)} is not a value`);
      const [start, end] = node.range;
      const written = restyle(node, op.value, op.path, style);
      // a comment after the value keeps its column, where the spaces before it allow
      const gap = /^( +)#/.exec(text.slice(end, lineEnd(text, end)));
      const spaces = gap ? ' '.repeat(Math.max(1, gap[1].length + (end - start) - written.length)) : '';
      return { start, end: gap ? end + gap[1].length : end, insert: written + spaces };
    }
    case 'insert': {
      if (isEmptyValue(node)) {
        // `Properties:` with nothing after it: the new key goes on the next line, one step in
        if (!pair || !YAML.isNode(pair.key) || !pair.key.range)
          throw new Refusal(`${formatPath(op.path)} is not a mapping`);
        const indent = col(pair.key.range[0]) + style.step;
        return {
          start: lineEnd(text, pair.key.range[1]),
          insert: style.eol + pad(indent) + blockEntry(op.key, op.value, indent, style),
        };
      }
      if (!YAML.isMap(node) || !node.range) throw new Refusal(`${formatPath(op.path)} is not a mapping`);
      if (node.flow) return insertFlow(text, node, `${op.key}: ${flow(op.value, style)}`, '{');
      const first = node.items[0].key;
      if (!YAML.isNode(first) || !first.range)
        throw new Refusal(`${formatPath(op.path)} has a key that is not a value`);
      const indent = col(first.range[0]);
      return {
        start: blockEnd(text, contentEnd(node, text), indent),
        insert: style.eol + pad(indent) + blockEntry(op.key, op.value, indent, style),
      };
    }
    case 'append': {
      if (!YAML.isSeq(node) || !node.range) throw new Refusal(`${formatPath(op.path)} is not a list`);
      if (node.flow) return insertFlow(text, node, flow(op.item, style), '[');
      const dash = col(node.range[0]);
      const firstItem = node.items[0];
      const itemCol = YAML.isNode(firstItem) && firstItem.range ? col(firstItem.range[0]) : dash + 2;
      return {
        start: blockEnd(text, contentEnd(node, text), dash),
        insert: style.eol + pad(dash) + '- ' + itemBody(op.item, itemCol, style),
      };
    }
  }
}

/** The node at `path` (null: a key written with no value) and the pair that holds it, when in a mapping. */
function nodeAt(doc: YAML.Document, path: JsonPath): { node: unknown; pair?: YAML.Pair } {
  let node: unknown = doc.contents;
  let pair: YAML.Pair | undefined;
  for (let i = 0; i < path.length; i++) {
    if (YAML.isAlias(node)) throw new Refusal(`${formatPath(path.slice(0, i))} is a YAML alias`);
    const seg = path[i];
    if (YAML.isMap(node)) {
      pair = firstWithKey(node, node.items, (p) => keyText(p.key), String(seg));
      if (!pair) throw new Refusal(`${formatPath(path.slice(0, i + 1))} does not exist`);
      node = pair.value;
    } else if (YAML.isSeq(node) && typeof seg === 'number') {
      pair = undefined;
      node = node.items[seg];
    } else {
      throw new Refusal(`${formatPath(path.slice(0, i))} is not a mapping or list`);
    }
  }
  if (YAML.isAlias(node)) throw new Refusal(`${formatPath(path)} is a YAML alias`);
  return { node, pair };
}

function keyText(key: unknown): string {
  return YAML.isScalar(key) ? String(key.source ?? key.value) : String(key);
}

/** A key written with nothing after it (`Properties:`); an explicit `null` or `~` is a value, and not touched. */
function isEmptyValue(node: unknown): boolean {
  return (
    node === null || (YAML.isScalar(node) && node.value === null && !!node.range && node.range[0] === node.range[1])
  );
}

/** The new text of a scalar: the new value, written in the quotes of the old one. */
function restyle(node: YAML.Scalar, value: FixValue, path: JsonPath, style: Style): string {
  switch (node.type) {
    case 'QUOTE_SINGLE':
      return `'${String(value).replace(/'/g, "''")}'`;
    case 'QUOTE_DOUBLE':
      return JSON.stringify(String(value));
    case 'PLAIN':
      return scalar(value, style);
    default:
      throw new Refusal(`${formatPath(path)} is a block scalar`);
  }
}

/** A new scalar: plain when YAML reads it back as the same value, quoted otherwise (the string "true"). */
function scalar(value: FixValue, style: Style): string {
  return YAML.stringify(value, { lineWidth: 0, singleQuote: style.singleQuote }).trimEnd();
}

function flow(tree: Tree, style: Style): string {
  if (Array.isArray(tree)) return `[${tree.map((t) => flow(t, style)).join(', ')}]`;
  if (typeof tree === 'object')
    return `{ ${Object.entries(tree)
      .map(([k, v]) => `${k}: ${flow(v, style)}`)
      .join(', ')} }`;
  return scalar(tree as FixValue, style);
}

/** `key: value` in block style, `indent` being the column of `key`. */
function blockEntry(key: string, tree: Tree, indent: number, style: Style): string {
  if (Array.isArray(tree)) {
    const col = indent + style.seq;
    return `${key}:` + tree.map((item) => style.eol + ' '.repeat(col) + '- ' + itemBody(item, col + 2, style)).join('');
  }
  if (typeof tree === 'object') {
    const col = indent + style.step;
    return (
      `${key}:` +
      Object.entries(tree)
        .map(([k, v]) => style.eol + ' '.repeat(col) + blockEntry(k, v, col, style))
        .join('')
    );
  }
  return `${key}: ${scalar(tree as FixValue, style)}`;
}

/** A list item after its `- `: a mapping's first entry on the dash's line, the others aligned under it. */
function itemBody(item: Tree, col: number, style: Style): string {
  if (typeof item !== 'object' || Array.isArray(item)) return flow(item, style);
  return Object.entries(item)
    .map(([k, v], i) => (i === 0 ? '' : style.eol + ' '.repeat(col)) + blockEntry(k, v, col, style))
    .join('');
}

/** Adds an entry at the end of a flow mapping or list: after its last entry, or inside the empty brackets. */
function insertFlow(text: string, node: YAML.YAMLMap | YAML.YAMLSeq, entry: string, open: '{' | '['): Splice {
  const last = node.items[node.items.length - 1];
  const lastNode = YAML.isPair(last) ? (last.value ?? last.key) : last;
  if (YAML.isNode(lastNode) && lastNode.range) return { start: lastNode.range[1], insert: `, ${entry}` };
  const [start, end] = node.range!;
  if (text[start] !== open) throw new Refusal('unexpected flow collection');
  return { start: start + 1, end: end - 1, insert: open === '{' ? ` ${entry} ` : entry };
}

/**
 * Where the last thing written in a block node ends: its last scalar or flow value, not the comments and
 * blank lines the node's range also covers.
 */
function contentEnd(node: unknown, text: string): number {
  let end: number;
  if (YAML.isMap(node) && !node.flow && node.items.length > 0) {
    const last = node.items[node.items.length - 1];
    end = isEmptyValue(last.value) ? contentEnd(last.key, text) : contentEnd(last.value, text);
  } else if (YAML.isSeq(node) && !node.flow && node.items.length > 0) {
    end = contentEnd(node.items[node.items.length - 1], text);
  } else if (YAML.isNode(node) && node.range) {
    end = node.range[1];
  } else {
    throw new Refusal('a mapping entry without a position');
  }
  while (end > 0 && /\s/.test(text[end - 1])) end--;
  return end;
}

/**
 * Where an entry at column `indent` goes after the block node whose content ends at `end`: the end of that line,
 * or of the comment lines right after it indented deeper than `indent`, which belong to the block (commented-out
 * entries such as `#   CacheClusterEnabled: true` under `Properties`). Blank lines go along only when such a
 * comment follows them; comments at `indent` or less stay after the new entry (they open what comes next).
 */
function blockEnd(text: string, end: number, indent: number): number {
  let at = lineEnd(text, end);
  for (let next = at; ;) {
    const start = text.indexOf('\n', next) + 1;
    if (start === 0) return at;
    next = lineEnd(text, start);
    const line = text.slice(start, next);
    if (line.trim() === '') continue;
    const comment = /^([ \t]*)#/.exec(line);
    if (!comment || comment[1].length <= indent) return at;
    at = next;
  }
}

/** The document's indentation: the first nested block mapping and block list tell; two spaces otherwise. */
function styleOf(doc: YAML.Document, text: string): Style {
  const col = (offset: number): number => offset - lineStart(text, offset);
  let step: number | undefined;
  let seq: number | undefined;
  const quotes = { QUOTE_SINGLE: 0, QUOTE_DOUBLE: 0 };
  YAML.visit(doc, {
    Scalar(_, node) {
      if (node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE') quotes[node.type]++;
    },
    Pair(_, pair) {
      if (!YAML.isNode(pair.key) || !pair.key.range) return;
      const keyCol = col(pair.key.range[0]);
      const value = pair.value;
      if (
        step === undefined &&
        YAML.isMap(value) &&
        !value.flow &&
        YAML.isNode(value.items[0]?.key) &&
        value.items[0].key.range
      ) {
        const d = col(value.items[0].key.range[0]) - keyCol;
        if (d > 0) step = d;
      }
      if (seq === undefined && YAML.isSeq(value) && !value.flow && value.range)
        seq = Math.max(0, col(value.range[0]) - keyCol);
    },
  });
  return {
    step: step ?? 2,
    seq: seq ?? step ?? 2,
    eol: eolOf(text),
    singleQuote: quotes.QUOTE_SINGLE > quotes.QUOTE_DOUBLE,
  };
}
