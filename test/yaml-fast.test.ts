/**
 * The fast YAML reader (lib/template/yaml-fast.ts) against the yaml-library path of parseYaml (parseYamlExact):
 * whenever the fast reader accepts a text, its value (key order included) and every position in its source map
 * are those of the yaml-library path. Checked on every YAML fixture, on the corpus when it is there, and on
 * mutations of them; and the fast reader must accept the templates it is for, or it would silently do nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Deadline, DEFAULT_PARSE_LIMITS, type ParseLimits, type Parsed } from '../lib/template/parse';
import { parseYaml, parseYamlExact } from '../lib/template/parse-yaml';
import type { SourceMap } from '../lib/template/source';
import { readYamlFast } from '../lib/template/yaml-fast';
import { corpusDir, corpusYamlTemplates } from '../scripts/support/corpus';

const ROOT = path.resolve(__dirname, '..');

function fast(text: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS): Parsed | undefined {
  return readYamlFast(text, limits.maxDepth, new Deadline(limits, 'template.yaml'));
}

function exact(text: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS): Parsed {
  return parseYamlExact(text, 'template.yaml', limits, new Deadline(limits, 'template.yaml'));
}

/**
 * Whether the fast reader accepts `text`; when it does, what it gives must be what the yaml-library path gives
 * (that path failing, or reading leniently with notes, differs too), else this throws what differs.
 */
function accepts(text: string, name: string): boolean {
  const quick = fast(text);
  if (!quick) return false;
  let difference: string | undefined;
  try {
    const slow = exact(text);
    difference = slow.notes?.length
      ? 'the yaml path reads it leniently'
      : (valueDifference(quick.value, slow.value, '') ?? mapDifference(quick, slow, quick.value, slow.value, ''));
  } catch (error) {
    difference = `the yaml path fails: ${(error as Error).message}`;
  }
  if (difference) throw new Error(`${name}: ${difference}\n--- text ---\n${text}`);
  return true;
}

/** How many of `cases` texts made by `make` the fast reader accepts, each checked by {@link accepts}. */
function fuzz(cases: number, make: (next: () => number) => string): number {
  const next = random(Number(process.env.YAML_FAST_SEED ?? 20));
  let accepted = 0;
  for (let n = 0; n < cases; n++) {
    const text = make(next);
    if (text.trim() !== '' && accepts(text, `case ${n}`)) accepted++;
  }
  return accepted;
}

