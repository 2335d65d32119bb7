/**
 * The resolver (lib/template/resolver.ts): what a value is, as far as the template and the given inputs tell,
 * or Unknown and why. Expressions are written in YAML short form and evaluated against a small template.
 */
import { templateFromText } from '../lib/template/load';
import type { Template } from '../lib/template/model';
import { parseDocument } from '../lib/template/parse';
import type { Resolved } from '../lib/template/resolver';
import { yaml } from './helpers/yaml';

const TEMPLATE = yaml`
  Parameters:
    Env: {Type: String, AllowedValues: [dev, prod]}
    Stage: {Type: String, Default: dev}
    Count: {Type: Number, Default: 3}
    Subnets: {Type: CommaDelimitedList, Default: "subnet-a, subnet-b,subnet-c"}
    Groups: {Type: "List<AWS::EC2::SecurityGroup::Id>", Default: "sg-1,sg-2"}
    Ami: {Type: "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", Default: /aws/service/ami}
    Broken: not a declaration
  Conditions:
    IsProd: !Equals [!Ref Env, prod]
    IsDevStage: !Equals [!Ref Stage, dev]
    IsThree: !Equals [!Ref Count, 3]
    NotDev: !Not [!Condition IsDevStage]
    DevAndThree: !And [!Condition IsDevStage, !Condition IsThree]
    DevOrProd: !Or [!Condition IsDevStage, !Condition IsProd]
    ProdOrNotDev: !Or [!Condition IsProd, !Condition NotDev]
    ProdAndDev: !And [!Condition IsProd, !Condition IsDevStage]
    ProdAndNotDev: !And [!Condition IsProd, !Condition NotDev]
    Nested: !And [!Or [!Condition NotDev, !Equals [a, a]], !Not [!Equals [!Ref Stage, prod]]]
    Loop: !Condition Loop
    PingA: !Condition PingB
    PingB: !Not [!Condition PingA]
  Mappings:
    Sizes:
      dev: {Memory: 128, Names: [a, b]}
      prod: {Memory: 1024}
    Accounts:
      012345678901: {Env: prod}
  Resources:
    Bucket:
      Type: AWS::S3::Bucket
`;

function template(parameters?: Record<string, string>): Template {
  return templateFromText(TEMPLATE, 'template.yaml', { explicit: true, parameters })!;
}

/** An expression in YAML short form, as the parser gives it. */
function parse(source: string): unknown {
  return (parseDocument(`Value: ${source}\n`, 'expression.yaml').value as { Value: unknown }).Value;
}

function resolve(source: string, parameters?: Record<string, string>): Resolved {
  return template(parameters).resolver.resolve(parse(source));
}

function deep(source: string, parameters?: Record<string, string>): Resolved {
  return template(parameters).resolver.deep(parse(source));
}

const known = (value: unknown): Resolved => ({ known: true, value });
const unknown = (reason: string, alternatives?: unknown[]): Resolved =>
  alternatives ? { known: false, reason, alternatives } : { known: false, reason };

describe('parameters', () => {
  it('take their default', () => {
    expect(resolve('!Ref Stage')).toEqual(known('dev'));
    expect(resolve('!Ref Count')).toEqual(known(3));
  });

  it('take the value given as input over the default', () => {
    expect(resolve('!Ref Stage', { Stage: 'prod' })).toEqual(known('prod'));
    expect(resolve('!Ref Env', { Env: 'prod' })).toEqual(known('prod'));
  });

  it('are unknown without a default or a value', () => {
    expect(resolve('!Ref Env')).toEqual(unknown('parameter Env has no default value'));
  });

  it('of list types are split at commas, each member trimmed', () => {
    expect(resolve('!Ref Subnets')).toEqual(known(['subnet-a', 'subnet-b', 'subnet-c']));
    expect(resolve('!Ref Groups')).toEqual(known(['sg-1', 'sg-2']));
    expect(resolve('!Ref Subnets', { Subnets: 'subnet-x , subnet-y' })).toEqual(known(['subnet-x', 'subnet-y']));
  });

  it('of SSM types are unknown, default or not', () => {
    expect(resolve('!Ref Ami')).toEqual(unknown('parameter Ami is read from SSM Parameter Store at deployment'));
  });

  it('that are not declared, or declared as something other than a mapping, are unknown', () => {
    expect(resolve('!Ref Nope')).toEqual(unknown('Ref to Nope, which is not defined in the template'));
    expect(resolve('!Ref Broken')).toEqual(unknown('Ref to Broken, which is not defined in the template'));
    expect(resolve('{Ref: [a]}')).toEqual(unknown('Ref to something that is not a name'));
  });

  it('a Ref to a resource is unknown', () => {
    expect(resolve('!Ref Bucket')).toEqual(unknown('Ref to resource Bucket is known only after deployment'));
  });
});

