/**
 * `opslint scan --stack` / `--all-stacks`: the real @aws-sdk/client-cloudformation against a local stand-in
 * for CloudFormation on 127.0.0.1 (fixtures/deployed/fake-cloudformation.ts: the query protocol, XML
 * responses and errors, paging, throttling). Deployed stacks give the findings the same templates give on
 * disk, located at `stack://<region>/<name>` with lines in the template text as served; a stack that cannot
 * be read is one line naming it, and the others are still reported.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type * as Sarif from 'sarif';
import { BUILTIN_PACKS } from '../rules';
import type { Finding, ScanReport } from '../lib/engine/finding';
import { isAssemblyRule } from '../lib/engine/rule';
import { deployedAssembly } from '../lib/sources/deployed';
import { ACTIVE_STATUSES, type DeployedStack } from '../lib/sources/cloudformation';
import {
  ACCOUNT,
  startFakeCloudFormation,
  type FakeCloudFormation,
  type FakeOptions,
  type FakeStack,
} from '../fixtures/deployed/fake-cloudformation';
import { isolateAwsEnvironment, runNode } from './helpers/deployed';
import { runCli, REPO } from '../scripts/support/cli';
import { validateSarif } from '../scripts/support/sarif';

const REGION = 'eu-west-1';
const ORDERS = 'fixtures/cli/workload/orders.yaml';
const REPORTS = 'fixtures/cli/params/tracing.yaml';
const PLATFORM = 'fixtures/deployed/nested/platform.yaml';
const NETWORK = 'fixtures/deployed/nested/network.json';
const SAM = 'fixtures/deployed/sam/original.yaml';
const SAM_PROCESSED = 'fixtures/deployed/sam/processed.json';
const CDK_OUT = 'fixtures/environments/multiple-environments/fail-nested-stack';

const text = (file: string): string => readFileSync(path.join(REPO, file), 'utf8');
const json = (stdout: string): ScanReport => JSON.parse(stdout) as ScanReport;

const orders: FakeStack = { name: 'orders', template: text(ORDERS) };
const reports: FakeStack = {
  name: 'reports',
  template: text(REPORTS),
  parameters: [{ key: 'TracingMode', value: 'Active' }],
};
const platform: FakeStack = {
  name: 'platform',
  template: text(PLATFORM),
  parameters: [{ key: 'AlertsEmail', value: '****' }],
  notificationArns: [`arn:aws:sns:${REGION}:${ACCOUNT}:ops-alerts`],
  resources: [
    {
      logicalId: 'AlertsTopic',
      type: 'AWS::SNS::Topic',
      physicalId: `arn:aws:sns:${REGION}:${ACCOUNT}:platform-AlertsTopic`,
    },
    { logicalId: 'QueueDepthAlarm', type: 'AWS::CloudWatch::Alarm', physicalId: 'platform-QueueDepthAlarm' },
  ],
};
const network: FakeStack = {
  name: 'platform-network',
  template: text(NETWORK),
  parent: { name: 'platform', logicalId: 'Network' },
};

/** Rules judged on one resource at a time, without context: their findings must not depend on where a template comes from. */
const RESOURCE_RULES = new Set(
  BUILTIN_PACKS.flatMap((p) => p.rules)
    .filter((r) => !isAssemblyRule(r) && r.context === undefined)
    .map((r) => r.id),
);

/** Per template, what a finding says and where in the template it is: everything but the file. */
function byTemplate(
  report: ScanReport,
  keep: (f: Finding) => boolean = (f) => RESOURCE_RULES.has(f.ruleId),
): Record<string, unknown[][]> {
  const out: Record<string, unknown[][]> = {};
  for (const f of report.findings.filter(keep))
    (out[f.file] ??= []).push([f.ruleId, f.severity, f.resource, f.path, f.message, f.line, f.column]);
  for (const rows of Object.values(out)) rows.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return out;
}

/** The same findings under other names: the files on disk renamed to the stacks they were deployed as. */
function renamed(table: Record<string, unknown[][]>, names: Record<string, string>): Record<string, unknown[][]> {
  return Object.fromEntries(Object.entries(table).map(([file, rows]) => [names[file] ?? file, rows]));
}

