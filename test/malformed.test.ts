/**
 * The malformed-input matrix: every kind of file a linter meets in CI (generated, half-edited, hostile), each
 * scanned through the command line beside a good template, with its expected result. A file that cannot be
 * read gives exactly one line `file:line:col: message` (no stack trace), the good template is still scanned
 * and its finding reported, and the exit code is 2. A file that can be read is scanned like any other (the
 * good template's error finding makes the exit code 1). Large inputs are generated in a temporary folder.
 * Rows whose message is not fixed here say only that the file is unreadable (`unreadable`), or that it may
 * be either read or refused (`either`): then the contract alone is checked, one line for the file, exit 2.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { INTERNAL_ERROR, type Finding, type ScanReport } from '../lib/engine/finding';
import { runCli } from '../scripts/support/cli';
import { yaml } from './helpers/yaml';

const ALARM_PROPERTIES = yaml`
  Namespace: AWS/SQS
  MetricName: ApproximateAgeOfOldestMessage
  Statistic: Maximum
  Period: 60
  EvaluationPeriods: 1
  Threshold: 600
  ComparisonOperator: GreaterThanThreshold
`;

/** An alarm without actions: alarm-actions, an error, at its Properties (4:5). */
const GOOD = `Resources:\n  Alarm:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n${indent(ALARM_PROPERTIES, 6)}`;
const ALARM_JSON = JSON.stringify({ Type: 'AWS::CloudWatch::Alarm', Properties: alarmProperties() });
const GOOD_JSON = JSON.stringify({ Resources: { Alarm: JSON.parse(ALARM_JSON) as unknown } }, null, 2);

function indent(text: string, n: number): string {
  return text.replace(/^(?=.)/gm, ' '.repeat(n));
}

function alarmProperties(): Record<string, unknown> {
  return {
    Namespace: 'AWS/SQS',
    MetricName: 'ApproximateAgeOfOldestMessage',
    Statistic: 'Maximum',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 600,
    ComparisonOperator: 'GreaterThanThreshold',
  };
}

function utf16(text: string, order: 'le' | 'be'): Buffer {
  const le = Buffer.from(text, 'utf16le');
  if (order === 'le') return Buffer.concat([Buffer.from([0xff, 0xfe]), le]);
  return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()]);
}

/** The classic "billion laughs": nine levels of nine aliases, 9^9 nodes once expanded, in under a kilobyte. */
function aliasBomb(): string {
  const lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (const [name, prev] of [
    ['b', 'a'],
    ['c', 'b'],
    ['d', 'c'],
    ['e', 'd'],
    ['f', 'e'],
    ['g', 'f'],
    ['h', 'g'],
    ['i', 'h'],
  ]) {
    lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
  }
  return `${lines.join('\n')}\nResources:\n  Alarm:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      Dimensions: *i\n`;
}

const DEEP = 10_000;
const DEEP_JSON_PREFIX = '{"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"Tags": ';
const DEEP_YAML_PREFIX = 'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags: ';

/**
 * A 30 MB template of 40,000 resources, as a generator might write it: functions with roles, tables and
 * alarms that reference each other.
 */
function hugeTemplate(): string {
  const resources: Record<string, unknown> = {};
  for (let i = 0; i < 10_000; i++) {
    resources[`Function${i}`] = {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: { 'Fn::GetAtt': [`Role${i}`, 'Arn'] },
        Code: {
          ZipFile: `exports.handler = async () => ({ statusCode: 200, body: ${JSON.stringify('x'.repeat(800))} });`,
        },
        Environment: {
          Variables: { TABLE: { Ref: `Table${i}` }, STAGE: { 'Fn::Sub': `\${AWS::StackName}-stage-${i}` } },
        },
        Tags: [{ Key: 'owner', Value: `team-${i % 50}` }],
      },
    };
    resources[`Role${i}`] = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
        ManagedPolicyArns: [
          { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' },
        ],
      },
    };
    resources[`Table${i}`] = {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
    };
    resources[`Alarm${i}`] = {
      Type: 'AWS::CloudWatch::Alarm',
      DependsOn: [`Function${i}`],
      Properties: {
        ...alarmProperties(),
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: `Function${i}` } }],
      },
    };
  }
  return JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: resources }, null, 2);
}

/** Resources that reference each other in a circle, through Ref, GetAtt, Sub and DependsOn, and conditions that do. */
const CIRCULAR = yaml`
  Parameters:
    Env: {Type: String}
  Conditions:
    A: !Condition B
    B: !And [!Condition A, !Equals [!Ref Env, prod]]
    C: !Not [!Condition C]
  Resources:
    Alarm:
      Type: AWS::CloudWatch::Alarm
      DependsOn: [Alarm, Topic]
      Condition: A
      Properties:
        AlarmName: !Sub '\${Topic.TopicName}-\${Alarm}'
        AlarmDescription: !If [C, !Ref Alarm, !GetAtt Alarm.Arn]
  ${indent(ALARM_PROPERTIES, 6)}
    Topic:
      Type: AWS::SNS::Topic
      DependsOn: Alarm
      Properties:
        TopicName: !GetAtt Alarm.Arn
`;

