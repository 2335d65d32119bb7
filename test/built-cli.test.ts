/**
 * The built CLI as users run it: `npm run build`'s one-file bundle and its launcher (scripts/build.js), built once
 * into a folder of its own (the packed-package test rebuilds dist/, perhaps at the same time), with packs that
 * import opslint as installed packs do.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { pathToFileURL } from 'node:url';
import { REPO, runCli } from '../scripts/support/cli';
import { LspClient } from '../scripts/support/lsp';
import { workspace } from './helpers/workspace';

const root = mkdtempSync(path.join(tmpdir(), 'opslint-built-'));
const opslint = path.join(root, 'dist', 'bin', 'opslint.js');
/** the temporary folder of the runs: the code cache goes under it */
const temp = path.join(root, 'tmp');

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(args: readonly string[], cwd: string, env: Record<string, string> = {}): Run {
  const { status, stdout, stderr } = spawnSync(process.execPath, [opslint, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, TMPDIR: temp, ...env },
  });
  return { status, stdout, stderr };
}

/** The code cache files of the runs so far. */
const cacheFiles = (): string[] =>
  readdirSync(temp).flatMap((dir) => (dir.startsWith('opslint-') ? readdirSync(path.join(temp, dir)) : []));

beforeAll(() => {
  // an installed package: its own package.json and data beside dist/, its dependencies found from it
  cpSync(path.join(REPO, 'package.json'), path.join(root, 'package.json'));
  for (const dir of ['node_modules', 'schema', 'docs']) symlinkSync(path.join(REPO, dir), path.join(root, dir));
  mkdirSync(temp);
  const build = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'build.js'), root], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A project that has installed opslint (the build above) and holds these files. */
function project(files: Record<string, string>): string {
  const dir = workspace(files, 'opslint-built-project-');
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(root, path.join(dir, 'node_modules', 'opslint'));
  return dir;
}

/** A pack that reports a queue whose name opslint cannot know, which it tells by opslint's own UNKNOWN value. */
const probeRule = `defineRule({
  id: 'probe/unknown-name',
  title: 'Queue names are known',
  bestPractice: 'OPS04-BP01',
  resourceTypes: ['AWS::SQS::Queue'],
  severity: 'warning',
  messages: { unknown: 'Queue {{name}} has a name opslint cannot know.' },
  check(resource, ctx) {
    if (resource.logicalId === 'Boom') throw new Error('boom');
    if (ctx.values('Properties.QueueName').includes(UNKNOWN)) ctx.report({ messageId: 'unknown', data: { name: resource.logicalId } });
  },
})`;

const queue = (id: string): string =>
  `Parameters:\n  Name: { Type: String }\nResources:\n  ${id}:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Ref Name\n`;

const probeProject = (): string =>
  project({
    'probe.js': `const { definePack, defineRule, UNKNOWN } = require('opslint/rule');\nmodule.exports = definePack({ id: 'probe', title: 'Probe', rules: [${probeRule}] });\n`,
    'probe.mjs': `import { definePack, defineRule, UNKNOWN } from 'opslint/rule';\nexport default definePack({ id: 'probe', title: 'Probe', rules: [${probeRule}] });\n`,
    'a.yaml': queue('First'),
    'b.yaml': queue('Second'),
    'boom.yaml': queue('Boom'),
  });

const ruleIds = (stdout: string): string[] =>
  (JSON.parse(stdout) as { findings: { ruleId: string; file: string }[] }).findings.map((f) => `${f.file} ${f.ruleId}`);

