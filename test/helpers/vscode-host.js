/**
 * A stand-in for the VS Code extension host (test/vscode-extension.test.ts): `node vscode-host.js <extension.js>
 * <folder> <opslint.path> [<document>…]` loads the bundled extension with a `vscode` module of its own (only that
 * id is redirected) and activates it for the workspace folder with the given files open. With OPSLINT_PATH_THEN set,
 * it then changes the opslint.path setting to that. When a language client listens to file watchers, it changes the
 * folder's opslint.config.yaml, waits for the server's message (the test's server answers a changed file with one),
 * and deactivates. It prints as JSON what the extension did through the editor: `{ server, activated, errors,
 * watchers, message, log }`, where `server` is the extension's own `serverOptions` for the folder and `watchers` the
 * globs of the watchers the client listened to.
 *
 * The `vscode` module has what vscode-languageclient uses to start, sync open documents and watch files; anything
 * else it is asked for (the classes of the features it registers, other events) is a no-op.
 */
const Module = require('node:module');
const { EventEmitter: NodeEmitter } = require('node:events');
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { fileURLToPath, pathToFileURL } = require('node:url');

const [bundle, folder, setting, ...documents] = process.argv.slice(2);
const errors = [];
const log = [];
const watchers = [];
/** the globs of the watchers a language client listened to */
const watched = [];
/** resolves with the first information message shown */
let inform;
const message = new Promise((done) => (inform = done));
/** what the extension runs when settings change (it returns a promise of its work, which VS Code ignores) */
const configurationListeners = [];

class Disposable {
  constructor(callOnDispose) {
    this.callOnDispose = callOnDispose;
  }
  static from(...items) {
    return new Disposable(() => items.forEach((i) => i?.dispose()));
  }
  dispose() {
    this.callOnDispose?.();
  }
}

