/**
 * Reading templates (lib/template/parse.ts, load.ts): JSON and YAML into one shape, CloudFormation's short-form
 * tags in their long form, 1-based positions for any path, and every way an input can fail, each with its
 * message and position.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../lib/template/errors';
import { loadTemplate, templateFromText } from '../lib/template/load';
import { Template } from '../lib/template/model';
import { decode, detectFormat, parseDocument, type ParsedDocument } from '../lib/template/parse';
import type { JsonPath } from '../lib/template/path';
import { corpusDir } from '../scripts/support/corpus';
import { yaml } from './helpers/yaml';

const INPUTS = path.resolve(__dirname, '../fixtures/inputs');

/** The parsed value of a YAML (or, by file name, JSON) text. */
function valueOf(text: string, file = 'template.yaml'): unknown {
  return parseDocument(text, file).value;
}

function load(text: string, file = 'template.yaml', explicit = true): Template | undefined {
  return templateFromText(text, file, { explicit });
}

function inputError(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError, but nothing was thrown');
}

/** `file:line:col: message` of the error that reading `text` as a template gives. */
function failure(text: string, file = 'template.yaml', explicit = true): string {
  return inputError(() => load(text, file, explicit)).format();
}

/** The value at a path of a parsed document. */
function valueAt(doc: ParsedDocument, p: JsonPath): unknown {
  return p.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], doc.value);
}

function locate(doc: ParsedDocument, p: JsonPath): string {
  const { line, column } = doc.sourceMap.locate(doc.value, p);
  return `${line}:${column}`;
}

