/**
 * The reference graph (lib/template/graph.ts, intrinsics.ts): which resource refers to which, how (Ref, GetAtt,
 * Sub, DependsOn) and where in the referring resource the reference sits.
 */
import { templateFromText } from '../lib/template/load';
import type { Template } from '../lib/template/model';
import { asIntrinsic, findReferences, getAttParts, subVariables } from '../lib/template/intrinsics';
import type { Reference } from '../lib/template/graph';
import { yaml } from './helpers/yaml';

function load(text: string): Template {
  return templateFromText(text, 'template.yaml', { explicit: true })!;
}

/** A reference as one readable line: `from -Kind-> to.attribute @ path`. */
function show(r: Reference): string {
  return `${r.from} -${r.kind}-> ${r.to}${r.attribute !== undefined ? `.${r.attribute}` : ''} @ ${r.path.join('/')}`;
}

describe('the reference graph', () => {
  const template = load(yaml`
    Parameters:
      Env: {Type: String}
    Conditions:
      IsProd: !Equals [!Ref Env, prod]
    Resources:
      Role:
        Type: AWS::IAM::Role
      Queue:
        Type: AWS::SQS::Queue
      Topic:
        Type: AWS::SNS::Topic
      Fn:
        Type: AWS::Lambda::Function
        DependsOn: Queue
        Metadata:
          Note: !Ref Topic
        Properties:
          Role: !GetAtt Role.Arn
          FunctionName: !Ref AWS::StackName
          Environment:
            Variables:
              QUEUE: !Ref Queue
              TOPIC: !GetAtt [Topic, TopicName]
              ENV: !Ref Env
              URL: !Sub 'https://sqs.\${AWS::Region}.amazonaws.com/\${AWS::AccountId}/\${Queue.QueueName}'
          DeadLetterConfig:
            TargetArn: !If [IsProd, !GetAtt Queue.Arn, !Ref AWS::NoValue]
          Description: !Sub
            - '\${Prefix} reads \${Queue} \${!Literal}'
            - Prefix: !Ref Topic
          Tags:
            - Key: other
              Value: !Ref NotHere
      Alarm:
        Type: AWS::CloudWatch::Alarm
        DependsOn: [Fn, Topic, Missing]
        Properties:
          AlarmActions: [!Ref Topic]
          Dimensions:
            - Name: FunctionName
              Value: !Ref Fn
  `);
  const graph = template.graph;

  it('lists the references a resource holds, each with its kind and path', () => {
    expect(graph.outgoing('Fn').map(show)).toEqual([
      'Fn -GetAtt-> Role.Arn @ Properties/Role',
      'Fn -Ref-> Queue @ Properties/Environment/Variables/QUEUE',
      'Fn -GetAtt-> Topic.TopicName @ Properties/Environment/Variables/TOPIC',
      'Fn -Sub-> Queue.QueueName @ Properties/Environment/Variables/URL',
      'Fn -GetAtt-> Queue.Arn @ Properties/DeadLetterConfig/TargetArn/Fn::If/1',
      'Fn -Sub-> Queue @ Properties/Description',
      'Fn -Ref-> Topic @ Properties/Description/Fn::Sub/1/Prefix',
      'Fn -DependsOn-> Queue @ DependsOn/0',
    ]);
  });

  it('lists the references to a resource from others', () => {
    expect(graph.incoming('Queue').map(show)).toEqual([
      'Fn -Ref-> Queue @ Properties/Environment/Variables/QUEUE',
      'Fn -Sub-> Queue.QueueName @ Properties/Environment/Variables/URL',
      'Fn -GetAtt-> Queue.Arn @ Properties/DeadLetterConfig/TargetArn/Fn::If/1',
      'Fn -Sub-> Queue @ Properties/Description',
      'Fn -DependsOn-> Queue @ DependsOn/0',
    ]);
    expect(graph.incoming('Topic').map(show)).toEqual([
      'Fn -GetAtt-> Topic.TopicName @ Properties/Environment/Variables/TOPIC',
      'Fn -Ref-> Topic @ Properties/Description/Fn::Sub/1/Prefix',
      'Alarm -Ref-> Topic @ Properties/AlarmActions/0',
      'Alarm -DependsOn-> Topic @ DependsOn/1',
    ]);
    expect(graph.incoming('Fn').map(show)).toEqual([
      'Alarm -Ref-> Fn @ Properties/Dimensions/0/Value',
      'Alarm -DependsOn-> Fn @ DependsOn/0',
    ]);
  });

  it('leaves out parameters, pseudo parameters, undefined names and Metadata', () => {
    const targets = graph.outgoing('Fn').map((r) => r.to);
    expect(targets).not.toContain('Env');
    expect(targets).not.toContain('AWS::StackName');
    expect(targets).not.toContain('AWS::Region');
    expect(targets).not.toContain('NotHere');
    expect(graph.incoming('Env')).toEqual([]);
    expect(graph.incoming('AWS::NoValue')).toEqual([]);
    // DependsOn a resource that does not exist
    expect(graph.outgoing('Alarm').map((r) => r.to)).toEqual(['Topic', 'Fn', 'Fn', 'Topic']);
  });

  it('is empty for a resource without references', () => {
    expect(graph.outgoing('Role')).toEqual([]);
    expect(graph.incoming('Alarm')).toEqual([]);
    expect(graph.outgoing('NoSuchResource')).toEqual([]);
  });

  it('does not take Sub local variables or ${!Literal} for references', () => {
    const subs = graph
      .outgoing('Fn')
      .filter((r) => r.kind === 'Sub')
      .map((r) => r.to);
    expect(subs).toEqual(['Queue', 'Queue']);
  });

  it('is built once per template', () => {
    expect(template.graph).toBe(graph);
  });

  it('finds references in other resource attributes, such as UpdatePolicy, and in JSON long forms', () => {
    const t = templateFromText(
      JSON.stringify({
        Resources: {
          Group: {
            Type: 'AWS::AutoScaling::AutoScalingGroup',
            Properties: {
              LaunchTemplate: {
                LaunchTemplateId: { Ref: 'Launch' },
                Version: { 'Fn::GetAtt': 'Launch.LatestVersionNumber' },
              },
            },
            UpdatePolicy: {
              AutoScalingRollingUpdate: { MinInstancesInService: { 'Fn::If': ['C', { Ref: 'Launch' }, 1] } },
            },
          },
          Launch: { Type: 'AWS::EC2::LaunchTemplate' },
        },
      }),
      'template.json',
      { explicit: true },
    )!;
    expect(t.graph.incoming('Launch').map(show)).toEqual([
      'Group -Ref-> Launch @ Properties/LaunchTemplate/LaunchTemplateId',
      'Group -GetAtt-> Launch.LatestVersionNumber @ Properties/LaunchTemplate/Version',
      'Group -Ref-> Launch @ UpdatePolicy/AutoScalingRollingUpdate/MinInstancesInService/Fn::If/1',
    ]);
  });

  it('finds references in both branches of Fn::If and in SAM Globals merged into a function', () => {
    const t = load(yaml`
      Globals:
        Function:
          Environment:
            Variables:
              TABLE: !Ref Table
      Resources:
        Table:
          Type: AWS::DynamoDB::Table
        Blue:
          Type: AWS::SNS::Topic
        Green:
          Type: AWS::SNS::Topic
        Fn:
          Type: AWS::Serverless::Function
          Properties:
            Environment:
              Variables:
                TOPIC: !If [IsBlue, !Ref Blue, !GetAtt Green.TopicArn]
    `);
    expect(t.graph.outgoing('Fn').map(show)).toEqual([
      'Fn -Ref-> Table @ Properties/Environment/Variables/TABLE',
      'Fn -Ref-> Blue @ Properties/Environment/Variables/TOPIC/Fn::If/1',
      'Fn -GetAtt-> Green.TopicArn @ Properties/Environment/Variables/TOPIC/Fn::If/2',
    ]);
  });

  it('a reference path can be located in the file', () => {
    const [ref] = graph.incoming('Fn');
    expect(template.locateInResource(template.resources.get('Alarm')!, ref.path)).toEqual({ line: 41, column: 11 });
  });
});

