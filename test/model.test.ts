/**
 * The template model (lib/template/model.ts, sam.ts, foreach.ts): resources by id and type, the other
 * sections, SAM Globals merged into serverless resources (with positions pointing into Globals), and
 * AWS::LanguageExtensions Fn::ForEach loops expanded.
 */
import * as path from 'node:path';
import type { InputError } from '../lib/template/errors';
import { loadTemplate, templateFromText } from '../lib/template/load';
import type { Resource, Template } from '../lib/template/model';
import { yaml } from './helpers/yaml';
import { corpusDir } from '../scripts/support/corpus';

const CORPUS = corpusDir();

function load(text: string, parameters?: Record<string, string>): Template {
  const template = templateFromText(text, 'template.yaml', { explicit: true, parameters });
  if (!template) throw new Error('not a template');
  return template;
}

function resource(template: Template, id: string): Resource {
  const r = template.resources.get(id);
  if (!r) throw new Error(`no resource ${id}; have ${[...template.resources.keys()].join(', ')}`);
  return r;
}

/** `line:column` of a path inside a resource. */
function at(template: Template, id: string, p: string): string {
  const { line, column } = template.locateInResource(resource(template, id), p);
  return `${line}:${column}`;
}

describe('resources', () => {
  const template = load(yaml`
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Orders:
        Type: AWS::SQS::Queue
      Topic:
        Type: AWS::SNS::Topic
        Condition: IsProd
        DependsOn: Orders
        Metadata:
          aws:cdk:path: App/Stack/Topic/Resource
        Properties:
          TopicName: orders
      Payments:
        Type: AWS::SQS::Queue
        DependsOn: [Orders, Topic]
        DeletionPolicy: Retain
        Properties:
          DelaySeconds: 5
  `);

  it('are indexed by logical id, in template order', () => {
    expect([...template.resources.keys()]).toEqual(['Orders', 'Topic', 'Payments']);
  });

  it('are indexed by type, in template order', () => {
    expect(template.resourcesOfType('AWS::SQS::Queue').map((r) => r.logicalId)).toEqual(['Orders', 'Payments']);
    expect(template.resourcesOfType('AWS::SNS::Topic').map((r) => r.logicalId)).toEqual(['Topic']);
    expect(template.resourcesOfType('AWS::Lambda::Function')).toEqual([]);
    expect([...template.resourceTypes]).toEqual(['AWS::SQS::Queue', 'AWS::SNS::Topic']);
  });

  it('hold their type, properties, definition and position', () => {
    const orders = resource(template, 'Orders');
    expect(orders.type).toBe('AWS::SQS::Queue');
    expect(orders.properties).toEqual({});
    expect(orders.definition).toEqual({ Type: 'AWS::SQS::Queue' });
    expect(orders.position).toEqual({ line: 3, column: 3 });
    expect(orders.metadata).toBeUndefined();
    expect(orders.condition).toBeUndefined();
    expect(orders.constructPath).toBeUndefined();
    const payments = resource(template, 'Payments');
    expect(payments.properties).toEqual({ DelaySeconds: 5 });
    expect(payments.definition.DeletionPolicy).toBe('Retain');
  });

  it('hold their condition, DependsOn (string or list) and metadata', () => {
    const topic = resource(template, 'Topic');
    expect(topic.condition).toBe('IsProd');
    expect(topic.dependsOn).toEqual(['Orders']);
    expect(resource(template, 'Payments').dependsOn).toEqual(['Orders', 'Topic']);
    expect(resource(template, 'Orders').dependsOn).toEqual([]);
    expect(topic.metadata).toEqual({ 'aws:cdk:path': 'App/Stack/Topic/Resource' });
  });

  it('take their CDK construct path from Metadata aws:cdk:path', () => {
    expect(resource(template, 'Topic').constructPath).toBe('App/Stack/Topic/Resource');
  });

  it('are located by path, a missing property at its deepest existing parent', () => {
    expect(at(template, 'Topic', 'Properties.TopicName')).toBe('12:7');
    expect(at(template, 'Topic', 'Properties.KmsMasterKeyId')).toBe('11:5');
    expect(at(template, 'Topic', ['DependsOn'] as unknown as string)).toBe('8:5');
    // no Properties at all: the logical id
    expect(at(template, 'Orders', 'Properties.KmsMasterKeyId')).toBe('3:3');
  });

  it('resolve values at a path (Template.valueAt)', () => {
    expect(template.valueAt(resource(template, 'Payments'), 'Properties.DelaySeconds')).toEqual({
      known: true,
      value: 5,
    });
    expect(template.valueAt(resource(template, 'Payments'), 'Properties.Missing')).toEqual({
      known: true,
      value: undefined,
    });
  });
});