/** A 2 MB Fn::Sub, with a variable every 16 characters. */
function hugeSub(): string {
  const body = '${AWS::Region}-x'.repeat((2 * 1024 * 1024) / 16);
  return `Resources:\n  Alarm:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      AlarmDescription: !Sub "${body}"\n${indent(ALARM_PROPERTIES, 6)}`;
}

/** JavaScript's own property names, as parameter names. */
const PROTOTYPE_NAMES = ['constructor', 'valueOf', 'toString', '__proto__', 'hasOwnProperty'];

/** Logical ids that a report must show without obeying them. */
const HOSTILE_IDS = [
  'Esc\u001b[2J\u001b[31mRed',
  'Csi\u009b31mNel\u0085',
  'Bidi\u202eevil\u202c\u2066x\u2069',
  'Line\u2028Para\u2029',
  'New\nline\r\n# heading',
  '[link](https://example.invalid) @user `code` <b>html</b>',
  'Nul\u0000Bell\u0007',
];

/**
 * Thirty levels of Mappings whose entries are an Fn::If on an unknown condition between two look-ups of the
 * next level: 2^30 ways to one value, for a function's tracing mode.
 */
function findInMapChain(): string {
  const levels: string[] = [];
  for (let k = 0; k < 30; k++) {
    const e = `!If [Unknown, !FindInMap [Chain, L${k + 1}, A], !FindInMap [Chain, L${k + 1}, B]]`;
    levels.push(k < 29 ? `    L${k}: {A: ${e}, B: ${e}}` : `    L${k}: {A: Active, B: PassThrough}`);
  }
  const fn = yaml`
    Fn:
      Type: AWS::Lambda::Function
      Properties:
        Runtime: nodejs20.x
        Handler: index.handler
        Role: arn:aws:iam::123456789012:role/fn
        Code: {ZipFile: 'exports.handler = async () => ({})'}
        TracingConfig:
          Mode: !FindInMap [Chain, L0, A]
  `;
  return `${GOOD}${indent(fn, 2)}Parameters:\n  Key: {Type: String}\nConditions:\n  Unknown: !Equals [!Ref Key, x]\nMappings:\n  Chain:\n${levels.join('\n')}\n`;
}

/** Three Fn::ForEach, each over the same 300-item list: 27 million topics. */
function forEachBlowup(): string {
  const items = Array.from({ length: 300 }, (_, i) => `i${i}`).join(',');
  return `${GOOD}${yaml`
    Transform: AWS::LanguageExtensions
    Parameters:
      Items: {Type: CommaDelimitedList, Default: '${items}'}
  `}`.replace(
    'Resources:\n',
    `Resources:\n  Fn::ForEach::A:\n    - X\n    - !Ref Items\n    - Fn::ForEach::B:\n        - Y\n        - !Ref Items\n        - Fn::ForEach::C:\n            - Z\n            - !Ref Items\n            - 'Topic\${X}\${Y}\${Z}': {Type: AWS::SNS::Topic}\n`,
  );
}

interface Case {
  readonly name: string;
  /** the path scanned: a file, or a folder whose files `folder` gives */
  readonly file: string;
  readonly content?: () => string | Buffer;
  readonly folder?: () => Record<string, string>;
  /** for a folder: the template in it that is scanned */
  readonly scanned?: string;
  /** command-line options of this row's scan (such rows are left out of the scan of all files at once) */
  readonly args?: readonly string[];
  /** the one line an unreadable file gives; absent for a file that is read */
  readonly error?: string;
  /** unreadable, with a message this matrix does not fix; or either read or unreadable */
  readonly unreadable?: 'yes' | 'either';
  /** for a file that is read: how many resources it has, and what to check in its findings */
  readonly resources?: number;
  readonly check?: (findings: readonly Finding[]) => void;
  /** for a file that is read: its notes, `line:col: message` */
  readonly notes?: readonly string[];
}

/** The good template's findings, by rule, resource and position: a file that differs only in encoding gives the same. */
const asGood = (findings: readonly Finding[]): string[] =>
  findings.map((f) => `${f.ruleId} ${f.resource} ${f.line}:${f.column}`);
let goodFindings: string[] = [];

