/**
 * `npm run build`: dist/ afresh. tsc builds dist/lib and dist/rules (the library entry points and their types);
 * esbuild bundles the CLI, bin/opslint.ts and everything it loads but the large or optional dependencies, into
 * dist/bin/cli.js (with its source map), and the command that runs it from V8's code cache, bin/launch.ts, into
 * dist/bin/opslint.js. One file spares Node's module resolution, which took most of the start-up.
 *
 * `node scripts/build.js <folder>` builds into <folder>/dist instead (test/built-cli.test.ts).
 */
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { readFileSync, rmSync, writeFileSync } = require('node:fs');
const esbuild = require('esbuild');
const ts = require('typescript');

const root = path.resolve(__dirname, '..');

/** Loaded where the CLI runs rather than bundled: heavy, needed by few commands, or found by the user's project. */
const EXTERNAL = ['yaml', '@aws-sdk/*', 'aws-cdk-lib', 'constructs', 'cdk-nag', 'ts-node', 'typescript'];

/**
 * A module that defines a lazy export on `exports` (lib/compose.ts: BUILTIN_PACKS loads every pack on first use) is
 * not an ES module to esbuild, which would drop that export: compiled to CommonJS first, it keeps it.
 */
const lazyExports = {
  name: 'lazy-exports',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('Object.defineProperty(exports,')) return undefined;
      const { outputText } = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
        fileName: args.path,
      });
      return { contents: outputText, loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

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
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', dist],
    { cwd: root, stdio: 'inherit' },
  );
  if (tsc.status !== 0) throw new Error('tsc failed');
  const cli = path.join(dist, 'bin', 'cli.js');
  await esbuild.build({
    ...COMMON,
    entryPoints: ['bin/opslint.ts'],
    outfile: cli,
    sourcemap: true,
    external: EXTERNAL,
    // jsonc-parser's main build is UMD, whose requires esbuild cannot follow: its ES module build can be bundled
    alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
    define: { OPSLINT_BUNDLE: JSON.stringify('opslint.js') },
    plugins: [lazyExports],
  });
  // the launcher compiles the bundle as a function body, where a hashbang line is a syntax error: a comment keeps
  // the lines of the source map
  const bundle = readFileSync(cli, 'utf8').replace(/^#!/, '//');
  writeFileSync(cli, bundle);
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const hash = createHash('sha256').update(bundle).digest('hex').slice(0, 16);
  await esbuild.build({
    ...COMMON,
    entryPoints: ['bin/launch.ts'],
    outfile: path.join(dist, 'bin', 'opslint.js'),
    define: { OPSLINT_BUILD: JSON.stringify(`${version}-${hash}`) },
  });
}

main(path.resolve(process.argv[2] ?? root, 'dist')).catch((error) => {
  process.exitCode = 1;
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
});
