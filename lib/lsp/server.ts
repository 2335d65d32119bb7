/**
 * `opslint lsp`: opslint's findings in the editor, over the Language Server Protocol. Each open document that
 * reads as a CloudFormation/SAM template (by its content, as `scan` recognises templates) is checked when opened
 * and, a short while after a burst of changes, again (only that document); its findings are published as
 * diagnostics (./diagnostics.ts), with quick fixes (./actions.ts) and hovers (./hover.ts). The workspace's
 * configuration is read as `scan` reads it (./check.ts), and again when it changes; one that does not load is
 * said once and the last good one kept.
 */
import { fileURLToPath } from 'node:url';
import {
  createConnection,
  DidChangeWatchedFilesNotification,
  MessageType,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CONFIG_FILES } from '../config/load';
import { InputError, UsageError } from '../errors';
import { isActive, type Finding } from '../engine/finding';
import type { Template } from '../template/model';
import { codeActions } from './actions';
import { checkText, openWorkspace, type Workspace } from './check';
import { errorDiagnostic, findingDiagnostics } from './diagnostics';
import { hoverAt } from './hover';

export interface ServerOptions {
  /** how long after the last change of a burst a document is checked again (default 150 ms) */
  readonly debounceMs?: number;
}

const DEFAULT_DEBOUNCE_MS = 150;

/** What the server keeps of a document: its last check, and the last one that read as a template. */
interface DocumentState {
  timer?: NodeJS.Timeout;
  /** the findings and template of the last text that parsed */
  good?: { readonly template: Template; readonly findings: readonly Finding[] };
  /** the text does not parse now */
  broken: boolean;
}

/** Runs the server on `input` and `output` until the client ends it (`exit`, or the input closes). */
export function startServer(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  options: ServerOptions = {},
): Connection {
  const connection = createConnection(input, output);
  const documents = new TextDocuments<TextDocument>(TextDocument);
  const states = new Map<string, DocumentState>();
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  let root = process.cwd();
  let workspace: Promise<Workspace | undefined> = Promise.resolve(undefined);
  let current: Workspace | undefined;
  let lastConfigError: string | undefined;
  let watchDynamically = false;

  const warn = (message: string): void => connection.console.warn(`opslint: ${message}`);
  /**
   * Reads the configuration. One that does not load is said once (until what is wrong changes), and the last good
   * one is kept: before any, the defaults (as with `--no-config`).
   */
  const reload = (): Promise<Workspace | undefined> =>
    (workspace = openWorkspace(root, warn).then(
      (ws) => {
        lastConfigError = undefined;
        return (current = ws);
      },
      async (error: unknown) => {
        if (!(error instanceof InputError || error instanceof UsageError)) throw error;
        const message = error instanceof InputError ? error.format() : error.lines.join(' ');
        if (message !== lastConfigError)
          // a notification, not a request: there is nothing to answer
          void connection.sendNotification(ShowMessageNotification.type, {
            type: MessageType.Error,
            message: `opslint: the configuration does not load, ${current ? 'the last good one is used' : 'the defaults are used'}: ${message}`,
          });
        lastConfigError = message;
        return (current ??= await openWorkspace(root, warn, { config: false }));
      },
    ));

  const check = async (doc: TextDocument): Promise<void> => {
    const ws = await workspace;
    const state = states.get(doc.uri);
    // closed meanwhile; else `doc` holds the text as it is now (TextDocuments updates it in place)
    if (!ws || !state) return;
    const checked = checkText(ws, doc.getText(), fileOf(doc.uri));
    if (checked.kind === 'template') {
      state.good = { template: checked.template, findings: checked.findings };
      state.broken = false;
    } else if (checked.kind === 'none') {
      state.good = undefined;
      state.broken = false;
    } else state.broken = true;
    const diagnostics =
      checked.kind === 'error'
        ? [
            errorDiagnostic(doc, `The template does not parse: ${checked.error.message}`, checked.error.position),
            ...(state.good ? findingDiagnostics(doc, state.good.findings, true) : []),
          ]
        : checked.kind === 'template'
          ? findingDiagnostics(doc, checked.findings)
          : [];
    await connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
  };

  const report = (doc: TextDocument): void => {
    check(doc).catch((error: unknown) =>
      connection.console.error(
        `opslint: checking ${doc.uri} failed: ${error instanceof Error ? error.stack : String(error)}`,
      ),
    );
  };

  connection.onInitialize((params): InitializeResult => {
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
    if (folder?.startsWith('file:')) root = fileURLToPath(folder);
    watchDynamically = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    void reload();
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeActionProvider: { codeActionKinds: ['quickfix', 'source.fixAll.opslint'] },
        hoverProvider: true,
      },
      serverInfo: { name: 'opslint' },
    };
  });

  connection.onInitialized(() => {
    if (watchDynamically)
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: CONFIG_FILES.map((name) => ({ globPattern: `**/${name}` })),
      });
  });

  // one reload for a burst of changes: an editor may report each twice (its own watcher and the one registered here)
  let reloading: NodeJS.Timeout | undefined;
  connection.onDidChangeWatchedFiles(() => {
    clearTimeout(reloading);
    reloading = setTimeout(() => {
      reloading = undefined;
      reload().then(
        () => {
          for (const doc of documents.all()) report(doc);
        },
        (error: unknown) =>
          connection.console.error(
            `opslint: reading the configuration failed: ${error instanceof Error ? error.stack : String(error)}`,
          ),
      );
    }, debounceMs);
  });

  documents.onDidChangeContent(({ document }) => {
    const state = states.get(document.uri);
    if (!state) {
      // opened: checked at once
      states.set(document.uri, { broken: false });
      report(document);
      return;
    }
    clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      state.timer = undefined;
      report(document);
    }, debounceMs);
  });

  documents.onDidClose(({ document }) => {
    clearTimeout(states.get(document.uri)?.timer);
    states.delete(document.uri);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });

  connection.onCodeAction(async ({ textDocument, context }) => {
    const ws = await workspace;
    const doc = documents.get(textDocument.uri);
    const state = states.get(textDocument.uri);
    // fixes are planned on the document's text as it is: none while it does not parse
    if (!ws || !doc || !state?.good || state.broken) return [];
    return codeActions(ws, doc, fileOf(doc.uri), state.good.findings.filter(isActive), context);
  });

  connection.onHover(async ({ textDocument, position }) => {
    const ws = await workspace;
    const doc = documents.get(textDocument.uri);
    const good = states.get(textDocument.uri)?.good;
    if (!ws || !doc || !good) return undefined;
    return hoverAt(ws, doc, good.template, good.findings, position);
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}

/** The file a document is (its path, for a `file:` URI), which names it in findings and picks its format. */
function fileOf(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}
