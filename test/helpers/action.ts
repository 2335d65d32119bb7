/**
 * action.yml run as a GitHub runner runs a composite action, as far as that goes without GitHub: each step's `if:`
 * evaluated, `${{ }}` expanded, `run:` scripts run by bash with the GITHUB_* environment a runner gives, and the
 * actions the steps use played by stand-ins (actions/github-script's script runs, against a GitHub API served on
 * 127.0.0.1). npm is a stand-in too: it installs the `opslint` command it is given.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { REPO } from '../../scripts/support/cli';
import { workspace } from './workspace';

export interface ActionStep {
  readonly id?: string;
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly shell?: string;
  readonly env?: Record<string, string>;
  readonly with?: Record<string, string>;
  readonly if?: string;
}
export interface Action {
  readonly inputs: Record<string, { readonly description: string; readonly default?: string }>;
  readonly outputs: Record<string, { readonly description: string; readonly value: string }>;
  readonly runs: { readonly using: string; readonly steps: readonly ActionStep[] };
}

/** A YAML file of the repository parsed strictly: its errors and warnings, and its value. */
export const strictly = (file: string) => {
  const doc = parseDocument(readFileSync(path.join(REPO, file), 'utf8'), {
    strict: true,
    uniqueKeys: true,
    prettyErrors: false,
  });
  return { problems: [...doc.errors, ...doc.warnings].map((e) => e.message), value: doc.toJS() as unknown };
};
export const action = (): Action => strictly('action.yml').value as Action;

type Value = string | number | boolean | null;

/**
 * The value of a GitHub Actions expression: literals, context paths, `!`, `==`, `!=`, `&&`, `||`, parentheses and
 * the status functions. Anything else throws, so that a test fails rather than guesses.
 */
export function evaluate(expression: string, context: object, status: 'success' | 'failure' = 'success'): Value {
  const tokens = expression.match(/'(?:[^']|'')*'|[\w.-]+\(\)|[\w.-]+|==|!=|&&|\|\||[!()]|\S/g) ?? [];
  let at = 0;
  const peek = () => tokens[at];
  const next = () => tokens[at++];
  // GitHub compares values of different types as numbers, and strings without regard to case
  const number = (v: Value) => (v === null || v === '' ? 0 : Number(v));
  const equal = (a: Value, b: Value) =>
    typeof a === typeof b && a !== null && b !== null
      ? String(a).toLowerCase() === String(b).toLowerCase()
      : number(a) === number(b);
  const truthy = (v: Value) => v !== null && v !== false && v !== 0 && v !== '';
  const primary = (): Value => {
    const token = next();
    if (token === undefined) throw new Error(`unexpected end of expression: ${expression}`);
    if (token === '(') {
      const value = or();
      if (next() !== ')') throw new Error(`missing ) in ${expression}`);
      return value;
    }
    if (token === '!') return !truthy(primary());
    if (token.startsWith("'")) return token.slice(1, -1).replace(/''/g, "'");
    if (token === 'true' || token === 'false') return token === 'true';
    if (token === 'null') return null;
    if (/^\d+$/.test(token)) return Number(token);
    const functions: Record<string, Value> = {
      'always()': true,
      'success()': status === 'success',
      'failure()': status === 'failure',
      'cancelled()': false,
    };
    if (token in functions) return functions[token];
    if (!/^[a-z_][\w-]*(\.[\w-]+)*$/i.test(token)) throw new Error(`cannot evaluate "${token}" in ${expression}`);
    const value = token
      .split('.')
      .reduce<unknown>((o, key) => (o === null || typeof o !== 'object' ? undefined : (o as never)[key]), context);
    return value === undefined ? null : (value as Value);
  };
  const comparison = (): Value => {
    const left = primary();
    const op = peek();
    if (op !== '==' && op !== '!=') return left;
    next();
    return equal(left, primary()) === (op === '==');
  };
  // `a && b` is b when a is truthy, else a; `a || b` is a when a is truthy, else b
  const logical = (operator: '&&' | '||', operand: () => Value) => (): Value => {
    let value = operand();
    while (peek() === operator) {
      next();
      const right = operand();
      value = truthy(value) === (operator === '&&') ? right : value;
    }
    return value;
  };
  const and = logical('&&', comparison);
  const or = logical('||', and);
  const value = or();
  if (at !== tokens.length) throw new Error(`cannot evaluate ${expression}`);
  return value;
}

