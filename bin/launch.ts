#!/usr/bin/env node
/**
 * The `opslint` command as installed: scripts/build.js builds this file into dist/bin/opslint.js, beside the
 * bundle of the whole package (bin/bundle.ts) and its loader (bin/load.ts). This answers `--version`, then runs
 * the command, or a scan worker thread (lib/parallel/run.ts starts its workers from this file), from the bundle.
 */
import { isScanWorker } from '../lib/parallel/thread';
import { answerVersion } from './version';

answerVersion(process.argv.slice(2));
// a trace asked for points into the TypeScript sources (bin/load.ts compiles the bundle with its source map then)
if (process.argv.includes('--debug') || process.env.OPSLINT_DEBUG) process.setSourceMapsEnabled(true);
// the loader stays a file of its own (scripts/build.js): dist/lib's entries load the bundle through it as well
const { loadBundle } = require('./load') as typeof import('./load');
const bundle = loadBundle('cli') as { worker: unknown; cli: typeof import('./cli') };
if (isScanWorker()) void bundle.worker;
else bundle.cli.runCli();
