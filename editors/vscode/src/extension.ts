/**
 * The opslint extension: starts `opslint lsp --stdio` for the workspace and hands it the YAML and JSON documents,
 * saved or not, and `.template` files (the server tells templates from other files by content). Everything else is
 * the server's.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { type ExtensionContext, type FileSystemWatcher, window, workspace } from 'vscode';
import { type Executable, LanguageClient } from 'vscode-languageclient/node';

/** What the server command is given after the opslint command itself. */
const ARGS = ['lsp', '--stdio'];

/**
 * The documents the server is given (it tells templates from other files by content): YAML and JSON files and
 * unsaved documents, and files with CloudFormation's own `.template` extension, in whatever language the editor
 * opened them (plain text, unless the user associated one).
 */
const DOCUMENT_SELECTOR = [
  ...['file', 'untitled'].flatMap((scheme) => ['yaml', 'json'].map((language) => ({ scheme, language }))),
  { scheme: 'file', pattern: '**/*.template' },
];

/** A JavaScript entry is run with the editor's own Node.js, so that no `node` needs to be on PATH. */
const SCRIPT = /\.[cm]?js$/;

/**
 * How to start the server for a workspace folder: `setting` (opslint.path) when given, relative to the folder;
 * else the opslint package installed in the folder or above it (as `npx opslint` finds it), run from its
 * JavaScript entry; else `opslint` on PATH. Undefined when none exists.
 */
export function serverOptions(
  setting: string,
  folder: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Executable | undefined {
  const cwd = folder ?? process.cwd();
  const command = setting
    ? path.isAbsolute(setting) || setting.includes('/') || setting.includes('\\')
      ? existing(path.resolve(cwd, setting))
      : onPath(setting, env)
    : (installed(cwd) ?? onPath('opslint', env));
  if (command === undefined) return undefined;
  if (SCRIPT.test(command)) {
    // the editor's executable is Electron: this makes it run as plain Node.js
    return {
      command: process.execPath,
      args: [command, ...ARGS],
      options: { cwd, env: { ...env, ELECTRON_RUN_AS_NODE: '1' } },
    };
  }
  // Node.js spawns Windows batch files (npm's opslint.cmd) only through a shell, which splits the line at spaces
  const shell = /\.(cmd|bat)$/i.test(command);
  return { command: shell ? `"${command}"` : command, args: ARGS, options: { cwd, env, shell } };
}

/** The bin of node_modules/opslint in `dir` or the nearest folder above it that has one. */
function installed(dir: string): string | undefined {
  for (let at = dir; ; at = path.dirname(at)) {
    const manifest = path.join(at, 'node_modules', 'opslint', 'package.json');
    if (existsSync(manifest)) {
      const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: string | Record<string, string> };
      const entry = typeof bin === 'string' ? bin : bin?.opslint;
      return entry === undefined ? undefined : existing(path.join(path.dirname(manifest), entry));
    }
    if (path.dirname(at) === at) return undefined;
  }
}

/** The first file called `name` in a PATH folder (with one of PATHEXT's endings on Windows). */
function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const endings = process.platform === 'win32' ? ['', ...(env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';')] : [''];
  for (const dir of (env.PATH ?? env.Path ?? '').split(path.delimiter).filter(Boolean)) {
    for (const ending of endings) {
      const found = existing(path.join(dir, name + ending));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function existing(file: string): string | undefined {
  return existsSync(file) && statSync(file).isFile() ? file : undefined;
}

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  // the server reloads its configuration when one of these changes
  const configs = workspace.createFileSystemWatcher('**/opslint.config.{json,yaml,yml}');
  context.subscriptions.push(
    configs,
    workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('opslint.path')) await restart(configs);
    }),
  );
  await restart(configs);
}

export async function deactivate(): Promise<void> {
  // a client whose server failed to start has nothing to stop (and stop() would throw)
  if (client?.isRunning()) await client.stop();
  client = undefined;
}

/** Stops the server if it runs, then starts it with the current opslint.path. */
async function restart(configs: FileSystemWatcher): Promise<void> {
  await deactivate();
  const setting = workspace.getConfiguration('opslint').get<string>('path', '').trim();
  const server = serverOptions(setting, workspace.workspaceFolders?.[0]?.uri.fsPath);
  if (server === undefined) {
    void window.showErrorMessage(
      setting
        ? `opslint: opslint.path is set to ${setting}, which is not a file. Set it to the opslint command or its dist/bin/opslint.js.`
        : 'opslint: the opslint command was not found in the workspace or on PATH. Install it with npm i -D opslint, or set opslint.path.',
    );
    return;
  }
  // the id "opslint" is also where the client reads opslint.trace.server from
  client = new LanguageClient('opslint', 'opslint', server, {
    documentSelector: DOCUMENT_SELECTOR,
    synchronize: { fileEvents: configs },
  });
  await client.start();
}