describe('pseudo parameters', () => {
  it('AWS::NoValue is absent', () => {
    expect(resolve('!Ref AWS::NoValue')).toEqual(known(undefined));
  });

  it('AWS::Region and AWS::AccountId are unknown unless given', () => {
    expect(resolve('!Ref AWS::Region')).toEqual(unknown('pseudo parameter AWS::Region is known only at deployment'));
    expect(resolve('!Ref AWS::AccountId')).toEqual(
      unknown('pseudo parameter AWS::AccountId is known only at deployment'),
    );
    expect(resolve('!Ref AWS::StackName')).toEqual(
      unknown('pseudo parameter AWS::StackName is known only at deployment'),
    );
    const given = { 'AWS::Region': 'eu-west-1', 'AWS::AccountId': '123456789012', 'AWS::StackName': 'orders' };
    expect(resolve('!Ref AWS::Region', given)).toEqual(known('eu-west-1'));
    expect(resolve('!Ref AWS::AccountId', given)).toEqual(known('123456789012'));
    expect(resolve('!Ref AWS::StackName', given)).toEqual(known('orders'));
  });

  it('AWS::Partition and AWS::URLSuffix follow from a given region', () => {
    expect(resolve('!Ref AWS::Partition')).toEqual(unknown('AWS::Partition depends on the region'));
    expect(resolve('!Ref AWS::URLSuffix')).toEqual(unknown('AWS::URLSuffix depends on the region'));
    expect(resolve('!Ref AWS::Partition', { 'AWS::Region': 'us-east-1' })).toEqual(known('aws'));
    expect(resolve('!Ref AWS::Partition', { 'AWS::Region': 'cn-north-1' })).toEqual(known('aws-cn'));
    expect(resolve('!Ref AWS::Partition', { 'AWS::Region': 'us-gov-west-1' })).toEqual(known('aws-us-gov'));
    expect(resolve('!Ref AWS::URLSuffix', { 'AWS::Region': 'eu-central-1' })).toEqual(known('amazonaws.com'));
    expect(resolve('!Ref AWS::URLSuffix', { 'AWS::Region': 'cn-northwest-1' })).toEqual(known('amazonaws.com.cn'));
  });
});

describe('conditions', () => {
  it('Fn::Equals on known values', () => {
    const r = template().resolver;
    expect(r.condition('IsDevStage')).toBe(true);
    expect(template({ Stage: 'prod' }).resolver.condition('IsDevStage')).toBe(false);
    // compared as strings: the number 3 equals the default 3
    expect(r.condition('IsThree')).toBe(true);
    expect(resolve('!Equals [!Ref Count, "3"]')).toEqual(known(true));
  });

  it('Fn::Equals on an unknown value is unknown, with the reason', () => {
    expect(template().resolver.condition('IsProd')).toEqual(unknown('parameter Env has no default value'));
    expect(template({ Env: 'prod' }).resolver.condition('IsProd')).toBe(true);
  });

  it('Fn::Not, Fn::And, Fn::Or and Condition, nested', () => {
    const r = template().resolver;
    expect(r.condition('NotDev')).toBe(false);
    expect(r.condition('DevAndThree')).toBe(true);
    expect(r.condition('Nested')).toBe(true);
    expect(template({ Stage: 'prod' }).resolver.condition('Nested')).toBe(false);
    expect(resolve('!And [!Condition IsDevStage, !Not [!Condition IsThree]]')).toEqual(known(false));
    expect(resolve('!Or [!Equals [a, b], !Condition NotDev]')).toEqual(known(false));
  });

  it('Fn::Or with one true input and Fn::And with one false input are known even when other inputs are not', () => {
    const r = template().resolver;
    expect(r.condition('DevOrProd')).toBe(true);
    expect(r.condition('ProdAndNotDev')).toBe(false);
    expect(r.condition('ProdOrNotDev')).toEqual(unknown('parameter Env has no default value'));
    expect(r.condition('ProdAndDev')).toEqual(unknown('parameter Env has no default value'));
  });

  it('a condition that refers to itself, directly or not, is unknown and does not hang', () => {
    const r = template().resolver;
    expect(r.condition('Loop')).toEqual(unknown('condition Loop refers to itself'));
    expect(r.condition('PingA')).toEqual(unknown('condition PingA refers to itself'));
    expect(r.condition('PingB')).toEqual(unknown('condition PingA refers to itself'));
  });

  it('an undefined condition is unknown', () => {
    expect(template().resolver.condition('Nope')).toEqual(unknown('condition Nope is not defined'));
  });
});

