/**
 * The cloud assembly reader (lib/assembly/read.ts) over cdk.out folders synthesized by aws-cdk-lib and
 * trimmed: stacks, stack names, environments, Stages, nested stacks, input errors, display paths; and one
 * scan end to end, so that findings carry the stack and the construct path.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { isCloudAssembly, parseEnvironment, readCloudAssembly } from '../lib/assembly/read';
import type { Stack } from '../lib/assembly/model';
import { InputError } from '../lib/template/errors';
import { scanPaths } from '../lib/compose';
import { toDisplayPath } from '../lib/scan';
import { FIXTURES } from './helpers/fixtures';

const ROOT = path.resolve(__dirname, '..');
const ENVIRONMENTS = path.join(FIXTURES, 'environments');
const display = (p: string): string => toDisplayPath(p, ROOT);
const shown = (...parts: string[]): string => ['fixtures', 'environments', ...parts].join('/');

function read(...parts: string[]) {
  return readCloudAssembly(path.join(ENVIRONMENTS, ...parts), {}, display);
}

function byId(stacks: readonly Stack[], id: string): Stack {
  const stack = stacks.find((s) => s.id === id);
  if (!stack) throw new Error(`no stack ${id} in ${stacks.map((s) => s.id).join(', ')}`);
  return stack;
}

describe('readCloudAssembly', () => {
  it('reads the stacks of each Stage with their names, environments and construct paths', () => {
    const { assembly, errors } = read('multiple-environments', 'pass-two-stages');
    expect(errors).toEqual([]);
    expect(assembly).toMatchObject({ wholeApp: true, allEnvironments: true, scope: 'this cloud assembly' });
    expect(assembly.file).toBe(shown('multiple-environments', 'pass-two-stages', 'manifest.json'));
    expect(assembly.locate(undefined, []).file).toBe(assembly.file);
    expect(assembly.stacks.map((s) => s.id)).toEqual(['DevOrders83D4F3FB', 'ProdOrders525171E2']);

    const prod = byId(assembly.stacks, 'ProdOrders525171E2');
    expect(prod).toMatchObject({
      stackName: 'Prod-Orders',
      constructPath: 'Prod/Orders',
      environment: { account: '222222222222', region: 'eu-west-1' },
      stages: ['Prod'],
      tags: {},
      terminationProtection: true,
    });
    expect(prod.parent).toBeUndefined();
    // declared in the Stage's own manifest, shown relative to the working directory
    expect(prod.declaredIn?.file).toBe(
      shown('multiple-environments', 'pass-two-stages', 'assembly-Prod', 'manifest.json'),
    );
    expect(prod.declaredIn?.path).toEqual(['artifacts', 'ProdOrders525171E2']);
    expect(prod.template.file).toBe(
      shown('multiple-environments', 'pass-two-stages', 'assembly-Prod', 'ProdOrders525171E2.template.json'),
    );
    expect([...prod.template.resources.keys()]).toEqual(['Alerts91F83244']);
    expect(prod.template.resources.get('Alerts91F83244')?.constructPath).toBe('Prod/Orders/Alerts/Resource');

    const dev = byId(assembly.stacks, 'DevOrders83D4F3FB');
    expect(dev).toMatchObject({
      stackName: 'Dev-Orders',
      stages: ['Dev'],
      terminationProtection: false,
      environment: { account: '111111111111' },
    });
  });

  it('gives the stack environment to the template as pseudo parameters', () => {
    const prod = byId(read('multiple-environments', 'pass-two-stages').assembly.stacks, 'ProdOrders525171E2');
    expect(prod.template.resolver.resolve({ Ref: 'AWS::Region' })).toEqual({ known: true, value: 'eu-west-1' });
    expect(prod.template.resolver.resolve({ Ref: 'AWS::AccountId' })).toEqual({ known: true, value: '222222222222' });
    expect(prod.template.resolver.resolve({ Ref: 'AWS::StackName' })).toEqual({ known: true, value: 'Prod-Orders' });
    // an environment-agnostic stack leaves them unknown
    const agnostic = byId(read('multiple-environments', 'fail-agnostic-stack').assembly.stacks, 'Orders');
    expect(agnostic.template.resolver.resolve({ Ref: 'AWS::AccountId' }).known).toBe(false);
  });

  it('follows Stages nested in Stages, keeping the whole Stage path', () => {
    const { assembly, errors } = read('multiple-environments', 'pass-nested-stages');
    expect(errors).toEqual([]);
    expect(assembly.stacks.map((s) => [s.id, s.stackName, s.constructPath, s.stages])).toEqual([
      ['PipelineProdOrders098486EE', 'Pipeline-Prod-Orders', 'Pipeline/Prod/Orders', ['Pipeline', 'Prod']],
      ['PipelineStagingOrders7DCAFA69', 'Pipeline-Staging-Orders', 'Pipeline/Staging/Orders', ['Pipeline', 'Staging']],
    ]);
    expect(byId(assembly.stacks, 'PipelineProdOrders098486EE').declaredIn?.file).toBe(
      shown(
        'multiple-environments',
        'pass-nested-stages',
        'assembly-Pipeline',
        'assembly-Pipeline-Prod',
        'manifest.json',
      ),
    );
  });

  it('reads app-level stacks: the stack name defaults to the id, tags and partial environments are kept', () => {
    const tagged = read('production-account-isolation', 'fail-tagged-stacks').assembly.stacks;
    expect(tagged.map((s) => s.id)).toEqual(['Orders', 'OrdersTest']);
    expect(byId(tagged, 'Orders')).toMatchObject({
      stackName: 'Orders',
      constructPath: 'Orders',
      stages: [],
      tags: { Environment: 'production' },
    });
    expect(byId(tagged, 'OrdersTest').environment).toEqual({ account: '111111111111', region: 'us-east-1' });

    const named = byId(read('production-account-region', 'fail-stack-name').assembly.stacks, 'Orders');
    expect(named.stackName).toBe('orders-prd');
    expect(named.environment).toEqual({ account: undefined, region: undefined });

    // env: { account: Aws.ACCOUNT_ID } is a token: CDK writes unknown-account
    const token = byId(read('production-account-region', 'fail-token-account').assembly.stacks, 'OrdersProd');
    expect(token.environment).toEqual({ account: undefined, region: 'eu-west-1' });
  });

  it('reads nested stacks from the parent template, with their parent, template and construct path', () => {
    const { assembly, errors } = read('multiple-environments', 'fail-nested-stack');
    expect(errors).toEqual([]);
    const nestedId = 'Orders/StorageNestedStackStorageNestedStackResource9807768E';
    expect(assembly.stacks.map((s) => s.id)).toEqual(['Orders', nestedId]);
    const parent = byId(assembly.stacks, 'Orders');
    const nested = byId(assembly.stacks, nestedId);
    expect(parent.parent).toBeUndefined();
    expect(nested.parent).toBe('Orders');
    expect(nested.constructPath).toBe('Orders/Storage');
    expect(nested.template.file).toBe(
      shown('multiple-environments', 'fail-nested-stack', 'OrdersStorage7D12151B.nested.template.json'),
    );
    expect(nested.template.resources.get('Data666C94C7')).toMatchObject({
      type: 'AWS::S3::Bucket',
      constructPath: 'Orders/Storage/Data/Resource',
    });
    // it deploys with its parent: same environment, same Stages, same declaration in the manifest
    expect(nested.environment).toEqual(parent.environment);
    expect(nested.stages).toEqual(parent.stages);
    expect(nested.declaredIn?.path).toEqual(['artifacts', 'Orders']);
    // a nested stack's name is made by CloudFormation: AWS::StackName is not the parent's
    expect(nested.template.resolver.resolve({ Ref: 'AWS::StackName' }).known).toBe(false);
    expect(nested.template.resolver.resolve({ Ref: 'AWS::Region' })).toEqual({ known: true, value: 'eu-west-1' });
  });

  it('reports a missing template, a malformed artifact and a malformed Stage manifest, and reads the rest', () => {
    const { assembly, errors } = read('_assembly-samples', 'partial');
    expect(assembly.stacks.map((s) => [s.id, s.stackName, s.stages])).toEqual([
      ['Good', 'good-stack', []],
      ['DevOrders83D4F3FB', 'Dev-Orders', ['Dev']],
    ]);
    expect(errors.every((e) => e instanceof InputError)).toBe(true);
    const lines = errors.map((e) => e.format()).sort();
    expect(lines).toEqual([
      expect.stringMatching(
        /^fixtures\/environments\/_assembly-samples\/partial\/Missing\.template\.json: cannot read file: no such file or directory$/,
      ),
      expect.stringMatching(
        /^fixtures\/environments\/_assembly-samples\/partial\/assembly-Broken\/manifest\.json:\d+:\d+: invalid JSON: /,
      ),
      'fixtures/environments/_assembly-samples/partial/manifest.json:21:5: invalid cloud assembly manifest: artifact NoTemplate is malformed',
    ]);
  });

  it('throws an InputError when the top manifest cannot be read', () => {
    let thrown: unknown;
    try {
      read('_assembly-samples', 'bad-manifest');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).format()).toBe(
      'fixtures/environments/_assembly-samples/bad-manifest/manifest.json:1:1: invalid cloud assembly manifest: expected an object with "artifacts"',
    );
    expect(() => read('_assembly-samples')).toThrow(/cannot read file: no such file or directory/);
  });

  it('gives each construct the line of app code that created it, unless read as the app output (as the plugin reads)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'opslint-assembly-'));
    try {
      writeFileSync(
        path.join(dir, 'App.template.json'),
        JSON.stringify({ Resources: { Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: {} } } }),
      );
      const metadata = {
        '/App/Alarm/Resource': [
          { type: 'aws:cdk:logicalId', data: 'Alarm' },
          { type: 'aws:cdk:creationStack', data: ['...aws-cdk-lib...', 'new App (/src/lib/app.ts:12:5)'] },
        ],
      };
      writeFileSync(
        path.join(dir, 'manifest.json'),
        JSON.stringify({
          version: '36.0.0',
          artifacts: {
            App: {
              type: 'aws:cloudformation:stack',
              displayName: 'App',
              properties: { templateFile: 'App.template.json' },
              metadata,
            },
          },
        }),
      );
      const alarm = (ownOutput: boolean) =>
        readCloudAssembly(dir, { ownOutput }).assembly.stacks[0].constructs?.get('Alarm');
      expect(alarm(false)).toEqual({ path: 'App/Alarm/Resource', source: '/src/lib/app.ts:12:5' });
      expect(alarm(true)).toEqual({ path: 'App/Alarm/Resource' });
      // the app wrote its own output: its files are read as named, no symbolic link resolved to refuse one
      const fs = require('node:fs') as typeof import('node:fs');
      const resolved = jest.spyOn(fs.realpathSync, 'native');
      try {
        expect(readCloudAssembly(dir, { ownOutput: true }).assembly.stacks).toHaveLength(1);
        expect(resolved).not.toHaveBeenCalled();
        readCloudAssembly(dir);
        expect(resolved).toHaveBeenCalled();
      } finally {
        resolved.mockRestore();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('recognises a cloud assembly folder by its manifest.json', () => {
    expect(isCloudAssembly(path.join(ENVIRONMENTS, 'multiple-environments', 'pass-two-stages'))).toBe(true);
    expect(isCloudAssembly(path.join(ENVIRONMENTS, 'multiple-environments'))).toBe(false);
  });
});

describe('parseEnvironment', () => {
  it.each([
    ['aws://123456789012/eu-west-1', { account: '123456789012', region: 'eu-west-1' }],
    ['aws://unknown-account/unknown-region', { account: undefined, region: undefined }],
    ['aws://unknown-account/us-east-1', { account: undefined, region: 'us-east-1' }],
    ['aws://123456789012/unknown-region', { account: '123456789012', region: undefined }],
    ['aws://${AWS::AccountId}/${AWS::Region}', { account: undefined, region: undefined }],
    ['aws:///eu-west-1', { account: undefined, region: 'eu-west-1' }],
  ])('%s', (uri, expected) => {
    expect(parseEnvironment(uri)).toEqual(expected);
  });

  it.each([[undefined], [42], ['123456789012/eu-west-1'], ['']])('%p is no environment', (value) => {
    expect(parseEnvironment(value)).toEqual({});
  });
});

describe('scanning a cloud assembly end to end', () => {
  it('gives resource findings the stack name and the construct path from aws:cdk:path', () => {
    const report = scanPaths(['fixtures/environments/_assembly-samples/lambda'], {
      cwd: ROOT,
      selection: { rules: ['lambda-tracing'] },
    });
    expect(report.errors).toEqual([]);
    expect(report.summary.templates).toBe(1);
    expect(report.findings).toEqual([
      expect.objectContaining({
        ruleId: 'lambda-tracing',
        file: 'fixtures/environments/_assembly-samples/lambda/assembly-Dev/DevApi52A53550.template.json',
        resource: 'Handler886CB40B',
        path: 'Resources.Handler886CB40B.Properties.TracingConfig.Mode',
        stack: 'Dev-Api',
        constructPath: 'Dev/Api/Handler/Resource',
      }),
    ]);
  });

  it('locates app-level findings in the top manifest and stack findings in the manifest that declares the stack', () => {
    const app = scanPaths(['fixtures/environments/_assembly-samples/lambda/manifest.json'], {
      cwd: ROOT,
      selection: { rules: ['multiple-environments'] },
    });
    expect(app.findings).toHaveLength(1);
    expect(app.findings[0]).toMatchObject({
      file: 'fixtures/environments/_assembly-samples/lambda/manifest.json',
      line: 3,
      path: 'artifacts',
      resource: '',
    });
    expect(app.findings[0].stack).toBeUndefined();

    const stack = scanPaths([shown('production-account-region', 'fail-agnostic-prod-stage')], {
      cwd: ROOT,
      selection: { rules: ['production-account-region'] },
    });
    expect(stack.findings).toEqual([
      expect.objectContaining({
        file: shown('production-account-region', 'fail-agnostic-prod-stage', 'assembly-Prod', 'manifest.json'),
        line: 6,
        column: 7,
        path: 'artifacts.ProdOrders525171E2.environment',
        stack: 'Prod-Orders',
      }),
    ]);
  });

  it('reports what cannot be read and still scans the other stacks', () => {
    const report = scanPaths(['fixtures/environments/_assembly-samples/partial'], {
      cwd: ROOT,
      selection: { rules: ['multiple-environments'] },
    });
    expect(report.errors.map((e) => e.file)).toEqual([
      'fixtures/environments/_assembly-samples/partial/Missing.template.json',
      'fixtures/environments/_assembly-samples/partial/assembly-Broken/manifest.json',
      'fixtures/environments/_assembly-samples/partial/manifest.json',
    ]);
    expect(report.summary.templates).toBe(2);
    // Good (aws://111111111111/eu-west-1) and Stage Dev are two environments
    expect(report.findings).toEqual([]);
  });
});
