/**
 * One unit of a scan, on whichever thread scans it: read by its reader into an assembly, and the rules run
 * over it. A unit that cannot be read is reported and the others are scanned all the same.
 */
import { READERS } from '../sources';
import type { Reader, Unit } from '../sources/source';
import { InputError } from '../template/errors';
import { evaluateAssembly, type AssemblyResult } from './evaluate';
import type { PreparedScan } from './prepare';

/**
 * What one unit gives a report: its assembly's result (none for a unit skipped or unreadable) and input errors.
 * Plain data, so a worker thread can send it back; the assembly itself is dropped as soon as its rules have run,
 * which keeps a scan of many files to the memory of one.
 */
export interface UnitResult {
  readonly result?: AssemblyResult;
  readonly errors: readonly InputError[];
}

/** Reads one unit with the reader it names and runs the rules over it. */
export function scanUnit(unit: Unit, scan: PreparedScan, readers: ReadonlyMap<string, Reader> = READERS): UnitResult {
  try {
    const reader = readers.get(unit.reader);
    if (!reader) throw new Error(`no reader "${unit.reader}"`);
    const { assembly, errors } = reader.read(unit.data, scan);
    return { result: assembly ? evaluateAssembly(assembly, scan.rules, scan.report) : undefined, errors };
  } catch (error) {
    return { errors: [error instanceof InputError ? error : internalError(unit.name, error)] };
  }
}

/**
 * What opslint did not expect while reading a unit or checking it outside a rule (a rule's own failure is a
 * finding): an error for that unit, so the others are scanned and the report is written all the same.
 */
function internalError(name: string, error: unknown): InputError {
  const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new InputError(`internal error while scanning this file (${what}); please report it`, name);
}
