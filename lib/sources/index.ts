/**
 * The readers a scan knows, by id: every thread that scans (the main one and each worker) reads a unit with
 * the reader it names. A new source of opslint adds its reader here; a source from elsewhere brings its own
 * (`Source.readers`), read on the thread that scans.
 */
import { deployedReader } from './deployed';
import { cloudAssemblyReader, templateReader } from './files';
import type { Reader, Source } from './source';

export const READERS: ReadonlyMap<string, Reader> = new Map<string, Reader>(
  ([templateReader, cloudAssemblyReader, deployedReader] as Reader[]).map((r) => [r.id, r]),
);

/** The readers of a scan of `sources`: opslint's, and those the sources bring. */
export function readersOf(sources: readonly Source[]): ReadonlyMap<string, Reader> {
  const own = sources.flatMap((s) => s.readers ?? []);
  return own.length === 0 ? READERS : new Map([...READERS, ...own.map((r): [string, Reader] => [r.id, r])]);
}

export type { Listing, Reader, Reading, Source, SourceContext, Unit } from './source';
export { filesSource } from './files';
export { deployedSource } from './deployed';
