/**
 * Hostile templates, made to reach what a random template rarely does: Parameters (defaults, AllowedValues,
 * list types) with values passed to the scan, Conditions over them, Mappings whose entries chain Fn::FindInMap
 * through Fn::If on unknown conditions, nested Fn::ForEach over long lists, `%YAML`/`%TAG` directives after
 * long comments, 10–100 KB strings (alarm rules, dashboard bodies, a parameter default joined thousands of
 * times), logical ids, parameter names, values and file names that are JavaScript's own property names,
 * lone surrogates, non-characters, control and escape sequences, bidirectional overrides, line breaks and
 * Markdown or HTML syntax, byte order marks, invalid UTF-8, deep nesting and an empty `Resources:`.
 *
 * The property: the scan (the public scanPaths, with the parameter values) throws nothing, no rule fails
 * internally, every error and finding names the file inside the scan's folder, every reporter's output is
 * well-formed and inert (output.ts), and a second scan gives the same output.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { INTERNAL_ERROR, type ScanReport } from '../../lib/engine/finding';
import { scanPaths, type ScanSettings as ScanOptions } from '../../lib/compose';
import { BUILTIN_PACKS } from '../../rules';
import { CANARY, CANARY_LINE, checkedOutputs } from './output';
import { write, type Outcome } from './template';

/** Strings that must stay inert wherever a template, manifest or file name puts them. */
export const HOSTILE = [
  'constructor',
  'valueOf',
  'toString',
  '__proto__',
  'hasOwnProperty',
  '__defineGetter__',
  'prototype',
  'Lone\ud800Surrogate',
  'Low\udc00First',
  'Non\ufffeCharacter',
  'Non\uffffCharacter',
  'Nul\u0000Bell\u0007Back\u0008',
  'Csi\u009b31mNel\u0085',
  'Esc\u001b[2J\u001b[31mRed\u001b[0m',
  'Osc\u001b]8;;https://opslint-canary.invalid\u0007link\u001b]8;;\u0007',
  'Bidi\u202eevil\u202c',
  'Isolate\u2066x\u2067y\u2068z\u2069',
  `Ls\u2028${CANARY_LINE}`,
  `Ps\u2029${CANARY_LINE}`,
  `New\n${CANARY_LINE}`,
  `Cr\r${CANARY_LINE}`,
  `Crlf\r\n# ${CANARY_LINE}`,
  `Two\n\n${CANARY_LINE} heading\n===`,
  `# ${CANARY} heading`,
  `[${CANARY}](https://${CANARY}.invalid)`,
  `![x](https://${CANARY}.invalid/i.png)`,
  `@${CANARY}`,
  `Mention @${CANARY} here`,
  `\`${CANARY}\``,
  `\`\`\`${CANARY}`,
  `<${CANARY}>`,
  `</script><${CANARY}>`,
  `</summary></details><${CANARY}>`,
  `" ${CANARY}="1`,
  `' ${CANARY}='1`,
  `<!-- ${CANARY}`,
  `]]><${CANARY}/>`,
  `<![CDATA[<${CANARY}/>]]>`,
  `&amp;&#0;&#x1b;&${CANARY};`,
  `|${CANARY}|`,
  `::error::${CANARY}`,
  `%0A::error::${CANARY}`,
  `${CANARY}%0D%0A::warning::x`,
  '${AWS::Region}',
  '${!Literal}',
  '{{resolve:ssm:/x}}',
  '\ufeffBom',
  'Tab\there',
  '',
];

/** Hostile strings a file name can hold (no `/` or NUL, short enough for the file system). */
export function fileNameOf(s: string, ext: string): string {
  // eslint-disable-next-line no-control-regex
  const name = s.replace(/[/\u0000]/g, '_').slice(0, 60);
  return `${name === '' || name === '.' || name === '..' ? 'template' : name}.${ext}`;
}

