#!/usr/bin/env node
/**
 * The `opslint` command: a thin entry that hands argv to lib/cli. Bundled into the one-file CLI
 * (scripts/build.js), it is also the entry of that file's worker threads.
 */
import { once } from 'node:events';
import * as path from 'node:path';
import { EXIT } from '../lib/errors';
import { isScanWorker } from '../lib/parallel/thread';
import { packageRoot } from '../lib/version';
import { answerVersion } from './version';

/** Defined in the one-file CLI only, by scripts/build.js: the file it starts from. */
declare const OPSLINT_BUNDLE: string | undefined;

if (typeof OPSLINT_BUNDLE !== 'undefined') {
  shareOwnModules();
  if (isScanWorker()) {
    // lib/compose.ts names its own file, this one here, as the module a worker takes the built-in packs from
    module.exports = require('../lib/compose');
    require('../lib/parallel/worker');
  } else cli();
} else cli();

function cli(): void {
  const argv = process.argv.slice(2);
  answerVersion(argv);

  // loaded after the `--version` fast path
  const { main } = require('../lib/cli') as typeof import('../lib/cli');

  // a reader that stops early (`opslint scan … | head`) is not an error: stop writing, quietly
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });

  main(argv, {
    stdout: (text) => process.stdout.write(text),
    drained: () => once(process.stdout, 'drain').then(() => undefined),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // a bug in opslint itself: one line, not a stack trace, unless asked for
      process.stderr.write(`opslint: internal error: ${describe(error)}\n`);
      if (process.env.OPSLINT_DEBUG) process.stderr.write(`${error instanceof Error ? error.stack : ''}\n`);
      process.exitCode = EXIT.error;
    },
  );
}

/** What went wrong, as text, even for a value that cannot be turned into text (an object without a prototype). */
function describe(error: unknown): string {
  try {
    const message = (error as { message?: unknown } | null | undefined)?.message;
    return typeof message === 'string' ? message : String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}

/**
 * Packs and configuration files `require('opslint')`, `opslint/rule` or `opslint/testing`, which resolve to
 * dist/lib: the one-file CLI hands them its own modules instead, so that what they share with it (the UNKNOWN
 * value, error classes, what the engine keeps about the rules it was given) is one object, as it is when the
 * CLI runs from dist/lib. An ES module that imports them gets the same, through the same cache.
 */
function shareOwnModules(): void {
  const Module = require('node:module') as typeof import('node:module') & { _cache: Record<string, unknown> };
  const lib = path.join(packageRoot(), 'dist', 'lib');
  const own: Record<string, () => unknown> = {
    'index.js': () => require('../lib/index'),
    'rule.js': () => require('../lib/rule'),
    'testing/index.js': () => require('../lib/testing'),
  };
  for (const [file, load] of Object.entries(own)) {
    const filename = path.join(lib, file);
    const shared = new Module(filename);
    shared.filename = filename;
    shared.loaded = true;
    // loaded when first required: most runs load no pack
    let exported: unknown;
    Object.defineProperty(shared, 'exports', {
      get: () => (exported ??= load()),
      set: (value: unknown) => (exported = value),
    });
    Module._cache[filename] = shared;
  }
}
