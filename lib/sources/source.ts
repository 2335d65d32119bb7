/**
 * What a scan reads comes from sources: files, folders and globs (with the cloud assemblies among them),
 * deployed stacks, the stacks of a CDK app being synthesized. A {@link Source} lists units of work; a
 * {@link Reader} reads one unit into an assembly, on whichever thread scans it. The assembly it makes carries
 * what only its source knows (whether it is a whole app, where a finding about it is located), and a source
 * without files locates findings at a URI of its own scheme (`stack://<region>/<name>`). The scan loop
 * (lib/scan) knows nothing else about a source: a new one is a module here and an entry in ./index.ts, or,
 * outside opslint, a `Source` that brings its own readers.
 */
import type { Assembly } from '../assembly/model';
import type { InputError } from '../template/errors';
import type { LoadOptions } from '../template/load';

/** What every source and reader of one scan shares. */
export interface SourceContext {
  /** working directory: paths are resolved from it */
  readonly cwd: string;
  /** how a path is shown in findings and errors */
  readonly display: (p: string) => string;
  readonly load: LoadOptions;
  /** scan only what a change touched (absolute paths) */
  readonly changed?: ReadonlySet<string>;
  /** files named explicitly that are not templates are skipped, as if found in a folder */
  readonly lenient: boolean;
}

/** One unit of work: read into at most one assembly. Plain data when its reader is portable (a worker thread reads it). */
export interface Unit<D = unknown> {
  /** the id of the {@link Reader} that reads it */
  readonly reader: string;
  /** how a message about the unit as a whole names it: a template, a cloud assembly's manifest.json, a region */
  readonly name: string;
  /** the size of the text it reads, in bytes: what decides whether worker threads pay off */
  readonly bytes: number;
  readonly data: D;
}

/** What a source lists: its units in order, and what it could not list. */
export interface Listing {
  readonly units: readonly Unit[];
  readonly errors: readonly InputError[];
  /**
   * the errors to report when the scan reads no template at all, as ESLint does for a pattern that matches no
   * file: where it looked (a scan that reads nothing would otherwise pass over nothing)
   */
  readonly nothingFound?: readonly InputError[];
}

/** A source of assemblies: lists the units to scan (fetching them first if it must). */
export interface Source {
  list(context: SourceContext): Listing | Promise<Listing>;
  /**
   * readers of its own, for units no reader of lib/sources/index.ts reads; their units are read on the thread
   * that scans, never sent to a worker
   */
  readonly readers?: readonly Reader[];
}

/** What reading a unit gives: its assembly (none when there is nothing to scan) and the parts that could not be read. */
export interface Reading {
  readonly assembly?: Assembly;
  readonly errors: readonly InputError[];
}

/** Reads the units of one kind. */
export interface Reader<D = unknown> {
  readonly id: string;
  /** whether its units are plain data that a worker thread can be sent (one holding objects is read where it was listed) */
  readonly portable: boolean;
  /** Reads a unit; an {@link InputError} thrown is the unit's error. */
  read(data: D, context: SourceContext): Reading;
}
