/**
 * Issue 16, what opslint trusts: the configuration and the packs it finds by itself (#17), the Action's
 * comment (#23), and the Action's and pre-commit's own files (#29).
 */
import {
  chmodSync,
  existsSync,
  lstatSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { findConfig, type FileFacts, type TrustOptions } from '../lib/config/load';
import { readSettings } from '../lib/cli/settings';
import type { ScanReport } from '../lib/engine/finding';
import { MARKER } from '../lib/reporters/markdown';
import { runCli } from '../scripts/support/cli';
import { mockGitHub, runAction, strictly, type Action, type Comment, type RunOptions } from './helpers/action';
import { yaml } from './helpers/yaml';
import { workspace } from './helpers/workspace';

const FUNCTION =
  'Resources:\n  Orders:\n    Type: AWS::Lambda::Function\n    Properties: {Runtime: nodejs22.x, Handler: index.handler}\n';
const TRACING_OFF = 'rules:\n  lambda-tracing: off\n';

/** A JavaScript pack that leaves a file named `ran` beside itself when it is loaded: proof that it ran. */
const MARKING_PACK = `require('fs').writeFileSync(require('path').join(__dirname, 'ran'), 'the pack ran');
module.exports = {
  id: 'team',
  rules: [{
    id: 'team/seen',
    title: 'Every function is seen',
    bestPractice: 'OPS04-BP05',
    severity: 'warning',
    resourceTypes: ['AWS::Lambda::Function'],
    check(resource, ctx) { ctx.report({ message: 'Seen.', path: 'Properties' }); },
  }],
};
`;
const YAML_PACK = yaml`
  pack: data
  rules:
    - id: data/owner-tag
      title: Functions carry an Owner tag
      bestPractice: OPS02-BP01
      severity: warning
      resourceTypes: [AWS::Lambda::Function]
      path: Properties.Tags[Key=Owner].Value
      condition: exists
      message: '{{resource}} has no Owner tag.'
`;

const scan = async (cwd: string, ...args: string[]) => {
  const r = await runCli(['scan', '.', '--format', 'json', ...args], { cwd });
  return { ...r, ids: r.stdout ? (JSON.parse(r.stdout) as ScanReport).findings.map((f) => f.ruleId) : [] };
};

/** `lstat` as it is, except the owners named. */
/** `lstat`, except that files belong to `everyone`, or to the owner `owners` names. */
const ownedBy =
  (owners: Record<string, number>, everyone: number) =>
  (file: string): FileFacts => {
    const facts = lstatSync(file);
    return { uid: owners[file] ?? everyone, mode: facts.mode, isSymbolicLink: () => facts.isSymbolicLink() };
  };

const collect = (options: Omit<TrustOptions, 'warn'> = {}): TrustOptions & { warnings: string[] } => {
  const warnings: string[] = [];
  return { ...options, warnings, warn: (message) => warnings.push(message) };
};

describe('#17 configuration and packs that someone else could have written are not used', () => {
  it('a configuration above the repository root is not found; at the root it is', async () => {
    const dir = workspace({
      'opslint.config.yaml': TRACING_OFF,
      'repo/.git/HEAD': 'ref: refs/heads/main\n',
      'repo/app/t.yaml': FUNCTION,
    });
    const app = path.join(dir, 'repo', 'app');
    expect((await scan(app)).ids).toContain('lambda-tracing');
    writeFileSync(path.join(dir, 'repo', 'opslint.config.yaml'), TRACING_OFF);
    expect((await scan(app)).ids).not.toContain('lambda-tracing');
    // a checkout whose .git is a file (a worktree or submodule) ends the search as well
    rmSync(path.join(dir, 'repo', 'opslint.config.yaml'));
    rmSync(path.join(dir, 'repo', '.git'), { recursive: true });
    writeFileSync(path.join(dir, 'repo', '.git'), 'gitdir: /elsewhere\n');
    expect((await scan(app)).ids).toContain('lambda-tracing');
  });

  it('outside a repository, the search stops at the home folder', () => {
    const dir = workspace({ 'home/opslint.config.yaml': TRACING_OFF, 'home/me/project/t.yaml': FUNCTION });
    const project = path.join(dir, 'home', 'me', 'project');
    const file = path.join(dir, 'home', 'opslint.config.yaml');
    expect(findConfig(project, collect({ home: path.join(dir, 'home', 'me') }))).toBeUndefined();
    expect(findConfig(project, collect({ home: path.join(dir, 'home') }))).toBe(file);
    expect(findConfig(project, collect({ home: path.join(dir, 'elsewhere') }))).toBe(file);
  });

  it('a configuration in a folder everyone can write (not sticky) is ignored with a warning, and its JavaScript pack does not run', async () => {
    const dir = workspace({
      'shared/opslint.config.yaml': `${TRACING_OFF}packs: [./pack.js]\n`,
      'shared/pack.js': MARKING_PACK,
      'shared/mine/t.yaml': FUNCTION,
    });
    const shared = path.join(dir, 'shared');
    chmodSync(shared, 0o777);
    const planted = await scan(path.join(shared, 'mine'));
    expect(planted.stderr).toBe(
      `opslint: the configuration ${path.join(shared, 'opslint.config.yaml')} is ignored: the folder ${shared} can be written by everyone; name it with --config to use it anyway\n`,
    );
    expect(planted.ids).toContain('lambda-tracing');
    expect(planted.ids).not.toContain('team/seen');
    expect(existsSync(path.join(shared, 'ran'))).toBe(false);

    // sticky, as /tmp: only the owner of an entry can replace it, and the owner is the user
    chmodSync(shared, 0o1777);
    const sticky = await scan(path.join(shared, 'mine'));
    expect(sticky.stderr).toBe('');
    expect(sticky.ids).toContain('team/seen');
    expect(sticky.ids).not.toContain('lambda-tracing');
    expect(existsSync(path.join(shared, 'ran'))).toBe(true);
  }, 60_000);

  it('a configuration file everyone can write is ignored', () => {
    const dir = workspace({ 'opslint.config.yaml': TRACING_OFF });
    chmodSync(path.join(dir, 'opslint.config.yaml'), 0o666);
    const trust = collect();
    expect(findConfig(dir, trust)).toBeUndefined();
    expect(trust.warnings).toEqual([
      `the configuration ${path.join(dir, 'opslint.config.yaml')} is ignored: it can be written by everyone; name it with --config to use it anyway`,
    ]);
  });

  it('a configuration that is a symbolic link into a folder everyone can write is ignored', () => {
    const dir = workspace({ 'shared/real.yaml': TRACING_OFF, 'repo/.git/HEAD': '' });
    chmodSync(path.join(dir, 'shared'), 0o777);
    symlinkSync(path.join(dir, 'shared', 'real.yaml'), path.join(dir, 'repo', 'opslint.config.yaml'));
    const trust = collect();
    expect(findConfig(path.join(dir, 'repo'), trust)).toBeUndefined();
    expect(trust.warnings).toEqual([
      `the configuration ${path.join(dir, 'repo', 'opslint.config.yaml')} is ignored: the folder ${realpathSync(path.join(dir, 'shared'))} can be written by everyone; name it with --config to use it anyway`,
    ]);
  });

  it('a configuration owned by another user is ignored, and used when named with --config', async () => {
    const dir = workspace({ 'opslint.config.yaml': TRACING_OFF, 't.yaml': FUNCTION });
    const file = path.join(dir, 'opslint.config.yaml');
    const trust = collect({ lstat: ownedBy({ [file]: 4242 }, 1000), uid: 1000 });
    const found = await readSettings({}, dir, trust);
    expect(found.config).toEqual({});
    expect(trust.warnings).toEqual([
      `the configuration ${file} is ignored: it belongs to uid 4242, not to you (uid 1000) or root; name it with --config to use it anyway`,
    ]);
    const named = await readSettings(
      { config: 'opslint.config.yaml' },
      dir,
      collect({ lstat: ownedBy({ [file]: 4242 }, 1000), uid: 1000 }),
    );
    expect(named.config).toEqual({ rules: { 'lambda-tracing': 'off' } });
  });

  it('files of the user running opslint and of root are trusted; the owner of a folder above counts too', () => {
    const dir = workspace({ 'project/opslint.config.yaml': TRACING_OFF });
    const project = path.join(dir, 'project');
    expect(findConfig(project, collect({ lstat: ownedBy({}, 1000), uid: 1000 }))).toBe(
      path.join(project, 'opslint.config.yaml'),
    );
    expect(findConfig(project, collect({ lstat: ownedBy({}, 0), uid: 1000 }))).toBe(
      path.join(project, 'opslint.config.yaml'),
    );
    // the owner of a folder can replace what is in it
    const trust = collect({ lstat: ownedBy({ [project]: 4242 }, 0), uid: 0 });
    expect(findConfig(project, trust)).toBeUndefined();
    expect(trust.warnings[0]).toContain(`: the folder ${project} belongs to uid 4242, not to you (uid 0) or root;`);
  });

  it('a pack of a trusted configuration owned by another user is ignored, and the configuration may still name its rules', async () => {
    const dir = workspace({
      'opslint.config.yaml': 'packs: [./packs/pack.js]\nrules:\n  team/seen: error\n',
      'packs/pack.js': MARKING_PACK,
    });
    const pack = path.join(dir, 'packs', 'pack.js');
    const trust = collect({ lstat: ownedBy({ [pack]: 4242 }, 0), uid: 0 });
    const settings = await readSettings({}, dir, trust);
    expect(trust.warnings).toEqual([
      'pack "./packs/pack.js" is ignored: it belongs to uid 4242, not to you (uid 0) or root',
    ]);
    expect(settings.packSources[0].specs).toEqual([]);
    expect(settings.scan.packs.map((p) => p.id)).not.toContain('team');
    expect(existsSync(path.join(dir, 'packs', 'ran'))).toBe(false);
  });

  describe('--no-packs', () => {
    const repo = () =>
      workspace({
        'opslint.config.yaml': 'packs: [./packs/team.js, ./packs/data.yaml, evil-pack]\nrules:\n  team/seen: error\n',
        'packs/team.js': MARKING_PACK,
        'packs/data.yaml': YAML_PACK,
        // a package in the checkout's own node_modules is its code too
        'node_modules/evil-pack/package.json': '{"name": "evil-pack", "main": "index.js"}',
        'node_modules/evil-pack/index.js': MARKING_PACK.replace("id: 'team'", "id: 'evil'").replace(
          "'team/seen'",
          "'evil/seen'",
        ),
        't.yaml': FUNCTION,
      });

    it('runs no JavaScript pack of the configuration, says so, and still loads YAML rule files', async () => {
      const dir = repo();
      const { code, stderr, ids } = await scan(dir, '--no-packs');
      expect(stderr).toBe(
        [
          'opslint: pack "./packs/team.js" is not loaded: --no-packs runs no JavaScript from the configuration (YAML rule files still load)',
          'opslint: pack "evil-pack" is not loaded: --no-packs runs no JavaScript from the configuration (YAML rule files still load)',
          '',
        ].join('\n'),
      );
      expect(code).toBe(0);
      expect(ids).toContain('data/owner-tag');
      expect(ids.filter((id) => id.startsWith('team/') || id.startsWith('evil/'))).toEqual([]);
      expect(existsSync(path.join(dir, 'packs', 'ran'))).toBe(false);
      expect(existsSync(path.join(dir, 'node_modules', 'evil-pack', 'ran'))).toBe(false);
    }, 60_000);

    it('says in every report which packs it left out, at their entry in the configuration', async () => {
      const dir = repo();
      const why = 'is not loaded: --no-packs runs no JavaScript from the configuration (YAML rule files still load)';
      const json = JSON.parse((await scan(dir, '--no-packs')).stdout) as ScanReport;
      expect(json.summary.notes).toEqual([
        { file: 'opslint.config.yaml', line: 1, column: 9, message: `pack "./packs/team.js" ${why}` },
        { file: 'opslint.config.yaml', line: 1, column: 45, message: `pack "evil-pack" ${why}` },
      ]);
      const formats = ['--format', 'text', '--format', 'markdown', '--output', 'r.md', '--format', 'sarif'];
      const { stdout } = await runCli(['scan', 't.yaml', '--no-packs', ...formats, '--output', 'r.sarif'], {
        cwd: dir,
      });
      expect(stdout).toContain(`note  opslint.config.yaml:1:9: pack "./packs/team.js" ${why}`);
      expect(readFileSync(path.join(dir, 'r.md'), 'utf8')).toContain(
        `### Notes\n\n- <code>opslint.config.yaml:1:9</code>: pack "./packs/team.js" ${why}\n`,
      );
      const sarif = JSON.parse(readFileSync(path.join(dir, 'r.sarif'), 'utf8')) as {
        runs: { invocations: { toolExecutionNotifications: { level: string; message: { text: string } }[] }[] }[];
      };
      expect(sarif.runs[0].invocations[0].toolExecutionNotifications).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ level: 'note', message: { text: `pack "evil-pack" ${why}` } }),
        ]),
      );
      // without --no-packs, no note
      expect((JSON.parse((await scan(dir)).stdout) as ScanReport).summary.notes).toEqual([]);
    }, 60_000);

    it('without it, the same configuration runs them', async () => {
      const dir = repo();
      const { stderr, ids } = await scan(dir);
      expect(stderr).toBe('');
      expect(ids).toEqual(expect.arrayContaining(['team/seen', 'evil/seen', 'data/owner-tag']));
      expect(existsSync(path.join(dir, 'packs', 'ran'))).toBe(true);
    }, 60_000);

    it('leaves a pack named with --load-pack to the user, and applies to opslint fix', async () => {
      const dir = repo();
      const named = await scan(dir, '--no-packs', '--load-pack', './packs/team.js');
      expect(named.ids).toContain('team/seen');
      rmSync(path.join(dir, 'packs', 'ran'));
      const fix = await runCli(['fix', '.', '--dry-run', '--no-packs'], { cwd: dir });
      expect(fix.stderr).toContain('opslint: pack "./packs/team.js" is not loaded: --no-packs');
      expect(existsSync(path.join(dir, 'packs', 'ran'))).toBe(false);
    }, 60_000);
  });
});

