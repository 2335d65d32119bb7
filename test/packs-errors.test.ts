/**
 * Team packs that are wrong say where, in one line each: a rule id defined twice names the pack and file that
 * defined it first, a pack cannot take a built-in pack's id, a JavaScript pack that fails to load gives
 * file:line:col (its stack only with --debug), and a rules file reports all its mistakes at once.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { OpsChecks } from '../lib/cdk';
import type { ScanReport } from '../lib/engine/finding';
import type { Pack } from '../lib/engine/rule';
import { BUILTIN_PACKS } from '../lib/compose';
import { loadYamlPack, RulesFileError } from '../lib/packs/yaml';
import { REPO, runCli } from '../scripts/support/cli';
import { workspace } from './helpers/workspace';

const QUEUE = 'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {MessageRetentionPeriod: 60}\n';
const LOGS = 'Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    Properties: {}\n';
const RETENTION = `  - id: acme-ops/log-retention
    title: Log groups keep logs 30 days
    bestPractice: OPS04-BP02
    severity: warning
    resourceTypes: [AWS::Logs::LogGroup]
    path: Properties.RetentionInDays
    condition: {atLeast: 30}
    message: 'Log group {{resource}} keeps logs {{value}} days.'
    messageWhenAbsent: 'Log group {{resource}} keeps logs forever or not at all: RetentionInDays is not set.'
`;
const rulesFile = (pack: string, rules: string) => `pack: ${pack}\nrules:\n${rules}`;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A path as pack messages show it: relative to the working directory of the process. */
const shown = (dir: string, file: string) => path.relative(process.cwd(), path.join(dir, file));

