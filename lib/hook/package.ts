/**
 * `opslint hook package`: the Lambda Hook's deployable folder. `handler.js` is one file bundled by esbuild, as
 * `npm run build` bundles the command (scripts/build.js): the handler (./handler.ts), opslint with its built-in
 * packs and their dependencies, the team's packs (modules bundled; rules files as their text) and the settings,
 * so that the function ships no `node_modules`. `template.yaml` creates the function and the hook (./template.ts).
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { UsageError } from '../errors';
import { RULE_FILE } from '../packs/load';
import { packageRoot, packageVersion } from '../version';
import type { HookSettings } from './handler';
import { hookTemplate } from './template';

export interface HookPackageOptions {
  /** the folder to write into (made when missing) */
  readonly output: string;
  readonly settings: HookSettings;
  /** the team's packs, as files: JavaScript modules, or YAML/JSON rules files */
  readonly packFiles: readonly string[];
  /** where esbuild is looked for first (the user's project) */
  readonly cwd: string;
}

/** The files written, and the size of the handler in bytes. */
export interface HookPackage {
  readonly handler: string;
  readonly template: string;
  readonly bytes: number;
}

/** Writes `handler.js` and `template.yaml` into `options.output`. */
export async function packageHook(options: HookPackageOptions): Promise<HookPackage> {
  const esbuild = loadEsbuild(options.cwd);
  const handler = path.join(options.output, 'handler.js');
  const template = path.join(options.output, 'template.yaml');
  try {
    mkdirSync(options.output, { recursive: true });
  } catch (error) {
    throw new UsageError(`--output ${options.output}: ${(error as Error).message}`, { cause: error });
  }
  await esbuild
    .build({
      stdin: { contents: entrySource(options), resolveDir: options.cwd, sourcefile: 'opslint-hook.js', loader: 'js' },
      outfile: handler,
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      minifyWhitespace: true,
      legalComments: 'none',
      logLevel: 'silent',
      // opslint's own folder: where the alias below resolves, whatever the working directory
      absWorkingDir: packageRoot(),
      // jsonc-parser's main build is UMD, whose requires esbuild cannot follow (as in scripts/build.js)
      alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
      // reached only by deployed-stack scans, which a hook never runs (Lambda's Node.js runtime has the SDK anyway)
      external: ['@aws-sdk/*'],
      plugins: [ownEntries(), ...sourcePlugins()],
    })
    .catch((error: { errors?: { text: string; location?: { file: string; line: number; column: number } }[] }) => {
      const first = error.errors?.[0];
      const at = first?.location ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: ` : '';
      throw new UsageError(`${at}the hook could not be bundled: ${first?.text ?? String(error)}`, { cause: error });
    });
  checkLoads(handler);
  writeFileSync(template, hookTemplate(packageVersion(), options.settings.failOn ?? 'error'));
  return { handler, template, bytes: statSync(handler).size };
}

/** The handler's TypeScript source, in a checkout of opslint. */
const SOURCE = path.join(__dirname, 'handler.ts');

/**
 * The module the handler is bundled from: the TypeScript source, or, in the built package, the handler that
 * scripts/build.js bundled beside the command (dist/bin/hook.js).
 */
function runtimeModule(): string {
  return existsSync(SOURCE) ? SOURCE : path.join(__dirname, 'hook.js');
}

/** The public entries of opslint a pack may import (package.json `exports`), and their TypeScript sources. */
const ENTRIES: Readonly<Record<string, { readonly name: string; readonly source: string }>> = {
  opslint: { name: 'index', source: 'index.ts' },
  'opslint/rule': { name: 'rule', source: 'rule.ts' },
  'opslint/testing': { name: 'testing', source: 'testing/index.ts' },
};

/**
 * A pack's `require('opslint/rule')` (or `opslint`, `opslint/testing`) resolved to the handler's own copy of that
 * entry, so that the pack shares the handler's engine (its UNKNOWN value, what it keeps about rules): the
 * TypeScript source in a checkout, else the entry hook.js hands out. The installed package's dist/lib files would
 * load dist/bin/bundle.js at run time, which the function does not ship.
 */
function ownEntries(): import('esbuild').Plugin {
  return {
    name: 'opslint-entries',
    setup(build) {
      build.onResolve({ filter: /^opslint(\/|$)/ }, (args) => {
        const entry = ENTRIES[args.path];
        if (entry === undefined)
          return {
            errors: [{ text: `a pack in a hook cannot import ${args.path}: only ${Object.keys(ENTRIES).join(', ')}` }],
          };
        if (existsSync(SOURCE)) return { path: path.join(__dirname, '..', entry.source) };
        return { path: entry.name, namespace: 'opslint-entry' };
      });
      build.onLoad({ filter: /.*/, namespace: 'opslint-entry' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(runtimeModule())}).${args.path};`,
        loader: 'js',
        resolveDir: __dirname,
      }));
    },
  };
}

