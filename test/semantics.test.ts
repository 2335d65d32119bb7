/**
 * The semantic layer (lib/semantics): what each resource is for, who invokes a function, which alarms watch a
 * resource and what they do, what a verdict rests on, and the APIs SAM creates implicitly. Roles are pinned on
 * real templates of the shared corpus and on templates synthesized by aws-cdk-lib.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cr from 'aws-cdk-lib/custom-resources';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import {
  loneStackAssembly,
  singleTemplateAssembly,
  type Assembly,
  type Stack as AssemblyStack,
} from '../lib/assembly/model';
import { readCloudAssembly } from '../lib/assembly/read';
import { checksRole } from '../lib/engine/rule';
import { AppFacts, alarmResponse, cdkInternalResources, type Role } from '../lib/semantics';
import { BUILTIN_PACKS } from '../rules';
import { loadTemplate, templateFromText } from '../lib/template/load';
import type { Template } from '../lib/template/model';
import { scanPaths } from '../lib/compose';
import { configureRules } from '../lib/engine/config';
import type { ConfiguredRule } from '../lib/engine/runner';
import { evaluateAssembly, type ReportOptions } from '../lib/scan';
import { corpusDir } from '../scripts/support/corpus';
import { yaml } from './helpers/yaml';

function template(text: string, parameters?: Record<string, string>): Template {
  return templateFromText(text, 'template.yaml', { explicit: true, parameters })!;
}

/** The role of every function (or of the resources named) in an assembly's first stack. */
function roles(
  assembly: Assembly,
  types = ['AWS::Lambda::Function', 'AWS::Serverless::Function'],
): Record<string, Role> {
  const facts = new AppFacts(assembly).of(assembly.stacks[0]);
  const out: Record<string, Role> = {};
  for (const r of facts.template.resources.values()) if (types.includes(r.type)) out[r.logicalId] = facts.role(r).role;
  return out;
}

function corpusTemplate(file: string): Template {
  return loadTemplate(path.join(corpusDir(), file), { explicit: true })!;
}

