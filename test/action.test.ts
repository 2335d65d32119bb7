/**
 * The GitHub Action (action.yml), its steps run in order with the environment a runner gives and a GitHub API on
 * 127.0.0.1 (test/helpers/action.ts): the SARIF upload, the version it installs, Node.js, and the comment and job
 * summary on pull requests, from the repository's branches and from forks.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { MARKER } from '../lib/reporters/markdown';
import { REPO } from '../scripts/support/cli';
import { evaluate, mockGitHub, runAction, type RunOptions } from './helpers/action';

const VERSION = (require('../package.json') as { version: string }).version;

/** An `opslint` that writes a small report to each `--output` it is given, and exits with `code`. */
const stub = (code = 0) => `
while [ $# -gt 0 ]; do
  if [ "$1" = --output ]; then
    case $2 in
      *.sarif) echo '{"version":"2.1.0","runs":[]}' > "$2" ;;
      *.md) printf '%s\\nThe opslint report\\n' '${MARKER}' > "$2" ;;
    esac
  fi
  shift
done
exit ${code}`;

const pullRequest = (head: string | null) => ({
  eventName: 'pull_request',
  event: {
    pull_request: { number: 7, base: { sha: 'abc123' }, head: { repo: head === null ? null : { full_name: head } } },
  },
});
const push = { eventName: 'push', event: { ref: 'refs/heads/main' } };
const UPLOAD = 'Upload SARIF to code scanning';
const COMMENT = 'Comment on the pull request';

describe('the SARIF report reaches code scanning', () => {
  it('whenever the scan wrote it, on a push as on a pull request, from RUNNER_TEMP', async () => {
    for (const event of [push, pullRequest('acme/infra')]) {
      const run = await runAction({ ...event, opslint: stub(1), inputs: { comment: 'false' } });
      const sarif = path.join(run.temp, 'opslint.sarif');
      expect(run.steps[UPLOAD]).toBe('success');
      expect(run.uses).toContain(
        `github/codeql-action/upload-sarif ${JSON.stringify({ sarif_file: sarif, category: 'opslint' })}`,
      );
      expect(run.outputs).toEqual({ 'exit-code': '1', sarif });
      expect(run.failed).toBe(true);
    }
  });

  it('says so when there is no SARIF to upload, and not when the upload is turned off', async () => {
    const none = await runAction({ ...push, opslint: 'exit 2' });
    expect(none.steps[UPLOAD]).toBe('skipped');
    expect(none.annotations).toContain(
      'warning: opslint wrote no SARIF report (exit code 2): nothing was uploaded to code scanning',
    );
    expect(none.outputs).toEqual({ 'exit-code': '2', sarif: '' });
    const off = await runAction({ ...push, opslint: 'exit 2', inputs: { 'upload-sarif': 'false' } });
    expect(off.steps[UPLOAD]).toBe('skipped');
    expect(off.annotations.filter((a) => a.includes('SARIF'))).toEqual([]);
  });

  it('never uploads the SARIF of an earlier run in the job for this one', async () => {
    const run = await runAction({ ...push, opslint: 'exit 2', temp: { 'opslint.sarif': '{"runs":[]}' } });
    expect(run.steps[UPLOAD]).toBe('skipped');
    expect(run.uses).toEqual([]);
  });
});

describe('the version it installs, and Node.js', () => {
  it('installs the version of the action itself, with the Node.js of the runner, unless told otherwise', async () => {
    const own = await runAction({ ...push, opslint: stub() });
    expect(own.npm.at(-1)).toBe(`opslint@${VERSION}`);
    expect(own.steps['Set up Node.js']).toBe('skipped');
    expect(own.failed).toBe(false);
    const told = await runAction({ ...push, opslint: stub(), inputs: { version: '0.0.9', 'node-version': '22' } });
    expect(told.npm.at(-1)).toBe('opslint@0.0.9');
    expect(told.uses).toContain(`actions/setup-node ${JSON.stringify({ 'node-version': '22' })}`);
  });

  it('stops with a clear error on a runner whose Node.js is older than 20', async () => {
    const run = await runAction({
      ...push,
      opslint: stub(),
      // a node that says it is 18, to --version and to the code it runs
      bin: {
        'node18.js': 'Object.defineProperty(process.versions, "node", { value: "18.20.4" });\n',
        node: `#!/bin/sh\n[ "$1" = --version ] && echo v18.20.4 && exit 0\nexec ${process.execPath} -r "$(dirname "$0")/node18.js" "$@"\n`,
      },
    });
    expect(run.steps['Install opslint']).toBe('failure');
    expect(run.annotations).toContain(
      "error: opslint needs Node.js 20 or later, and the runner has v18.20.4: set the action's node-version input",
    );
    expect(run.npm).toEqual([]);
    expect(run.steps.Scan).toBe('skipped');
    expect(run.failed).toBe(true);
  });
});