/** A step's `if:`, with the implicit `success() &&` of a condition that names no status function. */
export const condition = (step: ActionStep, context: object, status: 'success' | 'failure'): boolean => {
  const text = step.if ?? 'success()';
  const value = evaluate(
    /\b(always|success|failure|cancelled)\(\)/.test(text) ? text : `success() && (${text})`,
    context,
    status,
  );
  return value !== null && value !== false && value !== 0 && value !== '';
};

/** `${{ … }}` replaced by its value in `context`, as GitHub does (nothing for null). */
export const expand = (text: string, context: object): string =>
  text.replace(/\$\{\{(.*?)\}\}/g, (_, expression: string) => {
    const value = evaluate(expression, context);
    return value === null ? '' : String(value);
  });

/** Runs a script as actions/github-script does: an async function of `require`, `github`, `context` and `core`. */
async function runScript(
  script: string,
  globals: { github: unknown; context: unknown; core: unknown },
  env: Record<string, string>,
): Promise<void> {
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
    ...args: string[]
  ) => (...values: unknown[]) => Promise<void>;
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    await new AsyncFunction('require', 'github', 'context', 'core', script)(
      require,
      globals.github,
      globals.context,
      globals.core,
    );
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

export interface Comment {
  readonly id: number;
  readonly user: { readonly login: string } | null;
  readonly body: string;
}

/**
 * A GitHub API on 127.0.0.1 for the comments of pull requests; the tokens `refused` names may read them, and get
 * the status it gives them when they write (403, a read-only token).
 */
