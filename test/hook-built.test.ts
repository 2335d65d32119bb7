/**
 * `opslint hook package` from an installed build (scripts/build.js into a folder of its own, as
 * test/built-cli.test.ts builds one): a JavaScript pack written the documented way, `require('opslint/rule')`, is
 * bundled with the handler's own copy of that entry, so that handler.js runs alone and the pack shares the
 * handler's engine (its UNKNOWN value); a pack that reads a file at run time is refused at packaging.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { REPO } from '../scripts/support/cli';
import { invokeHookScript, PROBE_PACK, PROBE_TEMPLATE, RULES_FILE, type HookRun } from '../scripts/support/hook';
import { workspace } from './helpers/workspace';

const root = mkdtempSync(path.join(tmpdir(), 'opslint-hook-built-'));

beforeAll(() => {
  cpSync(path.join(REPO, 'package.json'), path.join(root, 'package.json'));
  for (const dir of ['node_modules', 'schema', 'docs']) symlinkSync(path.join(REPO, dir), path.join(root, dir));
  const build = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'build.js'), root], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The built command, run in `cwd` with nothing of the repository's environment. */
function opslint(args: readonly string[], cwd: string) {
  return spawnSync(process.execPath, [path.join(root, 'dist', 'bin', 'opslint.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', TMPDIR: tmpdir() },
  });
}

/** A project that has installed the build, holding `files`. */
function project(files: Record<string, string>): string {
  const dir = workspace(files, 'opslint-hook-built-project-');
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(root, path.join(dir, 'node_modules', 'opslint'));
  return dir;
}

/** The pack `opslint new-pack` scaffolds, compiled: its YAML rules read from a file beside it when it loads. */
const READS_FILE = `const path = require('node:path');
const { definePack, loadYamlPack } = require('opslint/rule');
module.exports = definePack({ id: 'rulesfile', title: 'Rules', rules: [...loadYamlPack(path.join(__dirname, 'rules.yaml')).rules] });
`;

describe('opslint hook package, installed', () => {
  it('bundles a pack that requires opslint/rule with the handler: handler.js runs alone and the pack sees UNKNOWN', () => {
    const dir = project({ 'probe.js': PROBE_PACK });
    const packaged = opslint(
      ['hook', 'package', '--output', 'hook', '--load-pack', './probe.js', '--fail-on', 'warning'],
      dir,
    );
    expect(packaged.stderr).toBe('');
    expect(packaged.status).toBe(0);
    const clean = mkdtempSync(path.join(tmpdir(), 'opslint-hook-built-run-'));
    copyFileSync(path.join(dir, 'hook', 'handler.js'), path.join(clean, 'handler.js'));
    const run = spawnSync(process.execPath, ['-e', invokeHookScript(JSON.stringify(PROBE_TEMPLATE))], {
      cwd: clean,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(run.stderr).toBe('');
    const { answer } = JSON.parse(run.stdout) as HookRun;
    expect(answer).toMatchObject({ hookStatus: 'FAILED', errorCode: 'NonCompliant' });
    expect(answer.message).toContain('[warning] probe/unknown-name Queue');
  });

  it('refuses a pack that reads a file at run time, in one line naming the pack, and leaves no handler.js', () => {
    const dir = project({ 'acme.js': READS_FILE, 'rules.yaml': RULES_FILE });
    const packaged = opslint(['hook', 'package', '--output', 'hook', '--load-pack', './acme.js'], dir);
    expect(packaged.status).toBe(2);
    expect(packaged.stderr).toMatch(
      /^opslint: the packaged handler\.js does not load: opslint could not load its configuration: pack acme\.js failed to load: [^\n]*rules\.yaml[^\n]*packs are bundled into handler\.js[^\n]*must not read files at run time[^\n]*\n$/,
    );
    expect(existsSync(path.join(dir, 'hook', 'handler.js'))).toBe(false);
  });
});