function valueDifference(a: unknown, b: unknown, at: string): string | undefined {
  if (isDeepStrictEqual(a, b) && (typeof a !== 'object' || a === null || keysOf(a) === keysOf(b))) {
    if (typeof a !== 'object' || a === null) return undefined;
  } else if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    return `${at || '/'}: ${String(a)} (fast) vs ${String(b)}`;
  }
  if (keysOf(a) !== keysOf(b)) return `${at || '/'}: keys ${keysOf(a)} (fast) vs ${keysOf(b)}`;
  for (const key of Object.keys(a as object)) {
    const d = valueDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${at}/${key}`);
    if (d) return d;
  }
  return undefined;
}

function keysOf(v: unknown): string {
  return Array.isArray(v) ? `[${v.length}]` : Object.keys(v as object).join(',');
}

/** The recorded positions of every container, walked in both values side by side. */
function mapDifference(quick: Parsed, slow: Parsed, a: unknown, b: unknown, at: string): string | undefined {
  if (typeof a !== 'object' || a === null) return undefined;
  const record = (map: SourceMap, v: object): string => {
    const r = map.get(v);
    return JSON.stringify(r && { start: r.start, keys: r.keys && [...r.keys], items: r.items });
  };
  const x = record(quick.sourceMap, a);
  const y = record(slow.sourceMap, b as object);
  if (x !== y) return `positions of ${at || '/'}: ${x} (fast) vs ${y}`;
  for (const key of Object.keys(a)) {
    const d = mapDifference(
      quick,
      slow,
      (a as Record<string, unknown>)[key],
      (b as Record<string, unknown>)[key],
      `${at}/${key}`,
    );
    if (d) return d;
  }
  return undefined;
}

function yamlFilesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...yamlFilesUnder(full));
    else if (/\.(ya?ml|template)$/i.test(entry.name)) found.push(full);
  }
  return found;
}

const FIXTURES = [...yamlFilesUnder(path.join(ROOT, 'fixtures')), ...yamlFilesUnder(path.join(ROOT, 'test'))].filter(
  // a .template file may be JSON
  (f) => !/^\s*[{[]/.test(readFileSync(f, 'utf8')),
);

function corpusYaml(): string[] {
  let dir: string;
  try {
    dir = corpusDir();
  } catch {
    return [];
  }
  return corpusYamlTemplates(dir);
}

/** A small deterministic random source (mulberry32), so that a failing mutation can be found again. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Text inserted by mutations: the characters and words that change how YAML reads a line. */
const INSERTS = [
  "'",
  '"',
  ':',
  ': ',
  '[',
  ']',
  '{',
  '}',
  ',',
  '#',
  ' #',
  '- ',
  '-',
  ' ',
  '  ',
  '\n',
  '\n\n',
  '|',
  '>',
  '|-',
  '>+',
  '!Ref ',
  '!GetAtt ',
  '!Sub ',
  '!If ',
  '!Unknown ',
  '!!str ',
  '&a ',
  '*a',
  '? ',
  '\\',
  '\\n',
  '\t',
  '\r',
  '---\n',
  '...\n',
  '0',
  '0x1F',
  '0o17',
  '.inf',
  '~',
  'true',
  '1e3',
  '__proto__',
];

/**
 * `text` with one random change: a line deleted, duplicated, swapped or re-indented, or a character or word inserted
 * (anywhere, or where a line's content starts) or deleted.
 */
function mutate(text: string, next: () => number): string {
  const lines = text.split('\n');
  const pick = (n: number): number => Math.floor(next() * n);
  const line = pick(lines.length);
  switch (pick(8)) {
    case 0:
      lines.splice(line, 1);
      return lines.join('\n');
    case 1:
      lines.splice(line, 0, lines[line]);
      return lines.join('\n');
    case 2: {
      const other = pick(lines.length);
      [lines[line], lines[other]] = [lines[other], lines[line]];
      return lines.join('\n');
    }
    case 3: {
      const shift = [-2, -1, 1, 2, 4][pick(5)];
      lines[line] =
        shift > 0 ? ' '.repeat(shift) + lines[line] : lines[line].replace(new RegExp(`^ {0,${-shift}}`), '');
      return lines.join('\n');
    }
    case 4: {
      const at = pick(text.length);
      return text.slice(0, at) + text.slice(at + 1);
    }
    case 5: {
      // where a line's content starts, the place that decides what the line is
      const indent = /^ */.exec(lines[line])![0];
      lines[line] = indent + INSERTS[pick(INSERTS.length)] + lines[line].slice(indent.length);
      return lines.join('\n');
    }
    default: {
      const at = pick(text.length + 1);
      return text.slice(0, at) + INSERTS[pick(INSERTS.length)] + text.slice(at);
    }
  }
}

/** Windows of up to `size` lines of `text`, taken from random places, less their first line's indentation. */
function windowOf(text: string, size: number, next: () => number): string {
  const lines = text.split('\n');
  const from = Math.floor(next() * lines.length);
  const part = lines.slice(from, from + size);
  const indent = /^ */.exec(part[0])![0].length;
  return part.map((l) => l.slice(Math.min(indent, /^ */.exec(l)![0].length))).join('\n');
}

/** Lines random documents are made of, each indented at random: the constructs the fast reader reads, and what it must not misread. */
const FRAGMENTS = [
  'a:',
  'b: 1',
  'c: "x',
  'y"',
  "'q''s': v",
  '- x',
  '- ',
  '-',
  '- a: 1',
  '- - 2',
  'd: |',
  'e: >-',
  'f: |+',
  'g: >',
  'text',
  'more  text ',
  '',
  '   ',
  '# c',
  'h: [1, 2,',
  '3]',
  ']',
  'i: {a: 1,',
  'b: 2}',
  '}',
  'j: !Ref x',
  'k: !GetAtt a.b',
  'l: !If',
  'm: !Sub |',
  '- !Ref a',
  '- !Join',
  '012: x',
  '1: y',
  '__proto__: z',
  'n: 0x1F',
  'o: .inf',
  'p: ~',
  'q: "a\\tb\\',
  'r: plain',
  's: x # c',
  't: x: y',
  '---',
  'u: -.5',
  'v: 1e3',
  'w: 0o17',
  'x: True',
  '"k": v',
  'y: !GetAZs',
  'z: [!Ref a, !GetAtt b.c]',
  'A: {"a":1}',
  'B: - a',
  "C: 'it''s",
  'D: "\\u00e9\\x41"',
  'E: |2',
  'F: >1-',
  '   indented text',
  '\tG: "a\tb"',
  'H: x\ty',
  '\t',
];

/**
 * A random document of lines from {@link FRAGMENTS}, each indented mostly as a document nests (as the line
 * before, 2 more, or as an earlier line), sometimes by 1 more.
 */
function randomDocument(next: () => number): string {
  const lines: string[] = [];
  const indents = [0];
  const count = 2 + Math.floor(next() * 14);
  for (let k = 0; k < count; k++) {
    const previous = indents[indents.length - 1];
    const r = next();
    const indent =
      r < 0.35
        ? previous
        : r < 0.65
          ? previous + 2
          : r < 0.75
            ? previous + 1
            : indents[Math.floor(next() * indents.length)];
    indents.push(indent);
    lines.push(' '.repeat(indent) + FRAGMENTS[Math.floor(next() * FRAGMENTS.length)]);
  }
  return lines.join('\n') + (next() < 0.8 ? '\n' : '');
}

describe('the fast YAML reader gives what the yaml library gives', () => {
  it('on every YAML fixture, and accepts most of them', () => {
    expect(FIXTURES.length).toBeGreaterThan(100);
    let accepted = 0;
    for (const file of FIXTURES) if (accepts(readFileSync(file, 'utf8'), path.relative(ROOT, file))) accepted++;
    expect(accepted / FIXTURES.length).toBeGreaterThan(0.8);
  });

  it('accepts representative templates: block and flow collections, every short-form tag, block scalars, multi-line strings', () => {
    for (const name of [
      'fixtures/rollback/sam-deployment-alarms/pass-globals.yaml',
      'fixtures/rollback/ecs-deployment-rollback/pass-circuit-breaker.yaml',
      'fixtures/deployed/nested/platform.yaml',
      'fixtures/failure-capture/queue-dead-letter/pass-redrive.yaml',
    ]) {
      expect([name, fast(readFileSync(path.join(ROOT, name), 'utf8')) !== undefined]).toEqual([name, true]);
    }
  });

  const corpus = corpusYaml();
  (corpus.length > 0 ? it : it.skip)('on every corpus YAML template, accepting at least 90% of their text', () => {
    let bytes = 0;
    let acceptedBytes = 0;
    for (const file of corpus) {
      const text = readFileSync(file, 'utf8');
      bytes += text.length;
      if (accepts(text, path.basename(file))) acceptedBytes += text.length;
    }
    expect(acceptedBytes / bytes).toBeGreaterThan(0.9);
  });

  it('on mutations of the fixtures and the corpus: lines deleted, moved or re-indented, indicators inserted', () => {
    const sources = [...FIXTURES, ...corpus].map((f) => readFileSync(f, 'utf8'));
    const cases = Number(process.env.YAML_FAST_CASES ?? 4000);
    const accepted = fuzz(cases, (next) => {
      let text = windowOf(sources[Math.floor(next() * sources.length)], 12 + Math.floor(next() * 40), next);
      const changes = 1 + Math.floor(next() * 3);
      for (let k = 0; k < changes; k++) text = mutate(text, next);
      return text;
    });
    // the mutations must reach the fast reader, not only its giving up
    expect(accepted).toBeGreaterThan(cases / 8);
  });

  it('on random documents made of the constructs it reads and of ones it must not misread', () => {
    const cases = Number(process.env.YAML_FAST_CASES ?? 4000) * 5;
    expect(fuzz(cases, randomDocument)).toBeGreaterThan(cases / 40);
  });
});

describe('what the fast reader reads, and what it leaves to the yaml library', () => {
  it.each<[string, string]>([
    ['block mappings and lists, a list at its key indentation', 'a:\n  b: 1\n  c:\n  - x\n  - y\nd: [1, 2]\n'],
    ['compact mappings and lists in lists', 'a:\n  - b: 1\n    c: 2\n  - - x\n    - y\n'],
    [
      'core schema scalars',
      'a: [~, null, true, False, 012, 0o17, 0x1F, -0, 1.50, .5, 1e3, -.inf, .NaN, +7, 0b1, 1_000]\n',
    ],
    ['keys as written', '012345678901: a\n2: b\n1: c\n__proto__: d\ntrue: e\n"q": f\n'],
    [
      'short-form tags',
      'a: !Ref 123\nb: !GetAtt A.B.C\nc: !If [x, !Ref y, {z: !Sub "${a}"}]\nd: !GetAZs\ne:\n  - !Join\n    - ""\n    - [a, b]\n',
    ],
    [
      'literal and folded block scalars with chomping',
      'a: |\n  x\n\n   y\n\nb: >-\n  p\n  q\n\n  r\n    s\n  t\nc: |+\n  k\n\nd: !Sub |\n  ${x}\n',
    ],
    ['quoted scalars over lines, with escapes', "a: \"x\n  y\n\n  z \\\n  w \\u00e9\\t\"\nb: 'it''s\n  here'\n"],
    [
      'block scalars with indentation indicators, or empty',
      'a: |2\n    x\nb:\n  - >1-\n     y\n  - |+\n\n  - |\nc: 1\n',
    ],
    ['plain scalars over lines', 'a: one\n  two\n\n  three\nb: c\n'],
    ['comments and a document start', '# head\n--- # start\na: 1 # one\n# between\nb: [x, # inside\n  y]\n'],
    ['JSON', '{"a": [1, {"b": "c"}], "d": true}\n'],
  ])('reads %s as the yaml library does', (name, text) => {
    expect(accepts(text, name)).toBe(true);
  });

  it.each<[string, string]>([
    ['anchors and aliases', 'a: &x 1\nb: *x\n'],
    ['core tags', 'a: !!str 012\n'],
    ['an unknown tag', 'a: !Foo x\n'],
    ['two tags on a node', 'a: !If\n  !If\n  - x\n'],
    ['explicit keys', '? a\n: b\n'],
    ['directives', '%YAML 1.2\n---\na: 1\n'],
    ['several documents', 'a: 1\n---\nb: 2\n'],
    ['a document end', 'a: 1\n...\n'],
    ['tabs', 'a:\tb\n'],
    ['CRLF line ends', 'a: 1\r\nb: 2\r\n'],
    ['duplicate keys', 'a: 1\na: 2\n'],
    ['a flow mapping not indented past its key (read leniently)', 'a:\n  b: {\n  c: 1}\n'],
    ['a syntax error', 'a: b: c\n'],
    ['an empty list item', 'a:\n  -\n  - b\n'],
    ['a root that is not a mapping', '- a\n'],
  ])('leaves %s to the yaml library', (_name, text) => {
    expect(fast(text)).toBeUndefined();
  });

  it('leaves nesting at the depth limit to the yaml library, which reports it', () => {
    const limits = { ...DEFAULT_PARSE_LIMITS, maxDepth: 3 };
    expect(fast('a:\n  b:\n    c: 1\n', limits)).toBeDefined();
    expect(fast('a:\n  b:\n    c:\n      d: 1\n', limits)).toBeUndefined();
    expect(() =>
      parseYaml('a:\n  b:\n    c:\n      d: 1\n', 'template.yaml', limits, new Deadline(limits, 'f')),
    ).toThrow(/nest/);
  });

  it('does not load the yaml library for a template it reads', () => {
    jest.isolateModules(() => {
      jest.doMock('yaml', () => {
        throw new Error('the yaml library was loaded');
      });
      const { parseDocument } = require('../lib/template/parse') as typeof import('../lib/template/parse');
      expect(parseDocument('Resources:\n  A:\n    Type: X\n', 'template.yaml').value).toEqual({
        Resources: { A: { Type: 'X' } },
      });
      expect(() => parseDocument('a: &x 1\n', 'template.yaml')).toThrow('the yaml library was loaded');
    });
  });
});
