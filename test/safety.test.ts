/**
 * What a scan may and may not do with what it reads. It opens no network connection (only deployed stacks
 * are fetched); it reads no file that a template, its Metadata or a cloud assembly names outside the
 * assembly, and writes none; it loads rule code only from the configuration or the command line; it never
 * runs template content as code. And a third-party rule that fails is reported as an internal error, without
 * stopping the scan, with exit code 2.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ScanReport } from '../lib/engine/finding';
import { REPO, runCli } from '../scripts/support/cli';
import { corpusDir } from '../scripts/support/corpus';
import { yaml } from './helpers/yaml';

let ws: string;

beforeAll(() => {
  ws = mkdtempSync(path.join(tmpdir(), 'opslint-safety-'));
});

afterAll(() => rmSync(ws, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(ws, name)), { recursive: true });
    writeFileSync(path.join(ws, name), text);
  }
}

describe('no network access', () => {
  /** The command line in a process of its own, with every network call blocked and logged. */
  function runBlocked(
    name: string,
    args: string[],
    env: Record<string, string> = {},
  ): { code: number | null; stdout: string; stderr: string; network: string[] } {
    const log = path.join(ws, `${name}.network.log`);
    const result = spawnSync(
      process.execPath,
      [
        '--require',
        path.join(__dirname, 'helpers/no-network.js'),
        '--require',
        require.resolve('ts-node/register/transpile-only'),
        path.join(REPO, 'bin/opslint.ts'),
        ...args,
      ],
      {
        cwd: REPO,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: ws,
          OPSLINT_NETWORK_LOG: log,
          TS_NODE_PROJECT: path.join(REPO, 'tsconfig.json'),
          ...env,
        },
        encoding: 'utf8',
        maxBuffer: 512 * 1024 * 1024,
      },
    );
    return {
      code: result.status,
      stdout: result.stdout,
      stderr: result.stderr,
      network: existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [],
    };
  }

  it('a scan of the corpus, the fixtures and the examples opens no socket and looks up no name', () => {
    // on the main thread, where the guard is installed
    const { code, stdout, network } = runBlocked('scan', [
      'scan',
      corpusDir(),
      'fixtures',
      'examples/templates',
      '--format',
      'json',
      '--no-config',
      '--jobs',
      '1',
    ]);
    expect(network).toEqual([]);
    const report = JSON.parse(stdout) as ScanReport;
    expect(report.summary.templates).toBeGreaterThan(800);
    // the corpus holds a few broken templates
    expect(report.errors.length).toBeGreaterThan(0);
    expect(code).toBe(2);
  }, 600_000);

  it('the guard sees the calls a scan of deployed stacks makes', () => {
    const { code, stderr, network } = runBlocked(
      'deployed',
      ['scan', '--stack', 'orders', '--region', 'eu-west-1', '--endpoint-url', 'http://127.0.0.1:9', '--no-config'],
      {
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'example',
        AWS_MAX_ATTEMPTS: '1',
      },
    );
    expect(network.length).toBeGreaterThan(0);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(code).toBe(2);
  }, 300_000);
});

