/**
 * `npm run build`: dist/ afresh. esbuild bundles the whole package, bin/bundle.ts and everything it loads but the
 * large or optional dependencies, into dist/bin/bundle.js (with its source map); its loader, bin/load.ts, which
 * compiles it from V8's code cache, into dist/bin/load.js; and the command, bin/launch.ts, into
 * dist/bin/opslint.js. One file spares Node's module resolution, which took most of the command's start-up and of
 * what `opslint/cdk` adds to a `cdk synth`. tsc writes the types (dist/lib, dist/rules), and each library entry
 * of package.json `exports` becomes a file that hands out its part of the bundle.
 *
 * `node scripts/build.js <folder>` builds into <folder>/dist instead (test/built-cli.test.ts).
 */
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { readFileSync, rmSync, writeFileSync } = require('node:fs');
const esbuild = require('esbuild');
const { lazyExports } = require('./lazy-exports');

const root = path.resolve(__dirname, '..');

/** Loaded where the CLI runs rather than bundled: heavy, needed by few commands, or found by the user's project. */
const EXTERNAL = [
  'yaml',
  '@aws-sdk/*',
  'aws-cdk-lib',
  'constructs',
  'cdk-nag',
  'ts-node',
  'typescript',
  // `opslint lsp` alone
  'vscode-languageserver',
  'vscode-languageserver/*',
  'vscode-languageserver-textdocument',
];

/** The library entries: package.json `exports` files, each a property of the bundle (bin/bundle.ts). */
const ENTRIES = {
  index: 'lib/index.js',
  rule: 'lib/rule.js',
  testing: 'lib/testing/index.js',
  cdk: 'lib/cdk/index.js',
  'cdk-nag': 'lib/cdk/nag.js',
};

/** The library entries a rule pack may import, which dist/bin/hook.js hands out to the packs bundled with it. */
const HOOK_ENTRIES = { index: ENTRIES.index, rule: ENTRIES.rule, testing: ENTRIES.testing };

/**
 * The bundle's code is one function, which the file hands out as its value and runs at once when Node's module loader
 * (or jest's) runs it as a module, `this` being its exports. bin/load.ts compiles the file as it is, a script whose
 * value is that function, and calls it. Wrapped in a module's function there, the text was a copy that V8 kept in
 * its heap for as long as the process ran: 1.2 MB of the 2.9 MB that loading opslint added to the heap of an app's
 * `cdk synth`, and 1.2 ms of the 10 ms it took. Read as Latin-1, text over 1 MB stays outside the heap.
 */
const BUNDLE_HEAD =
  '(function (self, bundle) { if (typeof exports === "object" && self === exports) ' +
  'bundle.call(self, exports, require, module, __filename, __dirname); return bundle; })' +
  '(this, function (exports, require, module, __filename, __dirname) {';
const BUNDLE_TAIL = '});';

const COMMON = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
};

