/**
 * Every reporter run on one report, each output checked for well-formedness and for the inertness of the
 * strings that come from templates, manifests and file names. The checks are properties of the output alone
 * (does it parse, does it hold a character or construct it must not), not of how a reporter escapes: the
 * hostile strings of hostile.ts carry canaries (an element, attribute, link, mention or
 * line of their own), and an output shows a canary's construct only when a string was not made inert.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { configureRules } from '../../lib/engine/config';
import type { ScanReport } from '../../lib/engine/finding';
import { ruleInfos } from '../../lib/engine/rule-info';
import { FORMATS, getReporter } from '../../lib/reporters';
import { BUILTIN_PACKS } from '../../rules';
import { validateSarif } from '../support/sarif';

/** The name every canary construct carries: an element, attribute, link target, mention or line start. */
export const CANARY = 'opslint-canary';
/** What follows a line break in a hostile string: a line of output starting with it is a line the string added. */
export const CANARY_LINE = `${CANARY}-nl`;

const RULE_INFOS = ruleInfos(
  configureRules(BUILTIN_PACKS, { rules: BUILTIN_PACKS.flatMap((p) => p.rules.map((r) => r.id)) }),
);

// eslint-disable-next-line no-control-regex
const C0_BUT_LF = /[\u0000-\u0009\u000B-\u001F\u007F]/;
const C1 = /[\u0080-\u009F]/;
const BIDI = /[\u202A-\u202E\u2066-\u2069]/;
const LINE_SEPARATORS = /[\u2028\u2029]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// characters XML 1.0 does not allow: C0 but tab, LF and CR; U+FFFE and U+FFFF (and lone surrogates)
// eslint-disable-next-line no-control-regex
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Every reporter's output of `report`, checked; throws, naming each format whose check fails, when one does. */
export function checkedOutputs(report: ScanReport, options: { cwd: string; validateSchema: boolean }): string {
  const outputs: string[] = [];
  const failed: string[] = [];
  for (const format of FORMATS) {
    const output = getReporter(format)!(report, {
      color: false,
      scorecard: true,
      rules: RULE_INFOS,
      cwd: options.cwd,
      repoRoot: options.cwd,
      toolVersion: '0.0.0',
    });
    try {
      CHECKS[format](output, options.validateSchema);
    } catch (error) {
      failed.push(`--format ${format}: ${(error as Error).message}`);
    }
    outputs.push(output);
  }
  // all of them, so that one reporter's defect does not hide another's
  if (failed.length > 0) throw new Error(failed.join('; '));
  return outputs.join('\n');
}

/** The check of each format's output; throws what is wrong. */
export const CHECKS: Readonly<Record<string, (output: string, validateSchema: boolean) => void>> = {
  json: (output) => void JSON.parse(output),
  sarif: (output, validateSchema) => {
    const log = JSON.parse(output) as unknown;
    if (validateSchema && !validateSarif(log))
      throw new Error(`not valid SARIF 2.1.0: ${JSON.stringify(validateSarif.errors?.slice(0, 3))}`);
  },
  text: (output) => {
    noRaw(output, C0_BUT_LF, 'a C0 control character or ESC');
    noRaw(output, C1, 'a C1 control character');
    noRaw(output, BIDI, 'a bidirectional override or isolate');
    noRaw(output, LINE_SEPARATORS, 'U+2028 or U+2029');
    noAddedLines(output.split('\n'));
  },
  github: (output) => {
    noRaw(output, C0_BUT_LF, 'a C0 control character or ESC');
    noRaw(output, C1, 'a C1 control character');
    noRaw(output, LINE_SEPARATORS, 'U+2028 or U+2029');
    for (const line of output === '' ? [] : output.replace(/\n$/, '').split('\n')) {
      if (!/^::(error|warning|notice) (?:[a-z]+=[^,:]*)(?:,[a-z]+=[^,:]*)*::/.test(line))
        throw new Error(`a line that is not one workflow command: ${show(line)}`);
    }
  },
  junit: (output) => {
    wellFormedXml(output);
    const names = xmlNames(
      new XMLParser({
        ignoreAttributes: false,
        attributeNamePrefix: '@',
        preserveOrder: true,
        processEntities: false,
      }).parse(output),
    );
    const injected = names.find((n) => n.includes(CANARY));
    if (injected) throw new Error(`a template string made the XML name ${show(injected)}`);
  },
  markdown: (output) => checkMarkdown(output),
  html: (output) => checkHtml(output),
};

