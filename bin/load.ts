/**
 * Loads opslint's one-file bundle (bin/bundle.ts, built into dist/bin/bundle.js) once per process, for the command
 * (bin/launch.ts) and for the library entries dist/lib holds (written by scripts/build.js), compiled from V8's
 * code cache: compiling the bundle is most of what loading opslint costs, in a `cdk synth` as at the command's
 * start.
 *
 * The cache is a file per user (a folder only they can write, under the temporary folder), per build, entry and
 * Node version, written at the end of a run that found none (or one V8 rejected) and scanned, so that it holds the
 * functions that entry's scan compiled. OPSLINT_NO_COMPILE_CACHE turns it off; a cache that cannot be read or
 * written only makes the run slower. The folder keeps the newest caches only ({@link prune}).
 */
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import * as path from 'node:path';
import type * as vm from 'node:vm';
import { isScanWorker } from '../lib/parallel/thread';

/** The bundle's SHA-256 and opslint's version, set by scripts/build.js. */
declare const OPSLINT_BUILD: string;

const BUNDLE = path.join(__dirname, 'bundle.js');

type Bundle = Record<string, unknown>;

/** Node's module cache, where the bundle is kept as the module it is, and how Node finds a folder's modules. */
const internals = Module as unknown as {
  _cache: Record<string, Module | undefined>;
  _nodeModulePaths: (dir: string) => string[];
};

/**
 * The bundle's part for the entry `name`, loaded for the module `from` (a dist/lib file). Required through
 * something other than Node's loader (jest's, which runs each test file in a context of its own), the bundle is
 * loaded by that loader, without the cache: code compiled here would run outside that context.
 */
export function entry(name: string, from: NodeJS.Module): unknown {
  const bundle = from instanceof Module ? loadBundle(name) : (require(BUNDLE) as Bundle);
  return bundle[name];
}

/** The bundle's exports, loaded now unless it is loaded already; `kind` names the entry, for its cache. */
export function loadBundle(kind: string): Bundle {
  const loaded = internals._cache[BUNDLE];
  if (loaded !== undefined) return loaded.exports as Bundle;
  // a trace asked for points into the TypeScript sources: Node reads the bundle's source map as it compiles it
  const dir = process.sourceMapsEnabled || process.env.OPSLINT_NO_COMPILE_CACHE ? undefined : cacheDir();
  if (dir === undefined) return require(BUNDLE) as Bundle;
  const { size, mtimeMs } = statSync(BUNDLE);
  // size and time too: an edited bundle is not the one the build hashed
  const file = `${OPSLINT_BUILD}-${kind}-${size}-${Math.trunc(mtimeMs)}-${process.version}-${process.arch}.v8`;
  return runCached(path.join(dir, file));
}

/** Runs the bundle as the module it is, compiled with the code cache `cacheFile` holds. */
function runCached(cacheFile: string): Bundle {
  const vm = require('node:vm') as typeof import('node:vm');
  // the bundle is ASCII (scripts/build.js checks): read as Latin-1, it is decoded at half the cost of UTF-8
  const source = readFileSync(BUNDLE, 'latin1');
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // none yet
  }
  // the bundle's value is the function of its code (scripts/build.js): the text read is compiled as it is, where a
  // module's wrapper added around it would make V8 copy it into its heap
  const script = new vm.Script(source, {
    filename: BUNDLE,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const bundle = new Module(BUNDLE, module);
  bundle.filename = BUNDLE;
  bundle.paths = internals._nodeModulePaths(__dirname);
  internals._cache[BUNDLE] = bundle;
  const code = script.runInThisContext() as (...args: unknown[]) => void;
  code.call(bundle.exports, bundle.exports, Module.createRequire(BUNDLE), bundle, BUNDLE, __dirname);
  bundle.loaded = true;
  if (!isScanWorker() && (cachedData === undefined || script.cachedDataRejected === true)) {
    const { afterNextScan } = bundle.exports as { afterNextScan: (listener: () => void) => void };
    // written after the run, so that it holds the functions the run compiled as well; and only after a run that
    // scanned (not `--help`, nor an app that loaded opslint and synthesized nothing), or the cache would lack the
    // code that scans for as long as this build is installed. Taken as well when the first scan ends, and the
    // larger written: V8 discards the bytecode of functions that have not run for a while, so a process that runs
    // long (a language server, a script that synthesizes many apps) has lost the code that ran as it started.
    let early: Buffer | undefined;
    afterNextScan(() => (early = script.createCachedData()));
    process.once('exit', () => {
      if (early) save(cacheFile, script, early);
    });
  }
  return bundle.exports as Bundle;
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

/** Writes the cache of `script` now, or `early` (one taken before) when that holds more. */
function save(file: string, script: vm.Script, early: Buffer): void {
  const temporary = `${file}.${process.pid}`;
  try {
    const now = script.createCachedData();
    writeFileSync(temporary, early.length > now.length ? early : now, { mode: 0o600 });
    // whole or not at all, for a run that reads it at the same moment
    renameSync(temporary, file);
    prune(path.dirname(file), file);
  } catch {
    // not cached: the next run compiles again
  }
}

/** Caches kept at most: every build (each upgrade, each rebuild of a clone) writes its own. */
const KEPT_CACHES = 16;

/**
 * Removes the oldest caches beyond {@link KEPT_CACHES}, and those left by runs that ended while writing. Run only
 * when a cache was written (a new build's first runs), so a start that reads one pays nothing. A cache removed
 * while still in use is written again by that build's next run.
 */
function prune(dir: string, written: string): void {
  const files = readdirSync(dir).map((name) => path.join(dir, name));
  const caches = files
    .filter((f) => f !== written && f.endsWith('.v8'))
    .map((f) => ({ f, at: statSync(f).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  const unfinished = files.filter((f) => /\.v8\.\d+$/.test(f) && Date.now() - statSync(f).mtimeMs > 60_000);
  for (const f of [...caches.slice(KEPT_CACHES - 1).map((c) => c.f), ...unfinished]) rmSync(f, { force: true });
}