const CASES: readonly Case[] = [
  { name: 'an empty file', file: 'empty.yaml', content: () => '', error: 'empty.yaml: empty file' },
  {
    name: 'a file of blank lines and comments',
    file: 'comments.yaml',
    content: () => '\n# nothing yet\n\n',
    error: 'comments.yaml: empty file',
  },
  {
    name: 'a binary file',
    file: 'binary.yaml',
    content: () =>
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]),
    error: 'binary.yaml: binary file, not a JSON or YAML template',
  },
  {
    name: 'UTF-8 with a byte order mark',
    file: 'bom.yaml',
    content: () => `\ufeff${GOOD}`,
    check: (f) => expect(asGood(f)).toEqual(goodFindings),
  },
  {
    name: 'UTF-16 little-endian with a byte order mark',
    file: 'utf16le.yaml',
    content: () => utf16(GOOD, 'le'),
    check: (f) => expect(asGood(f)).toEqual(goodFindings),
  },
  {
    name: 'UTF-16 big-endian with a byte order mark',
    file: 'utf16be.yaml',
    content: () => utf16(GOOD, 'be'),
    check: (f) => expect(asGood(f)).toEqual(goodFindings),
  },
  {
    name: 'UTF-16 without a byte order mark (cannot be told from binary)',
    file: 'utf16-no-bom.yaml',
    content: () => Buffer.from(GOOD, 'utf16le'),
    error: 'utf16-no-bom.yaml: binary file, not a JSON or YAML template',
  },
  {
    name: "UTF-32 (its byte order mark starts like UTF-16's)",
    file: 'utf32.yaml',
    content: () =>
      Buffer.concat([
        Buffer.from([0xff, 0xfe, 0, 0]),
        ...[...GOOD].map((ch) => Buffer.from([ch.charCodeAt(0), 0, 0, 0])),
      ]),
    error: 'utf32.yaml: binary file, not a JSON or YAML template',
  },
  {
    name: 'truncated JSON',
    file: 'truncated.json',
    content: () => GOOD_JSON.slice(0, GOOD_JSON.indexOf('AWS/SQS') + 3),
    error: 'truncated.json:6:22: invalid JSON: unterminated string',
  },
  {
    name: 'truncated YAML',
    file: 'truncated.yaml',
    content: () =>
      'Resources:\n  Alarm:\n    Type: AWS::CloudWatch::Alarm\n    Properties: {Namespace: "AWS/SQS", MetricName: Errors',
    // at the end of the file, where the mapping should have been closed
    error:
      'truncated.yaml:4:58: invalid YAML: flow map in block collection must be sufficiently indented and end with a }',
  },
  {
    name: 'duplicate keys in YAML',
    file: 'duplicate.yaml',
    content: () => `${GOOD}  Alarm:\n    Type: AWS::SNS::Topic\n`,
    error: 'duplicate.yaml:12:3: duplicate key "Alarm" (first defined at line 2, column 3)',
  },
  {
    name: 'duplicate keys in JSON',
    file: 'duplicate.json',
    content: () => '{"Resources": {"Alarm": {"Type": "AWS::SNS::Topic", "Type": "AWS::SQS::Queue"}}}',
    error: 'duplicate.json:1:53: duplicate key "Type" (first defined at line 1, column 26)',
  },
  {
    name: 'tabs for indentation',
    file: 'tabs.yaml',
    content: () => GOOD.replace('    Type:', '\tType:'),
    error: 'tabs.yaml:3:1: invalid YAML: tab characters are not allowed for indentation',
  },
  {
    name: 'several YAML documents',
    file: 'multi.yaml',
    content: () => `${GOOD}---\n${GOOD}`,
    error: 'multi.yaml:12:1: YAML file holds more than one document; a template is a single document',
  },
  {
    name: 'a YAML alias bomb',
    file: 'alias-bomb.yaml',
    content: aliasBomb,
    // at the alias whose expansion takes the document past the bound: after b, c, d and e (74,718 nodes), the first *e of f
    error:
      'alias-bomb.yaml:6:8: YAML aliases expand to more than 100000 nodes: an alias bomb? (limit: --max-alias-nodes, limits.maxAliasNodes)',
  },
  {
    name: '10,000-deep nesting in JSON',
    file: 'deep.json',
    content: () => `${DEEP_JSON_PREFIX}${'['.repeat(DEEP)}${']'.repeat(DEEP)}}}}}`,
    // four mappings, then the 253rd list is the 257th level
    error: `deep.json:1:${DEEP_JSON_PREFIX.length + 253}: nesting deeper than 256 levels (limit: --max-depth, limits.maxDepth)`,
  },
  {
    name: '10,000-deep nesting in YAML',
    file: 'deep.yaml',
    content: () => `${DEEP_YAML_PREFIX}${'['.repeat(DEEP)}${']'.repeat(DEEP)}\n`,
    error: `deep.yaml:5:${'      Tags: '.length + 253}: nesting deeper than 256 levels (limit: --max-depth, limits.maxDepth)`,
  },
  {
    name: 'a 30 MB template with 40,000 resources',
    file: 'huge.json',
    content: hugeTemplate,
    resources: 40_000,
    check: (findings) => {
      // every function is checked: each one lacks X-Ray tracing
      expect(findings.filter((f) => f.ruleId === 'lambda-tracing')).toHaveLength(10_000);
      expect(findings.find((f) => f.resource === 'Function9999' && f.ruleId === 'lambda-tracing')).toBeDefined();
    },
  },
  {
    name: '__proto__ and constructor as logical ids (JSON)',
    file: 'proto.json',
    // written out: in an object literal, __proto__ would set the prototype instead of naming a key
    content: () => `{"Resources": {"__proto__": ${ALARM_JSON}, "constructor": ${ALARM_JSON}}}`,
    resources: 2,
    check: (findings) =>
      expect(findings.filter((f) => f.ruleId === 'alarm-actions').map((f) => f.resource)).toEqual([
        '__proto__',
        'constructor',
      ]),
  },
  {
    name: '__proto__ and constructor as logical ids (YAML)',
    file: 'proto.yaml',
    content: () =>
      GOOD.replace('  Alarm:', '  __proto__:') +
      GOOD.slice('Resources:\n'.length).replace('  Alarm:', '  constructor:'),
    resources: 2,
    check: (findings) =>
      expect(findings.filter((f) => f.ruleId === 'alarm-actions').map((f) => [f.resource, f.line])).toEqual([
        ['__proto__', 4],
        ['constructor', 14],
      ]),
  },
  {
    name: 'Resources as a list',
    file: 'resources-list.yaml',
    content: () => 'Resources:\n  - Type: AWS::SNS::Topic\n',
    error: 'resources-list.yaml:1:1: Resources must be a mapping, found a list',
  },
  {
    name: 'a resource without Type',
    file: 'no-type.yaml',
    content: () => GOOD.replace('    Type: AWS::CloudWatch::Alarm\n', ''),
    error: 'no-type.yaml:2:3: resource Alarm has no Type',
  },
  {
    name: 'an unknown short-form tag',
    file: 'unknown-tag.yaml',
    content: () => GOOD.replace('Namespace: AWS/SQS', 'Namespace: !Foo AWS/SQS'),
    error:
      "unknown-tag.yaml:5:18: unknown YAML tag !Foo; CloudFormation's short forms are !Ref, !GetAtt, !Sub and the other !Fn tags",
  },
  {
    name: 'a YAML 1.1 type tag',
    file: 'binary-tag.yaml',
    content: () => GOOD.replace('Namespace: AWS/SQS', 'Namespace: !!binary QVdTL1NRUw=='),
    error:
      "binary-tag.yaml:5:18: unknown YAML tag !!binary; CloudFormation's short forms are !Ref, !GetAtt, !Sub and the other !Fn tags",
  },
  {
    name: 'a language tag that other YAML readers run as code',
    file: 'js-tag.yaml',
    content: () => GOOD.replace('Namespace: AWS/SQS', 'Namespace: !!js/function "function () { process.exit(7) }"'),
    error:
      "js-tag.yaml:5:18: unknown YAML tag !!js/function; CloudFormation's short forms are !Ref, !GetAtt, !Sub and the other !Fn tags",
  },
  {
    name: 'circular Ref, GetAtt, Sub, DependsOn and conditions',
    file: 'circular.yaml',
    content: () => CIRCULAR,
    resources: 2,
    check: (findings) =>
      expect(findings.filter((f) => f.ruleId === 'alarm-actions').map((f) => f.resource)).toEqual(['Alarm']),
  },
  {
    // a log group name of a thousand unknowable parts, and a function name that almost fits it: matched as a
    // regular expression of a thousand `.+`, this took longer than any CI job runs (found by the fuzzer)
    name: 'a name of a thousand unknowable parts',
    file: 'unknowable-parts.yaml',
    content: () =>
      yaml`
        Parameters:
          Part: {Type: String}
        Resources:
          Fn:
            Type: AWS::Lambda::Function
            Properties:
              FunctionName: ${'-'.repeat(2000)}
              Runtime: nodejs24.x
              Handler: index.handler
              Role: arn:aws:iam::123456789012:role/fn
              Code: {ZipFile: 'exports.handler = async () => ({})'}
          Logs:
            Type: AWS::Logs::LogGroup
            Properties:
              LogGroupName: !Sub '/aws/lambda/${Array(1000).fill('${Part}').join('-')}x'
              RetentionInDays: 30
      `,
    resources: 2,
    check: (findings) =>
      expect(findings.filter((f) => f.ruleId === 'lambda-log-group').map((f) => f.resource)).toEqual(['Fn']),
  },
  {
    name: 'a flow list not indented past its key (CloudFormation reads it)',
    file: 'unindented-flow.yaml',
    content: () =>
      `${GOOD}      Dimensions: [\n      {Name: QueueName, Value: orders},\n      ]\n      Unit: Seconds\n`,
    check: (f) => expect(asGood(f)).toEqual(goodFindings),
    notes: ['12:19: flow sequence not indented past its key, read as CloudFormation reads it'],
  },
  {
    name: "a quoted string continued at its key's indentation (CloudFormation reads it)",
    file: 'unindented-quote.yaml',
    content: () => GOOD.replace('Namespace: AWS/SQS', "Namespace: 'AWS/\n      SQS'"),
    check: (f) => expect(asGood(f)).toEqual(goodFindings),
    notes: ['5:18: quoted string continued on a line not indented past its key, read as CloudFormation reads it'],
  },
  {
    name: 'a quoted scalar followed by more text on its line (PyYAML rejects it too)',
    file: 'quote-then-text.yaml',
    content: () => GOOD.replace('Namespace: AWS/SQS', "Namespace: 'AWS/SQS' (orders)"),
    error: 'quote-then-text.yaml:5:28: invalid YAML: unexpected scalar at node end',
  },
  {
    name: 'a template that only its macro makes valid: read, not checked',
    file: 'macro.yaml',
    content: () =>
      'Transform: ShortHand\nResources:\n  - SNS::Topic Alerts\n  - CloudWatch::Alarm Age:\n      Threshold: 600\n',
    resources: 0,
    check: (f) => expect(f).toEqual([]),
    notes: [
      '1:1: the template uses the macro ShortHand, which rewrites Resources before deployment; the template is not checked (as written: Resources must be a mapping, found a list)',
    ],
  },
  {
    name: 'a 2 MB Fn::Sub',
    file: 'huge-sub.yaml',
    content: hugeSub,
    resources: 1,
    check: (findings) =>
      expect(findings.filter((f) => f.ruleId === 'alarm-actions').map((f) => [f.resource, f.line])).toEqual([
        ['Alarm', 4],
      ]),
  },
  {
    // `!x!ef` is `!Ref` through the directive, so the comment holds the only text `!Ref` before it
    name: 'a %TAG directive after a comment of `!Ref` and a thousand ampersands',
    file: 'tag-after-comment.yaml',
    content: () =>
      `# !Ref${'&'.repeat(1000)}\n%TAG !x! !R\n---\n${GOOD.replace('Namespace: AWS/SQS', 'Namespace: !x!ef AWS::Region')}`,
    unreadable: 'either',
    check: (f) =>
      expect(asGood(f).map((x) => x.replace(/ \d+:\d+$/, ''))).toEqual(
        goodFindings.map((x) => x.replace(/ \d+:\d+$/, '')),
      ),
  },
  {
    name: 'a chain of Fn::FindInMap through Fn::If on an unknown condition, thirty levels deep',
    file: 'findinmap-if-chain.yaml',
    content: findInMapChain,
    resources: 2,
    check: (f) => {
      expect(f.filter((x) => x.ruleId === INTERNAL_ERROR)).toEqual([]);
      expect(f.filter((x) => x.resource === 'Alarm').map((x) => x.ruleId)).toContain('alarm-actions');
    },
  },
  {
    name: 'three nested Fn::ForEach over a 300-item list',
    file: 'foreach-blowup.yaml',
    content: forEachBlowup,
    unreadable: 'either',
  },
  {
    name: 'logical ids with lone surrogates (JSON)',
    file: 'lone-surrogate.json',
    // written out: JSON.stringify would escape them the same way, as \ud800 and \udc00
    content: () => `{"Resources": {"Alarm\\ud800": ${ALARM_JSON}, "\\udc00Alarm": ${ALARM_JSON}}}`,
    resources: 2,
    check: (findings) => expect(findings.filter((f) => f.ruleId === 'alarm-actions')).toHaveLength(2),
  },
  {
    name: 'logical ids with the non-characters U+FFFE and U+FFFF (JSON)',
    file: 'non-characters.json',
    content: () => `{"Resources": {"Alarm\ufffe": ${ALARM_JSON}, "Alarm\uffff": ${ALARM_JSON}}}`,
    resources: 2,
    check: (findings) => expect(findings.filter((f) => f.ruleId === 'alarm-actions')).toHaveLength(2),
  },
  {
    name: 'logical ids with control characters, escape sequences, bidirectional overrides, line separators and Markdown (JSON)',
    file: 'hostile-ids.json',
    content: () =>
      JSON.stringify({
        Resources: Object.fromEntries(HOSTILE_IDS.map((id) => [id, JSON.parse(ALARM_JSON) as unknown])),
      }),
    resources: HOSTILE_IDS.length,
    check: (findings) =>
      expect(
        findings
          .filter((f) => f.ruleId === 'alarm-actions')
          .map((f) => f.resource)
          .sort(),
      ).toEqual([...HOSTILE_IDS].sort()),
  },
  {
    name: 'parameters named constructor, valueOf, toString, __proto__ and hasOwnProperty, also given on the command line',
    file: 'prototype-parameters.yaml',
    content: () =>
      `${GOOD}Parameters:\n${PROTOTYPE_NAMES.map((n) => `  ${n}: {Type: String, Default: d}\n`).join('')}Outputs:\n  Names:\n    Value: !Join [',', [${PROTOTYPE_NAMES.map((n) => `!Ref ${n}`).join(', ')}]]\n`,
    args: PROTOTYPE_NAMES.flatMap((n) => ['-p', `${n}=given`]),
    check: (f) => expect(asGood(f)).toEqual(goodFindings),
  },
  {
    // 600 million characters once joined: more than a JavaScript string holds
    name: 'a 100 KB parameter default joined 6,000 times',
    file: 'big-join.json',
    content: () =>
      JSON.stringify({
        Parameters: { Big: { Type: 'String', Default: 'x'.repeat(100_000) } },
        Resources: {
          Alarm: JSON.parse(ALARM_JSON) as unknown,
          Rule: {
            Type: 'AWS::CloudWatch::CompositeAlarm',
            Properties: { AlarmRule: { 'Fn::Join': ['', Array(6000).fill({ Ref: 'Big' })] } },
          },
          Board: {
            Type: 'AWS::CloudWatch::Dashboard',
            Properties: { DashboardBody: { 'Fn::Join': ['', Array(6000).fill({ Ref: 'Big' })] } },
          },
        },
      }),
    unreadable: 'either',
    check: (f) => expect(f.filter((x) => x.ruleId === INTERNAL_ERROR)).toEqual([]),
  },
  {
    name: 'an empty Resources section',
    file: 'empty-resources.yaml',
    content: () => 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n',
    unreadable: 'either',
  },
  {
    name: 'invalid UTF-8 in a value',
    file: 'invalid-utf8.yaml',
    content: () =>
      Buffer.concat([
        Buffer.from(GOOD.slice(0, GOOD.indexOf('AWS/SQS') + 7)),
        Buffer.from([0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
        Buffer.from(GOOD.slice(GOOD.indexOf('AWS/SQS') + 7)),
      ]),
    unreadable: 'either',
  },
  {
    name: 'JSON with a byte order mark',
    file: 'bom.json',
    content: () => `\ufeff${GOOD_JSON}`,
    check: (findings) =>
      expect(findings.filter((f) => f.ruleId === 'alarm-actions').map((f) => f.resource)).toEqual(['Alarm']),
  },
  {
    name: '800-deep nesting in YAML, under --max-depth 1000',
    file: 'deep-800.yaml',
    content: () => `${DEEP_YAML_PREFIX}${'['.repeat(800)}${']'.repeat(800)}\n`,
    args: ['--max-depth', '1000'],
    // read, and no rule fails on it (a stack overflow is an internal error)
    check: (f) => expect(f.filter((x) => x.ruleId === INTERNAL_ERROR)).toEqual([]),
  },
  {
    name: '800-deep nesting in JSON, under --max-depth 1000',
    file: 'deep-800.json',
    content: () => `${DEEP_JSON_PREFIX}${'['.repeat(800)}${']'.repeat(800)}}}}}`,
    args: ['--max-depth', '1000'],
    // read, and no rule fails on it (a stack overflow is an internal error)
    check: (f) => expect(f.filter((x) => x.ruleId === INTERNAL_ERROR)).toEqual([]),
  },
  {
    name: 'a file name with a line break, an escape sequence, a bidirectional override and Markdown',
    file: 'line\nbreak \u001b[31m\u202e [x](https:example.invalid) @user `#.yaml',
    content: () => GOOD,
    check: (f) => expect(asGood(f)).toEqual(goodFindings),
  },
  {
    name: 'a web app folder: its manifest.json is no cloud assembly, and the template beside it is scanned',
    file: 'webapp',
    folder: () => ({
      'webapp/manifest.json': JSON.stringify({
        name: 'Shop',
        short_name: 'Shop',
        start_url: '/',
        display: 'standalone',
        icons: [{ src: 'icon.png', sizes: '192x192' }],
      }),
      'webapp/template.yaml': GOOD,
    }),
    scanned: 'webapp/template.yaml',
    check: (f) => expect(asGood(f)).toEqual(goodFindings),
  },
];

let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'opslint-malformed-'));
  writeFileSync(path.join(dir, 'good.yaml'), GOOD);
  for (const c of CASES) {
    if (c.content) writeFileSync(path.join(dir, c.file), c.content());
    for (const [name, text] of Object.entries(c.folder?.() ?? {})) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
  }
  const { report } = await scan(['good.yaml']);
  goodFindings = asGood(report.findings);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * `opslint scan FILES --format json`, on the main thread: worker threads started from the TypeScript sources
 * compile them first, which takes longer than these scans (test/parallel.test.ts runs scans on workers).
 */