describe('Fn::If', () => {
  it('with a known condition: the branch', () => {
    expect(resolve('!If [IsDevStage, small, large]')).toEqual(known('small'));
    expect(resolve('!If [IsDevStage, small, large]', { Stage: 'prod' })).toEqual(known('large'));
    expect(resolve('!If [IsDevStage, !Ref AWS::NoValue, large]')).toEqual(known(undefined));
    expect(resolve('!If [IsDevStage, !Ref Subnets, []]')).toEqual(known(['subnet-a', 'subnet-b', 'subnet-c']));
  });

  it('with an unknown condition: Unknown with each branch as an alternative', () => {
    expect(resolve('!If [IsProd, 1024, 128]')).toEqual(
      unknown('depends on condition IsProd: parameter Env has no default value', [1024, 128]),
    );
    expect(resolve('!If [IsProd, Active, !Ref AWS::NoValue]')).toEqual(
      unknown('depends on condition IsProd: parameter Env has no default value', ['Active', undefined]),
    );
  });

  it('with an unknown condition and equal branches: known', () => {
    expect(resolve('!If [IsProd, !Ref Stage, dev]')).toEqual(known('dev'));
  });

  it('with an unknown condition and a branch that is itself unknown: that branch reason', () => {
    expect(resolve('!If [IsProd, !GetAtt Bucket.Arn, none]')).toEqual(
      unknown('Bucket.Arn is an attribute known only after deployment'),
    );
  });

  it('malformed', () => {
    expect(resolve('!If [IsProd, a]')).toEqual(unknown('malformed Fn::If'));
  });
});

