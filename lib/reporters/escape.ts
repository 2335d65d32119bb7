/**
 * Text from templates (logical ids, values, file and stack names, suppression reasons) in each output's own
 * terms: whatever it holds, it stays text — it cannot drive a terminal, add a workflow command or a Markdown
 * heading, link or mention, or make a file that is not well-formed.
 */

/** A UTF-16 surrogate without its other half: no encoding can write it, and `encodeURIComponent` throws on it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * What a terminal acts on or shows misleadingly: C0 and C1 controls and DEL (escape sequences, line breaks),
 * the bidirectional controls that reorder what is shown (U+202A–202E, U+2066–2069, U+200E, U+200F, U+061C),
 * the Unicode line and paragraph separators, and lone surrogates.
 */
const UNPRINTABLE = new RegExp(
  `[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028-\\u202e\\u2066-\\u2069]|${LONE_SURROGATE.source}`,
  'g',
);

/** What XML 1.0 does not allow in a document at all, even as a character reference. */
const NOT_XML = new RegExp(
  `[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\ufffe\\uffff]|${LONE_SURROGATE.source}`,
  'g',
);

/** What HTML does not allow in text: the characters XML forbids, DEL, the C1 controls and the noncharacters U+FDD0–FDEF. */
const NOT_HTML = new RegExp(
  `[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\ufdd0-\\ufdef\\ufffe\\uffff]|${LONE_SURROGATE.source}`,
  'g',
);

/** A character as `\u` and the four hex digits of its code unit: how the outputs show what they cannot carry. */
function codeUnit(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * Fit for a terminal and for one line of a log: controls, bidirectional controls, line separators and lone
 * surrogates are shown escaped (`\u001b`), so text cannot move the cursor, colour, reorder or split a line.
 */
export function printable(s: string): string {
  return s.replace(UNPRINTABLE, codeUnit);
}

/** Lone surrogates replaced by U+FFFD, as a UTF-8 encoder would: for URIs and JSON, which need whole characters. */
export function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\ufffd');
}

/** Fit for XML 1.0 (and HTML) text: the characters XML does not allow shown escaped (`\ufffe`); nothing else changed. */
export function xmlChars(s: string): string {
  return s.replace(NOT_XML, codeUnit);
}

/** Fit for HTML text: the characters HTML does not allow shown escaped (`\u009b`); nothing else changed. */
export function htmlChars(s: string): string {
  return s.replace(NOT_HTML, codeUnit);
}

/**
 * Markdown's inline syntax and what GitHub links by itself, as character references: entities are text in
 * Markdown and in the raw HTML of a `<details>` summary alike, where backslash escapes would not work.
 */
const MARKDOWN_REFS: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '\\': '&#92;',
  '`': '&#96;',
  '*': '&#42;',
  _: '&#95;',
  '~': '&#126;',
  '[': '&#91;',
  ']': '&#93;',
  '|': '&#124;',
  '!': '&#33;',
  $: '&#36;',
  // a zero-width space after them keeps GitHub from reading a mention, an e-mail or an issue reference
  '@': '@&#8203;',
  '#': '&#35;&#8203;',
};

/**
 * Inert inline Markdown text, also inside HTML such as `<code>` or `<summary>`: no line break, heading, list,
 * quote, emphasis, code, link, image, autolink, mention, issue reference, math, table cell or HTML — it reads as
 * written. (A code span is no way to show arbitrary text: a backtick ends it.)
 */
export function markdownText(s: string): string {
  return printable(s)
    .replace(/[&<>\\`*_~[\]|!$@#]/g, (c) => MARKDOWN_REFS[c])
    .replace(/:\/\//g, ':&#8203;//')
    .replace(/\b(www)\./gi, '$1&#8203;.');
}