function show(s: string): string {
  return JSON.stringify(s.length > 200 ? `${s.slice(0, 200)}…` : s);
}

function noRaw(output: string, forbidden: RegExp, what: string): void {
  const m = forbidden.exec(output);
  if (m)
    throw new Error(
      `raw ${what} (U+${m[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}) near ${show(output.slice(Math.max(0, m.index - 60), m.index + 20))}`,
    );
}

/** No line starts with the text that follows a line break in a hostile string: the break was printed raw. */
function noAddedLines(lines: readonly string[]): void {
  const added = lines.find((l) => new RegExp(`^[^A-Za-z0-9]*${CANARY_LINE}`).test(l));
  if (added !== undefined) throw new Error(`a template string added the line ${show(added)}`);
}

// ------------------------------------------------------------------------------------------- XML

function wellFormedXml(output: string): void {
  noRaw(output, LONE_SURROGATE, 'lone surrogate');
  noRaw(output, XML_FORBIDDEN, 'character XML does not allow');
  for (const m of output.matchAll(/&#(x[0-9a-fA-F]+|[0-9]+);/g)) {
    const code = m[1].startsWith('x') ? parseInt(m[1].slice(1), 16) : Number(m[1]);
    if (!xmlChar(code)) throw new Error(`a character reference to a character XML does not allow: ${m[0]}`);
  }
  const valid = XMLValidator.validate(output);
  if (valid !== true) throw new Error(`not well-formed XML: ${valid.err.msg} at ${valid.err.line}:${valid.err.col}`);
}

function xmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** Element and attribute names of fast-xml-parser's ordered output. */
function xmlNames(nodes: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) {
      for (const [k, child] of Object.entries(v)) {
        if (k === ':@' && typeof child === 'object' && child !== null) out.push(...Object.keys(child));
        else if (k !== '#text') {
          out.push(k);
          walk(child);
        }
      }
    }
  };
  walk(nodes);
  return out;
}

// ------------------------------------------------------------------------------------------- HTML

const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
]);
const RAW_TEXT = new Set(['script', 'style']);

/**
 * A strict reading of HTML as the browser tokenizes it: tags balance (void elements aside), attribute values
 * are quoted, `<` and `&` in text start a tag or a character reference and nothing else, script and style
 * end only at their end tag, and no character is one HTML forbids. No element or attribute is a canary's.
 */
