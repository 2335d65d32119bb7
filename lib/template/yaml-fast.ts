/**
 * A fast reader for the YAML that CloudFormation templates are written in: block mappings and sequences, flow
 * collections, plain, quoted and block scalars, comments and the short-form tags, read in one pass over the
 * characters into the value and its source map. It gives exactly what the yaml-library path of parseYaml
 * (parse-yaml.ts) gives: the same values (YAML 1.2 core schema), the same offsets, the same key order.
 *
 * It reads only what it is sure of and gives up on anything else (anchors and aliases, `!!` tags, directives,
 * explicit keys, tabs outside scalars, line ends other than LF, several documents, unusual indentation, duplicate keys, any
 * syntax error, nesting near the limit): parseYaml then reads the text with the yaml library, whose messages,
 * notes and limits stay those users see. test/yaml-fast.test.ts holds it to that path on every fixture, the
 * corpus and mutations of them.
 */
import type { Deadline, Parsed } from './parse';
import { SourceMap } from './source';

/** Short-form tags and the long-form key each one stands for. */
export const SHORT_FORMS: ReadonlyMap<string, string> = new Map(
  [
    'Base64',
    'Cidr',
    'FindInMap',
    'GetAtt',
    'GetAZs',
    'ImportValue',
    'Join',
    'Select',
    'Split',
    'Sub',
    'Transform',
    'And',
    'Equals',
    'If',
    'Not',
    'Or',
    'ToJsonString',
    'Length',
    'Contains',
    'EachMemberEquals',
    'EachMemberIn',
    'RefAll',
    'ValueOf',
    'ValueOfAll',
  ]
    .map((name): [string, string] => [`!${name}`, `Fn::${name}`])
    .concat([
      ['!Ref', 'Ref'],
      ['!Condition', 'Condition'],
    ]),
);

/** `!GetAtt Db.Endpoint.Address` → `['Db', 'Endpoint.Address']`: the logical id never holds a dot. */
export function splitGetAtt(value: string): string[] {
  const dot = value.indexOf('.');
  return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
}

/**
 * Nesting the fast reader leaves to the yaml library: that path reports depth past the limit, and may run
 * out of stack well below a high limit; no real template nests this deep.
 */
const MAX_FAST_DEPTH = 64;

/** Containers this deep or shallower (0: the document) are bound by identity in the source map; see SourceMap. */
const BOUND_DEPTH = 2;

/** Keys longer than this are left to the yaml library, which limits implicit keys to 1024 characters. */
const MAX_KEY_LENGTH = 1000;

/** Thrown to give up; caught in {@link readYamlFast}. */
const GIVE_UP = { giveUp: true };

const SPACE = 0x20;
const LF = 0x0a;
const TAB = 0x09;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;
const BANG = 0x21;
const COMMA = 0x2c;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const BACKSLASH = 0x5c;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const PIPE = 0x7c;
const GT = 0x3e;
const DOT = 0x2e;

/** Characters that start something other than a plain scalar (indicators), by code. */
const INDICATOR = new Uint8Array(128);
for (const c of ',[]{}#&*!|>\'"%@`?:-') INDICATOR[c.charCodeAt(0)] = 1;

/** Characters that end a plain scalar inside a flow collection. */
const FLOW_END = new Uint8Array(128);
for (const c of ',[]{}') FLOW_END[c.charCodeAt(0)] = 1;

/** Carriage returns and byte order marks, whose every use the fast reader leaves to the yaml library. */
const LEFT_TO_YAML = /[\r\ufeff]/;
const RAIN_TAG = /^!Rain::[A-Za-z0-9]+$/;
const NULL = /^(?:~|[Nn]ull|NULL)$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_SPECIAL = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** The value of a plain scalar in YAML 1.2's core schema, tested in the order the yaml library tests its tags. */
function resolvePlain(s: string): unknown {
  const c = s.charCodeAt(0);
  if (c === 0x7e || c === 0x6e || c === 0x4e) return NULL.test(s) ? null : s;
  if (c === 0x74 || c === 0x54 || c === 0x66 || c === 0x46) return BOOL.test(s) ? c === 0x74 || c === 0x54 : s;
  if (!((c >= 0x30 && c <= 0x39) || c === 0x2b || c === DASH || c === DOT)) return s;
  if (INT_OCT.test(s)) return parseInt(s.slice(2), 8);
  if (INT.test(s)) return parseInt(s, 10);
  if (INT_HEX.test(s)) return parseInt(s.slice(2), 16);
  if (FLOAT_SPECIAL.test(s)) {
    if (s.slice(-3).toLowerCase() === 'nan') return NaN;
    return s.charCodeAt(0) === DASH ? -Infinity : Infinity;
  }
  if (FLOAT_EXP.test(s) || FLOAT.test(s)) return parseFloat(s);
  return s;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};