describe('intrinsics', () => {
  it('asIntrinsic recognises a single-key mapping named like a function', () => {
    expect(asIntrinsic({ Ref: 'A' })).toEqual({ name: 'Ref', arg: 'A' });
    expect(asIntrinsic({ 'Fn::Base64': 'x' })).toEqual({ name: 'Fn::Base64', arg: 'x' });
    expect(asIntrinsic({ Condition: 'IsProd' })).toEqual({ name: 'Condition', arg: 'IsProd' });
    expect(asIntrinsic({ Ref: 'A', Other: 1 })).toBeUndefined();
    expect(asIntrinsic({ 'Fn::ForEach::Loop': [] })).toBeUndefined();
    expect(asIntrinsic({ Mode: 'Active' })).toBeUndefined();
    expect(asIntrinsic([{ Ref: 'A' }])).toBeUndefined();
    expect(asIntrinsic('Ref')).toBeUndefined();
  });

  it('getAttParts reads both forms', () => {
    expect(getAttParts(['Db', 'Endpoint.Address'])).toEqual(['Db', 'Endpoint.Address']);
    expect(getAttParts('Db.Endpoint.Address')).toEqual(['Db', 'Endpoint.Address']);
    expect(getAttParts('Db')).toEqual(['Db', undefined]);
    expect(getAttParts([{ 'Fn::Sub': 'x' }, 'Arn'])).toBeUndefined();
  });

  it('subVariables lists ${X} and ${X.Attr}, not ${!Literal}', () => {
    expect(subVariables('${A}-${ B.Arn }-${!C}-${AWS::Region}')).toEqual([
      { name: 'A', raw: 'A' },
      { name: 'B', attribute: 'Arn', raw: 'B.Arn' },
      { name: 'AWS::Region', raw: 'AWS::Region' },
    ]);
  });

  it('findReferences reports names as written, relative to the value searched', () => {
    expect(
      findReferences({ a: [{ Ref: 'X' }, { 'Fn::Sub': ['${Y}${Z.Arn}', { Y: { 'Fn::GetAtt': ['W', 'Id'] } }] }] }),
    ).toEqual([
      { kind: 'Ref', target: 'X', path: ['a', 0] },
      { kind: 'Sub', target: 'Z', attribute: 'Arn', path: ['a', 1] },
      { kind: 'GetAtt', target: 'W', attribute: 'Id', path: ['a', 1, 'Fn::Sub', 1, 'Y'] },
    ]);
  });
});
