/**
 * The readers a scan knows, by id: every thread that scans (the main one and each worker) reads a unit with
 * the reader it names. A new source adds its reader here.
 */
import type { Assembly } from '../assembly/model';
import type { InputError } from '../template/errors';
import { deployedReader } from './deployed';
import { cloudAssemblyReader, templateReader } from './files';
import type { Reader, Reading, Source, Unit } from './source';

/** Assemblies already made in this process (the stacks of a CDK app being synthesized): read as they are, never sent to a worker. */
export const assemblyReader: Reader<Reading> = { id: 'assembly', portable: false, read: (reading) => reading };

/** A source of assemblies already made, with the errors met making them. */
export function assembliesSource(assemblies: readonly Assembly[], errors: readonly InputError[] = []): Source {
  const units = assemblies.map((assembly): Unit<Reading> => ({ reader: assemblyReader.id, name: assembly.file, bytes: 0, data: { assembly, errors: [] } }));
  return { list: () => ({ units, errors, given: [] }) };
}

export const READERS: ReadonlyMap<string, Reader> = new Map<string, Reader>(
  ([templateReader, cloudAssemblyReader, deployedReader, assemblyReader] as Reader[]).map((r) => [r.id, r]),
);

export type { Listing, Reader, Reading, Source, SourceContext, Unit } from './source';
export { filesSource } from './files';
export { deployedSource } from './deployed';