const HEX_DIGITS: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

/**
 * The value and source map of `text`, or undefined when the text is not in the subset read here (the caller
 * then reads it with the yaml library). `maxDepth`: the nesting limit, reported by the other path.
 */
export function readYamlFast(text: string, maxDepth: number, deadline: Deadline): Parsed | undefined {
  if (LEFT_TO_YAML.test(text)) return undefined;
  try {
    return new Reader(text, Math.min(maxDepth, MAX_FAST_DEPTH), deadline).document();
  } catch (error) {
    if (error === GIVE_UP) return undefined;
    throw error;
  }
}

function giveUp(): never {
  throw GIVE_UP;
}

class Reader {
  private readonly n: number;
  /** the current offset */
  private i = 0;
  /** where the current line starts */
  private ls = 0;
  /** after a block node: the column of the next content, at `i`; -1 at the end of the text */
  private col = -1;
  /** the record of the last node read (-1: a scalar) */
  private rec = -1;
  private readonly sourceMap = new SourceMap();
  /** each open container's keys' or items' offsets and records, innermost last (as in parse-json.ts) */
  private readonly pending: number[] = [];

  constructor(
    private readonly s: string,
    private readonly maxDepth: number,
    private readonly deadline: Deadline,
  ) {
    this.n = s.length;
  }

  document(): Parsed {
    const s = this.s;
    let col = this.lineContent(true);
    if (col === 0 && s.startsWith('---', this.i)) {
      this.i += 3;
      this.endOfLine();
      col = this.lineContent(false);
    }
    if (col < 0) giveUp();
    const c = s.charCodeAt(this.i);
    // a template is a mapping: a scalar or a list at the root is left to the other path and its messages
    if (c === DASH || c === LBRACKET || c === BANG) giveUp();
    const value = this.blockNode(col, -1, 0, NODE_LINE);
    if (this.col >= 0 || this.rec < 0) giveUp();
    const lineStarts = [0];
    for (let j = s.indexOf('\n'); j >= 0; j = s.indexOf('\n', j + 1)) lineStarts.push(j + 1);
    this.sourceMap.setLines(lineStarts);
    return { value, sourceMap: this.sourceMap };
  }

  // ------------------------------------------------------------------ lines

  /** Past the rest of the line: spaces, a comment, the line end; anything else gives up. */
  private endOfLine(): void {
    const s = this.s;
    let i = this.i;
    while (s.charCodeAt(i) === SPACE) i++;
    if (s.charCodeAt(i) === HASH) {
      if (i !== this.ls && s.charCodeAt(i - 1) !== SPACE) giveUp();
      i = s.indexOf('\n', i);
      if (i < 0) i = this.n;
    }
    if (i < this.n) {
      if (s.charCodeAt(i) !== LF) giveUp();
      i++;
      this.ls = i;
    }
    this.i = i;
  }

  /**
   * From the start of a line, past blank and comment lines to the next content: its column, or -1 at the end
   * of the text. A document marker gives up unless `marker`, where it is left for the caller.
   */
  private lineContent(marker: boolean): number {
    const s = this.s;
    let i = this.i;
    let ls = this.ls;
    for (;;) {
      while (s.charCodeAt(i) === SPACE) i++;
      if (i >= this.n) {
        this.i = i;
        this.ls = ls;
        return -1;
      }
      const c = s.charCodeAt(i);
      if (c === HASH) {
        i = s.indexOf('\n', i);
        if (i < 0) i = this.n;
        continue;
      }
      if (c === LF) {
        ls = ++i;
        continue;
      }
      this.i = i;
      this.ls = ls;
      if (i === ls && (c === DASH || c === DOT) && isMarker(s, i) && !marker) giveUp();
      return i - ls;
    }
  }

  // ------------------------------------------------------------------ block nodes

