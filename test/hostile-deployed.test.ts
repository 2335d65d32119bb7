/**
 * Issue 16, deployed stacks: a CloudFormation endpoint (`--endpoint-url`) that answers late or never, pages for
 * ever or answers without end cannot hang opslint or exhaust its memory, and a password in the endpoint's URL is
 * shown nowhere. The real AWS SDK against the local stand-in of fixtures/deployed/fake-cloudformation.ts.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type * as Sarif from 'sarif';
import type { ScanReport } from '../lib/engine/finding';
import { FORMATS } from '../lib/reporters';
import {
  startFakeCloudFormation,
  type FakeCloudFormation,
  type FakeOptions,
  type FakeStack,
} from '../fixtures/deployed/fake-cloudformation';
import { isolateAwsEnvironment, runNode } from './helpers/deployed';
import { runCli, REPO } from '../scripts/support/cli';

const REGION = 'eu-west-1';
const text = (file: string): string => readFileSync(path.join(REPO, file), 'utf8');
const json = (stdout: string): ScanReport => JSON.parse(stdout) as ScanReport;
const at = (name?: string): string => `stack://${REGION}${name === undefined ? '' : `/${name}`}`;

const orders: FakeStack = { name: 'orders', template: text('fixtures/cli/workload/orders.yaml') };
const reports: FakeStack = { name: 'reports', template: text('fixtures/cli/params/tracing.yaml') };
const platform: FakeStack = {
  name: 'platform',
  template: text('fixtures/deployed/nested/platform.yaml'),
  resources: [{ logicalId: 'AlertsTopic', type: 'AWS::SNS::Topic' }],
};
const network: FakeStack = {
  name: 'platform-network',
  template: text('fixtures/deployed/nested/network.json'),
  parent: { name: 'platform', logicalId: 'Network' },
};

isolateAwsEnvironment();

let fake: FakeCloudFormation | undefined;
async function serve(stacks: readonly FakeStack[], options: Partial<FakeOptions> = {}): Promise<FakeCloudFormation> {
  fake = await startFakeCloudFormation(stacks, { region: REGION, ...options });
  return fake;
}

const scan = (endpoint: string, ...args: string[]) =>
  runCli(['scan', '--no-config', '--format', 'json', '--endpoint-url', endpoint, '--region', REGION, ...args]);

// nothing from the SDK reaches the terminal: no warning of its own, no Node.js version notice
let quiet: jest.SpyInstance[] = [];
beforeEach(() => {
  quiet = [
    jest.spyOn(console, 'warn'),
    jest.spyOn(console, 'error'),
    jest.spyOn(console, 'log'),
    jest.spyOn(process, 'emitWarning'),
  ];
});
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  for (const spy of quiet) {
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  }
});

describe('#6 a hostile CloudFormation endpoint: no hang, no endless paging, no unbounded answer', () => {
  it.each(['nothing', 'headers'] as const)(
    'an answer that stops after %s: one line naming the stack, the endpoint and --request-timeout; the other stacks are scanned',
    async (after) => {
      const server = await serve([orders, reports], { stall: { action: 'GetTemplate', stacks: ['reports'], after } });
      const { code, stdout, stderr } = await scan(server.url, '--stack', 'orders,reports', '--request-timeout', '300');
      expect(code).toBe(2);
      const report = json(stdout);
      const message = `CloudFormation at ${server.url} did not answer GetTemplate within 300 ms (3 attempts; limit: --request-timeout)`;
      expect(report.errors).toEqual([{ file: at('reports'), message }]);
      expect(stderr).toBe(`${at('reports')}: ${message}\n`);
      expect(report.summary.files).toEqual([at('orders')]);
      // retried as a lost connection is, the attempts bounded
      expect(
        server.calls.filter((c) => c.action === 'GetTemplate' && c.params.StackName === server.arnOf('reports')),
      ).toHaveLength(3);
    },
    60_000,
  );

  it('answers that trickle for ever are stopped by --fetch-timeout; a stack not fetched by then is named too, the stacks fetched are scanned', async () => {
    const slow = { ...reports, name: 'slow' };
    const later = { ...orders, name: 'later' };
    const server = await serve([orders, reports, slow, later], {
      stall: { action: 'GetTemplate', stacks: ['reports', 'slow'], after: 'trickle' },
    });
    // two answers under way when the time is up, one stack waiting its turn
    const { code, stdout } = await scan(
      server.url,
      '--stack',
      'orders,reports,slow,later',
      '--jobs',
      '2',
      '--request-timeout',
      '60000',
      '--fetch-timeout',
      '1500',
    );
    expect(code).toBe(2);
    const report = json(stdout);
    const message = `stopped: fetching the deployed stacks from CloudFormation at ${server.url} took more than 1500 ms (limit: --fetch-timeout)`;
    expect(report.errors).toEqual([
      { file: at('later'), message },
      { file: at('reports'), message },
      { file: at('slow'), message },
    ]);
    expect(report.summary.files).toEqual([at('orders')]);
    // the stack waiting its turn was not asked for its template once the time was up
    expect(
      server.calls
        .filter((c) => c.action === 'GetTemplate')
        .map((c) => c.params.StackName)
        .sort(),
    ).toEqual(['orders', 'reports', 'slow'].map((n) => server.arnOf(n)).sort());
  }, 60_000);

  it('the opslint command ends too, in its own process: the error line on stderr, nothing else', async () => {
    const server = await serve([orders, reports], {
      stall: { action: 'GetTemplate', stacks: ['reports'], after: 'trickle' },
    });
    const args = [
      'bin/opslint.ts',
      'scan',
      '--no-config',
      '--format',
      'json',
      '--stack',
      'orders,reports',
      '--region',
      REGION,
      '--endpoint-url',
      server.url,
      '--fetch-timeout',
      '1500',
    ];
    const { code, stderr } = await runNode(args, process.env);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `${at('reports')}: stopped: fetching the deployed stacks from CloudFormation at ${server.url} took more than 1500 ms (limit: --fetch-timeout)\n`,
    );
  }, 60_000);

  it('ListStacks handing out a NextToken again: one line for the region, the stacks listed are scanned', async () => {
    const server = await serve([orders, reports], {
      pageSize: 1,
      neverEnds: { action: 'ListStacks', token: 'repeated' },
    });
    const { code, stdout } = await scan(server.url, '--all-stacks');
    expect(code).toBe(2);
    const report = json(stdout);
    expect(report.errors).toEqual([
      {
        file: at(),
        message: `cannot list the stacks: CloudFormation at ${server.url} answered ListStacks with a NextToken it had given before: its pages would never end`,
      },
    ]);
    expect(report.summary.files).toEqual([at('orders'), at('reports')]);
    expect(server.calls.filter((c) => c.action === 'ListStacks')).toHaveLength(2);
  }, 60_000);

  it('ListStacks with a new NextToken for ever: stopped after 1000 pages', async () => {
    const server = await serve([orders], { neverEnds: { action: 'ListStacks', token: 'fresh' } });
    const { code, stdout } = await scan(server.url, '--all-stacks');
    expect(code).toBe(2);
    const report = json(stdout);
    expect(report.errors).toEqual([
      {
        file: at(),
        message: `cannot list the stacks: CloudFormation at ${server.url} answered ListStacks with more than 1000 pages; opslint reads no more`,
      },
    ]);
    expect(report.summary.files).toEqual([at('orders')]);
    expect(server.calls.filter((c) => c.action === 'ListStacks')).toHaveLength(1000);
  }, 60_000);

  it.each([
    ['repeated', 'a NextToken it had given before: its pages would never end', 2],
    ['fresh', 'more than 1000 pages; opslint reads no more', 1000],
  ] as const)(
    'ListStackResources with a %s NextToken for ever: the stack is one line, the others are scanned',
    async (token, said, pages) => {
      const server = await serve([platform, network, orders], {
        pageSize: 1,
        neverEnds: { action: 'ListStackResources', token },
      });
      const { code, stdout } = await scan(server.url, '--stack', 'platform,orders');
      expect(code).toBe(2);
      const report = json(stdout);
      expect(report.errors).toEqual([
        { file: at('platform'), message: `CloudFormation at ${server.url} answered ListStackResources with ${said}` },
      ]);
      expect(report.summary.files).toEqual([at('orders')]);
      expect(server.calls.filter((c) => c.action === 'ListStackResources')).toHaveLength(pages);
    },
    60_000,
  );

  it.each([
    ['without a Content-Length', false],
    ['with a Content-Length', true],
  ])(
    '--max-file-size bounds a GetTemplate answer streamed %s: dropped at the limit, not retried',
    async (_shape, contentLength) => {
      const bytes = 64 * 1024 * 1024;
      const server = await serve([orders, reports], {
        oversize: { action: 'GetTemplate', stacks: ['reports'], bytes, contentLength },
      });
      const { code, stdout } = await scan(server.url, '--stack', 'orders,reports', '--max-file-size', '64KB');
      expect(code).toBe(2);
      const report = json(stdout);
      // the size is known beforehand only when the answer says it
      const declared = Number(/ is (\d+) bytes, /.exec(report.errors[0]?.message ?? '')?.[1]);
      if (contentLength) expect(declared).toBeGreaterThan(bytes);
      const size = contentLength ? `${declared} bytes, ` : '';
      expect(report.errors).toEqual([
        {
          file: at('reports'),
          message: `the answer of CloudFormation at ${server.url} to GetTemplate is ${size}more than 65536 bytes (limit: --max-file-size, limits.maxFileSize)`,
        },
      ]);
      expect(report.summary.files).toEqual([at('orders')]);
      expect(
        server.calls.filter((c) => c.action === 'GetTemplate' && c.params.StackName === server.arnOf('reports')),
      ).toHaveLength(1);
      // the connection was dropped: far from all of it was sent
      expect(server.streamed).toBeLessThan(bytes / 2);
    },
    60_000,
  );

  it.each([
    [
      'nested deeper than the SDK parser can follow',
      '<a>'.repeat(200_000) + '</a>'.repeat(200_000),
      'Maximum call stack size exceeded',
    ],
    ['that is not XML', '<html><body>proxy error</body>', '@aws-sdk XML parse error: missing closing tag </html>'],
  ])(
    'an answer %s: one line naming the stack and the endpoint',
    async (_shape, body, why) => {
      const server = await serve([orders, reports], { raw: { action: 'GetTemplate', stacks: ['reports'], body } });
      const { code, stdout } = await scan(server.url, '--stack', 'orders,reports');
      expect(code).toBe(2);
      const report = json(stdout);
      expect(report.errors).toEqual([
        {
          file: at('reports'),
          message: `cloudformation:GetTemplate failed: the answer of CloudFormation at ${server.url} cannot be read (${why})`,
        },
      ]);
      expect(report.summary.files).toEqual([at('orders')]);
    },
    60_000,
  );

  it('many calls under way at once, all bound to the one deadline: no warning from Node.js', async () => {
    const stacks = Array.from({ length: 16 }, (_, i) => ({ ...orders, name: `orders-${i}` }));
    const server = await serve(stacks, { delayMs: 200 });
    const args = [
      'bin/opslint.ts',
      'scan',
      '--no-config',
      '--format',
      'json',
      '--all-stacks',
      '--region',
      REGION,
      '--endpoint-url',
      server.url,
      '--jobs',
      '16',
    ];
    const { stdout, stderr } = await runNode(args, process.env);
    expect(stderr).toBe('');
    expect(json(stdout).summary.files).toHaveLength(16);
    expect(server.maxInFlight).toBe(16);
  }, 60_000);

  it('the timeouts are whole numbers of milliseconds, and only for deployed stacks', async () => {
    expect(await runCli(['scan', '--stack', 'orders', '--request-timeout', '0'])).toMatchObject({
      code: 2,
      stderr: 'opslint: --request-timeout must be a whole number of milliseconds, not "0"\n',
    });
    expect(await runCli(['scan', '--stack', 'orders', '--fetch-timeout', '1.5'])).toMatchObject({
      code: 2,
      stderr: 'opslint: --fetch-timeout must be a whole number of milliseconds, not "1.5"\n',
    });
    expect(await runCli(['scan', 'fixtures/cli/workload/orders.yaml', '--fetch-timeout', '1000'])).toMatchObject({
      code: 2,
      stderr: 'opslint: --fetch-timeout is for deployed stacks: add --stack NAME or --all-stacks\n',
    });
  });
});

describe('#22 a password in --endpoint-url is shown in no report and no message', () => {
  const PASSWORD = 's3cret-Pa55';
  const withPassword = (url: string): string => url.replace('http://', `http://opslint:${PASSWORD}@`);
  const redacted = (url: string): string => url.replace('http://', 'http://***@');

  it('an endpoint that cannot be reached: every format names it without its user information', async () => {
    const server = await serve([]);
    await server.close();
    fake = undefined;
    process.env.AWS_MAX_ATTEMPTS = '1';
    const outputs: Record<string, string> = {};
    for (const format of FORMATS) {
      const { code, stdout, stderr } = await runCli([
        'scan',
        '--no-config',
        '--format',
        format,
        '--endpoint-url',
        withPassword(server.url),
        '--region',
        REGION,
        '--stack',
        'orders',
      ]);
      expect(code).toBe(2);
      expect(stdout + stderr).not.toContain(PASSWORD);
      expect(stdout + stderr).not.toContain('opslint:');
      outputs[format] = stdout;
    }
    const message = `cannot reach CloudFormation at ${redacted(server.url)} (connect ECONNREFUSED ${server.url.slice('http://'.length)})`;
    expect(json(outputs.json).errors).toEqual([{ file: at('orders'), message }]);
    expect(outputs.text).toContain(`Input errors\n  error  ${at('orders')}: ${message}\n`);
    const sarif = JSON.parse(outputs.sarif) as Sarif.Log;
    expect(sarif.runs[0].invocations![0].toolExecutionNotifications![0].message.text).toBe(message);
  });

  it('an endpoint that answers: the scan works, and the messages of its limits hide the password too', async () => {
    const server = await serve([orders, reports], {
      stall: { action: 'GetTemplate', stacks: ['reports'], after: 'nothing' },
    });
    const { stdout, stderr } = await scan(
      withPassword(server.url),
      '--stack',
      'orders,reports',
      '--request-timeout',
      '200',
    );
    expect(stdout + stderr).not.toContain(PASSWORD);
    const report = json(stdout);
    expect(report.summary.files).toEqual([at('orders')]);
    expect(report.errors).toEqual([
      {
        file: at('reports'),
        message: `CloudFormation at ${redacted(server.url)} did not answer GetTemplate within 200 ms (3 attempts; limit: --request-timeout)`,
      },
    ]);
  }, 60_000);

  it('a usage error about the endpoint', async () => {
    const { code, stderr } = await runCli([
      'scan',
      '--stack',
      'orders',
      '--endpoint-url',
      `ftp://admin:${PASSWORD}@cloudformation.internal/`,
    ]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'opslint: --endpoint-url must be an http:// or https:// URL, not "ftp://***@cloudformation.internal/"\n',
    );
  });
});