const NAMES = ['Fn', 'Env', 'Size', 'Items', 'IsProd', 'Queue', 'Alarm', ...HOSTILE.filter((s) => s !== '')];
const TYPES = [
  'AWS::Lambda::Function',
  'AWS::Serverless::Function',
  'AWS::CloudWatch::Alarm',
  'AWS::CloudWatch::CompositeAlarm',
  'AWS::CloudWatch::Dashboard',
  'AWS::SQS::Queue',
  'AWS::SNS::Topic',
  'AWS::Logs::LogGroup',
  'AWS::ApiGateway::Stage',
  'AWS::StepFunctions::StateMachine',
  'AWS::Events::Rule',
  'AWS::DynamoDB::Table',
];
const PROPERTIES = [
  'FunctionName',
  'Runtime',
  'Handler',
  'AlarmName',
  'AlarmDescription',
  'AlarmRule',
  'AlarmActions',
  'DashboardBody',
  'DashboardName',
  'QueueName',
  'TopicName',
  'LogGroupName',
  'StageName',
  'Description',
  'Tags',
  'Environment',
  'MetricName',
  'Namespace',
  'Dimensions',
  'TracingConfig',
  'Targets',
  'RetentionInDays',
];
/** Units of the long strings: plain, alarm rules and dashboard bodies that nest, variables, tags, hostile. */
const UNITS = [
  'x',
  'ALARM("a") OR (',
  'ALARM(',
  '{"widgets":[{"properties":{"metrics":[[',
  '${AWS::Region}-',
  '${Big}',
  '!Ref&',
  '# !Ref&&',
  'é\u2028',
  `<${CANARY}>`,
  '\u001b[1m',
];

/** One hostile template: its file and the parameter values and depth limit of its scan. */
export interface HostileCase {
  readonly file: string;
  readonly bytes: Uint8Array;
  readonly parameters: Readonly<Record<string, string>>;
  readonly maxDepth?: number;
  readonly origin: string;
}

interface Spec {
  readonly params: readonly { name: string; type: string; default: string | null; allowed: readonly string[] | null }[];
  readonly values: readonly [string, string][];
  readonly conditions: readonly [string, unknown][];
  readonly chain: { depth: number; condition: string } | null;
  readonly loops: { lengths: readonly number[]; viaParameter: boolean } | null;
  readonly big: {
    size: number;
    unit: string;
    where: 'AlarmRule' | 'DashboardBody' | 'Description' | 'Default' | 'Mapping';
    joins: number;
  } | null;
  readonly resources: readonly {
    id: string;
    type: string;
    properties: readonly [string, unknown][];
    suppress: string | null;
  }[];
  readonly emptyResources: boolean;
  readonly deep: number | null;
  readonly format: 'json' | 'yaml' | 'yaml-short';
  readonly prefix: { comment: number; directives: readonly string[] } | null;
  readonly encoding: 'utf8' | 'bom' | 'invalid-utf8';
  readonly name: string;
}

/** A record with own properties of any name (`__proto__` too). */
function own(entries: Iterable<readonly [string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries)
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

/** `arbitrary` in about one case of `n`, else null. */
function sometimes<T>(arbitrary: fc.Arbitrary<T>, n = 4): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: n - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });
}

