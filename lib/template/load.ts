/** Reading a template file: bytes → text → parsed document → model, with every failure an {@link InputError}. */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { InputError, messages } from './errors';
import { Template, type TemplateOptions } from './model';
import { parseJsonInPieces } from './json-pieces';
import { decode, DEFAULT_PARSE_LIMITS, parseDocument, type ParsedDocument, type ParseLimits } from './parse';
import { SourceMap } from './source';

/** Options for reading a template file. */
export interface LoadOptions extends TemplateOptions {
  readonly limits?: ParseLimits;
  /** largest file read, in bytes */
  readonly maxFileBytes?: number;
  /** the name shown in findings and errors (default: the path read) */
  readonly displayName?: string;
  /** most stacks read from one cloud assembly, nested stacks included */
  readonly maxStacks?: number;
  /** most resources read from one cloud assembly, its stacks together */
  readonly maxResources?: number;
  /**
   * JSON written by the process reading it (the cloud assembly of a CDK app being synthesized): read by
   * `JSON.parse` alone, without positions, which nothing shows there (findings are shown at their constructs, and the
   * CDK shows where those were created: the source lines of a cloud assembly's creation traces are not read either),
   * and without looking for repeated keys, which `JSON.stringify` never writes. Invalid JSON is still an error located.
   * Its files are read where the manifests name them, without resolving symbolic links to refuse those that lead out
   * of the assembly: the app wrote them, as the CDK reads them (each resolution cost ~10 µs of a synthesis).
   */
  readonly ownOutput?: boolean;
}

/**
 * The largest file read by default: 50 MiB. CloudFormation accepts templates of at most 1 MB (from S3), so
 * this leaves room for anything real and for generated stress cases, while memory stays bounded: a 30 MB JSON
 * template of 40,000 resources scans in about 0.5 GB, the same template as 24 MB of YAML in about 1.4 GB.
 */
export const DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024;

/** Reads a file's text, with the size limit and encoding detection; throws {@link InputError}. */
export function readText(file: string, maxFileBytes = DEFAULT_MAX_FILE_BYTES, shown = file): string {
  return decode(readBytes(file, maxFileBytes, shown), shown);
}

/**
 * The value of a JSON file this process wrote ({@link LoadOptions.ownOutput}), without positions: a large file is
 * read in pieces (./json-pieces.ts). Throws {@link InputError}, at its place for invalid JSON.
 */
export function readOwnJson(file: string, maxFileBytes = DEFAULT_MAX_FILE_BYTES, shown = file): unknown {
  return ownDocument(readBytes(file, maxFileBytes, shown), shown, DEFAULT_PARSE_LIMITS).value;
}

/** A JSON file read as `options` say: with positions, or in the app's own output without them ({@link readOwnJson}). */
export function readJsonDocument(file: string, shown: string, options: LoadOptions): ParsedDocument {
  const bytes = readBytes(file, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, shown);
  const limits = options.limits ?? DEFAULT_PARSE_LIMITS;
  return options.ownOutput
    ? ownDocument(bytes, shown, limits)
    : parseDocument(decode(bytes, shown), shown, 'json', limits);
}

function ownDocument(bytes: Buffer, shown: string, limits: ParseLimits): ParsedDocument {
  const value = parseJsonInPieces(bytes);
  if (value !== undefined) return { file: shown, format: 'json', value, sourceMap: new SourceMap() };
  return parseDocument(decode(bytes, shown), shown, 'json', limits, false);
}

/** A file's bytes, with the size limit (see {@link readBounded}); throws {@link InputError}. */
function readBytes(file: string, maxFileBytes: number, shown: string): Buffer {
  try {
    return readBounded(file, maxFileBytes, shown);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(messages.unreadable(describeFsError(error)), shown);
  }
}

/**
 * Files up to this size are read into one reused buffer (their text is decoded from it, a copy): a scan of
 * thousands of templates then neither allocates nor page-faults fresh memory for each.
 */
const SCRATCH_BYTES = 4 * 1024 * 1024;
let scratch: Buffer | undefined;

/**
 * At most `max` bytes of a regular file. Anything else is refused before it is opened: a FIFO would block
 * the scan until something writes to it, a device can be endless or change state when opened. The file is
 * opened non-blocking and checked again, in case it was replaced in between. The size on disk is checked
 * first, and reading also stops past `max`, so a file that grows meanwhile cannot make opslint read more. The
 * bytes returned are valid until the next call (they may be the reused buffer's).
 */
function readBounded(file: string, max: number, shown: string): Buffer {
  refuseUnlessFile(statSync(file), shown);
  const fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stat = fstatSync(fd);
    refuseUnlessFile(stat, shown);
    if (stat.size > max) throw new InputError(messages.tooLarge(stat.size, max), shown);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // a file is read whole at once (one byte more than its size, to see it end), and a file that grew 64 KiB
      // at a time; the first chunk of a small file goes to the reused buffer
      const size = chunks.length === 0 ? Math.min(stat.size, max) + 1 : 64 * 1024;
      const chunk =
        chunks.length === 0 && size <= SCRATCH_BYTES
          ? (scratch ??= Buffer.allocUnsafe(SCRATCH_BYTES)).subarray(0, size)
          : Buffer.allocUnsafe(size);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > max) throw new InputError(messages.tooLarge(undefined, max), shown);
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      // the file ended before the byte past its size: no read more to see it end (a 64 KiB buffer, a system call);
      // later chunks read on to the end (a file that grew; one of /proc, which says size 0 and reads short)
      if (chunks.length === 1 && n < chunk.length) break;
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

function refuseUnlessFile(stat: Stats, shown: string): void {
  if (stat.isFile()) return;
  const kind = stat.isDirectory()
    ? 'is a directory'
    : `is ${stat.isFIFO() ? 'a FIFO (named pipe)' : stat.isSocket() ? 'a socket' : 'a device'}, not a regular file`;
  throw new InputError(messages.unreadable(kind), shown);
}

/**
 * Loads a template file. A file found in a directory (`explicit: false`) that is not a template is skipped
 * (undefined); text that does not even mention a template's sections is not parsed at all.
 */
export function loadTemplate(file: string, options: LoadOptions = {}): Template | undefined {
  const shown = options.displayName ?? file;
  const bytes = readBytes(file, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, shown);
  // the app's own output is JSON (the CDK writes nothing else)
  if (options.ownOutput)
    return Template.from(ownDocument(bytes, shown, options.limits ?? DEFAULT_PARSE_LIMITS), options);
  return templateFromText(decode(bytes, shown), shown, options);
}

/** Reads template text into a model; undefined for a file found in a folder that is not a template. */
export function templateFromText(text: string, file: string, options: LoadOptions = {}): Template | undefined {
  if (!options.explicit && !/Resources|AWSTemplateFormatVersion/.test(text)) return undefined;
  const parsed = parseDocument(text, file, undefined, options.limits ?? DEFAULT_PARSE_LIMITS, !options.ownOutput);
  return Template.from(parsed, options);
}

export function describeFsError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ELOOP':
      return 'too many symbolic links (a loop of links?)';
    default:
      return e?.message ?? String(error);
  }
}
