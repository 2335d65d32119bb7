/**
 * The code actions of `opslint lsp`, through the real client (scripts/support/lsp.ts): a suppression written with
 * a placeholder reason suppresses nothing until the user writes why; no suppression of a rule the configuration
 * keeps unsuppressible; neither fixes nor suppressions in a template of a cloud assembly; every fix of a file at
 * once, byte for byte what `opslint fix` writes.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, CodeActionContext, Diagnostic } from 'vscode-languageserver-protocol/node';
import { PLACEHOLDER_REASON } from '../lib/engine/suppress';
import { FIX_ALL_KIND, FIX_ALL_TITLE, QUICK_FIX_ALL_BUDGET } from '../lib/lsp/actions';
import { REPO, runCli } from '../scripts/support/cli';
import { applyAction, codeActionsOf, LspClient } from '../scripts/support/lsp';
import { workspace } from './helpers/workspace';

jest.setTimeout(60_000);

const FUNCTION = `AWSTemplateFormatVersion: '2010-09-09'
Description: the orders service
Resources:
  Orders: # takes the orders
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: orders
      Runtime: nodejs22.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/orders
      Code: { ZipFile: 'exports.handler = async () => ({});' }
`;

const ALARM = `  OrdersFailing:
    Type: AWS::CloudWatch::Alarm
    Properties:
      AlarmName: orders-failing
      Namespace: AWS/Lambda
      MetricName: Errors
      Dimensions: [{ Name: FunctionName, Value: !Ref Orders }]
      ComparisonOperator: GreaterThanThreshold
      Threshold: 5
      Statistic: Sum
      EvaluationPeriods: 2
      Period: 300
      ActionsEnabled: false # muted while it is tuned
`;

const SERVER = ['-r', 'ts-node/register/transpile-only', path.join(REPO, 'bin', 'opslint.ts'), 'lsp', '--stdio'];

let dir: string;
let lsp: LspClient;

const uriOf = (name: string): string => pathToFileURL(path.join(dir, name)).href;
const ofRule = (ds: readonly Diagnostic[], rule: string): Diagnostic[] => ds.filter((d) => d.code === rule);
const titles = (actions: readonly CodeAction[]): string[] => actions.map((a) => a.title);

/** Opens `name` with `text` (written to disk too, for `opslint fix`): its first diagnostics. */
async function open(name: string, text: string, languageId = 'yaml'): Promise<Diagnostic[]> {
  writeFileSync(path.join(dir, name), text);
  await lsp.open(uriOf(name), text, languageId);
  return lsp.diagnostics(uriOf(name), 1);
}

function actions(name: string, context: CodeActionContext): Promise<CodeAction[]> {
  return codeActionsOf(lsp, uriOf(name), context);
}

beforeAll(async () => {
  // alarm-actions may not be suppressed here
  dir = workspace({ 'opslint.config.yaml': 'suppressions:\n  unsuppressible: [alarm-actions]\n' });
  lsp = new LspClient(SERVER, REPO);
  await lsp.initialize(dir);
});

