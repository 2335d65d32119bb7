/**
 * Property-based testing of the whole read-and-check path, shared by test/fuzz.test.ts (a short seeded run)
 * and scripts/fuzz.ts (`npm run fuzz -- --runs N`).
 *
 * A case is the bytes of one file: a random template (odd types, intrinsics anywhere, SAM globals, ForEach
 * loops, suppressions, huge strings, deep nesting), or a template of the shared corpus with its values
 * mutated (keys dropped or renamed, types changed, intrinsics put in odd places, huge strings, deep nesting)
 * and perhaps its text too (truncated, bytes inserted, lines repeated), written as JSON or as YAML with
 * short-form tags, in UTF-8 or UTF-16. The property: reading and checking it with every rule either gives
 * one input error (one line, a position inside the file) or a report in which no rule failed internally and
 * every finding is inside the file, and every reporter's output is well-formed (output.ts);
 * and a second run gives byte-identical output. The other kinds of case are beside it in scripts/fuzz/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import * as YAML from 'yaml';
import { singleTemplateAssembly } from '../../lib/assembly/model';
import { configureRules } from '../../lib/engine/config';
import { INTERNAL_ERROR } from '../../lib/engine/finding';
import { buildReport } from '../../lib/scan';
import { InputError } from '../../lib/template/errors';
import { templateFromText } from '../../lib/template/load';
import { decode, parseDocument } from '../../lib/template/parse';
import { SHORT_FORMS as READ_SHORT_FORMS } from '../../lib/template/yaml-fast';
import { BUILTIN_PACKS } from '../../rules';
import { corpusDir } from '../support/corpus';
import { checkedOutputs } from './output';

/** One file to read: its name (the extension chooses the format) and its bytes. */
export interface FuzzCase {
  readonly file: string;
  readonly bytes: Uint8Array;
  /** how it was made, for a failure report */
  readonly origin: string;
}

/** Every rule of the catalogue, those off by default too. */
const RULES = configureRules(BUILTIN_PACKS, { rules: BUILTIN_PACKS.flatMap((p) => p.rules.map((r) => r.id)) });
const KNOWN_RULES = new Set(BUILTIN_PACKS.flatMap((p) => p.rules.map((r) => r.id)));

/** What a case gave: everything a user would see of it (the input error line, or every reporter's output). */
export interface Outcome {
  readonly output: string;
  readonly inputError: boolean;
  readonly findings: number;
}

/** Reads and checks one case the way a scan does; throws when the property does not hold. */
export function runCase(c: FuzzCase, index = 0): Outcome {
  let template;
  let text = '';
  try {
    text = decode(c.bytes, c.file);
    template = templateFromText(text, c.file, { explicit: true });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const line = error.format();
    if (error.message === '' || /[\r\n]/.test(line))
      throw new Error(`an input error that is not one line: ${JSON.stringify(line)}`, { cause: error });
    const lines = lineCount(text);
    if (error.position && !(error.position.line >= 1 && error.position.line <= lines && error.position.column >= 1)) {
      throw new Error(`an input error outside the file (${lines} lines): ${line}`, { cause: error });
    }
    return { output: line, inputError: true, findings: 0 };
  }
  if (!template) throw new Error('a file named explicitly was skipped');
  const report = buildReport([singleTemplateAssembly(template)], RULES, [], {
    suppressions: { knownRules: KNOWN_RULES, today: '2026-01-01' },
  });
  const failed = report.findings.find((f) => f.ruleId === INTERNAL_ERROR);
  if (failed) throw new Error(`a rule failed: ${failed.message}`);
  const lines = lineCount(text);
  const outside = report.findings.find((f) => !(f.line >= 1 && f.line <= lines && f.column >= 1));
  if (outside)
    throw new Error(
      `a finding outside the file (${lines} lines): ${outside.ruleId} at ${outside.line}:${outside.column}`,
    );
  // every reporter, checked for well-formedness (the SARIF schema, which is slow, in one case of ten)
  const output = checkedOutputs(report, { cwd: '/fuzz', validateSchema: index % 10 === 0 });
  return { output, inputError: false, findings: report.findings.length };
}

/** Lines as JSON and YAML count them: a line ends at LF, CRLF or a lone CR. */
function lineCount(text: string): number {
  return text.split(/\r\n|\r|\n/).length;
}

