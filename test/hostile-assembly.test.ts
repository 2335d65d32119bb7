/**
 * Hostile inputs of issue 16 that reach the file system: cloud assemblies (cdk.out) that loop back on
 * themselves or hold endless stacks, FIFOs, symbolic links that lead out of a cloud assembly or out of a glob,
 * and a folder that a stray manifest.json made look like a cloud assembly. Each ends as one input error naming
 * the file, and the other inputs of the scan are still read and reported.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { InputErrorEntry, ScanReport } from '../lib/engine/finding';
import { runCli } from '../scripts/support/cli';

let root: string;
let count = 0;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'opslint-hostile-assembly-'));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fresh folder holding `files` (text, or a JSON value written as JSON). */
function workspace(files: Record<string, string | object> = {}): string {
  const dir = path.join(root, `ws${++count}`);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

const TOPIC = { Resources: { Topic: { Type: 'AWS::SNS::Topic' } } };
const GOOD_YAML = 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n';
const ENV = 'aws://111111111111/eu-west-1';

/** A cloud assembly manifest as the CDK writes it. */
function manifest(artifacts: Record<string, object>): object {
  return { version: '36.0.0', artifacts };
}

function stack(templateFile: string): object {
  return { type: 'aws:cloudformation:stack', environment: ENV, properties: { templateFile } };
}

function stage(directoryName: string): object {
  return { type: 'cdk:cloud-assembly', properties: { directoryName } };
}

/** A template with one nested stack resource per asset path. */
function parent(...assetPaths: string[]): object {
  const resources: Record<string, object> = { Topic: { Type: 'AWS::SNS::Topic' } };
  assetPaths.forEach((asset, i) => {
    resources[`Child${i}`] = {
      Type: 'AWS::CloudFormation::Stack',
      Metadata: { 'aws:asset:path': asset },
      Properties: { TemplateURL: 'https://example.com/child.json' },
    };
  });
  return { Resources: resources };
}

async function scan(cwd: string, ...args: string[]): Promise<{ code: number; report: ScanReport; stderr: string }> {
  const { code, stdout, stderr } = await runCli(['scan', ...args, '--format', 'json', '--no-config', '--jobs', '1'], {
    cwd,
  });
  return { code, report: JSON.parse(stdout) as ScanReport, stderr };
}

function mkfifo(file: string): void {
  execFileSync('mkfifo', [file]);
}

describe('#4 cloud assemblies that loop back or hold endless stacks', () => {
  it('reports a Stage whose folder is its own, or an ancestor, as a cycle and reads the rest', async () => {
    const dir = workspace({
      'good.yaml': GOOD_YAML,
      'cdk.out/manifest.json': manifest({
        Good: stack('Good.template.json'),
        Self: stage('.'),
        Inner: stage('assembly-Inner'),
      }),
      'cdk.out/Good.template.json': TOPIC,
      'cdk.out/assembly-Inner/manifest.json': manifest({
        Back: stage('..'),
        InnerStack: stack('InnerStack.template.json'),
      }),
      'cdk.out/assembly-Inner/InnerStack.template.json': TOPIC,
    });
    const { code, report } = await scan(dir, 'cdk.out', 'good.yaml');
    expect(report.errors).toEqual([
      {
        file: 'cdk.out/assembly-Inner/manifest.json',
        line: 7,
        column: 9,
        message:
          'the folder of artifact Back, .., leads back to a folder or template that holds it: a cycle; it is not read again',
      },
      {
        file: 'cdk.out/manifest.json',
        line: 14,
        column: 9,
        message:
          'the folder of artifact Self, ., leads back to a folder or template that holds it: a cycle; it is not read again',
      },
    ]);
    expect(report.summary.files).toEqual([
      'cdk.out/Good.template.json',
      'cdk.out/assembly-Inner/InnerStack.template.json',
      'good.yaml',
    ]);
    expect(code).toBe(2);
  }, 60_000);

  it('reads a Stage folder once when several artifacts name it', async () => {
    const artifacts: Record<string, object> = {};
    // without reading it once, 20 names of a folder whose manifest names 20 more would be read 20^16 times
    for (let i = 0; i < 20; i++)
      artifacts[`Stage${String(i).padStart(2, '0')}`] = stage(i === 0 ? 'assembly-A' : './assembly-A');
    const dir = workspace({
      'cdk.out/manifest.json': manifest(artifacts),
      'cdk.out/assembly-A/manifest.json': manifest({
        ...Object.fromEntries(Object.keys(artifacts).map((k) => [k, stage('../assembly-A')])),
        A: stack('A.template.json'),
      }),
      'cdk.out/assembly-A/A.template.json': TOPIC,
    });
    const { code, report } = await scan(dir, 'cdk.out');
    expect(report.summary.files).toEqual(['cdk.out/assembly-A/A.template.json']);
    // the Stage folder named again by the top manifest (19), and by its own manifest (20: a cycle)
    expect(
      report.errors.filter((e) => e.message.endsWith('is the folder of another artifact too; it is read once')),
    ).toHaveLength(19);
    expect(report.errors.filter((e) => e.message.endsWith(': a cycle; it is not read again'))).toHaveLength(20);
    expect(report.errors).toHaveLength(39);
    expect(code).toBe(2);
  }, 60_000);

  it('reports a nested stack whose template is its own or its parent one as a cycle', async () => {
    const dir = workspace({
      'good.yaml': GOOD_YAML,
      'cdk.out/manifest.json': manifest({ Parent: stack('Parent.template.json') }),
      // the parent names itself, three times over, and a child that names the parent again
      'cdk.out/Parent.template.json': parent(
        'Parent.template.json',
        'Parent.template.json',
        'Parent.template.json',
        'Child.nested.template.json',
      ),
      'cdk.out/Child.nested.template.json': parent('Parent.template.json'),
    });
    const { code, report } = await scan(dir, 'cdk.out', 'good.yaml');
    const cycle = (what: string, file: string): string =>
      `the template of nested stack ${what}, ${file}, leads back to a folder or template that holds it: a cycle; it is not read again`;
    expect(report.errors).toEqual([
      {
        file: 'cdk.out/Child.nested.template.json',
        line: 9,
        column: 9,
        message: cycle('Child0', 'Parent.template.json'),
      },
      { file: 'cdk.out/Parent.template.json', line: 9, column: 9, message: cycle('Child0', 'Parent.template.json') },
      { file: 'cdk.out/Parent.template.json', line: 18, column: 9, message: cycle('Child1', 'Parent.template.json') },
      { file: 'cdk.out/Parent.template.json', line: 27, column: 9, message: cycle('Child2', 'Parent.template.json') },
    ]);
    expect(report.summary.files).toEqual([
      'cdk.out/Child.nested.template.json',
      'cdk.out/Parent.template.json',
      'good.yaml',
    ]);
    expect(code).toBe(2);
  }, 60_000);

  it('stops at --max-stacks, with one error naming the limit, when nested stacks multiply', async () => {
    // each level names the next one four times: 4^16 stacks without a cycle
    const files: Record<string, object> = { 'cdk.out/manifest.json': manifest({ Root: stack('L0.template.json') }) };
    for (let level = 0; level < 17; level++) {
      const next = `L${level + 1}.template.json`;
      files[`cdk.out/L${level}.template.json`] = level < 16 ? parent(next, next, next, next) : TOPIC;
    }
    const dir = workspace({ ...files, 'good.yaml': GOOD_YAML });
    const { code, report } = await scan(dir, 'cdk.out', 'good.yaml', '--max-stacks', '50');
    const limit = (e: InputErrorEntry): boolean =>
      e.message ===
      'the cloud assembly holds more than 50 stacks; the others are not read (limit: --max-stacks, limits.maxStacks)';
    expect(report.errors.filter(limit)).toHaveLength(1);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0].file).toMatch(/^cdk\.out\/L\d+\.template\.json$/);
    expect(report.summary.templates).toBe(51);
    expect(report.summary.files).toContain('good.yaml');
    expect(code).toBe(2);
  }, 60_000);

  it('stops at --max-resources when many artifacts share one template, with one error naming the limit', async () => {
    const big = {
      Resources: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`Topic${i}`, { Type: 'AWS::SNS::Topic' }])),
    };
    const artifacts = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`S${i}`, stack('shared.template.json')]),
    );
    const dir = workspace({
      'cdk.out/manifest.json': manifest(artifacts),
      'cdk.out/shared.template.json': big,
      'good.yaml': GOOD_YAML,
    });
    const { code, report } = await scan(dir, 'cdk.out', 'good.yaml', '--max-resources', '100');
    expect(report.errors.map((e) => e.message)).toEqual([
      'the stacks of the cloud assembly hold more than 100 resources together; the others are not read (limit: --max-resources, limits.maxResources)',
    ]);
    expect(report.summary.resources).toBe(10 * 10 + 1);
    expect(report.summary.files).toContain('good.yaml');
    expect(code).toBe(2);
  }, 60_000);

  it('says which nested stacks are deeper than it reads', async () => {
    const files: Record<string, object> = { 'cdk.out/manifest.json': manifest({ Root: stack('L0.template.json') }) };
    for (let level = 0; level < 20; level++)
      files[`cdk.out/L${level}.template.json`] = level < 19 ? parent(`L${level + 1}.template.json`) : TOPIC;
    const { code, report } = await scan(workspace(files), 'cdk.out');
    expect(report.errors.map((e) => `${e.file}: ${e.message}`)).toEqual([
      expect.stringMatching(
        /^cdk\.out\/L16\.template\.json: nested stack \w+ is more than 16 levels deep; it is not read$/,
      ),
    ]);
    expect(report.summary.templates).toBe(17);
    expect(code).toBe(2);
  }, 60_000);

  it('takes the limit from the configuration, and refuses a value that is not a whole number', async () => {
    const dir = workspace({
      'cdk.out/manifest.json': manifest({
        A: stack('A.template.json'),
        B: stack('B.template.json'),
        C: stack('C.template.json'),
      }),
      'cdk.out/A.template.json': TOPIC,
      'cdk.out/B.template.json': TOPIC,
      'cdk.out/C.template.json': TOPIC,
      'limits.yaml': 'limits:\n  maxStacks: 2\n',
    });
    const fromConfig = await runCli(['scan', 'cdk.out', '--format', 'json', '--jobs', '1', '-c', 'limits.yaml'], {
      cwd: dir,
    });
    const report = JSON.parse(fromConfig.stdout) as ScanReport;
    expect(report.errors).toEqual([
      {
        file: 'cdk.out/manifest.json',
        line: 22,
        column: 9,
        message:
          'the cloud assembly holds more than 2 stacks; the others are not read (limit: --max-stacks, limits.maxStacks)',
      },
    ]);
    expect(report.summary.files).toEqual(['cdk.out/A.template.json', 'cdk.out/B.template.json']);
    expect(fromConfig.code).toBe(2);
    // the command line wins
    const all = await scan(dir, 'cdk.out', '--max-stacks', '3');
    expect(all.report.errors).toEqual([]);
    expect(all.report.summary.templates).toBe(3);
    expect(await runCli(['scan', 'cdk.out', '--no-config', '--max-stacks', '0'], { cwd: dir })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'opslint: --max-stacks must be a whole number from 1 to 9007199254740991, not "0"\n',
    });
  }, 60_000);
});