describe('the built CLI', () => {
  it('serves the language server over stdio (opslint lsp --stdio), which alone loads vscode-languageserver', async () => {
    const template =
      'Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n      Handler: index.handler\n';
    // what each process requires of vscode-*, listed in a file of its own
    const dir = workspace({
      'fn.yaml': template,
      'record.js': `const Module = require('node:module');\nconst load = Module._load;\nModule._load = function (request, ...rest) {\n  if (request.startsWith('vscode-')) require('node:fs').appendFileSync(process.env.LOADED, request + '\\n');\n  return load.call(this, request, ...rest);\n};\n`,
    });
    const recording = (name: string): Record<string, string> => ({
      NODE_OPTIONS: `--require ${path.join(dir, 'record.js')}`,
      LOADED: path.join(dir, name),
    });
    const loaded = (name: string): string[] => {
      try {
        return readFileSync(path.join(dir, name), 'utf8').split('\n').filter(Boolean);
      } catch {
        return [];
      }
    };
    expect(run(['scan', 'fn.yaml', '--no-config'], dir, recording('scan.txt')).status).toBe(0);
    expect(loaded('scan.txt')).toEqual([]);
    const lsp = new LspClient([opslint, 'lsp', '--stdio'], dir, {
      PATH: process.env.PATH,
      TMPDIR: temp,
      ...recording('lsp.txt'),
    });
    try {
      expect((await lsp.initialize(dir)).capabilities.hoverProvider).toBe(true);
      const uri = pathToFileURL(path.join(dir, 'fn.yaml')).href;
      await lsp.open(uri, template);
      expect((await lsp.diagnostics(uri, 1)).map((d) => d.code)).toContain('lambda-tracing');
      expect(await lsp.end()).toBe(0);
    } finally {
      lsp.kill();
    }
    expect(loaded('lsp.txt')).toEqual(expect.arrayContaining(['vscode-languageserver/node']));
  });

  it('answers --version with the version of its package.json', () => {
    const { status, stdout } = run(['--version'], root);
    expect(status).toBe(0);
    expect(stdout).toBe(`${(require('../package.json') as { version: string }).version}\n`);
  });

  it.each([
    ['a YAML template', 'fixtures/cli/workload/orders.yaml'],
    ['a JSON template', 'fixtures/cli/workload/broken.json'],
    ['a folder as JSON', 'fixtures/cli/workload', '-f', 'json'],
  ])('scans %s as the sources do', async (_what, ...args) => {
    const built = run(['scan', ...args, '--no-color'], REPO);
    const sources = await runCli(['scan', ...args, '--no-color'], { cwd: REPO });
    expect(built).toEqual({ status: sources.code, stdout: sources.stdout, stderr: sources.stderr });
  });

  it.each(['probe.js', 'probe.mjs'])('hands a pack (%s) its own modules, on worker threads as on this one', (pack) => {
    const dir = probeProject();
    const args = ['scan', 'a.yaml', 'b.yaml', '--load-pack', `./${pack}`, '--rule', 'probe/unknown-name', '-f', 'json'];
    const expected = ['a.yaml probe/unknown-name', 'b.yaml probe/unknown-name'];
    for (const jobs of ['1', '2']) {
      const { status, stdout } = run([...args, '--jobs', jobs], dir);
      expect(status).toBe(0);
      expect(ruleIds(stdout)).toEqual(expected);
    }
  });

  it('loads the example pack, compiled, and its YAML rules', () => {
    const dir = project({
      'alarm.yaml':
        'Resources:\n  Api5xx:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      AlarmName: HighErrors\n      AlarmDescription: API errors\n',
    });
    const acme = path.join(dir, 'acme');
    const src = path.join(REPO, 'examples', 'custom-pack', 'src');
    buildSync({
      entryPoints: [path.join(src, '**', '*.ts')],
      outdir: path.join(acme, 'dist'),
      outbase: src,
      format: 'cjs',
      platform: 'node',
      logLevel: 'silent',
    });
    cpSync(path.join(REPO, 'examples', 'custom-pack', 'rules.yaml'), path.join(acme, 'rules.yaml'));
    const scan = (pack: string): string[] =>
      ruleIds(
        run(['scan', 'alarm.yaml', '--load-pack', pack, '--pack', 'acme', '-f', 'json', '--jobs', '2'], dir).stdout,
      );
    expect(scan('./acme/dist/index.js')).toEqual(['alarm.yaml acme/alarm-naming', 'alarm.yaml acme/alarm-runbook']);
    expect(scan('./acme/rules.yaml')).toEqual(['alarm.yaml acme/alarm-runbook']);
  });

  it('points --debug traces at the TypeScript sources, from worker threads too', () => {
    const dir = probeProject();
    const { stderr } = run(
      ['scan', 'boom.yaml', '--load-pack', './probe.js', '--rule', 'probe/unknown-name', '--debug'],
      dir,
    );
    expect(stderr).toContain('Error: boom');
    expect(stderr).toMatch(/\(.*[/\\]lib[/\\]engine[/\\]runner\.ts:\d+:\d+\)/);
    expect(stderr).not.toContain('cli.js');
  });

  it('gives the same output with the code cache, without it, and with a damaged one', () => {
    const args = ['scan', 'fixtures/cli/workload', '-f', 'json'];
    rmSync(temp, { recursive: true, force: true });
    mkdirSync(temp);
    // a run that scans nothing writes none: it would hold none of the code that scans
    expect(run(['--help'], REPO).status).toBe(0);
    expect(cacheFiles()).toEqual([]);
    const first = run(args, REPO);
    expect(first.stdout).toContain('"findings"');
    const [file] = cacheFiles();
    expect(file).toMatch(/\.v8$/);
    const cacheDir = readdirSync(temp).find((d) => d.startsWith('opslint-'))!;
    const cached = path.join(temp, cacheDir, file);
    expect(run(args, REPO)).toEqual(first);
    expect(run(args, REPO, { OPSLINT_NO_COMPILE_CACHE: '1' })).toEqual(first);
    writeFileSync(cached, 'not a code cache');
    expect(run(args, REPO)).toEqual(first);
    // rejected, so written again
    expect(readFileSync(cached).length).toBeGreaterThan(1000);
  });

  it('writes the whole cache from a process that runs long after its scan', () => {
    // the library entry scans, then the process goes on making garbage that lives long enough for full
    // collections, in which V8 discards the bytecode of functions that have not run for a while
    const script = (collections: number): string =>
      `const { scanPaths } = require(${JSON.stringify(path.join(root, 'dist', 'lib', 'index.js'))});
       scanPaths([${JSON.stringify(path.join(REPO, 'fixtures/cli/workload/orders.yaml'))}], {});
       let keep = [];
       for (let r = 0; r < ${collections}; r++) { keep = []; for (let i = 0; i < 200000; i++) keep.push({ i, s: 'x' + i }); }`;
    const cacheSize = (collections: number): number => {
      rmSync(temp, { recursive: true, force: true });
      mkdirSync(temp);
      const { status } = spawnSync(process.execPath, ['-e', script(collections)], {
        env: { PATH: process.env.PATH, TMPDIR: temp },
      });
      expect(status).toBe(0);
      const dir = readdirSync(temp).find((d) => d.startsWith('opslint-'))!;
      const [file] = readdirSync(path.join(temp, dir));
      return statSync(path.join(temp, dir, file)).size;
    };
    const short = cacheSize(0);
    // at its exit, the long one's own cache is a third of that (the code that ran only at the start is gone)
    expect(cacheSize(40)).toBeGreaterThanOrEqual(short * 0.95);
  });

  it('keeps the newest caches of other builds when it writes one, and removes those beyond them', () => {
    rmSync(temp, { recursive: true, force: true });
    mkdirSync(temp);
    const uid = process.getuid?.() ?? userInfo().username;
    const dir = path.join(temp, `opslint-compile-cache-${uid}`);
    mkdirSync(dir, { mode: 0o700 });
    // 20 caches of other builds, a day apart (old-0 the newest), one write cut short, and a file that is no cache
    const day = 24 * 3600;
    const now = Date.now() / 1000;
    for (let i = 0; i < 20; i++) {
      writeFileSync(path.join(dir, `old-${i}.v8`), 'x');
      utimesSync(path.join(dir, `old-${i}.v8`), now - (i + 1) * day, now - (i + 1) * day);
    }
    writeFileSync(path.join(dir, 'old-0.v8.4242'), 'x');
    utimesSync(path.join(dir, 'old-0.v8.4242'), now - day, now - day);
    writeFileSync(path.join(dir, 'notes.txt'), 'x');
    expect(run(['scan', 'fixtures/cli/workload/orders.yaml'], REPO).status).toBe(1);
    const left = readdirSync(dir).sort();
    const written = left.filter((f) => !f.startsWith('old-') && f.endsWith('.v8'));
    expect(written).toHaveLength(1);
    expect(left).toEqual([...written, 'notes.txt', ...Array.from({ length: 15 }, (_, i) => `old-${i}.v8`)].sort());
  });

  it('does not use a cache folder that others can write to', () => {
    rmSync(temp, { recursive: true, force: true });
    mkdirSync(temp);
    const uid = process.getuid?.();
    if (uid === undefined) return;
    const shared = path.join(temp, `opslint-compile-cache-${uid}`);
    mkdirSync(shared, { mode: 0o777 });
    // whatever the umask
    chmodSync(shared, 0o777);
    const { status } = run(['scan', 'fixtures/cli/workload/orders.yaml'], REPO);
    expect(status).toBe(1);
    expect(readdirSync(shared)).toEqual([]);
  });
});