async function scan(
  files: string[],
  extra: readonly string[] = [],
): Promise<{ code: number; stderr: string; report: ScanReport }> {
  const { code, stdout, stderr } = await runCli(
    ['scan', ...files, '--format', 'json', '--no-config', '--jobs', '1', ...extra],
    { cwd: dir },
  );
  return { code, stderr, report: JSON.parse(stdout) as ScanReport };
}

describe('the malformed-input matrix', () => {
  it('starts from a good template with one error finding, and a largest case of 30 MB', () => {
    expect(goodFindings).toContain('alarm-actions Alarm 4:5');
    expect(statSync(path.join(dir, 'huge.json')).size).toBeGreaterThanOrEqual(30 * 1024 * 1024);
  });

  it.each(CASES.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const { code, stderr, report } = await scan([c.file, 'good.yaml'], c.args);
      // the good template is scanned whatever happens to the other
      expect(report.summary.files).toContain('good.yaml');
      expect(asGood(report.findings.filter((f) => f.file === 'good.yaml'))).toEqual(goodFindings);
      if (c.error !== undefined) {
        const [where, ...rest] = c.error.split(': ');
        const m = /^(.*?)(?::(\d+):(\d+))?$/.exec(where)!;
        expect(report.errors).toEqual([
          { file: m[1], ...(m[2] ? { line: Number(m[2]), column: Number(m[3]) } : {}), message: rest.join(': ') },
        ]);
        expect(stderr).toBe(`${c.error}\n`);
        expect(report.summary.files).toEqual(['good.yaml']);
        expect(code).toBe(2);
      } else if (c.unreadable === 'yes' || (c.unreadable === 'either' && report.errors.length > 0)) {
        // the contract, whatever the message: one error, for this file, one line `file[:line:col]: message`
        expect(report.errors.map((e) => e.file)).toEqual([c.file]);
        expect(stderr).toMatch(
          new RegExp(`^${c.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(:\\d+:\\d+)?: [^\\n]+\\n$`),
        );
        expect(report.summary.files).toEqual(['good.yaml']);
        expect(code).toBe(2);
      } else {
        const file = c.scanned ?? c.file;
        expect(report.errors).toEqual([]);
        expect(stderr).toBe('');
        expect(report.summary.files).toEqual([file, 'good.yaml'].sort());
        if (c.unreadable === undefined || c.resources !== undefined)
          expect(report.summary.resources).toBe(1 + (c.resources ?? 1));
        c.check?.(report.findings.filter((f) => f.file === file));
        if (c.notes)
          expect(
            report.summary.notes.filter((n) => n.file === file).map((n) => `${n.line}:${n.column}: ${n.message}`),
          ).toEqual(c.notes);
        expect(code).toBe(1);
      }
    },
    300_000,
  );

  it('reports every unreadable file at once, one line each, and scans all the others', async () => {
    // rows with options of their own, folders and the largest files are left out
    const together = CASES.filter((c) => !c.file.startsWith('huge') && !c.args && !c.folder);
    const broken = together.filter((c) => c.error !== undefined);
    const readable = together.filter((c) => c.error === undefined && c.unreadable === undefined);
    const { code, stdout, stderr } = await runCli(
      ['scan', ...together.map((c) => c.file), 'good.yaml', '--no-config', '--no-color'],
      { cwd: dir },
    );
    expect(code).toBe(2);
    expect(stderr).toBe('');
    const errors = stdout.slice(stdout.indexOf('Input errors\n')).split('\n\n')[0].split('\n').slice(1);
    // the rows whose message is not fixed here: one line each for those unreadable, at most one for the others
    const known = new Set(broken.map((c) => `  error  ${c.error}`));
    const others = errors.filter((e) => !known.has(e));
    for (const c of together.filter((r) => r.unreadable !== undefined)) {
      const lines = others.filter((e) => e.startsWith(`  error  ${c.file}:`));
      expect(lines.length).toBeLessThanOrEqual(1);
      if (c.unreadable === 'yes') expect(lines).toHaveLength(1);
    }
    expect(errors.filter((e) => known.has(e))).toEqual([...known].sort((a, b) => (a < b ? -1 : 1)));
    expect(
      others.filter((e) => !together.some((c) => c.unreadable !== undefined && e.startsWith(`  error  ${c.file}:`))),
    ).toEqual([]);
    expect(stdout).not.toMatch(/^\s+at /m);
    // each file that could be read has its heading over its findings (a template that is not checked has neither)
    // (a name with control characters is shown escaped)
    const plain = readable.filter(
      // eslint-disable-next-line no-control-regex
      (r) => r.resources !== 0 && !/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(r.file),
    );
    for (const c of [...plain, { file: 'good.yaml' }]) expect(stdout.split('\n')).toContain(c.file);
    // and its notes are listed, one line each
    for (const c of readable) for (const note of c.notes ?? []) expect(stdout).toContain(`  note  ${c.file}:${note}\n`);
  }, 120_000);
});

