/**
 * The pre-commit hook, installed and run by the real pre-commit (Debian's /usr/bin/pre-commit, which .ci/run
 * installs) from a clone of this repository at HEAD, as a project's configuration names it (`pre-commit try-repo`
 * does the same in a store it deletes, where the hook's environment could not be looked at). Its `language: node` runs
 * `npm install` in the clone (devDependencies included: they build it), then `npm pack`, whose stdout it takes for
 * the tarball's name, and installs that tarball globally into the hook's environment.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { REPO } from '../scripts/support/cli';
import { childEnv } from './helpers/cdk';

const ALARM =
  'Resources:\n  Alarm:\n    Type: AWS::CloudWatch::Alarm\n    Properties: {MetricName: Errors, Namespace: AWS/Lambda, Statistic: Sum, Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: GreaterThanThreshold}\n';

describe('the pre-commit hook', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'opslint-pre-commit-'));
  // the environments pre-commit installs: some 50 MB
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('installs with pre-commit, runtime dependencies only, and reports the findings of the files it is given', () => {
    const git = (cwd: string, ...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, stdio: 'pipe' });
    git(work, 'clone', '-q', REPO, 'opslint');
    const project = path.join(work, 'project');
    mkdirSync(path.join(project, '.github/workflows'), { recursive: true });
    writeFileSync(path.join(project, 't.yaml'), ALARM);
    writeFileSync(path.join(project, '.github/workflows/ci.yml'), 'on: push\njobs: {}\n');
    const rev = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
    writeFileSync(
      path.join(project, '.pre-commit-config.yaml'),
      `repos:\n  - repo: ${path.join(work, 'opslint')}\n    rev: ${rev}\n    hooks:\n      - id: opslint\n`,
    );
    git(project, 'init', '-q');
    git(project, 'add', '.');

    const home = path.join(work, 'home');
    const { status, stdout, stderr } = spawnSync(
      'pre-commit',
      ['run', '--files', 't.yaml', '.github/workflows/ci.yml'],
      { cwd: project, env: { ...childEnv, PRE_COMMIT_HOME: home }, encoding: 'utf8' },
    );
    expect({ status, stderr }).toEqual({ status: 1, stderr: '' });
    const output = stdout.slice(stdout.indexOf('opslint (AWS'));
    expect(output).toMatch(
      /^opslint \(AWS Well-Architected Operational Excellence\)\.+Failed\n- hook id: opslint\n- exit code: 1\n/,
    );
    expect(output).toContain(
      't.yaml\n  4:5  error  Alarm Alarm has no AlarmActions, so nobody is told when it goes into ALARM;',
    );
    expect(output).not.toContain('ci.yml');

    // the hook's environment: opslint and what it needs to run, nothing that built it
    const [env] = readdirSync(home)
      .filter((repo) => existsSync(path.join(home, repo, 'package.json')))
      .flatMap((repo) =>
        readdirSync(path.join(home, repo))
          .filter((name) => name.startsWith('node_env-'))
          .map((name) => path.join(home, repo, name, 'lib', 'node_modules', 'opslint')),
      );
    const installed = readdirSync(path.join(env, 'node_modules'));
    expect(installed).toEqual(expect.arrayContaining(['yaml', 'commander', 'ajv']));
    expect(installed.filter((name) => ['typescript', 'jest', 'aws-cdk-lib', 'playwright-core'].includes(name))).toEqual(
      [],
    );
    expect(readdirSync(path.join(env, 'dist'))).toEqual(expect.arrayContaining(['bin', 'lib', 'rules']));
  }, 900_000);
});