describe('roles on real templates', () => {
  it('a macro function, and the function it names for the custom resources the macro emits, are machinery', () => {
    const t = corpusTemplate('aws-cfn-templates/CloudFormation__MacrosExamples__S3Objects__macro.json');
    expect(roles(singleTemplateAssembly(t))).toEqual({ ResourceFunction: 'machinery', MacroFunction: 'machinery' });
    const facts = new AppFacts(singleTemplateAssembly(t)).of(singleTemplateAssembly(t).stacks[0]);
    expect(facts.role(t.resources.get('MacroFunction')!).why).toBe('runs macro Macro (FunctionName)');
    expect(facts.role(t.resources.get('ResourceFunction')!).why).toBe(
      'is named by machinery function MacroFunction (LAMBDA_ARN)',
    );
  });

  it('custom resource handlers are machinery; the function a Greengrass core runs is edge', () => {
    const t = corpusTemplate('aws-cfn-templates/IoT__amzn2-greengrass-cfn.yaml');
    const found = roles(singleTemplateAssembly(t));
    expect(found.CreateThingFunction).toBe('machinery');
    expect(found.GroupDeploymentResetFunction).toBe('machinery');
    expect(found.InstanceAZFunction).toBe('machinery');
    expect(found.GGSampleFunction).toBe('edge');
  });

  it('an AWS Config custom rule function is machinery', () => {
    const t = corpusTemplate('aws-cfn-templates/Config__Config.yaml');
    expect(roles(singleTemplateAssembly(t))).toEqual({ VolumeAutoEnableIOComplianceCheck: 'machinery' });
  });

  it('a function behind an API is workload', () => {
    const t = corpusTemplate('aws-cfn-templates/APIGateway__apigateway_lambda_integration.yaml');
    expect(Object.values(roles(singleTemplateAssembly(t)))).toEqual(['workload']);
  });

  it('no rule reports on a resource of a role it does not check (machinery, edge, CDK internal) anywhere in the corpus', () => {
    const report = scanPaths([corpusDir()], { cwd: corpusDir() });
    const rules = new Map(BUILTIN_PACKS.flatMap((p) => p.rules.map((r) => [r.id, r] as const)));
    const machinery = new Map<string, Role>();
    for (const file of report.summary.files) {
      let t: Template | undefined;
      try {
        t = loadTemplate(path.join(corpusDir(), file), { explicit: true });
      } catch {
        continue;
      }
      if (!t) continue;
      const assembly = singleTemplateAssembly(t);
      const all = [...t.resources.values()].map((r) => r.type);
      for (const [id, role] of Object.entries(roles(assembly, all)))
        if (role !== 'workload' && role !== 'account-baseline') machinery.set(`${file}#${id}`, role);
    }
    expect(machinery.size).toBeGreaterThan(40);
    // several rules skip these roles, so the test shows something only if findings on them would otherwise exist
    expect([...rules.values()].filter((r) => !checksRole(r, 'machinery')).length).toBeGreaterThan(10);
    const onMachinery = report.findings.filter((f) => {
      const role = machinery.get(`${f.file}#${f.resource}`);
      return role !== undefined && !checksRole(rules.get(f.ruleId)!, role);
    });
    expect(
      onMachinery.map((f) => `${f.file} ${f.ruleId} ${f.resource} (${machinery.get(`${f.file}#${f.resource}`)})`),
    ).toEqual([]);
  });
});

describe('roles: a function that also serves the workload', () => {
  it('stays workload when a schedule or an API also invokes it, and is machinery when only a custom resource does', () => {
    const t = template(yaml`
      Resources:
        Rotate: {Type: AWS::Lambda::Function, Properties: {Runtime: python3.13, Handler: i.h, Role: r, Code: {ZipFile: x}}}
        Seed: {Type: AWS::Lambda::Function, Properties: {Runtime: python3.13, Handler: i.h, Role: r, Code: {ZipFile: x}}}
        InitialKey: {Type: Custom::Key, Properties: {ServiceToken: !GetAtt Rotate.Arn}}
        SeedData: {Type: 'AWS::CloudFormation::CustomResource', Properties: {ServiceToken: !GetAtt Seed.Arn}}
        Nightly:
          Type: AWS::Events::Rule
          Properties: {ScheduleExpression: rate(1 day), Targets: [{Id: r, Arn: !GetAtt Rotate.Arn}]}
        # a permission alone does not show a workload invoker: the invoking resource may be elsewhere
        SeedPermission: {Type: AWS::Lambda::Permission, Properties: {FunctionName: !Ref Seed, Action: 'lambda:InvokeFunction', Principal: sns.amazonaws.com}}
    `);
    expect(roles(singleTemplateAssembly(t))).toEqual({ Rotate: 'workload', Seed: 'machinery' });
  });

  it('names the account baseline: resources of a stack marked as the baseline, unless machinery', () => {
    const t = template(yaml`
      Resources:
        Remediate: {Type: AWS::Lambda::Function, Properties: {Runtime: python3.13, Handler: i.h, Role: r, Code: {ZipFile: x}}}
        Trail: {Type: AWS::CloudTrail::Trail, Properties: {IsLogging: true, S3BucketName: b}}
    `);
    const assembly = singleTemplateAssembly(t);
    const facts = new AppFacts(assembly, () => true).of(assembly.stacks[0]);
    expect([...t.resources.values()].map((r) => facts.role(r).role)).toEqual(['account-baseline', 'account-baseline']);
  });
});

describe('roles across templates', () => {
  const exporter = yaml`
    Resources:
      Provider: {Type: AWS::Lambda::Function, Properties: {FunctionName: orders-seed, Runtime: python3.13, Handler: i.h, Role: r, Code: {ZipFile: x}}}
    Outputs:
      ProviderArn: {Value: !GetAtt Provider.Arn, Export: {Name: orders-seed-arn}}
  `;
  const importer = yaml`
    Resources:
      Seed: {Type: Custom::Seed, Properties: {ServiceToken: !ImportValue orders-seed-arn}}
  `;
  const byName = yaml`
    Resources:
      Seed:
        Type: Custom::Seed
        Properties: {ServiceToken: !Sub 'arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:orders-seed'}
  `;

  it('a function another stack of the assembly names through an export or its name is machinery', () => {
    for (const other of [importer, byName]) {
      const stack = (t: Template, id: string): AssemblyStack => ({
        id,
        environment: {},
        stages: [],
        tags: {},
        template: t,
        declaredIn: { file: 'manifest.json', path: [] },
      });
      const assembly: Assembly = {
        ...loneStackAssembly(stack(template(exporter), 'A')),
        stacks: [stack(template(exporter), 'A'), stack(template(other), 'B')],
        wholeApp: true,
      };
      expect(roles(assembly)).toEqual({ Provider: 'machinery' });
    }
  });

  it('in a folder scan of lone templates, findings of rules that skip machinery are dropped for it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opslint-cross-'));
    fs.writeFileSync(path.join(dir, 'provider.yaml'), exporter);
    const alone = scanPaths([dir], { cwd: dir, selection: { rules: ['lambda-tracing', 'lambda-runtime-supported'] } });
    expect(alone.findings.map((f) => f.ruleId)).toEqual(['lambda-tracing']);
    fs.writeFileSync(path.join(dir, 'seed.yaml'), importer);
    const both = scanPaths([dir], { cwd: dir, selection: { rules: ['lambda-tracing', 'lambda-runtime-supported'] } });
    expect(both.findings).toEqual([]);
    expect(both.summary.scorecard.questions.flatMap((q) => q.bestPractices).find((b) => b.id === 'OPS04-BP05')).toEqual(
      expect.objectContaining({ failed: 0 }),
    );
  });

  it('works out the links only for a scan with a rule whose findings they take back', () => {
    const configured = (ids: string[]) => configureRules(BUILTIN_PACKS, { rules: ids });
    const links = (rules: ConfiguredRule[], options: ReportOptions = {}) =>
      evaluateAssembly(singleTemplateAssembly(template(exporter)), rules, options).machinery;
    const provider = {
      names: [],
      functions: [{ file: 'template.yaml', resource: 'Provider', keys: expect.any(Array) }],
    };
    // lambda-tracing leaves machinery alone: its findings on a function another template names are taken back
    expect(links(configured(['lambda-tracing', 's3-access-logging']))).toEqual(provider);
    // s3-access-logging checks machinery too: no finding of it is ever taken back
    expect(links(configured(['s3-access-logging']))).toBeUndefined();
    // a unit checked without some of the scan's rules (a rule the watchdog stopped) is told about the whole scan
    expect(links(configured(['s3-access-logging']), { machineryRules: true })).toEqual(provider);
  });
});