  /**
   * The node at `this.i`, in column `col`, in a block collection indented `parent` (-1: the document); `at`
   * says what the node follows (a line start, `- `, `key: ` or a tag), which rules out some nodes. Leaves the
   * next content's column in `this.col` and the node's record in `this.rec`.
   */
  private blockNode(col: number, parent: number, depth: number, at: NodeAt): unknown {
    const s = this.s;
    const c = s.charCodeAt(this.i);
    if (c === DASH && isBlank(s.charCodeAt(this.i + 1), this.i + 1, this.n)) {
      // a list at the start of a line, or as an item (`- - a`)
      if (at !== NODE_LINE && at !== NODE_ITEM) giveUp();
      return this.blockSeq(col, depth);
    }
    if (c === BANG) {
      if (at === NODE_TAGGED) giveUp();
      return this.taggedBlock(parent, depth);
    }
    if (c === LBRACKET || c === LBRACE) {
      const value = this.flowCollection(parent, depth);
      this.endOfLine();
      this.col = this.lineContent(false);
      return value;
    }
    if (c === PIPE || c === GT) {
      if (at === NODE_LINE) giveUp();
      const value = this.blockScalar(parent);
      this.rec = -1;
      return value;
    }
    const keyOffset = this.i;
    let scalar: string;
    let plain = false;
    if (c === DQUOTE || c === SQUOTE) {
      scalar = this.quoted(parent);
    } else {
      if (c >= 128 ? false : INDICATOR[c] === 1) {
        if (!(c === DASH || c === COLON || c === 0x3f) || isBlank(s.charCodeAt(this.i + 1), this.i + 1, this.n))
          giveUp();
      }
      scalar = this.plainLine();
      plain = true;
    }
    // a key: a mapping starts here
    let j = this.i;
    while (s.charCodeAt(j) === SPACE) j++;
    if (s.charCodeAt(j) === COLON && isBlank(s.charCodeAt(j + 1), j + 1, this.n)) {
      if (at !== NODE_LINE && at !== NODE_ITEM) giveUp();
      if (!plain && s.lastIndexOf('\n', this.i) >= keyOffset) giveUp();
      if (j - keyOffset > MAX_KEY_LENGTH) giveUp();
      this.i = j;
      return this.blockMap(col, depth, scalar, keyOffset);
    }
    this.rec = -1;
    if (!plain) {
      this.endOfLine();
      this.col = this.lineContent(false);
      return scalar;
    }
    if (parent < 0) giveUp();
    if (s.charCodeAt(this.i) === LF) scalar = this.plainMore(scalar, parent);
    this.endOfLine();
    this.col = this.lineContent(false);
    // a tag stands for a function, not a type: its value is the text (`!Ref 123` is the string '123')
    return at === NODE_TAGGED ? scalar : resolvePlain(scalar);
  }

  /** A block mapping in column `col`, whose first key has been read; `this.i` is at its colon. */
  private blockMap(col: number, depth: number, firstKey: string, firstOffset: number): unknown {
    if (depth >= this.maxDepth || this.deadline.over()) giveUp();
    const s = this.s;
    const obj: Record<string, unknown> = {};
    const pending = this.pending;
    const begin = pending.length;
    let key = firstKey;
    let keyOffset = firstOffset;
    let written: string[] | undefined;
    for (;;) {
      // at the colon
      this.i++;
      if (obj[key] !== undefined && Object.prototype.hasOwnProperty.call(obj, key)) giveUp();
      written = this.written(obj, key, written);
      const value = this.mapValue(col, depth);
      pending.push(keyOffset, this.rec);
      // "__proto__" must stay an ordinary key, not set the prototype
      if (key === '__proto__')
        Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
      else obj[key] = value;
      if (this.col !== col) {
        if (this.col > col) giveUp();
        break;
      }
      // the next key
      keyOffset = this.i;
      const k = s.charCodeAt(keyOffset);
      if (k === DQUOTE || k === SQUOTE) {
        key = this.quoted(col);
        if (s.lastIndexOf('\n', this.i) >= keyOffset) giveUp();
      } else {
        if (k < 128 && INDICATOR[k] === 1) {
          if (!(k === DASH || k === COLON || k === 0x3f) || isBlank(s.charCodeAt(keyOffset + 1), keyOffset + 1, this.n))
            giveUp();
        }
        key = this.plainLine();
      }
      let j = this.i;
      while (s.charCodeAt(j) === SPACE) j++;
      if (s.charCodeAt(j) !== COLON || !isBlank(s.charCodeAt(j + 1), j + 1, this.n)) giveUp();
      if (j - keyOffset > MAX_KEY_LENGTH) giveUp();
      this.i = j;
    }
    return this.closeMap(obj, firstOffset, begin, depth, written);
  }

  /** The value after `key:` (at `this.i`, just past the colon) of a mapping in column `col`. */
  private mapValue(col: number, depth: number): unknown {
    const s = this.s;
    let i = this.i;
    while (s.charCodeAt(i) === SPACE) i++;
    this.i = i;
    const c = s.charCodeAt(i);
    if (i < this.n && c !== LF && c !== HASH) return this.blockNode(i - this.ls, col, depth + 1, NODE_VALUE);
    this.endOfLine();
    const from = this.i;
    const next = this.lineContent(false);
    if (next > col) {
      const at = this.i;
      const value = this.blockNode(next, col, depth + 1, NODE_LINE);
      // the yaml library misreads a scalar after a comment in column 0 (it reads what follows as a key)
      if (this.rec < 0 && commentInColumn0(s, from, at)) giveUp();
      return value;
    }
    // a list may be written at its key's indentation
    if (next === col && s.charCodeAt(this.i) === DASH && isBlank(s.charCodeAt(this.i + 1), this.i + 1, this.n))
      return this.blockSeq(next, depth + 1);
    this.col = next;
    this.rec = -1;
    return null;
  }

