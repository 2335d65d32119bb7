/**
 * The CDK integrations (`OpsChecks`, `OpsAspect`, `OpsNagPack`) read `opslint.config.*` as `opslint scan` does:
 * found from the working directory (where `cdk synth` runs the app), its rule selection, packs, failOn and
 * the rest, overridden by props, turned off with `config: false`, and its mistakes one line at construction.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Stack, Validations, type App } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { OpsAspect, OpsChecks, type OpsCheckProps } from '../lib/cdk';
import { withConfiguration } from '../lib/cdk/common';
import { OpsNagPack } from '../lib/cdk/nag';
import { DEV, fnProps, newApp, rows, setUpCdkTests, synth, type Synthesized } from './helpers/cdk-apps';

setUpCdkTests();

const TEAM_RULE = 'team/cost-center-tag';
const FILES = {
  'opslint.config.yaml': [
    '# the team configuration, shared by CI and synth',
    'disable: [lambda-tracing]',
    'failOn: none',
    'packs: [./team.yaml]',
    'parameters:',
    '  Stage: dev',
    'accountBaseline: [Baseline]',
    'suppressions:',
    '  minReasonLength: 20',
    '',
  ].join('\n'),
  'team.yaml': [
    'pack: team',
    'rules:',
    `  - id: ${TEAM_RULE}`,
    '    title: Functions carry a CostCenter tag',
    '    bestPractice: OPS02-BP01',
    '    severity: error',
    '    resourceTypes: [AWS::Lambda::Function]',
    '    path: Properties.Tags[Key=CostCenter].Value',
    '    condition: exists',
    "    message: '{{resource}} has no CostCenter tag.'",
    '',
  ].join('\n'),
  'other.yaml': 'disable: [alarm-coverage]\npacks: [./js-pack.js]\n',
  'js-pack.js':
    "module.exports = { id: 'js', rules: [{ id: 'js/always', title: 't', bestPractice: 'OPS04-BP05', severity: 'info', resourceTypes: ['AWS::Lambda::Function'], check() {} }] };\n",
  'esm.yaml': 'packs: [./esm-pack.mjs]\n',
  'esm-pack.mjs': "export default { id: 'esm', rules: [] };\n",
  'bad/opslint.config.yaml': 'disable:\n  - lambda-tracin\n',
};

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opslint-cdk-config-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
});

/** Runs `fn` with the working directory in `at`, as `cdk synth` runs an app from its folder. */
function inFolder<T>(at: string, fn: () => T): T {
  const before = process.cwd();
  process.chdir(at);
  try {
    return fn();
  } finally {
    process.chdir(before);
  }
}

describe('the configuration file governs all three integrations', () => {
  let app: App;
  let result: Synthesized;
  beforeAll(() => {
    inFolder(dir, () => {
      app = newApp();
      new lambda.Function(new Stack(app, 'Service', { env: DEV }), 'Fn', fnProps);
      Validations.of(app).addPlugins(new OpsChecks(), new OpsNagPack(app));
      OpsAspect.applyTo(app);
    });
    result = synth(app);
  });

  it('OpsChecks: the disabled rule is not reported, the YAML pack runs, failOn none fails nothing', () => {
    expect(result.error).toBeUndefined();
    const found = rows(result.report).filter((r) => r.path === 'Service/Fn/Resource');
    expect(found.map((r) => `${r.rule} ${r.severity}`)).toContain(`${TEAM_RULE} warning`);
    expect(found.map((r) => r.rule)).toContain('alarm-coverage');
    expect(found.map((r) => r.rule)).not.toContain('lambda-tracing');
  });

  it('OpsNagPack: the same', () => {
    const found = rows(result.report, 'opslint-nag').map((r) => r.rule);
    expect(found.some((rule) => rule.includes(TEAM_RULE))).toBe(true);
    expect(found.some((rule) => rule.includes('alarm-coverage'))).toBe(true);
    expect(found.some((rule) => rule.includes('lambda-tracing'))).toBe(false);
  });

  it('OpsAspect: the same', () => {
    const messages = result.assembly!.getStackArtifact('Service').messages.map((m) => String(m.entry.data));
    expect(messages.some((m) => m.includes(`opslint::${TEAM_RULE}`))).toBe(true);
    expect(messages.some((m) => m.includes('opslint::alarm-coverage'))).toBe(true);
    expect(messages.some((m) => m.includes('opslint::lambda-tracing'))).toBe(false);
  });

  it('props override the file: a rule the file disables, and failOn', () => {
    const plugin = inFolder(
      dir,
      () => new OpsChecks({ ruleSettings: { 'lambda-tracing': 'warning' }, failOn: 'warning' }),
    );
    // the plugin reads the templates and the construct tree, nothing else of the context
    const template = result.assembly!.getStackArtifact('Service').templateFullPath;
    const report = plugin.validate({ templatePaths: [template], stackTemplates: [], appConstruct: app });
    const severities = Object.fromEntries(report.violations.map((v) => [v.ruleName, v.severity]));
    expect(severities).toMatchObject({ 'lambda-tracing': 'error', [TEAM_RULE]: 'error' });
    expect(report.success).toBe(false);
  });
});