describe('functions', () => {
  it('Fn::Join', () => {
    expect(resolve('!Join ["-", [app, !Ref Stage, !Ref Count]]')).toEqual(known('app-dev-3'));
    expect(resolve('!Join [",", !Ref Subnets]')).toEqual(known('subnet-a,subnet-b,subnet-c'));
    expect(resolve('!Join ["", [a, !If [IsDevStage, !Ref AWS::NoValue, b], c]]')).toEqual(known('ac'));
    expect(resolve('!Join ["-", [a, !Ref Env]]')).toEqual(unknown('parameter Env has no default value'));
    expect(resolve('!Join ["-", [a, [b]]]')).toEqual(unknown('Fn::Join of a value that is not a list of strings'));
  });

  it('Fn::Sub, string form: parameters, pseudo parameters and ${!Literal}', () => {
    expect(resolve('!Sub "${Stage}-${AWS::Region}-${Count}"', { 'AWS::Region': 'eu-west-1' })).toEqual(
      known('dev-eu-west-1-3'),
    );
    expect(resolve('!Sub "${ Stage } costs ${!Price}"')).toEqual(known('dev costs ${Price}'));
    expect(resolve('!Sub "no variables"')).toEqual(known('no variables'));
    expect(resolve('!Sub "${Stage}-${AWS::Region}"')).toEqual(
      unknown('pseudo parameter AWS::Region is known only at deployment'),
    );
  });

  it('Fn::Sub, list form: local variables, which win over parameters of the same name', () => {
    expect(resolve('!Sub ["${Name}-${Stage}", {Name: !Join ["", [a, b]], Stage: local}]')).toEqual(known('ab-local'));
    expect(resolve('!Sub ["${Name}", {Name: !Ref Env}]')).toEqual(unknown('parameter Env has no default value'));
  });

  it('Fn::Sub of a resource or a resource attribute: Unknown', () => {
    expect(resolve('!Sub "arn:aws:s3:::${Bucket}"')).toEqual(
      unknown('Ref to resource Bucket is known only after deployment'),
    );
    expect(resolve('!Sub "${Bucket.Arn}/*"')).toEqual(
      unknown('Bucket.Arn is an attribute known only after deployment'),
    );
    expect(resolve('!Sub "${Subnets}"')).toEqual(unknown('${Subnets} is not a single value'));
  });

  it('Fn::Select', () => {
    expect(resolve('!Select [1, [a, b, c]]')).toEqual(known('b'));
    expect(resolve('!Select ["2", !Ref Subnets]')).toEqual(known('subnet-c'));
    // the other items may be unknown
    expect(resolve('!Select [1, [!GetAtt Bucket.Arn, b]]')).toEqual(known('b'));
    expect(resolve('!Select [0, [!GetAtt Bucket.Arn, b]]')).toEqual(
      unknown('Bucket.Arn is an attribute known only after deployment'),
    );
    expect(resolve('!Select [3, [a, b]]')).toEqual(unknown('Fn::Select index out of range'));
    expect(resolve('!Select [0, !GetAZs ""]')).toEqual(unknown('Fn::GetAZs depends on the account and region'));
  });

  it('Fn::Split', () => {
    expect(resolve('!Split [",", "a,b,,c"]')).toEqual(known(['a', 'b', '', 'c']));
    expect(resolve('!Select [1, !Split ["-", !Sub "${Stage}-blue"]]')).toEqual(known('blue'));
    expect(resolve('!Split [",", !Ref Env]')).toEqual(unknown('parameter Env has no default value'));
    expect(resolve('!Split [",", [a]]')).toEqual(unknown('Fn::Split of a value that is not a string'));
  });

  it('Fn::FindInMap, with the DefaultValue fourth argument', () => {
    expect(resolve('!FindInMap [Sizes, !Ref Stage, Memory]')).toEqual(known(128));
    expect(resolve('!FindInMap [Sizes, !Ref Stage, Memory]', { Stage: 'prod' })).toEqual(known(1024));
    expect(resolve('!FindInMap [Sizes, dev, Names]')).toEqual(known(['a', 'b']));
    expect(resolve('!FindInMap [Sizes, test, Memory]')).toEqual(unknown('mapping Sizes has no entry test.Memory'));
    expect(resolve('!FindInMap [Sizes, test, Memory, {DefaultValue: 256}]')).toEqual(known(256));
    expect(resolve('!FindInMap [Sizes, prod, Memory, {DefaultValue: 256}]')).toEqual(known(1024));
    expect(resolve('!FindInMap [Sizes, !Ref Env, Memory]')).toEqual(unknown('parameter Env has no default value'));
    expect(resolve('!FindInMap [Accounts, !Ref AWS::AccountId, Env]', { 'AWS::AccountId': '012345678901' })).toEqual(
      known('prod'),
    );
  });

  it('Fn::Base64', () => {
    expect(resolve('!Base64 "echo hi"')).toEqual(known(Buffer.from('echo hi').toString('base64')));
    expect(resolve('!Base64 {Fn::Sub: "stage=${Stage}"}')).toEqual(known(Buffer.from('stage=dev').toString('base64')));
    expect(resolve('!Base64 {Ref: Env}')).toEqual(unknown('parameter Env has no default value'));
  });

  it('Fn::GetAtt, Fn::ImportValue and Fn::GetAZs: Unknown, with the reason', () => {
    expect(resolve('!GetAtt Bucket.Arn')).toEqual(unknown('Bucket.Arn is an attribute known only after deployment'));
    expect(resolve('!GetAtt [Bucket, DomainName]')).toEqual(
      unknown('Bucket.DomainName is an attribute known only after deployment'),
    );
    expect(resolve('{Fn::GetAtt: Bucket.Arn}')).toEqual(
      unknown('Bucket.Arn is an attribute known only after deployment'),
    );
    expect(resolve('!ImportValue network-VpcId')).toEqual(
      unknown('Fn::ImportValue is resolved from another stack at deployment'),
    );
    expect(resolve('!GetAZs ""')).toEqual(unknown('Fn::GetAZs depends on the account and region'));
    expect(resolve('!Cidr [10.0.0.0/16, 4, 8]')).toEqual(unknown('Fn::Cidr is not evaluated'));
  });

  it('Fn::Length and Fn::ToJsonString', () => {
    expect(resolve('!Length [a, !Ref Stage]')).toEqual(known(2));
    expect(resolve('!ToJsonString {stage: !Ref Stage, size: 3}')).toEqual(known('{"stage":"dev","size":3}'));
  });

  it('anything else is returned as it is', () => {
    expect(resolve('plain')).toEqual(known('plain'));
    expect(resolve('{Mode: !Ref Stage}')).toEqual(known({ Mode: { Ref: 'Stage' } }));
  });
});