  /** A block sequence in column `col`, at its first `-`. */
  private blockSeq(col: number, depth: number): unknown {
    if (depth >= this.maxDepth || this.deadline.over()) giveUp();
    const s = this.s;
    const start = this.i;
    const arr: unknown[] = [];
    const pending = this.pending;
    const begin = pending.length;
    for (;;) {
      // at the dash
      let i = this.i + 1;
      while (s.charCodeAt(i) === SPACE) i++;
      this.i = i;
      const c = s.charCodeAt(i);
      let item: unknown;
      let offset: number;
      if (i < this.n && c !== LF && c !== HASH) {
        offset = i;
        item = this.blockNode(i - this.ls, col, depth + 1, NODE_ITEM);
      } else {
        this.endOfLine();
        const next = this.lineContent(false);
        // an empty item is left to the other path
        if (next <= col) giveUp();
        offset = this.i;
        item = this.blockNode(next, col, depth + 1, NODE_LINE);
      }
      pending.push(offset, this.rec);
      arr.push(item);
      if (this.col !== col) {
        if (this.col > col) giveUp();
        break;
      }
      if (s.charCodeAt(this.i) !== DASH || !isBlank(s.charCodeAt(this.i + 1), this.i + 1, this.n)) break;
    }
    return this.closeSeq(arr, start, begin, depth);
  }

  /** A tagged node in block context (the tag at `this.i`), as its long form `{ 'Fn::X': value }`. */
  private taggedBlock(parent: number, depth: number): unknown {
    const s = this.s;
    const tagOffset = this.i;
    const longForm = this.tag();
    let i = this.i;
    while (s.charCodeAt(i) === SPACE) i++;
    this.i = i;
    const c = s.charCodeAt(i);
    let value: unknown;
    if (i < this.n && c !== LF) {
      if (c === HASH) giveUp();
      value = this.blockNode(i - this.ls, parent, depth, NODE_TAGGED);
    } else {
      // a collection on the lines below, or nothing: an empty string (`!GetAZs`)
      this.endOfLine();
      const next = this.lineContent(false);
      if (next > parent) {
        // one tag a node
        if (s.charCodeAt(this.i) === BANG) giveUp();
        value = this.blockNode(next, parent, depth, NODE_LINE);
        if (this.rec < 0) giveUp();
      } else {
        // a list at the key's indentation may be the tagged value
        if (next === parent && s.charCodeAt(this.i) === DASH) giveUp();
        value = '';
        this.col = next;
        this.rec = -1;
      }
    }
    return this.wrap(longForm, value, tagOffset, depth);
  }

  /** Reads a short-form tag at `this.i`: its long form. */
  private tag(): string {
    const s = this.s;
    let j = this.i + 1;
    for (;;) {
      const c = s.charCodeAt(j);
      if (j >= this.n || c === SPACE || c === LF) break;
      if (c < 128 && FLOW_END[c] === 1) giveUp();
      j++;
    }
    const tag = s.slice(this.i, j);
    // rain (the AWS CloudFormation CLI) expands its own `!Rain::*` directives before deployment: kept as opaque values
    const longForm = SHORT_FORMS.get(tag) ?? (RAIN_TAG.test(tag) ? tag.slice(1) : undefined);
    if (longForm === undefined) giveUp();
    this.i = j;
    return longForm;
  }

  private wrap(longForm: string, value: unknown, tagOffset: number, depth: number): unknown {
    const arg = longForm === 'Fn::GetAtt' && typeof value === 'string' ? splitGetAtt(value) : value;
    const wrapper = { [longForm]: arg };
    const pending = this.pending;
    const begin = pending.length;
    pending.push(tagOffset, arg === value ? this.rec : -1);
    const record = this.sourceMap.addRecord(tagOffset, pending, true, begin);
    pending.length = begin;
    if (depth <= BOUND_DEPTH) this.sourceMap.bind(wrapper, record);
    this.rec = record;
    return wrapper;
  }

  /** `written`: the keys in the order written, kept from the first integer-like key on (JS objects list those first). */
  private closeMap(
    obj: Record<string, unknown>,
    start: number,
    begin: number,
    depth: number,
    written: string[] | undefined,
  ): Record<string, unknown> {
    const pending = this.pending;
    if (written) {
      const own = Object.keys(obj);
      if (written.every((k, n) => k === own[n])) written = undefined;
    }
    const record = this.sourceMap.addRecord(start, pending, true, begin);
    pending.length = begin;
    if (depth <= BOUND_DEPTH || written) this.sourceMap.bind(obj, record, written);
    this.rec = record;
    return obj;
  }