/** The property: a case is read and checked without failing, and twice gives the same output. */
export function holds(c: FuzzCase, index = 0): Outcome {
  const first = runCase(c, index);
  const second = runCase(c, 1);
  if (first.output !== second.output) throw new Error('a second run gave a different output');
  return first;
}

// ------------------------------------------------------------------------------------------- vocabulary

/** Resource types, property names and strings that the rules and real templates use, so cases reach the rules. */
interface Vocabulary {
  readonly types: readonly string[];
  readonly properties: readonly string[];
  readonly corpus: readonly string[];
}

let vocabulary: Vocabulary | undefined;

function vocabularyOf(): Vocabulary {
  if (vocabulary) return vocabulary;
  const dir = corpusDir();
  const corpus = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(json|ya?ml|template)$/.test(f) && !f.startsWith('LICENSES'))
    .sort()
    .map((f) => path.join(dir, f));
  const types = new Set<string>(RULES.flatMap((c) => c.rule.resourceTypes ?? []));
  const properties = new Set<string>();
  for (const file of corpus) {
    let value: unknown;
    try {
      value = parseDocument(decode(readFileSync(file), file), file).value;
    } catch {
      continue;
    }
    const resources = (value as { Resources?: unknown } | null)?.Resources;
    if (!isRecord(resources)) continue;
    for (const r of Object.values(resources)) if (isRecord(r)) collectKeys(r.Properties, properties, 0);
  }
  vocabulary = { types: [...types].sort(), properties: [...properties].sort(), corpus };
  return vocabulary;
}

function collectKeys(value: unknown, into: Set<string>, depth: number): void {
  if (depth > 4) return;
  if (Array.isArray(value)) for (const v of value) collectKeys(v, into, depth + 1);
  else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (!k.startsWith('Fn::')) into.add(k);
      collectKeys(v, into, depth + 1);
    }
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const IDS = [
  'Function',
  'Role',
  'Table',
  'Alarm',
  'Topic',
  'Queue',
  'Vpc',
  'Bucket',
  'Api',
  'Stage',
  'Trail',
  'LogGroup',
  '__proto__',
  'constructor',
  'toString',
  'Fn::If',
  'AWS::Region',
  '',
];
const CONDITIONS = ['IsProd', 'IsDev', 'Missing', '__proto__'];
const STRINGS = [
  '',
  ' ',
  'Active',
  'PassThrough',
  'JSON',
  'Text',
  'Enabled',
  'ENABLED',
  'true',
  'false',
  'Yes',
  '0',
  '-1',
  '1e400',
  'NaN',
  '${AWS::Region}',
  '${AWS::NoValue}',
  '${Undefined}',
  '${Function.Arn}',
  '${!Literal}',
  '${',
  '}',
  'arn:aws:sns:us-east-1:123456789012:t',
  'nodejs20.x',
  'python2.7',
  'prod',
  'Retain',
  'Delete',
  'AWS::NoValue',
  '{{resolve:ssm:/x}}',
  '__proto__',
  'constructor',
  "${require('child_process').execSync('touch pwned')}",
  '../../etc/passwd',
  'file:///etc/passwd',
  'https://example.com/t.json',
  '\u001b[2J',
  'line\nbreak',
];

// ------------------------------------------------------------------------------------------- arbitraries