describe('#17 the Action passes --no-packs on pull requests from forks', () => {
  /** The arguments the Action's scan step gives opslint, for an event and inputs. */
  const scanArgs = async (event: Pick<RunOptions, 'eventName' | 'event'>, inputs: Record<string, string> = {}) => {
    const run = await runAction({
      ...event,
      inputs: { comment: 'false', ...inputs },
      opslint: 'printf "%s\\n" "$@" > "$RUNNER_TEMP/args"\nexit 1',
    });
    expect(run.outputs['exit-code']).toBe(run.steps.Scan === 'success' ? '1' : '2');
    return run.steps.Scan === 'success' ? readFileSync(path.join(run.temp, 'args'), 'utf8').trimEnd().split('\n') : [];
  };
  const pullRequest = (head: string | null) => ({
    eventName: 'pull_request',
    event: {
      pull_request: { number: 7, base: { sha: 'abc123' }, head: { repo: head === null ? null : { full_name: head } } },
    },
  });
  const push = { eventName: 'push', event: {} };

  it('from a fork, or a fork since deleted: --no-packs', async () => {
    expect(await scanArgs(pullRequest('mallory/infra'))).toContain('--no-packs');
    expect(await scanArgs(pullRequest(null))).toContain('--no-packs');
  });

  it('from a branch of the repository, or on a push: packs load', async () => {
    expect(await scanArgs(pullRequest('acme/infra'))).not.toContain('--no-packs');
    expect(await scanArgs(push)).not.toContain('--no-packs');
  });

  it('the packs input says always or never instead', async () => {
    expect(await scanArgs(pullRequest('mallory/infra'), { packs: 'always' })).not.toContain('--no-packs');
    expect(await scanArgs(push, { packs: 'never' })).toContain('--no-packs');
    expect(await scanArgs(pullRequest('acme/infra'), { packs: 'sometimes' })).toEqual([]);
  });

  it('and the scan step still passes its other inputs', async () => {
    expect((await scanArgs(pullRequest('acme/infra'), { paths: 'a b', 'fail-on': 'warning' })).slice(0, 5)).toEqual([
      'scan',
      'a',
      'b',
      '--fail-on',
      'warning',
    ]);
  });
});