describe('paths named in templates, Metadata and cloud assemblies', () => {
  const fs = require('node:fs') as typeof import('node:fs');
  const READS = [
    'openSync',
    'readFileSync',
    'statSync',
    'lstatSync',
    'existsSync',
    'readdirSync',
    'accessSync',
    'opendirSync',
    'realpathSync',
    'createReadStream',
  ] as const;
  const WRITES = [
    'writeFileSync',
    'appendFileSync',
    'mkdirSync',
    'rmSync',
    'unlinkSync',
    'renameSync',
    'copyFileSync',
    'createWriteStream',
    'symlinkSync',
    'truncateSync',
  ] as const;

  it('are never read, written or loaded', async () => {
    const elsewhere = path.join(ws, 'elsewhere');
    const marker = path.join(ws, 'MARKER');
    write({
      // runs if anything requires it
      'elsewhere/trap.js': `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'required');\nmodule.exports = { id: 'trap', rules: [] };\n`,
      'elsewhere/secret.yaml': 'Resources:\n  Secret:\n    Type: AWS::SNS::Topic\n',
      'elsewhere/secret.template.json': '{"Resources": {"Secret": {"Type": "AWS::SNS::Topic"}}}',
      'elsewhere/nested.template.json': '{"Resources": {"Secret": {"Type": "AWS::SNS::Topic"}}}',
      'elsewhere/meta.json': '{}',
      'elsewhere/manifest.json': '{"artifacts": {}}',
      // found in the scanned folder, not above the working directory: not this scan's configuration
      'scan/opslint.config.yaml': 'packs: [../elsewhere/trap.js]\n',
      'scan/template.yaml': yaml`
        Transform: [AWS::Serverless-2016-10-31, ../elsewhere/trap.js]
        Metadata:
          opslint:
            packs: [../elsewhere/trap.js, ${elsewhere}/trap.js]
          cfn-lint: {config: {append_rules: [../elsewhere/trap.js]}}
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Metadata:
              aws:asset:path: ../elsewhere/trap.js
              opslint:
                suppress: [{id: lambda-tracing, reason: the reason is in ../elsewhere/secret.yaml}]
            Properties:
              CodeUri: ../elsewhere/trap.js
              Handler: trap.handler
              Runtime: nodejs20.x
              Layers: [../elsewhere]
          Api:
            Type: AWS::Serverless::Api
            Properties:
              StageName: prod
              DefinitionUri: ${elsewhere}/secret.yaml
              DefinitionBody:
                Fn::Transform: {Name: AWS::Include, Parameters: {Location: ../elsewhere/secret.yaml}}
          Nested:
            Type: AWS::CloudFormation::Stack
            Metadata: {aws:asset:path: ../elsewhere/nested.template.json}
            Properties: {TemplateURL: ../elsewhere/nested.template.json}
          App:
            Type: AWS::Serverless::Application
            Properties: {Location: ../elsewhere/nested.template.json}
          Instance:
            Type: AWS::EC2::Instance
            Metadata:
              AWS::CloudFormation::Init:
                config:
                  files: {/etc/motd: {source: 'file://${elsewhere}/secret.yaml'}}
            Properties:
              ImageId: ami-12345678
              UserData: !Base64 {"Fn::Sub": "\${require('fs').writeFileSync('${marker}', 'sub')}"}
      `,
      'scan/cdk.out/manifest.json': JSON.stringify(
        {
          version: '36.0.0',
          artifacts: {
            Inside: {
              type: 'aws:cloudformation:stack',
              environment: 'aws://unknown-account/unknown-region',
              properties: { templateFile: 'Inside.template.json' },
              additionalMetadataFile: '../../elsewhere/meta.json',
            },
            Outside: {
              type: 'aws:cloudformation:stack',
              environment: 'aws://unknown-account/unknown-region',
              properties: { templateFile: '../../elsewhere/secret.template.json' },
            },
            Stage: { type: 'cdk:cloud-assembly', properties: { directoryName: '../../elsewhere' } },
          },
        },
        null,
        2,
      ),
      'scan/cdk.out/Inside.template.json': JSON.stringify(
        {
          Resources: {
            Child: {
              Type: 'AWS::CloudFormation::Stack',
              Metadata: { 'aws:asset:path': '../../elsewhere/nested.template.json' },
              Properties: { TemplateURL: 'https://example.com/child.json' },
            },
            Queue: { Type: 'AWS::SQS::Queue' },
          },
        },
        null,
        2,
      ),
    });

    // the same scan once before the spies: the modules it loads on demand are loaded then, and jest's writes of
    // their compiled code to its cache (on a cold cache) are not taken for the scan's
    await runCli(['scan', 'scan', '--format', 'json', '--jobs', '1'], { cwd: ws });
    const spies = new Map([...READS, ...WRITES].map((name) => [name as string, jest.spyOn(fs, name)]));
    const calls = new Map<string, string[]>();
    let result;
    try {
      result = await runCli(['scan', 'scan', '--format', 'json', '--jobs', '1'], { cwd: ws });
    } finally {
      for (const [name, spy] of spies) {
        calls.set(
          name,
          spy.mock.calls.map((c) => String(c[0])),
        );
        spy.mockRestore();
      }
    }
    const callsOf = (names: readonly string[]): string[] => names.flatMap((name) => calls.get(name)!);
    const touched = callsOf(READS)
      .filter((p) => !/^\d+$/.test(p))
      .map((p) => path.resolve(ws, p));
    expect(touched.filter((p) => p === elsewhere || p.startsWith(`${elsewhere}${path.sep}`))).toEqual([]);
    // the scan read the templates (it did look at files)
    expect(touched).toContain(path.join(ws, 'scan', 'template.yaml'));
    expect(callsOf(WRITES)).toEqual([]);
    expect(existsSync(marker)).toBe(false);
    expect(Object.keys(require.cache).filter((k) => k.startsWith(elsewhere))).toEqual([]);

    const report = JSON.parse(result.stdout) as ScanReport;
    expect(report.errors).toEqual([
      {
        file: 'scan/cdk.out/Inside.template.json',
        line: 6,
        column: 9,
        message:
          'the template of nested stack Child, ../../elsewhere/nested.template.json, is outside the cloud assembly; it is not read',
      },
      {
        file: 'scan/cdk.out/manifest.json',
        line: 16,
        column: 9,
        message:
          'the template of artifact Outside, ../../elsewhere/secret.template.json, is outside the cloud assembly; it is not read',
      },
      {
        file: 'scan/cdk.out/manifest.json',
        line: 22,
        column: 9,
        message: 'the folder of artifact Stage, ../../elsewhere, is outside the cloud assembly; it is not read',
      },
    ]);
    expect(report.summary.files).toEqual(['scan/cdk.out/Inside.template.json', 'scan/template.yaml']);
    // no rule of the trap pack ran: it was never loaded
    expect(report.findings.filter((f) => f.ruleId.startsWith('trap/'))).toEqual([]);
    expect(result.code).toBe(2);
  });
});

