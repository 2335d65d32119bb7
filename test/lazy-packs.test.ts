/**
 * A scan that names its rules (`--rule`) loads only the built-in packs that hold them and those the configuration
 * names (rules/catalogue.ts), and reports exactly what a scan with every pack loaded reports.
 */
import type { ScanReport } from '../lib/engine/finding';
import { readSettings, type SettingsFlags } from '../lib/cli/settings';
import { BUILTIN_PACKS } from '../rules';
import { BUILTIN_CATALOGUE, BUILTIN_RULE_IDS, builtinPacksNaming, isBuiltinPack } from '../rules/catalogue';
import { runCli } from '../scripts/support/cli';
import { workspace } from './helpers/workspace';

/** A bucket without access logs, a function without tracing, and suppressions of rules in other packs. */
const TEMPLATE = `Metadata:
  opslint:
    suppress:
      - id: vpc-flow-logs
        reason: Flow logs are collected centrally by the network team.
      - id: s3-acess-logging
        reason: A misspelled id, to be told about.
Resources:
  Data:
    Type: AWS::S3::Bucket
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/worker
      Code:
        ZipFile: 'exports.handler = async () => ({});'
`;

/** A pack from elsewhere, with one rule on queues: none in the template. */
const TEAM_PACK = `module.exports = { id: 'team', rules: [{ id: 'team/queue', title: 'Queues', bestPractice: 'OPS10-BP01',
  severity: 'error', resourceTypes: ['AWS::SQS::Queue'], check(resource, ctx) { ctx.report({ message: 'A queue.' }); } }] };\n`;

const app = (config?: string): string =>
  workspace({ 'app.yaml': TEMPLATE, 'team.js': TEAM_PACK, ...(config ? { 'opslint.config.yaml': config } : {}) });

const packsLoaded = async (flags: SettingsFlags, cwd: string): Promise<string[]> =>
  (await readSettings(flags, cwd, { warn: () => undefined })).scan.packs.map((p) => p.id);

describe('the catalogue of built-in packs', () => {
  it('lists every pack and its rule ids in the order of the packs, and loads the very pack objects', () => {
    expect(BUILTIN_CATALOGUE.map((e) => [e.id, e.rules])).toEqual(
      BUILTIN_PACKS.map((p) => [p.id, p.rules.map((r) => r.id)]),
    );
    BUILTIN_CATALOGUE.forEach((e, i) => expect(e.load()).toBe(BUILTIN_PACKS[i]));
    expect(BUILTIN_RULE_IDS).toEqual(BUILTIN_PACKS.flatMap((p) => p.rules.map((r) => r.id)));
  });

  it('names the packs that hold rules or are named, in catalogue order, and none for a name it does not know', () => {
    expect(builtinPacksNaming(['lambda-tracing', 's3-access-logging', 'alarms'])?.map((p) => p.id)).toEqual([
      'access-logs',
      'tracing',
      'alarms',
    ]);
    expect(builtinPacksNaming(['lambda-tracing', 'acme/owner-tag'])).toBeUndefined();
  });

  it('tells a built-in pack from another pack with the same id', () => {
    const [logging] = builtinPacksNaming(['logging'])!;
    expect(isBuiltinPack(logging)).toBe(true);
    expect(isBuiltinPack({ ...logging })).toBe(false);
    expect(isBuiltinPack({ id: 'acme', title: 'Acme', description: '', rules: [] })).toBe(false);
  });
});

describe('opslint scan --rule', () => {
  it('loads only the packs of the rules named, and every pack without --rule', async () => {
    const dir = app();
    expect(await packsLoaded({ rule: ['s3-access-logging', 'lambda-tracing'] }, dir)).toEqual([
      'access-logs',
      'tracing',
    ]);
    expect(
      await packsLoaded({ rule: ['lambda-tracing'], excludeRule: ['vpc-flow-logs'], pack: ['alarms'] }, dir),
    ).toEqual(['flow-logs', 'tracing', 'alarms']);
    expect(await packsLoaded({}, dir)).toEqual(BUILTIN_PACKS.map((p) => p.id));
    // an id that is not a built-in rule: the whole catalogue answers for it
    expect(await packsLoaded({ rule: ['no-such-rule'] }, dir)).toEqual(BUILTIN_PACKS.map((p) => p.id));
  });

  it('reports the named rules findings, and suppressions of rules it did not load as known rules', async () => {
    const dir = app();
    const { code, stdout } = await runCli(['scan', 'app.yaml', '--rule', 's3-access-logging', '--format', 'json'], {
      cwd: dir,
    });
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as ScanReport;
    const byRule = (id: string) => report.findings.filter((f) => f.ruleId === id).map((f) => f.resource);
    expect(byRule('s3-access-logging')).toEqual(['Data']);
    // vpc-flow-logs is in a pack this scan did not load: naming it is no mistake; the misspelling still is
    const invalid = report.findings.filter((f) => f.ruleId === 'invalid-suppression').map((f) => f.message);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toContain('s3-acess-logging');
    expect(invalid[0]).toContain('did you mean "s3-access-logging"?');
    expect(report.findings.every((f) => ['s3-access-logging', 'invalid-suppression'].includes(f.ruleId))).toBe(true);
  });

  it('reports what a scan with every pack loaded reports', async () => {
    const dir = app();
    const args = ['scan', 'app.yaml', '--rule', 'lambda-tracing,s3-access-logging', '--format', 'json'];
    const named = await runCli(args, { cwd: dir });
    // a pack from elsewhere makes the scan load every built-in pack
    const all = await runCli([...args, '--load-pack', './team.js'], { cwd: dir });
    expect(await packsLoaded({ rule: ['lambda-tracing'], loadPack: ['./team.js'] }, dir)).toEqual([
      ...BUILTIN_PACKS.map((p) => p.id),
      'team',
    ]);
    expect(named.stdout).toBe(all.stdout);
    expect(named.code).toBe(all.code);
  });

  it('still checks what the configuration says of rules in other packs', async () => {
    const dir = app(
      'disable:\n  - dashboards\nrules:\n  log-group-retention:\n    options:\n      minRetentionDays: soon\n',
    );
    expect(
      await packsLoaded({ rule: ['s3-access-logging'] }, app('disable: [dashboards]\nenable: [lambda-tracing]\n')),
    ).toEqual(['access-logs', 'tracing', 'dashboards']);
    const { code, stderr } = await runCli(['scan', 'app.yaml', '--rule', 's3-access-logging'], { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toContain('minRetentionDays');
  });

  it('names every rule in its did-you-mean for an unknown id', async () => {
    const { code, stderr } = await runCli(['scan', 'app.yaml', '--rule', 'alarm-covrage'], { cwd: app() });
    expect(code).toBe(2);
    expect(stderr).toContain('unknown rule "alarm-covrage" (did you mean "alarm-coverage"?)');
  });
});