describe('the built library entries', () => {
  /** A CDK app whose own pack tells a queue name opslint cannot know by `opslint/rule`'s UNKNOWN. */
  const app = (imports: string): string => `${imports}
const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'opslint-built-app-')), builtinCloudFormationValidation: false });
const probe = definePack({ id: 'probe', title: 'Probe', rules: [${probeRule}] });
Validations.of(app).addPlugins(new OpsChecks({ config: false, rulePacks: [probe], rules: ['probe/unknown-name'], failOn: 'none' }));
const stack = new Stack(app, 'Service');
new CfnQueue(stack, 'Orders', { queueName: Fn.importValue('orders-queue-name') });
const assembly = app.synth();
const report = JSON.parse(readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'));
// the last line: CDK prints the report before it
process.stdout.write('\\n' + JSON.stringify(report.pluginReports.flatMap((p) => p.violations.map((v) => v.ruleName))));
`;
  const cdkProject = (): string => {
    const dir = project({
      'app.js': app(`const { mkdtempSync, readFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { App, Fn, Stack, Validations } = require('aws-cdk-lib');
const { CfnQueue } = require('aws-cdk-lib/aws-sqs');
const { OpsChecks } = require('opslint/cdk');
const { definePack, defineRule, UNKNOWN } = require('opslint/rule');`),
      'app.mjs': app(`import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Fn, Stack, Validations } from 'aws-cdk-lib';
import { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import { OpsChecks } from 'opslint/cdk';
import { definePack, defineRule, UNKNOWN } from 'opslint/rule';`),
    });
    // the app's CDK is the one opslint finds
    for (const name of ['aws-cdk-lib', 'constructs'])
      symlinkSync(path.join(REPO, 'node_modules', name), path.join(dir, 'node_modules', name));
    return dir;
  };
  const synth = (dir: string, file: string, env: Record<string, string> = {}): unknown => {
    const { status, stdout, stderr } = spawnSync(process.execPath, [file], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, TMPDIR: temp, JSII_DEPRECATED: 'quiet', ...env },
    });
    if (status !== 0) throw new Error(stderr);
    return JSON.parse(stdout.trim().split('\n').pop()!);
  };

  it('run a CDK app from the code cache, sharing one UNKNOWN with the rules it is given, from CommonJS and ES modules', () => {
    rmSync(temp, { recursive: true, force: true });
    mkdirSync(temp);
    const dir = cdkProject();
    const expected = ['probe/unknown-name'];
    expect(synth(dir, 'app.js')).toEqual(expected);
    expect(cacheFiles().filter((f) => f.includes('-cdk-'))).toHaveLength(1);
    expect(synth(dir, 'app.js')).toEqual(expected);
    expect(synth(dir, 'app.mjs')).toEqual(expected);
    expect(synth(dir, 'app.js', { OPSLINT_NO_COMPILE_CACHE: '1' })).toEqual(expected);
  });

  it('export what the sources export, loaded by jest as by Node', () => {
    // this file runs under jest, whose loader is not Node's: the entries load the bundle through it
    for (const [entry, source] of [
      ['index', '../lib/index'],
      ['rule', '../lib/rule'],
      ['testing', '../lib/testing'],
      ['cdk/index', '../lib/cdk'],
      ['cdk/nag', '../lib/cdk/nag'],
    ]) {
      const built = require(path.join(root, 'dist', 'lib', entry)) as Record<string, unknown>;
      expect(Object.keys(built).sort()).toEqual(Object.keys(require(source) as object).sort());
    }
    const rule = require(path.join(root, 'dist', 'lib', 'rule')) as typeof import('../lib/rule');
    expect(typeof rule.UNKNOWN).toBe('symbol');
  });

  it('load none of the Node modules a synthesis does not need (child_process brings streams and sockets)', () => {
    const { status, stdout, stderr } = spawnSync(
      process.execPath,
      [
        '-e',
        // what a CDK app has loaded before it requires opslint/cdk
        `require('aws-cdk-lib');
         const before = new Set(process.moduleLoadList);
         new (require(${JSON.stringify(path.join(root, 'dist', 'lib', 'cdk'))}).OpsChecks)();
         const loaded = process.moduleLoadList.filter((m) => !before.has(m));
         // after the list: process.stdout loads a stream of its own
         process.stdout.write(loaded.join('\\n'));`,
      ],
      { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH, TMPDIR: temp } },
    );
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toContain('NativeModule vm');
    expect(stdout).not.toContain('NativeModule child_process');
    expect(stdout).not.toContain('NativeModule net');
  });

  it('fail on a mistake in the configuration with its one line in sight: Node shows the short line of the bundle that threw', () => {
    const dir = workspace({ 'opslint.config.yaml': 'disable: [lambda-tracng]\n' });
    const { status, stderr } = spawnSync(
      process.execPath,
      ['-e', `new (require(${JSON.stringify(path.join(root, 'dist', 'lib', 'cdk'))}).OpsChecks)();`],
      { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, TMPDIR: temp } },
    );
    expect(status).toBe(1);
    const lines = stderr.split('\n');
    expect(lines).toContain(
      'UsageError: opslint.config.yaml:1:11: invalid configuration: "lambda-tracng" is neither a pack nor a rule ' +
        '(did you mean "lambda-tracing"?)',
    );
    // above it, the source line Node quotes (thousands of characters of the bundle before lines were limited)
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(400);
  });
});
