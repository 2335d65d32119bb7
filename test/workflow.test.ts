/**
 * The pull-request workflow around the reports: suppressions in templates, the baseline, the configuration
 * file, `opslint init`, `--changed-since`, and the pre-commit entry.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ScanReport } from '../lib/engine/finding';
import { PLACEHOLDER_REASON } from '../lib/engine/suppress';
import { runCli } from '../scripts/support/cli';
import { yaml } from './helpers/yaml';
import { workspace } from './helpers/workspace';

const json = (stdout: string): ScanReport => JSON.parse(stdout) as ScanReport;

const FUNCTION = (metadata = '') => yaml`
  Resources:
    Orders:
      Type: AWS::Lambda::Function${metadata}
      Properties:
        Runtime: nodejs22.x
        Handler: index.handler
        Role: arn:aws:iam::123456789012:role/orders
        Code: {ZipFile: 'exports.handler = async () => ({});'}
`;

const scan = async (dir: string, ...args: string[]) => {
  const r = await runCli(['scan', '.', '--rule', 'lambda-tracing', '--format', 'json', ...args], { cwd: dir });
  return { ...r, report: r.stdout ? json(r.stdout) : undefined };
};

describe('suppressions in templates', () => {
  const suppressed = (entry: string) =>
    FUNCTION(`
      Metadata:
        opslint:
          suppress:
            - ${entry}`);

  it('suppress a resource finding with a reason: it stays in the report, marked, and does not count', async () => {
    const dir = workspace({
      't.yaml': suppressed('{id: lambda-tracing, reason: Traced by the service mesh sidecar instead}'),
    });
    const { code, report } = await scan(dir, '--fail-on', 'warning');
    expect(code).toBe(0);
    expect(report!.findings).toEqual([
      expect.objectContaining({
        ruleId: 'lambda-tracing',
        resource: 'Orders',
        suppressed: { reason: 'Traced by the service mesh sidecar instead', source: 'resource' },
      }),
    ]);
    expect(report!.summary.suppressed).toBe(1);
    expect(report!.summary.findings.total).toBe(0);
    const bp = report!.summary.scorecard.questions.flatMap((q) => q.bestPractices).find((b) => b.id === 'OPS04-BP05')!;
    expect(bp).toMatchObject({ resources: 1, passed: 0, failed: 0, suppressed: 1 });
  });

  it('at template level, suppress the rule for every resource of the template', async () => {
    const text = `Metadata:\n  opslint:\n    suppress:\n      - id: lambda-tracing\n        reason: This template is a throwaway load test\n${FUNCTION()}`;
    const { report } = await scan(workspace({ 't.yaml': text }));
    expect(report!.findings.map((f) => f.suppressed?.source)).toEqual(['template']);
  });

  it('without a reason, do not apply and are reported themselves', async () => {
    const { code, report } = await scan(
      workspace({ 't.yaml': suppressed('{id: lambda-tracing, reason: later}') }),
      '--fail-on',
      'warning',
    );
    expect(code).toBe(1);
    expect(report!.findings.map((f) => [f.ruleId, f.severity, f.suppressed, f.line])).toEqual([
      ['invalid-suppression', 'warning', undefined, 7],
      ['lambda-tracing', 'warning', undefined, 8],
    ]);
    expect(report!.findings[0].message).toBe(
      'Suppression of lambda-tracing needs a reason of at least 10 characters (got "later"); it does not apply.',
    );
    expect(report!.findings[0].bestPractice).toBe('OPS02-BP05');
  });

  it('with a placeholder for a reason (TODO, FIXME, TBD, XXX, the editor placeholder), do not apply and are reported', async () => {
    const reasons = [
      'TODO: replace with why this finding is accepted here',
      'fixme - ask the platform team',
      'TBD (after the migration)',
      'XXX write this before merging',
      PLACEHOLDER_REASON,
    ];
    const dir = workspace(
      Object.fromEntries(
        reasons.map((reason, i) => [`t${i}.yaml`, suppressed(`{id: lambda-tracing, reason: '${reason}'}`)]),
      ),
    );
    const { code, report } = await scan(dir, '--fail-on', 'warning');
    expect(code).toBe(1);
    expect(report!.summary.suppressed).toBe(0);
    expect(report!.findings.map((f) => [f.file, f.ruleId, f.suppressed])).toEqual(
      reasons.flatMap((_, i) => [
        [`t${i}.yaml`, 'invalid-suppression', undefined],
        [`t${i}.yaml`, 'lambda-tracing', undefined],
      ]),
    );
    expect(report!.findings[0].message).toBe(
      'Suppression of lambda-tracing has a placeholder for a reason (got "TODO: replace with why this finding is accepted here"); write why the finding is accepted here: until then it does not apply.',
    );
    // a reason that merely starts with those letters is one
    const todos = await scan(
      workspace({ 't.yaml': suppressed('{id: lambda-tracing, reason: Todos of this team are traced by the caller}') }),
      '--fail-on',
      'warning',
    );
    expect(todos.code).toBe(0);
    expect(todos.report!.summary.suppressed).toBe(1);
  });

  it('after their expiry date, give the finding back, saying so', async () => {
    const { report } = await scan(
      workspace({
        't.yaml': suppressed("{id: lambda-tracing, reason: Until the tracing migration lands, expires: '2020-01-31'}"),
      }),
    );
    expect(report!.findings).toHaveLength(1);
    expect(report!.findings[0].suppressed).toBeUndefined();
    expect(report!.findings[0].message).toMatch(/ Its suppression expired on 2020-01-31\.$/);
    const future = await scan(
      workspace({
        't.yaml': suppressed("{id: lambda-tracing, reason: Until the tracing migration lands, expires: '2999-01-31'}"),
      }),
    );
    expect(future.report!.findings[0].suppressed).toEqual({
      reason: 'Until the tracing migration lands',
      expires: '2999-01-31',
      source: 'resource',
    });
  });

  it('that name an unknown rule, or a rule the configuration keeps unsuppressible, are reported', async () => {
    const unknown = await scan(
      workspace({ 't.yaml': suppressed('{id: lambda-tracin, reason: A typo in the rule id here}') }),
    );
    expect(unknown.report!.findings.map((f) => f.message)).toContain(
      'Suppression of lambda-tracin names no opslint rule (did you mean "lambda-tracing"?); `opslint rules` lists them.',
    );
    const dir = workspace({
      't.yaml': suppressed('{id: lambda-tracing, reason: We would rather not trace this one}'),
      'opslint.config.yaml': 'suppressions:\n  unsuppressible: [lambda-tracing]\n',
    });
    const { report } = await scan(dir);
    expect(report!.findings.map((f) => [f.ruleId, f.suppressed])).toEqual([
      ['invalid-suppression', undefined],
      ['lambda-tracing', undefined],
    ]);
    expect(report!.findings[0].message).toBe(
      'Rule lambda-tracing may not be suppressed (configuration: suppressions.unsuppressible); the suppression does not apply.',
    );
  });
});

describe('baseline', () => {
  it('records findings without lines; reports only new ones, counts known ones, and lists the fixed', async () => {
    const two =
      `${FUNCTION()}\n` +
      yaml`
      Other:
        Type: AWS::Lambda::Function
        Properties: {Runtime: nodejs22.x}
    `.replace(/^/gm, '  ');
    const dir = workspace({ 't.yaml': two });
    const written = await runCli(
      ['scan', '.', '--rule', 'lambda-tracing', '--write-baseline', 'opslint-baseline.json'],
      { cwd: dir },
    );
    expect(written.stderr).toBe('opslint: wrote 2 finding(s) to the baseline opslint-baseline.json\n');
    const baseline = JSON.parse(readFileSync(path.join(dir, 'opslint-baseline.json'), 'utf8')) as {
      findings: unknown[];
    };
    expect(baseline.findings).toEqual([
      {
        ruleId: 'lambda-tracing',
        file: 't.yaml',
        resource: 'Orders',
        path: 'Resources.Orders.Properties.TracingConfig.Mode',
      },
      {
        ruleId: 'lambda-tracing',
        file: 't.yaml',
        resource: 'Other',
        path: 'Resources.Other.Properties.TracingConfig.Mode',
      },
    ]);

    // lines move: still known
    writeFileSync(path.join(dir, 't.yaml'), `# a comment\n# and another\n${two}`);
    let r = await scan(dir, '--baseline', 'opslint-baseline.json', '--fail-on', 'warning');
    expect(r.code).toBe(0);
    expect(r.report!.findings).toEqual([]);
    expect(r.report!.summary.baseline).toEqual({ file: 'opslint-baseline.json', known: 2, fixed: [] });

    // one fixed, one new
    const changed = `${two.replace('Properties: {Runtime: nodejs22.x}', 'Properties: {Runtime: nodejs22.x, TracingConfig: {Mode: Active}}')}\n  Third:\n    Type: AWS::Lambda::Function\n`;
    writeFileSync(path.join(dir, 't.yaml'), changed);
    r = await scan(dir, '--baseline', 'opslint-baseline.json', '--fail-on', 'warning');
    expect(r.code).toBe(1);
    expect(r.report!.findings.map((f) => f.resource)).toEqual(['Third']);
    expect(r.report!.summary.baseline).toEqual({
      file: 'opslint-baseline.json',
      known: 1,
      fixed: [
        {
          ruleId: 'lambda-tracing',
          file: 't.yaml',
          resource: 'Other',
          path: 'Resources.Other.Properties.TracingConfig.Mode',
        },
      ],
    });
  });

  it('is taken from the configuration, relative to it', async () => {
    const dir = workspace({ 'infra/t.yaml': FUNCTION(), 'opslint.config.yml': 'baseline: ci/known.json\n' });
    await runCli(['scan', 'infra', '--rule', 'lambda-tracing', '--write-baseline', 'ci/known.json'], { cwd: dir });
    const { report } = await scan(path.join(dir), '--no-config');
    expect(report!.findings).toHaveLength(1);
    const withConfig = await runCli(['scan', 'infra', '--rule', 'lambda-tracing', '--format', 'json'], { cwd: dir });
    expect(json(withConfig.stdout).summary.baseline).toMatchObject({ known: 1 });
  });

  it('reports an unreadable baseline as one line', async () => {
    const { code, stderr } = await runCli(['scan', '.', '--baseline', 'missing.json'], {
      cwd: workspace({ 't.yaml': FUNCTION() }),
    });
    expect(code).toBe(2);
    expect(stderr).toBe(
      'opslint: missing.json: no baseline here yet; `opslint scan --write-baseline missing.json` records the current ' +
        'findings in it\n',
    );
  });
});

describe('configuration', () => {
  it('is found upward, and turns rules off, sets severities and options, ignores paths', async () => {
    const dir = workspace({
      'opslint.config.yaml': yaml`
        failOn: warning
        rules:
          lambda-tracing: error
        disable: [flow-logs]
        ignore: [generated/**]
        parameters: {Mode: PassThrough}
      `,
      'app/t.yaml': FUNCTION(),
      'generated/g.yaml': FUNCTION(),
    });
    const { code, stdout } = await runCli(['scan', '.', '--pack', 'tracing', '--format', 'json'], {
      cwd: path.join(dir, 'app'),
    });
    expect(code).toBe(1);
    expect(json(stdout).findings.map((f) => [f.ruleId, f.severity])).toEqual([['lambda-tracing', 'error']]);
    const all = await runCli(['scan', dir, '--pack', 'tracing', '--format', 'json'], { cwd: dir });
    expect(json(all.stdout).summary.files).toEqual(['app/t.yaml']);
  });

  it('lets --rule turn on a rule the file turns off, as ESLint and the CDK props do', async () => {
    const dir = workspace({
      'opslint.config.yaml': 'disable: [lambda-tracing]\nrules:\n  lambda-structured-logs: off\n',
      't.yaml': FUNCTION(),
    });
    const named = await runCli(
      ['scan', '.', '--rule', 'lambda-tracing', '--rule', 'lambda-structured-logs', '--format', 'json'],
      { cwd: dir },
    );
    expect(json(named.stdout).findings.map((f) => f.ruleId)).toEqual(['lambda-structured-logs', 'lambda-tracing']);
    const unnamed = await runCli(['scan', '.', '--pack', 'tracing', '--format', 'json'], { cwd: dir });
    expect(json(unnamed.stdout).findings.map((f) => f.ruleId)).toEqual([]);
  });

  it.each([
    [
      'an unknown key',
      'failOn: error\nrulez:\n  x: off\n',
      'opslint.config.yaml:2:1: invalid configuration: unknown key "rulez" in the configuration',
    ],
    [
      'a bad severity',
      'rules:\n  lambda-tracing: fatal\n',
      'opslint.config.yaml:2:3: invalid configuration: rules.lambda-tracing must be one of off, error, warning, info',
    ],
    [
      'a bad fail level',
      'failOn: sometimes\n',
      'opslint.config.yaml:1:1: invalid configuration: failOn must be one of error, warning, info, none',
    ],
    [
      'an unknown rule',
      'rules:\n  lambda-trace: off\n',
      'opslint.config.yaml:2:3: invalid configuration: unknown rule "lambda-trace" (did you mean "lambda-tracing"?); ' +
        '`opslint rules` lists them',
    ],
    [
      'an unknown pack in disable',
      'disable: [tracing, nope]\n',
      'opslint.config.yaml:1:20: invalid configuration: "nope" is neither a pack nor a rule',
    ],
    ['invalid YAML', 'rules: [\n', 'opslint.config.yaml:2:1: invalid YAML: '],
  ])('rejects %s with one line naming file, line and column', async (_what, text, message) => {
    const dir = workspace({ 'opslint.config.yaml': text, 't.yaml': FUNCTION() });
    const { code, stdout, stderr } = await runCli(['scan', '.'], { cwd: dir });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.startsWith(`opslint: ${message}`)).toBe(true);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('is read from --config, and ignored with --no-config', async () => {
    const dir = workspace({ 'ci.json': '{"rules": {"lambda-tracing": "off"}}', 't.yaml': FUNCTION() });
    expect(
      json(
        (await runCli(['scan', '.', '--pack', 'tracing', '--config', 'ci.json', '--format', 'json'], { cwd: dir }))
          .stdout,
      ).findings,
    ).toEqual([]);
    expect(
      json((await runCli(['scan', '.', '--pack', 'tracing', '--no-config', '--format', 'json'], { cwd: dir })).stdout)
        .findings,
    ).toHaveLength(1);
  });

  it('`opslint init` writes a commented starter that validates, and refuses to overwrite', async () => {
    const dir = workspace({ 't.yaml': FUNCTION() });
    const first = await runCli(['init'], { cwd: dir });
    expect(first).toMatchObject({ code: 0, stdout: 'wrote opslint.config.yaml\n' });
    const text = readFileSync(path.join(dir, 'opslint.config.yaml'), 'utf8');
    expect(text).toContain('# opslint configuration');
    expect(text).toContain('$schema=./node_modules/opslint/schema/opslint.config.schema.json');
    expect((await runCli(['scan', '.', '--pack', 'tracing'], { cwd: dir })).code).toBe(0);
    const again = await runCli(['init'], { cwd: dir });
    expect(again).toMatchObject({
      code: 2,
      stderr: 'opslint: opslint.config.yaml already exists; use --force to overwrite it\n',
    });
    expect((await runCli(['init', '--force'], { cwd: dir })).code).toBe(0);
  });
});

describe('--changed-since', () => {
  const git = (dir: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, stdio: 'pipe' });

  it('scans only the templates changed since a ref, committed or not, and new files', async () => {
    const dir = workspace({ 'a.yaml': FUNCTION(), 'b.yaml': FUNCTION(), 'c.yaml': FUNCTION() });
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'base');
    writeFileSync(path.join(dir, 'b.yaml'), `# changed\n${FUNCTION()}`);
    writeFileSync(path.join(dir, 'd.yaml'), FUNCTION());
    const { report } = await scan(dir, '--changed-since', 'HEAD');
    expect(report!.summary.files).toEqual(['b.yaml', 'd.yaml']);
  });

  it('scans a cdk.out app when the source of one of its constructs changed', async () => {
    const dir = workspace({
      'stack.js': [
        // the repository's aws-cdk-lib, by absolute path: the temporary folder has no node_modules
        `const { App, Stack } = require(${JSON.stringify(require.resolve('aws-cdk-lib'))});`,
        `const lambda = require(${JSON.stringify(require.resolve('aws-cdk-lib/aws-lambda'))});`,
        'module.exports = (outdir) => {',
        '  const app = new App({ outdir, builtinCloudFormationValidation: false });',
        "  const stack = new Stack(app, 'Api');",
        "  new lambda.Function(stack, 'Handler', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('x') });",
        '  app.synth();',
        '};',
        '',
      ].join('\n'),
    });
    git(dir, 'init', '-q');
    writeFileSync(path.join(dir, '.gitignore'), 'cdk.out/\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'base');
    (require(path.join(dir, 'stack.js')) as (outdir: string) => void)(path.join(dir, 'cdk.out'));
    const unchanged = await scan(dir, '--changed-since', 'HEAD');
    expect(unchanged.report!.summary.files).toEqual([]);
    writeFileSync(path.join(dir, 'stack.js'), `${readFileSync(path.join(dir, 'stack.js'), 'utf8')}// edited\n`);
    const changed = await scan(dir, '--changed-since', 'HEAD');
    expect(changed.report!.summary.files).toEqual(['cdk.out/Api.template.json']);
    expect(changed.report!.findings.map((f) => [f.ruleId, f.constructPath, f.source])).toEqual([
      ['lambda-tracing', 'Api/Handler/Resource', 'stack.js:6:3'],
    ]);
  });

  it('is a clear error outside a git repository, or with an unknown ref', async () => {
    const dir = workspace({ 'a.yaml': FUNCTION() });
    const outside = await runCli(['scan', '.', '--changed-since', 'main'], { cwd: dir });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toBe(`opslint: --changed-since needs a git repository, and ${dir} is not in one\n`);
    git(dir, 'init', '-q');
    const bad = await runCli(['scan', '.', '--changed-since', 'no-such-ref'], { cwd: dir });
    expect(bad.stderr).toBe('opslint: --changed-since: unknown git ref "no-such-ref"\n');
  });
});

describe('pre-commit', () => {
  it('skips the named files that are not templates', async () => {
    const dir = workspace({ 't.yaml': FUNCTION(), '.github/workflows/ci.yml': 'on: push\njobs: {}\n' });
    const strict = await runCli(['scan', 't.yaml', '.github/workflows/ci.yml', '--pack', 'tracing'], { cwd: dir });
    expect(strict.code).toBe(2);
    const lenient = await runCli(
      [
        'scan',
        't.yaml',
        '.github/workflows/ci.yml',
        '--pack',
        'tracing',
        '--ignore-non-templates',
        '--fail-on',
        'none',
      ],
      { cwd: dir },
    );
    expect(lenient.code).toBe(0);
    const hook = readFileSync(path.join(__dirname, '..', '.pre-commit-hooks.yaml'), 'utf8');
    expect(hook).toContain('entry: opslint scan --ignore-non-templates');
  });
});