function arbitraries(v: Vocabulary) {
  const id = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...IDS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
  );
  const condition = fc.constantFrom(...CONDITIONS);
  const property = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...v.properties) },
    { weight: 1, arbitrary: fc.constantFrom('Fn::If', 'Ref', 'Condition', '__proto__', '') },
  );
  // mostly tens of kilobytes, now and then up to a megabyte; made only when a case uses it
  const hugeString: fc.Arbitrary<Huge> = fc.record({
    length: fc.oneof(
      { weight: 10, arbitrary: fc.integer({ min: 1000, max: 50_000 }) },
      { weight: 1, arbitrary: fc.integer({ min: 50_000, max: 1_000_000 }) },
    ),
    unit: fc.constantFrom('x', '${AWS::Region}-', '${Function.Arn}', 'é\u2028'),
  });
  const leaf = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...STRINGS) },
    { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
    { weight: 2, arbitrary: fc.integer({ min: -5, max: 100_000 }) },
    { weight: 1, arbitrary: fc.double() },
    { weight: 2, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constantFrom(...v.types) },
  );
  const { value, intrinsic } = fc.letrec<{ value: unknown; intrinsic: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth: 6, depthIdentifier: 'value' },
      { weight: 6, arbitrary: leaf },
      { weight: 3, arbitrary: tie('intrinsic') },
      { weight: 3, arbitrary: fc.dictionary(property, tie('value'), { maxKeys: 5 }) },
      { weight: 2, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
    ),
    intrinsic: fc.oneof(
      { depthSize: 'small', maxDepth: 6, depthIdentifier: 'value' },
      fc.record({ Ref: fc.oneof(id, tie('value')) }),
      fc.record({
        'Fn::GetAtt': fc.oneof(
          fc.tuple(id, fc.constantFrom('Arn', 'Endpoint.Address', 'TopicName', '')),
          fc.constantFrom('Function.Arn', 'x'),
          tie('value'),
        ),
      }),
      fc.record({
        'Fn::Sub': fc.oneof(
          fc.constantFrom(...STRINGS),
          fc.tuple(
            fc.constantFrom(...STRINGS),
            fc.dictionary(fc.constantFrom('Function', 'X', 'AWS::Region'), tie('value')),
          ),
          tie('value'),
        ),
      }),
      fc.record({ 'Fn::If': fc.oneof(fc.tuple(condition, tie('value'), tie('value')), tie('value')) }),
      fc.record({
        'Fn::Join': fc.oneof(
          fc.tuple(fc.constantFrom('', ',', ':'), fc.array(tie('value'), { maxLength: 3 })),
          tie('value'),
        ),
      }),
      fc.record({ 'Fn::Select': fc.tuple(fc.oneof(fc.integer({ min: -2, max: 5 }), tie('value')), tie('value')) }),
      fc.record({ 'Fn::Split': fc.tuple(fc.constantFrom(',', ''), tie('value')) }),
      fc.record({
        'Fn::FindInMap': fc.array(fc.oneof(fc.constantFrom('Map', 'Key', 'Value'), tie('value')), { maxLength: 4 }),
      }),
      fc.record({ 'Fn::Equals': fc.array(tie('value'), { maxLength: 3 }) }),
      fc.record({ 'Fn::And': fc.array(tie('value'), { maxLength: 3 }) }),
      fc.record({ 'Fn::Not': fc.array(tie('value'), { maxLength: 2 }) }),
      fc.record({ Condition: fc.oneof(condition, tie('value')) }),
      fc.record({ 'Fn::Base64': tie('value') }),
      fc.record({ 'Fn::ImportValue': tie('value') }),
      fc.record({ 'Fn::GetAZs': tie('value') }),
      fc.record({ 'Fn::Cidr': fc.array(tie('value'), { maxLength: 3 }) }),
      fc.record({ 'Fn::ToJsonString': tie('value') }),
      fc.record({ 'Fn::Length': tie('value') }),
      fc.record({
        'Fn::Transform': fc.record({
          Name: fc.constantFrom('AWS::Include', 'Other'),
          Parameters: fc.record({ Location: fc.constantFrom(...STRINGS) }),
        }),
      }),
      // an intrinsic with company: not a function call at all
      fc.record({ Ref: id, Extra: tie('value') }),
    ),
  }));
  const suppressions = fc.record({
    opslint: fc.record({
      suppress: fc.oneof(
        fc.array(
          fc.record(
            {
              id: fc.oneof(fc.constantFrom(...KNOWN_RULES), fc.string()),
              reason: fc.oneof(fc.constantFrom('short', 'Handled by the platform team elsewhere'), value),
              expires: fc.oneof(fc.constantFrom('2025-01-01', '2999-12-31', 'never'), value),
            },
            { requiredKeys: ['id'] },
          ),
          { maxLength: 3 },
        ),
        value,
      ),
    }),
  });
  const typeName = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...v.types, 'AWS::Serverless::Function', 'AWS::CloudFormation::Stack') },
    { weight: 1, arbitrary: value },
  );
  const resource = fc.oneof(
    {
      weight: 12,
      arbitrary: fc.record(
        {
          Type: typeName,
          Properties: fc.oneof(
            { weight: 8, arbitrary: fc.dictionary(property, value, { maxKeys: 8 }) },
            { weight: 1, arbitrary: value },
          ),
          Condition: fc.oneof(condition, value),
          DependsOn: fc.oneof(id, fc.array(id, { maxLength: 3 }), value),
          Metadata: fc.oneof(suppressions, value),
          DeletionPolicy: fc.oneof(fc.constantFrom('Retain', 'Delete', 'Snapshot', 'RetainExceptOnCreate'), value),
        },
        { requiredKeys: ['Type'] },
      ),
    },
    { weight: 1, arbitrary: value },
  );
  const forEach = fc.tuple(
    fc.constantFrom('Fn::ForEach::Loop', 'Fn::ForEach::'),
    fc.tuple(
      fc.constantFrom('Name', ''),
      fc.oneof(fc.array(fc.constantFrom('A', 'B', '__proto__'), { maxLength: 3 }), value),
      fc.dictionary(fc.constantFrom('${Name}Function', 'Fixed', '${Other}'), resource, { maxKeys: 2 }),
    ),
  );
  const resources = fc.oneof(
    {
      weight: 12,
      arbitrary: fc
        .tuple(fc.dictionary(id, resource, { maxKeys: 6 }), fc.option(forEach, { freq: 8 }))
        .map(([r, loop]) => (loop ? withKey(r, loop[0], loop[1]) : r)),
    },
    { weight: 1, arbitrary: value },
  );
  const template = fc.record(
    {
      AWSTemplateFormatVersion: fc.constantFrom('2010-09-09', 2010, null),
      Transform: fc.oneof(
        fc.constantFrom('AWS::Serverless-2016-10-31', 'AWS::LanguageExtensions', [
          'AWS::LanguageExtensions',
          'AWS::Serverless-2016-10-31',
        ]),
        value,
      ),
      Parameters: fc.dictionary(
        id,
        fc.oneof(
          fc.record(
            {
              Type: fc.constantFrom('String', 'Number', 'CommaDelimitedList', 'List<String>'),
              Default: leaf,
              NoEcho: fc.boolean(),
            },
            { requiredKeys: ['Type'] },
          ),
          value,
        ),
        { maxKeys: 3 },
      ),
      Conditions: fc.dictionary(condition, value, { maxKeys: 3 }),
      Mappings: fc.dictionary(
        fc.constantFrom('Map', '__proto__'),
        fc.dictionary(
          fc.constantFrom('Key', 'us-east-1'),
          fc.dictionary(fc.constantFrom('Value', 'Name'), value, { maxKeys: 2 }),
          { maxKeys: 2 },
        ),
        { maxKeys: 2 },
      ),
      Globals: fc.oneof(
        fc.record({
          Function: fc.dictionary(property, value, { maxKeys: 4 }),
          Api: fc.dictionary(property, value, { maxKeys: 2 }),
        }),
        value,
      ),
      Metadata: fc.oneof(suppressions, value),
      Resources: resources,
      Outputs: fc.dictionary(id, fc.record({ Value: value, Condition: condition }), { maxKeys: 2 }),
    },
    { requiredKeys: ['Resources'] },
  );
  return { value, intrinsic, template, hugeString, property };
}