describe('roles on templates the CDK synthesized', () => {
  let synthesized: { withMetadata: Template; without: Template; assembly: string } | undefined;

  beforeAll(() => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'opslint-roles-'));
    const app = new App({ outdir, context: { 'aws:cdk:enable-path-metadata': true } });
    const stack = new Stack(app, 'Orders', { env: { account: '111111111111', region: 'eu-west-1' } });
    const handler = new lambda.Function(stack, 'Handler', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({})'),
      logRetention: logs.RetentionDays.ONE_MONTH,
    });
    handler.currentVersion.addAlias('live');
    new apigateway.LambdaRestApi(stack, 'Api', { handler });
    new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: true });
    new s3.Bucket(stack, 'Data', { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
    new cr.AwsCustomResource(stack, 'Lookup', {
      onCreate: {
        service: 'SSM',
        action: 'getParameter',
        parameters: { Name: '/orders/x' },
        physicalResourceId: cr.PhysicalResourceId.of('x'),
      },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
    });
    const onEvent = new lambda.Function(stack, 'SeedHandler', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({})'),
      timeout: Duration.seconds(30),
    });
    const provider = new cr.Provider(stack, 'SeedProvider', { onEventHandler: onEvent });
    new CustomResource(stack, 'Seed', { serviceToken: provider.serviceToken });
    const assembly = app.synth().directory;
    const file = path.join(assembly, 'Orders.template.json');
    const text = fs.readFileSync(file, 'utf8');
    const stripped = JSON.parse(text) as { Resources: Record<string, { Metadata?: unknown }> };
    for (const r of Object.values(stripped.Resources)) delete r.Metadata;
    synthesized = {
      withMetadata: templateFromText(text, 'Orders.template.json', { explicit: true })!,
      without: templateFromText(JSON.stringify(stripped), 'Orders.template.json', { explicit: true })!,
      assembly,
    };
  });

  it("knows the CDK's own functions, and the handler of a provider framework, with or without construct paths", () => {
    for (const t of [synthesized!.withMetadata, synthesized!.without]) {
      const byRole: Partial<Record<Role, string[]>> = {};
      for (const [id, role] of Object.entries(roles(singleTemplateAssembly(t))))
        (byRole[role] ??= []).push(id.replace(/[0-9A-F]{8}$/, ''));
      expect(byRole.workload).toEqual(['Handler']);
      expect(byRole.machinery).toEqual(['SeedHandler']);
      // LogRetention, the VPC's default security group, auto-deleted objects, AwsCustomResource, the provider framework
      expect(byRole['cdk-internal']).toEqual([
        'LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a',
        'CustomVpcRestrictDefaultSGCustomResourceProviderHandler',
        'CustomS3AutoDeleteObjectsCustomResourceProviderHandler',
        'AWS679f53fac002430cb0da5b7982bd2287',
        'SeedProviderframeworkonEvent',
      ]);
    }
  });

  it("gives the CDK's own resources that a cloud assembly records in its metadata the cdk-internal role", () => {
    const { assembly } = readCloudAssembly(synthesized!.assembly);
    const stack = assembly.stacks[0];
    const recorded = [...(stack.frameworkResources ?? [])];
    expect(recorded.length).toBeGreaterThan(0);
    const facts = new AppFacts(assembly).of(stack);
    expect(recorded.filter((id) => facts.role(stack.template.resources.get(id)!).role !== 'cdk-internal')).toEqual([]);
  });

  it("does not take a version or a deployment for the CDK's own, though their ids end in a hash", () => {
    const t = synthesized!.without;
    const internal = cdkInternalResources({ template: t });
    const hashed = [...t.resources.values()].filter(
      (r) => r.type === 'AWS::Lambda::Version' || r.type === 'AWS::ApiGateway::Deployment',
    );
    expect(hashed.length).toBe(2);
    for (const r of hashed) expect(internal.has(r.logicalId)).toBe(false);
  });

  it("reads nothing as the CDK's own in a template that is not synthesized", () => {
    const t = template(yaml`
      Resources:
        LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8aFD4BFC8A: {Type: AWS::Lambda::Function, Properties: {Runtime: python3.13, Handler: i.h, Role: r, Code: {ZipFile: x}}}
    `);
    expect(cdkInternalResources({ template: t }).size).toBe(0);
  });
});