describe('#7 a FIFO is not read', () => {
  it('named on the command line: one input error, and the other files are scanned', async () => {
    const dir = workspace({ 'good.yaml': GOOD_YAML });
    mkfifo(path.join(dir, 'pipe.yaml'));
    const { code, report } = await scan(dir, 'pipe.yaml', 'good.yaml');
    expect(report.errors).toEqual([
      { file: 'pipe.yaml', message: 'cannot read file: is a FIFO (named pipe), not a regular file' },
    ]);
    expect(report.summary.files).toEqual(['good.yaml']);
    expect(code).toBe(2);
  }, 60_000);

  it('as the template of a cloud assembly stack, or its manifest named on the command line', async () => {
    const dir = workspace({
      'good.yaml': GOOD_YAML,
      'cdk.out/manifest.json': manifest({ Good: stack('Good.template.json'), Piped: stack('Piped.template.json') }),
      'cdk.out/Good.template.json': TOPIC,
    });
    mkfifo(path.join(dir, 'cdk.out', 'Piped.template.json'));
    mkdirSync(path.join(dir, 'other'));
    mkfifo(path.join(dir, 'other', 'manifest.json'));
    const { code, report } = await scan(dir, 'cdk.out', 'other/manifest.json', 'good.yaml');
    expect(report.errors).toEqual([
      { file: 'cdk.out/Piped.template.json', message: 'cannot read file: is a FIFO (named pipe), not a regular file' },
      { file: 'other/manifest.json', message: 'cannot read file: is a FIFO (named pipe), not a regular file' },
    ]);
    expect(report.summary.files).toEqual(['cdk.out/Good.template.json', 'good.yaml']);
    expect(code).toBe(2);
  }, 60_000);
});

