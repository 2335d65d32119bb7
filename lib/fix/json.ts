/**
 * Carries out one operation on JSON text as a splice at the offsets jsonc-parser gives, so that the rest of
 * the file stays byte for byte as it was. New properties and items are written in the file's own layout:
 * its indentation unit (tabs or N spaces, from its first indented line) and line ending for a multi-line
 * object, on one line for an object written on one line, minified in a minified file.
 */
import * as jsonc from 'jsonc-parser';
import type { FixValue } from '../engine/finding';
import { formatPath, type JsonPath } from '../template/path';
import { Refusal, type Operation, type Tree } from './plan';
import { firstWithKey } from './lookup';
import { eolOf, lineIndent, type Splice } from './text';

/** A JSON text read for splicing: its tree, with the offsets of its nodes, and how the file is laid out. */
export interface JsonText {
  readonly text: string;
  readonly root: jsonc.Node | undefined;
  /** the file's layout, with no indentation of its own: an entry's is where it goes */
  readonly file: Layout;
  /** the whole file on one line */
  readonly minified: boolean;
}

/** Reads JSON text for {@link jsonSplice}, once for all the splices made on it. */
export function readJson(text: string): JsonText {
  // separators as the file writes them on one line: `"a": 1, "b": 2` or `"a":1,"b":2`
  const spaced = /":\s/.test(text);
  return {
    text,
    root: jsonc.parseTree(text, [], { disallowComments: true }),
    file: {
      unit: indentUnit(text),
      eol: eolOf(text),
      colon: spaced ? ': ' : ':',
      comma: spaced ? ', ' : ',',
      inObject: /\{ "/.test(text) ? ' ' : '',
      inArray: /\[ [^\s\]]/.test(text) ? ' ' : '',
    },
    minified: !text.trim().includes('\n'),
  };
}

/**
 * The splice that carries out `op` on the text; a Refusal when the JSON at its path is not what the operation
 * expects.
 */
export function jsonSplice(read: JsonText, op: Operation): Splice {
  const { root } = read;
  const node = root && nodeAt(root, op.path);
  if (!node) throw new Refusal(`${formatPath(op.path)} does not exist`);

  switch (op.kind) {
    case 'replace': {
      if (node.type === 'object' || node.type === 'array') throw new Refusal(`${formatPath(op.path)} is not a value`);
      // a value written as a string stays a string ("false" → "true")
      const written = node.type === 'string' ? JSON.stringify(String(op.value)) : JSON.stringify(op.value);
      return { start: node.offset, end: node.offset + node.length, insert: written };
    }
    case 'insert': {
      const property = (layout: Layout): string =>
        `${JSON.stringify(op.key)}${layout.colon}${render(op.value, layout)}`;
      if (node.type === 'null')
        return {
          start: node.offset,
          end: node.offset + node.length,
          insert: container('{', '}', property, read, node),
        };
      if (node.type !== 'object') throw new Refusal(`${formatPath(op.path)} is not a mapping`);
      return add(read, node, property, '{', '}');
    }
    case 'append': {
      if (node.type !== 'array') throw new Refusal(`${formatPath(op.path)} is not a list`);
      return add(read, node, (layout) => render(op.item, layout), '[', ']');
    }
  }
}

/**
 * The node at `path`, as jsonc-parser's `findNodeAtLocation` finds it (the first property of a repeated key),
 * with a large object (`Resources`) indexed once per tree: a round of fixes looks up one resource in it per fix.
 */
function nodeAt(root: jsonc.Node, path: JsonPath): jsonc.Node | undefined {
  let node: jsonc.Node | undefined = root;
  for (const seg of path) {
    if (node?.type === 'array' && typeof seg === 'number') node = node.children?.[seg];
    else if (node?.type === 'object' && typeof seg === 'string') node = propertyOf(node, seg);
    else return undefined;
  }
  return node;
}

function propertyOf(object: jsonc.Node, key: string): jsonc.Node | undefined {
  // a property without its value (the text ends in it) is passed over
  const keyOf = (p: jsonc.Node): string | undefined =>
    p.children?.length === 2 ? (p.children[0].value as string) : undefined;
  return firstWithKey(object, object.children ?? [], keyOf, key)?.children![1];
}

/** How new text is laid out where it goes. */
interface Layout {
  /** the indentation of the entry's line; undefined: on one line */
  readonly indent?: string;
  readonly unit: string;
  readonly eol: string;
  readonly colon: string;
  readonly comma: string;
  /** spaces inside the brackets of an object or array written on one line: `{ "a": 1 }` */
  readonly inObject: string;
  readonly inArray: string;
}

/** Adds an entry at the end of an object or array, laid out like the entries already there. */
function add(read: JsonText, node: jsonc.Node, entry: (layout: Layout) => string, open: string, close: string): Splice {
  const { text } = read;
  const children = node.children ?? [];
  if (children.length === 0)
    return { start: node.offset, end: node.offset + node.length, insert: container(open, close, entry, read, node) };
  const last = children[children.length - 1];
  const end = last.offset + last.length;
  const multiLine = text.slice(node.offset, children[0].offset).includes('\n');
  const layout = { ...read.file, indent: multiLine ? lineIndent(text, last.offset) : undefined };
  const sep = multiLine ? `,${layout.eol}${layout.indent}` : layout.comma;
  return { start: end, insert: sep + entry(layout) };
}

/** An object or array of one entry, in place of an empty one (or of `null`). */
function container(
  open: string,
  close: string,
  entry: (layout: Layout) => string,
  read: JsonText,
  node: jsonc.Node,
): string {
  // a minified file stays minified
  if (read.minified) {
    const pad = open === '{' ? read.file.inObject : read.file.inArray;
    return open + pad + entry(read.file) + pad + close;
  }
  const base = lineIndent(read.text, node.offset);
  const layout = { ...read.file, indent: base + read.file.unit };
  return `${open}${layout.eol}${layout.indent}${entry(layout)}${layout.eol}${base}${close}`;
}

/** A value in JSON: indented like the file when the entry has its own line, on one line otherwise. */
function render(tree: Tree, layout: Layout): string {
  if (layout.indent === undefined) return oneLine(tree, layout);
  return JSON.stringify(tree, null, layout.unit)
    .split('\n')
    .join(layout.eol + layout.indent);
}

function oneLine(tree: Tree, layout: Layout): string {
  const { inArray: a, inObject: o } = layout;
  if (Array.isArray(tree)) return `[${a}${tree.map((t) => oneLine(t, layout)).join(layout.comma)}${a}]`;
  if (typeof tree === 'object')
    return `{${o}${Object.entries(tree)
      .map(([k, v]) => `${JSON.stringify(k)}${layout.colon}${oneLine(v, layout)}`)
      .join(layout.comma)}${o}}`;
  return JSON.stringify(tree as FixValue);
}

/** The file's indentation unit: its first indented line's (a tab, or that many spaces); two spaces otherwise. */
function indentUnit(text: string): string {
  const m = /\n([ \t]+)\S/.exec(text);
  return m ? (m[1].startsWith('\t') ? '\t' : m[1]) : '  ';
}