function arbitraries() {
  const name = fc.constantFrom(...NAMES);
  const hostile = fc.constantFrom(...HOSTILE);
  const paramValue = fc.oneof(
    hostile,
    fc.constantFrom('prod', 'dev', '1', 'a,b,c', ' , ,', '0'),
    fc.string({ maxLength: 8 }),
  );
  const condition = fc.letrec<{ c: unknown }>((tie) => ({
    c: fc.oneof(
      { depthSize: 'small', maxDepth: 4 },
      fc.tuple(name, paramValue).map(([p, v]) => ({ 'Fn::Equals': [{ Ref: p }, v] })),
      fc.array(tie('c'), { minLength: 2, maxLength: 3 }).map((cs) => ({ 'Fn::And': cs })),
      fc.array(tie('c'), { minLength: 2, maxLength: 3 }).map((cs) => ({ 'Fn::Or': cs })),
      tie('c').map((c) => ({ 'Fn::Not': [c] })),
      name.map((n) => ({ Condition: n })),
    ),
  })).c;
  const value = fc.oneof(
    { weight: 4, arbitrary: hostile },
    { weight: 1, arbitrary: name.map((n) => ({ Ref: n })) },
    { weight: 1, arbitrary: fc.tuple(name, hostile, name).map(([c, a, p]) => ({ 'Fn::If': [c, a, { Ref: p }] })) },
    { weight: 1, arbitrary: fc.tuple(hostile, name).map(([s, p]) => ({ 'Fn::Sub': `${s}-\${${p}}` })) },
    { weight: 1, arbitrary: fc.array(hostile, { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.tuple(hostile, hostile).map(([k, v]) => own([[k, v]])) },
  );
  const spec: fc.Arbitrary<Spec> = fc.record({
    params: fc.array(
      fc.record({
        name,
        type: fc.constantFrom(
          'String',
          'Number',
          'CommaDelimitedList',
          'List<Number>',
          'AWS::SSM::Parameter::Value<String>',
          'List<AWS::EC2::Subnet::Id>',
        ),
        default: fc.option(paramValue),
        allowed: fc.option(fc.array(paramValue, { maxLength: 3 })),
      }),
      { maxLength: 4 },
    ),
    values: fc.array(fc.tuple(name, paramValue), { maxLength: 4 }),
    conditions: fc.array(fc.tuple(name, condition), { maxLength: 4 }),
    chain: sometimes(fc.record({ depth: fc.integer({ min: 1, max: 30 }), condition: name })),
    loops: sometimes(
      fc.record({
        lengths: fc.array(
          fc.oneof(
            { weight: 4, arbitrary: fc.integer({ min: 0, max: 5 }) },
            { weight: 1, arbitrary: fc.integer({ min: 100, max: 300 }) },
          ),
          { minLength: 1, maxLength: 3 },
        ),
        viaParameter: fc.boolean(),
      }),
    ),
    big: sometimes(
      fc.record({
        size: fc.oneof(fc.integer({ min: 10_000, max: 100_000 }), fc.constant(100_000)),
        unit: fc.constantFrom(...UNITS),
        where: fc.constantFrom('AlarmRule', 'DashboardBody', 'Description', 'Default', 'Mapping'),
        // 100 KB joined 6,000 times is more than a JavaScript string holds
        joins: fc.oneof(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1000, max: 6000 }), fc.constant(6000)),
      }),
    ),
    resources: fc.array(
      fc.record({
        id: name,
        type: fc.constantFrom(...TYPES),
        properties: fc.array(fc.tuple(fc.constantFrom(...PROPERTIES), value), { maxLength: 5 }),
        suppress: fc.option(hostile),
      }),
      { maxLength: 5 },
    ),
    emptyResources: fc.oneof({ weight: 7, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    deep: sometimes(fc.integer({ min: 200, max: 800 }), 8),
    format: fc.constantFrom('json', 'yaml', 'yaml-short'),
    prefix: sometimes(
      fc.record({
        comment: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 10_000, max: 100_000 })),
        directives: fc.subarray([
          '%YAML 1.2',
          '%TAG !x! !R',
          '%TAG !e! tag:example.com,2000:',
          '%TAG !! tag:yaml.org,2002:',
        ]),
      }),
    ),
    encoding: fc.constantFrom('utf8', 'utf8', 'utf8', 'bom', 'invalid-utf8'),
    name: fc.oneof({ weight: 3, arbitrary: fc.constant('template') }, { weight: 1, arbitrary: hostile }),
  });
  return spec;
}

