/**
 * The three CDK integrations (`OpsChecks`, `OpsAspect`, `OpsNagPack`) together: the CDK's own resources left
 * alone, the three agreeing on one app with Stages and a nested stack, and edge cases.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { OpsAspect, OpsChecks } from '../lib/cdk';
import { OpsNagPack } from '../lib/cdk/nag';
import { readCloudAssembly } from '../lib/assembly/read';
import {
  DEV,
  WORKLOAD_PACKS,
  newApp,
  type Synthesized,
  synth,
  rows,
  pairs,
  cfn,
  annotated,
  fnProps,
  stagedApp,
  workloadFindings,
  setUpCdkTests,
} from './helpers/cdk-apps';

setUpCdkTests();

describe("the CDK's own resources", () => {
  let app: App;
  let mine: lambda.Function;
  let result: Synthesized;
  beforeAll(() => {
    app = newApp({ context: { '@aws-cdk/aws-ec2:restrictDefaultSecurityGroup': true } });
    const stack = new Stack(app, 'Service', { env: DEV });
    new ec2.Vpc(stack, 'Vpc', {
      maxAzs: 1,
      natGateways: 0,
      subnetConfiguration: [{ name: 'app', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    mine = new lambda.Function(stack, 'Mine', { ...fnProps, logRetention: logs.RetentionDays.ONE_WEEK });
    new cr.AwsCustomResource(stack, 'Lookup', {
      onCreate: {
        service: 'SSM',
        action: 'getParameter',
        parameters: { Name: '/orders/endpoint' },
        physicalResourceId: cr.PhysicalResourceId.of('endpoint'),
      },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
    });
    Validations.of(app).addPlugins(new OpsChecks({ failOn: 'none', packs: WORKLOAD_PACKS }));
    OpsAspect.applyTo(app, { failOn: 'none', packs: WORKLOAD_PACKS });
    result = synth(app);
  });

  it('are recognised in the cloud assembly: every Lambda function but the user one', () => {
    const { assembly } = readCloudAssembly(app.outdir);
    const stack = assembly.stacks.find((s) => s.constructPath === 'Service')!;
    const functions = stack.template.resourcesOfType('AWS::Lambda::Function').map((r) => r.logicalId);
    const paths = functions.map((id) => stack.constructs?.get(id)?.path).sort();
    expect(paths).toEqual([
      expect.stringMatching(/^Service\/AWS679f53fac002430cb0da5b7982bd2287\//),
      expect.stringMatching(/^Service\/Custom::VpcRestrictDefaultSGCustomResourceProvider\//),
      expect.stringMatching(/^Service\/LogRetention[0-9a-f]{32}\//),
      'Service/Mine/Resource',
    ]);
    expect(functions.filter((id) => !stack.frameworkResources?.has(id))).toEqual([cfn(mine).logicalId]);
  });

  it('get no OpsChecks finding, while the user function does', () => {
    expect(result.error).toBeUndefined();
    expect(pairs(rows(result.report).filter((r) => r.logicalId !== undefined))).toEqual([
      'alarm-coverage Service/Mine/Resource',
      'lambda-tracing Service/Mine/Resource',
      'vpc-flow-logs Service/Vpc/Resource',
    ]);
  });

  it('get no finding from any rule of the catalogue', () => {
    const { assembly } = readCloudAssembly(app.outdir);
    const stack = assembly.stacks.find((s) => s.constructPath === 'Service')!;
    const artifact = result.assembly!.getStackArtifact('Service');
    const report = new OpsChecks({ failOn: 'none' }).validate({
      templatePaths: [artifact.templateFullPath],
      stackTemplates: [
        {
          stackConstructPath: 'Service',
          templatePath: artifact.templateFullPath,
          accountId: DEV.account,
          region: DEV.region,
        },
      ],
      appConstruct: app,
    });
    const found = report.violations.flatMap((v) =>
      v.violatingResources.filter((r) => r.resourceLogicalId).map((r) => `${v.ruleName} ${r.resourceLogicalId}`),
    );
    expect(found).toContain(`lambda-tracing ${cfn(mine).logicalId}`);
    expect(found.filter((f) => stack.frameworkResources?.has(f.split(' ')[1]))).toEqual([]);
  });

  it('get no OpsAspect annotation, while the user function does', () => {
    expect(annotated(result.assembly!.getStackArtifact('Service').messages)).toEqual([
      'warning alarm-coverage /Service/Mine/Resource',
      'warning lambda-tracing /Service/Mine/Resource',
      'warning vpc-flow-logs /Service/Vpc/Resource',
    ]);
  });
});

describe('OpsChecks, OpsAspect and OpsNagPack agree', () => {
  it('report the same resource findings, with the same severities, on one app with Stages and a nested stack', () => {
    const { app } = stagedApp();
    const shared = new Stack(app, 'Shared', { env: DEV });
    new lambda.Function(shared, 'Fn', fnProps);
    Validations.of(app).addPlugins(
      new OpsChecks({ packs: WORKLOAD_PACKS }),
      new OpsNagPack(app, { packs: WORKLOAD_PACKS }),
    );
    OpsAspect.applyTo(app, { packs: WORKLOAD_PACKS });
    const result = synth(app);
    expect(result.error?.message).toContain('has no AlarmActions');

    const severity = (rule: string): string => (rule === 'alarm-actions' ? 'error' : 'warning');
    const expected = [
      ...workloadFindings('Dev/Api'),
      ...workloadFindings('Prod/Api', true),
      'alarm-coverage Shared/Fn/Resource',
      'lambda-tracing Shared/Fn/Resource',
    ]
      .map((p) => `${p} ${severity(p.split(' ')[0])}`)
      .sort();
    const triples = (list: readonly { rule: string; path: string; severity: string }[]): string[] =>
      list.map((r) => `${r.rule} ${r.path} ${r.severity}`).sort();

    const checks = rows(result.report).filter((r) => r.logicalId !== undefined);
    expect(triples(checks)).toEqual(expected);

    const nag = rows(result.report, 'opslint-nag');
    expect(nag.every((r) => r.rule.startsWith('Ops-'))).toBe(true);
    expect(triples(nag.filter((r) => r.path !== '').map((r) => ({ ...r, rule: r.rule.slice('Ops-'.length) })))).toEqual(
      expected,
    );

    // synthesis failed, so the annotations are read from the cloud assembly on disk
    const stacks = new CloudAssembly(app.outdir).stacksRecursively;
    const aspect = stacks
      .flatMap((s) => annotated(s.messages))
      .map((a) => {
        const [level, rule, at] = a.split(' ');
        return { rule, path: at.replace(/^\//, ''), severity: level };
      });
    expect(triples(aspect)).toEqual(expected);

    // app-level rules run only in the plugins
    expect(pairs(rows(result.report).filter((r) => r.logicalId === undefined))).toEqual([
      'cloudtrail-present ',
      'findings-in-stages ',
    ]);
    expect(pairs(nag.filter((r) => r.path === ''))).toEqual(['Ops-cloudtrail-present ', 'Ops-findings-in-stages ']);
  });
});

describe('edge cases', () => {
  it('reads a stack with no resources (CDK writes only Parameters and Rules) instead of skipping it', () => {
    const app = newApp();
    const empty = new Stack(app, 'Empty');
    const service = new Stack(app, 'Service');
    new lambda.Function(service, 'Handler', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler=async()=>({})'),
    });
    Validations.of(app).addPlugins(new OpsChecks({ failOn: 'none' }));
    const result = synth(app);
    const { assembly, errors } = readCloudAssembly(app.outdir);
    expect(errors).toEqual([]);
    expect(assembly.stacks.map((s) => [s.stackName, s.template.resources.size > 0])).toEqual([
      [empty.stackName, false],
      [service.stackName, true],
    ]);
    expect(rows(result.report).filter((r) => r.rule === 'unreadable-template')).toEqual([]);
    expect(rows(result.report).map((r) => r.rule)).toContain('lambda-tracing');
  });

  it('OpsAspect keeps a warning whose acknowledgement gives no proper reason (CDK would hide it)', () => {
    const app = newApp();
    const stack = new Stack(app, 'Service');
    const fn = new lambda.Function(stack, 'Handler', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler=async()=>({})'),
    });
    Validations.of(fn).acknowledge({ id: 'opslint::lambda-tracing', reason: 'todo' });
    OpsAspect.applyTo(app, { rules: ['lambda-tracing'] });
    synth(app);
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/Service/Handler/Resource', Match.stringLikeRegexp('does not send traces to X-Ray'));
    annotations.hasError('/Service/Handler', Match.stringLikeRegexp('needs a reason of at least 10 characters'));
  });
});
