/**
 * An esbuild plugin for bundling opslint from its TypeScript sources (scripts/build.js, and `opslint hook package`
 * run from a checkout, lib/hook/package.ts). A module that defines a lazy export on `exports` (lib/compose.ts:
 * BUILTIN_PACKS loads every pack on first use) is not an ES module to esbuild, which would drop that export:
 * compiled to CommonJS by TypeScript first, it keeps it.
 */
const path = require('node:path');
const { readFileSync } = require('node:fs');
const ts = require('typescript');

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

module.exports = { lazyExports };