  /**
   * The keys written so far, with `key` next, once one of them may be integer-like: before the first, the
   * object's own order is the order written.
   */
  private written(obj: object, key: string, written: string[] | undefined): string[] | undefined {
    if (written) written.push(key);
    else {
      const c = key.charCodeAt(0);
      if (c >= 0x30 && c <= 0x39) (written = Object.keys(obj)).push(key);
    }
    return written;
  }

  private closeSeq(arr: unknown[], start: number, begin: number, depth: number): unknown[] {
    const pending = this.pending;
    const record = this.sourceMap.addRecord(start, pending, false, begin);
    pending.length = begin;
    if (depth <= BOUND_DEPTH) this.sourceMap.bind(arr, record);
    this.rec = record;
    return arr;
  }

  // ------------------------------------------------------------------ scalars

  /**
   * The first line of a plain scalar in block context, from `this.i` to a `: `, a comment or the line end
   * (trailing spaces dropped); `this.i` is left there.
   */
  private plainLine(): string {
    const s = this.s;
    const n = this.n;
    const start = this.i;
    let j = start;
    for (; j < n; j++) {
      const c = s.charCodeAt(j);
      if (c === LF) break;
      if (c === COLON) {
        if (isBlank(s.charCodeAt(j + 1), j + 1, n)) break;
      } else if (c === SPACE && s.charCodeAt(j + 1) === HASH) break;
      else if (c === TAB) giveUp();
    }
    let end = j;
    while (end > start && s.charCodeAt(end - 1) === SPACE) end--;
    this.i = end;
    return s.slice(start, end);
  }

  /**
   * A plain scalar continued on the lines below its first (`first`, read; `this.i` at its line end), in a block
   * collection indented `parent`: lines folded into spaces, blank lines into line feeds.
   */
  private plainMore(first: string, parent: number): string {
    const s = this.s;
    const n = this.n;
    let value = first;
    let j = this.i;
    let blank = 0;
    while (j < n) {
      // j at a line end
      const lineStart = j + 1;
      let m = lineStart;
      while (s.charCodeAt(m) === SPACE) m++;
      if (m >= n) break;
      const c = s.charCodeAt(m);
      if (c === LF) {
        blank++;
        j = m;
        continue;
      }
      if (m - lineStart <= parent || c === HASH) break;
      if ((c === DASH || c === COLON || c === 0x3f) && isBlank(s.charCodeAt(m + 1), m + 1, n)) giveUp();
      let e = m;
      for (; e < n; e++) {
        const d = s.charCodeAt(e);
        if (d === LF) break;
        if (d === COLON && isBlank(s.charCodeAt(e + 1), e + 1, n)) giveUp();
        if ((d === SPACE && s.charCodeAt(e + 1) === HASH) || d === TAB) giveUp();
      }
      let end = e;
      while (s.charCodeAt(end - 1) === SPACE) end--;
      value += (blank === 0 ? ' ' : '\n'.repeat(blank)) + s.slice(m, end);
      blank = 0;
      this.i = end;
      this.ls = lineStart;
      j = e;
    }
    return value;
  }

  /**
   * A single- or double-quoted scalar at `this.i`, continued on lines indented past `parent` if need be;
   * `this.i` is left past its closing quote.
   */
  private quoted(parent: number): string {
    const s = this.s;
    const q = s.charCodeAt(this.i);
    const start = this.i + 1;
    const close = s.indexOf(q === DQUOTE ? '"' : "'", start);
    if (close < 0) giveUp();
    // most are on one line, without escapes
    const body = s.slice(start, close);
    if (!body.includes('\n') && (q === DQUOTE ? !body.includes('\\') : s.charCodeAt(close + 1) !== SQUOTE)) {
      this.i = close + 1;
      return body;
    }
    return this.quotedScalar(parent, q);
  }