describe('sections', () => {
  const template = load(yaml`
    AWSTemplateFormatVersion: "2010-09-09"
    Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
    Parameters:
      Env: {Type: String, Default: dev}
    Conditions:
      IsProd: !Equals [!Ref Env, prod]
    Mappings:
      Sizes:
        dev: {Memory: 128}
    Resources:
      Queue:
        Type: AWS::SQS::Queue
    Outputs:
      QueueUrl:
        Value: !Ref Queue
  `);

  it('are read as written', () => {
    expect(template.parameters).toEqual({ Env: { Type: 'String', Default: 'dev' } });
    expect(template.conditions).toEqual({ IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] } });
    expect(template.mappings).toEqual({ Sizes: { dev: { Memory: 128 } } });
    expect(template.outputs).toEqual({ QueueUrl: { Value: { Ref: 'Queue' } } });
    expect(template.format).toBe('yaml');
    expect(template.file).toBe('template.yaml');
  });

  it('list the transforms, given as one name, a list, or a name with parameters', () => {
    expect(template.transforms).toEqual(['AWS::LanguageExtensions', 'AWS::Serverless-2016-10-31']);
    expect(load('Transform: AWS::Serverless-2016-10-31\nResources: {}\n').transforms).toEqual([
      'AWS::Serverless-2016-10-31',
    ]);
    expect(load('Resources: {}\n').transforms).toEqual([]);
    expect(
      load(
        'Transform: [{Name: AWS::Include, Parameters: {Location: s3://b/k}}, AWS::Serverless-2016-10-31]\nResources: {}\n',
      ).transforms,
    ).toEqual(['AWS::Include', 'AWS::Serverless-2016-10-31']);
  });

  it('are empty when absent or empty', () => {
    const bare = load('Resources: {}\nConditions:\n');
    expect(bare.parameters).toEqual({});
    expect(bare.conditions).toEqual({});
    expect(bare.mappings).toEqual({});
    expect(bare.outputs).toEqual({});
    // the one note: CloudFormation rejects a template without resources
    expect(bare.unresolved).toEqual([
      {
        path: 'Resources',
        position: { line: 1, column: 1 },
        message: 'Resources is empty: CloudFormation rejects a template without resources',
      },
    ]);
  });
});

