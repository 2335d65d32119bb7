/**
 * `opslint hook package`: the Lambda Hook's deployable folder. `handler.js` is one file bundled by esbuild, as
 * `npm run build` bundles the command (scripts/build.js): the handler (./handler.ts), opslint with its built-in
 * packs and their dependencies, the team's packs (modules bundled; rules files as their text) and the settings,
 * so that the function ships no `node_modules`. `template.yaml` creates the function and the hook (./template.ts).
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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
      plugins: sourcePlugins(),
    })
    .catch((error: { errors?: { text: string; location?: { file: string; line: number; column: number } }[] }) => {
      const first = error.errors?.[0];
      const at = first?.location ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: ` : '';
      throw new UsageError(`${at}the hook could not be bundled: ${first?.text ?? String(error)}`, { cause: error });
    });
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
      : `{ exported: require(${JSON.stringify(file)}) }`,
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