  /**
   * A quoted scalar whose quote `q` is at `this.i`: `''` is a quote in a single-quoted one, escapes are read in a
   * double-quoted one; line breaks fold, and white space around them is trimmed.
   */
  private quotedScalar(parent: number, q: number): string {
    const s = this.s;
    let out = '';
    let kept = 0;
    let j = this.i + 1;
    for (;;) {
      if (j >= this.n) giveUp();
      const c = s.charCodeAt(j);
      if (c === q) {
        if (q === DQUOTE || s.charCodeAt(j + 1) !== SQUOTE) break;
        out += "'";
        kept = out.length;
        j += 2;
      } else if (c === BACKSLASH && q === DQUOTE) {
        const e = s[j + 1];
        if (e === '\n') {
          // an escaped line break: nothing, and the next line's indentation dropped
          j += 2;
          this.ls = j;
          const m = this.continuation(j, parent);
          if (s.charCodeAt(m) === LF) giveUp();
          j = m;
          kept = out.length;
          continue;
        }
        const simple = ESCAPES[e];
        if (simple !== undefined) {
          out += simple;
          j += 2;
        } else {
          const digits = HEX_DIGITS[e];
          if (digits === undefined) giveUp();
          const hex = s.slice(j + 2, j + 2 + digits);
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== digits) giveUp();
          const code = parseInt(hex, 16);
          if (code > 0x10ffff) giveUp();
          out += String.fromCodePoint(code);
          j += 2 + digits;
        }
        kept = out.length;
      } else if (c === LF) {
        out = out.slice(0, kept);
        j = this.fold(j, parent);
        out += this.folded;
        kept = out.length;
      } else {
        // white space is trimmed around folded line breaks: tabs are left to the other path
        if (c === TAB) giveUp();
        out += s[j];
        if (c !== SPACE) kept = out.length;
        j++;
      }
    }
    this.i = j + 1;
    return out;
  }

  /** What a line break in a quoted scalar folds to, set by {@link fold}. */
  private folded = '';

  /**
   * A line break in a quoted scalar at `j`: sets {@link folded} (a space, or a line feed for each blank line
   * after it) and returns where the next line's content starts.
   */
  private fold(j: number, parent: number): number {
    const s = this.s;
    let blank = 0;
    let m = j;
    for (;;) {
      this.ls = m + 1;
      m = this.continuation(m + 1, parent);
      if (s.charCodeAt(m) !== LF) break;
      blank++;
    }
    this.folded = blank === 0 ? ' ' : '\n'.repeat(blank);
    return m;
  }

  /** Past the indentation of a continuation line of a quoted scalar that starts at `lineStart`: it must be past `parent`. */
  private continuation(lineStart: number, parent: number): number {
    const s = this.s;
    let m = lineStart;
    while (s.charCodeAt(m) === SPACE) m++;
    if (m >= this.n) giveUp();
    if (s.charCodeAt(m) !== LF && m - lineStart <= parent) giveUp();
    if (m === lineStart && isMarker(s, m)) giveUp();
    return m;
  }

  /**
   * A literal (`|`) or folded (`>`) block scalar, its header at `this.i`, in a block collection indented `parent`.
   * Leaves the next content's column in `this.col`.
   */
  private blockScalar(parent: number): string {
    const s = this.s;
    const n = this.n;
    const folded = s.charCodeAt(this.i) === GT;
    // the header: chomping (`-` strip, `+` keep) and an indentation indicator, in either order
    let i = this.i + 1;
    let keep = false;
    let strip = false;
    let explicit = 0;
    for (let k = 0; k < 2; k++) {
      const c = s.charCodeAt(i);
      if ((c === 0x2b || c === DASH) && !keep && !strip) {
        keep = c === 0x2b;
        strip = !keep;
        i++;
      } else if (c >= 0x31 && c <= 0x39 && explicit === 0) {
        explicit = c - 0x30;
        i++;
      }
    }
    const h = s.charCodeAt(i);
    if (i < n && h !== SPACE && h !== LF) giveUp();
    this.i = i;
    this.endOfLine();
    // the indentation: given past the parent's, or that of the first line with content (blank lines before it
    // may not be longer)
    let j = this.i;
    let leading = 0;
    let longest = 0;
    let indent = parent + explicit;
    while (explicit === 0) {
      let m = j;
      while (s.charCodeAt(m) === SPACE) m++;
      const c = s.charCodeAt(m);
      if (c === LF) {
        leading++;
        longest = Math.max(longest, m - j);
        j = m + 1;
        continue;
      }
      // a last line of spaces without a line break is read in ways of its own: left to the other path
      if (m >= n && m > j) giveUp();
      if (m >= n || m - j <= parent) {
        // no content: nothing, or the line breaks kept
        this.i = j;
        this.ls = j;
        this.col = this.lineContent(false);
        return keep ? '\n'.repeat(leading) : '';
      }
      if (c === TAB) giveUp();
      indent = m - j;
      break;
    }
    if (longest > indent) giveUp();
    // the lines: their text past the indentation, blank lines as ''
    const lines: string[] = [];
    for (let b = 0; b < leading; b++) lines.push('');
    let lastContent = -1;
    let end = j;
    for (;;) {
      let m = j;
      while (s.charCodeAt(m) === SPACE && m - j < indent) m++;
      const c = s.charCodeAt(m);
      if (m >= n) {
        if (m > j) giveUp();
        break;
      }
      if (c === LF) {
        lines.push('');
        j = m + 1;
        continue;
      }
      if (m - j < indent) break;
      let e = s.indexOf('\n', m);
      if (e < 0) e = n;
      if (c === SPACE || c === TAB) {
        // a line of white space past the indentation is left to the other path
        let w = m;
        while (s.charCodeAt(w) === SPACE || s.charCodeAt(w) === TAB) w++;
        if (w === e) giveUp();
      }
      lines.push(s.slice(m, e));
      lastContent = lines.length - 1;
      j = e + 1;
      end = Math.min(j, n);
    }
    if (lastContent < 0) giveUp();
    const trailing = lines.length - 1 - lastContent;
    let body: string;
    if (!folded) {
      body = lines.slice(0, lastContent + 1).join('\n');
    } else {
      body = '';
      let blanks = 0;
      let previous: string | undefined;
      for (let k = 0; k <= lastContent; k++) {
        const line = lines[k];
        if (line === '') {
          blanks++;
          continue;
        }
        if (previous === undefined) body += '\n'.repeat(blanks);
        else if (isWhite(previous.charCodeAt(0)) || isWhite(line.charCodeAt(0))) body += '\n'.repeat(blanks + 1);
        else body += blanks === 0 ? ' ' : '\n'.repeat(blanks);
        body += line;
        previous = line;
        blanks = 0;
      }
    }
    const value = strip ? body : keep ? body + '\n'.repeat(trailing + 1) : body + '\n';
    // on to the next content: the trailing blank lines are passed by lineContent
    this.i = end;
    this.ls = end;
    this.col = this.lineContent(false);
    return value;
  }

  // ------------------------------------------------------------------ flow collections

  /** A flow sequence or mapping at `this.i`, in a block collection indented `parent`. */
  private flowCollection(parent: number, depth: number): unknown {
    this.flowLevel++;
    const value = this.flowContent(parent, depth);
    this.flowLevel--;
    return value;
  }

  /** How many flow collections are open. */
  private flowLevel = 0;

  private flowContent(parent: number, depth: number): unknown {
    if (depth >= this.maxDepth || this.deadline.over()) giveUp();
    const s = this.s;
    const start = this.i;
    const pending = this.pending;
    const begin = pending.length;
    this.i++;
    if (s.charCodeAt(start) === LBRACKET) {
      const arr: unknown[] = [];
      for (;;) {
        this.flowSpace(parent);
        if (s.charCodeAt(this.i) === RBRACKET) break;
        const offset = this.i;
        const item = this.flowNode(parent, depth + 1);
        pending.push(offset, this.rec);
        arr.push(item);
        this.flowSpace(parent);
        const c = s.charCodeAt(this.i);
        if (c === RBRACKET) break;
        if (c !== COMMA) giveUp();
        this.i++;
      }
      this.i++;
      return this.closeSeq(arr, start, begin, depth);
    }
    const obj: Record<string, unknown> = {};
    let written: string[] | undefined;
    for (;;) {
      this.flowSpace(parent);
      if (s.charCodeAt(this.i) === RBRACE) break;
      const keyOffset = this.i;
      const k = s.charCodeAt(keyOffset);
      let key: string;
      const quotedKey = k === DQUOTE || k === SQUOTE;
      if (quotedKey) {
        key = this.quoted(parent);
        if (s.lastIndexOf('\n', this.i) >= keyOffset) giveUp();
      } else {
        key = this.flowPlain();
      }
      while (s.charCodeAt(this.i) === SPACE) this.i++;
      if (s.charCodeAt(this.i) !== COLON) giveUp();
      this.i++;
      const after = s.charCodeAt(this.i);
      if (!quotedKey && after !== SPACE && after !== LF) giveUp();
      this.flowSpace(parent);
      const c = s.charCodeAt(this.i);
      if (c === COMMA || c === RBRACE) giveUp();
      if (obj[key] !== undefined && Object.prototype.hasOwnProperty.call(obj, key)) giveUp();
      written = this.written(obj, key, written);
      const value = this.flowNode(parent, depth + 1);
      pending.push(keyOffset, this.rec);
      if (key === '__proto__')
        Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
      else obj[key] = value;
      this.flowSpace(parent);
      const d = s.charCodeAt(this.i);
      if (d === RBRACE) break;
      if (d !== COMMA) giveUp();
      this.i++;
    }
    this.i++;
    return this.closeMap(obj, start, begin, depth, written);
  }

  /** A node inside a flow collection. */
  private flowNode(parent: number, depth: number): unknown {
    const s = this.s;
    const c = s.charCodeAt(this.i);
    if (c === LBRACKET || c === LBRACE) return this.flowCollection(parent, depth);
    this.rec = -1;
    if (c === DQUOTE || c === SQUOTE) return this.quoted(parent);
    if (c === BANG) {
      const tagOffset = this.i;
      const longForm = this.tag();
      if (s.charCodeAt(this.i) !== SPACE) giveUp();
      while (s.charCodeAt(this.i) === SPACE) this.i++;
      const t = s.charCodeAt(this.i);
      if (t === BANG || t === COMMA || t === RBRACKET || t === RBRACE || t === LF || t === HASH) giveUp();
      const value =
        t === DQUOTE || t === SQUOTE || t === LBRACKET || t === LBRACE
          ? this.flowNode(parent, depth)
          : this.flowPlain();
      return this.wrap(longForm, value, tagOffset, depth);
    }
    return resolvePlain(this.flowPlain());
  }

  /** A plain scalar inside a flow collection, on one line. */
  private flowPlain(): string {
    const s = this.s;
    const n = this.n;
    const start = this.i;
    const c = s.charCodeAt(start);
    if (c < 128 && INDICATOR[c] === 1) {
      if (!(c === DASH || c === COLON || c === 0x3f)) giveUp();
      const d = s.charCodeAt(start + 1);
      if (isBlank(d, start + 1, n) || (d < 128 && FLOW_END[d] === 1)) giveUp();
    }
    let j = start;
    for (; j < n; j++) {
      const d = s.charCodeAt(j);
      if (d === LF || (d < 128 && FLOW_END[d] === 1)) break;
      if (d === TAB) giveUp();
      if (d === COLON) {
        const e = s.charCodeAt(j + 1);
        if (isBlank(e, j + 1, n) || (e < 128 && FLOW_END[e] === 1)) break;
      } else if (d === SPACE && s.charCodeAt(j + 1) === HASH) break;
    }
    let end = j;
    while (end > start && s.charCodeAt(end - 1) === SPACE) end--;
    if (end === start) giveUp();
    if (s.charCodeAt(j) === LF) {
      // a plain scalar may go on on the next line: only one that visibly ends there is read here
      let m = j;
      while (m < n && (s.charCodeAt(m) === LF || s.charCodeAt(m) === SPACE)) m++;
      const e = s.charCodeAt(m);
      if (!(e === COMMA || e === RBRACKET || e === RBRACE || e === HASH)) giveUp();
    }
    this.i = end;
    return s.slice(start, end);
  }

  /** Past spaces, line breaks and comments inside a flow collection; each line's content must be indented past `parent`. */
  private flowSpace(parent: number): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === SPACE) {
        i++;
      } else if (c === LF) {
        i++;
        this.ls = i;
        while (s.charCodeAt(i) === SPACE) i++;
        const d = s.charCodeAt(i);
        if (i >= this.n) giveUp();
        // content past the indentation of the block collection around; the outermost closing bracket may be at
        // it, a comment anywhere
        const indent = i - this.ls;
        const closing = indent === parent && this.flowLevel === 1 && (d === RBRACKET || d === RBRACE);
        if (indent <= parent && d !== LF && d !== HASH && !closing) giveUp();
        if (i === this.ls && isMarker(s, i)) giveUp();
      } else if (c === HASH) {
        if (i !== this.ls && s.charCodeAt(i - 1) !== SPACE) giveUp();
        i = s.indexOf('\n', i);
        if (i < 0) giveUp();
      } else {
        if (i >= this.n) giveUp();
        break;
      }
    }
    this.i = i;
  }
}