describe('limits', () => {
  const deepTemplate = `Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags: [[[1]]]\n`;
  // six aliases of one scalar: six nodes
  const aliases = `Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: &n orders\n      Tags: [*n, *n, *n, *n, *n, *n]\n`;

  it('refuse a file larger than --max-file-size, without reading it', async () => {
    const { code, stderr, report } = await scan(['good.yaml', 'huge-sub.yaml'], ['--max-file-size', '1MB']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `huge-sub.yaml: file is ${Buffer.byteLength(hugeSub())} bytes, more than 1048576 bytes (limit: --max-file-size, limits.maxFileSize)\n`,
    );
    expect(report.summary.files).toEqual(['good.yaml']);
  });

  it('refuse, by default, a file over 50 MiB', async () => {
    const file = path.join(dir, 'sparse.json');
    writeFileSync(file, '{');
    truncateSync(file, 50 * 1024 * 1024 + 1);
    const { code, stderr } = await scan(['good.yaml', 'sparse.json']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'sparse.json: file is 52428801 bytes, more than 52428800 bytes (limit: --max-file-size, limits.maxFileSize)\n',
    );
    rmSync(file);
  });

  it('refuse nesting deeper than --max-depth, and aliases beyond --max-alias-nodes', async () => {
    writeFileSync(path.join(dir, 'nested.yaml'), deepTemplate);
    writeFileSync(path.join(dir, 'aliases.yaml'), aliases);
    const { code, report } = await scan(
      ['good.yaml', 'nested.yaml', 'aliases.yaml'],
      ['--max-depth', '6', '--max-alias-nodes', '5'],
    );
    expect(code).toBe(2);
    expect(report.errors).toEqual([
      {
        file: 'aliases.yaml',
        line: 6,
        column: 34,
        message:
          'YAML aliases expand to more than 5 nodes: an alias bomb? (limit: --max-alias-nodes, limits.maxAliasNodes)',
      },
      // the root, Resources, Queue and Properties mappings, then the third list
      {
        file: 'nested.yaml',
        line: 5,
        column: 15,
        message: 'nesting deeper than 6 levels (limit: --max-depth, limits.maxDepth)',
      },
    ]);
    // one level and one node more, and both are read
    const wider = await scan(
      ['good.yaml', 'nested.yaml', 'aliases.yaml'],
      ['--max-depth', '7', '--max-alias-nodes', '6'],
    );
    expect(wider.report.errors).toEqual([]);
    expect(wider.report.summary.files).toEqual(['aliases.yaml', 'good.yaml', 'nested.yaml']);
  });

  it('come from the configuration file, and the command line wins', async () => {
    writeFileSync(
      path.join(dir, 'limits.config.yaml'),
      'limits:\n  maxFileSize: 1KB\n  maxDepth: 6\n  maxAliasNodes: 5\n',
    );
    const fromConfig = await runCli(
      [
        'scan',
        'good.yaml',
        'nested.yaml',
        'aliases.yaml',
        'huge-sub.yaml',
        '--format',
        'json',
        '--jobs',
        '1',
        '-c',
        'limits.config.yaml',
      ],
      { cwd: dir },
    );
    expect(
      (JSON.parse(fromConfig.stdout) as ScanReport).errors.map((e) => [e.file, e.message.replace(/ \(.*/, '')]),
    ).toEqual([
      ['aliases.yaml', 'YAML aliases expand to more than 5 nodes: an alias bomb?'],
      ['huge-sub.yaml', `file is ${Buffer.byteLength(hugeSub())} bytes, more than 1024 bytes`],
      ['nested.yaml', 'nesting deeper than 6 levels'],
    ]);
    const overridden = await runCli(
      [
        'scan',
        'good.yaml',
        'nested.yaml',
        'aliases.yaml',
        '--format',
        'json',
        '--jobs',
        '1',
        '-c',
        'limits.config.yaml',
        '--max-depth',
        '7',
        '--max-alias-nodes',
        '6',
      ],
      { cwd: dir },
    );
    expect((JSON.parse(overridden.stdout) as ScanReport).errors).toEqual([]);
  });

  it.each([
    [
      ['--max-file-size', 'lots'],
      'opslint: --max-file-size must be a size such as 1048576, 512KB, 50MB or 1GB, not "lots"\n',
    ],
    [['--max-depth', '5000'], 'opslint: --max-depth must be a whole number from 1 to 1000, not "5000"\n'],
    [
      ['--max-alias-nodes', '0'],
      'opslint: --max-alias-nodes must be a whole number from 1 to 9007199254740991, not "0"\n',
    ],
  ])('reject a value that is not one: %j', async (args, message) => {
    expect(await runCli(['scan', 'good.yaml', '--no-config', ...args], { cwd: dir })).toEqual({
      code: 2,
      stdout: '',
      stderr: message,
    });
  });

  it('are checked in the configuration file, with its line', async () => {
    writeFileSync(path.join(dir, 'bad-limits.config.yaml'), 'limits:\n  maxDepth: 0\n');
    expect(await runCli(['scan', 'good.yaml', '-c', 'bad-limits.config.yaml'], { cwd: dir })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'opslint: bad-limits.config.yaml:2:3: invalid configuration: limits.maxDepth must be >= 1\n',
    });
  });
});