/** A long string, as its length and the text repeated to make it. */
interface Huge {
  readonly length: number;
  readonly unit: string;
}

function huge(h: Huge): string {
  return h.unit.repeat(Math.ceil(h.length / h.unit.length));
}

/** A copy of `obj` with one more key (any key, `__proto__` too, as an own property). */
function withKey(obj: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const out = { ...obj };
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

// ------------------------------------------------------------------------------------------- mutations

type Path = readonly (string | number)[];

interface Mutation {
  readonly kind: 'drop' | 'replace' | 'intrinsic' | 'huge' | 'deep' | 'rename';
  readonly at: number;
  readonly value: unknown;
  readonly intrinsic: unknown;
  readonly key: string;
  readonly depth: number;
}

interface TextMutation {
  readonly kind: 'truncate' | 'delete' | 'insert' | 'repeat-line';
  readonly at: number;
  readonly length: number;
  readonly insert: string;
}

const INSERTS = [
  '\t',
  '&a ',
  '*a',
  '!',
  '!Ref ',
  '!!binary ',
  '{',
  '[',
  '}',
  '"',
  "'",
  '\u0000',
  '\ufeff',
  ': ',
  '- ',
  '\n',
  '---\n',
  '<<: *a',
  '%YAML 1.1\n',
  '\\u00',
  '# ',
  '\r\n',
  '…',
];

/** Every path in a value (the value itself first), at most `max` of them. */
function pathsOf(value: unknown, max = 5000): Path[] {
  const out: Path[] = [];
  const stack: [unknown, Path][] = [[value, []]];
  while (stack.length > 0 && out.length < max) {
    const [v, p] = stack.pop()!;
    out.push(p);
    if (Array.isArray(v)) v.forEach((item, i) => stack.push([item, [...p, i]]));
    else if (isRecord(v)) for (const [k, item] of Object.entries(v)) stack.push([item, [...p, k]]);
  }
  return out;
}

/** A deep copy that keeps every key an own property (`__proto__` too). */
function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    Object.defineProperty(out, k, { value: clone(v), enumerable: true, writable: true, configurable: true });
  return out;
}

