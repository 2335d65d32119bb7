/**
 * The packed package works where it is installed, tried as a new user would: `npm pack` (once), install the
 * tarball into an empty project, run the `opslint` binary from there; then add aws-cdk-lib, constructs and
 * cdk-nag to that project and run `cdk synth` on the plain-JS CDK app of issue 18 with each integration
 * (`opslint/cdk`'s plugin and Aspect, `opslint/cdk-nag`), then `opslint scan cdk.out` as CI would. Also checks
 * that the tarball ships only what runs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { REPO } from '../scripts/support/cli';
import { cdkSynth, childEnv } from './helpers/cdk';
import {
  CDK_CONTEXT,
  REASONS,
  ackId,
  printedViolations,
  sourceLine,
  tarballAppSource,
  type Integration,
  type Printed,
} from './helpers/tarball-app';

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

  /**
   * The app of issue 18 (test/helpers/tarball-app.ts) with each integration, as a new user tries it: plain
   * `cdk synth`, `cdk synth '**'`, acknowledgements, and `opslint scan cdk.out` in CI, all under the team's
   * opslint.config.yaml in the app's folder. Three synths per integration: draft (plain and '**'), acknowledged.
   */
  describe('in a CDK app: API → Lambda → SQS → Lambda → DynamoDB in a VPC, Stages Dev and Prod (the cdk CLI)', () => {
    // a pack and a rule that the app would otherwise break (entry-point-canary on the API, lambda-log-group)
    const CONFIG = '# the team configuration, for CI and for cdk synth\ndisable: [user-experience, lambda-log-group]\n';
    const DISABLED = ['entry-point-canary', 'lambda-log-group'];

    beforeAll(() => {
      install();
      const deps = ['aws-cdk-lib', 'constructs', 'cdk-nag'].map((name) => `${name}@${installedVersion(name)}`);
      run('npm', ['install', ...deps, '--no-audit', '--no-fund', '--prefer-offline'], app);
      writeFileSync(path.join(app, 'cdk.json'), JSON.stringify({ app: 'node app.js' }));
      writeFileSync(path.join(app, 'cdk.context.json'), JSON.stringify(CDK_CONTEXT));
      writeFileSync(path.join(app, 'opslint.config.yaml'), CONFIG);
    }, 300_000);

    interface Synth {
      readonly code: number | null;
      readonly printed: Printed[];
      readonly stderr: string;
    }
    /** writes app.js and runs `cdk synth -q <args>` (the repository's cdk binary) in the project, into a fresh cdk.out */
    const synth = async (
      integration: Integration,
      variant: 'draft' | 'acknowledged',
      ...args: string[]
    ): Promise<Synth> => {
      writeFileSync(path.join(app, 'app.js'), tarballAppSource(integration, variant));
      rmSync(path.join(app, 'cdk.out'), { recursive: true, force: true });
      const { code, stderr } = await cdkSynth(['-q', ...args], app);
      return { code, stderr, printed: printedViolations(stderr) };
    };
    interface Scan {
      readonly status: number | null;
      readonly findings: {
        ruleId: string;
        severity: string;
        message: string;
        constructPath?: string;
        suppressed?: { reason: string; source: string; acknowledgedAt?: string };
      }[];
    }
    /** `opslint scan cdk.out -f json <args>` with the installed binary */
    const scan = (...args: string[]): Scan => {
      const result = spawnSync(
        path.join(app, 'node_modules', '.bin', 'opslint'),
        ['scan', 'cdk.out', '-f', 'json', ...args],
        { cwd: app, env, encoding: 'utf8' },
      );
      return { status: result.status, findings: (JSON.parse(result.stdout) as Pick<Scan, 'findings'>).findings };
    };
    /** the rule id each integration prints for its Stage guard */
    const GUARD: Record<Integration, string> = {
      plugin: 'opslint::findings-in-stages',
      aspect: 'opslint-aspect::findings-in-stages',
      nag: 'opslint-nag::Ops-findings-in-stages',
    };
    const failing = (p: Printed): boolean => p.severity === 'FATAL' || p.severity === 'ERROR';
    const one = (printed: Printed[], rule: string, constructPath: string): Printed => {
      const found = printed.filter((p) => p.rule === rule && p.path === constructPath);
      if (found.length !== 1)
        throw new Error(
          `expected one ${rule} at '${constructPath}', got ${found.length} of ${printed.map((p) => `${p.rule} '${p.path}'`).join('; ')}`,
        );
      return found[0];
    };

    describe.each([
      ['OpsChecks', 'plugin'],
      ['OpsAspect, applied right after new App()', 'aspect'],
      ['OpsNagPack', 'nag'],
    ] as const)('%s', (_name, integration) => {
      let plain: Synth;
      let all: Synth;
      let configured: Scan;
      let unconfigured: Scan;
      let acknowledged: Synth;
      let ciScan: Scan;
      // the lines of the draft app that create the alarm and the API's function
      const draft = tarballAppSource(integration, 'draft');
      const lines = {
        alarm: sourceLine(draft, "createAlarm(this, 'WorkerErrors'"),
        handler: sourceLine(draft, "new lambda.Function(this, 'ApiHandler'"),
      };
      /** the rule id printed with a finding of `r` */
      const rule = (r: string): string => (integration === 'nag' ? `opslint-nag::Ops-${r}` : `opslint::${r}`);

      beforeAll(async () => {
        plain = await synth(integration, 'draft');
        all = await synth(integration, 'draft', '**');
        configured = scan();
        unconfigured = scan('--no-config');
        acknowledged = await synth(integration, 'acknowledged', '**');
        ciScan = scan();
      }, 240_000);

      it('plain `cdk synth` fails on the errors in Stages, saying so in one fatal line at the app', () => {
        expect(plain.code).toBe(1);
        const guard = one(plain.printed, GUARD[integration], '');
        expect(guard.severity).toBe('FATAL');
        expect(guard.acknowledgeable).toBe(false);
        expect(guard.message).toMatch(
          /^2 finding\(s\) at or above "error" in stacks inside Stages \(Dev-Orders, Prod-Orders\)\. `cdk synth` without stack names lists only top-level stacks; `cdk synth '\*\*'` lists each of these findings under its stack/,
        );
        // it is the one error besides the bad acknowledgement (next test)
        const errors = plain.printed.filter((p) => failing(p) && !p.message.startsWith('Acknowledgement of'));
        expect(errors.map((p) => p.rule)).toEqual([GUARD[integration]]);
        // no stack inside a Stage is shown
        expect(plain.printed.filter((p) => p.path !== '').map((p) => `${p.rule} ${p.path}`)).toEqual([]);
        expect(plain.stderr).toMatch(/^Synthesis finished with errors$/m);
      });

      it('plain `cdk synth` prints the acknowledgement with a reason too short made at Stage Dev, and fails on it', () => {
        const bad = `Acknowledgement of ${ackId(integration, 'lambda-tracing')} at Dev needs a reason of at least 10 characters (got "todo")`;
        expect(plain.printed.filter(failing).map((p) => p.message)).toEqual(
          expect.arrayContaining([expect.stringContaining(bad)]),
        );
      });

      it('plain `cdk synth` prints the acknowledgement of a misspelled rule made at Stage Prod, as a warning', () => {
        const bad = `Acknowledgement of ${ackId(integration, 'alarm-action')} at Prod names no opslint rule`;
        expect(plain.printed.map((p) => `${p.severity} ${p.message}`)).toEqual(
          expect.arrayContaining([expect.stringMatching(`^WARNING ${bad}`)]),
        );
      });

      it('`opslint scan cdk.out` reports the bad acknowledgements made at the Stages too, and applies neither', () => {
        const invalid = configured.findings.filter((f) => f.ruleId === 'invalid-suppression');
        expect(invalid.map((f) => [f.constructPath, f.message])).toEqual([
          [
            'Dev',
            `Acknowledgement of ${ackId(integration, 'lambda-tracing')} at Dev needs a reason of at least 10 characters (got "todo"); it does not apply.`,
          ],
          [
            'Prod',
            `Acknowledgement of ${ackId(integration, 'alarm-action')} at Prod names no opslint rule (did you mean "alarm-actions"?); \`opslint rules\` lists them.`,
          ],
        ]);
        expect(configured.findings.filter((f) => f.suppressed !== undefined)).toEqual([]);
      });

      it("`cdk synth '**'` shows each finding under its stack: source line, construct path, best practice", () => {
        expect(all.code).toBe(1);
        expect(one(all.printed, GUARD[integration], '').severity).toBe('FATAL');
        const errors = all.printed.filter((p) => p.severity === 'ERROR' && !p.message.startsWith('Acknowledgement of'));
        expect(errors.map((p) => `${p.rule} ${p.path}`)).toEqual([
          `${rule('alarm-actions')} Dev/Orders/WorkerErrors/Resource`,
          `${rule('alarm-actions')} Prod/Orders/WorkerErrors/Resource`,
        ]);
        for (const stage of ['Dev', 'Prod']) {
          const alarm = one(all.printed, rule('alarm-actions'), `${stage}/Orders/WorkerErrors/Resource`);
          expect(alarm).toMatchObject({
            severity: 'ERROR',
            source: expect.stringMatching(`^app\\.js:${lines.alarm}:\\d+$`),
          });
          expect(alarm.message).toMatch(
            new RegExp('^Alarm WorkerErrors has no AlarmActions, .*\\(OPS08-BP04 Create actionable alerts\\)'),
          );
        }
        const tracing = one(all.printed, rule('lambda-tracing'), 'Prod/Orders/ApiHandler/Resource');
        expect(tracing).toMatchObject({
          severity: 'WARNING',
          source: expect.stringMatching(`^app\\.js:${lines.handler}:\\d+$`),
          acknowledgeable: true,
        });
        expect(tracing.message).toMatch(
          new RegExp(
            '^Lambda function ApiHandler does not send traces to X-Ray; .*\\(OPS04-BP05 Implement distributed tracing\\)',
          ),
        );
      });

      it('`opslint scan cdk.out` fails CI on the same errors: the two alarms and the reason too short', () => {
        const errors = configured.findings.filter((f) => f.severity === 'error' && f.suppressed === undefined);
        expect(errors.map((f) => `${f.ruleId} ${f.constructPath}`)).toEqual([
          'invalid-suppression Dev',
          'alarm-actions Dev/Orders/WorkerErrors/Resource',
          'alarm-actions Prod/Orders/WorkerErrors/Resource',
        ]);
        expect(configured.status).toBe(1);
      });

      it('shows the CDK fix with the finding', () => {
        const alarm = one(all.printed, rule('alarm-actions'), 'Dev/Orders/WorkerErrors/Resource');
        expect(alarm.text).toContain('\n   alarm.addAlarmAction(new cw_actions.SnsAction(onCallTopic));\n');
      });

      it('names constructs as written (no hashed logical ids) and speaks of stacks and the app, not templates', () => {
        const messages = all.printed.map((p) => p.message);
        expect(messages.filter((m) => /\b[A-Za-z]\w*[0-9A-F]{8}\b/.test(m))).toEqual([]);
        expect(messages.filter((m) => /template|cloud assembly/i.test(m))).toEqual([]);
      });

      it('keeps INFO as INFO', () => {
        for (const stage of ['Dev', 'Prod'])
          expect(one(all.printed, rule('lambda-structured-logs'), `${stage}/Orders/Worker/Resource`).severity).toBe(
            'INFO',
          );
      });

      if (integration === 'nag')
        it('gives each finding of one rule its own text: a table, a dead-letter queue, a function, an API stage', () => {
          const coverage = all.printed.filter((p) => p.rule === rule('alarm-coverage') && p.path.startsWith('Dev/'));
          expect(coverage.map((p) => p.path).sort()).toEqual([
            'Dev/Orders/ApiHandler/Resource',
            'Dev/Orders/OrdersApi/DeploymentStage.prod/Resource',
            'Dev/Orders/OrdersDlq/Resource',
            'Dev/Orders/OrdersTable/Resource',
          ]);
          const text = (at: string): string =>
            one(coverage, rule('alarm-coverage'), `Dev/Orders/${at}/Resource`).message;
          expect(text('OrdersTable')).toMatch(/^DynamoDB table OrdersTable .*ThrottleEvents/);
          expect(text('OrdersDlq')).toMatch(/^Dead-letter queue OrdersDlq .*ApproximateNumberOfMessagesVisible/);
          expect(text('ApiHandler')).toMatch(/^Lambda function ApiHandler .*Errors/);
          expect(text('OrdersApi/DeploymentStage.prod')).toMatch(
            /^API Gateway stage OrdersApi\/DeploymentStage\.prod .*5XXError/,
          );
        });

      it('honours opslint.config.yaml in the app folder, as `opslint scan cdk.out` does', () => {
        // without the file, the scan of the same cloud assembly reports the disabled pack and rule
        const reported = (s: Scan): string[] =>
          [...new Set(s.findings.map((f) => f.ruleId).filter((r) => DISABLED.includes(r)))].sort();
        expect(reported(unconfigured)).toEqual(DISABLED);
        expect(reported(configured)).toEqual([]);
        expect(all.printed.filter((p) => DISABLED.some((r) => p.rule === rule(r)))).toEqual([]);
        // the rest of the catalogue still runs
        expect(all.printed.filter((p) => p.rule === rule('lambda-structured-logs'))).toHaveLength(4);
      });

      it('passes `cdk synth` once the findings are acknowledged at Stage Dev, stack Prod/Orders and construct Worker', () => {
        expect({ code: acknowledged.code, failing: acknowledged.printed.filter(failing) }).toEqual({
          code: 0,
          failing: [],
        });
        const open = acknowledged.printed.filter((p) => p.severity !== 'INFO');
        expect(open.filter((p) => p.rule === rule('alarm-actions'))).toEqual([]);
        expect(open.filter((p) => p.rule === rule('lambda-tracing')).map((p) => p.path)).toEqual([
          'Dev/Orders/ApiHandler/Resource',
          'Prod/Orders/ApiHandler/Resource',
        ]);
      });

      if (integration === 'plugin')
        it('names what was acknowledged, where and why, in one line', () => {
          const summary = one(acknowledged.printed, rule('acknowledged-findings'), '');
          expect(summary.severity).toBe('INFO');
          expect(summary.message).toMatch(/^4 finding\(s\) acknowledged: /);
          for (const made of [
            `opslint::alarm-actions at Dev ("${REASONS.stage}")`,
            `opslint::alarm-actions at Prod/Orders ("${REASONS.stack}")`,
            `opslint::lambda-tracing at Dev/Orders/Worker ("${REASONS.construct}")`,
            `opslint::lambda-tracing at Prod/Orders/Worker ("${REASONS.construct}")`,
          ])
            expect(summary.message).toContain(made);
        });

      if (integration === 'aspect')
        it('reports each acknowledged finding as info, with its reason', () => {
          for (const [at, reason] of [
            ['Dev', REASONS.stage],
            ['Prod', REASONS.stack],
          ])
            expect(
              one(acknowledged.printed, rule('alarm-actions'), `${at}/Orders/WorkerErrors/Resource`),
            ).toMatchObject({
              severity: 'INFO',
              message: expect.stringMatching(`^Acknowledged \\(${reason}\\): Alarm WorkerErrors has no AlarmActions`),
            });
        });

      it('`opslint scan cdk.out` (the installed binary) reports the acknowledged findings as suppressed, as synth does', () => {
        const suppressed = ciScan.findings
          .filter((f) => f.suppressed !== undefined)
          .map((f) => ({ rule: f.ruleId, at: f.constructPath, suppressed: f.suppressed }))
          .sort((a, b) => `${a.rule} ${a.at}`.localeCompare(`${b.rule} ${b.at}`));
        const by = (reason: string, acknowledgedAt: string) => ({ reason, source: 'acknowledgement', acknowledgedAt });
        expect(suppressed).toEqual([
          { rule: 'alarm-actions', at: 'Dev/Orders/WorkerErrors/Resource', suppressed: by(REASONS.stage, 'Dev') },
          {
            rule: 'alarm-actions',
            at: 'Prod/Orders/WorkerErrors/Resource',
            suppressed: by(REASONS.stack, 'Prod/Orders'),
          },
          {
            rule: 'lambda-tracing',
            at: 'Dev/Orders/Worker/Resource',
            suppressed: by(REASONS.construct, 'Dev/Orders/Worker'),
          },
          {
            rule: 'lambda-tracing',
            at: 'Prod/Orders/Worker/Resource',
            suppressed: by(REASONS.construct, 'Prod/Orders/Worker'),
          },
        ]);
        // nothing left that fails CI
        expect(ciScan.findings.filter((f) => f.severity === 'error' && f.suppressed === undefined)).toEqual([]);
        expect(ciScan.status).toBe(0);
      });
    });
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
    expect(printedViolations(synth.stderr).filter((p) => p.rule === 'opslint::acme/owner-tag')).toEqual([
      expect.objectContaining({
        severity: 'ERROR',
        message:
          'Queue has no Owner tag; say which team owns it. (OPS02-BP01 Resources have identified owners) (opslint)',
        path: 'Jobs/Queue/Resource',
        source: 'app.js:6:1',
      }),
    ]);
  }, 300_000);
});