/** What a block node follows. */
type NodeAt = 0 | 1 | 2 | 3;
/** the start of a line (after indentation) */
const NODE_LINE = 0;
/** `- ` */
const NODE_ITEM = 1;
/** `key: ` */
const NODE_VALUE = 2;
/** a tag on the same line */
const NODE_TAGGED = 3;

/** A space, a line break or the end of the text (at offset `at` of a text of length `n`). */
function isBlank(c: number, at: number, n: number): boolean {
  return c === SPACE || c === LF || at >= n;
}

/** Whether a line between `from` (a line start) and `to` starts with a comment. */
function commentInColumn0(s: string, from: number, to: number): boolean {
  if (s.charCodeAt(from) === HASH) return true;
  for (let j = from; j < to; j++) if (s.charCodeAt(j) === LF && s.charCodeAt(j + 1) === HASH) return true;
  return false;
}

function isWhite(c: number): boolean {
  return c === SPACE || c === TAB;
}

/** A document marker (`---` or `...` followed by a blank) at `i`. */
function isMarker(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return (
    (c === DASH || c === DOT) &&
    s.charCodeAt(i + 1) === c &&
    s.charCodeAt(i + 2) === c &&
    isBlank(s.charCodeAt(i + 3), i + 3, s.length)
  );
}