/** Applies one mutation at the path it picks; returns the new root. */
function mutate(root: unknown, m: Mutation, long: Huge): unknown {
  const paths = pathsOf(root);
  const p = paths[m.at % paths.length];
  const replace = (make: (old: unknown) => unknown): unknown => {
    if (p.length === 0) return make(root);
    let parent = root as Record<string | number, unknown>;
    for (const segment of p.slice(0, -1)) parent = parent[segment] as Record<string | number, unknown>;
    const last = p[p.length - 1];
    if (m.kind === 'drop') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (m.kind === 'rename' && !Array.isArray(parent)) {
      const old = parent[last];
      delete parent[last];
      Object.defineProperty(parent, m.key, { value: old, enumerable: true, writable: true, configurable: true });
    } else {
      Object.defineProperty(parent, last, {
        value: make(parent[last]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return root;
  };
  switch (m.kind) {
    case 'drop':
    case 'rename':
      return p.length === 0 ? root : replace((old) => old);
    case 'replace':
      return replace(() => m.value);
    case 'intrinsic':
      return replace(() => m.intrinsic);
    case 'huge':
      return replace(() => huge(long));
    case 'deep':
      return replace((old) => {
        let v = old;
        for (let i = 0; i < m.depth; i++) v = i % 2 === 0 ? [v] : { Nested: v };
        return v;
      });
  }
}

function mutateText(text: string, m: TextMutation): string {
  const at = text.length === 0 ? 0 : m.at % text.length;
  switch (m.kind) {
    case 'truncate':
      return text.slice(0, at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + m.length);
    case 'insert':
      return text.slice(0, at) + m.insert + text.slice(at);
    case 'repeat-line': {
      const start = text.lastIndexOf('\n', at) + 1;
      const end = text.indexOf('\n', at);
      const line = text.slice(start, end < 0 ? text.length : end + 1);
      return text.slice(0, start) + line + text.slice(start);
    }
  }
}

// ------------------------------------------------------------------------------------------- writing

/** Each long-form key and the short-form tag that stands for it (the reader's table, turned around). */
const SHORT_FORMS: ReadonlyMap<string, string> = new Map([...READ_SHORT_FORMS].map(([tag, key]) => [key, tag]));

/** A value as JSON, or as YAML with CloudFormation's short-form tags where `short` says so. */
export function write(value: unknown, format: 'json' | 'json-compact' | 'yaml' | 'yaml-short'): string {
  if (format === 'json') return JSON.stringify(value, null, 2) ?? 'null';
  if (format === 'json-compact') return JSON.stringify(value) ?? 'null';
  const doc = new YAML.Document(value, { aliasDuplicateObjects: false });
  if (format === 'yaml-short') {
    YAML.visit(doc, {
      Map(_key, node) {
        if (node.items.length !== 1 || !YAML.isScalar(node.items[0].key)) return undefined;
        const tag = SHORT_FORMS.get(String(node.items[0].key.value));
        const inner = node.items[0].value;
        if (!tag || !YAML.isNode(inner) || inner.tag !== undefined) return undefined;
        inner.tag = tag;
        return inner;
      },
    });
  }
  return doc.toString({ lineWidth: 0 });
}

function encode(text: string, encoding: 'utf8' | 'utf8-bom' | 'utf16le' | 'utf16be'): Uint8Array {
  switch (encoding) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'utf8-bom':
      return Buffer.from(`\ufeff${text}`, 'utf8');
    case 'utf16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf16be':
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
  }
}

const corpusFiles = new Map<string, { text: string; value?: unknown }>();

/** A corpus file's text and parsed value (undefined when it does not parse), read once. */
function corpusFile(file: string): { text: string; value?: unknown } {
  let entry = corpusFiles.get(file);
  if (!entry) {
    const text = readFileSync(file, 'utf8');
    try {
      entry = { text, value: parseDocument(text, file).value };
    } catch {
      entry = { text };
    }
    corpusFiles.set(file, entry);
  }
  return entry;
}

/** The cases: random templates, mutated corpus templates, and now and then plain random bytes. */
export function fuzzCases(): fc.Arbitrary<FuzzCase> {
  const v = vocabularyOf();
  const a = arbitraries(v);
  const format = fc.constantFrom('json', 'json-compact', 'yaml', 'yaml-short') as fc.Arbitrary<
    'json' | 'json-compact' | 'yaml' | 'yaml-short'
  >;
  const encoding = fc.oneof(
    { weight: 12, arbitrary: fc.constant('utf8' as const) },
    { weight: 1, arbitrary: fc.constantFrom('utf8-bom' as const, 'utf16le' as const, 'utf16be' as const) },
  );
  const mutation: fc.Arbitrary<Mutation> = fc.record({
    kind: fc.constantFrom(
      'drop',
      'drop',
      'drop',
      'replace',
      'replace',
      'replace',
      'intrinsic',
      'intrinsic',
      'intrinsic',
      'rename',
      'deep',
      'huge',
    ),
    at: fc.nat(),
    value: a.value,
    intrinsic: a.intrinsic,
    key: fc.oneof(a.property, fc.constantFrom(...IDS)),
    depth: fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 1, max: 40 }) },
      { weight: 1, arbitrary: fc.integer({ min: 240, max: 300 }) },
    ),
  });
  const textMutation: fc.Arbitrary<TextMutation> = fc.record({
    kind: fc.constantFrom('truncate', 'delete', 'insert', 'insert', 'repeat-line'),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 40 }),
    insert: fc.oneof(fc.constantFrom(...INSERTS), fc.string({ maxLength: 5 })),
  });
  const textMutations = fc.oneof(
    { weight: 4, arbitrary: fc.constant([] as TextMutation[]) },
    { weight: 1, arbitrary: fc.array(textMutation, { minLength: 1, maxLength: 3 }) },
  );

  const random = fc
    .tuple(a.template, format, encoding, textMutations, fc.option(a.hugeString, { freq: 20 }))
    .map(([template, f, enc, edits, long]) => {
      const value = long === null ? template : withKey(template, 'Description', huge(long));
      const text = edits.reduce(mutateText, write(value, f));
      return {
        file: `random.${f.startsWith('json') ? 'json' : 'yaml'}`,
        bytes: encode(text, enc),
        origin: `a random template, as ${f} in ${enc}, ${edits.length} text edit(s)`,
      };
    });

  const mutated = fc
    .tuple(
      fc.nat({ max: v.corpus.length - 1 }),
      fc.array(mutation, { minLength: 1, maxLength: 4 }),
      fc.oneof(fc.constant('same' as const), format),
      encoding,
      textMutations,
      a.hugeString,
    )
    .map(([index, mutations, f, enc, edits, long]) => {
      const file = v.corpus[index];
      const original = corpusFile(file);
      const sameExt = /\.json$/.test(file) ? 'json' : 'yaml';
      let text: string;
      let ext: string;
      let how: string;
      try {
        if (original.value === undefined) throw new Error('unparsed');
        const value = mutations.reduce((root, m) => mutate(root, m, long), clone(original.value));
        const as = f === 'same' ? (sameExt === 'json' ? 'json' : 'yaml-short') : f;
        text = write(value, as);
        ext = as.startsWith('json') ? 'json' : 'yaml';
        how = `${mutations.map((m) => m.kind).join(', ')}, as ${as}`;
      } catch {
        // a corpus file that does not parse: its text is mutated instead
        text = original.text;
        ext = sameExt;
        how = 'unparsed';
      }
      text = edits.reduce(mutateText, text);
      return {
        file: `mutated.${ext}`,
        bytes: encode(text, enc),
        origin: `${path.relative(corpusDir(), file)}: ${how} in ${enc}, ${edits.length} text edit(s)`,
      };
    });

  const bytes = fc
    .tuple(fc.uint8Array({ maxLength: 200 }), fc.constantFrom('bytes.json', 'bytes.yaml'))
    .map(([b, file]) => ({ file, bytes: b, origin: 'random bytes' }));

  return fc.oneof(
    { weight: 10, arbitrary: random },
    { weight: 10, arbitrary: mutated },
    { weight: 1, arbitrary: bytes },
  );
}