/** The template a spec describes, as a value. */
function templateOf(s: Spec): Record<string, unknown> {
  const parameters: [string, unknown][] = s.params.map((p) => [
    p.name,
    own([
      ['Type', p.type],
      ...(p.default !== null ? [['Default', p.default] as const] : []),
      ...(p.allowed ? [['AllowedValues', p.allowed] as const] : []),
    ]),
  ]);
  const conditions: [string, unknown][] = [...s.conditions];
  const mappings: [string, unknown][] = [];
  const resources: [string, unknown][] = s.resources.map((r) => [
    r.id,
    own([
      ['Type', r.type],
      ['Properties', own(r.properties)],
      ...(r.suppress !== null
        ? [
            [
              'Metadata',
              {
                opslint: {
                  suppress: [{ id: 'alarm-actions', reason: `Reviewed by the platform team: ${r.suppress}` }],
                },
              },
            ] as const,
          ]
        : []),
    ]),
  ]);
  let transform: string | undefined;
  if (s.chain) {
    // level k's entries are an Fn::If on an unknown condition between two look-ups of level k+1
    parameters.push(['ChainKey', { Type: 'String' }]);
    conditions.push(['ChainUnknown', { 'Fn::Equals': [{ Ref: 'ChainKey' }, 'x'] }]);
    const levels: [string, unknown][] = [];
    for (let k = 0; k < s.chain.depth; k++) {
      const next = (key: string): unknown => ({ 'Fn::FindInMap': ['Chain', `L${k + 1}`, key] });
      const entry = { 'Fn::If': [k % 2 === 0 ? 'ChainUnknown' : s.chain.condition, next('A'), next('B')] };
      levels.push([`L${k}`, k + 1 < s.chain.depth ? { A: entry, B: entry } : { A: 'end-a', B: 'end-b' }]);
    }
    mappings.push(['Chain', own(levels)]);
    // and conditions that each name the one before twice
    for (let k = 1; k <= s.chain.depth; k++)
      conditions.push([
        `Chain${k}`,
        {
          [k % 2 === 0 ? 'Fn::Or' : 'Fn::And']: [
            { Condition: k === 1 ? 'ChainUnknown' : `Chain${k - 1}` },
            { 'Fn::Not': [{ Condition: k === 1 ? 'ChainUnknown' : `Chain${k - 1}` }] },
          ],
        },
      ]);
    resources.push([
      'ChainTopic',
      {
        Type: 'AWS::SNS::Topic',
        Condition: `Chain${s.chain.depth}`,
        Properties: { TopicName: { 'Fn::If': [`Chain${s.chain.depth}`, 'a', 'b'] } },
      },
    ]);
    // where rules look: an alarm's actions, a function's tracing mode and runtime
    const chained = { 'Fn::FindInMap': ['Chain', 'L0', 'A'] };
    resources.push([
      'ChainAlarm',
      {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: { AlarmActions: [chained], AlarmName: { 'Fn::FindInMap': ['Chain', 'L0', { Ref: 'ChainKey' }] } },
      },
    ]);
    resources.push([
      'ChainFunction',
      {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Runtime: chained,
          Handler: 'index.handler',
          Code: { ZipFile: 'x' },
          TracingConfig: { Mode: chained },
        },
      },
    ]);
  }
  if (s.loops) {
    transform = 'AWS::LanguageExtensions';
    let body: unknown = own([
      [
        s.loops.lengths.map((_, i) => `\${V${i}}`).join('') + 'Topic',
        { Type: 'AWS::SNS::Topic', Properties: { TopicName: s.loops.lengths.map((_, i) => `\${V${i}}`).join('-') } },
      ],
    ]);
    for (let i = s.loops.lengths.length - 1; i >= 0; i--) {
      const items = Array.from({ length: s.loops.lengths[i] }, (_, j) => `I${j}`);
      let collection: unknown = items;
      if (s.loops.viaParameter) {
        parameters.push([`Loop${i}`, { Type: 'CommaDelimitedList', Default: items.join(',') }]);
        collection = { Ref: `Loop${i}` };
      }
      body = own([[`Fn::ForEach::Loop${i}`, [`V${i}`, collection, body]]]);
    }
    resources.push(...Object.entries(body as Record<string, unknown>));
  }
  const description: unknown[] = [];
  if (s.big) {
    const big = s.big.unit.repeat(Math.ceil(s.big.size / s.big.unit.length));
    parameters.push(['Big', { Type: 'String', Default: s.big.where === 'Default' ? big : 'b' }]);
    if (s.big.where === 'Mapping') mappings.push(['Big', { Key: { Value: big } }]);
    // a string written once, and referred to `joins` times: the file stays small, the value does not
    const reference = s.big.where === 'Mapping' ? { 'Fn::FindInMap': ['Big', 'Key', 'Value'] } : { Ref: 'Big' };
    const joined = { 'Fn::Join': ['', Array.from({ length: s.big.joins }, () => reference)] };
    const literal = s.big.where === 'AlarmRule' || s.big.where === 'DashboardBody' ? big : 'small';
    resources.push([
      'BigRule',
      {
        Type: 'AWS::CloudWatch::CompositeAlarm',
        Properties: {
          AlarmRule: s.big.where === 'AlarmRule' ? literal : joined,
          AlarmName: { 'Fn::Sub': '${Big}${Big}' },
        },
      },
    ]);
    resources.push([
      'BigDashboard',
      {
        Type: 'AWS::CloudWatch::Dashboard',
        Properties: { DashboardBody: s.big.where === 'DashboardBody' ? literal : joined },
      },
    ]);
    if (s.big.where === 'Description') description.push(big);
  }
  if (s.deep !== null) {
    let v: unknown = 'bottom';
    for (let i = 0; i < s.deep; i++) v = i % 2 === 0 ? [v] : { Nested: v };
    resources.push(['DeepQueue', { Type: 'AWS::SQS::Queue', Properties: { Tags: v } }]);
  }
  return own([
    ['AWSTemplateFormatVersion', '2010-09-09'],
    ...(transform ? [['Transform', transform] as const] : []),
    ...(description.length > 0 ? [['Description', description[0]] as const] : []),
    ...(parameters.length > 0 ? [['Parameters', own(parameters)] as const] : []),
    ...(conditions.length > 0 ? [['Conditions', own(conditions)] as const] : []),
    ...(mappings.length > 0 ? [['Mappings', own(mappings)] as const] : []),
    ['Resources', s.emptyResources ? null : own(resources)],
    ['Outputs', own(s.resources.slice(0, 2).map((r) => [r.id, { Value: { Ref: r.id }, Export: { Name: r.id } }]))],
  ]);
}

const INVALID_UTF8 = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xf8, 0x88, 0x80, 0x80, 0x80]);