afterAll(() => {
  lsp?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('the suppress quick fix', () => {
  it('writes a placeholder reason that suppresses nothing: the finding stays, and the entry says to write why', async () => {
    const ds = await open('suppress.yaml', FUNCTION);
    const uri = uriOf('suppress.yaml');
    const tracing = ofRule(ds, 'lambda-tracing');
    const suppress = (await actions('suppress.yaml', { diagnostics: tracing })).filter((a) =>
      a.title.startsWith('Suppress '),
    );
    expect(titles(suppress)).toEqual([
      'Suppress lambda-tracing on Orders: then write why in its reason (until then it does not apply)',
    ]);
    const { text, edits } = applyAction(lsp, uri, suppress[0]);
    expect(text).toBe(
      `${FUNCTION}    Metadata:\n      opslint:\n        suppress:\n          - id: lambda-tracing\n            reason: ${PLACEHOLDER_REASON}\n`,
    );
    const after = await lsp.diagnostics(uri, await lsp.change(uri, edits));
    // the finding is still shown, and the suppression is reported where it is written, saying what to write
    expect(ofRule(after, 'lambda-tracing')).toHaveLength(1);
    expect(ofRule(after, 'invalid-suppression')).toEqual([
      expect.objectContaining({
        severity: 2,
        range: expect.objectContaining({
          start: { line: text.split('\n').indexOf('          - id: lambda-tracing'), character: 12 },
        }),
        message: expect.stringContaining(
          `Suppression of lambda-tracing has a placeholder for a reason (got "${PLACEHOLDER_REASON}"); write why the finding is accepted here: until then it does not apply.`,
        ),
      }),
    ]);

    // once the reason says why, the finding is suppressed
    const reason = text.indexOf(PLACEHOLDER_REASON);
    const doc = lsp.documents.get(uri)!;
    const written = await lsp.diagnostics(
      uri,
      await lsp.change(uri, [
        {
          range: { start: doc.positionAt(reason), end: doc.positionAt(reason + PLACEHOLDER_REASON.length) },
          newText: 'Traced by the service mesh sidecar instead',
        },
      ]),
    );
    expect(ofRule(written, 'lambda-tracing')).toEqual([]);
    expect(ofRule(written, 'invalid-suppression')).toEqual([]);
  });

  it('is not offered for a rule the configuration keeps unsuppressible', async () => {
    const ds = await open('unsuppressible.yaml', FUNCTION + ALARM);
    const alarm = ofRule(ds, 'alarm-actions');
    expect(alarm).toHaveLength(2);
    for (const d of alarm)
      expect(
        titles(await actions('unsuppressible.yaml', { diagnostics: [d] })).filter((t) => t.startsWith('Suppress')),
      ).toEqual([]);
    // another rule still may be
    expect(titles(await actions('unsuppressible.yaml', { diagnostics: ofRule(ds, 'lambda-tracing') }))).toContain(
      'Suppress lambda-tracing on Orders: then write why in its reason (until then it does not apply)',
    );
  });
});

describe('documents the VS Code extension hands over besides YAML and JSON files', () => {
  it('checks and fixes an unsaved document, and a .template file the editor opened as plain text', async () => {
    for (const [uri, languageId] of [
      ['untitled:Untitled-1', 'yaml'],
      [uriOf('stack.template'), 'plaintext'],
    ]) {
      await lsp.open(uri, FUNCTION, languageId);
      const logs = ofRule(await lsp.diagnostics(uri, 1), 'lambda-structured-logs');
      expect([uri, logs]).toEqual([uri, [expect.objectContaining({ severity: 3 })]]);
      const fix = (await codeActionsOf(lsp, uri, { diagnostics: logs })).find((a) => a.title.startsWith('Fix '))!;
      const { text } = applyAction(lsp, uri, fix);
      expect(text).toBe(FUNCTION.replace(/\n$/, '\n      LoggingConfig:\n        LogFormat: JSON\n'));
    }
  });
});

describe('a template of a cloud assembly', () => {
  it('has its findings shown, and neither fixes nor suppressions offered (the next synth would undo them)', async () => {
    const manifest = JSON.stringify({ version: '36.0.0', artifacts: { Worker: { type: 'aws:cloudformation:stack' } } });
    const json = JSON.stringify(
      {
        Resources: {
          Worker: {
            Type: 'AWS::Lambda::Function',
            Properties: { Runtime: 'python3.12', Handler: 'index.handler', Role: 'arn:aws:iam::1:role/w' },
          },
        },
      },
      null,
      1,
    );
    // a manifest.json beside it makes a folder of any name a cloud assembly
    writeFileSync(path.join(dir, 'manifest.json'), manifest);
    try {
      const ds = await open('Worker.template.json', json, 'json');
      expect(ofRule(ds, 'lambda-tracing')).toHaveLength(1);
      expect(await actions('Worker.template.json', { diagnostics: ds })).toEqual([]);
      expect(await actions('Worker.template.json', { diagnostics: [], only: [FIX_ALL_KIND] })).toEqual([]);
      // the same template anywhere else is fixed
      const elsewhere = await open('worker.json', json, 'json');
      const logs = ofRule(elsewhere, 'lambda-structured-logs');
      expect(titles(await actions('worker.json', { diagnostics: logs }))).toEqual([
        'Fix lambda-structured-logs: Resources.Worker.Properties.LoggingConfig.LogFormat: "JSON"',
        'Suppress lambda-structured-logs on Worker: then write why in its reason (until then it does not apply)',
      ]);
    } finally {
      rmSync(path.join(dir, 'manifest.json'));
    }
  });
});

describe('fix all', () => {
  /** What `opslint fix` writes to `name` in the workspace. */
  async function fixedByCli(name: string): Promise<string> {
    const { stdout } = await runCli(['fix', name], { cwd: dir });
    expect(stdout).toContain('Fixed 2 findings in 1 file;');
    return readFileSync(path.join(dir, name), 'utf8');
  }

  it.each([
    ['fix-all.yaml', FUNCTION + ALARM, 'yaml'],
    [
      'fix-all.json',
      `{\n  "Resources": {\n    "Worker": {\n      "Type": "AWS::Lambda::Function",\n      "Properties": { "Runtime": "python3.12", "Handler": "index.handler" }\n    },\n    "Logs": { "Type": "AWS::Logs::LogGroup", "Properties": { "RetentionInDays": 3 } }\n  }\n}\n`,
      'json',
    ],
  ])(
    '%s: the source action and the quick fix make, in one edit, what opslint fix writes',
    async (name, text, language) => {
      const ds = await open(name, text, language);
      const uri = uriOf(name);
      const source = await actions(name, { diagnostics: [], only: ['source.fixAll'] });
      expect(source).toEqual([{ title: FIX_ALL_TITLE, kind: FIX_ALL_KIND, edit: expect.any(Object) }]);
      expect(source[0].edit!.changes![uri]).toHaveLength(1);
      // `source` asks for every source action
      expect(await actions(name, { diagnostics: [], only: ['source'] })).toEqual(source);
      const quick = (await actions(name, { diagnostics: ofRule(ds, 'lambda-structured-logs') })).find(
        (a) => a.title === FIX_ALL_TITLE,
      );
      expect(quick).toMatchObject({ kind: 'quickfix', edit: source[0].edit });
      const { text: applied, edits } = applyAction(lsp, uri, source[0]);
      expect(applied).not.toBe(text);
      expect(applied).toBe(await fixedByCli(name));
      const after = await lsp.diagnostics(uri, await lsp.change(uri, edits));
      expect(ofRule(after, 'lambda-structured-logs')).toEqual([]);
    },
  );

  it('is not made unasked for a document where it would take long: the source action still makes it', async () => {
    const functions = Array.from({ length: 64 }, (_, i) =>
      FUNCTION.slice(FUNCTION.indexOf('  Orders:')).replace(/Orders/g, `Orders${i}`),
    ).join('');
    const text = `Resources:\n${functions}`;
    const ds = await open('many.yaml', text);
    const logs = ofRule(ds, 'lambda-structured-logs');
    expect(logs.length * text.length).toBeGreaterThan(QUICK_FIX_ALL_BUDGET);
    expect(titles(await actions('many.yaml', { diagnostics: logs.slice(0, 1) }))).toEqual([
      'Fix lambda-structured-logs: Resources.Orders0.Properties.LoggingConfig.LogFormat: "JSON"',
      'Suppress lambda-structured-logs on Orders0: then write why in its reason (until then it does not apply)',
    ]);
    const [all] = await actions('many.yaml', { diagnostics: [], only: [FIX_ALL_KIND] });
    expect(applyAction(lsp, uriOf('many.yaml'), all).text.match(/LogFormat: JSON/g)).toHaveLength(64);
  });

  it('is not offered as a quick fix when only one finding has a fix, nor as a source action unless asked for', async () => {
    const ds = await open('one-fix.yaml', FUNCTION);
    const fixable = ofRule(ds, 'lambda-structured-logs');
    expect(fixable).toHaveLength(1);
    const all = await actions('one-fix.yaml', { diagnostics: ds });
    expect(titles(all).filter((t) => t.startsWith('Fix '))).toEqual([
      'Fix lambda-structured-logs: Resources.Orders.Properties.LoggingConfig.LogFormat: "JSON"',
    ]);
    expect(titles(all)).not.toContain(FIX_ALL_TITLE);
    // a source action is there when asked for, even for one fix
    expect(titles(await actions('one-fix.yaml', { diagnostics: [], only: [FIX_ALL_KIND] }))).toEqual([FIX_ALL_TITLE]);
    // quick fixes only: no source action
    const several = await open('several.yaml', FUNCTION + ALARM);
    const quick = await actions('several.yaml', { diagnostics: several, only: ['quickfix'] });
    expect(quick.filter((a) => a.title === FIX_ALL_TITLE).map((a) => a.kind)).toEqual(['quickfix']);
  });
});