class EventEmitter {
  #events = new NodeEmitter();
  get listened() {
    return this.#events.listenerCount('e') > 0;
  }
  event = (listener, thisArg, disposables) => {
    const bound = (e) => listener.call(thisArg, e);
    this.#events.on('e', bound);
    const d = new Disposable(() => this.#events.off('e', bound));
    disposables?.push(d);
    return d;
  };
  fire(e) {
    this.#events.emit('e', e);
  }
  dispose() {
    this.#events.removeAllListeners();
  }
}

/** A file path, or another URI (a rule's documentation link) kept as text. */
class Uri {
  constructor(scheme, text, fsPath) {
    this.scheme = scheme;
    this.text = text;
    this.fsPath = fsPath;
    this.path = fsPath;
  }
  static file(fsPath) {
    return new Uri('file', pathToFileURL(fsPath).href, fsPath);
  }
  static parse(text) {
    return text.startsWith('file:') ? Uri.file(fileURLToPath(text)) : new Uri(text.slice(0, text.indexOf(':')), text);
  }
  toString() {
    return this.text;
  }
  toJSON() {
    return this.text;
  }
}

/** Does nothing, whatever is done with it (and is no promise). */
function anything() {
  return new Proxy(function () {}, {
    get: (_, key) => (key === 'then' || typeof key === 'symbol' ? undefined : anything()),
    apply: () => anything(),
    construct: () => anything(),
  });
}

const emptyEvent = () => new Disposable();

function outputChannel(name) {
  const write = (level) => (text) => log.push(`${name} ${level}: ${text}`);
  return {
    name,
    logLevel: 2, // Debug
    onDidChangeLogLevel: emptyEvent,
    ...Object.fromEntries(
      ['trace', 'debug', 'info', 'warn', 'error', 'append', 'appendLine'].map((l) => [l, write(l)]),
    ),
    replace: () => {},
    clear: () => {},
    show: () => {},
    hide: () => {},
    dispose: () => {},
  };
}

/** The open documents: files, and unsaved ones (`untitled:Untitled-1.yaml`, empty), in the language of their extension. */
const openDocuments = documents.map((file, i) => {
  const untitled = file.startsWith('untitled:');
  const text = untitled ? '' : readFileSync(file, 'utf8');
  const extension = path.extname(file);
  return {
    uri: untitled ? new Uri('untitled', file, file.slice('untitled:'.length)) : Uri.file(file),
    fileName: file,
    languageId: extension === '.json' ? 'json' : /^\.ya?ml$/.test(extension) ? 'yaml' : 'plaintext',
    version: i + 1,
    isClosed: false,
    getText: () => text,
  };
});

/** Whether `file` matches a document selector's glob: `**` any folders, `*` any name or part of one. */
function globMatch(glob, file) {
  const pattern = glob
    .split('**/')
    .map((part) =>
      part
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('(?:.*/)?');
  return new RegExp(`^${pattern}$`).test(file);
}

const settings = { path: setting, trace: { server: 'off' } };

const vscode = {
  // taken as it is by the client's TypeScript imports (`import * as code from 'vscode'`), which would copy only
  // the names above
  __esModule: true,
  version: '1.91.0',
  Disposable,
  EventEmitter,
  Uri,
  LogLevel: { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  env: { appName: 'vscode-host', language: 'en', machineId: 'test', sessionId: 'test' },
  window: {
    createOutputChannel: (name) => outputChannel(name),
    showErrorMessage: async (message) => void errors.push(message),
    showWarningMessage: async (message) => void log.push(`warning: ${message}`),
    showInformationMessage: async (text) => void inform(text),
    visibleTextEditors: [],
    activeTextEditor: undefined,
    onDidChangeVisibleTextEditors: emptyEvent,
    onDidChangeActiveTextEditor: emptyEvent,
    tabGroups: { all: [], onDidChangeTabs: emptyEvent },
  },
  workspace: {
    workspaceFolders: [{ uri: Uri.file(folder), name: path.basename(folder), index: 0 }],
    textDocuments: openDocuments,
    notebookDocuments: [],
    getConfiguration: (section) => ({
      get: (key, fallback) =>
        key.split('.').reduce((v, k) => v?.[k], section === 'opslint' ? settings : {}) ?? fallback,
    }),
    getWorkspaceFolder: () => vscode.workspace.workspaceFolders[0],
    onDidChangeConfiguration: (listener) => {
      configurationListeners.push(listener);
      return new Disposable(() => configurationListeners.splice(configurationListeners.indexOf(listener), 1));
    },
    createFileSystemWatcher: (glob) => {
      const watcher = {
        glob,
        created: new EventEmitter(),
        changed: new EventEmitter(),
        deleted: new EventEmitter(),
        dispose: () => {},
      };
      watchers.push(watcher);
      return {
        onDidCreate: watcher.created.event,
        onDidChange: watcher.changed.event,
        onDidDelete: watcher.deleted.event,
        dispose: () => {},
      };
    },
    ...Object.fromEntries(
      ['Open', 'Close', 'Change', 'Save']
        .flatMap((e) => [`onDid${e}TextDocument`, `onDid${e}NotebookDocument`])
        .concat(['onWillSaveTextDocument', 'onDidChangeWorkspaceFolders'])
        .map((e) => [e, emptyEvent]),
    ),
  },
  languages: {
    /** What a document selector of `{ scheme, language, pattern }` filters scores: 10 when every given field matches. */
    match: (selector, document) =>
      [selector]
        .flat()
        .some(
          (f) =>
            (f.scheme === undefined || f.scheme === document.uri.scheme) &&
            (f.language === undefined || f.language === document.languageId) &&
            (f.pattern === undefined || globMatch(f.pattern, document.uri.fsPath)),
        )
        ? 10
        : 0,
    createDiagnosticCollection: () => anything(),
  },
};

/** Whatever the extension reaches that the stand-in does not have. */
const shim = new Proxy(vscode, {
  get: (target, key) => (key in target || typeof key === 'symbol' || key === 'default' ? target[key] : anything()),
});
for (const part of ['window', 'workspace', 'languages', 'env']) {
  const real = vscode[part];
  vscode[part] = new Proxy(real, {
    get: (target, key) => (key in target || typeof key === 'symbol' ? target[key] : anything()),
  });
}

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
};
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: shim };

const extension = require(path.resolve(bundle));
const options = extension.serverOptions(setting, folder);
const server = options && {
  command: options.command,
  args: options.args,
  cwd: options.options.cwd,
  shell: options.options.shell,
  electronAsNode: options.options.env.ELECTRON_RUN_AS_NODE,
};

async function main() {
  const context = { subscriptions: [] };
  await extension.activate(context);
  if (process.env.OPSLINT_PATH_THEN !== undefined) {
    settings.path = process.env.OPSLINT_PATH_THEN;
    const change = { affectsConfiguration: (s) => s === 'opslint.path' || s === 'opslint' };
    await Promise.all(configurationListeners.map((listener) => listener(change)));
  }
  // a settings file of the workspace changes: a client that listens tells its server
  const watching = watchers.filter((w) => w.changed.listened);
  for (const w of watching) w.changed.fire(Uri.file(path.join(folder, 'opslint.config.yaml')));
  const told = watching.length > 0 ? await message : undefined;
  watched.push(...watching.map((w) => w.glob));
  await extension.deactivate();
  for (const d of context.subscriptions) d.dispose();
  return told;
}

main().then(
  (told) => print({ activated: true, message: told }),
  (error) => print({ activated: false, error: String(error?.stack ?? error) }),
);

/** Prints the outcome and ends: the client leaves its stop timeout and restart timers running. */
function print(result) {
  const out = JSON.stringify({ server, ...result, errors, watchers: watched, log });
  process.stdout.write(out, () => process.exit(0));
}