describe('invokers', () => {
  it('tells synchronous, asynchronous and polling invokers apart, through aliases, SAM events and permissions', () => {
    const t = template(yaml`
      Resources:
        Fn: {Type: AWS::Serverless::Function, Properties: {Runtime: python3.13, Handler: i.h, CodeUri: s, Events: {
          Get: {Type: Api, Properties: {Path: /, Method: get}},
          Jobs: {Type: SQS, Properties: {Queue: arn:aws:sqs:eu-west-1:1:q}},
          Nightly: {Type: Schedule, Properties: {Schedule: rate(1 day)}}}}}
        Alias: {Type: AWS::Lambda::Alias, Properties: {FunctionName: !Ref Fn, FunctionVersion: '1', Name: live}}
        Topic: {Type: AWS::SNS::Topic}
        Sub: {Type: AWS::SNS::Subscription, Properties: {TopicArn: !Ref Topic, Protocol: lambda, Endpoint: !Ref Alias}}
        Url: {Type: AWS::Lambda::Url, Properties: {TargetFunctionArn: !GetAtt Fn.Arn, AuthType: NONE}}
        FromS3: {Type: AWS::Lambda::Permission, Properties: {FunctionName: !Ref Fn, Action: 'lambda:InvokeFunction', Principal: s3.amazonaws.com}}
    `);
    const assembly = singleTemplateAssembly(t);
    const facts = new AppFacts(assembly).of(assembly.stacks[0]);
    expect(facts.invokersOf(t.resources.get('Fn')!).map((i) => [i.mode, i.service, i.via])).toEqual([
      ['sync', 'apigateway', 'its Api event Get'],
      ['poll', 'event-source', 'its SQS event Jobs'],
      ['async', 'schedule', 'its Schedule event Nightly'],
      ['async', 'sns', 'SNS subscription Sub'],
      ['sync', 'function-url', 'function URL Url'],
      ['async', 's3', 'S3 (through permission FromS3)'],
    ]);
  });
});