describe('a rule id or pack id taken twice', () => {
  it('names the pack and the file that defined the rule first, and where the second one is', async () => {
    const dir = workspace({
      'ops.yaml': rulesFile('acme-ops', RETENTION),
      'more.yaml': rulesFile('acme-ops', RETENTION),
      'logs.yaml': LOGS,
    });
    const { code, stdout, stderr } = await runCli(
      ['scan', 'logs.yaml', '--load-pack', './ops.yaml', '--load-pack', './more.yaml'],
      { cwd: dir },
    );
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toBe(
      `opslint: ${shown(dir, 'more.yaml')}:3:5: pack "./more.yaml": rule "acme-ops/log-retention" is already defined by pack "acme-ops" (./ops.yaml, ${shown(dir, 'ops.yaml')}:3:5)\n`,
    );
  });

  it('from the configuration, then the command line; a JavaScript pack is named by its specifier', async () => {
    const dir = workspace({
      'packs/ops.js': `module.exports = { id: 'acme-ops', rules: [{ id: 'acme-ops/log-retention', title: 't', bestPractice: 'OPS04-BP02', severity: 'warning', resourceTypes: ['AWS::Logs::LogGroup'], check() {} }] };\n`,
      'opslint.config.yaml': 'packs: [./packs/ops.js]\n',
      'more.yaml': rulesFile('acme-ops', RETENTION),
      'logs.yaml': LOGS,
    });
    const { code, stderr } = await runCli(['scan', 'logs.yaml', '--load-pack', './more.yaml'], { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toBe(
      `opslint: ${shown(dir, 'more.yaml')}:3:5: pack "./more.yaml": rule "acme-ops/log-retention" is already defined by pack "acme-ops" (./packs/ops.js)\n`,
    );
  });

  it('packs of one team may share a namespace: each adds its own rules', async () => {
    const other = RETENTION.replace('acme-ops/log-retention', 'acme-ops/log-retention-2');
    const dir = workspace({
      'ops.yaml': rulesFile('acme-ops', RETENTION),
      'more.yaml': rulesFile('acme-ops', other),
      'logs.yaml': LOGS,
    });
    const json = await runCli(
      [
        'scan',
        'logs.yaml',
        '--load-pack',
        './ops.yaml',
        '--load-pack',
        './more.yaml',
        '--pack',
        'acme-ops',
        '--format',
        'json',
      ],
      { cwd: dir },
    );
    expect((JSON.parse(json.stdout) as ScanReport).findings.map((f) => f.ruleId)).toEqual([
      'acme-ops/log-retention',
      'acme-ops/log-retention-2',
    ]);
  });

  it('a pack may not take the id of a built-in pack, which --pack would then select with it', async () => {
    const dir = workspace({
      'alarms.yaml': rulesFile('alarms', RETENTION.replace('acme-ops/', 'alarms/')),
      'alarms.js': `module.exports = { id: 'alarms', rules: [{ id: 'alarms/mine', title: 't', bestPractice: 'OPS04-BP02', severity: 'warning', resourceTypes: ['AWS::Logs::LogGroup'], check() {} }] };\n`,
      'logs.yaml': LOGS,
    });
    const yamlPack = await runCli(['scan', 'logs.yaml', '--load-pack', './alarms.yaml', '--pack', 'alarms'], {
      cwd: dir,
    });
    expect(yamlPack).toEqual({
      code: 2,
      stdout: '',
      stderr: `opslint: ${shown(dir, 'alarms.yaml')}:1:1: pack "./alarms.yaml": its id "alarms" is the id of a built-in pack; name it after your team or project (it is the namespace of its rules)\n`,
    });
    const jsPack = await runCli(['scan', 'logs.yaml', '--load-pack', './alarms.js'], { cwd: dir });
    expect(jsPack.code).toBe(2);
    expect(jsPack.stderr).toBe(
      'opslint: pack "./alarms.js": its id "alarms" is the id of a built-in pack; name it after your team or project (it is the namespace of its rules)\n',
    );
  });
});

describe('a pack given to the CDK integrations', () => {
  it('may not take the id of a built-in pack either', () => {
    // any rule will do: the pack's id is the mistake
    const pack: Pack = { id: 'alarms', title: 'Ours', rules: [{ ...BUILTIN_PACKS[0].rules[0], id: 'alarms/mine' }] };
    expect(() => new OpsChecks({ rulePacks: [pack] })).toThrow(
      'rulePacks: pack "alarms": its id "alarms" is the id of a built-in pack; name it after your team or project (it is the namespace of its rules)',
    );
  });
});

describe('a JavaScript pack that fails to load', () => {
  it('a syntax error gives file:line:col, in CommonJS and in an ES module', async () => {
    const dir = workspace({
      'bad.js': "module.exports = {\n  id: 'team',\n  rules: [}\n};\n",
      'bad.mjs': "export default {\n  id: 'team',\n    rules: [}\n};\n",
      'q.yaml': QUEUE,
    });
    const cjs = await runCli(['scan', 'q.yaml', '--load-pack', './bad.js'], { cwd: dir });
    expect(cjs).toEqual({
      code: 2,
      stdout: '',
      stderr: `opslint: ${shown(dir, 'bad.js')}:3:11: pack "./bad.js" failed to load: SyntaxError: Unexpected token '}'\n`,
    });
    // an ES module loads only outside jest's module sandbox: through the opslint command
    const esm = spawnSync(
      process.execPath,
      [
        '-r',
        require.resolve('ts-node/register/transpile-only'),
        path.join(REPO, 'bin/opslint.ts'),
        'scan',
        'q.yaml',
        '--load-pack',
        './bad.mjs',
      ],
      { cwd: dir, encoding: 'utf8', env: { ...process.env, TS_NODE_PROJECT: path.join(REPO, 'tsconfig.json') } },
    );
    expect({ code: esm.status, stderr: esm.stderr }).toEqual({
      code: 2,
      stderr: `opslint: bad.mjs:3:13: pack "./bad.mjs" failed to load: SyntaxError: Unexpected token '}'\n`,
    });
  }, 60_000);

  it('a file cut off mid-function gives the file and the line where its input ends (no column: no caret)', async () => {
    const dir = workspace({
      'broken.js': "module.exports = {\n  id: 'team',\n  rules: [{\n    check(resource, ctx) {\n      if (x) {\n",
      'q.yaml': QUEUE,
    });
    const { code, stderr } = await runCli(['scan', 'q.yaml', '--load-pack', './broken.js'], { cwd: dir });
    expect({ code, stderr }).toEqual({
      code: 2,
      stderr: `opslint: ${shown(dir, 'broken.js')}:6: pack "./broken.js" failed to load: SyntaxError: Unexpected end of input\n`,
    });
  });

  it('a SyntaxError thrown by code as it runs (JSON.parse) gives the line that threw it', async () => {
    const dir = workspace({ 'json.js': "const x = 1;\nmodule.exports = JSON.parse('{');\n", 'q.yaml': QUEUE });
    const { code, stderr } = await runCli(['scan', 'q.yaml', '--load-pack', './json.js'], { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toMatch(
      new RegExp(
        `^opslint: ${escape(shown(dir, 'json.js'))}:2:23: pack "./json.js" failed to load: SyntaxError: .*JSON.*\n$`,
      ),
    );
  });

  it('an error thrown as it loads gives the line it was thrown at; --debug adds the stack', async () => {
    const dir = workspace({ 'throws.js': "const x = 1;\nthrow new Error('boom');\n", 'q.yaml': QUEUE });
    const plain = await runCli(['scan', 'q.yaml', '--load-pack', './throws.js'], { cwd: dir });
    expect(plain).toEqual({
      code: 2,
      stdout: '',
      stderr: `opslint: ${shown(dir, 'throws.js')}:2:7: pack "./throws.js" failed to load: boom\n`,
    });
    const debug = await runCli(['scan', 'q.yaml', '--load-pack', './throws.js', '--debug'], { cwd: dir });
    expect(debug.code).toBe(2);
    const [first, ...stack] = debug.stderr.trimEnd().split('\n');
    expect(first).toBe(plain.stderr.trimEnd());
    expect(stack[0]).toBe('Error: boom');
    expect(stack[1]).toContain(`${path.join(dir, 'throws.js')}:2:7`);
  });
});

describe('a rules file with mistakes', () => {
  const BROKEN = `pack: team
rules:
  - id: team/a
    title: A
    bestPractice: OPS99-BP01
    severity: loud
    resourceTypes: [AWS::SQS::Queue]
    path: Properties.X
    condition: exists
    message: 'm.'
  - id: other/b
    title: B
    bestPractice: OPS02-BP01
    severity: warning
    resourceTypes: [AWS::SQS::Queue]
    path: Properties.X
    condition: {bigger: 3}
    message: 'm.'
`;

  it('reports every mistake at once, one line each with file:line:col, in file order', async () => {
    const dir = workspace({ 'rules.yaml': BROKEN, 'q.yaml': QUEUE });
    const { code, stdout, stderr } = await runCli(['scan', 'q.yaml', '--load-pack', './rules.yaml'], { cwd: dir });
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    const file = shown(dir, 'rules.yaml');
    expect(stderr.split('\n')).toEqual([
      `opslint: ${file}:5:5: invalid rules file: unknown best practice "OPS99-BP01" (expected an id such as OPS04-BP05)`,
      `opslint: ${file}:6:5: invalid rules file: \`severity\` must be one of error, warning, info`,
      `opslint: ${file}:11:5: invalid rules file: rule id "other/b" must start with the pack's namespace "team/"`,
      `opslint: ${file}:17:5: invalid rules file: \`condition\` must be exists, absent, or one of { equals | oneOf | matches | atLeast | atMost | references: … }`,
      '',
    ]);
  });

  it('and the mistakes of every pack named, not only the first', async () => {
    const dir = workspace({
      'opslint.config.yaml': 'packs: [./rules.yaml, ./nope.js, ./other.yaml]\n',
      'rules.yaml': BROKEN,
      'other.yaml': 'pack: Other\nrules: [42]\n',
      'q.yaml': QUEUE,
    });
    const { code, stderr } = await runCli(['scan', 'q.yaml'], { cwd: dir });
    expect(code).toBe(2);
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(4 + 1 + 2);
    expect(lines[4]).toBe('opslint: pack "./nope.js": no such file');
    expect(lines.slice(5)).toEqual([
      `opslint: ${shown(dir, 'other.yaml')}:1:1: invalid rules file: \`pack\` must be a kebab-case id, the namespace of its rules`,
      `opslint: ${shown(dir, 'other.yaml')}:2:9: invalid rules file: each rule must be a mapping`,
    ]);
  });

  it('loadYamlPack throws them all as one error, a line each', () => {
    const dir = workspace({ 'rules.yaml': BROKEN });
    let thrown: unknown;
    try {
      loadYamlPack(path.join(dir, 'rules.yaml'), 'rules.yaml');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RulesFileError);
    expect((thrown as RulesFileError).problems.map((p) => p.format().split(': ')[0])).toEqual([
      'rules.yaml:5:5',
      'rules.yaml:6:5',
      'rules.yaml:11:5',
      'rules.yaml:17:5',
    ]);
    expect((thrown as Error).message.split('\n')).toHaveLength(4);
  });

  it('a rule id twice in one file names the first', () => {
    const dir = workspace({ 'rules.yaml': rulesFile('acme-ops', RETENTION + RETENTION) });
    expect(() => loadYamlPack(path.join(dir, 'rules.yaml'), 'rules.yaml')).toThrow(
      'rules.yaml:12:5: invalid rules file: rule "acme-ops/log-retention" is defined twice (first at line 3, column 5)',
    );
  });
});

describe('{{value}} in a YAML rule message', () => {
  const rule = (condition: string, messages: string) =>
    `pack: team\nrules:\n  - id: team/r\n    title: R\n    bestPractice: OPS04-BP02\n    severity: warning\n    resourceTypes: [AWS::Logs::LogGroup]\n    path: Properties.RetentionInDays\n    condition: ${condition}\n${messages}`;
  const load = (text: string) => () => {
    const dir = workspace({ 'rules.yaml': text });
    return loadYamlPack(path.join(dir, 'rules.yaml'), 'rules.yaml');
  };

  it('is refused when the condition fails on an absent value and no messageWhenAbsent says what then', () => {
    expect(load(rule('{atLeast: 30}', "    message: 'keeps logs {{value}} days.'\n"))).toThrow(
      'rules.yaml:10:5: invalid rules file: `message` uses {{value}}, but an `atLeast` rule also fails when the property is not set: add `messageWhenAbsent` for that case',
    );
    expect(load(rule('exists', "    message: 'is {{ value }}.'\n"))).toThrow(
      'rules.yaml:10:5: invalid rules file: `message` uses {{value}}, but an `exists` rule fails only when the property is not set: there is no value to show',
    );
    expect(
      load(rule('{atLeast: 30}', "    message: 'keeps {{value}}.'\n    messageWhenAbsent: 'keeps {{value}}.'\n")),
    ).toThrow(
      'rules.yaml:11:5: invalid rules file: `messageWhenAbsent` is used when the property is not set, so it has no {{value}} to show',
    );
    // a condition that passes when the value is absent needs no second message
    expect(load(rule('{atMost: 30}', "    message: 'keeps logs {{value}} days.'\n"))).not.toThrow();
  });

  it('messageWhenAbsent is the message of a finding whose value is not set', async () => {
    const dir = workspace({
      'rules.yaml': rulesFile('acme-ops', RETENTION),
      'logs.yaml':
        'Resources:\n  Short:\n    Type: AWS::Logs::LogGroup\n    Properties: {RetentionInDays: 7}\n  Unset:\n    Type: AWS::Logs::LogGroup\n',
    });
    const { stdout } = await runCli(
      ['scan', 'logs.yaml', '--load-pack', './rules.yaml', '--pack', 'acme-ops', '--format', 'json'],
      { cwd: dir },
    );
    expect((JSON.parse(stdout) as ScanReport).findings.map((f) => f.message)).toEqual([
      'Log group Short keeps logs 7 days.',
      'Log group Unset keeps logs forever or not at all: RetentionInDays is not set.',
    ]);
  });
});
