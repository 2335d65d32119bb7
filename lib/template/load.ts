/** Reading a template file: bytes → text → parsed document → model, with every failure an {@link InputError}. */
import { readFileSync, statSync } from 'node:fs';
import { InputError, messages } from './errors';
import { Template, type TemplateOptions } from './model';
import { decode, DEFAULT_PARSE_LIMITS, parseDocument, type ParseLimits } from './parse';

/** Options for reading a template file. */
export interface LoadOptions extends TemplateOptions {
  readonly limits?: ParseLimits;
  /** largest file read, in bytes */
  readonly maxFileBytes?: number;
  /** the name shown in findings and errors (default: the path read) */
  readonly displayName?: string;
}

export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;

/** Reads a file's text, with the size limit and encoding detection; throws {@link InputError}. */
export function readText(file: string, maxFileBytes = DEFAULT_MAX_FILE_BYTES, shown = file): string {
  let bytes: Buffer;
  try {
    const size = statSync(file).size;
    if (size > maxFileBytes) throw new InputError(messages.tooLarge(size, maxFileBytes), shown);
    bytes = readFileSync(file);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(messages.unreadable(describeFsError(error)), shown);
  }
  return decode(bytes, shown);
}

/**
 * Loads a template file. A file found in a directory (`explicit: false`) that is not a template is skipped
 * (undefined); text that does not even mention a template's sections is not parsed at all.
 */
export function loadTemplate(file: string, options: LoadOptions = {}): Template | undefined {
  const shown = options.displayName ?? file;
  return templateFromText(readText(file, options.maxFileBytes, shown), shown, options);
}

/** Reads template text into a model; undefined for a file found in a folder that is not a template. */
export function templateFromText(text: string, file: string, options: LoadOptions = {}): Template | undefined {
  if (!options.explicit && !/Resources|AWSTemplateFormatVersion/.test(text)) return undefined;
  const parsed = parseDocument(text, file, undefined, options.limits ?? DEFAULT_PARSE_LIMITS);
  return Template.from(parsed, options);
}

export function describeFsError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a directory';
    default: return e?.message ?? String(error);
  }
}
