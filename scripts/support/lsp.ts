/**
 * An LSP client of `opslint lsp` over stdio, as an editor drives it: the protocol connection of
 * vscode-languageserver-protocol to a spawned server, the diagnostics it publishes, the messages it shows and the
 * documents the client holds (edited as the client edits them). The tests of the server and its benchmark share it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShowMessageNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type CodeAction,
  type CodeActionContext,
  type Diagnostic,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Registration,
  type ShowMessageParams,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

export class LspClient {
  readonly connection: ProtocolConnection;
  /** every publishDiagnostics, in order */
  readonly published: PublishDiagnosticsParams[] = [];
  /** when each was received (performance.now()), in the same order */
  readonly receivedAt: number[] = [];
  /** every window/showMessage */
  readonly messages: ShowMessageParams[] = [];
  /** the registrations the server asked for (the first request) */
  readonly registered: Promise<Registration[]>;
  /** the documents open, by URI, as the client holds them */
  readonly documents = new Map<string, TextDocument>();
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiters: (() => void)[] = [];
  private errors = '';

  /** Starts the server: `node <args>` (the command and its arguments) in `cwd`. */
  constructor(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
    this.child = spawn(process.execPath, args, { cwd, env });
    this.child.stderr.on('data', (d: Buffer) => (this.errors += d.toString()));
    this.connection = createProtocolConnection(
      new StreamMessageReader(this.child.stdout),
      new StreamMessageWriter(this.child.stdin),
    );
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.published.push(p);
      this.receivedAt.push(performance.now());
      for (const w of this.waiters.splice(0)) w();
    });
    this.connection.onNotification(ShowMessageNotification.method, (m: ShowMessageParams) => {
      this.messages.push(m);
    });
    this.registered = new Promise((resolve) =>
      this.connection.onRequest(RegistrationRequest.type, (p) => resolve(p.registrations)),
    );
    this.connection.listen();
  }

  /** What the server wrote to stderr so far. */
  get stderr(): string {
    return this.errors;
  }

  /** initialize (with `root` as the workspace folder, or each of several) and initialized. */
  async initialize(root: string | readonly string[], capabilities: ClientCapabilities = {}): Promise<InitializeResult> {
    const uris = (typeof root === 'string' ? [root] : root).map((r) => pathToFileURL(r).href);
    const result = await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: uris[0],
      workspaceFolders: uris.map((uri, i) => ({ uri, name: `workspace${i}` })),
      capabilities,
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
    return result;
  }

  /** The first diagnostics published (from the `from`th on) that `match`, once they come. */
  publication(match: (p: PublishDiagnosticsParams) => boolean, from = 0): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve) => {
      const look = (): void => {
        const p = this.published.slice(from).find(match);
        if (p) resolve(p);
        else this.waiters.push(look);
      };
      look();
    });
  }

  /** The diagnostics published for `uri` at `version`, once they come. */
  async diagnostics(uri: string, version: number): Promise<Diagnostic[]> {
    return (await this.publication((p) => p.uri === uri && p.version === version)).diagnostics;
  }

  /** didOpen of `uri` with `text` (version 1). */
  async open(uri: string, text: string, languageId = 'yaml'): Promise<void> {
    this.documents.set(uri, TextDocument.create(uri, languageId, 1, text));
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version: 1, text },
    });
  }

  /** didChange of `uri` with `edits` (incremental); the document's new version. */
  async change(uri: string, edits: readonly TextEdit[]): Promise<number> {
    const doc = this.documents.get(uri)!;
    const version = doc.version + 1;
    const changes = edits.map((e) => ({ range: e.range, text: e.newText }));
    this.documents.set(
      uri,
      TextDocument.update(TextDocument.create(uri, doc.languageId, version, doc.getText()), changes, version),
    );
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: changes,
    });
    return version;
  }

  /** shutdown, then exit: the server's exit code. */
  async end(): Promise<number | null> {
    await this.connection.sendRequest(ShutdownRequest.type);
    const exited = new Promise<number | null>((resolve) => this.child.on('exit', resolve));
    await this.connection.sendNotification(ExitNotification.type);
    const code = await exited;
    this.connection.dispose();
    return code;
  }

  /** Stops the server if it still runs (after a failed test). */
  kill(): void {
    this.connection.dispose();
    if (this.child.exitCode === null) this.child.kill();
  }
}

/** The code actions the server offers for `uri` in `context` (over the whole document). */
export function codeActionsOf(client: LspClient, uri: string, context: CodeActionContext): Promise<CodeAction[]> {
  const doc = client.documents.get(uri)!;
  return client.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: doc.positionAt(doc.getText().length) },
    context,
  }) as Promise<CodeAction[]>;
}

/** The text of `uri` after a code action's edit, and its edits. */
export function applyAction(client: LspClient, uri: string, action: CodeAction): { text: string; edits: TextEdit[] } {
  const edits = action.edit!.changes![uri];
  return { text: TextDocument.applyEdits(client.documents.get(uri)!, edits), edits };
}