describe('get(root, path): intrinsics followed at every level', () => {
  const text = yaml`
      Parameters:
        Env: {Type: String}
        Stage: {Type: String, Default: dev}
        Subnets: {Type: CommaDelimitedList, Default: "subnet-a,subnet-b"}
      Conditions:
        IsProd: !Equals [!Ref Env, prod]
        IsDev: !Equals [!Ref Stage, dev]
        IsBig: !Equals [!Ref Env, big]
      Resources:
        Fn:
          Type: AWS::Lambda::Function
          Properties:
            TracingConfig: !If [IsProd, {Mode: Active}, {Mode: PassThrough}]
            DeadLetterConfig: !If [IsDev, {TargetArn: dev-dlq}, !Ref AWS::NoValue]
            VpcConfig:
              SubnetIds: !Ref Subnets
            Environment: !If
              - IsProd
              - Variables: {LEVEL: warn}
              - !If [IsBig, {Variables: {LEVEL: info}}, !Ref AWS::NoValue]
            Tags:
              - Key: stage
                Value: !Ref Stage
              - !If [IsProd, {Key: tier, Value: gold}, {Key: tier, Value: silver}]
            Layers: !If [IsProd, [a, b], [c]]
            Role: !GetAtt Role.Arn
            Same: !If [IsProd, !Sub '\${Stage}', dev]
  `;
  const withInputs =
    (parameters: Record<string, string>) =>
    (p: string): Resolved => {
      const t = templateFromText(text, 'template.yaml', { explicit: true, parameters })!;
      return t.resolver.get(t.resources.get('Fn')!.definition, p);
    };
  const t = templateFromText(text, 'template.yaml', { explicit: true })!;
  const fn = t.resources.get('Fn')!;
  const get = (p: string): Resolved => t.resolver.get(fn.definition, p);
  const BRANCHES = 'depends on a condition that cannot be evaluated';

  it('walks mappings and lists', () => {
    expect(get('Type')).toEqual(known('AWS::Lambda::Function'));
    expect(get('Properties.Tags[0].Key')).toEqual(known('stage'));
    expect(t.resolver.get(fn.definition, ['Properties', 'Tags', 0, 'Key'])).toEqual(known('stage'));
  });

  it('resolves the value at the end', () => {
    expect(get('Properties.Tags[0].Value')).toEqual(known('dev'));
  });

  it('goes through a parameter that holds a list', () => {
    expect(get('Properties.VpcConfig.SubnetIds[1]')).toEqual(known('subnet-b'));
    expect(get('Properties.VpcConfig.SubnetIds')).toEqual(known(['subnet-a', 'subnet-b']));
  });

  it('goes through Fn::If with a known condition; AWS::NoValue is absent', () => {
    expect(get('Properties.DeadLetterConfig.TargetArn')).toEqual(known('dev-dlq'));
    expect(withInputs({ Stage: 'prod' })('Properties.DeadLetterConfig.TargetArn')).toEqual(known(undefined));
    expect(withInputs({ Stage: 'prod' })('Properties.DeadLetterConfig')).toEqual(known(undefined));
  });

  it('branches on an unknown condition: each branch value as an alternative', () => {
    expect(get('Properties.TracingConfig.Mode')).toEqual(unknown(BRANCHES, ['Active', 'PassThrough']));
    expect(get('Properties.Tags[1].Value')).toEqual(unknown(BRANCHES, ['gold', 'silver']));
    expect(get('Properties.Layers[1]')).toEqual(unknown(BRANCHES, ['b', undefined]));
  });

  it('branches on nested unknown conditions', () => {
    expect(get('Properties.Environment.Variables.LEVEL')).toEqual(unknown(BRANCHES, ['warn', 'info', undefined]));
  });

  it('is known when every branch agrees', () => {
    expect(get('Properties.Tags[1].Key')).toEqual(known('tier'));
    expect(get('Properties.Same')).toEqual(known('dev'));
  });

  it('is known once the condition is, with a value given', () => {
    expect(withInputs({ Env: 'prod' })('Properties.TracingConfig.Mode')).toEqual(known('Active'));
    expect(withInputs({ Env: 'big' })('Properties.Environment.Variables.LEVEL')).toEqual(known('info'));
    expect(withInputs({ Env: 'dev' })('Properties.Environment.Variables.LEVEL')).toEqual(known(undefined));
  });

  it('a missing key is known and absent', () => {
    expect(get('Properties.MemorySize')).toEqual(known(undefined));
    expect(get('Properties.Tags[7].Key')).toEqual(known(undefined));
    expect(get('Properties.Tags.Key')).toEqual(known(undefined));
  });

  it('an unknown value on the way is Unknown, with its reason', () => {
    expect(get('Properties.Role')).toEqual(unknown('Role.Arn is an attribute known only after deployment'));
    expect(get('Properties.Role.Anything')).toEqual(unknown('Role.Arn is an attribute known only after deployment'));
  });
});