describe('YAML short-form tags become their long form', () => {
  it.each<[string, unknown]>([
    ['!Ref Bucket', { Ref: 'Bucket' }],
    ['!Ref AWS::Region', { Ref: 'AWS::Region' }],
    ['!GetAtt Role.Arn', { 'Fn::GetAtt': ['Role', 'Arn'] }],
    ['!GetAtt [Role, Arn]', { 'Fn::GetAtt': ['Role', 'Arn'] }],
    ['!GetAtt Db.Endpoint.Address', { 'Fn::GetAtt': ['Db', 'Endpoint.Address'] }],
    ['!GetAtt Bucket', { 'Fn::GetAtt': ['Bucket'] }],
    ["!Sub 'arn:${AWS::Partition}:s3:::${Bucket}/*'", { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}/*' }],
    ["!Sub ['${Name}-logs', {Name: !Ref Env}]", { 'Fn::Sub': ['${Name}-logs', { Name: { Ref: 'Env' } }] }],
    ['!If [IsProd, 3, 1]', { 'Fn::If': ['IsProd', 3, 1] }],
    ["!Join ['-', [a, !Ref Env]]", { 'Fn::Join': ['-', ['a', { Ref: 'Env' }]] }],
    ['!Select [0, !GetAZs ""]', { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }],
    ["!Split [',', !Ref Subnets]", { 'Fn::Split': [',', { Ref: 'Subnets' }] }],
    ['!FindInMap [Sizes, !Ref Env, Memory]', { 'Fn::FindInMap': ['Sizes', { Ref: 'Env' }, 'Memory'] }],
    [
      '!FindInMap [Sizes, !Ref Env, Memory, {DefaultValue: 128}]',
      { 'Fn::FindInMap': ['Sizes', { Ref: 'Env' }, 'Memory', { DefaultValue: 128 }] },
    ],
    ['!ImportValue network-VpcId', { 'Fn::ImportValue': 'network-VpcId' }],
    ['!Base64 "#!/bin/sh"', { 'Fn::Base64': '#!/bin/sh' }],
    ['!Cidr [!GetAtt Vpc.CidrBlock, 6, 8]', { 'Fn::Cidr': [{ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] }, 6, 8] }],
    ['!GetAZs us-east-1', { 'Fn::GetAZs': 'us-east-1' }],
    ["!GetAZs ''", { 'Fn::GetAZs': '' }],
    ['!GetAZs', { 'Fn::GetAZs': '' }],
    ['!Equals [!Ref Env, prod]', { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] }],
    ['!And [!Condition A, !Condition B]', { 'Fn::And': [{ Condition: 'A' }, { Condition: 'B' }] }],
    ['!Or [!Condition A, !Equals [x, y]]', { 'Fn::Or': [{ Condition: 'A' }, { 'Fn::Equals': ['x', 'y'] }] }],
    ['!Not [!Condition IsProd]', { 'Fn::Not': [{ Condition: 'IsProd' }] }],
    ['!Condition IsProd', { Condition: 'IsProd' }],
    [
      '!Transform {Name: AWS::Include, Parameters: {Location: s3://b/k.yaml}}',
      { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://b/k.yaml' } } },
    ],
    ['!ToJsonString {a: 1}', { 'Fn::ToJsonString': { a: 1 } }],
    ['!Length [a, b]', { 'Fn::Length': ['a', 'b'] }],
    // YAML's own tags are plain YAML, not functions
    ['!!str 123', '123'],
  ])('%s', (source, expected) => {
    expect(valueOf(`Value: ${source}\n`)).toEqual({ Value: expected });
  });

  it('converts tags nested in tags, at any depth', () => {
    expect(
      valueOf('Value: !If [IsProd, !Sub "${AWS::StackName}-${Env}", !Select [1, !Split [",", !ImportValue ids]]]\n'),
    ).toEqual({
      Value: {
        'Fn::If': [
          'IsProd',
          { 'Fn::Sub': '${AWS::StackName}-${Env}' },
          { 'Fn::Select': [1, { 'Fn::Split': [',', { 'Fn::ImportValue': 'ids' }] }] },
        ],
      },
    });
  });

  it('converts a tagged mapping, flow and block', () => {
    expect(valueOf('Value: !Base64 {Fn::Sub: "echo ${AWS::Region}"}\n')).toEqual({
      Value: { 'Fn::Base64': { 'Fn::Sub': 'echo ${AWS::Region}' } },
    });
    const text = yaml`
      UserData: !Base64
        Fn::Sub: |
          #!/bin/sh
          echo \${AWS::Region}
    `;
    expect(valueOf(text)).toEqual({ UserData: { 'Fn::Base64': { 'Fn::Sub': '#!/bin/sh\necho ${AWS::Region}\n' } } });
  });

  it('converts tagged block sequences', () => {
    const text = yaml`
      Name: !Sub
        - '\${Prefix}-\${Suffix}'
        - Prefix: !Ref Env
          Suffix: !GetAtt Bucket.Arn
      Code: !If
        - IsProd
        - S3Bucket: releases
        - !Ref AWS::NoValue
    `;
    expect(valueOf(text)).toEqual({
      Name: {
        'Fn::Sub': ['${Prefix}-${Suffix}', { Prefix: { Ref: 'Env' }, Suffix: { 'Fn::GetAtt': ['Bucket', 'Arn'] } }],
      },
      Code: { 'Fn::If': ['IsProd', { S3Bucket: 'releases' }, { Ref: 'AWS::NoValue' }] },
    });
  });

  it('gives the same document for a YAML template and its JSON twin', () => {
    const fromYaml = valueOf(yaml`
      Resources:
        Fn:
          Type: AWS::Lambda::Function
          Properties:
            Role: !GetAtt Role.Arn
            Environment:
              Variables:
                TABLE: !Ref Table
                URL: !Sub 'https://\${Api}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}'
    `);
    const fromJson = valueOf(
      JSON.stringify({
        Resources: {
          Fn: {
            Type: 'AWS::Lambda::Function',
            Properties: {
              Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
              Environment: {
                Variables: {
                  TABLE: { Ref: 'Table' },
                  URL: { 'Fn::Sub': 'https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}' },
                },
              },
            },
          },
        },
      }),
      'template.json',
    );
    expect(fromYaml).toEqual(fromJson);
  });

  it('rejects a tag that is not a CloudFormation function, at the tag', () => {
    expect(
      failure('Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Reference Name\n'),
    ).toBe(
      "template.yaml:5:18: unknown YAML tag !Reference; CloudFormation's short forms are !Ref, !GetAtt, !Sub and the other !Fn tags",
    );
  });

  it('rejects two tags on one node (CloudFormation does not accept !ImportValue !Sub either)', () => {
    expect(failure("Outputs:\n  Id:\n    Value: !ImportValue !Sub '${Net}-VpcId'\nResources: {}\n")).toBe(
      'template.yaml:3:25: invalid YAML: a node can have at most one tag',
    );
  });
});

describe('positions: 1-based line and column of any path', () => {
  describe('in YAML', () => {
    const doc = parseDocument(
      yaml`
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Fn:
            Type: AWS::Lambda::Function
            Properties:
              Role: !GetAtt Role.Arn
              Code: !If
                - IsProd
                - S3Bucket: releases
                - !Ref AWS::NoValue
              Environment:
                Variables: {STAGE: prod, LOG: !Ref Level}
              Tags:
                - Key: team
                  Value: ops
              UserData: !Base64
                Fn::Sub: 'echo \${AWS::Region}'
              Layers:
      `,
      'template.yaml',
    );

    it.each<[string, JsonPath, string]>([
      ['the root', [], '1:1'],
      ['a top-level key', ['Resources'], '2:1'],
      ['a logical id', ['Resources', 'Fn'], '3:3'],
      ['a property', ['Resources', 'Fn', 'Properties', 'Role'], '6:7'],
      ['a tagged value: the tag', ['Resources', 'Fn', 'Properties', 'Role', 'Fn::GetAtt'], '6:13'],
      ['inside a tagged scalar: the tag', ['Resources', 'Fn', 'Properties', 'Role', 'Fn::GetAtt', 1], '6:13'],
      ['a tagged block sequence: the tag', ['Resources', 'Fn', 'Properties', 'Code', 'Fn::If'], '7:13'],
      ['an item of a tagged sequence', ['Resources', 'Fn', 'Properties', 'Code', 'Fn::If', 0], '8:11'],
      ['a key in a branch of Fn::If', ['Resources', 'Fn', 'Properties', 'Code', 'Fn::If', 1, 'S3Bucket'], '9:11'],
      ['a tagged item: the tag', ['Resources', 'Fn', 'Properties', 'Code', 'Fn::If', 2], '10:11'],
      ['a key in a flow mapping', ['Resources', 'Fn', 'Properties', 'Environment', 'Variables', 'LOG'], '12:34'],
      [
        'a tagged value in a flow mapping',
        ['Resources', 'Fn', 'Properties', 'Environment', 'Variables', 'LOG', 'Ref'],
        '12:39',
      ],
      ['a list item', ['Resources', 'Fn', 'Properties', 'Tags', 0], '14:11'],
      ['a key in a list item', ['Resources', 'Fn', 'Properties', 'Tags', 0, 'Value'], '15:11'],
      ['a tagged mapping', ['Resources', 'Fn', 'Properties', 'UserData', 'Fn::Base64'], '16:17'],
      ['a key in a tagged mapping', ['Resources', 'Fn', 'Properties', 'UserData', 'Fn::Base64', 'Fn::Sub'], '17:9'],
      ['a key without a value', ['Resources', 'Fn', 'Properties', 'Layers'], '18:7'],
      ['missing: the deepest existing parent', ['Resources', 'Fn', 'Properties', 'TracingConfig', 'Mode'], '5:5'],
      ['missing under an empty value', ['Resources', 'Fn', 'Properties', 'Layers', 0], '18:7'],
      ['a list index past the end', ['Resources', 'Fn', 'Properties', 'Tags', 5, 'Key'], '13:7'],
      ['a missing resource', ['Resources', 'Nope', 'Type'], '2:1'],
      ['a property of a scalar', ['Resources', 'Fn', 'Type', 'Name'], '4:5'],
    ])('%s', (_what, p, expected) => {
      expect(locate(doc, p)).toBe(expected);
    });
  });

  describe('in JSON', () => {
    const doc = parseDocument(
      [
        '{',
        '  "Resources": {',
        '    "Fn": {',
        '      "Type": "AWS::Lambda::Function",',
        '      "Properties": {',
        '        "Role": { "Fn::GetAtt": ["Role", "Arn"] },',
        '        "Tags": [',
        '          { "Key": "team", "Value": "ops" }',
        '        ]',
        '      }',
        '    }',
        '  }',
        '}',
      ].join('\n'),
      'template.json',
    );

    it.each<[string, JsonPath, string]>([
      ['the root', [], '1:1'],
      ['a top-level key', ['Resources'], '2:3'],
      ['a logical id', ['Resources', 'Fn'], '3:5'],
      ['a property', ['Resources', 'Fn', 'Properties', 'Role'], '6:9'],
      ['an intrinsic function key', ['Resources', 'Fn', 'Properties', 'Role', 'Fn::GetAtt'], '6:19'],
      ['an item of its argument', ['Resources', 'Fn', 'Properties', 'Role', 'Fn::GetAtt', 1], '6:42'],
      ['a list item', ['Resources', 'Fn', 'Properties', 'Tags', 0], '8:11'],
      ['a key in a list item', ['Resources', 'Fn', 'Properties', 'Tags', 0, 'Value'], '8:28'],
      ['missing: the deepest existing parent', ['Resources', 'Fn', 'Properties', 'TracingConfig', 'Mode'], '5:7'],
      ['a list index past the end', ['Resources', 'Fn', 'Properties', 'Tags', 1], '7:9'],
    ])('%s', (_what, p, expected) => {
      expect(locate(doc, p)).toBe(expected);
    });
  });

  it('gives the positions in JSON that the YAML parser gives for the same text, on every corpus JSON template', () => {
    // JSON is YAML: the YAML parser, which shares no code with the JSON one, is the oracle for every position
    const corpus = corpusDir();
    const files = readFileSync(path.join(corpus, 'MANIFEST.tsv'), 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t'))
      .filter((r) => r[9] === 'ok' && /\.json$/.test(r[3]))
      .map((r) => r[3]);
    expect(files.length).toBeGreaterThan(100);
    let compared = 0;
    let located = 0;
    for (const file of files) {
      const text = readFileSync(path.join(corpus, file), 'utf8').replace(/^\uFEFF/, '');
      let asYaml: ParsedDocument;
      try {
        asYaml = parseDocument(text, file, 'yaml');
      } catch {
        continue; // YAML 1.2 is not a superset of every JSON text (tabs, long keys)
      }
      const asJson = parseDocument(text, file, 'json');
      // every path, scalars included, looked up from the document: the JSON reader's lookups go through the
      // records' child indices (only shallow containers are bound by identity), which nothing here disturbs
      const paths: JsonPath[] = [];
      const collect = (v: unknown, at: JsonPath): void => {
        paths.push(at);
        if (typeof v === 'object' && v !== null)
          for (const k of Object.keys(v))
            collect((v as Record<string, unknown>)[k], [...at, Array.isArray(v) ? Number(k) : k]);
      };
      collect(asJson.value, []);
      for (const p of paths)
        expect([file, p, asJson.sourceMap.locate(asJson.value, p)]).toEqual([
          file,
          p,
          asYaml.sourceMap.locate(asYaml.value, p),
        ]);
      expect((asJson.sourceMap as unknown as { allBound: boolean }).allBound).toBe(false);
      located += paths.length;
      // and every container's record, asked for by identity
      const walk = (a: unknown, b: unknown, where: string): void => {
        if (typeof a !== 'object' || a === null) return;
        expect([where, asJson.sourceMap.get(a)]).toEqual([where, asYaml.sourceMap.get(b as object)]);
        compared++;
        for (const k of Object.keys(a))
          walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${where}/${k}`);
      };
      walk(asJson.value, asYaml.value, file);
    }
    expect(compared).toBeGreaterThan(10_000);
    expect(located).toBeGreaterThan(30_000);
  });

  it('starts from the given base position, which a path found in the document overrides', () => {
    const doc = parseDocument('Resources: {}\n', 'template.yaml');
    expect(doc.sourceMap.locate('not a container', ['a'], { line: 7, column: 3 })).toEqual({ line: 7, column: 3 });
    expect(doc.sourceMap.locate(doc.value, ['Resources', 'X'], { line: 7, column: 3 })).toEqual({ line: 1, column: 1 });
  });

  it('counts lines the same with CRLF line ends', () => {
    const fromYaml = load(
      'Resources:\r\n  Q:\r\n    Type: AWS::SQS::Queue\r\n    Properties:\r\n      Name: !Sub x\r\n      Tags:\r\n        - Key: a\r\n',
    )!;
    expect(fromYaml.locate('Resources.Q.Properties.Tags[0].Key')).toEqual({ line: 7, column: 11 });
    expect(fromYaml.locate('Resources.Q.Properties.Name.Fn::Sub')).toEqual({ line: 5, column: 13 });
    expect(fromYaml.resources.get('Q')!.properties).toEqual({ Name: { 'Fn::Sub': 'x' }, Tags: [{ Key: 'a' }] });
    const fromJson = load('{\r\n  "Resources": {\r\n    "Q": {"Type": "X"}\r\n  }\r\n}', 'template.json')!;
    expect(fromJson.locate('Resources.Q.Type')).toEqual({ line: 3, column: 11 });
  });

  it('locates string paths through the model (Template.locate)', () => {
    const template = load(
      'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      Tags:\n        - Key: a\n          Value: b\n',
    )!;
    expect(template.locate('Resources.Topic.Properties.Tags[0].Value')).toEqual({ line: 7, column: 11 });
    expect(template.locate('Resources.Topic.Properties.KmsMasterKeyId')).toEqual({ line: 4, column: 5 });
  });
});

describe('YAML that CloudFormation reads though YAML 1.2 does not: read as CloudFormation reads it, with a note', () => {
  const FLOW_LIST = 'flow sequence not indented past its key, read as CloudFormation reads it';
  const FLOW_MAP = 'flow mapping not indented past its key, read as CloudFormation reads it';
  const QUOTED = 'quoted string continued on a line not indented past its key, read as CloudFormation reads it';

  /** `line:column message` of each note. */
  function notesOf(doc: ParsedDocument): string[] {
    return (doc.notes ?? []).map((n) => `${n.position.line}:${n.position.column} ${n.message}`);
  }

  describe('a flow sequence not indented past its key (PyYAML and CloudFormation ignore indentation inside [ ])', () => {
    const doc = parseDocument(
      yaml`
        Resources:
          Role:
            Type: AWS::IAM::Role
            Properties:
              Policies:
                - Statement:
                  - Effect: Allow
                    Resource: [
                    !Sub "arn:\${AWS::Partition}:rds:::db:\${Db}",
                    !GetAtt Db.Arn
                    ]
                  - Effect: Deny
                    Resource: '*'
          Queue:
            Type: AWS::SQS::Queue
      `,
      'template.yaml',
    );
    const statements = ['Resources', 'Role', 'Properties', 'Policies', 0, 'Statement'];

    it('gives the values PyYAML gives', () => {
      expect((doc.value as { Resources: { Role: { Properties: unknown } } }).Resources.Role.Properties).toEqual({
        Policies: [
          {
            Statement: [
              {
                Effect: 'Allow',
                Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:rds:::db:${Db}' }, { 'Fn::GetAtt': ['Db', 'Arn'] }],
              },
              { Effect: 'Deny', Resource: '*' },
            ],
          },
        ],
      });
    });

    it('is noted where the list starts', () => {
      expect(notesOf(doc)).toEqual([`8:23 ${FLOW_LIST}`]);
    });

    it.each<[string, JsonPath, string]>([
      ['the key of the list', [...statements, 0, 'Resource'], '8:13'],
      ['an item on a line not indented past the key', [...statements, 0, 'Resource', 0], '9:13'],
      ['the next item', [...statements, 0, 'Resource', 1], '10:13'],
      ['inside the next item', [...statements, 0, 'Resource', 1, 'Fn::GetAtt', 1], '10:13'],
      ['the next list item', [...statements, 1], '12:13'],
      ['a key after the list', [...statements, 1, 'Resource'], '13:13'],
      ['the next resource', ['Resources', 'Queue'], '14:3'],
      ['a key of the next resource', ['Resources', 'Queue', 'Type'], '15:5'],
    ])('keeps the exact position of %s', (_what, p, expected) => {
      expect(locate(doc, p)).toBe(expected);
    });
  });

  it('a flow mapping not indented past its key, with a flow mapping inside', () => {
    const doc = parseDocument(
      yaml`
        Resources:
          Fn:
            Type: AWS::Lambda::Function
            Properties:
              Environment: {
              Variables: {STAGE: prod,
              TABLE: !Ref Table}
              }
              Runtime: nodejs20.x
      `,
      'template.yaml',
    );
    const properties = ['Resources', 'Fn', 'Properties'];
    expect(valueAt(doc, properties)).toEqual({
      Environment: { Variables: { STAGE: 'prod', TABLE: { Ref: 'Table' } } },
      Runtime: 'nodejs20.x',
    });
    expect(notesOf(doc)).toEqual([`5:20 ${FLOW_MAP}`]);
    expect(locate(doc, [...properties, 'Environment', 'Variables'])).toBe('6:7');
    expect(locate(doc, [...properties, 'Environment', 'Variables', 'TABLE'])).toBe('7:7');
    expect(locate(doc, [...properties, 'Environment', 'Variables', 'TABLE', 'Ref'])).toBe('7:14');
    expect(locate(doc, [...properties, 'Runtime'])).toBe('9:7');
  });

  it("quoted strings continued on lines at their key's indentation or less (PyYAML does not check those lines)", () => {
    const doc = parseDocument(
      yaml`
        Resources:
          Topic:
            Type: AWS::SNS::Topic
            Properties:
              DisplayName: 'alerts for
              the orders team'
              TopicName: "orders-
          alerts"
              Tags:
                - Key: team
                  Value: orders
      `,
      'template.yaml',
    );
    const properties = ['Resources', 'Topic', 'Properties'];
    expect(valueAt(doc, properties)).toEqual({
      DisplayName: 'alerts for the orders team',
      TopicName: 'orders- alerts',
      Tags: [{ Key: 'team', Value: 'orders' }],
    });
    expect(notesOf(doc)).toEqual([`5:20 ${QUOTED}`, `7:18 ${QUOTED}`]);
    expect(locate(doc, [...properties, 'TopicName'])).toBe('7:7');
    expect(locate(doc, [...properties, 'Tags'])).toBe('9:7');
    expect(locate(doc, [...properties, 'Tags', 0, 'Value'])).toBe('11:11');
  });

  it('quoted strings continued at column 0, one after another', () => {
    const filter = (n: number) => [
      `  Filter${n}:`,
      '    Type: AWS::Logs::MetricFilter',
      '    Properties:',
      '      FilterPattern: "{',
      '($.eventName = DisableKey) ||',
      `($.eventName = Key${n})`,
      '}"',
      '      LogGroupName: trail',
    ];
    const doc = parseDocument(['Resources:', ...filter(1), ...filter(2), ...filter(3), ''].join('\n'), 'template.yaml');
    expect(valueAt(doc, ['Resources', 'Filter3', 'Properties'])).toEqual({
      FilterPattern: '{ ($.eventName = DisableKey) || ($.eventName = Key3) }',
      LogGroupName: 'trail',
    });
    expect(notesOf(doc)).toEqual([`5:22 ${QUOTED}`, `13:22 ${QUOTED}`, `21:22 ${QUOTED}`]);
    expect(locate(doc, ['Resources', 'Filter3', 'Properties', 'LogGroupName'])).toBe('25:7');
  });

  it('reads them the same with CRLF line ends', () => {
    const doc = parseDocument(
      ['A:', '  B: [', '  1,', '  2]', "  C: 'x", "  y'", '  D: !Ref E', ''].join('\r\n'),
      'template.yaml',
    );
    expect(doc.value).toEqual({ A: { B: [1, 2], C: 'x y', D: { Ref: 'E' } } });
    expect(notesOf(doc)).toEqual([`2:6 ${FLOW_LIST}`, `5:6 ${QUOTED}`]);
    expect([locate(doc, ['A', 'B', 1]), locate(doc, ['A', 'D']), locate(doc, ['A', 'D', 'Ref'])]).toEqual([
      '4:3',
      '7:3',
      '7:6',
    ]);
  });

  it('notes nothing for YAML that needs no leniency', () => {
    expect(parseDocument('Resources:\n  A: [1,\n    2]\n', 'template.yaml').notes).toEqual([]);
    expect(parseDocument('{"Resources": {}}', 'template.json').notes).toEqual([]);
  });

  it('passes the notes to the template model, whose notes reach the report', () => {
    const template = load(
      'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      DisplayName: "a\n      b"\n',
    )!;
    expect(template.unresolved).toEqual([{ path: '', position: { line: 5, column: 20 }, message: QUOTED }]);
    expect(template.resources.get('Topic')!.properties).toEqual({ DisplayName: 'a b' });
  });

  it('reads many such constructs, each noted and placed where it is (its time is measured in bench/, lenient-yaml)', () => {
    const resource = (n: number) =>
      `  Role${n}:\n    Type: AWS::IAM::Role\n    Properties:\n      ManagedPolicyArns: [\n      !Sub "arn:\${AWS::Partition}:iam::aws:policy/P${n}",\n      ]\n      Description: 'role\n      ${n}'\n`;
    const text = `Resources:\n${Array.from({ length: 2000 }, (_, n) => resource(n)).join('')}`;
    const doc = parseDocument(text, 'template.yaml');
    expect(doc.notes).toHaveLength(4000);
    expect(valueAt(doc, ['Resources', 'Role1999', 'Properties'])).toEqual({
      ManagedPolicyArns: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/P1999' }],
      Description: 'role 1999',
    });
    expect(locate(doc, ['Resources', 'Role1999', 'Properties', 'Description'])).toBe(`${1 + 1999 * 8 + 7}:7`);
  });

  it('adds a bounded amount of indentation: a list far to the right over many lines stays an error', () => {
    // the list starts after an anchor 100,000 characters long
    const text = `Resources:\n  A: &${'a'.repeat(100_000)} [\n${'  1,\n'.repeat(100)}  ]\n`;
    expect(failure(text)).toMatch(
      /^template\.yaml:\d+:\d+: invalid YAML: flow sequence in block collection must be sufficiently indented/,
    );
  });
});

describe('formats and encodings', () => {
  it('detects the format from the name, then from the text', () => {
    expect(detectFormat('a.json', 'Resources: {}')).toBe('json');
    expect(detectFormat('a.YML', '{"Resources": {}}')).toBe('yaml');
    expect(detectFormat('a.template', '  {"Resources": {}}')).toBe('json');
    expect(detectFormat('a.template', 'Resources: {}')).toBe('yaml');
  });

  it('keeps YAML mapping keys as written: an account id with a leading zero stays whole', () => {
    expect(valueOf('Accounts:\n  012345678901: {Env: prod}\n  1.50: x\n  true: y\n')).toEqual({
      Accounts: { '012345678901': { Env: 'prod' }, '1.50': 'x', true: 'y' },
    });
  });

  it('reads JSON written in a .template file', () => {
    const template = load('{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}', 'stack.template')!;
    expect(template.format).toBe('json');
    expect([...template.resources.keys()]).toEqual(['Q']);
  });

  it.each([
    ['UTF-8 with a byte order mark', 'utf8-bom.yaml'],
    ['UTF-16 LE with a byte order mark (YAML)', 'utf16le-bom.yaml'],
    ['UTF-16 LE with a byte order mark (JSON)', 'utf16le-bom.json'],
    ['UTF-16 BE with a byte order mark', 'utf16be-bom.yaml'],
  ])('reads %s, positions unshifted', (_what, name) => {
    const template = loadTemplate(path.join(INPUTS, name), { explicit: true })!;
    const queue = template.resources.get('Queue')!;
    expect(queue.type).toBe('AWS::SQS::Queue');
    expect(queue.properties.QueueName).toBe('café');
    expect(queue.position).toEqual(name.endsWith('.json') ? { line: 3, column: 5 } : { line: 2, column: 3 });
  });

  it('rejects binary content', () => {
    const file = path.join(INPUTS, 'binary.yaml');
    expect(inputError(() => loadTemplate(file, { explicit: true })).format()).toBe(
      `${file}: binary file, not a JSON or YAML template`,
    );
    // UTF-16 without a byte order mark cannot be told from binary
    expect(inputError(() => decode(Buffer.from('Resources: {}', 'utf16le'), 'x.yaml')).message).toBe(
      'binary file, not a JSON or YAML template',
    );
  });

  it('reports a file that cannot be read, or is too large', () => {
    const missing = path.join(INPUTS, 'no-such-file.yaml');
    expect(inputError(() => loadTemplate(missing)).format()).toBe(
      `${missing}: cannot read file: no such file or directory`,
    );
    expect(inputError(() => loadTemplate(INPUTS)).message).toBe('cannot read file: is a directory');
    const file = path.join(INPUTS, 'utf8-bom.yaml');
    expect(inputError(() => loadTemplate(file, { maxFileBytes: 10, displayName: 'shown.yaml' })).format()).toBe(
      'shown.yaml: file is 88 bytes, more than 10 bytes (limit: --max-file-size, limits.maxFileSize)',
    );
  });
});

describe('input errors: message and line:column', () => {
  describe('invalid JSON', () => {
    it.each([
      [
        'an unclosed object',
        '{"Resources": {"A": {"Type": "X"}}',
        "1:35: invalid JSON: expected '}' but found end of file",
      ],
      [
        'a trailing comma in an object',
        '{"Resources": {"A": {"Type": "X",}}}',
        "1:34: invalid JSON: expected a property name in double quotes but found '}'",
      ],
      ['a trailing comma in a list', '{"Resources": [1,]}', "1:18: invalid JSON: expected a value but found ']'"],
      ['a missing colon', '{"Resources": {"A" {"Type": "X"}}}', "1:20: invalid JSON: expected ':' but found '{'"],
      [
        'a missing comma',
        '{"Resources": {"A": {"Type": "X"} "B": {}}}',
        "1:35: invalid JSON: expected ',' but found '\"'",
      ],
      [
        'text after the document',
        '{"Resources": {"A": {"Type": "X"}}}}',
        "1:36: invalid JSON: unexpected '}' after the end of the document",
      ],
      ['single quotes', "{'Resources': {}}", "1:2: invalid JSON: invalid symbol at '''"],
      ['a comment', '{"Resources": // none\n {}}', '1:15: invalid JSON: comments are not allowed in JSON'],
      ['an unterminated string', '{"Resources": {"A": {"Type": "X', '1:30: invalid JSON: unterminated string'],
      ['a line break in a string', '{"Resources": {"A": {"Type": "X\n"}}}', '1:30: invalid JSON: unterminated string'],
      ['a bare word', '{"Resources": {"A": {"Type": tru}}}', "1:30: invalid JSON: invalid symbol at 't'"],
      [
        'a control character, named rather than printed',
        '{"Resources": \u0001}',
        '1:15: invalid JSON: invalid symbol at U+0001',
      ],
      [
        'a character outside the BMP, whole',
        '{"Resources": \u{1F600}}',
        "1:15: invalid JSON: invalid symbol at '\u{1F600}'",
      ],
    ])('%s', (_what, text, expected) => {
      expect(failure(text, 'template.json')).toBe(`template.json:${expected}`);
    });

    it('gives the line of an error deep in a file', () => {
      const text = [
        '{',
        '  "Resources": {',
        '    "A": {',
        '      "Type": "X"',
        '      "Properties": {}',
        '    }',
        '  }',
        '}',
      ].join('\n');
      expect(failure(text, 'template.json')).toBe("template.json:5:7: invalid JSON: expected ',' but found '\"'");
    });
  });

  describe('invalid YAML', () => {
    it.each([
      [
        'an unclosed flow list',
        'Resources:\n  A: [1, 2\n',
        '3:1: invalid YAML: flow sequence in block collection must be sufficiently indented and end with a ]',
      ],
      ['an unclosed quote', 'Resources:\n  A: "x\n', '3:1: invalid YAML: missing closing "quote'],
      [
        'uneven indentation',
        'Resources:\n  A:\n    Type: X\n   B: 1\n',
        '4:1: invalid YAML: all mapping items must start at the same column',
      ],
      [
        'a tab used for indentation',
        'Resources:\n\tA:\n\t\tType: X\n',
        '2:1: invalid YAML: tab characters are not allowed for indentation',
      ],
      [
        'a tab used for indentation, deeper',
        'Resources:\n  A:\n\tType: X\n',
        '3:1: invalid YAML: tab characters are not allowed for indentation',
      ],
      ['an alias to no anchor', 'Resources:\n  A: *nope\n', '2:6: invalid YAML: unknown alias *nope'],
      // CloudFormation's indentation is accepted (see above), not what PyYAML rejects too; and any error near what was
      // read that way is at its place as written
      [
        'a quoted scalar followed by more text on its line',
        "Description: 'Event notifications' (tag:x)\nResources: {}\n",
        '1:36: invalid YAML: unexpected scalar at node end',
      ],
      [
        'a flow list that is never closed',
        'Resources:\n  A: [1,\n  2\n  B: 3\n',
        '3:3: invalid YAML: flow sequence in block collection must be sufficiently indented and end with a ]',
      ],
      ['a quote that is never closed', "Resources:\n  A: 'x\n  y\n", "4:1: invalid YAML: missing closing 'quote"],
      [
        'a document marker inside an unindented flow list',
        'Resources:\n  A: [1,\n---\n  2]\n',
        '3:1: invalid YAML: flow sequence in block collection must be sufficiently indented and end with a ]',
      ],
      [
        'an error after a list read leniently',
        'Resources:\n  A: [\n  1]\n  B: "x" y\n',
        '4:10: invalid YAML: unexpected scalar at node end',
      ],
      [
        'a duplicate key after a list read leniently',
        'Resources:\n  A: [\n  1]\n  A: 2\n',
        '4:3: duplicate key "A" (first defined at line 2, column 3)',
      ],
      [
        'an unknown tag in a list read leniently',
        'Resources:\n  A: [\n  !Foo 1]\n',
        "3:3: unknown YAML tag !Foo; CloudFormation's short forms are !Ref, !GetAtt, !Sub and the other !Fn tags",
      ],
    ])('%s', (_what, text, expected) => {
      expect(failure(text)).toBe(`template.yaml:${expected}`);
    });

    it('the corpus template with a quoted description followed by more text', () => {
      const file = path.join(corpusDir(), 'serverless-patterns/rds-sns-event-notification__template.yaml');
      expect(inputError(() => loadTemplate(file, { explicit: true, displayName: 'rds.yaml' })).format()).toBe(
        'rds.yaml:3:97: invalid YAML: unexpected scalar at node end',
      );
    });

    it('accepts a tab inside a line, where YAML allows it', () => {
      expect(valueOf('Resources:\n  A:\t{Type: X}\n')).toEqual({ Resources: { A: { Type: 'X' } } });
    });

    it('rejects more than one document, at the second', () => {
      expect(failure('Resources: {}\n---\nResources: {}\n')).toBe(
        'template.yaml:2:1: YAML file holds more than one document; a template is a single document',
      );
    });

    it('accepts one document with start and end markers', () => {
      expect([...load('---\nResources:\n  A:\n    Type: X\n...\n')!.resources.keys()]).toEqual(['A']);
    });
  });

  describe('duplicate keys', () => {
    it('in YAML, naming the key and where it was first defined', () => {
      const text = yaml`
        Resources:
          Topic:
            Type: AWS::SNS::Topic
          Topic:
            Type: AWS::SQS::Queue
      `;
      expect(failure(text)).toBe('template.yaml:4:3: duplicate key "Topic" (first defined at line 2, column 3)');
    });

    it('in YAML, in a flow mapping deep down', () => {
      expect(failure('Resources:\n  T:\n    Type: X\n    Properties: {A: 1, B: 2, A: 3}\n')).toBe(
        'template.yaml:4:30: duplicate key "A" (first defined at line 4, column 18)',
      );
    });

    it('in JSON', () => {
      const text = [
        '{',
        '  "Resources": {',
        '    "Topic": {"Type": "AWS::SNS::Topic"},',
        '    "Topic": {"Type": "AWS::SQS::Queue"}',
        '  }',
        '}',
      ].join('\n');
      expect(failure(text, 'template.json')).toBe(
        'template.json:4:5: duplicate key "Topic" (first defined at line 3, column 5)',
      );
    });
  });

  describe('documents that are not templates', () => {
    it('a root that is not a mapping: an error when the file was named, skipped when found in a directory', () => {
      expect(failure('- Resources\n- b\n')).toBe(
        'template.yaml:1:1: the template root must be a mapping, found a list',
      );
      expect(failure('"Resources"', 'template.json')).toBe(
        'template.json:1:1: the template root must be a mapping, found a string',
      );
      expect(load('- Resources\n- b\n', 'template.yaml', false)).toBeUndefined();
      expect(Template.from(parseDocument('- Resources\n', 'list.yaml'))).toBeUndefined();
      expect(
        inputError(() => Template.from(parseDocument('- Resources\n', 'list.yaml'), { explicit: true })).format(),
      ).toBe('list.yaml:1:1: the template root must be a mapping, found a list');
    });

    it('a mapping without Resources: an error when the file was named, skipped when found in a directory', () => {
      expect(failure('name: app\nversion: 2\n')).toBe(
        'template.yaml:1:1: not a CloudFormation template: no Resources section',
      );
      expect(failure('{"name": "app"}', 'package.json')).toBe(
        'package.json:1:1: not a CloudFormation template: no Resources section',
      );
      expect(load('name: app\nversion: 2\n', 'config.yaml', false)).toBeUndefined();
      // the text mentions Resources, so it is parsed, and then skipped
      expect(load('description: Resources for the docs\n', 'config.yaml', false)).toBeUndefined();
      expect(Template.from(parseDocument('{"kind": "Resources"}', 'x.json'))).toBeUndefined();
    });

    it('a broken file found in a directory that looks like a template is still an error', () => {
      expect(failure('Resources:\n  A: [\n', 'template.yaml', false)).toMatch(/^template\.yaml:3:1: invalid YAML: /);
    });

    it('an empty file', () => {
      expect(failure('')).toBe('template.yaml: empty file');
      expect(failure('  \n\n', 'template.json')).toBe('template.json: empty file');
      expect(failure('# only a comment\n\n# and another\n')).toBe('template.yaml: empty file');
      expect(load('', 'template.yaml', false)).toBeUndefined();
    });

    it('a document with nothing in it', () => {
      expect(failure('---\n')).toBe('template.yaml:1:1: the template root must be a mapping, found nothing');
    });
  });

  describe('template structure', () => {
    it('Resources that is not a mapping', () => {
      expect(failure('Resources: 3\n')).toBe('template.yaml:1:1: Resources must be a mapping, found a number');
      expect(failure('AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  - Type: X\n')).toBe(
        'template.yaml:2:1: Resources must be a mapping, found a list',
      );
      expect(failure('{"Resources": []}', 'template.json')).toBe(
        'template.json:1:2: Resources must be a mapping, found a list',
      );
    });

    it('another section that is not a mapping', () => {
      expect(failure('Parameters: [Env]\nResources: {}\n')).toBe(
        'template.yaml:1:1: Parameters must be a mapping, found a list',
      );
      expect(failure('Resources: {}\nOutputs: none\n')).toBe(
        'template.yaml:2:1: Outputs must be a mapping, found a string',
      );
    });

    it('a resource without Type, at its logical id', () => {
      expect(failure('Resources:\n  Bucket:\n    Properties: {}\n')).toBe(
        'template.yaml:2:3: resource Bucket has no Type',
      );
    });

    it('a resource that is not a mapping, at its logical id', () => {
      expect(failure('Resources:\n  Bucket: AWS::S3::Bucket\n')).toBe(
        'template.yaml:2:3: resource Bucket must be a mapping, found a string',
      );
      expect(failure('Resources:\n  Bucket:\n')).toBe(
        'template.yaml:2:3: resource Bucket must be a mapping, found nothing',
      );
    });

    it('a Type that is not a string, at the Type', () => {
      expect(failure('Resources:\n  Bucket:\n    Type: [AWS::S3::Bucket]\n')).toBe(
        'template.yaml:3:5: resource Bucket has a Type that is not a string',
      );
    });

    it('an empty Resources section is a template without resources', () => {
      const template = load('AWSTemplateFormatVersion: "2010-09-09"\nResources:\n')!;
      expect(template).toBeInstanceOf(Template);
      expect(template.resources.size).toBe(0);
      expect(load('{"Resources": null}', 'template.json')!.resources.size).toBe(0);
      expect(load('AWSTemplateFormatVersion: "2010-09-09"\nDescription: nothing yet\n')!.resources.size).toBe(0);
    });
  });

  describe('hostile input', () => {
    it('a "billion laughs" file fails fast with the alias-bomb message', () => {
      const file = path.join(INPUTS, 'billion-laughs.yaml');
      const started = Date.now();
      const error = inputError(() => loadTemplate(file, { explicit: true }));
      expect(Date.now() - started).toBeLessThan(3000);
      expect(error.message).toBe(
        'YAML aliases expand to more than 100000 nodes: an alias bomb? (limit: --max-alias-nodes, limits.maxAliasNodes)',
      );
      // at the alias whose expansion went over the bound: the eighth *d of `e: &e [*d, *d, …]`
      expect(error.position).toEqual({ line: 8, column: 38 });
    });

    it('the alias bound is a parse limit', () => {
      // each alias expands to 7 nodes: the mapping, X, the Properties mapping, the list and its 3 items
      const text = 'Resources:\n  A: &a {Type: X, Properties: {P: [1, 2, 3]}}\n  B: *a\n  C: *a\n';
      const value = parseDocument(text, 't.yaml', 'yaml', { maxDepth: 10, maxAliasNodes: 14 }).value as {
        Resources: object;
      };
      expect(Object.keys(value.Resources)).toEqual(['A', 'B', 'C']);
      expect(
        inputError(() => parseDocument(text, 't.yaml', 'yaml', { maxDepth: 10, maxAliasNodes: 13 })).format(),
      ).toBe(
        't.yaml:4:6: YAML aliases expand to more than 13 nodes: an alias bomb? (limit: --max-alias-nodes, limits.maxAliasNodes)',
      );
    });

    it('expands ordinary aliases into independent copies', () => {
      const template = load(
        'Resources:\n  A: &q\n    Type: AWS::SQS::Queue\n    Properties: {DelaySeconds: 5}\n  B: *q\n',
      )!;
      expect(template.resources.get('B')!.properties).toEqual({ DelaySeconds: 5 });
      expect(template.resources.get('B')!.type).toBe('AWS::SQS::Queue');
    });

    it('many aliases in a large file are expanded in linear time', () => {
      // 30 000 aliases: resolving each by searching the whole document would take minutes
      const text =
        'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      Name: &n queue\n      Tags:\n' +
        '        - *n\n'.repeat(30_000);
      const started = Date.now();
      const tags = load(text)!.resources.get('Q')!.properties.Tags as string[];
      expect(Date.now() - started).toBeLessThan(5000);
      expect(tags).toHaveLength(30_000);
      expect(tags[29_999]).toBe('queue');
    });

    it('an alias inside the node it names ends at the nesting limit, without hanging', () => {
      expect(inputError(() => load('Resources:\n  A: &a\n    Type: X\n    Properties: {Self: *a}\n')).message).toBe(
        'nesting deeper than 256 levels (limit: --max-depth, limits.maxDepth)',
      );
    });

    it('an alias names the last anchor of that name before it', () => {
      expect(valueOf('a: &x 1\nb: *x\nc: &x 2\nd: *x\n')).toEqual({ a: 1, b: 1, c: 2, d: 2 });
    });

    it('__proto__ and constructor are ordinary logical ids, without prototype pollution', () => {
      for (const [text, file] of [
        [
          'Resources:\n  __proto__:\n    Type: AWS::SNS::Topic\n    Properties: {polluted: yes}\n  constructor:\n    Type: AWS::SQS::Queue\n',
          'template.yaml',
        ],
        [
          '{"Resources": {"__proto__": {"Type": "AWS::SNS::Topic", "Properties": {"polluted": "yes"}}, "constructor": {"Type": "AWS::SQS::Queue"}}}',
          'template.json',
        ],
      ]) {
        const template = load(text, file)!;
        expect([...template.resources.keys()]).toEqual(['__proto__', 'constructor']);
        expect(template.resources.get('__proto__')!.type).toBe('AWS::SNS::Topic');
        expect(template.resources.get('constructor')!.type).toBe('AWS::SQS::Queue');
        expect(template.resourcesOfType('AWS::SNS::Topic').map((r) => r.logicalId)).toEqual(['__proto__']);
        const resources = template.document.Resources as Record<string, unknown>;
        expect(Object.getPrototypeOf(resources)).toBe(Object.prototype);
        expect(Object.keys(resources)).toEqual(['__proto__', 'constructor']);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(({} as Record<string, unknown>).Type).toBeUndefined();
      }
    });

    it('nesting deeper than the limit, in YAML and JSON, at the first mapping or list past it', () => {
      const limits = { maxDepth: 4, maxAliasNodes: 100 };
      expect(
        inputError(() => parseDocument('a:\n  b:\n    c:\n      d: [[1]]\n', 't.yaml', 'yaml', limits)).format(),
      ).toBe('t.yaml:4:10: nesting deeper than 4 levels (limit: --max-depth, limits.maxDepth)');
      expect(
        inputError(() => parseDocument('{"a": {"b": {"c": {"d": [1]}}}}', 't.json', 'json', limits)).format(),
      ).toBe('t.json:1:25: nesting deeper than 4 levels (limit: --max-depth, limits.maxDepth)');
      expect(parseDocument('a:\n  b:\n    c: [1]\n', 't.yaml', 'yaml', limits).value).toEqual({ a: { b: { c: [1] } } });
    });

    it('nesting deeper than the default limit of 256', () => {
      const brackets = '['.repeat(300) + ']'.repeat(300);
      expect(failure(`Resources:\n  R:\n    Type: X\n    Properties:\n      P: ${brackets}\n`)).toBe(
        'template.yaml:5:262: nesting deeper than 256 levels (limit: --max-depth, limits.maxDepth)',
      );
      expect(failure(`{"Resources": {"R": {"Type": "X", "Properties": {"P": ${brackets}}}}}`, 'template.json')).toBe(
        'template.json:1:307: nesting deeper than 256 levels (limit: --max-depth, limits.maxDepth)',
      );
    });

    it('nesting so deep that the YAML library would run out of stack: found before, at the first level past the limit', () => {
      const brackets = '['.repeat(20_000) + ']'.repeat(20_000);
      expect(failure(`Resources:\n  R:\n    Type: X\n    Properties:\n      P: ${brackets}\n`)).toBe(
        'template.yaml:5:262: nesting deeper than 256 levels (limit: --max-depth, limits.maxDepth)',
      );
      // line n holds the mapping of level n, indented n spaces
      let indented = 'Resources:\n';
      for (let i = 0; i < 5000; i++) indented += `${' '.repeat(i + 2)}k:\n`;
      expect(failure(indented)).toBe(
        'template.yaml:257:258: nesting deeper than 256 levels (limit: --max-depth, limits.maxDepth)',
      );
      expect(inputError(() => load(`{"Resources": ${brackets}}`, 'template.json')).format()).toBe(
        'template.json:1:270: nesting deeper than 256 levels (limit: --max-depth, limits.maxDepth)',
      );
    });
  });
});