describe('SAM Globals', () => {
  const template = load(yaml`
    Transform: AWS::Serverless-2016-10-31
    Globals:
      Function:
        Runtime: python3.12
        Tracing: Active
        Environment:
          Variables:
            STAGE: prod
            LOG_LEVEL: info
        Layers:
          - !Ref SharedLayer
      Api:
        TracingEnabled: true
      HttpApi:
        CorsConfiguration:
          AllowOrigins: ['*']
      StateMachine:
        Tracing:
          Enabled: true
    Resources:
      Handler:
        Type: AWS::Serverless::Function
        Properties:
          Runtime: nodejs20.x
          Environment:
            Variables:
              LOG_LEVEL: debug
          Layers:
            - !Ref OwnLayer
      Bare:
        Type: AWS::Serverless::Function
      Api:
        Type: AWS::Serverless::Api
        Properties:
          StageName: prod
      Http:
        Type: AWS::Serverless::HttpApi
      Flow:
        Type: AWS::Serverless::StateMachine
        Properties:
          Tracing:
            Enabled: false
      Plain:
        Type: AWS::Lambda::Function
        Properties:
          Runtime: java21
  `);

  it('are merged into AWS::Serverless::Function: scalars from the resource win, maps merge, lists concatenate', () => {
    expect(resource(template, 'Handler').properties).toEqual({
      Runtime: 'nodejs20.x',
      Tracing: 'Active',
      Environment: { Variables: { STAGE: 'prod', LOG_LEVEL: 'debug' } },
      Layers: [{ Ref: 'SharedLayer' }, { Ref: 'OwnLayer' }],
    });
  });

  it('give a function without Properties all the globals', () => {
    expect(resource(template, 'Bare').properties).toEqual({
      Runtime: 'python3.12',
      Tracing: 'Active',
      Environment: { Variables: { STAGE: 'prod', LOG_LEVEL: 'info' } },
      Layers: [{ Ref: 'SharedLayer' }],
    });
  });

  it('are merged into Api, HttpApi and StateMachine', () => {
    expect(resource(template, 'Api').properties).toEqual({ TracingEnabled: true, StageName: 'prod' });
    expect(resource(template, 'Http').properties).toEqual({ CorsConfiguration: { AllowOrigins: ['*'] } });
    expect(resource(template, 'Flow').properties).toEqual({ Tracing: { Enabled: false } });
  });

  it('are not merged into CloudFormation resources', () => {
    expect(resource(template, 'Plain').properties).toEqual({ Runtime: 'java21' });
  });

  it('leave the written definition alone', () => {
    expect((template.document.Resources as Record<string, { Properties?: unknown }>).Handler.Properties).toEqual({
      Runtime: 'nodejs20.x',
      Environment: { Variables: { LOG_LEVEL: 'debug' } },
      Layers: [{ Ref: 'OwnLayer' }],
    });
  });

  it('locate a value that came from Globals in Globals, and the resource own values in the resource', () => {
    expect(at(template, 'Handler', 'Properties.Runtime')).toBe('24:7');
    expect(at(template, 'Handler', 'Properties.Tracing')).toBe('5:5');
    expect(at(template, 'Handler', 'Properties.Environment.Variables.STAGE')).toBe('8:9');
    expect(at(template, 'Handler', 'Properties.Environment.Variables.LOG_LEVEL')).toBe('27:11');
    expect(at(template, 'Handler', 'Properties.Layers[0]')).toBe('11:9');
    expect(at(template, 'Handler', 'Properties.Layers[1]')).toBe('29:11');
    expect(at(template, 'Bare', 'Properties.Tracing')).toBe('5:5');
    expect(at(template, 'Api', 'Properties.TracingEnabled')).toBe('13:5');
    expect(at(template, 'Http', 'Properties.CorsConfiguration.AllowOrigins[0]')).toBe('16:22');
    expect(at(template, 'Flow', 'Properties.Tracing.Enabled')).toBe('42:9');
    // missing everywhere: where it would be added in the resource
    expect(at(template, 'Handler', 'Properties.MemorySize')).toBe('23:5');
    expect(at(template, 'Api', 'Properties.MethodSettings')).toBe('34:5');
  });

  it('keep an intrinsic function on either side whole: the resource value wins', () => {
    const t = load(yaml`
      Globals:
        Function:
          Environment:
            Variables: {A: '1'}
          VpcConfig: !If [InVpc, {SubnetIds: [a]}, !Ref AWS::NoValue]
      Resources:
        Fn:
          Type: AWS::Serverless::Function
          Properties:
            Environment: !If [IsProd, {Variables: {B: '2'}}, !Ref AWS::NoValue]
            VpcConfig:
              SubnetIds: [b]
    `);
    expect(resource(t, 'Fn').properties).toEqual({
      Environment: { 'Fn::If': ['IsProd', { Variables: { B: '2' } }, { Ref: 'AWS::NoValue' }] },
      VpcConfig: { SubnetIds: ['b'] },
    });
  });

  it('ignore Globals that are not a mapping', () => {
    const t = load(
      'Globals: [Function]\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: {Runtime: java21}\n',
    );
    expect(resource(t, 'Fn').properties).toEqual({ Runtime: 'java21' });
  });
});