describe('alarms', () => {
  const t = template(yaml`
    Parameters:
      Topic: {Type: String}
    Resources:
      Pages: {Type: AWS::CloudWatch::Alarm, Properties: {AlarmActions: [arn:aws:sns:eu-west-1:1:oncall]}}
      Incident: {Type: AWS::CloudWatch::Alarm, Properties: {AlarmActions: [arn:aws:ssm-incidents::1:response-plan/orders]}}
      Scales: {Type: AWS::CloudWatch::Alarm, Properties: {AlarmActions: [!Ref Policy]}}
      ScalesGroup: {Type: AWS::CloudWatch::Alarm, Properties: {AlarmActions: [!Ref GroupPolicy], OKActions: [!Ref GroupPolicy]}}
      Recovers: {Type: AWS::CloudWatch::Alarm, Properties: {AlarmActions: [!Sub 'arn:\${AWS::Partition}:automate:\${AWS::Region}:ec2:recover']}}
      Silent: {Type: AWS::CloudWatch::Alarm, Properties: {}}
      Unknown: {Type: AWS::CloudWatch::Alarm, Properties: {AlarmActions: !Ref Topic}}
      Policy: {Type: AWS::ApplicationAutoScaling::ScalingPolicy, Properties: {PolicyName: p, PolicyType: StepScaling}}
      GroupPolicy: {Type: AWS::AutoScaling::ScalingPolicy, Properties: {AutoScalingGroupName: g, PolicyType: StepScaling}}
  `);

  it('says whether an alarm alerts someone, only scales, only acts on an instance, says nothing, or cannot be known', () => {
    const responses = [...t.resourcesOfType('AWS::CloudWatch::Alarm')].map((a) => [a.logicalId, alarmResponse(a, t)]);
    expect(responses).toEqual([
      ['Pages', 'alerts'],
      ['Incident', 'alerts'],
      ['Scales', 'scales'],
      ['ScalesGroup', 'scales'],
      ['Recovers', 'acts'],
      ['Silent', 'silent'],
      ['Unknown', 'unknown'],
    ]);
  });
});

