/**
 * The packed package works where it is installed, tried as a new user would: `npm pack` (once), install the
 * tarball into an empty project, run the `opslint` binary from there; then add aws-cdk-lib, constructs and
 * cdk-nag to that project and run `cdk synth` on a plain-JS CDK app that uses `opslint/cdk` (the plugin, then
 * the aspect) and `opslint/cdk-nag`. Also checks that the tarball ships only what runs.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { REPO } from '../scripts/support/cli';
import { cdkSynth, childEnv, pluginReport, reportBlocks } from './helpers/cdk';

const pkg = require('../package.json') as { version: string; name: string };

// no npm_* variables (npm passes its own configuration to scripts through them; the nested npm must not inherit them)
const env = childEnv;
const run = (cmd: string, args: string[], cwd: string): string =>
  execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
/** the version of a package installed in the repository, so the new project installs it from the npm cache */
const installedVersion = (name: string): string =>
  (require(path.join(REPO, 'node_modules', name, 'package.json')) as { version: string }).version;

describe('the packed package', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'opslint-pack-'));
  let tarball = '';
  let files: string[] = [];

  beforeAll(() => {
    const out = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], REPO)) as {
      filename: string;
      files: { path: string }[];
    }[];
    tarball = path.join(work, out[0].filename);
    files = out[0].files.map((f) => f.path);
  }, 120_000);

  // the project holds aws-cdk-lib: some 200 MB per run
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('ships the compiled code and nothing of the development tree', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'dist/bin/opslint.js',
        'dist/lib/index.js',
        'dist/lib/index.d.ts',
      ]),
    );
    const strays = files.filter(
      (f) =>
        /^(test|fixtures|bench|examples|lib|rules|bin)\//.test(f) ||
        (/\.ts$/.test(f) && !/\.d\.ts$/.test(f)) ||
        /\.map$/.test(f),
    );
    expect(strays).toEqual([]);
  });

  it('runs nothing when installed: no install scripts, so npm has nothing to warn about or build', () => {
    const manifest = JSON.parse(run('tar', ['-xOzf', tarball, 'package/package.json'], work)) as {
      scripts?: Record<string, string>;
    };
    const lifecycle = ['preinstall', 'install', 'postinstall', 'prepare'];
    expect(Object.keys(manifest.scripts ?? {}).filter((s) => lifecycle.includes(s))).toEqual([]);
  });

  // the empty project, with the tarball installed by whichever test needs it first
  const app = path.join(work, 'app');
  let installed = false;
  const install = (): void => {
    if (installed) return;
    mkdirSync(app, { recursive: true });
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    run('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline'], app);
    installed = true;
  };

  it('installs into an empty project and runs `opslint`', () => {
    install();
    expect(run('npx', ['--no-install', 'opslint', '--version'], app).trim()).toBe(pkg.version);
    const template = path.join(app, 'template.yaml');
    writeFileSync(
      template,
      'Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs20.x\n',
    );
    let output = '';
    try {
      run(
        'npx',
        [
          '--no-install',
          'opslint',
          'scan',
          'template.yaml',
          '--rule',
          'lambda-tracing',
          '--fail-on',
          'warning',
          '--format',
          'json',
        ],
        app,
      );
    } catch (error) {
      const e = error as { status: number; stdout: string };
      expect(e.status).toBe(1);
      output = e.stdout;
    }
    const report = JSON.parse(output) as { findings: { ruleId: string; line: number }[] };
    expect(report.findings.map((f) => [f.ruleId, f.line])).toEqual([['lambda-tracing', 4]]);
    // the public API loads from the installed package
    const api = run(
      'node',
      [
        '-e',
        "const o = require('opslint'); console.log(typeof o.defineRule, typeof o.scanPaths, typeof require('opslint/testing').RuleTester)",
      ],
      app,
    );
    expect(api.trim()).toBe('function function function');
  }, 180_000);

  describe('in a CDK app (plain JavaScript, the cdk CLI)', () => {
    type Check = 'plugin' | 'aspect' | 'nag';
    const REASONS = {
      'lambda-tracing': 'tracing is collected by the shared ADOT layer',
      'alarm-actions': 'this alarm only feeds a dashboard',
    };
    const SELECTION = "{ packs: ['tracing', 'alarms'] }";

    /**
     * app.js: one stack with a Lambda without tracing and an alarm on its errors without actions. Each check runs
     * the packs these findings belong to, so that the test stays about the installed package, not the catalogue.
     */
    const appSource = (check: Check, acknowledge: boolean): string =>
      [
        "const { App, Stack, Validations } = require('aws-cdk-lib');",
        "const lambda = require('aws-cdk-lib/aws-lambda');",
        check === 'nag'
          ? "const { OpsNagPack } = require('opslint/cdk-nag');"
          : `const { ${check === 'plugin' ? 'OpsChecks' : 'OpsAspect'} } = require('opslint/cdk');`,
        '',
        'const app = new App();',
        "const stack = new Stack(app, 'Orders');",
        "const fn = new lambda.Function(stack, 'Handler', {",
        '  runtime: lambda.Runtime.NODEJS_22_X,',
        "  handler: 'index.handler',",
        "  code: lambda.Code.fromInline('exports.handler = async () => ({});'),",
        '});',
        "const alarm = fn.metricErrors().createAlarm(stack, 'Errors', { threshold: 1, evaluationPeriods: 1 });",
        ...(acknowledge
          ? [
              `Validations.of(fn).acknowledge({ id: 'opslint::lambda-tracing', reason: '${REASONS['lambda-tracing']}' });`,
              `Validations.of(alarm).acknowledge({ id: 'opslint::alarm-actions', reason: '${REASONS['alarm-actions']}' });`,
            ]
          : []),
        {
          plugin: `Validations.of(app).addPlugins(new OpsChecks(${SELECTION}));`,
          aspect: `OpsAspect.applyTo(app, ${SELECTION});`,
          nag: `Validations.of(app).addPlugins(new OpsNagPack(app, ${SELECTION}));`,
        }[check],
        'app.synth();',
        '',
      ].join('\n');

    /** writes app.js and runs `cdk synth` (the repository's cdk binary) in the project, into a fresh cdk.out */
    const synth = async (check: Check, acknowledge: boolean) => {
      const source = appSource(check, acknowledge);
      writeFileSync(path.join(app, 'app.js'), source);
      rmSync(path.join(app, 'cdk.out'), { recursive: true, force: true });
      const result = await cdkSynth(['-q'], app);
      const alarmLine = source.split('\n').findIndex((l) => l.includes('createAlarm(')) + 1;
      return { ...result, alarmLine };
    };

    beforeAll(() => {
      install();
      const deps = ['aws-cdk-lib', 'constructs', 'cdk-nag'].map((name) => `${name}@${installedVersion(name)}`);
      run('npm', ['install', ...deps, '--no-audit', '--no-fund', '--prefer-offline'], app);
      writeFileSync(path.join(app, 'cdk.json'), JSON.stringify({ app: 'node app.js' }));
    }, 300_000);

    it('OpsChecks fails synthesis with a readable report, and passes once the findings are acknowledged', async () => {
      const draft = await synth('plugin', false);
      expect(draft.code).toBe(1);
      const [alarm] = reportBlocks(draft.stderr, 'Orders/Errors/Resource');
      expect(alarm).toMatch(/^ERROR Alarm Errors[0-9A-F]{8} has no AlarmActions/m);
      expect(alarm).toContain(`app.js:${draft.alarmLine}:`);
      expect(alarm).toContain('OPS08-BP04 Create actionable alerts');
      expect(alarm).toContain("Acknowledge with 'opslint::alarm-actions'");
      const [tracing] = reportBlocks(draft.stderr, 'Orders/Handler/Resource');
      expect(tracing).toMatch(/^WARNING Lambda function Handler[0-9A-F]{8} does not send traces to X-Ray/m);
      expect(tracing).toContain('OPS04-BP05 Implement distributed tracing');
      expect(tracing).toContain("Acknowledge with 'opslint::lambda-tracing'");

      const acknowledged = await synth('plugin', true);
      expect({ code: acknowledged.code, stderr: acknowledged.stderr }).toMatchObject({ code: 0 });
      const report = pluginReport(path.join(app, 'cdk.out'));
      expect(report.conclusion).toBe('success');
      expect(report.violations.filter((v) => v.severity === 'error')).toEqual([]);
      const suppressed = (report.suppressedViolations ?? []).map((v) => ({
        rule: v.ruleName,
        id: v.acknowledgedId,
        reason: v.reason,
        at: v.acknowledgedAt,
        constructs: v.violatingConstructs.map((c) => c.constructPath),
      }));
      expect(suppressed).toEqual(
        expect.arrayContaining([
          {
            rule: 'alarm-actions',
            id: 'opslint::alarm-actions',
            reason: REASONS['alarm-actions'],
            at: 'Orders/Errors',
            constructs: ['Orders/Errors/Resource'],
          },
          {
            rule: 'lambda-tracing',
            id: 'opslint::lambda-tracing',
            reason: REASONS['lambda-tracing'],
            at: 'Orders/Handler',
            constructs: ['Orders/Handler/Resource'],
          },
        ]),
      );
    }, 120_000);

    it('OpsAspect fails and passes the same way', async () => {
      const draft = await synth('aspect', false);
      expect(draft.code).toBe(1);
      const [alarm] = reportBlocks(draft.stderr, 'Orders/Errors/Resource');
      expect(alarm).toMatch(
        /^ERROR Alarm Errors[0-9A-F]{8} has no AlarmActions.*\(OPS08-BP04 Create actionable alerts\)/m,
      );
      expect(alarm).toContain('opslint::alarm-actions');
      const [tracing] = reportBlocks(draft.stderr, 'Orders/Handler/Resource');
      expect(tracing).toMatch(
        /^WARNING Lambda function Handler[0-9A-F]{8} does not send traces to X-Ray.*\(OPS04-BP05 Implement distributed tracing\)/m,
      );
      expect(tracing).toContain("Acknowledge with 'opslint::lambda-tracing'");

      const acknowledged = await synth('aspect', true);
      expect({ code: acknowledged.code, stderr: acknowledged.stderr }).toMatchObject({ code: 0 });
      // the aspect reports an acknowledged finding as info, with its reason
      const [ackedAlarm] = reportBlocks(acknowledged.stderr, 'Orders/Errors/Resource');
      expect(ackedAlarm).toMatch(new RegExp(`^INFO Acknowledged \\(${REASONS['alarm-actions']}\\): Alarm Errors`, 'm'));
      const [ackedTracing] = reportBlocks(acknowledged.stderr, 'Orders/Handler/Resource');
      expect(ackedTracing).toMatch(
        new RegExp(`^INFO Acknowledged \\(${REASONS['lambda-tracing']}\\): Lambda function Handler`, 'm'),
      );
      expect(acknowledged.stderr).not.toMatch(/^(ERROR|WARNING) /m);
    }, 120_000);

    it('OpsNagPack loads from opslint/cdk-nag and fails synthesis on the same alarm', async () => {
      const loaded = run(
        'node',
        [
          '-e',
          "const { OpsNagPack } = require('opslint/cdk-nag'); const p = new OpsNagPack(); console.log(p.name, p.ruleIds.includes('Ops-alarm-actions'))",
        ],
        app,
      );
      expect(loaded.trim()).toBe('opslint-nag true');
      const draft = await synth('nag', false);
      expect(draft.code).toBe(1);
      const [alarm] = reportBlocks(draft.stderr, 'Orders/Errors/Resource');
      expect(alarm).toMatch(
        /^ERROR Alarm Errors[0-9A-F]{8} has no AlarmActions.*\(OPS08-BP04 Create actionable alerts\) \(opslint-nag\)$/m,
      );
    }, 120_000);
  });
});

