/**
 * JSON and YAML parsing into plain values with source positions. YAML short-form tags (`!Ref`, `!GetAtt a.b`,
 * `!Sub`, …) become their long JSON forms (`{ "Ref": … }`, `{ "Fn::GetAtt": ["a", "b"] }`), so everything
 * after parsing sees one shape whatever the file format. This module holds the shared entry and budget; each
 * format is read in its own module (parse-json.ts, parse-yaml.ts).
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { InputError, messages } from './errors';
import { parseJson } from './parse-json';
import { parseYaml } from './parse-yaml';
import type { SourceMap, Position } from './source';

export type DocumentFormat = 'json' | 'yaml';

/** A JSON or YAML document as plain values, with the source position of every part. */
export interface ParsedDocument {
  readonly file: string;
  readonly format: DocumentFormat;
  readonly value: unknown;
  readonly sourceMap: SourceMap;
  /** what was read more leniently than YAML 1.2 allows, the way CloudFormation reads it (see {@link parseDocument}) */
  readonly notes?: readonly ParseNote[];
}

/** Something the parser accepted as CloudFormation does, though the YAML specification does not. */
export interface ParseNote {
  readonly position: Position;
  readonly message: string;
}

/** Bounds on what a document may make the parser do. */
export interface ParseLimits {
  /** deepest nesting of mappings and lists accepted */
  readonly maxDepth: number;
  /** most nodes that YAML aliases may expand to, in all */
  readonly maxAliasNodes: number;
  /** longest time one document may take to parse, in milliseconds (default 10,000) */
  readonly parseTimeoutMs?: number;
}

export const DEFAULT_PARSE_TIMEOUT_MS = 10_000;

/** The bounds used unless others are given. */
export const DEFAULT_PARSE_LIMITS: ParseLimits = {
  maxDepth: 256,
  maxAliasNodes: 100_000,
  parseTimeoutMs: DEFAULT_PARSE_TIMEOUT_MS,
};

/**
 * The time budget of one parse, checked in opslint's own loops over nodes (the yaml library's parsing, in
 * between, cannot be interrupted: the budget is checked as soon as it returns). The clock is read once every
 * 1024 steps: reading it at every node would cost more than the JSON walk's own work on each.
 */
export class Deadline {
  private steps = 0;
  private readonly ms: number;
  private readonly end: number;

  constructor(
    limits: ParseLimits,
    private readonly file: string,
  ) {
    this.ms = limits.parseTimeoutMs ?? DEFAULT_PARSE_TIMEOUT_MS;
    this.end = performance.now() + this.ms;
  }

  /** True once the budget is spent (then {@link error} says so). */
  over(): boolean {
    return (++this.steps & 1023) === 0 && performance.now() > this.end;
  }

  error(position: Position | undefined): InputError {
    return new InputError(messages.parseTimeout(this.ms), this.file, position);
  }
}

/** Decodes file bytes: UTF-8 (with or without BOM) or UTF-16 with a BOM; rejects binary content. */
export function decode(bytes: Uint8Array, file: string): string {
  const utf16 =
    bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe
      ? 'utf-16le'
      : bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff
        ? 'utf-16be'
        : undefined;
  if (utf16) {
    const text = new TextDecoder(utf16).decode(bytes.subarray(2));
    // NUL characters: UTF-32 (whose mark starts like UTF-16's), or binary data behind a mark
    if (text.includes('\u0000')) throw new InputError(messages.binary(), file);
    return text;
  }
  if (bytes.includes(0)) throw new InputError(messages.binary(), file);
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // most templates are ASCII, which is a plain copy to decode (UTF-8 takes several times longer)
  if (isAscii(buffer)) return buffer.toString('latin1');
  const text = buffer.toString('utf8');
  if (!isUtf8(buffer)) throw invalidUtf8(buffer, text, file);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * The error for bytes that are not UTF-8 (a file saved as Latin-1 or Windows-1252, say), at the first of them:
 * the first U+FFFD that decoding put in place of bytes rather than read as written (EF BF BD). Up to there the
 * text and the bytes agree, so its offset in the bytes is that of the text before it, in UTF-8.
 */
function invalidUtf8(bytes: Buffer, text: string, file: string): InputError {
  let at = text.indexOf('\ufffd');
  let offset = Buffer.byteLength(text.slice(0, at));
  while (bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd) {
    at = text.indexOf('\ufffd', at + 1);
    offset = Buffer.byteLength(text.slice(0, at));
  }
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const position = {
    line,
    column: at - before.lastIndexOf('\n') - (text.charCodeAt(0) === 0xfeff && line === 1 ? 1 : 0),
  };
  return new InputError(messages.invalidUtf8(bytes[offset]), file, position);
}

/** JSON when the name says so or the text starts with `{`; YAML otherwise. */
export function detectFormat(file: string, text: string): DocumentFormat {
  if (/\.json$/i.test(file)) return 'json';
  if (/\.ya?ml$/i.test(file)) return 'yaml';
  return /^\s*[{[]/.test(text) ? 'json' : 'yaml';
}

/**
 * Parses JSON or YAML (short-form tags in their long form); throws {@link InputError} with a position. YAML
 * that CloudFormation reads though YAML 1.2 does not (a flow collection or a quoted scalar continued on lines
 * not indented past its key) is read as CloudFormation reads it, with a note. `located: false` reads JSON without
 * positions (see {@link LoadOptions.ownOutput}).
 */
export function parseDocument(
  text: string,
  file: string,
  format: DocumentFormat = detectFormat(file, text),
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
  located = true,
): ParsedDocument {
  if (text.trim() === '') throw new InputError(messages.emptyFile(), file);
  const deadline = new Deadline(limits, file);
  const {
    value,
    sourceMap,
    notes = [],
  } = format === 'json' ? parseJson(text, file, limits, deadline, located) : parseYaml(text, file, limits, deadline);
  return { file, format, value, sourceMap, notes };
}

/** What each format's parser gives back: the value, where each part of it is, and any notes. */
export interface Parsed {
  readonly value: unknown;
  readonly sourceMap: SourceMap;
  readonly notes?: readonly ParseNote[];
}
