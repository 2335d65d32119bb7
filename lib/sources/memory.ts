/**
 * Assemblies already made in this process, as a source: the stacks of a CDK app being synthesized (lib/cdk), or
 * what a program built itself. Their units hold the assemblies as they are, so they are read where they were
 * listed, never on a worker.
 */
import type { Reader, Reading, Source, Unit } from './source';

const memoryReader: Reader<Reading> = { id: 'memory', portable: false, read: (reading) => reading };

/** A source of assemblies already read, each with the errors met reading it. */
export function memorySource(
  readings: readonly (Reading & { readonly assembly: NonNullable<Reading['assembly']> })[],
): Source {
  const units = readings.map((reading): Unit<Reading> => ({
    reader: memoryReader.id,
    name: reading.assembly.file,
    bytes: 0,
    data: reading,
  }));
  return { readers: [memoryReader], list: () => ({ units, errors: [] }) };
}
