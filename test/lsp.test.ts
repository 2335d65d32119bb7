/**
 * `opslint lsp` as an editor uses it: one server process over stdio, driven by the LSP client of
 * vscode-languageserver-protocol, in a workspace of its own: diagnostics, quick fixes applied and checked again,
 * hover, configuration reload, a template broken mid-edit, shutdown.
 */
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  DidChangeWatchedFilesNotification,
  DidChangeWorkspaceFoldersNotification,
  FileChangeType,
  HoverRequest,
  type CodeAction,
  type Diagnostic,
  type ClientCapabilities,
  type InitializeResult,
  type MarkupContent,
  type Range,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { InputError } from '../lib/errors';
import { inEditorTerms } from '../lib/lsp/diagnostics';
import { templateFromText } from '../lib/template/load';
import { REPO } from '../scripts/support/cli';
import { LspClient } from '../scripts/support/lsp';
import { workspace } from './helpers/workspace';

jest.setTimeout(60_000);

const TEMPLATE = `# Orders: a comment that must survive
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  # the worker
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12   # pinned
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/worker
      Code:
        ZipFile: "def handler(e, c): pass"
  WorkerErrors:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Namespace: AWS/Lambda
      MetricName: Errors
      Dimensions:
        - Name: FunctionName
          Value: !Ref Worker
      Statistic: Sum
      Period: 60
      EvaluationPeriods: 1
      Threshold: 1
      ComparisonOperator: GreaterThanOrEqualToThreshold
      ActionsEnabled: false   # muted during the migration
`;

const TEAM_RULES = `pack: team
rules:
  - id: team/alarm-runbook
    title: Alarms link to their runbook
    bestPractice: OPS07-BP03
    severity: warning
    resourceTypes: [AWS::CloudWatch::Alarm]
    path: Properties.AlarmDescription
    condition: { matches: 'https://runbooks' }
    message: 'Alarm {{resource}} links to no runbook.'
`;

const DOCS = 'https://github.com/opslint/opslint/blob/main/docs/rules/';

/** The server from the sources, as the CLI tests run the command. */
const SERVER = ['-r', 'ts-node/register/transpile-only', path.join(REPO, 'bin', 'opslint.ts'), 'lsp', '--stdio'];

let dir: string;
let lsp: LspClient;
let initialized: InitializeResult;

function uriOf(name: string): string {
  return pathToFileURL(path.join(dir, name)).href;
}

async function openDoc(name: string, text: string, languageId = 'yaml'): Promise<Diagnostic[]> {
  await lsp.open(uriOf(name), text, languageId);
  return lsp.diagnostics(uriOf(name), 1);
}

/** Replaces the whole text. */
function replaceAll(uri: string, text: string): Promise<number> {
  const doc = lsp.documents.get(uri)!;
  return lsp.change(uri, [
    { range: { start: { line: 0, character: 0 }, end: doc.positionAt(doc.getText().length) }, newText: text },
  ]);
}

function actionsFor(uri: string, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
  return lsp.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range: diagnostics[0].range,
    context: { diagnostics },
  }) as Promise<CodeAction[]>;
}

/** The text after a code action's edit. */
function applied(uri: string, action: CodeAction): { text: string; edits: TextEdit[] } {
  const edits = action.edit!.changes![uri];
  return { text: TextDocument.applyEdits(lsp.documents.get(uri)!, edits), edits };
}

/** The error reading `text` as a template gives. */
function parseError(text: string): InputError {
  try {
    templateFromText(text, 'broken.yaml');
  } catch (error) {
    if (error instanceof InputError) return error;
  }
  throw new Error('the text parses');
}

/** The last diagnostics published for `uri`. */
const latest = (uri: string): Diagnostic[] => lsp.published.filter((p) => p.uri === uri).pop()!.diagnostics;

const ofRule = (ds: Diagnostic[], rule: string): Diagnostic[] => ds.filter((d) => d.code === rule);
/** A diagnostic's message: the server sends text. */
const textOf = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);

/** The text of `doc` that `range` covers. */
const under = (doc: TextDocument, range: Range): string => doc.getText(range);

