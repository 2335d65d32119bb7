/**
 * A pack's own test, end to end: `opslint new-pack`, then `opslint new-rule` (TypeScript and YAML); the pack's
 * test (test/rules.test.ts, run here with its describe/it collected) fails while a rule has no fixtures or its
 * expected findings are not written, and passes once they are.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { defineRule } from '../lib/engine/rule';
import { RuleTester } from '../lib/testing';
import { runCli } from '../scripts/support/cli';
import { workspace } from './helpers/workspace';

type TestFn = (name: string, fn: () => void) => void;

/** Runs what `load` registers with the global describe/it, and returns each test's name and failure (if any). */
function outcomes(load: () => void): Map<string, string | undefined> {
  const g = globalThis as unknown as { describe: TestFn; it: TestFn };
  const original = { describe: g.describe, it: g.it };
  const tests: { name: string; fn: () => void }[] = [];
  const scope: string[] = [];
  g.describe = (name, fn) => {
    scope.push(name);
    fn();
    scope.pop();
  };
  g.it = (name, fn) => tests.push({ name: [...scope, name].join(' › '), fn });
  try {
    load();
  } finally {
    Object.assign(g, original);
  }
  const out = new Map<string, string | undefined>();
  for (const t of tests) {
    try {
      t.fn();
      out.set(t.name, undefined);
    } catch (error) {
      out.set(t.name, (error as Error).message);
    }
  }
  return out;
}

/** The pack's own test file, loaded afresh (it reads the fixtures as it loads). */
const packTest = (dir: string) =>
  outcomes(() => jest.isolateModules(() => require(path.join(dir, 'test', 'rules.test.ts'))));
/** A failed fixtures test as {@link failures} lists it: its name, then its message. */
const problem = (rule: string, text: string) => `${rule} › fixtures: ${text}: ${rule}: ${text}`;
const failures = (results: Map<string, string | undefined>) =>
  [...results].filter(([, error]) => error !== undefined).map(([name, error]) => `${name}: ${error}`);

describe('opslint new-rule, end to end', () => {
  let cwd: string;
  let dir: string;
  beforeAll(async () => {
    cwd = mkdtempSync(path.join(tmpdir(), 'opslint-new-rule-'));
    // two packs: jest reads a module's source once, so a pack whose src/index.ts was loaded is not loaded again
    for (const name of ['@acme/opslint-pack-ops', 'fresh'])
      expect((await runCli(['new-pack', name], { cwd })).code).toBe(0);
    dir = path.join(cwd, 'opslint-pack-ops');
  }, 60_000);
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('a new pack passes its own test', () => {
    const results = packTest(path.join(cwd, 'fresh'));
    expect(failures(results)).toEqual([]);
    expect(results.size).toBe(4);
  });

  it('adds a TypeScript rule whose test fails until its expected findings are written, then passes', async () => {
    const added = await runCli(['new-rule', 'queue-team'], { cwd: dir });
    expect(added).toEqual({
      code: 0,
      stdout:
        'added acme-ops/queue-team (TypeScript): fixtures/queue-team/expected.json, fixtures/queue-team/fail-example.yaml, fixtures/queue-team/pass-example.yaml, src/index.ts, src/rules/queue-team.ts\n\n  write the findings of fail-example.yaml in fixtures/queue-team/expected.json, then npm test\n',
      stderr: '',
    });
    expect(readFileSync(path.join(dir, 'src/index.ts'), 'utf8')).toContain(
      "import queueTeam from './rules/queue-team';",
    );
    const shown = path.relative(process.cwd(), path.join(dir, 'fixtures/queue-team'));
    expect(failures(packTest(dir))).toEqual([
      problem(
        'acme-ops/queue-team',
        `${shown}/expected.json lists no findings for fail-example.yaml: write those the rule must give there (messageId, resource, line)`,
      ),
    ]);
    writeFileSync(
      path.join(dir, 'fixtures/queue-team/expected.json'),
      JSON.stringify({ 'fail-example.yaml': { errors: [{ messageId: 'missing', resource: 'Queue', line: 2 }] } }),
    );
    const after = packTest(dir);
    expect(failures(after)).toEqual([]);
    expect([...after.keys()]).toEqual(
      expect.arrayContaining([
        'acme-ops/queue-team › valid: pass-example.yaml',
        'acme-ops/queue-team › invalid: fail-example.yaml',
      ]),
    );
  });

  it('adds a YAML rule to rules.yaml with --yaml, which fails alike until filled in', async () => {
    const added = await runCli(['new-rule', 'acme-ops/queue-owner', '--yaml'], { cwd: dir });
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^added acme-ops\/queue-owner \(YAML\): .*rules\.yaml\n/);
    expect(readFileSync(path.join(dir, 'rules.yaml'), 'utf8')).toMatch(
      /\n {2}- id: acme-ops\/queue-owner\n {4}title: /,
    );
    expect(failures(packTest(dir))).toEqual([expect.stringContaining('lists no findings for fail-example.yaml')]);
    writeFileSync(
      path.join(dir, 'fixtures/queue-owner/expected.json'),
      JSON.stringify({ 'fail-example.yaml': { errors: [{ messageId: 'failed', resource: 'Queue', line: 2 }] } }),
    );
    expect(failures(packTest(dir))).toEqual([]);
  });

  it('a rule without fixtures fails the pack test, saying what to add', () => {
    rmSync(path.join(dir, 'fixtures/queue-owner'), { recursive: true });
    const shown = path.relative(process.cwd(), path.join(dir, 'fixtures/queue-owner'));
    expect(failures(packTest(dir))).toEqual([
      problem('acme-ops/queue-owner', `no pass-* fixture in ${shown}/: add a template the rule must accept`),
      problem(
        'acme-ops/queue-owner',
        `no fail-* fixture in ${shown}/: add a template the rule must report, and its findings in expected.json`,
      ),
    ]);
  });

  it.each([
    ['a rule that exists', ['new-rule', 'queue-team'], 'opslint: rule acme-ops/queue-team exists already\n'],
    [
      'another namespace',
      ['new-rule', 'other/x'],
      'opslint: rule "other/x" must be in the pack\'s namespace "acme-ops/"\n',
    ],
    [
      'a name that is not kebab-case',
      ['new-rule', 'Queue_DLQ'],
      'opslint: "Queue_DLQ" is not a kebab-case rule name (e.g. queue-dlq)\n',
    ],
  ])('refuses %s, changing nothing', async (_what, args, stderr) => {
    const index = readFileSync(path.join(dir, 'src/index.ts'), 'utf8');
    expect(await runCli(args, { cwd: dir })).toEqual({ code: 2, stdout: '', stderr });
    expect(readFileSync(path.join(dir, 'src/index.ts'), 'utf8')).toBe(index);
  });

  it('outside a pack, says so', async () => {
    expect(await runCli(['new-rule', 'x'], { cwd: workspace({}) })).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'opslint: no pack here: run it in the folder of a pack made by opslint new-pack (src/index.ts or rules.yaml)\n',
    });
  });
});

describe('the RuleTester with nothing to test', () => {
  it('registers a failing test rather than passing silently', () => {
    const rule = defineRule({
      id: 'team/nothing',
      title: 'Nothing',
      bestPractice: 'OPS02-BP01',
      resourceTypes: ['AWS::SQS::Queue'],
      severity: 'warning',
      messages: {},
      check() {},
    });
    const results = outcomes(() => new RuleTester().run(rule, { valid: [], invalid: [] }));
    expect([...results]).toEqual([
      ['team/nothing › has test cases', 'team/nothing has no test cases: give it valid and invalid ones'],
    ]);
  });
});