function checkHtml(output: string): void {
  noRaw(output, LONE_SURROGATE, 'lone surrogate');
  // eslint-disable-next-line no-control-regex
  noRaw(output, /[\u0000-\u0008\u000B\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/, 'character HTML does not allow');
  const open: string[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`${what} at offset ${i}: ${show(output.slice(Math.max(0, i - 60), i + 60))}`);
  };
  while (i < output.length) {
    const lt = output.indexOf('<', i);
    checkText(output.slice(i, lt < 0 ? output.length : lt), fail);
    if (lt < 0) break;
    i = lt;
    if (output.startsWith('<!--', i)) {
      const end = output.indexOf('-->', i + 4);
      if (end < 0) fail('an unterminated comment');
      i = end + 3;
    } else if (/^<!doctype html>/i.test(output.slice(i, i + 15))) {
      i += 15;
    } else if (output[i + 1] === '/') {
      const m = /^<\/([a-zA-Z][a-zA-Z0-9-]*)\s*>/.exec(output.slice(i, i + 200));
      if (!m) fail('a broken end tag');
      const name = m![1].toLowerCase();
      if (open.pop() !== name) fail(`an end tag </${name}> that closes nothing open`);
      i += m![0].length;
    } else {
      const m = /^<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'))?)*)\s*(\/?)>/.exec(
        output.slice(i, i + 100_000),
      );
      if (!m) fail('a "<" that starts no tag');
      const name = m![1].toLowerCase();
      const attributes = [...m![2].matchAll(/([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'))?/g)];
      for (const a of attributes) {
        if (a[1].includes(CANARY)) fail(`a template string made the attribute ${a[1]}`);
        checkText(a[2] ?? a[3] ?? '', fail);
      }
      if (name.includes(CANARY)) fail(`a template string made the element <${name}>`);
      i += m![0].length;
      if (RAW_TEXT.has(name)) {
        const end = output.toLowerCase().indexOf(`</${name}`, i);
        if (end < 0) fail(`an unterminated <${name}>`);
        i = end;
        open.push(name);
      } else if (!VOID.has(name) && m![3] !== '/') open.push(name);
    }
  }
  if (open.length > 0) throw new Error(`elements left open: ${open.join(' ')}`);
}

/**
 * Text and attribute values: every `&` starts a character reference, and none refers to a character HTML
 * does not allow (a control character, a surrogate, a non-character); no `<` is raw.
 */
function checkText(text: string, fail: (what: string) => never): void {
  if (/&(?!#[0-9]+;|#x[0-9a-fA-F]+;|[a-zA-Z][a-zA-Z0-9]*;)/.test(text))
    fail('an "&" that starts no character reference');
  for (const m of text.matchAll(/&#(x[0-9a-fA-F]+|[0-9]+);/g)) {
    const code = m[1].startsWith('x') ? parseInt(m[1].slice(1), 16) : Number(m[1]);
    const allowed =
      [0x9, 0xa, 0xc, 0xd].includes(code) ||
      (code >= 0x20 && code < 0x7f) ||
      (code > 0x9f && xmlChar(code) && !(code >= 0xfdd0 && code <= 0xfdef));
    if (!allowed) fail(`a character reference to a character HTML does not allow: ${m[0]}`);
  }
  if (text.includes('<')) fail('a raw "<"');
}

// ------------------------------------------------------------------------------------------- Markdown

const HTML_BLOCK =
  /^ {0,3}(?:<\/?(?:details|summary|div|table|thead|tbody|tr|td|th|p|ul|ol|li|h[1-6]|pre|blockquote|section|br|hr)\b|<!--)/i;

/**
 * GitHub-flavoured Markdown read the way a comment is rendered: fenced code is inert; a line that opens an
 * HTML block is HTML until a blank line (no code spans or links there); elsewhere code spans and backslash
 * escapes are inert. What is left holds no canary element, link or mention, and no line a string added.
 */
function checkMarkdown(output: string): void {
  const lines = output.split(/\r\n|\r|\n/);
  noAddedLines(lines);
  let fence: string | undefined;
  let htmlBlock = false;
  for (const line of lines) {
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence !== undefined) {
      if (f && f[1][0] === fence[0] && f[1].length >= fence.length && line.trim() === f[1]) fence = undefined;
      continue;
    }
    if (f) {
      fence = f[1];
      continue;
    }
    if (line.trim() === '') htmlBlock = false;
    else if (HTML_BLOCK.test(line)) htmlBlock = true;
    const live = htmlBlock ? line : line.replace(/(`+)(?:(?!\1)[\s\S])*?\1(?!`)/g, '').replace(/\\[!-/:-@[-`{-~]/g, '');
    if (new RegExp(`<\\/?${CANARY}`, 'i').test(live)) throw new Error(`a template string made HTML: ${show(line)}`);
    if (new RegExp(`(?<![\\w\\\\])@${CANARY}`).test(live))
      throw new Error(`a template string made a mention: ${show(line)}`);
    if (!htmlBlock && new RegExp(`\\]\\([^)]*${CANARY}|\\[${CANARY}[^\\]]*\\]\\(`).test(live))
      throw new Error(`a template string made a link: ${show(line)}`);
    if (/^ {0,3}#{1,6}[ \t]/.test(line) && new RegExp(`^ {0,3}#{1,6}[ \\t]+${CANARY}`).test(line))
      throw new Error(`a template string made a heading: ${show(line)}`);
  }
}