/** A server of its own in a workspace of `files` (or several: one workspace folder each), ended after `run`. */
async function withServer(
  files: Record<string, string> | readonly Record<string, string>[],
  capabilities: ClientCapabilities,
  run: (server: LspClient, roots: string[]) => Promise<void>,
): Promise<void> {
  const roots = (Array.isArray(files) ? files : [files]).map((f: Record<string, string>) => workspace(f));
  const server = new LspClient(SERVER, REPO);
  try {
    await server.initialize(roots, capabilities);
    await run(server, roots);
    expect(await server.end()).toBe(0);
    expect(server.stderr).toBe('');
  } finally {
    server.kill();
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  }
}

/** Opens `file` of a workspace `root` in `server` with `text`: its first diagnostics. */
async function openIn(server: LspClient, root: string, file: string, text: string): Promise<Diagnostic[]> {
  const uri = pathToFileURL(path.join(root, file)).href;
  await server.open(uri, text);
  return server.diagnostics(uri, 1);
}

beforeAll(async () => {
  dir = workspace({ 'template.yaml': TEMPLATE });
  // with the editor's debounce (150 ms): a burst of changes sent at once is well within it
  lsp = new LspClient(SERVER, REPO);
  initialized = await lsp.initialize(dir, { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } });
});

afterAll(() => {
  lsp?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('opslint lsp', () => {
  it('announces incremental sync, quick fixes and hover, and watches the configuration files', async () => {
    expect(initialized.capabilities).toEqual({
      textDocumentSync: 2,
      codeActionProvider: { codeActionKinds: ['quickfix', 'source.fixAll.opslint'] },
      hoverProvider: true,
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    });
    expect(initialized.serverInfo?.name).toBe('opslint');
    // the watcher is registered once the client said it is initialized
    expect(await lsp.registered).toEqual([
      expect.objectContaining({
        method: DidChangeWatchedFilesNotification.method,
        registerOptions: {
          watchers: [
            { globPattern: '**/opslint.config.json' },
            { globPattern: '**/opslint.config.yaml' },
            { globPattern: '**/opslint.config.yml' },
          ],
        },
      }),
    ]);
  });

  it('publishes the findings of a template opened: range, severity, code, link, best practice', async () => {
    const ds = await openDoc('template.yaml', TEMPLATE);
    const [tracing] = ofRule(ds, 'lambda-tracing');
    // the finding is at Properties (line 7, column 5 in the model): the key token, 0-based
    expect(tracing).toEqual({
      range: { start: { line: 6, character: 4 }, end: { line: 6, character: 14 } },
      severity: 2,
      code: 'lambda-tracing',
      codeDescription: { href: `${DOCS}lambda-tracing.md` },
      source: 'opslint',
      message: expect.stringMatching(/^Lambda function Worker does not send traces to X-Ray.* \(OPS04-BP05 \S.*\)$/),
      data: expect.any(Object),
    });
    const actions = ofRule(ds, 'alarm-actions');
    expect(actions.map((d) => d.severity)).toEqual([1, 1]);
    // ActionsEnabled: the key, not the line
    expect(actions[1].range).toEqual({ start: { line: 25, character: 6 }, end: { line: 25, character: 20 } });
    expect(ofRule(ds, 'lambda-structured-logs')[0].severity).toBe(3);
  });

  it('checks a JSON template too, and fixes it in place', async () => {
    const json = `{
  "Resources": {
    "Worker": {
      "Type": "AWS::Lambda::Function",
      "Properties": { "Runtime": "python3.12", "Handler": "index.handler" }
    }
  }
}
`;
    const uri = uriOf('worker.json');
    const ds = await openDoc('worker.json', json, 'json');
    // the quoted key
    expect(ofRule(ds, 'lambda-tracing')[0].range).toEqual({
      start: { line: 4, character: 6 },
      end: { line: 4, character: 18 },
    });
    const logs = ofRule(ds, 'lambda-structured-logs');
    const fix = (await actionsFor(uri, logs)).find((a) => a.title.startsWith('Fix '))!;
    const { text, edits } = applied(uri, fix);
    expect(JSON.parse(text).Resources.Worker.Properties.LoggingConfig).toEqual({ LogFormat: 'JSON' });
    expect(text.split('\n').slice(0, 4)).toEqual(json.split('\n').slice(0, 4));
    expect(ofRule(await lsp.diagnostics(uri, await lsp.change(uri, edits)), 'lambda-structured-logs')).toEqual([]);
  });

  it('gives the needs-context reminders as one Information diagnostic', async () => {
    const ds = latest(uriOf('template.yaml'));
    const reminders = ds.filter((d) => /need.? context/.test(textOf(d)));
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toMatchObject({
      severity: 3,
      source: 'opslint',
      code: 'needs-context',
      codeDescription: { href: 'https://github.com/opslint/opslint/blob/main/README.md#using-it' },
    });
    // the checks, and one sentence on how to give them the context, in the terms of the configuration file
    const ids = /^5 checks need context outside this template: ([a-z-]+(?:, [a-z-]+)*)\. To enforce them, .+\.$/
      .exec(textOf(reminders[0]))![1]
      .split(', ');
    expect(ids).toContain('cloudtrail-present');
    expect(textOf(reminders[0])).toContain('under accountBaseline in opslint.config.*');
    expect(textOf(reminders[0])).not.toMatch(/Needs context|--account-baseline/);
    for (const rule of ['cloudtrail-present', 'business-metrics']) expect(ofRule(ds, rule)).toEqual([]);
    // on hover: each check with its title
    const hover = await lsp.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: uriOf('template.yaml') },
      position: reminders[0].range.start,
    });
    expect(hover!.range).toEqual(reminders[0].range);
    const value = (hover!.contents as MarkupContent).value;
    for (const id of ids) expect(value).toMatch(new RegExp(`^- \`${id}\`: \\S`, 'm'));
    expect(value).toContain('Cloud');
  });

  it('gives a document that is not a template no diagnostics and no error', async () => {
    // it mentions Resources, but not at its root
    const ds = await openDoc('compose.yaml', 'services:\n  web:\n    image: nginx\n    Resources: [cpu, memory]\n');
    expect(ds).toEqual([]);
    expect(await openDoc('package.json', '{ "name": "x" }', 'json')).toEqual([]);
  });

  it('checks a burst of changes once, after the last, and only the document changed', async () => {
    const uri = uriOf('burst.yaml');
    await openDoc('burst.yaml', TEMPLATE);
    const before = lsp.published.length;
    const at = (line: number, text: string): TextEdit => ({
      range: { start: { line, character: 0 }, end: { line, character: 0 } },
      newText: text,
    });
    await lsp.change(uri, [at(1, '# one\n')]);
    await lsp.change(uri, [at(1, '# two\n')]);
    const last = await lsp.change(uri, [at(1, '# three\n')]);
    const ds = await lsp.diagnostics(uri, last);
    // one check, of this document only (the others open are not checked again)
    expect(lsp.published.slice(before).map((p) => [p.uri, p.version])).toEqual([[uri, last]]);
    // moved down by the three lines
    expect(ofRule(ds, 'lambda-tracing')[0].range.start.line).toBe(9);
  });

  it('applies the quick fix of a finding: the same edit as opslint fix, comments and layout kept', async () => {
    const uri = uriOf('template.yaml');
    const ds = await lsp.diagnostics(uri, 1);
    const logs = ofRule(ds, 'lambda-structured-logs');
    const actions = await actionsFor(uri, logs);
    const fix = actions.find((a) => a.title.startsWith('Fix '))!;
    expect(fix).toMatchObject({
      kind: 'quickfix',
      isPreferred: true,
      diagnostics: logs,
      title: 'Fix lambda-structured-logs: Resources.Worker.Properties.LoggingConfig.LogFormat: "JSON"',
    });
    // the same fix for a client that does not send the diagnostic's data back
    const withoutData = logs.map(({ data: _data, ...d }) => d);
    expect((await actionsFor(uri, withoutData)).find((a) => a.title === fix.title)?.edit).toEqual(fix.edit);
    const { text, edits } = applied(uri, fix);
    // a minimal edit: the inserted lines only
    expect(edits).toHaveLength(1);
    expect(edits[0].range.start.line).toBeGreaterThan(6);
    expect(text).toContain('      LoggingConfig:\n        LogFormat: JSON\n');
    expect(text.replace('      LoggingConfig:\n        LogFormat: JSON\n', '')).toBe(TEMPLATE);
    const version = await lsp.change(uri, edits);
    const after = await lsp.diagnostics(uri, version);
    expect(ofRule(after, 'lambda-structured-logs')).toEqual([]);
    expect(ofRule(after, 'lambda-tracing')).toHaveLength(1);
  });

  it('shows the best practice, why and the fix on hover over a resource with findings', async () => {
    const uri = uriOf('template.yaml');
    const text = lsp.documents.get(uri)!.getText();
    const line = text.split('\n').indexOf('      ActionsEnabled: false   # muted during the migration');
    const hover = await lsp.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: { line, character: 10 },
    });
    const value = (hover!.contents as MarkupContent).value;
    expect((hover!.contents as MarkupContent).kind).toBe('markdown');
    expect(value).toContain('**alarm-actions** (error): Alarm WorkerErrors sets ActionsEnabled to false');
    expect(value).toMatch(/Best practice: \[OPS08-BP04 [^\]]+\]\(https:\/\/docs\.aws\.amazon\.com\/[^)]+\)/);
    expect(value).toMatch(/Why: \S/);
    expect(value).toContain('How to fix:\n\n```yaml\n');
    expect(value).toContain(`[Rule documentation](${DOCS}alarm-actions.md)`);
    // the comment above a resource is no finding's
    const commentLine = text.split('\n').indexOf('  # the worker');
    expect(
      await lsp.connection.sendRequest(HoverRequest.type, {
        textDocument: { uri },
        position: { line: commentLine, character: 4 },
      }),
    ).toBeNull();
  });

  it('hovers on a logical id with the resource findings, elsewhere with the findings of the line, with a range', async () => {
    const uri = uriOf('hover.yaml');
    const ds = await openDoc('hover.yaml', TEMPLATE);
    const lines = TEMPLATE.split('\n');
    const hover = async (line: number, character: number): Promise<{ rules: string[]; range?: Range } | null> => {
      const h = await lsp.connection.sendRequest(HoverRequest.type, {
        textDocument: { uri },
        position: { line, character },
      });
      if (!h) return null;
      const rules = [...(h.contents as MarkupContent).value.matchAll(/^\*\*([\w/-]+)\*\* \(/gm)].map((m) => m[1]);
      return { rules, range: h.range };
    };
    const rulesOn = (line: number): string[] =>
      ds.filter((d) => d.range.start.line === line && d.code !== 'needs-context').map((d) => String(d.code));
    // on the logical id: every finding of the resource, and the id as the range
    const worker = lines.indexOf('  Worker:');
    const onId = (await hover(worker, 4))!;
    expect(onId.range).toEqual({ start: { line: worker, character: 2 }, end: { line: worker, character: 8 } });
    expect(onId.rules.sort()).toEqual(
      ds
        .filter(
          (d) => d.code !== 'needs-context' && textOf(d).includes('Worker ') && !textOf(d).includes('WorkerErrors'),
        )
        .map((d) => String(d.code))
        .sort(),
    );
    // on a line with diagnostics: theirs only, the token as the range
    const muted = lines.indexOf('      ActionsEnabled: false   # muted during the migration');
    const onLine = (await hover(muted, 10))!;
    expect(onLine.rules).toEqual(rulesOn(muted));
    expect(onLine.rules.length).toBeLessThan((await hover(lines.indexOf('  WorkerErrors:'), 4))!.rules.length);
    expect(onLine.range).toEqual(ds.find((d) => d.range.start.line === muted)!.range);
    // a line of the resource without any: nothing
    expect(await hover(lines.indexOf('      Handler: index.handler'), 10)).toBeNull();
  });

  it('keeps the last findings while a change does not parse, with one diagnostic for the error', async () => {
    const uri = uriOf('broken.yaml');
    const good = await openDoc('broken.yaml', TEMPLATE);
    const broken = TEMPLATE.replace('      Handler: index.handler\n', '      Handler: [index.handler\n');
    const ds = await lsp.diagnostics(uri, await replaceAll(uri, broken));
    const errors = ds.filter((d) => textOf(d).startsWith('The template does not parse'));
    expect(errors).toHaveLength(1);
    // where the parser says, made 0-based
    const { position, message } = parseError(broken);
    expect(errors[0]).toMatchObject({
      severity: 1,
      code: 'input-error',
      source: 'opslint',
      range: { start: { line: position!.line - 1, character: position!.column - 1 } },
      message: `The template does not parse: ${message}`,
    });
    const kept = ds.filter((d) => d !== errors[0]);
    expect(kept.map((d) => d.code)).toEqual(good.map((d) => d.code));
    for (const d of kept) expect(textOf(d)).toMatch(/\(from the last parse: the template does not parse now\)$/);
    // no quick fix while it does not parse
    expect(await actionsFor(uri, ofRule(kept, 'lambda-structured-logs'))).toEqual([]);
    const fixed = await lsp.diagnostics(uri, await replaceAll(uri, TEMPLATE));
    expect(fixed).toEqual(good);
  });

  it('keeps the last good findings on their own text while lines inserted above them do not parse', async () => {
    const uri = uriOf('moved.yaml');
    const good = await openDoc('moved.yaml', TEMPLATE);
    const before = lsp.documents.get(uri)!;
    const isError = (d: Diagnostic): boolean => textOf(d).startsWith('The template does not parse');
    // two lines with an unclosed flow mapping, above the alarm
    const at = TEMPLATE.split('\n').indexOf('  WorkerErrors:');
    const point = { line: at, character: 0 };
    const ds = await lsp.diagnostics(
      uri,
      await lsp.change(uri, [{ range: { start: point, end: point }, newText: '  Extra:\n    Properties: {\n' }]),
    );
    const after = lsp.documents.get(uri)!;
    expect(() => parseError(after.getText())).not.toThrow();
    expect(ds.filter(isError)).toHaveLength(1);
    const kept = ds.filter((d) => !isError(d));
    // each on the same token as before, the alarm's two lines further down
    expect(kept.map((d) => [d.code, under(after, d.range)])).toEqual(good.map((d) => [d.code, under(before, d.range)]));
    expect(ofRule(kept, 'alarm-actions').map((d) => d.range.start.line)).toEqual(
      ofRule(good, 'alarm-actions').map((d) => d.range.start.line + 2),
    );
    // a finding whose line is changed meanwhile is dropped
    const muted = after.getText().split('\n').indexOf('      ActionsEnabled: false   # muted during the migration');
    const changed = await lsp.diagnostics(
      uri,
      await lsp.change(uri, [
        { range: { start: { line: muted, character: 22 }, end: { line: muted, character: 27 } }, newText: 'true' },
      ]),
    );
    expect(ofRule(changed, 'alarm-actions')).toHaveLength(1);
    expect(ofRule(changed, 'lambda-tracing')).toEqual(ofRule(kept, 'lambda-tracing'));
  });

  it('answers a code action request without its context, and a request on a document never opened, with nothing', async () => {
    const uri = uriOf('template.yaml');
    const { range } = latest(uri)[0];
    for (const params of [
      { textDocument: { uri }, range },
      { textDocument: { uri }, range, context: {} },
    ])
      expect(await lsp.connection.sendRequest(CodeActionRequest.method, params)).toEqual([]);
    const never = uriOf('never.yaml');
    expect(
      await lsp.connection.sendRequest(HoverRequest.method, { textDocument: { uri: never }, position: range.start }),
    ).toBeNull();
    expect(
      await lsp.connection.sendRequest(CodeActionRequest.method, {
        textDocument: { uri: never },
        range,
        context: { diagnostics: latest(uri) },
      }),
    ).toEqual([]);
  });

  it('reads the configuration again when it changes, and keeps the last good one when it breaks', async () => {
    const uri = uriOf('template.yaml');
    const countOf = (rule: string): number => ofRule(latest(uri), rule).length;
    const next = lsp.publication((p) => p.uri === uri, lsp.published.length);
    expect(countOf('lambda-log-group')).toBe(1);
    const config = path.join(dir, 'opslint.config.json');
    // a team pack of the configuration's, a rules file beside it
    writeFileSync(path.join(dir, 'team-rules.yaml'), TEAM_RULES);
    writeFileSync(
      config,
      JSON.stringify({
        rules: { 'lambda-log-group': 'off', 'alarm-actions': 'warning' },
        packs: ['./team-rules.yaml'],
      }),
    );
    // reported twice, as VS Code does with its own watcher and the server's: read once, checked once
    const before = lsp.published.length;
    for (let i = 0; i < 2; i++)
      await lsp.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
        changes: [{ uri: pathToFileURL(config).href, type: FileChangeType.Created }],
      });
    const reloaded = (await next).diagnostics;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(lsp.published.slice(before).filter((p) => p.uri === uri)).toHaveLength(1);
    expect(ofRule(reloaded, 'lambda-log-group')).toEqual([]);
    expect(ofRule(reloaded, 'alarm-actions').map((d) => d.severity)).toEqual([2, 2]);
    expect(ofRule(reloaded, 'team/alarm-runbook')).toEqual([
      expect.objectContaining({
        severity: 2,
        message: expect.stringMatching(/^Alarm WorkerErrors links to no runbook/),
      }),
    ]);

    // broken: said once, with where; the last good configuration still applies
    writeFileSync(config, '{\n  "rules": { "lambda-log-group": "sometimes" }\n}\n');
    for (let i = 0; i < 2; i++)
      await lsp.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
        changes: [{ uri: pathToFileURL(config).href, type: FileChangeType.Changed }],
      });
    const top = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const still = await lsp.diagnostics(uri, await lsp.change(uri, [{ range: top, newText: '# edited\n' }]));
    expect(ofRule(still, 'lambda-log-group')).toEqual([]);
    expect(lsp.messages).toHaveLength(1);
    expect(lsp.messages[0].type).toBe(1);
    expect(lsp.messages[0].message).toMatch(/opslint\.config\.json:2:\d+: /);
  });

  it('words what the command line says for the editor: parameters and the account baseline in the configuration', async () => {
    const text = `Parameters:
  Mode:
    Type: String
    Default: PassThrough
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/fn
      Code: { ZipFile: "x" }
      TracingConfig:
        Mode: !Ref Mode
`;
    const uri = uriOf('parameters.yaml');
    const [tracing] = ofRule(await openDoc('parameters.yaml', text), 'lambda-tracing');
    expect(textOf(tracing)).toContain(
      "the default Mode='PassThrough'; set Mode under parameters in opslint.config.* to check other values.",
    );
    expect(textOf(tracing)).not.toContain('-p ');
    const hover = await lsp.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: tracing.range.start,
    });
    expect((hover!.contents as MarkupContent).value).toContain('set Mode under parameters in opslint.config.*');
    expect(inEditorTerms('pass -p A=… -p B=… to check the other case')).toBe(
      'set A, B under parameters in opslint.config.* to check the other case',
    );
    expect(inEditorTerms('as the account baseline (--account-baseline) to enforce this check.')).toBe(
      'as the account baseline (accountBaseline in opslint.config.*) to enforce this check.',
    );
  });

  it('shuts down and exits cleanly', async () => {
    expect(await lsp.end()).toBe(0);
    expect(lsp.stderr).toBe('');
  });
});

