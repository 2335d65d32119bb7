/**
 * The VS Code extension (editors/vscode) as the marketplace gets it: packaged once with `vsce` from a copy of its
 * folder (as `npm run package:vscode` does, without touching the repository), the .vsix read back, and its bundled
 * extension.js run by test/helpers/vscode-host.js, a stand-in for VS Code's extension host around the real
 * vscode-languageclient. The language server it starts in a workspace is a small one written here in place of an
 * installed opslint: it reports back how it was started and what the client sent it.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { REPO } from '../scripts/support/cli';

const SOURCE = path.join(REPO, 'editors', 'vscode');
const root = mkdtempSync(path.join(tmpdir(), 'opslint-vscode-'));
const vsix = path.join(root, 'opslint.vsix');
let files: Map<string, Buffer>;
/** the packaged extension/package.json, the parts read here */
let manifest: {
  engines: { vscode: string };
  contributes: { configuration: { properties: Record<string, { type: string; default?: unknown; enum?: string[] }> } };
};

/** The files of a zip archive, by name: its central directory read, each entry stored or deflated. */
function unzip(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const out = new Map<string, Buffer>();
  let at = zip.readUInt32LE(end + 16);
  for (let n = zip.readUInt16LE(end + 10); n > 0; n--) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    out.set(name, method === 8 ? inflateRawSync(data) : data);
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return out;
}

interface Host {
  server?: { command: string; args: string[]; cwd: string; shell?: boolean; electronAsNode?: string };
  activated: boolean;
  error?: string;
  errors: string[];
  watchers: string[];
  message?: string;
  log: string[];
}

/**
 * The packaged extension activated by the stand-in host for `folder` with `documents` open and opslint.path
 * `setting`, then `then` when given; PATH is `PATH`.
 */