describe('#23 the Action updates only its own summary comment', () => {
  const BOT = 'github-actions[bot]';
  const REPORT = 'printf "%s\\nnew report\\n" "<!-- opslint-report -->" > "$RUNNER_TEMP/opslint.md"';

  /** The comments of the pull request after the Action ran, given those before. */
  const comment = async (comments: Comment[]): Promise<Comment[]> => {
    const api = await mockGitHub(comments);
    try {
      await runAction({
        eventName: 'pull_request',
        event: { pull_request: { number: 7, head: { repo: { full_name: 'acme/infra' } } } },
        inputs: { 'upload-sarif': 'false' },
        opslint: REPORT,
        api: { url: api.url, token: 'rw' },
      });
      return api.comments;
    } finally {
      await api.close();
    }
  };
  const mine = (id: number) => ({ id, user: { login: BOT }, body: `${MARKER}\nnew report\n` });

  it('another user comment that starts with the marker is left alone', async () => {
    const planted = { id: 1, user: { login: 'mallory' }, body: `${MARKER}\nAll clear, merge it.` };
    expect(await comment([planted])).toEqual([planted, mine(101)]);
    const own = { id: 2, user: { login: BOT }, body: `${MARKER}\nold report` };
    expect(await comment([planted, own])).toEqual([planted, mine(2)]);
  });

  it('its own comments without the marker, and comments of deleted users, are left alone', async () => {
    const other = { id: 3, user: { login: BOT }, body: 'Another workflow says hello' };
    const ghost = { id: 4, user: null, body: `${MARKER}\nold` };
    expect(await comment([other, ghost])).toEqual([other, ghost, mine(102)]);
  });
});