/**
 * Requires the written handler once, as Lambda will, with plain `node` in a folder of its own (no node_modules
 * to fall back on), and invokes nothing: a handler that does not load, or whose packs or configuration did not,
 * is refused here with one line rather than in every deployment. The handler is removed then.
 */
function checkLoads(handler: string): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'opslint-hook-check-'));
  try {
    copyFileSync(handler, path.join(dir, 'handler.js'));
    // what the handler says goes to standard output: standard error holds what it logs, as in Lambda
    const script = `let why;
try { why = require('./handler.js').handler.startupError; } catch (error) { why = String(error && error.message).split('\\n')[0]; }
if (why) { process.stdout.write(why); process.exitCode = 1; }`;
    const run = spawnSync(process.execPath, ['-e', script], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    if (run.status === 0) return;
    rmSync(handler, { force: true });
    const why = run.stdout || `node exited with ${run.status ?? run.signal}: ${run.stderr.trim().split('\n')[0]}`;
    const files = /ENOENT|no such file/.test(why)
      ? ' (packs are bundled into handler.js, which ships alone: a pack must not read files at run time; give a YAML or JSON rules file to --load-pack or `packs` itself)'
      : '';
    throw new UsageError(`the packaged handler.js does not load: ${why}${files}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** From the sources, the esbuild plugin of `npm run build`, which keeps lib/compose.ts's lazy export of the built-in packs. */
function sourcePlugins(): import('esbuild').Plugin[] {
  if (!existsSync(SOURCE)) return [];
  const file = path.join(packageRoot(), 'scripts', 'lazy-exports.js');
  return [(createRequire(__filename)(file) as { lazyExports: import('esbuild').Plugin }).lazyExports];
}

/** The bundle's entry: the handler over the team's packs and the settings, exported as `handler`. */
function entrySource(options: HookPackageOptions): string {
  const packs = options.packFiles.map((file) =>
    RULE_FILE.test(file)
      ? `{ rulesFile: ${JSON.stringify(path.basename(file))}, text: ${JSON.stringify(readFileSync(file, 'utf8'))} }`
      : `{ module: ${JSON.stringify(path.relative(options.cwd, file))}, exported: () => require(${JSON.stringify(file)}) }`,
  );
  return [
    `const { hookHandler } = require(${JSON.stringify(runtimeModule())});`,
    `exports.handler = hookHandler([${packs.join(', ')}], ${JSON.stringify(options.settings)});`,
    '',
  ].join('\n');
}

type Esbuild = typeof import('esbuild');

/** esbuild, from the user's project or beside opslint: a development dependency, needed only to package a hook. */
function loadEsbuild(cwd: string): Esbuild {
  for (const from of [path.join(cwd, 'noop.js'), __filename]) {
    try {
      return createRequire(from)('esbuild') as Esbuild;
    } catch {
      // the next place
    }
  }
  throw new UsageError(
    'opslint hook package bundles the handler with esbuild, which is not installed: npm install --save-dev esbuild',
  );
}
