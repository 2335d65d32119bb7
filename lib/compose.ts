/**
 * The composition root: the one place where opslint's catalogue meets its pipeline. The pipeline (lib/scan,
 * lib/parallel, lib/engine, lib/sources) never imports `rules/`; the command line, the CDK integrations and the
 * public entry take the built-in packs from here, with scans that default to them.
 */
import type { ScanReport } from './engine/finding';
import type { Pack } from './engine/rule';
import type { PackSource, ParallelOptions } from './parallel/run';
import { scan, scanNow, type ScanOptions } from './scan';
import { filesSource } from './sources/files';
import type { Source } from './sources/source';
import { builtinPacksNaming, BUILTIN_RULE_IDS, isBuiltinPack } from '../rules/catalogue';

/** opslint's own packs, loaded on first use: a scan that names its rules loads only their packs ({@link builtinPacksFor}). */
export declare const BUILTIN_PACKS: readonly Pack[];
Object.defineProperty(exports, 'BUILTIN_PACKS', {
  enumerable: true,
  get: () => (require('../rules') as typeof import('../rules')).BUILTIN_PACKS,
});

/**
 * The built-in packs a scan of the rules and packs `names` lists needs (`--rule`, `--pack`, and what the
 * configuration turns on, off or configures): those that hold them, and all of them when `names` is empty or names
 * something else. With `knownRules`, what a suppression may name: every built-in rule, loaded or not.
 */
export function builtinPacksFor(names: readonly string[]): { packs: Pack[]; knownRules?: readonly string[] } {
  const some = names.length > 0 ? builtinPacksNaming(names) : undefined;
  return some ? { packs: some, knownRules: BUILTIN_RULE_IDS } : { packs: [...BUILTIN_PACKS] };
}

/** Options of a scan from code: the packs default to the built-in ones. */
export type ScanSettings = Omit<ScanOptions, 'packs'> & Partial<Pick<ScanOptions, 'packs'>>;

/** Options of a scan of paths: those of a scan, and the paths not to scan (globs, relative to cwd). */
export interface PathScanSettings extends ScanSettings {
  readonly ignore?: readonly string[];
}

/** Options of a scan that may run on worker threads: `packSources` name the packs beyond the built-in ones, for the workers to load. */
export interface ParallelScanSettings extends ScanSettings, Omit<ParallelOptions, 'workerPacks'> {
  readonly packSources?: readonly PackSource[];
}

/** Scans files, folders, globs and cloud assemblies, the way `opslint scan` does, on this thread, and returns the report. */
export function scanPaths(paths: readonly string[], options: PathScanSettings = {}): ScanReport {
  return scanNow([filesSource(paths, options.ignore)], { ...options, packs: options.packs ?? BUILTIN_PACKS });
}

/** Scans what `sources` list (files, deployed stacks…), on worker threads when that pays. */
export function scanSources(sources: readonly Source[], options: ParallelScanSettings = {}): Promise<ScanReport> {
  const packs = options.packs ?? BUILTIN_PACKS;
  // a worker takes the built-in packs from this module, then loads those `packSources` name, which must be the
  // others (as the command line gives them); packs given only as objects keep the scan on this thread
  const builtin = packs.filter(isBuiltinPack);
  const rest = packs.slice(builtin.length);
  const portable =
    packs.slice(0, builtin.length).every(isBuiltinPack) && (rest.length === 0 || options.packSources !== undefined);
  const workerPacks = portable
    ? { catalogue: __filename, builtin: builtin.map((p) => p.id), sources: options.packSources ?? [] }
    : undefined;
  return scan(sources, { ...options, packs, workerPacks });
}