describe('Fn::ForEach (AWS::LanguageExtensions)', () => {
  it('expands a literal list, substituting ${Id} in keys and values and Ref Id in values', () => {
    const t = load(yaml`
      Transform: AWS::LanguageExtensions
      Resources:
        Fn::ForEach::Topics:
          - Name
          - [Orders, Payments]
          - Topic\${Name}:
              Type: AWS::SNS::Topic
              Properties:
                TopicName: !Ref Name
                DisplayName: !Sub '\${Name} events in \${AWS::Region}'
                Tags:
                  - Key: !Sub ['\${N}-\${Name}', {N: x}]
                    Value: !Ref Other
        Other:
          Type: AWS::SQS::Queue
    `);
    expect([...t.resources.keys()]).toEqual(['TopicOrders', 'TopicPayments', 'Other']);
    expect(resource(t, 'TopicPayments').properties).toEqual({
      TopicName: 'Payments',
      DisplayName: { 'Fn::Sub': 'Payments events in ${AWS::Region}' },
      Tags: [{ Key: { 'Fn::Sub': ['${N}-Payments', { N: 'x' }] }, Value: { Ref: 'Other' } }],
    });
    expect(t.unresolved).toEqual([]);
    // every copy is located at the loop body it came from
    expect(resource(t, 'TopicOrders').position).toEqual({ line: 6, column: 7 });
    expect(resource(t, 'TopicPayments').position).toEqual({ line: 6, column: 7 });
    expect(at(t, 'TopicPayments', 'Properties.DisplayName')).toBe('10:11');
    expect(at(t, 'TopicPayments', 'Properties.Tags[0].Value')).toBe('13:15');
  });

  it('substitutes &{Id} in keys with the value reduced to letters and digits', () => {
    const t = load(yaml`
      Resources:
        Fn::ForEach::Queues:
          - Name
          - [orders-eu, payments.v2]
          - Queue&{Name}:
              Type: AWS::SQS::Queue
              Properties:
                QueueName: !Sub 'q-\${Name}'
    `);
    expect([...t.resources.keys()]).toEqual(['Queueorderseu', 'Queuepaymentsv2']);
    expect(resource(t, 'Queuepaymentsv2').properties.QueueName).toEqual({ 'Fn::Sub': 'q-payments.v2' });
  });

  const fromParameter = yaml`
    Parameters:
      Names:
        Type: CommaDelimitedList
        Default: "Orders, Payments"
    Resources:
      Fn::ForEach::Topics:
        - Name
        - !Ref Names
        - Topic\${Name}:
            Type: AWS::SNS::Topic
  `;

  it('expands a CommaDelimitedList parameter default (members trimmed)', () => {
    expect([...load(fromParameter).resources.keys()]).toEqual(['TopicOrders', 'TopicPayments']);
  });

  it('expands a parameter value given as input, over the default', () => {
    expect([...load(fromParameter, { Names: 'Audit,Billing , Carts' }).resources.keys()]).toEqual([
      'TopicAudit',
      'TopicBilling',
      'TopicCarts',
    ]);
  });

  it('expands nested loops', () => {
    const t = load(yaml`
      Resources:
        Fn::ForEach::Envs:
          - Env
          - [Dev, Prod]
          - Fn::ForEach::Queues:
              - Name
              - [Orders, Payments]
              - \${Env}\${Name}Queue:
                  Type: AWS::SQS::Queue
                  Properties:
                    QueueName: !Sub '\${Env}-\${Name}'
    `);
    expect([...t.resources.keys()]).toEqual([
      'DevOrdersQueue',
      'DevPaymentsQueue',
      'ProdOrdersQueue',
      'ProdPaymentsQueue',
    ]);
    expect(resource(t, 'ProdOrdersQueue').properties.QueueName).toEqual({ 'Fn::Sub': 'Prod-Orders' });
  });

  it('notes a loop over an unknown collection as unresolved, never as an error or a resource without Type', () => {
    const t = load(yaml`
      Parameters:
        Names: {Type: CommaDelimitedList}
      Resources:
        Fn::ForEach::Topics:
          - Name
          - !Ref Names
          - Topic\${Name}:
              Type: AWS::SNS::Topic
        Queue:
          Type: AWS::SQS::Queue
    `);
    expect([...t.resources.keys()]).toEqual(['Queue']);
    expect(t.unresolved).toEqual([
      {
        path: 'Resources.Fn::ForEach::Topics',
        position: { line: 4, column: 3 },
        message: 'the collection of Fn::ForEach::Topics is unknown: parameter Names has no default value',
      },
    ]);
  });

  it('notes a collection that is not a list, and a malformed loop', () => {
    const t = load(yaml`
      Parameters:
        Name: {Type: String, Default: Orders}
      Resources:
        Fn::ForEach::One:
          - Name
          - !Ref Name
          - Topic\${Name}: {Type: AWS::SNS::Topic}
        Fn::ForEach::Two: [Name, [A, B]]
    `);
    expect(t.resources.size).toBe(0);
    expect(t.unresolved.map((u) => [u.path, u.message])).toEqual([
      ['Resources.Fn::ForEach::One', 'the collection of Fn::ForEach::One is not a list'],
      [
        'Resources.Fn::ForEach::Two',
        'Fn::ForEach::Two must be a list of an identifier, a collection and an output mapping',
      ],
    ]);
  });

  it('expands loops in Conditions and Outputs too', () => {
    const t = load(yaml`
      Parameters:
        Env: {Type: String, Default: prod}
      Conditions:
        Fn::ForEach::Envs:
          - Name
          - [dev, prod]
          - Is\${Name}: !Equals [!Ref Env, !Ref Name]
      Resources:
        Queue: {Type: AWS::SQS::Queue}
      Outputs:
        Fn::ForEach::Urls:
          - Name
          - [dev, prod]
          - \${Name}Url:
              Value: !Sub 'https://\${Name}.example.com'
    `);
    expect(Object.keys(t.conditions)).toEqual(['Isdev', 'Isprod']);
    expect(t.resolver.condition('Isprod')).toBe(true);
    expect(t.resolver.condition('Isdev')).toBe(false);
    expect(t.outputs).toEqual({
      devUrl: { Value: { 'Fn::Sub': 'https://dev.example.com' } },
      prodUrl: { Value: { 'Fn::Sub': 'https://prod.example.com' } },
    });
    expect(t.sourceMap.locate(t.outputs, ['prodUrl', 'Value'])).toEqual({ line: 15, column: 9 });
  });

  describe('the corpus templates that use it', () => {
    it.each(['CloudFormation__fn-foreach-ddb.yaml', 'CloudFormation__fn-foreach-ddb.json'])(
      '%s: one table per name',
      (name) => {
        const t = loadTemplate(path.join(CORPUS, 'aws-cfn-templates', name), { explicit: true })!;
        expect([...t.resources.keys()]).toEqual([
          'DynamoDBPoints',
          'DynamoDBScore',
          'DynamoDBName',
          'DynamoDBLeaderboard',
        ]);
        expect(t.resourcesOfType('AWS::DynamoDB::Table')).toHaveLength(4);
        expect(resource(t, 'DynamoDBLeaderboard').properties.TableName).toBe('Leaderboard');
        expect(t.unresolved).toEqual([]);
      },
    );

    it.each(['CloudFormation__fn-foreach-s3-outputs.yaml', 'CloudFormation__fn-foreach-s3-outputs.json'])(
      '%s: buckets and their outputs',
      (name) => {
        const t = loadTemplate(path.join(CORPUS, 'aws-cfn-templates', name), { explicit: true })!;
        expect([...t.resources.keys()]).toEqual(['S3BucketA', 'S3BucketB', 'S3BucketC']);
        expect(resource(t, 'S3BucketB').definition.DeletionPolicy).toBe('Retain');
        expect(Object.keys(t.outputs)).toEqual(['S3BucketAArn', 'S3BucketBArn', 'S3BucketCArn']);
        expect(t.outputs.S3BucketCArn).toEqual({ Value: { 'Fn::GetAtt': [{ 'Fn::Sub': 'S3BucketC' }, 'Arn'] } });
        expect(t.unresolved).toEqual([]);
      },
    );

    it('a collection from a mapping keyed by a parameter: unresolved without a value, expanded with one', () => {
      const file = path.join(CORPUS, 'cfn-lint', 'test__fixtures__templates__good__functions__foreach.yaml');
      const unknown = loadTemplate(file, { explicit: true })!;
      expect(unknown.resources.size).toBe(0);
      expect(unknown.unresolved.map((u) => `${u.path} ${u.position.line}:${u.position.column}`)).toEqual([
        'Resources.Fn::ForEach::Buckets 11:5',
        'Outputs.Fn::ForEach::BucketOutputs 33:5',
      ]);
      const known = loadTemplate(file, { explicit: true, parameters: { Environment: 'Production' } })!;
      expect([...known.resources.keys()]).toEqual(['S3BucketA', 'S3BucketB', 'S3BucketC']);
      expect(resource(known, 'S3BucketC').properties.MetricsConfigurations).toEqual([
        { Id: { 'Fn::Sub': 'EntireBucketC' } },
      ]);
      expect(Object.keys(known.outputs)).toEqual([
        'S3BucketAArn',
        'S3BucketADomainName',
        'S3BucketAWebsiteURL',
        'S3BucketBArn',
        'S3BucketBDomainName',
        'S3BucketBWebsiteURL',
        'S3BucketCArn',
        'S3BucketCDomainName',
        'S3BucketCWebsiteURL',
      ]);
    });
  });
});

