/**
 * The one-file CLI: bin/opslint.ts and everything it loads but the large or optional dependencies, bundled by
 * esbuild into dist/bin/opslint.js (with its source map), after tsc has built dist/lib for the library entry
 * points. One file spares Node's module resolution, which took most of the start-up. `npm run build` runs it.
 */
const path = require('node:path');
const { readFileSync } = require('node:fs');
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

async function main() {
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['bin/opslint.ts'],
    outfile: 'dist/bin/opslint.js',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    external: EXTERNAL,
    // jsonc-parser's main build is UMD, whose requires esbuild cannot follow: its ES module build can be bundled
    alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
    define: { OPSLINT_BUNDLE: 'true' },
    plugins: [lazyExports],
    logLevel: 'warning',
  });
}

main().catch((error) => {
  process.exitCode = 1;
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
});