const at = (name: string): string => `stack://${REGION}/${name}`;

let fake: FakeCloudFormation | undefined;
async function serve(stacks: readonly FakeStack[], options: Partial<FakeOptions> = {}): Promise<FakeCloudFormation> {
  fake = await startFakeCloudFormation(stacks, { region: REGION, ...options });
  return fake;
}

function scanDeployed(server: FakeCloudFormation, ...args: string[]) {
  return runCli(['scan', '--no-config', '--format', 'json', '--endpoint-url', server.url, ...args]);
}

const onDisk = async (...args: string[]): Promise<ScanReport> =>
  json((await runCli(['scan', '--no-config', '--format', 'json', ...args])).stdout);

const aws = isolateAwsEnvironment();

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('opslint scan --stack: the findings of the same templates on disk', () => {
  it('one stack: same findings at the same lines, in stack://region/name, with stack, account and region', async () => {
    const server = await serve([orders]);
    const warnings = jest.spyOn(process, 'emitWarning');
    const { code, stdout, stderr } = await scanDeployed(server, '--stack', 'orders', '--region', REGION);
    const deployed = json(stdout);
    expect(deployed.errors).toEqual([]);
    expect(code).toBe(1); // the alarm without actions is an error
    expect(stderr).toBe('');
    expect(byTemplate(deployed)).toEqual(renamed(byTemplate(await onDisk(ORDERS)), { [ORDERS]: at('orders') }));
    expect(byTemplate(deployed)[at('orders')].map((r) => r[0])).toEqual(
      expect.arrayContaining(['alarm-actions', 'lambda-tracing', 'vpc-flow-logs']),
    );
    for (const f of deployed.findings.filter((x) => x.file === at('orders'))) {
      expect(f).toMatchObject({ stack: 'orders', environment: `aws://${ACCOUNT}/${REGION}` });
    }
    expect(deployed.summary.files).toEqual([at('orders')]);
    // the real SDK: signed with the credentials of the environment, for the region asked for
    expect(server.calls.map((c) => [c.action, c.accessKey, c.region, c.status])).toEqual([
      ['DescribeStacks', 'AKIAOPSLINTTEST00001', REGION, 200],
      ['GetTemplate', 'AKIAOPSLINTTEST00001', REGION, 200],
    ]);
    expect(server.calls[1].params).toMatchObject({ StackName: server.arnOf('orders'), TemplateStage: 'Original' });
    // the SDK's Node.js support warning is kept out of opslint's output
    expect(warnings.mock.calls.filter(([w]) => String(w).includes('NodeVersionSupportWarning'))).toEqual([]);
    warnings.mockRestore();
  });

  it('several stacks, by name and by ARN: deployed parameter values resolve Ref, as --parameters does on disk', async () => {
    const server = await serve([orders, { ...reports, tags: { Owner: 'team-reports' } }]);
    const { code, stdout } = await scanDeployed(
      server,
      '--stack',
      'orders',
      '--stack',
      server.arnOf('reports'),
      '--region',
      REGION,
    );
    expect(code).toBe(1);
    const deployed = json(stdout);
    const disk = await onDisk(ORDERS, REPORTS, '-p', 'TracingMode=Active');
    expect(byTemplate(deployed)).toEqual(
      renamed(byTemplate(disk), { [ORDERS]: at('orders'), [REPORTS]: at('reports') }),
    );
    // without the deployed value, the default (PassThrough) would fail lambda-tracing
    expect((await onDisk(REPORTS)).findings.some((f) => f.ruleId === 'lambda-tracing')).toBe(true);
    expect(deployed.findings.some((f) => f.ruleId === 'lambda-tracing' && f.file === at('reports'))).toBe(false);
    // stack properties as described: the owner tag of reports counts, orders has none
    const owner = deployed.findings.filter((f) => f.ruleId === 'stack-owner-tag');
    expect(owner.map((f) => [f.file, f.severity, f.stack, f.message])).toEqual([
      [
        at('orders'),
        'warning',
        'orders',
        'Stack orders has no owner tag (Owner, Team, OwnerTeam, OwnerEmail); tag the stack so that every resource in it names the team that runs it.',
      ],
    ]);
  });

  it('all stacks across pages: active stacks only, a nested stack once, the same findings as the files', async () => {
    const stacks: FakeStack[] = [
      orders,
      reports,
      platform,
      network,
      { name: 'old', template: text(ORDERS), status: 'DELETE_COMPLETE' },
      { name: 'pending', template: text(ORDERS), status: 'REVIEW_IN_PROGRESS' },
    ];
    const server = await serve(stacks, { pageSize: 1 });
    const { code, stdout } = await scanDeployed(server, '--all-stacks', '--region', REGION, '--jobs', '3');
    expect(code).toBe(1);
    const deployed = json(stdout);
    expect(deployed.errors).toEqual([]);
    const disk = await onDisk(ORDERS, REPORTS, PLATFORM, NETWORK, '-p', 'TracingMode=Active');
    const nestedName = /stack:\/\/eu-west-1\/(platform-Network-\w+)/.exec(deployed.summary.files.join(' '))![1];
    expect(byTemplate(deployed)).toEqual(
      renamed(byTemplate(disk), {
        [ORDERS]: at('orders'),
        [REPORTS]: at('reports'),
        [PLATFORM]: at('platform'),
        [NETWORK]: at(nestedName),
      }),
    );
    expect(deployed.summary.files).toEqual([at('orders'), at('platform'), at(nestedName), at('reports')]);
    // app-level findings are about the stacks scanned, located at the region
    expect(deployed.findings.find((f) => f.ruleId === 'cloudtrail-present')).toMatchObject({
      file: `stack://${REGION}`,
      line: 1,
      message: expect.stringMatching(/^No CloudTrail trail in any of the 3 stacks scanned; /) as string,
    });
    // ListStacks: page by page, asking for the active statuses
    const lists = server.calls.filter((c) => c.action === 'ListStacks');
    expect(lists.map((c) => c.params.NextToken === undefined)).toEqual([true, false, false, false]); // 4 active stacks, 1 a page
    const filter = Object.entries(lists[0].params)
      .filter(([k]) => k.startsWith('StackStatusFilter.member.'))
      .map(([, v]) => v);
    expect(filter).toEqual(ACTIVE_STATUSES);
    expect(filter).not.toEqual(expect.arrayContaining(['DELETE_COMPLETE']));
    // the nested stack is listed too, but its template is fetched once, through its parent
    const templates = server.calls
      .filter((c) => c.action === 'GetTemplate')
      .map((c) => c.params.StackName)
      .sort();
    expect(templates).toEqual(['orders', 'platform', 'platform-network', 'reports'].map((n) => server.arnOf(n)).sort());
  });

  it('nested stacks: followed through ListStackResources (paged), attributed to the parent, lines in their own template', async () => {
    const server = await serve([platform, network], { pageSize: 1 });
    const { stdout } = await scanDeployed(server, '--stack', 'platform', '--region', REGION);
    const deployed = json(stdout);
    const nested = deployed.findings.filter((f) => f.file.startsWith(at('platform-Network-')));
    expect(nested.length).toBeGreaterThan(0);
    for (const f of nested) expect(f).toMatchObject({ stack: 'platform', environment: `aws://${ACCOUNT}/${REGION}` });
    const disk = await onDisk(PLATFORM, NETWORK);
    expect(byTemplate(deployed)).toEqual(
      renamed(byTemplate(disk), { [PLATFORM]: at('platform'), [NETWORK]: nested[0].file }),
    );
    expect(
      server.calls
        .filter((c) => c.action === 'ListStackResources')
        .map((c) => [c.params.StackName, c.params.NextToken !== undefined]),
    ).toEqual([
      [server.arnOf('platform'), false],
      [server.arnOf('platform'), true],
      [server.arnOf('platform'), true],
    ]);
    // a line of the nested template, as served: the key of the VPC in network.json
    const vpc = nested.find((f) => f.ruleId === 'vpc-flow-logs')!;
    const lines = text(NETWORK).split('\n');
    expect(lines[vpc.line - 1].slice(vpc.column - 1)).toMatch(/^"Vpc": \{/);
  });

  it('a nested stack named beside its parent: scanned once, through the parent', async () => {
    const server = await serve([platform, network]);
    const child = server.arnOf('platform-network');
    const childName = child.split('/')[1];
    for (const order of [
      [childName, 'platform'],
      ['platform', child],
    ]) {
      server.calls.length = 0;
      const report = json((await scanDeployed(server, '--stack', order.join(','), '--region', REGION)).stdout);
      expect(report.errors).toEqual([]);
      expect(report.summary.files).toEqual([at('platform'), at(childName)]);
      expect(new Set(report.findings.map((f) => f.stack))).toEqual(new Set(['platform']));
      expect(
        server.calls
          .filter((c) => c.action === 'GetTemplate')
          .map((c) => c.params.StackName)
          .sort(),
      ).toEqual([server.arnOf('platform'), child].sort());
    }
  });

  it('a deployed CDK app with a nested stack: the findings of its cloud assembly', async () => {
    const dir = path.join(REPO, CDK_OUT);
    const cdkParent: FakeStack = {
      name: 'Orders',
      template: readFileSync(path.join(dir, 'Orders.template.json'), 'utf8'),
      region: 'eu-west-1',
      account: '111111111111',
    };
    const cdkNested: FakeStack = {
      name: 'Orders-storage',
      template: readFileSync(path.join(dir, 'OrdersStorage7D12151B.nested.template.json'), 'utf8'),
      region: 'eu-west-1',
      account: '111111111111',
      parent: { name: 'Orders', logicalId: 'StorageNestedStackStorageNestedStackResource9807768E' },
    };
    const server = await serve([cdkParent, cdkNested]);
    const deployed = json((await scanDeployed(server, '--stack', 'Orders', '--region', REGION)).stdout);
    const assembly = await onDisk(CDK_OUT);
    // what a finding says and about which construct; the cloud assembly's multiple-environments finding
    // has no deployed counterpart (one account's stacks cannot show the app's other environments), and only the
    // cloud assembly knows the construct path of a stack itself
    const said = (r: ScanReport) =>
      r.findings
        .filter((f) => f.ruleId !== 'multiple-environments')
        .map((f) => [
          f.ruleId,
          f.severity,
          f.resource,
          f.stack,
          f.environment,
          f.resource ? f.constructPath : undefined,
          f.message,
        ])
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(said(deployed)).toEqual(said(assembly));
    expect(said(deployed).length).toBeGreaterThan(0);
    expect(assembly.findings.some((f) => f.ruleId === 'multiple-environments')).toBe(true);
  });

  it('--jobs bounds the calls made at the same time', async () => {
    const stacks = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => ({ ...orders, name: `orders-${n}` }));
    // answers held long enough that calls made together overlap
    let server = await serve(stacks, { delayMs: 250 });
    const two = json((await scanDeployed(server, '--all-stacks', '--region', REGION, '--jobs', '2')).stdout);
    expect(two.summary.files).toHaveLength(6);
    expect(server.maxInFlight).toBe(2);
    await server.close();
    server = fake = await serve(stacks, { delayMs: 250 });
    const four = json((await scanDeployed(server, '--all-stacks', '--region', REGION, '--jobs', '4')).stdout);
    expect(byTemplate(four)).toEqual(byTemplate(two));
    expect(server.maxInFlight).toBe(4);
  });

  it('--template-stage processed scans the expanded SAM template, lines in its text as served', async () => {
    const server = await serve([{ name: 'thumbnails', template: text(SAM), processed: text(SAM_PROCESSED) }]);
    const original = json((await scanDeployed(server, '--stack', 'thumbnails', '--region', REGION)).stdout);
    expect(byTemplate(original)).toEqual(renamed(byTemplate(await onDisk(SAM)), { [SAM]: at('thumbnails') }));
    const processed = json(
      (await scanDeployed(server, '--stack', 'thumbnails', '--region', REGION, '--template-stage', 'processed')).stdout,
    );
    expect(byTemplate(processed)).toEqual(
      renamed(byTemplate(await onDisk(SAM_PROCESSED)), { [SAM_PROCESSED]: at('thumbnails') }),
    );
    expect(processed.findings.find((f) => f.ruleId === 'lambda-tracing')).toMatchObject({
      path: 'Resources.ThumbnailFunction.Properties.TracingConfig.Mode',
      line: 7,
    });
    expect(server.calls.filter((c) => c.action === 'GetTemplate').map((c) => c.params.TemplateStage)).toEqual([
      'Original',
      'Processed',
    ]);
  });
});