describe('what a verdict rests on', () => {
  const source = yaml`
    Parameters:
      Env: {Type: String, Default: dev}
      Given: {Type: String}
      Name: {Type: String, Default: orders}
    Conditions:
      IsProd: !Equals [!Ref Env, prod]
    Resources:
      Fn:
        Type: AWS::Lambda::Function
        Properties:
          FunctionName: !Sub '\${Name}-fn'
          TracingConfig: {Mode: !If [IsProd, Active, PassThrough]}
          Timeout: !Ref Given
  `;

  it('records a condition decided by a default, with the default, and neither when the value is given', () => {
    const t = template(source);
    const fn = t.resources.get('Fn')!;
    expect(t.resolver.track(() => t.valueAt(fn, 'Properties.TracingConfig.Mode')).assumptions).toEqual([
      { parameter: 'Env', value: 'dev' },
      { condition: 'IsProd', value: false },
    ]);
    const given = template(source, { Env: 'prod' });
    expect(
      given.resolver.track(() => given.valueAt(given.resources.get('Fn')!, 'Properties.TracingConfig.Mode'))
        .assumptions,
    ).toEqual([]);
  });

  it('does not record a default that only builds a name, a parameter without default, or what an untracked index reads', () => {
    const t = template(source);
    const fn = t.resources.get('Fn')!;
    expect(
      t.resolver.track(() => [t.valueAt(fn, 'Properties.FunctionName'), t.valueAt(fn, 'Properties.Timeout')])
        .assumptions,
    ).toEqual([]);
    expect(
      t.resolver.track(() => t.resolver.untracked(() => t.valueAt(fn, 'Properties.TracingConfig.Mode'))).assumptions,
    ).toEqual([]);
  });

  it('reports it in the finding, in its message and as data, in every output', () => {
    const file = path.resolve('fixtures/alarms/alarm-coverage/fail-alarms-under-default-condition.yaml');
    const at = scanPaths([file], { selection: { rules: ['alarm-coverage'] } });
    expect(at.findings.map((f) => [f.resource, f.assumptions])).toEqual([
      [
        'LoadBalancer',
        [
          { condition: 'HasAlertTopic', value: false },
          { parameter: 'ParentAlertStack', value: '' },
        ],
      ],
    ]);
    expect(at.findings[0].message).toMatch(
      / This verdict rests on the default ParentAlertStack='', under which condition HasAlertTopic is false; pass -p ParentAlertStack=… to check the other case\.$/,
    );
    const given = scanPaths([file], {
      selection: { rules: ['alarm-coverage'] },
      parameters: { ParentAlertStack: 'alerts' },
    });
    expect(given.findings).toEqual([]);
  });

  it('gives every finding what the index a rule shares rests on, not only the first resource checked', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opslint-memo-'));
    const file = path.join(dir, 'template.yaml');
    fs.writeFileSync(
      file,
      yaml`
      Parameters:
        Logs: {Type: String, Default: 'no', AllowedValues: ['yes', 'no']}
      Conditions:
        HasLogs: !Equals [!Ref Logs, 'yes']
      Resources:
        A: {Type: AWS::Lambda::Function, Properties: {Runtime: python3.13}}
        B: {Type: AWS::Lambda::Function, Properties: {Runtime: python3.13}}
        LogsA:
          Type: AWS::Logs::LogGroup
          Condition: HasLogs
          Properties: {LogGroupName: !Sub '/aws/lambda/\${A}', RetentionInDays: 30}
        LogsB:
          Type: AWS::Logs::LogGroup
          Condition: HasLogs
          Properties: {LogGroupName: !Sub '/aws/lambda/\${B}', RetentionInDays: 30}
    `,
    );
    const at = scanPaths([file], { selection: { rules: ['lambda-log-group'] } });
    const assumptions = [
      { condition: 'HasLogs', value: false },
      { parameter: 'Logs', value: 'no' },
    ];
    expect(at.findings.map((f) => [f.resource, f.assumptions])).toEqual([
      ['A', assumptions],
      ['B', assumptions],
    ]);
    fs.rmSync(dir, { recursive: true });
  });

  it('keeps only the defaults and conditions whose other values would change the verdict', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opslint-assume-'));
    const file = path.join(dir, 'template.yaml');
    fs.writeFileSync(
      file,
      yaml`
      Parameters:
        Env: {Type: String, Default: dev, AllowedValues: [dev, prod]}
        Mode: {Type: String, Default: PassThrough, AllowedValues: [PassThrough, Active]}
        Space: {Type: String, Default: ''}
      Conditions:
        IsProd: !Equals [!Ref Env, prod]
        IsNotProd: !Not [!Equals [!Ref Env, prod]]
        NoSpace: !Equals [!Ref Space, '']
      Resources:
        Either:
          Type: AWS::Lambda::Function
          Properties:
            MemorySize: !If [IsProd, 1024, 128]
            TracingConfig: !If [IsProd, {Mode: PassThrough}, !Ref AWS::NoValue]
        Chosen:
          Type: AWS::Lambda::Function
          Properties:
            TracingConfig: {Mode: !Ref Mode}
        Everywhere:
          Type: AWS::Lambda::Function
          Properties:
            TracingConfig: {Mode: !If [IsProd, PassThrough, !If [IsNotProd, PassThrough, Active]]}
        OnlyWithoutSpace:
          Type: AWS::Lambda::Function
          Condition: NoSpace
    `,
    );
    const at = scanPaths([file], { selection: { rules: ['lambda-tracing'] } });
    // Either is untraced whichever way IsProd goes; Chosen is traced when Mode=Active; Everywhere would be traced
    // only if IsNotProd turned false while IsProd stayed false, which no value of Env does; OnlyWithoutSpace is
    // not deployed when Space is given any value but ''
    expect(at.findings.map((f) => [f.resource, f.assumptions ?? []])).toEqual([
      ['Either', []],
      ['Chosen', [{ parameter: 'Mode', value: 'PassThrough' }]],
      ['Everywhere', []],
      [
        'OnlyWithoutSpace',
        [
          { condition: 'NoSpace', value: true },
          { parameter: 'Space', value: '' },
        ],
      ],
    ]);
    expect(at.findings[1].message).toMatch(/pass -p Mode=… to check other values\.$/);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('the APIs SAM creates implicitly', () => {
  const source = yaml`
    Transform: AWS::Serverless-2016-10-31
    Globals:
      Api:
        TracingEnabled: true
    Resources:
      Fn:
        Type: AWS::Serverless::Function
        Properties:
          Runtime: python3.13
          Handler: i.h
          CodeUri: s
          Events:
            Get: {Type: Api, Properties: {Path: /, Method: get}}
            Hook: {Type: HttpApi}
            Other: {Type: Api, Properties: {Path: /x, Method: get, RestApiId: !Ref Own}}
      Own: {Type: AWS::Serverless::Api, Properties: {StageName: v1}}
  `;

  it('are resources of the model, configured by Globals and placed at the first event that creates them', () => {
    const t = template(source);
    const rest = t.resources.get('ServerlessRestApi')!;
    expect(rest.type).toBe('AWS::Serverless::Api');
    expect(rest.properties).toEqual({ TracingEnabled: true, StageName: 'Prod' });
    expect(rest.position).toEqual({ line: 13, column: 9 });
    expect(t.locateInResource(rest, 'Properties.TracingEnabled')).toEqual({ line: 4, column: 5 });
    expect(t.documentPath(rest, 'Properties.TracingEnabled')).toEqual(['Globals', 'Api', 'TracingEnabled']);
    expect(t.documentPath(rest, [])).toEqual(['Resources', 'Fn', 'Properties', 'Events', 'Get']);
    expect(t.resources.get('ServerlessHttpApi')?.type).toBe('AWS::Serverless::HttpApi');
    expect(t.resolver.resolve({ Ref: 'ServerlessRestApi' })).toEqual({
      known: false,
      reason: 'Ref to resource ServerlessRestApi is known only after deployment',
    });
  });

  it('are not created when the template declares a resource of that logical id, or no event needs one', () => {
    expect(
      template(
        `${source}\n  ServerlessRestApi: {Type: AWS::Serverless::Api, Properties: {StageName: live}}\n`,
      ).resources.get('ServerlessRestApi')?.implicit,
    ).toBeUndefined();
    expect(
      template(source.replace(/\n\s+Get: .*\n/, '\n').replace(/\n\s+Hook: .*\n/, '\n')).resources.has(
        'ServerlessRestApi',
      ),
    ).toBe(false);
  });

  it('are created by the Api events of state machines too, which share the API and its condition with functions', () => {
    const machines = yaml`
      Transform: AWS::Serverless-2016-10-31
      Conditions:
        Never: !Equals [a, b]
      Resources:
        Flow:
          Type: AWS::Serverless::StateMachine
          Properties:
            DefinitionUri: flow.asl.json
            Events:
              Start: {Type: Api, Properties: {Path: /start, Method: post}}
        Fn:
          Type: AWS::Serverless::Function
          Condition: Never
          Properties:
            Runtime: python3.13
            Handler: i.h
            CodeUri: s
            Events:
              Get: {Type: Api, Properties: {Path: /, Method: get}}
    `;
    const t = template(machines);
    const rest = t.resources.get('ServerlessRestApi')!;
    expect([rest.condition, t.isExcluded(rest), rest.implicit?.createdBy]).toEqual([
      undefined,
      false,
      'SAM creates ServerlessRestApi for 2 Api events, the first Start of state machine Flow',
    ]);
    expect(
      template(machines.replace(/\n\s+Get: .*\n/, '\n')).resources.get('ServerlessRestApi')?.implicit?.createdBy,
    ).toBe('SAM creates ServerlessRestApi for the Api event Start of state machine Flow');
  });

  it('carry their findings at the event, with a path into Globals and a sentence on where to configure them', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opslint-implicit-'));
    fs.writeFileSync(path.join(dir, 'template.yaml'), source.replace('TracingEnabled: true', 'TracingEnabled: false'));
    const report = scanPaths([dir], { cwd: dir, selection: { rules: ['apigateway-tracing'] } });
    expect(report.findings.map((f) => [f.resource, f.path, f.line, f.fix])).toEqual([
      [
        'Own',
        'Resources.Own.Properties.TracingEnabled',
        4,
        [{ path: 'Resources.Own.Properties.TracingEnabled', value: true }],
      ],
      ['ServerlessRestApi', 'Globals.Api.TracingEnabled', 4, [{ path: 'Globals.Api.TracingEnabled', value: true }]],
    ]);
    expect(report.findings[1].message).toMatch(
      / SAM creates ServerlessRestApi for the Api event Get of function Fn; Globals\.Api configures it\.$/,
    );
  });
});