describe('#18 symbolic links do not lead out of a cloud assembly', () => {
  // what /etc/shadow starts with: its first byte once appeared in an "invalid JSON" error
  const SECRET = 'root:$6$s3cr3t-hash:19000:0:99999:7:::\n';
  // the module object itself, whose functions can be spied on (an import namespace cannot)
  const fs = require('node:fs') as typeof import('node:fs');

  it('a template, a nested stack, a Stage folder and a metadata file that link outside are refused unread', async () => {
    const dir = workspace({
      'good.yaml': GOOD_YAML,
      'outside/shadow': SECRET,
      'outside/stage/manifest.json': manifest({ Far: stack('Far.template.json') }),
      'outside/stage/Far.template.json': TOPIC,
      'cdk.out/manifest.json': manifest({
        Good: { ...stack('Good.template.json'), additionalMetadataFile: 'Good.metadata.json' },
        Linked: stack('Linked.template.json'),
        Staged: stage('assembly-Linked'),
      }),
      'cdk.out/Good.template.json': parent('Nested.nested.template.json'),
    });
    const out = (name: string): string => path.join(dir, 'outside', name);
    symlinkSync(out('shadow'), path.join(dir, 'cdk.out', 'Linked.template.json'));
    symlinkSync(out('shadow'), path.join(dir, 'cdk.out', 'Nested.nested.template.json'));
    symlinkSync(out('shadow'), path.join(dir, 'cdk.out', 'Good.metadata.json'));
    symlinkSync(out('stage'), path.join(dir, 'cdk.out', 'assembly-Linked'));
    const spy = jest.spyOn(fs, 'openSync');
    let result;
    let opened: string[];
    try {
      result = await scan(dir, 'cdk.out', 'good.yaml');
    } finally {
      opened = spy.mock.calls.map((c) => fs.realpathSync(String(c[0])));
      spy.mockRestore();
    }
    const { code, report, stderr } = result;
    // nothing outside was opened, under any name
    expect(opened).toContain(path.join(fs.realpathSync(dir), 'good.yaml'));
    expect(opened.filter((p) => p.startsWith(fs.realpathSync(out('.'))))).toEqual([]);
    expect(report.errors).toEqual([
      {
        file: 'cdk.out/Good.template.json',
        line: 9,
        column: 9,
        message:
          'the template of nested stack Child0, Nested.nested.template.json, is outside the cloud assembly; it is not read',
      },
      {
        file: 'cdk.out/manifest.json',
        line: 16,
        column: 9,
        message: 'the template of artifact Linked, Linked.template.json, is outside the cloud assembly; it is not read',
      },
      {
        file: 'cdk.out/manifest.json',
        line: 22,
        column: 9,
        message: 'the folder of artifact Staged, assembly-Linked, is outside the cloud assembly; it is not read',
      },
    ]);
    expect(report.summary.files).toEqual(['cdk.out/Good.template.json', 'good.yaml']);
    // no byte of the file outside, in any message
    expect(`${JSON.stringify(report)}${stderr}`).not.toMatch(/root|s3cr3t/);
    expect(code).toBe(2);
  }, 60_000);

  it('a loop of links is one input error naming the file', async () => {
    const dir = workspace({
      'cdk.out/manifest.json': manifest({ Good: stack('Good.template.json'), Loop: stack('Loop.template.json') }),
      'cdk.out/Good.template.json': TOPIC,
    });
    symlinkSync('Loop.template.json', path.join(dir, 'cdk.out', 'Loop.template.json'));
    const { code, report } = await scan(dir, 'cdk.out');
    expect(report.errors).toEqual([
      { file: 'cdk.out/Loop.template.json', message: 'cannot read file: too many symbolic links (a loop of links?)' },
    ]);
    expect(report.summary.files).toEqual(['cdk.out/Good.template.json']);
    expect(code).toBe(2);
  }, 60_000);

  it('a link that stays inside the assembly is read', async () => {
    const dir = workspace({
      'cdk.out/manifest.json': manifest({ Linked: stack('Linked.template.json') }),
      'cdk.out/real/Real.template.json': TOPIC,
    });
    symlinkSync(path.join('real', 'Real.template.json'), path.join(dir, 'cdk.out', 'Linked.template.json'));
    const { code, report } = await scan(dir, 'cdk.out');
    expect(report.errors).toEqual([]);
    expect(report.summary.files).toEqual(['cdk.out/Linked.template.json']);
    expect(code).not.toBe(2);
  }, 60_000);
});