describe('the report on pull requests', () => {
  const withApi = async (
    options: Omit<RunOptions, 'api'>,
    token = 'rw',
    comments: Parameters<typeof mockGitHub>[0] = [],
  ) => {
    const api = await mockGitHub(comments, { ro: 403, broken: 500 });
    try {
      return { run: await runAction({ ...options, api: { url: api.url, token } }), api };
    } finally {
      await api.close();
    }
  };

  it('from a branch of the repository: a comment, and the job summary, with the report of the real opslint', async () => {
    // the repository's opslint, from its sources
    const opslint = `export TS_NODE_PROJECT=${REPO}/tsconfig.json\nexec ${process.execPath} -r ${require.resolve('ts-node/register/transpile-only')} ${REPO}/bin/opslint.ts "$@"`;
    const template =
      'Resources:\n  Orders:\n    Type: AWS::Lambda::Function\n    Properties: {Runtime: nodejs22.x, Handler: index.handler}\n';
    const { run, api } = await withApi({
      ...pullRequest('acme/infra'),
      opslint,
      files: { 'infra/t.yaml': template },
      inputs: { paths: 'infra', 'fail-on': 'warning' },
    });
    const report = readFileSync(path.join(run.temp, 'opslint.md'), 'utf8');
    expect(report.startsWith(MARKER)).toBe(true);
    expect(api.requests).toEqual([
      'GET /repos/acme/infra/issues/7/comments?per_page=100&page=1',
      'POST /repos/acme/infra/issues/7/comments',
    ]);
    expect(api.comments.map((c) => c.body)).toEqual([report]);
    expect(run.summary).toBe(report);
    expect(run.annotations).toContainEqual(
      expect.stringMatching(/^warning: Lambda function Orders does not send traces/),
    );
    const sarif = JSON.parse(readFileSync(path.join(run.temp, 'opslint.sarif'), 'utf8')) as {
      runs: { results: unknown[] }[];
    };
    expect(sarif.runs[0].results.length).toBeGreaterThan(0);
    expect(run.steps).toMatchObject({ [UPLOAD]: 'success', [COMMENT]: 'success', 'Fail on findings': 'failure' });
  }, 120_000);

  it('from a fork, or a fork since deleted: no comment (the token is read-only), the report in the job summary', async () => {
    for (const head of ['mallory/infra', null]) {
      const { run, api } = await withApi({ ...pullRequest(head), opslint: stub() }, 'ro');
      expect(run.steps[COMMENT]).toBe('skipped');
      expect(api.requests).toEqual([]);
      expect(run.summary).toBe(`${MARKER}\nThe opslint report\n`);
      expect(run.annotations).toContain(
        'notice: A pull request from a fork gets a read-only token: the opslint report is in the job summary, not in a comment',
      );
      expect(run.steps[UPLOAD]).toBe('success');
      expect(run.failed).toBe(false);
    }
  });

  it('from a branch, with a read-only token (Dependabot): a warning, and the findings decide the job', async () => {
    const { run, api } = await withApi({ ...pullRequest('acme/infra'), opslint: stub() }, 'ro');
    expect(api.requests.map((r) => r.split(' ')[0])).toEqual(['GET', 'POST']);
    expect(run.annotations).toContain(
      'warning: opslint could not comment on the pull request (Resource not accessible by integration): its token is read-only (a job without `pull-requests: write`, or a Dependabot pull request); the report is in the job summary',
    );
    expect(run.steps[COMMENT]).toBe('success');
    expect(run.summary).toContain(MARKER);
    expect(run.failed).toBe(false);
  });

  it('fails the job when the API fails otherwise', async () => {
    const { run } = await withApi({ ...pullRequest('acme/infra'), opslint: stub() }, 'broken');
    expect(run.steps[COMMENT]).toBe('failure');
    expect(run.annotations).toContain('error: Server Error');
    expect(run.failed).toBe(true);
  });

  it('updates its own earlier comment', async () => {
    const own = { id: 3, user: { login: 'github-actions[bot]' }, body: `${MARKER}\nold` };
    const { api } = await withApi({ ...pullRequest('acme/infra'), opslint: stub() }, 'rw', [own]);
    expect(api.requests.at(-1)).toBe('PATCH /repos/acme/infra/issues/comments/3');
    expect(api.comments).toEqual([{ ...own, body: `${MARKER}\nThe opslint report\n` }]);
  });

  it('on a push: no comment, the job summary only', async () => {
    const { run, api } = await withApi({ ...push, opslint: stub() });
    expect(run.steps[COMMENT]).toBe('skipped');
    expect(api.requests).toEqual([]);
    expect(run.summary).toContain(MARKER);
  });
});

describe('the expressions of the test runner', () => {
  it('read as GitHub reads them: missing values are empty, strings compare without case', () => {
    const context = { steps: { scan: { outputs: { sarif: '/t/o.sarif' } } }, inputs: { x: 'TRUE' } };
    expect(evaluate("steps.scan.outputs.sarif != ''", context)).toBe(true);
    expect(evaluate("steps.scan.outputs.missing != ''", context)).toBe(false);
    expect(evaluate("always() && inputs.x == 'true'", context)).toBe(true);
    expect(evaluate("success() && (inputs.x == 'false' || !inputs.y)", context, 'failure')).toBe(false);
    expect(() => evaluate("hashFiles('a') != ''", context)).toThrow();
  });
});
