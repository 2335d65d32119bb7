/**
 * The command line's contract: `scan` and `fix` end with the same exit code for the same findings (one
 * `exitCode`), and every option is declared once, for the parser and for the option types alike.
 */
import { Command } from 'commander';
import * as fixCommand from '../lib/cli/fix';
import { addOptions, FIX_OPTIONS, SCAN_OPTIONS, type FixCliOptions, type ScanCliOptions } from '../lib/cli/options';
import * as scanCommand from '../lib/cli/scan';
import { runCli } from '../scripts/support/cli';
import { workspace } from './helpers/workspace';

// a pack with a rule that reports a queue and one that fails on it
const PACK = `module.exports = {
  id: 'team',
  rules: [
    { id: 'team/queue', title: 'Queues are reported', bestPractice: 'OPS10-BP01', severity: 'error', resourceTypes: ['AWS::SQS::Queue'],
      check(resource, ctx) { ctx.report({ message: 'A queue.', path: 'Type' }); } },
    { id: 'team/boom', title: 'Queues make this rule fail', bestPractice: 'OPS10-BP01', severity: 'error', resourceTypes: ['AWS::SQS::Queue'],
      check() { throw new Error('boom'); } },
  ],
};\n`;
const QUEUE = 'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n';

describe('exit codes of scan and fix', () => {
  const dir = workspace({ 'team.js': PACK, 'q.yaml': QUEUE });
  const run = (command: string, rule: string, failOn: string) =>
    runCli([command, 'q.yaml', '--no-config', '--load-pack', './team.js', '--rule', rule, '--fail-on', failOn], {
      cwd: dir,
    });

  it.each(['scan', 'fix'])(
    '%s: a rule that failed left the template unchecked: 2, whatever --fail-on says',
    async (command) => {
      for (const failOn of ['error', 'none']) {
        const { code, stdout } = await run(command, 'team/boom', failOn);
        expect(stdout).toContain('Rule team/boom failed on resource Q: boom.');
        expect(code).toBe(2);
      }
    },
  );

  it.each(['scan', 'fix'])('%s: a finding at or above --fail-on is 1, below it 0', async (command) => {
    expect((await run(command, 'team/queue', 'error')).code).toBe(1);
    expect((await run(command, 'team/queue', 'none')).code).toBe(0);
  });
});

describe('options declared once', () => {
  // every key the option types have; a key the types derive otherwise than commander does fails to compile or to match
  const SCAN_KEYS: Record<keyof ScanCliOptions, true> = {
    format: true,
    output: true,
    failOn: true,
    quiet: true,
    parameters: true,
    pack: true,
    rule: true,
    excludeRule: true,
    accountBaseline: true,
    config: true,
    baseline: true,
    writeBaseline: true,
    changedSince: true,
    loadPack: true,
    packs: true,
    jobs: true,
    ruleTimeout: true,
    stack: true,
    allStacks: true,
    region: true,
    profile: true,
    endpointUrl: true,
    requestTimeout: true,
    fetchTimeout: true,
    templateStage: true,
    ignoreNonTemplates: true,
    scorecard: true,
    color: true,
    debug: true,
    maxFileSize: true,
    maxDepth: true,
    maxAliasNodes: true,
    maxForeachEntries: true,
    parseTimeout: true,
    maxStacks: true,
    maxResources: true,
  };
  const FIX_KEYS: Record<keyof FixCliOptions, true> = {
    dryRun: true,
    rule: true,
    excludeRule: true,
    failOn: true,
    parameters: true,
    config: true,
    loadPack: true,
    packs: true,
    color: true,
    debug: true,
    maxFileSize: true,
    maxDepth: true,
    maxAliasNodes: true,
    maxForeachEntries: true,
    parseTimeout: true,
    maxStacks: true,
    maxResources: true,
  };

  it.each([
    ['scan', SCAN_OPTIONS, SCAN_KEYS],
    ['fix', FIX_OPTIONS, FIX_KEYS],
  ] as const)('%s: the parser stores each option under the key of its type', (name, specs, keys) => {
    const command = new Command(name);
    addOptions(command, specs);
    expect(command.options.map((o) => o.flags)).toEqual(specs.map((s) => s.flags));
    expect([...new Set(command.options.map((o) => o.attributeName()))].sort()).toEqual(Object.keys(keys).sort());
  });

  /** What runScan or runFix is given for a command line. */
  async function parsed(argv: string[]): Promise<{ opts: Record<string, unknown>; outputs?: unknown }> {
    const given: { opts?: Record<string, unknown>; outputs?: unknown } = {};
    const scan = jest
      .spyOn(scanCommand, 'runScan')
      .mockImplementation(async (_paths, opts, outputs) => ((given.opts = { ...opts }), (given.outputs = outputs), 0));
    const fix = jest
      .spyOn(fixCommand, 'runFix')
      .mockImplementation(async (_paths, opts) => ((given.opts = { ...opts }), 0));
    try {
      expect((await runCli(argv)).code).toBe(0);
    } finally {
      scan.mockRestore();
      fix.mockRestore();
    }
    return { opts: given.opts!, outputs: given.outputs };
  }

  it('values as declared: lists split at commas, repeated values kept as given, choices, --no- flags', async () => {
    const scan = await parsed([
      'scan',
      '--pack',
      'a,b',
      '--pack',
      'c',
      '--account-baseline',
      'x,y',
      '--no-packs',
      '--fail-on',
      'warning',
      '--max-depth',
      '9',
    ]);
    expect(scan.opts).toEqual({
      pack: ['a', 'b', 'c'],
      accountBaseline: ['x,y'],
      packs: false,
      color: true,
      failOn: 'warning',
      maxDepth: '9',
    });
    const fix = await parsed([
      'fix',
      '--rule',
      'a, b',
      '--exclude-rule',
      'c',
      '--no-config',
      '-p',
      'A=1,2',
      '--dry-run',
    ]);
    expect(fix.opts).toEqual({
      rule: ['a', 'b'],
      excludeRule: ['c'],
      config: false,
      parameters: ['A=1,2'],
      dryRun: true,
      packs: true,
      color: true,
    });
  });

  it('--format and --output pair in the order given; a value of another option that looks like one is not taken for it', async () => {
    expect(
      (await parsed(['scan', '-o', 'a.json', '-f', 'json', '-f', 'sarif', '--output=b.sarif', '-f', 'text'])).outputs,
    ).toEqual([{ format: 'json', file: 'a.json' }, { format: 'sarif', file: 'b.sarif' }, { format: 'text' }]);
    const quoted = await parsed(['scan', '--account-baseline', '--output=x', '-f', 'json']);
    expect(quoted.outputs).toEqual([{ format: 'json' }]);
    expect(quoted.opts.accountBaseline).toEqual(['--output=x']);
  });

  it('fix takes only its own options', async () => {
    expect((await runCli(['fix', '--format', 'json'])).stderr).toBe(
      "error: unknown option '--format'\n(run opslint --help for usage)\n",
    );
  });
});