describe('#19 a glob does not follow symbolic links out of its folder', () => {
  const LOGS = 'Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      RetentionInDays: 3\n';

  it('fix tpl/**/*.yaml fixes the templates in tpl, not those a link in it leads to', async () => {
    const dir = workspace({
      'tpl/own.yaml': LOGS,
      'tpl/sub/deep.yaml': LOGS,
      'outside/victim.yaml': LOGS,
      'outside/dir/victim.yaml': LOGS,
    });
    symlinkSync(path.join(dir, 'outside', 'victim.yaml'), path.join(dir, 'tpl', 'linked.yaml'));
    symlinkSync(path.join(dir, 'outside', 'dir'), path.join(dir, 'tpl', 'linked-dir'));

    const scanned = await scan(dir, 'tpl/**/*.yaml');
    expect(scanned.report.summary.files).toEqual(['tpl/own.yaml', 'tpl/sub/deep.yaml']);

    const { stderr } = await runCli(['fix', 'tpl/**/*.yaml', '--no-config', '--rule', 'log-group-retention'], {
      cwd: dir,
    });
    expect(stderr).toBe('');
    expect(readFileSync(path.join(dir, 'tpl', 'own.yaml'), 'utf8')).toContain('RetentionInDays: 14');
    expect(readFileSync(path.join(dir, 'tpl', 'sub', 'deep.yaml'), 'utf8')).toContain('RetentionInDays: 14');
    expect(readFileSync(path.join(dir, 'outside', 'victim.yaml'), 'utf8')).toBe(LOGS);
    expect(readFileSync(path.join(dir, 'outside', 'dir', 'victim.yaml'), 'utf8')).toBe(LOGS);
  }, 60_000);
});