async function main(dist) {
  rmSync(dist, { recursive: true, force: true });
  const tsc = spawnSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--emitDeclarationOnly', '--outDir', dist],
    { cwd: root, stdio: 'inherit' },
  );
  if (tsc.status !== 0) throw new Error('tsc failed');
  const bin = path.join(dist, 'bin');
  const bundle = path.join(bin, 'bundle.js');
  await esbuild.build({
    ...COMMON,
    entryPoints: ['bin/bundle.ts'],
    outfile: bundle,
    sourcemap: true,
    // less to read and decode at every start (comments and layout are in the source map)
    minifyWhitespace: true,
    // lines kept short: Node shows the line an uncaught error was thrown from (a CDK app's, when a config or a pack
    // is wrong), which would otherwise be thousands of characters of the bundle above the one-line message
    lineLimit: 120,
    external: EXTERNAL,
    // jsonc-parser's main build is UMD, whose requires esbuild cannot follow: its ES module build can be bundled
    alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
    // what lib/parallel/run.ts starts its worker threads from, beside the bundle
    define: { OPSLINT_BUNDLE: JSON.stringify('opslint.js') },
    banner: { js: BUNDLE_HEAD },
    footer: { js: BUNDLE_TAIL },
    plugins: [lazyExports],
  });
  const bytes = readFileSync(bundle);
  // bin/load.ts reads it as Latin-1; esbuild escapes non-ASCII text but keeps it in regular expressions (write \u…)
  const wide = bytes.findIndex((b) => b > 0x7f);
  if (wide >= 0)
    throw new Error(`dist/bin/bundle.js is not ASCII at byte ${wide}: ${bytes.subarray(wide - 40, wide + 10)}`);
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  await esbuild.build({
    ...COMMON,
    entryPoints: ['bin/load.ts'],
    outfile: path.join(bin, 'load.js'),
    define: { OPSLINT_BUILD: JSON.stringify(`${version}-${hash}`) },
  });
  await esbuild.build({
    ...COMMON,
    entryPoints: ['bin/launch.ts'],
    outfile: path.join(bin, 'opslint.js'),
    external: ['./load'],
  });
  // the CloudFormation Lambda Hook's handler, whole (yaml included): `opslint hook package` bundles it with the
  // team's packs and settings into a function that ships no node_modules (lib/hook/package.ts). It hands out the
  // entries a pack may import too, each evaluated when first read, so that a pack shares the handler's engine.
  await esbuild.build({
    ...COMMON,
    stdin: {
      contents: [
        "exports.hookHandler = require('./lib/hook/handler').hookHandler;",
        ...Object.entries(HOOK_ENTRIES).map(
          ([name, file]) =>
            `Object.defineProperty(exports, '${name}', { enumerable: true, get: () => require('./${file}') });`,
        ),
      ].join('\n'),
      resolveDir: root,
      sourcefile: 'hook-entry.js',
      loader: 'js',
    },
    outfile: path.join(bin, 'hook.js'),
    // only the TypeScript sources start workers through ts-node; a hook never scans deployed stacks
    external: ['ts-node', 'ts-node/*', '@aws-sdk/*'],
    alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
    plugins: [lazyExports],
  });
  writeEntries(dist, bundle);
}

/**
 * Writes each library entry: the names its part of the bundle exports, each a getter (which keeps a lazy export
 * lazy), in the form Node's ES module loader reads a CommonJS module's names from (`import { OpsChecks } from
 * 'opslint/cdk'`). The names are read from the bundle in a process of its own.
 */
function writeEntries(dist, bundle) {
  const listed = spawnSync(
    process.execPath,
    [
      '-e',
      `const b = require(${JSON.stringify(bundle)});
       process.stdout.write(JSON.stringify(Object.fromEntries(${JSON.stringify(Object.keys(ENTRIES))}.map((e) => [e, Object.keys(b[e])]))));`,
    ],
    { cwd: root, encoding: 'utf8' },
  );
  if (listed.status !== 0) throw new Error(`the bundle's entries could not be listed: ${listed.stderr}`);
  const names = JSON.parse(listed.stdout);
  for (const [name, file] of Object.entries(ENTRIES)) {
    const target = path.join(dist, file);
    const loader = path
      .relative(path.dirname(target), path.join(dist, 'bin', 'load.js'))
      .split(path.sep)
      .join('/');
    const lines = [
      "'use strict';",
      `// the ${name === 'index' ? 'opslint' : `opslint/${name}`} entry: its part of the bundle (scripts/build.js)`,
      "Object.defineProperty(exports, '__esModule', { value: true });",
      `const entry = require('${loader.startsWith('.') ? loader : `./${loader}`}').entry('${name}', module);`,
      ...names[name]
        .filter((n) => n !== '__esModule')
        .map(
          (n) =>
            `Object.defineProperty(exports, '${n}', { enumerable: true, get: function () { return entry.${n}; } });`,
        ),
    ];
    writeFileSync(target, `${lines.join('\n')}\n`);
  }
}

main(path.resolve(process.argv[2] ?? root, 'dist')).catch((error) => {
  process.exitCode = 1;
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
});