function host(
  folder: string,
  setting: string,
  documents: string[] = [],
  PATH = path.join(root, 'empty'),
  then?: string,
): Host {
  const run = spawnSync(
    process.execPath,
    [
      path.join(REPO, 'test', 'helpers', 'vscode-host.js'),
      path.join(root, 'extension.js'),
      folder,
      setting,
      ...documents,
    ],
    { encoding: 'utf8', env: { PATH, ...(then === undefined ? {} : { OPSLINT_PATH_THEN: then }) } },
  );
  if (run.status !== 0) throw new Error(`the host failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Host;
}

/** A workspace folder holding these files. */
function folder(name: string, contents: Record<string, string>): string {
  const dir = path.join(root, name);
  for (const [file, text] of Object.entries(contents)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

/** A language server standing in for `opslint lsp --stdio`: it answers a changed watched file with what it saw. */
const server = path.join(root, 'server.js');
const SERVER = `const { createConnection, TextDocumentSyncKind } = require(${JSON.stringify(require.resolve('vscode-languageserver/node'))});
const connection = createConnection();
const seen = { argv: process.argv.slice(1), cwd: process.cwd(), electronAsNode: process.env.ELECTRON_RUN_AS_NODE, opened: [] };
connection.onInitialize((params) => {
  seen.rootUri = params.rootUri;
  return { capabilities: { textDocumentSync: TextDocumentSyncKind.Full } };
});
connection.onDidOpenTextDocument(({ textDocument }) => seen.opened.push([path(textDocument.uri), textDocument.languageId]));
connection.onDidChangeWatchedFiles(({ changes }) => {
  seen.changes = changes.map((c) => [path(c.uri), c.type]);
  connection.window.showInformationMessage(JSON.stringify(seen));
});
connection.listen();
function path(uri) { return uri.startsWith('file:') ? require('node:url').fileURLToPath(uri) : uri; }
`;

beforeAll(() => {
  // the extension's folder beside a node_modules, as in the repository, so that its build finds esbuild and vsce
  cpSync(SOURCE, path.join(root, 'vscode'), {
    recursive: true,
    filter: (from) => !/^(dist|node_modules)$|\.vsix$/.test(path.basename(from)),
  });
  symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'));
  mkdirSync(path.join(root, 'empty'));
  writeFileSync(server, SERVER);
  const packaged = spawnSync('npm', ['run', 'package', '--', '--out', vsix], {
    cwd: path.join(root, 'vscode'),
    encoding: 'utf8',
  });
  if (packaged.status !== 0) throw new Error(`vsce package failed: ${packaged.stdout}${packaged.stderr}`);
  files = unzip(readFileSync(vsix));
  manifest = JSON.parse(files.get('extension/package.json')?.toString() ?? 'null');
  writeFileSync(path.join(root, 'extension.js'), files.get('extension/dist/extension.js') ?? '');
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the packaged VS Code extension', () => {
  it('holds the manifest, the bundle, README and LICENSE, and not the sources', () => {
    expect([...files.keys()].filter((f) => f.startsWith('extension/')).sort()).toEqual([
      'extension/LICENSE.txt',
      'extension/dist/extension.js',
      'extension/package.json',
      'extension/readme.md',
    ]);
    expect(files.get('extension.vsixmanifest')?.toString()).toMatch(
      /<Identity [^>]*Id="opslint"[^>]*Publisher="opslint"/,
    );
    expect(manifest).toMatchObject({
      name: 'opslint',
      publisher: 'opslint',
      main: './dist/extension.js',
      activationEvents: ['onLanguage:yaml', 'onLanguage:json', 'workspaceContains:**/*.template'],
      capabilities: { untrustedWorkspaces: { supported: false } },
    });
    expect(manifest.contributes.configuration.properties).toEqual({
      'opslint.path': expect.objectContaining({ type: 'string', default: '' }),
      'opslint.trace.server': expect.objectContaining({ enum: ['off', 'messages', 'verbose'], default: 'off' }),
    });
  });

  it('asks for the VS Code the language client needs, and is typed against the API of that version', () => {
    const client = JSON.parse(readFileSync(path.join(REPO, 'node_modules/vscode-languageclient/package.json'), 'utf8'));
    const types = JSON.parse(readFileSync(path.join(REPO, 'node_modules/@types/vscode/package.json'), 'utf8'));
    expect(manifest.engines.vscode).toBe(client.engines.vscode);
    const [major, minor] = types.version.split('.');
    expect(manifest.engines.vscode).toBe(`^${major}.${minor}.0`);
  });

  it('bundles everything but vscode and the Node.js built-ins', () => {
    const required = new Set(
      [
        ...files
          .get('extension/dist/extension.js')!
          .toString()
          .matchAll(/\brequire\(\s*("[^"]*"|'[^']*'|[^)]*)\)/g),
      ].map((m) => m[1]),
    );
    expect(required).toContain('"vscode"');
    const others = [...required].filter(
      (r) => r !== '"vscode"' && !builtinModules.includes(r.slice(1, -1).replace(/^node:/, '')),
    );
    expect(others).toEqual([]);
  });
});

describe('the extension in an editor', () => {
  it('starts the opslint installed in the workspace with Node.js, lsp --stdio, and syncs templates and settings', () => {
    const bin = path.join('node_modules', 'opslint', 'dist', 'bin', 'opslint.js');
    const dir = folder('installed', {
      'node_modules/opslint/package.json': JSON.stringify({ name: 'opslint', bin: { opslint: 'dist/bin/opslint.js' } }),
      [bin]: `require(${JSON.stringify(server)});\n`,
      'template.yaml': 'Resources: {}\n',
      'template.json': '{}\n',
      'notes.txt': 'not a template\n',
      // CloudFormation's extension: plain text to the editor
      'stack.template': '{ "Resources": {} }\n',
    });
    const documents = [
      ...['template.yaml', 'template.json', 'notes.txt', 'stack.template'].map((f) => path.join(dir, f)),
      // unsaved
      'untitled:Untitled-1.yaml',
      'untitled:Untitled-2.txt',
    ];
    const result = host(dir, '', documents);
    expect(result).toMatchObject({ activated: true, errors: [], watchers: ['**/opslint.config.{json,yaml,yml}'] });
    expect(result.server).toEqual({
      command: process.execPath,
      args: [path.join(dir, bin), 'lsp', '--stdio'],
      cwd: dir,
      electronAsNode: '1',
    });
    // what the server saw: the command line the language client started it with, the documents of the document
    // selector (YAML and JSON, saved or not, and .template files; not other plain text), and the changed settings file
    expect(JSON.parse(result.message ?? 'null')).toEqual({
      argv: [path.join(dir, bin), 'lsp', '--stdio'],
      cwd: dir,
      electronAsNode: '1',
      rootUri: `file://${dir}`,
      opened: [
        [documents[0], 'yaml'],
        [documents[1], 'json'],
        [documents[3], 'plaintext'],
        ['untitled:Untitled-1.yaml', 'yaml'],
      ],
      changes: [[path.join(dir, 'opslint.config.yaml'), 2]],
    });
  });

  it('finds the opslint installed in a folder above the workspace, and an opslint.path relative to it', () => {
    const dir = folder('monorepo', {
      'node_modules/opslint/package.json': JSON.stringify({ name: 'opslint', bin: 'bin/cli.js' }),
      'node_modules/opslint/bin/cli.js': '',
      'packages/app/tools/opslint.cjs': '',
    });
    const app = path.join(dir, 'packages', 'app');
    expect(host(app, '').server?.args).toEqual([path.join(dir, 'node_modules/opslint/bin/cli.js'), 'lsp', '--stdio']);
    expect(host(app, 'tools/opslint.cjs').server).toEqual({
      command: process.execPath,
      args: [path.join(app, 'tools/opslint.cjs'), 'lsp', '--stdio'],
      cwd: app,
      electronAsNode: '1',
    });
  });

  it('runs an opslint command from PATH as it is', () => {
    const bin = folder('bin', {
      opslint: `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(server)} "$@"\n`,
    });
    chmodSync(path.join(bin, 'opslint'), 0o755);
    const dir = folder('plain', { 'template.yaml': 'Resources: {}\n' });
    const result = host(dir, '', [], `${path.join(root, 'empty')}${path.delimiter}${bin}`);
    expect(result).toMatchObject({
      server: { command: path.join(bin, 'opslint'), args: ['lsp', '--stdio'], cwd: dir, shell: false },
      activated: true,
      errors: [],
    });
    expect(JSON.parse(result.message ?? 'null')).toMatchObject({ argv: [server, 'lsp', '--stdio'], cwd: dir });
  });

  it('restarts the server when opslint.path changes', () => {
    const dir = folder('switched', {
      'node_modules/opslint/package.json': JSON.stringify({ name: 'opslint', bin: { opslint: 'bin/opslint.js' } }),
      'node_modules/opslint/bin/opslint.js': `require(${JSON.stringify(server)});\n`,
      'tools/opslint.js': `require(${JSON.stringify(server)});\n`,
    });
    const result = host(dir, '', [], undefined, 'tools/opslint.js');
    expect(result).toMatchObject({ activated: true, errors: [], watchers: ['**/opslint.config.{json,yaml,yml}'] });
    // the server that got the change is the one the new setting names
    expect(JSON.parse(result.message ?? 'null')).toMatchObject({
      argv: [path.join(dir, 'tools/opslint.js'), 'lsp', '--stdio'],
    });
  });

  it('says how to install opslint when it finds none, and which setting is wrong when opslint.path leads nowhere', () => {
    const dir = folder('bare', { 'template.yaml': 'Resources: {}\n' });
    expect(host(dir, '')).toMatchObject({
      activated: true,
      errors: [
        'opslint: the opslint command was not found in the workspace or on PATH. Install it with npm i -D opslint, or set opslint.path.',
      ],
      watchers: [],
    });
    expect(host(dir, './missing/opslint').errors).toEqual([
      'opslint: opslint.path is set to ./missing/opslint, which is not a file. Set it to the opslint command or its dist/bin/opslint.js.',
    ]);
  });
});