/** The hostile cases. */
export function hostileCases(): fc.Arbitrary<HostileCase> {
  return fc.tuple(arbitraries(), fc.nat()).map(([s, at]) => {
    let text = write(templateOf(s), s.format);
    if (s.prefix && s.format !== 'json') {
      const comment = `# !Ref${'&'.repeat(s.prefix.comment)}\n`;
      // with `%TAG !x! !R`, `!x!ef` is `!Ref` without the text `!Ref`: the comment holds the only one
      if (s.prefix.directives.includes('%TAG !x! !R')) text = text.replace(/!Ref /g, '!x!ef ');
      text = `${comment}${s.prefix.directives.map((d) => `${d}\n`).join('')}${comment}---\n${text}`;
    }
    let bytes: Buffer = Buffer.from(text, 'utf8');
    if (s.encoding === 'bom') bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
    if (s.encoding === 'invalid-utf8') {
      const offset = at % (bytes.length + 1);
      bytes = Buffer.concat([bytes.subarray(0, offset), INVALID_UTF8, bytes.subarray(offset)]);
    }
    const parameters = own(s.values) as Record<string, string>;
    const file = fileNameOf(s.name, s.format === 'json' ? 'json' : 'yaml');
    const what = [
      `${s.params.length} parameter(s), ${s.values.length} value(s), ${s.conditions.length} condition(s)`,
      s.chain && `a FindInMap/If chain of ${s.chain.depth}`,
      s.loops && `ForEach over ${s.loops.lengths.join('×')}${s.loops.viaParameter ? ' (parameter defaults)' : ''}`,
      s.big && `${s.big.size} B of ${JSON.stringify(s.big.unit)} in ${s.big.where} joined ${s.big.joins} times`,
      s.deep !== null && `${s.deep}-deep nesting`,
      s.prefix && `a ${s.prefix.comment}-character comment and ${JSON.stringify(s.prefix.directives)}`,
      s.emptyResources && 'empty Resources',
    ].filter(Boolean);
    return {
      file,
      bytes,
      parameters,
      maxDepth: s.deep !== null ? 1000 : undefined,
      origin: `${JSON.stringify(file)} as ${s.format} in ${s.encoding}: ${what.join('; ')}`,
    };
  });
}

/** Every rule, those off by default too. */
export const ALL_RULES = { rules: BUILTIN_PACKS.flatMap((p) => p.rules.map((r) => r.id)) };

/** Scans `files` in `dir` with the public API and checks what every user would see of the report. */
export function checkedScan(
  dir: string,
  files: readonly string[],
  options: Omit<ScanOptions, 'cwd'>,
  index: number,
): { report: ScanReport; output: string } {
  const report = scanPaths(files, {
    ...options,
    cwd: dir,
    selection: ALL_RULES,
    suppressions: { today: '2026-01-01' },
  });
  for (const e of report.errors) {
    if (e.message === '') throw new Error(`an input error without a message: ${JSON.stringify(e)}`);
    if (!insideDir(dir, e.file))
      throw new Error(`an input error names a file outside the folder: ${JSON.stringify(e.file)}`);
  }
  const failed = report.findings.find((f) => f.ruleId === INTERNAL_ERROR);
  if (failed) throw new Error(`a rule failed: ${failed.message}`);
  const outside = report.findings.find((f) => !insideDir(dir, f.file) || !(f.line >= 1 && f.column >= 1));
  if (outside)
    throw new Error(
      `a finding outside the folder or its file: ${JSON.stringify([outside.file, outside.line, outside.column])}`,
    );
  // the SARIF schema is slow to check: one case in ten
  return { report, output: checkedOutputs(report, { cwd: dir, validateSchema: index % 10 === 0 }) };
}

/** Whether a path as a report shows it (relative to `dir`) is inside `dir`. */
export function insideDir(dir: string, shown: string): boolean {
  const rel = path.relative(dir, path.resolve(dir, shown));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** The property for one hostile case (see the top of this file). */
export function hostileHolds(c: HostileCase, index = 0): Outcome {
  const dir = mkdtempSync(path.join(tmpdir(), 'opslint-fuzz-hostile-'));
  try {
    writeFileSync(path.join(dir, c.file), c.bytes);
    const options = {
      parameters: c.parameters,
      load: c.maxDepth ? { limits: { maxDepth: c.maxDepth, maxAliasNodes: 100_000 } } : undefined,
    };
    const first = checkedScan(dir, [c.file], options, index);
    const second = checkedScan(dir, [c.file], options, 1);
    if (first.output !== second.output) throw new Error('a second scan gave a different output');
    return { output: first.output, inputError: first.report.errors.length > 0, findings: first.report.findings.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