describe("a platform team's own pack, end to end", () => {
  // scaffold → write rules → test → pack → install into a project → opslint scan and cdk synth
  const work = mkdtempSync(path.join(tmpdir(), 'opslint-teampack-'));
  const packDir = path.join(work, 'opslint-pack');
  const app = path.join(work, 'app');
  let opslintTarball = '';
  let packTarball = '';

  beforeAll(() => {
    opslintTarball = path.join(
      work,
      (JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], REPO)) as { filename: string }[])[0]
        .filename,
    );
    mkdirSync(app);
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    const deps = ['aws-cdk-lib', 'constructs'].map((name) => `${name}@${installedVersion(name)}`);
    run('npm', ['install', opslintTarball, ...deps, '--no-audit', '--no-fund', '--prefer-offline'], app);
  }, 300_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('scaffolds a pack whose tests pass once opslint is installed into it, and packs it', () => {
    const created = run(path.join(app, 'node_modules', '.bin', 'opslint'), ['new-pack', '@acme/opslint-pack'], work);
    expect(created).toContain('created opslint-pack/ (pack "acme"');
    // a second rule of the team's own, in YAML
    const yamlFile = path.join(packDir, 'rules.yaml');
    writeFileSync(
      yamlFile,
      `${require('node:fs').readFileSync(yamlFile, 'utf8')}  - id: acme/queue-retention\n    title: Queues keep messages four days\n    bestPractice: OPS10-BP01\n    severity: error\n    resourceTypes: [AWS::SQS::Queue]\n    path: Properties.MessageRetentionPeriod\n    condition: { atLeast: 345600 }\n    message: 'Queue {{resource}} keeps messages {{value}} seconds.'\n    messageWhenAbsent: 'Queue {{resource}} does not set MessageRetentionPeriod; set at least four days.'\n`,
    );
    // with its fixtures: the pack's test fails for a rule without them
    const fixtures = path.join(packDir, 'fixtures', 'queue-retention');
    mkdirSync(fixtures);
    writeFileSync(
      path.join(fixtures, 'pass-four-days.yaml'),
      'Resources:\n  Jobs:\n    Type: AWS::SQS::Queue\n    Properties:\n      MessageRetentionPeriod: 345600\n',
    );
    writeFileSync(
      path.join(fixtures, 'fail-one-minute.yaml'),
      'Resources:\n  Jobs:\n    Type: AWS::SQS::Queue\n    Properties:\n      MessageRetentionPeriod: 60\n',
    );
    writeFileSync(
      path.join(fixtures, 'expected.json'),
      JSON.stringify({ 'fail-one-minute.yaml': { errors: [{ messageId: 'failed', resource: 'Jobs', line: 5 }] } }),
    );
    // one step: opslint (a peer dependency; here the tarball) and, with it, the pack's other dev dependencies
    run('npm', ['install', '--save-dev', opslintTarball, '--no-audit', '--no-fund', '--prefer-offline'], packDir);
    const tests = execFileSync('npm', ['test'], {
      cwd: packDir,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(tests).toBeDefined();
    packTarball = path.join(
      packDir,
      (JSON.parse(run('npm', ['pack', '--json'], packDir)) as { filename: string }[])[0].filename,
    );
    expect(require('node:fs').existsSync(packTarball)).toBe(true);
  }, 300_000);

  it('its findings appear in `opslint scan` (by configuration) and in `cdk synth`', async () => {
    run('npm', ['install', packTarball, '--no-audit', '--no-fund', '--prefer-offline'], app);
    writeFileSync(path.join(app, 'opslint.config.yaml'), "packs: ['@acme/opslint-pack']\n");
    writeFileSync(
      path.join(app, 'queue.yaml'),
      'Resources:\n  Jobs:\n    Type: AWS::SQS::Queue\n    Properties:\n      MessageRetentionPeriod: 60\n',
    );
    let out = '';
    try {
      run(
        path.join(app, 'node_modules', '.bin', 'opslint'),
        ['scan', 'queue.yaml', '--pack', 'acme', '--format', 'json'],
        app,
      );
    } catch (error) {
      out = (error as { stdout: string }).stdout;
    }
    const report = JSON.parse(out) as { findings: { ruleId: string; message: string }[] };
    expect(report.findings.map((f) => f.ruleId)).toEqual(['acme/owner-tag', 'acme/queue-retention']);
    expect(report.findings[1].message).toBe('Queue Jobs keeps messages 60 seconds.');

    // an ES-module pack loads too
    writeFileSync(
      path.join(app, 'esm-pack.mjs'),
      "export default { id: 'esm', rules: [{ id: 'esm/no-queues', title: 'No queues here', bestPractice: 'OPS10-BP01', severity: 'error', resourceTypes: ['AWS::SQS::Queue'], check(r, ctx) { ctx.report({ message: 'No queues.' }); } }] };\n",
    );
    try {
      run(
        path.join(app, 'node_modules', '.bin', 'opslint'),
        ['scan', 'queue.yaml', '--no-config', '--load-pack', './esm-pack.mjs', '--pack', 'esm', '--format', 'json'],
        app,
      );
    } catch (error) {
      out = (error as { stdout: string }).stdout;
    }
    expect((JSON.parse(out) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId)).toEqual([
      'esm/no-queues',
    ]);

    writeFileSync(
      path.join(app, 'app.js'),
      [
        "const { App, Stack, Validations } = require('aws-cdk-lib');",
        "const sqs = require('aws-cdk-lib/aws-sqs');",
        "const { OpsChecks } = require('opslint/cdk');",
        "const acme = require('@acme/opslint-pack').pack;",
        'const app = new App();',
        "new sqs.Queue(new Stack(app, 'Jobs'), 'Queue');",
        "Validations.of(app).addPlugins(new OpsChecks({ rulePacks: [acme], packs: ['acme'] }));",
        'app.synth();',
        '',
      ].join('\n'),
    );
    writeFileSync(path.join(app, 'cdk.json'), JSON.stringify({ app: 'node app.js' }));
    const synth = await cdkSynth(['-q'], app);
    expect(synth.code).toBe(1);
    const [block] = reportBlocks(synth.stderr, 'Jobs/Queue/Resource', 'acme/owner-tag');
    expect(block).toMatch(/^ERROR Queue[0-9A-F]{8} has no Owner tag; say which team owns it\./m);
  }, 300_000);
});