describe('opslint lsp with a configuration that does not load from the start', () => {
  it('says so once and checks with the defaults', async () => {
    const root = workspace({ 'opslint.config.json': '{ "rules": [] }\n' });
    const server = new LspClient(SERVER, REPO);
    try {
      await server.initialize(root);
      const uri = pathToFileURL(path.join(root, 'template.yaml')).href;
      await server.open(uri, TEMPLATE);
      expect(ofRule(await server.diagnostics(uri, 1), 'lambda-tracing')).toHaveLength(1);
      expect(server.messages).toEqual([
        {
          type: 1,
          message: expect.stringMatching(
            /^opslint: the configuration does not load, the defaults are used: opslint\.config\.json:1:\d+: /,
          ),
        },
      ]);
      expect(await server.end()).toBe(0);
    } finally {
      server.kill();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('opslint lsp for a client that does not watch files', () => {
  it('watches the configuration files itself', async () => {
    // no dynamic registration of watched files, as Neovim on Linux
    await withServer({ 'svc/template.yaml': TEMPLATE }, {}, async (server, [root]) => {
      const uri = pathToFileURL(path.join(root, 'svc', 'template.yaml')).href;
      expect(ofRule(await openIn(server, root, 'svc/template.yaml', TEMPLATE), 'lambda-log-group')).toHaveLength(1);
      // at the root, then in the document's folder: no didChangeWatchedFiles
      let next = server.publication((p) => p.uri === uri, server.published.length);
      writeFileSync(path.join(root, 'opslint.config.json'), JSON.stringify({ disable: ['lambda-log-group'] }));
      expect(ofRule((await next).diagnostics, 'lambda-log-group')).toEqual([]);
      next = server.publication((p) => p.uri === uri, server.published.length);
      writeFileSync(path.join(root, 'svc', 'opslint.config.yaml'), 'disable: [lambda-tracing]\n');
      const ds = (await next).diagnostics;
      expect(ofRule(ds, 'lambda-tracing')).toEqual([]);
      expect(ofRule(ds, 'lambda-log-group')).toHaveLength(1);
      expect(server.messages).toEqual([]);
    });
  });
});

describe('opslint lsp in a monorepo', () => {
  it('checks each document with the nearest configuration, up to its workspace folder', async () => {
    const service = { disable: ['lambda-tracing'] };
    await withServer(
      [
        {
          'opslint.config.json': JSON.stringify({ disable: ['lambda-log-group'] }),
          'svc/opslint.config.json': JSON.stringify(service),
          'broken/opslint.config.json': '{\n  "disable": "lambda-tracing"\n}\n',
        },
        // a second workspace folder, without a configuration
        {},
      ],
      { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
      async (server, [root, other]) => {
        const rules = async (at: string, file: string): Promise<string[]> =>
          [...new Set((await openIn(server, at, file, TEMPLATE)).map((d) => String(d.code)))].filter((code) =>
            ['lambda-tracing', 'lambda-log-group'].includes(code),
          );
        expect(await rules(root, 'template.yaml')).toEqual(['lambda-tracing']);
        expect(await rules(root, 'svc/template.yaml')).toEqual(['lambda-log-group']);
        expect(await rules(root, 'svc/deep/template.yaml')).toEqual(['lambda-log-group']);
        expect((await rules(other, 'template.yaml')).sort()).toEqual(['lambda-log-group', 'lambda-tracing']);
        // a configuration that does not load: said once, where; the folder above it is used
        expect(await rules(root, 'broken/template.yaml')).toEqual(['lambda-tracing']);
        expect(await rules(root, 'broken/other.yaml')).toEqual(['lambda-tracing']);
        expect(server.messages).toEqual([
          {
            type: 1,
            message: expect.stringMatching(
              /^opslint: the configuration does not load, the one above it is used: broken\/opslint\.config\.json:2:\d+: /,
            ),
          },
        ]);
      },
    );
  });

  it('takes a workspace folder added later as a root of its own', async () => {
    await withServer(
      { 'opslint.config.json': JSON.stringify({ disable: ['lambda-log-group'] }) },
      { workspace: { workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true } } },
      async (server) => {
        const other = workspace({});
        try {
          const uri = pathToFileURL(path.join(other, 'template.yaml')).href;
          // outside every workspace folder: the configuration of the first
          expect(ofRule(await openIn(server, other, 'template.yaml', TEMPLATE), 'lambda-log-group')).toEqual([]);
          const next = server.publication((p) => p.uri === uri, server.published.length);
          await server.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, {
            event: { added: [{ uri: pathToFileURL(other).href, name: 'other' }], removed: [] },
          });
          expect(ofRule((await next).diagnostics, 'lambda-log-group')).toHaveLength(1);
        } finally {
          rmSync(other, { recursive: true, force: true });
        }
      },
    );
  });
});
