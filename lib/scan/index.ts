/**
 * The scan loop, one for every source: prepare the scan, list the units of its sources, scan each unit (read
 * it into an assembly, run the rules, apply suppressions), and combine the results into the report with the
 * baseline. The units are scanned on worker threads when that pays (lib/parallel); on this thread otherwise,
 * which is the same loop with no worker.
 */
import type { ScanReport } from '../engine/finding';
import { runUnits, type ParallelOptions } from '../parallel/run';
import { readersOf } from '../sources';
import type { Listing, Source } from '../sources/source';
import { prepareScan, type ScanOptions } from './prepare';
import { finishScan } from './report';
import { scanUnit } from './unit';

/** Scans what `sources` list; their units on worker threads when `options` allow and the scan is large enough. */
export async function scan(sources: readonly Source[], options: ScanOptions & ParallelOptions): Promise<ScanReport> {
  const prepared = prepareScan(options);
  const listings = await Promise.all(sources.map((s) => s.list(prepared)));
  return finishScan(
    prepared,
    listings,
    await runUnits(
      listings.flatMap((l) => l.units),
      prepared,
      options,
      readersOf(sources),
    ),
    options,
  );
}

/**
 * {@link scan} with no worker, for sources that list their units at once (files, a CDK app being synthesized):
 * the report now, for callers that cannot wait (a CDK validation is synchronous).
 */
export function scanNow(sources: readonly Source[], options: ScanOptions): ScanReport {
  const prepared = prepareScan(options);
  const listings = sources.map((s) => listed(s.list(prepared)));
  const readers = readersOf(sources);
  return finishScan(
    prepared,
    listings,
    listings.flatMap((l) => l.units).map((unit) => scanUnit(unit, prepared, readers)),
    options,
  );
}

function listed(listing: Listing | Promise<Listing>): Listing {
  if (listing instanceof Promise)
    throw new Error('a source that lists its units asynchronously needs scan(), not scanNow()');
  return listing;
}

export { prepareScan, toDisplayPath, type PreparedScan, type ScanOptions } from './prepare';
export { buildReport, combineResults } from './report';
export { evaluateAssembly, type AssemblyResult, type ReportOptions } from './evaluate';
export type { UnitResult } from './unit';