describe('deep(value): everything inside resolved', () => {
  it('resolves every level and drops AWS::NoValue from lists and mappings', () => {
    expect(
      deep(
        '{Name: !Sub "${Stage}-app", Size: !FindInMap [Sizes, !Ref Stage, Memory], Extra: !Ref AWS::NoValue, List: [a, !Ref AWS::NoValue, !Select [0, !Ref Subnets]]}',
      ),
    ).toEqual(known({ Name: 'dev-app', Size: 128, List: ['a', 'subnet-a'] }));
  });

  it('is Unknown when any part is', () => {
    expect(deep('{Name: app, Arn: !GetAtt Bucket.Arn}')).toEqual(
      unknown('Bucket.Arn is an attribute known only after deployment'),
    );
    expect(deep('[a, [b, !Ref Env]]')).toEqual(unknown('parameter Env has no default value'));
  });

  it('keeps the alternatives of an unknown condition, each resolved', () => {
    expect(deep('!If [IsProd, {Mode: !Ref Stage}, {Mode: off}]')).toEqual(
      unknown('depends on condition IsProd: parameter Env has no default value', [{ Mode: 'dev' }, { Mode: 'off' }]),
    );
  });

  it('leaves plain values as they are', () => {
    expect(deep('{a: [1, {b: true}]}')).toEqual(known({ a: [1, { b: true }] }));
  });
});

describe('deep() of a list or mapping holding an Fn::If with an unknown condition', () => {
  it('is unknown as a whole: the item branches are not alternatives of the list', () => {
    const t = templateFromText(
      'Parameters: {Env: {Type: String}}\nConditions: {IsProd: !Equals [!Ref Env, prod]}\nResources: {}\n',
      'template.yaml',
      { explicit: true },
    )!;
    const r = t.resolver.deep([{ 'Fn::If': ['IsProd', { Key: 'a' }, { Key: 'b' }] }, { Key: 'c' }]);
    expect(r).toEqual({ known: false, reason: expect.stringContaining('depends on condition IsProd') });
    const m = t.resolver.deep({ Tag: { 'Fn::If': ['IsProd', 'a', 'b'] }, Other: 'c' });
    expect(m.known).toBe(false);
    expect((m as { alternatives?: unknown }).alternatives).toBeUndefined();
  });
});