describe('#29 action.yml and .pre-commit-hooks.yaml are valid YAML of the right shape', () => {
  it('action.yml parses strictly, without warnings, with described inputs and steps', () => {
    const { problems, value } = strictly('action.yml');
    expect(problems).toEqual([]);
    const a = value as Action;
    expect(Object.keys(a.inputs).length).toBeGreaterThan(0);
    for (const [name, input] of Object.entries(a.inputs)) {
      expect([name, typeof input.description, input.description.length > 10]).toEqual([name, 'string', true]);
      if (input.default !== undefined) expect([name, typeof input.default]).toEqual([name, 'string']);
    }
    expect(a.runs.using).toBe('composite');
    expect(a.runs.steps.length).toBeGreaterThan(0);
    for (const step of a.runs.steps) {
      expect(typeof (step.uses ?? step.run)).toBe('string');
      if (step.run !== undefined) expect(step.shell).toBe('bash');
    }
    // the descriptions that held ": " read as written
    expect(a.inputs['upload-sarif'].description).toContain('`security-events: write`');
    expect(a.inputs.comment.description).toContain('`pull-requests: write`');
    expect(a.inputs.config.description).toContain('(default: ');
  });

  it('.pre-commit-hooks.yaml parses strictly, and each hook has id, name, entry and language', () => {
    const { problems, value } = strictly('.pre-commit-hooks.yaml');
    expect(problems).toEqual([]);
    expect(Array.isArray(value)).toBe(true);
    const hooks = value as Record<string, unknown>[];
    expect(hooks.length).toBeGreaterThan(0);
    for (const hook of hooks) {
      for (const key of ['id', 'name', 'entry', 'language']) expect([key, typeof hook[key]]).toEqual([key, 'string']);
      expect(String(hook.entry)).toMatch(/^opslint scan /);
    }
  });
});