describe('what the file sets besides rules', () => {
  it('gives failOn, parameters, the account baseline and the minimum reason length, props winning', () => {
    const fromFile = inFolder(dir, () => withConfiguration({}));
    expect(fromFile).toMatchObject({
      failOn: 'none',
      minReasonLength: 20,
      parameters: { Stage: 'dev' },
      accountBaseline: ['Baseline'],
      exclude: ['lambda-tracing'],
    });
    expect(fromFile.rulePacks?.map((p) => p.id)).toEqual(['team']);
    const props: OpsCheckProps = { failOn: 'error', minReasonLength: 5, parameters: { Stage: 'prod', Other: 'x' } };
    expect(inFolder(dir, () => withConfiguration(props))).toMatchObject({
      failOn: 'error',
      minReasonLength: 5,
      parameters: { Stage: 'prod', Other: 'x' },
    });
  });
});

describe('choosing the file', () => {
  it('config: false reads none', () => {
    const ids = inFolder(dir, () => new OpsChecks({ config: false }).ruleIds);
    expect(ids).toContain('lambda-tracing');
    expect(ids).not.toContain(TEAM_RULE);
  });

  it('config: a path names one, relative to the working directory, with its JavaScript pack', () => {
    const ids = inFolder(dir, () => new OpsChecks({ config: 'other.yaml' }).ruleIds);
    expect(ids).toEqual(expect.arrayContaining(['lambda-tracing', 'js/always']));
    expect(ids).not.toContain('alarm-coverage');
  });

  it('a file anyone could have written is ignored, saying so, as by the CLI', () => {
    const open = path.join(dir, 'open');
    fs.mkdirSync(open);
    fs.writeFileSync(path.join(open, 'opslint.config.yaml'), 'disable: [lambda-tracing]\n');
    fs.chmodSync(open, 0o777);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(inFolder(open, () => new OpsChecks().ruleIds)).toContain('lambda-tracing');
      expect(stderr.mock.calls.map((c) => String(c[0]))).toEqual([
        `opslint: the configuration ${path.join(open, 'opslint.config.yaml')} is ignored: the folder ${open} can be written by everyone; name it with the config prop to use it anyway\n`,
      ]);
    } finally {
      stderr.mockRestore();
    }
  });

  it('none is found above a folder without one (the repository has none)', () => {
    expect(withConfiguration({ failOn: 'info' })).toEqual({ failOn: 'info' });
  });
});

describe('a mistake in the configuration is one line at construction', () => {
  const make: Record<string, () => unknown> = {
    OpsChecks: () => new OpsChecks(),
    OpsAspect: () => OpsAspect.applyTo(newApp()),
    OpsNagPack: () => new OpsNagPack(undefined),
  };
  it.each(Object.keys(make))('%s names the file, line and column', (name) => {
    expect(() => inFolder(path.join(dir, 'bad'), make[name])).toThrow(
      new Error(
        'opslint.config.yaml:2:5: invalid configuration: "lambda-tracin" is neither a pack nor a rule (did you mean "lambda-tracing"?)',
      ),
    );
  });

  it('rules written as ESLint writes them, an object of severities, is said to be a list of ids', () => {
    const rules = { 'lambda-tracing': 'error' } as unknown as string[];
    expect(() => new OpsChecks({ config: false, rules })).toThrow(
      new Error('rules: expected a list of rule ids (a severity or options per rule go in ruleSettings)'),
    );
    expect(() => new OpsChecks({ config: false, exclude: 'lambda-tracing' as unknown as string[] })).toThrow(
      new Error('exclude: expected a list of rule ids'),
    );
  });

  it('an ES module pack, which cannot load synchronously, says so', () => {
    expect(() => inFolder(dir, () => new OpsChecks({ config: 'esm.yaml' }))).toThrow(
      /^pack "\.\/esm-pack\.mjs": is an ES module, which cannot be loaded while CDK validates/,
    );
  });
});
