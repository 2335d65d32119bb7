/**
 * `opslint lsp`: opslint's findings in the editor, over the Language Server Protocol. Each open document that
 * reads as a CloudFormation/SAM template (by its content, as `scan` recognises templates) is checked when opened
 * and, a short while after a burst of changes, again (only that document); its findings are published as
 * diagnostics (./diagnostics.ts), with quick fixes (./actions.ts) and hovers (./hover.ts). A document is checked
 * with the configuration `scan` run in its folder would use, up to its workspace folder (./check.ts): one
 * workspace per folder that holds one, read again when any changes; one that does not load is said once and
 * the last good one kept.
 */
import { watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
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
import { toDisplayPath } from '../scan';
import type { Template } from '../template/model';
import { isWithin } from '../util/within';
import { codeActions } from './actions';
import { checkText, configFolder, foldersUpTo, holdsConfig, openWorkspace, rootOf, type Workspace } from './check';
import { errorDiagnostic, findingDiagnostics, movedFindings } from './diagnostics';
import { hoverAt } from './hover';

export interface ServerOptions {
  /** how long after the last change of a burst a document is checked again (default 150 ms) */
  readonly debounceMs?: number;
}

const DEFAULT_DEBOUNCE_MS = 150;

/** What the server keeps of a document: its last check, and the last one that read as a template. */
interface DocumentState {
  timer?: NodeJS.Timeout;
  /** the text that last parsed, with its template and findings */
  good?: { readonly text: string; readonly template: Template; readonly findings: readonly Finding[] };
  /** the text does not parse now */
  broken: boolean;
}

/** What the server keeps of a configuration folder between reads: its last good workspace, and what was said. */
interface Folder {
  good?: Workspace;
  /** what was said of its configuration not loading, until that changes */
  error?: string;
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
  // the workspace folders; the working directory for a client that names none
  let roots = [process.cwd()];
  const folders = new Map<string, Folder>();
  /** the workspace of each configuration folder a document uses, being read or read */
  const workspaces = new Map<string, Promise<Workspace>>();
  let watchDynamically = false;
  /** the client tells when workspace folders are added or removed */
  let followFolders = false;
  /** the folders watched for configuration files when the client does not watch them (by folder) */
  const watchers = new Map<string, FSWatcher | undefined>();

  const warn = (message: string): void => connection.console.warn(`opslint: ${message}`);

  /**
   * Reads the configuration of the folder `dir`. One that does not load is said once (until what is wrong
   * changes), and the last good one is kept: before any, the one above it, or (for a workspace folder) the
   * defaults, as with `--no-config`.
   */
  const load = (dir: string): Promise<Workspace> => {
    const folder = folders.get(dir) ?? {};
    folders.set(dir, folder);
    return openWorkspace(dir, warn).then(
      (ws) => {
        folder.error = undefined;
        return (folder.good = ws);
      },
      async (error: unknown) => {
        if (!(error instanceof InputError || error instanceof UsageError)) throw error;
        const root = rootOf(dir, roots);
        // where, from the workspace folder (the error names the file from the folder it was read in)
        const message =
          error instanceof InputError
            ? new InputError(error.message, toDisplayPath(path.resolve(dir, error.file), root), error.position).format()
            : error.lines.join(' ');
        const fallback = folder.good
          ? 'the last good one is used'
          : dir === root
            ? 'the defaults are used'
            : 'the one above it is used';
        if (message !== folder.error)
          // a notification, not a request: there is nothing to answer
          void connection.sendNotification(ShowMessageNotification.type, {
            type: MessageType.Error,
            message: `opslint: the configuration does not load, ${fallback}: ${message}`,
          });
        folder.error = message;
        if (folder.good) return folder.good;
        if (dir !== root) return workspaceOf(configFolder(dir, root));
        return (folder.good = await openWorkspace(dir, warn, { config: false }));
      },
    );
  };

  /** The workspace of the configuration folder `dir`, read once. */
  const workspaceOf = (dir: string): Promise<Workspace> => {
    let ws = workspaces.get(dir);
    if (!ws) workspaces.set(dir, (ws = load(dir)));
    return ws;
  };

  /** The folder whose configuration applies to a document. */
  const folderOf = (uri: string): string => {
    const file = fileOf(uri);
    return configFolder(file, rootOf(file, roots));
  };

  /** Every configuration read again (a folder that no longer holds one is forgotten), then every document checked. */
  const reloadAll = (): void => {
    for (const dir of workspaces.keys()) {
      if (roots.includes(dir) || holdsConfig(dir)) workspaces.set(dir, load(dir));
      else {
        workspaces.delete(dir);
        folders.delete(dir);
      }
    }
    for (const doc of documents.all()) report(doc);
  };

  // one reload for a burst of changes: an editor may report each twice (its own watcher and the one registered
  // here), and a file system watcher several times for one write
  let reloading: NodeJS.Timeout | undefined;
  const scheduleReload = (): void => {
    clearTimeout(reloading);
    reloading = setTimeout(() => {
      reloading = undefined;
      reloadAll();
    }, debounceMs);
  };

  /**
   * For a client that does not watch files for the server (Neovim on Linux turns its watcher off): `dirs` watched
   * here for configuration files. A folder that cannot be watched (gone, or out of watches) is not watched.
   */
  const watchFolders = (dirs: readonly string[]): void => {
    if (watchDynamically) return;
    for (const dir of dirs) {
      if (watchers.has(dir)) continue;
      let watcher: FSWatcher | undefined;
      try {
        watcher = watch(dir, { persistent: false }, (_event, name) => {
          // no name: something changed, the platform does not say what
          if (name === null || CONFIG_FILES.includes(name.toString())) scheduleReload();
        });
        watcher.on('error', () => watcher?.close());
      } catch {
        watcher = undefined;
      }
      watchers.set(dir, watcher);
    }
  };
  /** The folders that may hold a configuration for `uri`: its folder and those above it, up to its workspace folder. */
  const configFolders = (uri: string): string[] => {
    const file = fileOf(uri);
    const root = rootOf(file, roots);
    return [root, ...foldersUpTo(file, root)];
  };
  const unwatch = (): void => {
    for (const watcher of watchers.values()) watcher?.close();
    watchers.clear();
  };

  const check = async (doc: TextDocument): Promise<void> => {
    const ws = await workspaceOf(folderOf(doc.uri));
    const state = states.get(doc.uri);
    // closed meanwhile; else `doc` holds the text as it is now (TextDocuments updates it in place)
    if (!state) return;
    const text = doc.getText();
    const checked = checkText(ws, text, fileOf(doc.uri));
    if (checked.kind === 'template') {
      state.good = { text, template: checked.template, findings: checked.findings };
      state.broken = false;
    } else if (checked.kind === 'none') {
      state.good = undefined;
      state.broken = false;
    } else state.broken = true;
    const diagnostics =
      checked.kind === 'error'
        ? [
            errorDiagnostic(doc, `The template does not parse: ${checked.error.message}`, checked.error.position),
            // the last good findings where their lines are now
            ...(state.good
              ? findingDiagnostics(doc, movedFindings(state.good.text, text, state.good.findings), true)
              : []),
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
    const named = filePaths(
      params.workspaceFolders?.length
        ? params.workspaceFolders.map((f) => f.uri)
        : params.rootUri
          ? [params.rootUri]
          : [],
    );
    if (named.length > 0) roots = named;
    watchDynamically = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    followFolders = params.capabilities.workspace?.workspaceFolders === true;
    for (const root of roots) void workspaceOf(root);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeActionProvider: { codeActionKinds: ['quickfix', 'source.fixAll.opslint'] },
        hoverProvider: true,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'opslint' },
    };
  });

  connection.onInitialized(() => {
    if (watchDynamically)
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: CONFIG_FILES.map((name) => ({ globPattern: `**/${name}` })),
      });
    else watchFolders(roots);
    if (followFolders)
      connection.workspace.onDidChangeWorkspaceFolders(({ added, removed }) => {
        const gone = new Set(filePaths(removed.map((f) => f.uri)));
        const kept = roots.filter((r) => !gone.has(r));
        roots = [...kept, ...filePaths(added.map((f) => f.uri)).filter((r) => !kept.includes(r))];
        if (roots.length === 0) roots = [process.cwd()];
        // the configurations of folders no longer in the workspace are forgotten; a document may now have another
        for (const dir of workspaces.keys())
          if (!roots.some((r) => isWithin(r, dir))) {
            workspaces.delete(dir);
            folders.delete(dir);
          }
        watchFolders(roots);
        for (const doc of documents.all()) report(doc);
      });
  });

  connection.onDidChangeWatchedFiles(scheduleReload);

  documents.onDidChangeContent(({ document }) => {
    const state = states.get(document.uri);
    if (!state) {
      // opened: checked at once
      states.set(document.uri, { broken: false });
      watchFolders(configFolders(document.uri));
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
    const doc = documents.get(textDocument.uri);
    const state = states.get(textDocument.uri);
    // fixes are planned on the document's text as it is: none while it does not parse
    if (!doc || !state?.good || state.broken) return [];
    const ws = await workspaceOf(folderOf(doc.uri));
    // a client may leave out the context (it is required): no diagnostics, then
    const diagnostics = (context as typeof context | undefined)?.diagnostics ?? [];
    return codeActions(ws, doc, fileOf(doc.uri), state.good.findings.filter(isActive), {
      diagnostics,
      only: context?.only,
    });
  });

  connection.onHover(async ({ textDocument, position }) => {
    const doc = documents.get(textDocument.uri);
    const state = states.get(textDocument.uri);
    // the template's positions are those of the text that parsed: none while it does not
    if (!doc || !state?.good || state.broken) return undefined;
    const ws = await workspaceOf(folderOf(doc.uri));
    return hoverAt(ws, doc, state.good.template, state.good.findings, position);
  });

  connection.onShutdown(() => {
    clearTimeout(reloading);
    unwatch();
  });
  connection.onExit(unwatch);

  documents.listen(connection);
  connection.listen();
  return connection;
}

/** The paths of the `file:` URIs of `uris`. */
function filePaths(uris: readonly string[]): string[] {
  return uris.filter((uri) => uri.startsWith('file:')).map((uri) => fileURLToPath(uri));
}

/** The file a document is (its path, for a `file:` URI), which names it in findings and picks its format. */
function fileOf(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}
