#!/usr/bin/env node
/**
 * The `opslint` command as installed: scripts/build.js builds this file into dist/bin/opslint.js and the whole
 * CLI (bin/opslint.ts and what it loads) into dist/bin/cli.js. This answers `--version`, then runs cli.js, compiled
 * from V8's code cache: compiling the 1.4 MB bundle is most of what start-up costs beyond Node's own.
 *
 * The cache is a file per user (a folder only they can write, under the temporary folder) per opslint build and
 * Node version, written when missing or rejected at the end of a run. OPSLINT_NO_COMPILE_CACHE turns it off; a
 * cache that cannot be read or written only makes the run slower. Node 22.1 and later cache it themselves
 * (`module.enableCompileCache`), in the same folder.
 */
import { lstatSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import type Module from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import * as path from 'node:path';
import type * as vm from 'node:vm';
import { isScanWorker } from '../lib/parallel/thread';
import { answerVersion } from './version';

/** The bundle's SHA-256 and opslint's version, set by scripts/build.js. */
declare const OPSLINT_BUILD: string;

const BUNDLE = path.join(__dirname, 'cli.js');

answerVersion(process.argv.slice(2));
// a trace asked for points into the TypeScript sources: Node reads the bundle's source map as it compiles it
if (process.argv.includes('--debug') || process.env.OPSLINT_DEBUG) process.setSourceMapsEnabled(true);
run();

/** Runs the bundle, with the code cache unless it is off (node:module and node:vm loaded here: `--version` does without). */
function run(): void {
  const dir = process.sourceMapsEnabled || process.env.OPSLINT_NO_COMPILE_CACHE ? undefined : cacheDir();
  const Module = require('node:module') as typeof import('node:module');
  const nodeCache = (Module as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache;
  if (dir === undefined || nodeCache) {
    if (dir !== undefined) nodeCache!(dir);
    require(BUNDLE);
    return;
  }
  const { size, mtimeMs } = statSync(BUNDLE);
  // size and time too: an edited bundle is not the one the build hashed
  runCached(
    Module,
    path.join(dir, `${OPSLINT_BUILD}-${size}-${Math.trunc(mtimeMs)}-${process.version}-${process.arch}.v8`),
  );
}

/** Runs the bundle as the module it is, compiled with the code cache `cacheFile` holds. */
function runCached(Module: typeof import('node:module'), cacheFile: string): void {
  const vm = require('node:vm') as typeof import('node:vm');
  const source = readFileSync(BUNDLE, 'utf8');
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // none yet
  }
  const script = new vm.Script(Module.wrap(source), {
    filename: BUNDLE,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  // written after the run, so that it holds the functions the run compiled as well
  if (!isScanWorker() && (cachedData === undefined || script.cachedDataRejected === true))
    process.once('exit', () => save(cacheFile, script));
  const internals = Module as unknown as {
    _cache: Record<string, Module>;
    _nodeModulePaths: (dir: string) => string[];
  };
  const bundle = new Module(BUNDLE, module);
  bundle.filename = BUNDLE;
  bundle.paths = internals._nodeModulePaths(__dirname);
  internals._cache[BUNDLE] = bundle;
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  const bundleRequire = Module.createRequire(BUNDLE);
  wrapper.call(bundle.exports, bundle.exports, bundleRequire, bundle, BUNDLE, __dirname);
  bundle.loaded = true;
}

/** The cache folder: made for this user only; undefined when it cannot be, or another user could write to it. */
function cacheDir(): string | undefined {
  try {
    const uid = process.getuid?.();
    const dir = path.join(tmpdir(), `opslint-compile-cache-${uid ?? userInfo().username}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(dir);
    if (!stat.isDirectory()) return undefined;
    // code read from a folder another user can write would run as this one
    if (uid !== undefined && (stat.uid !== uid || (stat.mode & 0o022) !== 0)) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

function save(file: string, script: vm.Script): void {
  const temporary = `${file}.${process.pid}`;
  try {
    writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
    // whole or not at all, for a run that reads it at the same moment
    renameSync(temporary, file);
  } catch {
    // not cached: the next run compiles again
  }
}