export async function mockGitHub(comments: Comment[], refused: Record<string, number> = {}) {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      let body = '';
      for await (const chunk of req as AsyncIterable<Buffer>) body += chunk.toString();
      const token = (req.headers.authorization ?? '').replace(/^token /, '');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      requests.push(`${req.method} ${url.pathname}${url.search}`);
      const send = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      const list = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
      const one = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
      if (!token) return send(401, { message: 'Requires authentication' });
      if (req.method === 'GET' && list) {
        const perPage = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        return send(200, comments.slice((page - 1) * perPage, page * perPage));
      }
      const status = refused[token];
      if (status === 403) return send(403, { message: 'Resource not accessible by integration' });
      if (status) return send(status, { message: 'Server Error' });
      const text = (JSON.parse(body || '{}') as { body?: string }).body ?? '';
      if (req.method === 'POST' && list) {
        const created = { id: 100 + comments.length, user: { login: 'github-actions[bot]' }, body: text };
        comments.push(created);
        return send(201, created);
      }
      const found = one && comments.find((c) => c.id === Number(one[3]));
      if (req.method === 'PATCH' && found) {
        comments.splice(comments.indexOf(found), 1, { ...found, body: text });
        return send(200, found);
      }
      send(404, { message: 'Not Found' });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, comments, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The part of Octokit the comment step uses, over HTTP, its errors carrying the status as Octokit's do. */
function octokit(baseUrl: string, token: string) {
  const request = async (method: string, route: string, body?: object) => {
    const res = await fetch(`${baseUrl}${route}`, {
      method,
      headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
      body: body && JSON.stringify(body),
    });
    const data = (await res.json()) as { message?: string };
    if (!res.ok) throw Object.assign(new Error(data.message), { status: res.status });
    return { data };
  };
  interface Params {
    owner: string;
    repo: string;
    issue_number?: number;
    comment_id?: number;
    body?: string;
    page?: number;
    per_page?: number;
  }
  const listComments = (p: Params) =>
    request(
      'GET',
      `/repos/${p.owner}/${p.repo}/issues/${p.issue_number}/comments?per_page=${p.per_page}&page=${p.page}`,
    );
  return {
    paginate: async (method: typeof listComments, params: Params) => {
      const all: unknown[] = [];
      for (let page = 1; ; page++) {
        const { data } = await method({ ...params, page, per_page: 100 });
        all.push(...(data as unknown[]));
        if ((data as unknown[]).length < 100) return all;
      }
    },
    rest: {
      issues: {
        listComments,
        createComment: (p: Params) =>
          request('POST', `/repos/${p.owner}/${p.repo}/issues/${p.issue_number}/comments`, { body: p.body }),
        updateComment: (p: Params) =>
          request('PATCH', `/repos/${p.owner}/${p.repo}/issues/comments/${p.comment_id}`, { body: p.body }),
      },
    },
  };
}

export interface ActionRun {
  /** Each step by name, and whether it ran (`success`, `failure`) or was `skipped`. */
  readonly steps: Record<string, 'success' | 'failure' | 'skipped'>;
  readonly outputs: Record<string, string>;
  /** Workflow commands (`::warning::…`) and github-script's core calls, as `warning: text`. */
  readonly annotations: string[];
  readonly summary: string;
  /** What the stand-ins for the actions it uses were given, as `uses with-values`. */
  readonly uses: string[];
  /** The arguments npm was called with. */
  readonly npm: string[];
  readonly failed: boolean;
  /** RUNNER_TEMP, where the reports are. */
  readonly temp: string;
}

export interface RunOptions {
  /** The event: `pull_request` with its payload, or another. */
  readonly eventName: string;
  readonly event: object;
  readonly repository?: string;
  readonly inputs?: Record<string, string>;
  /** The body of the `opslint` command npm installs (a shell script). */
  readonly opslint: string;
  /** The files of the checkout. */
  readonly files?: Record<string, string>;
  readonly api?: { readonly url: string; readonly token: string };
  /** Files already in RUNNER_TEMP, as an earlier step of the job may have left them. */
  readonly temp?: Record<string, string>;
  /** Commands on the PATH before the runner's (a `node` of another version). */
  readonly bin?: Record<string, string>;
}

const annotationsOf = (stdout: string) =>
  stdout
    .split('\n')
    .map((line) => /^::(error|warning|notice)(?: [^:]*)?::(.*)$/.exec(line))
    .filter((m) => m !== null)
    .map((m) => `${m[1]}: ${m[2]}`);

/** Runs the action's steps in order, as the runner does for a job that uses it. */
export async function runAction(options: RunOptions): Promise<ActionRun> {
  const a = action();
  const repository = options.repository ?? 'acme/infra';
  const under = (folder: string, files: Record<string, string> = {}) =>
    Object.fromEntries(Object.entries(files).map(([k, v]) => [`${folder}/${k}`, v]));
  const root = workspace({
    ...under('work', options.files),
    ...under('temp', options.temp),
    'event.json': JSON.stringify(options.event),
    opslint: `#!/usr/bin/env bash\n${options.opslint}`,
    ...under('bin', {
      // npm install --prefix <dir> … <spec>: records its arguments and installs the opslint given
      npm: `#!/usr/bin/env bash
printf '%s\\n' "$@" > "$RUNNER_TEMP/../npm-args"
while [ $# -gt 0 ]; do [ "$1" = --prefix ] && prefix=$2; shift; done
mkdir -p "$prefix/node_modules/.bin" && cp "$RUNNER_TEMP/../opslint" "$prefix/node_modules/.bin/opslint"
`,
      ...options.bin,
    }),
  });
  const temp = path.join(root, 'temp');
  mkdirSync(temp, { recursive: true });
  mkdirSync(path.join(root, 'work'), { recursive: true });
  for (const file of ['opslint', ...Object.keys(under('bin', { npm: '', ...options.bin }))]) {
    chmodSync(path.join(root, file), 0o755);
  }
  const defaults = Object.fromEntries(Object.entries(a.inputs).map(([k, v]) => [k, v.default ?? '']));
  const github = {
    repository,
    event_name: options.eventName,
    event: options.event,
    action_path: REPO,
    workspace: path.join(root, 'work'),
  };
  const context = {
    inputs: { ...defaults, ...options.inputs },
    github,
    runner: { temp },
    steps: {} as Record<string, { outputs: Record<string, string> }>,
  };
  const runnerEnv = {
    PATH: `${path.join(root, 'bin')}:${process.env.PATH}`,
    HOME: process.env.HOME ?? root,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: repository,
    GITHUB_EVENT_NAME: options.eventName,
    GITHUB_EVENT_PATH: path.join(root, 'event.json'),
    GITHUB_WORKSPACE: github.workspace,
    GITHUB_ACTION_PATH: REPO,
    GITHUB_API_URL: options.api?.url ?? 'http://127.0.0.1:9',
    RUNNER_TEMP: temp,
  };
  const run: { steps: ActionRun['steps']; annotations: string[]; summary: string; uses: string[] } = {
    steps: {},
    annotations: [],
    summary: '',
    uses: [],
  };
  let status: 'success' | 'failure' = 'success';
  for (const [index, step] of a.runs.steps.entries()) {
    const name = step.name ?? step.uses ?? `step ${index}`;
    if (!condition(step, context, status)) {
      run.steps[name] = 'skipped';
      continue;
    }
    const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(v, context)]));
    const files = { output: path.join(temp, `output-${index}`), summary: path.join(temp, `summary-${index}`) };
    writeFileSync(files.output, '');
    writeFileSync(files.summary, '');
    let ok = true;
    if (step.run !== undefined) {
      try {
        const stdout = execFileSync(
          'bash',
          ['--noprofile', '--norc', '-eo', 'pipefail', '-c', expand(step.run, context)],
          {
            cwd: github.workspace,
            env: { ...runnerEnv, GITHUB_OUTPUT: files.output, GITHUB_STEP_SUMMARY: files.summary, ...env },
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        run.annotations.push(...annotationsOf(stdout));
      } catch (error) {
        run.annotations.push(...annotationsOf(String((error as { stdout?: string }).stdout ?? '')));
        ok = false;
      }
    } else {
      const uses = step.uses!;
      const values = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, expand(v, context)]));
      if (uses.startsWith('actions/github-script@')) {
        const core = {
          warning: (text: string) => void run.annotations.push(`warning: ${text}`),
          setFailed: (text: string) => {
            run.annotations.push(`error: ${text}`);
            ok = false;
          },
        };
        const payload = JSON.parse(readFileSync(runnerEnv.GITHUB_EVENT_PATH, 'utf8')) as object;
        const [owner, repo] = repository.split('/');
        try {
          await runScript(
            values.script,
            {
              github: octokit(runnerEnv.GITHUB_API_URL, options.api?.token ?? ''),
              context: { repo: { owner, repo }, payload },
              core,
            },
            env,
          );
        } catch (error) {
          run.annotations.push(`error: ${(error as Error).message}`);
          ok = false;
        }
      } else {
        run.uses.push(`${uses.replace(/@.*/, '')} ${JSON.stringify(values)}`);
      }
    }
    if (step.id) {
      const outputs = Object.fromEntries(
        readFileSync(files.output, 'utf8')
          .split('\n')
          .filter((line) => line.includes('='))
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      context.steps[step.id] = { outputs };
    }
    run.summary += readFileSync(files.summary, 'utf8');
    run.steps[name] = ok ? 'success' : 'failure';
    if (!ok) status = 'failure';
  }
  const outputs = Object.fromEntries(Object.entries(a.outputs).map(([k, v]) => [k, expand(v.value, context)]));
  const npmArgs = path.join(root, 'npm-args');
  const npm = existsSync(npmArgs) ? readFileSync(npmArgs, 'utf8').trimEnd().split('\n') : [];
  return { ...run, outputs, npm, failed: status === 'failure', temp };
}
