/**
 * Carries out one operation on JSON text as a splice at the offsets jsonc-parser gives, so that the rest of
 * the file stays byte for byte as it was. New properties and items are written in the file's own layout:
 * its indentation unit (tabs or N spaces, from its first indented line) and line ending for a multi-line
 * object, on one line for an object written on one line, minified in a minified file.
 */
import * as jsonc from 'jsonc-parser';
import type { FixValue } from '../engine/finding';
import { formatPath } from '../template/path';
import { Refusal, type Operation, type Tree } from './plan';
import { eolOf, lineIndent, type Splice } from './text';

/** A JSON text read for splicing: its tree, with the offsets of its nodes. */
export interface JsonText {
  readonly text: string;
  readonly root: jsonc.Node | undefined;
}

export function readJson(text: string): JsonText {
  return { text, root: jsonc.parseTree(text, [], { disallowComments: true }) };
}

/** The splice that carries out `op` on the text; a Refusal when the JSON at its path is not what the operation expects. */
export function jsonSplice({ text, root }: JsonText, op: Operation): Splice {
  const node = root && jsonc.findNodeAtLocation(root, op.path as (string | number)[]);
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
          insert: container('{', '}', property, text, node),
        };
      if (node.type !== 'object') throw new Refusal(`${formatPath(op.path)} is not a mapping`);
      return add(text, node, property, '{', '}');
    }
    case 'append': {
      if (node.type !== 'array') throw new Refusal(`${formatPath(op.path)} is not a list`);
      return add(text, node, (layout) => render(op.item, layout), '[', ']');
    }
  }
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
function add(text: string, node: jsonc.Node, entry: (layout: Layout) => string, open: string, close: string): Splice {
  const children = node.children ?? [];
  if (children.length === 0)
    return { start: node.offset, end: node.offset + node.length, insert: container(open, close, entry, text, node) };
  const last = children[children.length - 1];
  const end = last.offset + last.length;
  const multiLine = text.slice(node.offset, children[0].offset).includes('\n');
  const layout = layoutOf(text, multiLine ? lineIndent(text, last.offset) : undefined);
  const sep = multiLine ? `,${layout.eol}${layout.indent}` : layout.comma;
  return { start: end, insert: sep + entry(layout) };
}

/** An object or array of one entry, in place of an empty one (or of `null`). */
function container(
  open: string,
  close: string,
  entry: (layout: Layout) => string,
  text: string,
  node: jsonc.Node,
): string {
  // a minified file stays minified
  if (!text.trim().includes('\n')) {
    const layout = layoutOf(text, undefined);
    const pad = open === '{' ? layout.inObject : layout.inArray;
    return open + pad + entry(layout) + pad + close;
  }
  const base = lineIndent(text, node.offset);
  const layout = layoutOf(text, base + indentUnit(text));
  return `${open}${layout.eol}${layout.indent}${entry(layout)}${layout.eol}${base}${close}`;
}

function layoutOf(text: string, indent: string | undefined): Layout {
  // separators as the file writes them on one line: `"a": 1, "b": 2` or `"a":1,"b":2`
  const spaced = /":\s/.test(text);
  const inObject = /\{ "/.test(text) ? ' ' : '';
  const inArray = /\[ [^\s\]]/.test(text) ? ' ' : '';
  return {
    indent,
    unit: indentUnit(text),
    eol: eolOf(text),
    colon: spaced ? ': ' : ':',
    comma: spaced ? ', ' : ',',
    inObject,
    inArray,
  };
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