describe('template content is data', () => {
  it('strings that would be code, and keys that would pollute prototypes, stay values', async () => {
    write({
      'content/template.json': JSON.stringify({
        Resources: {
          Queue: {
            Type: 'AWS::SQS::Queue',
            Properties: {
              QueueName: { 'Fn::Sub': ['${x}', { x: "${constructor.constructor('return process')().exit(9)}" }] },
              Tags: [{ Key: '__proto__', Value: 'polluted' }],
            },
          },
        },
        Outputs: { Name: { Value: { 'Fn::Join': ['', ['${', 'process.exit(9)', '}']] } } },
      }).replace('"Tags"', '"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "Tags"'),
    });
    const { code, stdout } = await runCli(['scan', 'content', '--format', 'json', '--no-config', '--jobs', '1'], {
      cwd: ws,
    });
    expect((JSON.parse(stdout) as ScanReport).summary.files).toEqual(['content/template.json']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    expect(code).toBe(0);
  });
});

describe('terminal output', () => {
  it('shows control characters from templates escaped, so a template cannot drive the terminal or split a line', async () => {
    write({
      'terminal/template.json': JSON.stringify({
        Resources: {
          'Fn\u001b[2J\nFAKE': {
            Type: 'AWS::Lambda::Function',
            Properties: { Runtime: 'nodejs24.x', Handler: 'i.h', Role: 'r', Code: { ZipFile: 'x' } },
          },
        },
      }),
    });
    write({ 'terminal/broken.yaml': 'Resources:\n  "A\\e[31m": {Type: X}\n  "A\\e[31m": {Type: X}\n' });
    const { stdout, stderr } = await runCli(['scan', 'terminal', '--no-config', '--no-color', '--jobs', '1'], {
      cwd: ws,
    });
    expect(stdout).toContain('Lambda function Fn\\u001b[2J\\u000aFAKE does not send traces to X-Ray');
    expect(stdout).toContain('duplicate key "A\\u001b[31m"');
    expect(stdout + stderr).not.toContain('\u001b');
    const viaStderr = await runCli(['scan', 'terminal', '--no-config', '--format', 'json', '--jobs', '1'], { cwd: ws });
    expect(viaStderr.stderr).toBe(
      'terminal/broken.yaml:3:3: duplicate key "A\\u001b[31m" (first defined at line 2, column 3)\n',
    );
  });
});

describe('a third-party rule that fails', () => {
  const PACK = `module.exports = {
    id: 'team',
    rules: [
      { id: 'team/throws', title: 'Throws', bestPractice: 'OPS02-BP01', severity: 'warning', resourceTypes: ['AWS::SQS::Queue'],
        check(resource) { if (resource.logicalId === 'Broken') throw new TypeError('cannot read properties of undefined'); } },
      { id: 'team/throws-anything', title: 'Throws a value that is no error', bestPractice: 'OPS02-BP01', severity: 'warning', resourceTypes: ['AWS::SNS::Topic'],
        check() { throw Object.create(null); } },
      { id: 'team/async', title: 'Checks asynchronously', bestPractice: 'OPS02-BP01', severity: 'warning', resourceTypes: ['AWS::SQS::Queue'],
        async check(resource) { if (resource.logicalId === 'Broken') throw new Error('later'); } },
      { id: 'team/works', title: 'Works', bestPractice: 'OPS02-BP01', severity: 'warning', resourceTypes: ['AWS::SQS::Queue'],
        check(resource, ctx) { ctx.report({ message: 'Queue ' + resource.logicalId + ' was checked.' }); } },
    ],
  };\n`;

  it('is an internal error naming the rule and the resource; the scan goes on; exit code 2', async () => {
    write({
      'isolation/packs/team.js': PACK,
      'isolation/opslint.config.yaml': 'packs: [./packs/team.js]\nfailOn: none\n',
      'isolation/infra/queues.yaml':
        'Resources:\n  Broken:\n    Type: AWS::SQS::Queue\n  Fine:\n    Type: AWS::SQS::Queue\n  Topic:\n    Type: AWS::SNS::Topic\n',
    });
    const cwd = path.join(ws, 'isolation');
    const { code, stdout, stderr } = await runCli(['scan', 'infra', '--format', 'json'], { cwd });
    const report = JSON.parse(stdout) as ScanReport;
    const internal = report.findings
      .filter((f) => f.ruleId === 'internal-error')
      .map((f) => `${f.resource}: ${f.message}`);
    expect(internal.sort()).toEqual([
      'Broken: Rule team/async failed on resource Broken: its check returned a promise; checks must be synchronous.',
      'Broken: Rule team/throws failed on resource Broken: cannot read properties of undefined.',
      'Fine: Rule team/async failed on resource Fine: its check returned a promise; checks must be synchronous.',
      'Topic: Rule team/throws-anything failed on resource Topic: it threw a value that cannot be shown.',
    ]);
    // the other rules ran on every resource, the broken one too
    expect(report.findings.filter((f) => f.ruleId === 'team/works').map((f) => f.resource)).toEqual(['Broken', 'Fine']);
    expect(report.findings.some((f) => !f.ruleId.startsWith('team/') && f.ruleId !== 'internal-error')).toBe(true);
    expect(stderr).toBe('');
    // failOn: none, and still 2: part of the scan went unchecked
    expect(code).toBe(2);

    const text = await runCli(['scan', 'infra', '--no-color'], { cwd });
    expect(text.stdout).toContain('Rule team/throws failed on resource Broken: cannot read properties of undefined.');
    expect(text.stdout).not.toMatch(/^\s+at /m);
    expect(text.code).toBe(2);
  }, 120_000);
});