describe('opslint scan --stack: stacks that cannot be read', () => {
  it('names a missing stack in one line, reports the others, and exits 2', async () => {
    const server = await serve([orders, reports]);
    const { code, stdout, stderr } = await scanDeployed(
      server,
      '--stack',
      'orders',
      '--stack',
      'missing',
      '--stack',
      'reports',
      '--region',
      REGION,
    );
    expect(code).toBe(2);
    const report = json(stdout);
    expect(report.errors).toEqual([{ file: at('missing'), message: 'stack not found' }]);
    expect(stderr).toBe(`${at('missing')}: stack not found\n`);
    expect(report.summary.files).toEqual([at('orders'), at('reports')]);
    expect(report.findings.some((f) => f.file === at('orders') && f.ruleId === 'lambda-tracing')).toBe(true);
    // the text report too
    const textOut = (
      await runCli([
        'scan',
        '--no-config',
        '--endpoint-url',
        server.url,
        '--stack',
        'missing,orders',
        '--region',
        REGION,
      ])
    ).stdout;
    expect(textOut).toContain(`Input errors\n  error  ${at('missing')}: stack not found\n`);
    expect(textOut).toContain(`${at('orders')}  stack orders, aws://${ACCOUNT}/${REGION}\n`);
  });

  it('access denied: names the stack and the permission', async () => {
    const server = await serve([orders, reports], { deny: [{ action: 'GetTemplate', stack: 'reports' }] });
    const { code, stdout } = await scanDeployed(server, '--stack', 'orders,reports', '--region', REGION);
    expect(code).toBe(2);
    const report = json(stdout);
    expect(report.errors).toEqual([
      {
        file: at('reports'),
        message: `access denied: cloudformation:GetTemplate is not allowed (User: arn:aws:iam::${ACCOUNT}:user/ci is not authorized to perform: cloudformation:GetTemplate on resource: ${server.arnOf('reports')})`,
      },
    ]);
    expect(report.summary.files).toEqual([at('orders')]);
  });

  it('access denied to ListStacks: one line for the region', async () => {
    const server = await serve([orders], { deny: [{ action: 'ListStacks' }] });
    const { code, stdout } = await scanDeployed(server, '--all-stacks', '--region', REGION);
    expect(code).toBe(2);
    expect(json(stdout).errors).toEqual([
      {
        file: `stack://${REGION}`,
        message: expect.stringMatching(
          /^cannot list the stacks: access denied: cloudformation:ListStacks is not allowed \(/,
        ) as string,
      },
    ]);
  });

  it('throttling: retried by the SDK; when the attempts run out, one line naming the stack', async () => {
    let server = await serve([orders], { throttle: { times: 2 } });
    let result = await scanDeployed(server, '--stack', 'orders', '--region', REGION);
    expect(json(result.stdout).errors).toEqual([]);
    expect(server.calls.map((c) => [c.action, c.status])).toEqual([
      ['DescribeStacks', 400],
      ['DescribeStacks', 400],
      ['DescribeStacks', 200],
      ['GetTemplate', 200],
    ]);
    await server.close();

    process.env.AWS_MAX_ATTEMPTS = '2';
    server = fake = await serve([orders, reports], { throttle: { times: 2, action: 'GetTemplate' } });
    result = await scanDeployed(server, '--stack', 'orders', '--region', REGION, '--jobs', '1');
    expect(result.code).toBe(2);
    expect(json(result.stdout).errors).toEqual([
      {
        file: at('orders'),
        message:
          'cloudformation:GetTemplate was throttled (Throttling: Rate exceeded) and failed after 2 attempts; lower --jobs, or allow more attempts with AWS_MAX_ATTEMPTS',
      },
    ]);
  });

  it('no credentials: each stack named, nothing sent', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    const server = await serve([orders, reports]);
    const { code, stdout, stderr } = await scanDeployed(
      server,
      '--stack',
      'orders',
      '--stack',
      'reports',
      '--region',
      REGION,
    );
    expect(code).toBe(2);
    const message =
      'no AWS credentials (Could not load credentials from any providers); configure them (aws configure, aws sso login, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) or pass --profile';
    expect(json(stdout).errors).toEqual([
      { file: at('orders'), message },
      { file: at('reports'), message },
    ]);
    expect(stderr.split('\n').filter(Boolean)).toHaveLength(2);
    expect(server.calls).toEqual([]);
  });

  it('credentials and region from a profile of the shared files (--profile)', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    writeFileSync(path.join(aws.dir, 'config'), `[profile audit]\nregion = ${REGION}\n`);
    writeFileSync(
      path.join(aws.dir, 'credentials'),
      '[audit]\naws_access_key_id = AKIAOPSLINTPROFILE01\naws_secret_access_key = profile-secret\n',
    );
    const server = await serve([orders]);
    const { stdout } = await scanDeployed(server, '--stack', 'orders', '--profile', 'audit');
    expect(json(stdout).errors).toEqual([]);
    expect(server.calls.map((c) => [c.accessKey, c.region])).toEqual([
      ['AKIAOPSLINTPROFILE01', REGION],
      ['AKIAOPSLINTPROFILE01', REGION],
    ]);
    const unknown = json(
      (await scanDeployed(server, '--stack', 'orders', '--profile', 'nobody', '--region', REGION)).stdout,
    );
    expect(unknown.errors).toEqual([
      { file: at('orders'), message: expect.stringMatching(/^no AWS credentials for profile nobody \(/) as string },
    ]);
  });

  it('--profile wins over access keys in the environment, as with the AWS CLI, and the SDK warns of nothing', async () => {
    // AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY stay set (isolateAwsEnvironment)
    writeFileSync(
      path.join(aws.dir, 'credentials'),
      '[audit]\naws_access_key_id = AKIAOPSLINTPROFILE01\naws_secret_access_key = profile-secret\n',
    );
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const server = await serve([orders]);
      const { stdout, stderr } = await scanDeployed(
        server,
        '--stack',
        'orders',
        '--profile',
        'audit',
        '--region',
        REGION,
      );
      expect(json(stdout).errors).toEqual([]);
      expect(stderr).toBe('');
      expect(new Set(server.calls.map((c) => c.accessKey))).toEqual(new Set(['AKIAOPSLINTPROFILE01']));
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('no region: names the stack; a stack given by ARN takes the region of its ARN', async () => {
    const server = await serve([orders, reports]);
    const { code, stdout } = await scanDeployed(server, '--stack', 'orders', '--stack', server.arnOf('reports'));
    expect(code).toBe(2);
    const report = json(stdout);
    expect(report.errors).toEqual([
      {
        file: 'stack://unknown-region/orders',
        message: 'no AWS region: pass --region, set AWS_REGION, or set a region in the AWS profile',
      },
    ]);
    expect(report.summary.files).toEqual([at('reports')]);
    // AWS_REGION is the chain's
    process.env.AWS_REGION = REGION;
    expect(json((await scanDeployed(server, '--stack', 'orders')).stdout).errors).toEqual([]);
  });

  it('an endpoint that does not answer: one line naming the stack and the endpoint', async () => {
    const server = await serve([]);
    await server.close();
    fake = undefined;
    process.env.AWS_MAX_ATTEMPTS = '1';
    const { code, stdout } = await scanDeployed(server, '--stack', 'orders', '--region', REGION);
    expect(code).toBe(2);
    expect(json(stdout).errors).toEqual([
      {
        file: at('orders'),
        message: `cannot reach CloudFormation at ${server.url} (connect ECONNREFUSED ${server.url.slice('http://'.length)})`,
      },
    ]);
    expect(server.calls).toEqual([]);
  });

  it('usage errors: AWS options without stacks, a bad --jobs or --endpoint-url', async () => {
    expect(await runCli(['scan', ORDERS, '--region', REGION])).toMatchObject({
      code: 2,
      stderr: 'opslint: --region is for deployed stacks: add --stack NAME or --all-stacks\n',
    });
    expect(await runCli(['scan', '--stack', 'orders', '--jobs', '0'])).toMatchObject({
      code: 2,
      stderr: 'opslint: --jobs must be a whole number of 1 or more, not "0"\n',
    });
    expect(await runCli(['scan', '--stack', 'orders', '--endpoint-url', 'localhost:4566'])).toMatchObject({
      code: 2,
      stderr: 'opslint: --endpoint-url must be an http:// or https:// URL, not "localhost:4566"\n',
    });
  });
});

describe('deployed stacks in the reports', () => {
  it('SARIF: valid, with the stack:// artifact and a logical location for every result', async () => {
    const server = await serve([orders, platform, network]);
    const { stdout } = await runCli([
      'scan',
      '--no-config',
      '--format',
      'sarif',
      '--endpoint-url',
      server.url,
      '--stack',
      'orders,platform,missing',
      '--region',
      REGION,
    ]);
    const log = JSON.parse(stdout) as Sarif.Log;
    expect(validateSarif(log)).toBe(true);
    const results = log.runs[0].results!;
    for (const r of results) {
      const uri = r.locations![0].physicalLocation!.artifactLocation!;
      expect(uri.uriBaseId).toBeUndefined();
      expect(uri.uri).toMatch(/^stack:\/\/eu-west-1(\/[\w-]+)?$/);
      expect(new URL(uri.uri!)).toMatchObject({ protocol: 'stack:', host: REGION });
      expect(r.locations![0].logicalLocations).toHaveLength(1);
    }
    const tracing = results.find(
      (r) => r.ruleId === 'lambda-tracing' && r.locations![0].physicalLocation!.artifactLocation!.uri === at('orders'),
    )!;
    expect(tracing.locations![0].logicalLocations![0]).toEqual({
      fullyQualifiedName: 'orders/OrdersFunction',
      kind: 'resource',
    });
    expect(tracing.properties).toMatchObject({ stack: 'orders' });
    const untagged = results.find((r) => r.ruleId === 'stack-owner-tag' && r.properties?.stack === 'platform')!;
    expect(untagged.locations![0].logicalLocations![0]).toEqual({ fullyQualifiedName: 'platform', kind: 'module' });
    expect(log.runs[0].invocations![0].toolExecutionNotifications).toEqual([
      {
        level: 'error',
        message: { text: 'stack not found' },
        locations: [
          { physicalLocation: { artifactLocation: { uri: at('missing') }, region: { startLine: 1, startColumn: 1 } } },
        ],
      },
    ]);
  });

  it('GitHub annotations: no file property, the stack:// location in the message', async () => {
    const server = await serve([orders]);
    const { stdout } = await runCli([
      'scan',
      '--no-config',
      '--format',
      'github',
      '--endpoint-url',
      server.url,
      '--stack',
      'orders,missing',
      '--region',
      REGION,
    ]);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe(`::error title=opslint%3A input error::${at('missing')}: stack not found`);
    expect(lines).toContain(
      `::warning title=lambda-tracing (OPS04-BP05)::${at('orders')}:12:5: Lambda function OrdersFunction does not send traces to X-Ray; set TracingConfig.Mode to Active.`,
    );
    expect(lines.every((l) => !l.includes('file='))).toBe(true);
  });

  it('a baseline written from deployed stacks hides the same findings next time', async () => {
    const server = await serve([orders]);
    const dir = mkdtempSync(path.join(tmpdir(), 'opslint-baseline-'));
    const baseline = path.join(dir, 'baseline.json');
    await runCli([
      'scan',
      '--no-config',
      '--endpoint-url',
      server.url,
      '--stack',
      'orders',
      '--region',
      REGION,
      '--write-baseline',
      baseline,
    ]);
    const again = json(
      (await scanDeployed(server, '--stack', 'orders', '--region', REGION, '--baseline', baseline)).stdout,
    );
    expect(again.findings).toEqual([]);
    expect(again.summary.baseline?.known).toBeGreaterThan(0);
  });
});

describe('deployed stacks as an assembly', () => {
  const deployed = (over: Partial<DeployedStack>): DeployedStack => ({
    arn: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/platform/1`,
    name: 'platform',
    region: REGION,
    account: ACCOUNT,
    templateBody: text(PLATFORM),
    parameters: {},
    hiddenParameters: [],
    tags: {},
    notificationArns: [],
    nested: [],
    ...over,
  });

  it("a NoEcho parameter is unknown, not its default; AWS::NotificationARNs is the stack's topics; pseudo parameters are the stack's", () => {
    const { assembly } = deployedAssembly(
      [deployed({ hiddenParameters: ['AlertsEmail'], notificationArns: ['arn:aws:sns:eu-west-1:123456789012:ops'] })],
      REGION,
      {
        parameters: { AlertsEmail: 'from-the-command-line' },
      },
    );
    const template = assembly!.stacks[0].template;
    // a value given with --parameters still counts: the stack does not show its own
    expect(template.resolver.resolve({ Ref: 'AlertsEmail' })).toEqual({ known: true, value: 'from-the-command-line' });
    const hidden = deployedAssembly([deployed({ hiddenParameters: ['AlertsEmail'] })], REGION).assembly!.stacks[0]
      .template;
    expect(hidden.resolver.resolve({ Ref: 'AlertsEmail' })).toEqual({
      known: false,
      reason: 'parameter AlertsEmail is NoEcho: its deployed value is not shown',
    });
    expect(template.resolver.resolve({ Ref: 'AWS::NotificationARNs' })).toEqual({
      known: true,
      value: ['arn:aws:sns:eu-west-1:123456789012:ops'],
    });
    expect(template.resolver.resolve({ 'Fn::Sub': '${AWS::StackName} in ${AWS::AccountId}/${AWS::Region}' })).toEqual({
      known: true,
      value: `platform in ${ACCOUNT}/${REGION}`,
    });
    expect(assembly).toMatchObject({
      file: `stack://${REGION}`,
      wholeApp: true,
      allEnvironments: false,
      scope: 'the stacks scanned',
    });
  });

  it("an alarm whose actions are the stack's notification topics: none deployed is a finding", async () => {
    const server = await serve([{ ...platform, notificationArns: [] }]);
    const report = json((await scanDeployed(server, '--stack', 'platform', '--region', REGION)).stdout);
    expect(report.findings.filter((f) => f.ruleId === 'alarm-actions').map((f) => f.resource)).toEqual([
      'QueueDepthAlarm',
    ]);
  });

  it('a production stack without termination protection is found from what DescribeStacks says', async () => {
    const server = await serve([
      { ...orders, name: 'orders-prod' },
      { ...reports, name: 'reports-prod', terminationProtection: true },
    ]);
    const report = json((await scanDeployed(server, '--stack', 'orders-prod,reports-prod', '--region', REGION)).stdout);
    expect(report.findings.filter((f) => f.ruleId === 'production-termination-protection').map((f) => f.stack)).toEqual(
      ['orders-prod'],
    );
    expect(report.findings.some((f) => f.ruleId === 'multiple-environments')).toBe(false);
  });
});

describe('as a user runs it', () => {
  it('the opslint command: findings on stdout, nothing from the SDK on stderr, and no SDK loaded for files', async () => {
    const server = await serve([orders]);
    const env = { ...process.env, NO_COLOR: '1' };
    const result = await runNode(
      ['bin/opslint.ts', 'scan', '--no-config', '--stack', 'orders', '--region', REGION, '--endpoint-url', server.url],
      env,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${at('orders')}  stack orders, aws://${ACCOUNT}/${REGION}\n`);
    expect(result.stdout).toMatch(/^ {2}12:5 +warning +Lambda function OrdersFunction does not send traces to X-Ray/m);
    // scanning files does not load the SDK
    const probe =
      "const { main } = require('./lib/cli'); const io = { stdout() {}, stderr() {}, cwd: process.cwd(), env: {}, isTTY: false };" +
      `main(['scan', '--no-config', '${ORDERS}'], io).then(() => process.stdout.write(String(Object.keys(require.cache).some((k) => k.includes('@aws-sdk')))));`;
    expect((await runNode(['-e', probe], env)).stdout).toBe('false');
  }, 60000);
});