describe('#27 a manifest.json that is not a cloud assembly', () => {
  it('leaves its folder an ordinary one: the templates below it are scanned', async () => {
    const dir = workspace({
      'web/manifest.json': { name: 'Orders', short_name: 'Orders', start_url: '/', icons: [] },
      'web/infra/template.yaml': GOOD_YAML,
      // a version alone, or artifacts alone, is no cloud assembly either
      'half/manifest.json': { version: '36.0.0' },
      'half/template.json': TOPIC,
      // nor a build tool's, whose version is not the CDK's or whose artifacts are not artifact objects
      'build/manifest.json': { version: '1.0', artifacts: { build: 'dist/app.js' } },
      'build/template.json': TOPIC,
      'tool/manifest.json': { version: '1.0.0', artifacts: { build: 'dist/app.js' } },
      'tool/template.json': TOPIC,
    });
    const { report } = await scan(dir, 'web', 'half', 'build', 'tool');
    expect(report.errors).toEqual([]);
    expect(report.summary.files).toEqual([
      'build/template.json',
      'half/template.json',
      'tool/template.json',
      'web/infra/template.yaml',
    ]);
  }, 60_000);

  it('with a version and artifacts, it is a cloud assembly, whose malformed manifest is an input error', async () => {
    const dir = workspace({
      'cdk.out/manifest.json': { version: '36.0.0', artifacts: [] },
      'cdk.out/Orders.template.json': TOPIC,
      'good.yaml': GOOD_YAML,
    });
    const { code, report } = await scan(dir, 'cdk.out', 'good.yaml');
    expect(report.errors).toEqual([
      {
        file: 'cdk.out/manifest.json',
        line: 1,
        column: 1,
        message: 'invalid cloud assembly manifest: expected an object with "artifacts"',
      },
    ]);
    expect(report.summary.files).toEqual(['good.yaml']);
    expect(code).toBe(2);
  }, 60_000);

  it('a scan that finds no template says so and fails, unless it is lenient', async () => {
    const dir = workspace({
      'app/manifest.json': { name: 'Orders', icons: [] },
      'app/package.json': { name: 'orders' },
      'empty/.keep': '',
    });
    const { code, report } = await scan(dir, 'app', 'empty');
    expect(report.errors).toEqual([
      { file: 'app', message: 'no CloudFormation template or cloud assembly found here: nothing was scanned' },
      { file: 'empty', message: 'no CloudFormation template or cloud assembly found here: nothing was scanned' },
    ]);
    expect(code).toBe(2);
    // the working directory, when no path is given
    const text = await runCli(['scan', '--no-config'], { cwd: path.join(dir, 'empty') });
    expect(text.stdout).toContain('.: no CloudFormation template or cloud assembly found here: nothing was scanned');
    expect(text.code).toBe(2);
    // pre-commit passes every YAML and JSON file a commit touches: none of them may be a template
    const lenient = await scan(dir, 'app/package.json', '--ignore-non-templates');
    expect(lenient.report.errors).toEqual([]);
    expect(lenient.code).toBe(0);
  }, 60_000);
});