describe('SAM IgnoreGlobals', () => {
  it("keeps Globals out of a resource that says '*', and out of the properties it lists", () => {
    const t = templateFromText(
      yaml`
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function: {Runtime: nodejs22.x, Tracing: Active, MemorySize: 256}
        Resources:
          All:
            Type: AWS::Serverless::Function
            Properties: {IgnoreGlobals: '*', Handler: a.handler}
          Some:
            Type: AWS::Serverless::Function
            Properties: {IgnoreGlobals: [Tracing], Handler: b.handler}
          None:
            Type: AWS::Serverless::Function
            Properties: {Handler: c.handler}
      `,
      'template.yaml',
      { explicit: true },
    )!;
    expect(t.resources.get('All')!.properties).toEqual({ IgnoreGlobals: '*', Handler: 'a.handler' });
    expect(t.resources.get('Some')!.properties).toEqual({
      Runtime: 'nodejs22.x',
      MemorySize: 256,
      IgnoreGlobals: ['Tracing'],
      Handler: 'b.handler',
    });
    expect(t.resources.get('None')!.properties).toEqual({
      Runtime: 'nodejs22.x',
      Tracing: 'Active',
      MemorySize: 256,
      Handler: 'c.handler',
    });
  });
});

describe('macros (Transform names that are not AWS transforms)', () => {
  const notChecked = (macro: string, asWritten: string) =>
    `the template uses the macro ${macro}, which rewrites Resources before deployment; the template is not checked (as written: ${asWritten})`;

  it('a template whose Resources only a macro makes valid is read without resources, not checked, with a note at the macro', () => {
    // the ShortHand macro's own syntax: Resources as a list of "Type Name" entries
    const t = load(yaml`
      Transform: ShortHand
      Parameters:
        Env: {Type: String, Default: dev}
      Resources:
        - S3::Bucket MyBucket
        - SNS::Topic MyTopic:
            DisplayName: hello
    `);
    expect(t.checked).toBe(false);
    expect(t.resources.size).toBe(0);
    expect(t.parameters).toEqual({ Env: { Type: 'String', Default: 'dev' } });
    expect(t.unresolved).toEqual([
      {
        path: '',
        position: { line: 1, column: 1 },
        message: notChecked('ShortHand', 'Resources must be a mapping, found a list'),
      },
    ]);
    // positions in the rest of the document are kept
    expect(t.locate('Parameters.Env.Default')).toEqual({ line: 3, column: 23 });
  });

  it.each<[string, string, string, { line: number; column: number }]>([
    [
      'a resource that is not a mapping',
      'Transform: Expand\nResources:\n  Bucket: S3 bucket\n',
      'resource Bucket must be a mapping, found a string',
      { line: 1, column: 1 },
    ],
    [
      'a resource without Type',
      'Transform: [AWS::Serverless-2016-10-31, Expand]\nResources:\n  Bucket:\n    Properties: {}\n',
      'resource Bucket has no Type',
      { line: 1, column: 41 },
    ],
    [
      'a Type that is not a string',
      'Transform:\n  - AWS::LanguageExtensions\n  - Name: Expand\n    Parameters: {Mode: all}\nResources:\n  Bucket:\n    Type: [S3, Bucket]\n',
      'resource Bucket has a Type that is not a string',
      { line: 3, column: 5 },
    ],
    [
      'Resources not a mapping, macro named with parameters',
      'Transform: {Name: Expand, Parameters: {}}\nResources: S3::Bucket\n',
      'Resources must be a mapping, found a string',
      { line: 1, column: 13 },
    ],
  ])('%s', (_what, text, asWritten, position) => {
    const t = load(text);
    expect(t.checked).toBe(false);
    expect(t.resources.size).toBe(0);
    expect(t.unresolved).toEqual([{ path: '', position, message: notChecked('Expand', asWritten) }]);
  });

  it('names every macro of the template', () => {
    expect(load('Transform: [A, AWS::Include, B]\nResources:\n  X: 1\n').unresolved[0].message).toBe(
      'the template uses the macros A, B, which rewrite Resources before deployment; the template is not checked (as written: resource X must be a mapping, found a number)',
    );
  });

  it('a template with a macro whose resources are valid as written is checked as written, and says so', () => {
    const t = load(
      'Transform: [AWS::Serverless-2016-10-31, {Name: Boto3, Parameters: {}}]\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n',
    );
    expect(t.checked).toBe(true);
    expect([...t.resources.keys()]).toEqual(['Topic']);
    expect(t.unresolved).toEqual([
      {
        path: '',
        position: { line: 1, column: 42 },
        message:
          'the template uses the macro Boto3, which rewrites Resources before deployment; the template is checked as written',
      },
    ]);
    // AWS transforms alone: nothing to say
    expect(
      load('Transform: AWS::Serverless-2016-10-31\nResources:\n  T:\n    Type: AWS::SNS::Topic\n').unresolved,
    ).toEqual([]);
  });

  it('AWS transforms do not excuse invalid resources, nor does a macro excuse another invalid section', () => {
    const failure = (text: string): string => {
      try {
        load(text);
      } catch (error) {
        return (error as InputError).format();
      }
      return 'no error';
    };
    for (const aws of [
      'AWS::Serverless-2016-10-31',
      'AWS::LanguageExtensions',
      'AWS::Include',
      'AWS::CodeDeployBlueGreen',
      'AWS::SecretsManager-2020-07-23',
      'AWS::SecretsManager-2024-09-16',
      'AWS::ServiceCatalog',
    ]) {
      expect(failure(`Transform: ${aws}\nResources:\n  Bucket:\n    Properties: {}\n`)).toBe(
        'template.yaml:3:3: resource Bucket has no Type',
      );
    }
    expect(failure('Resources:\n  Bucket:\n    Properties: {}\n')).toBe(
      'template.yaml:2:3: resource Bucket has no Type',
    );
    expect(failure('Transform: Expand\nParameters: [Env]\nResources: []\n')).toBe(
      'template.yaml:2:1: Parameters must be a mapping, found a list',
    );
  });
});
