/**
 * Bounds on what one input may make opslint do: how large a file it reads, how deep values may nest, how far
 * YAML aliases and `Fn::ForEach` loops may expand, how long parsing one file may take, and how many stacks and
 * resources one cloud assembly may hold. Each has a default that real templates stay well inside; the configuration's
 * `limits` section and the command line (which wins) can change them. An input beyond a bound is an input
 * error naming the bound.
 */
import { UsageError } from '../errors';
import { DEFAULT_MAX_ASSEMBLY_RESOURCES, DEFAULT_MAX_STACKS } from '../assembly/read';
import { DEFAULT_MAX_FOREACH_ENTRIES } from '../template/foreach';
import { DEFAULT_MAX_FILE_BYTES, type LoadOptions } from '../template/load';
import { DEFAULT_PARSE_LIMITS, DEFAULT_PARSE_TIMEOUT_MS } from '../template/parse';
import type { OptionValues } from '../util/option-spec';
import type { LIMIT_OPTIONS } from './limit-options';

/** The limits as the configuration file writes them (sizes as a number of bytes or a string such as `"50MB"`). */
export interface LimitsConfig {
  readonly maxFileSize?: number | string;
  readonly maxDepth?: number;
  readonly maxAliasNodes?: number;
  readonly maxForEachEntries?: number;
  /** milliseconds */
  readonly parseTimeout?: number;
  readonly maxStacks?: number;
  readonly maxResources?: number;
}

/**
 * The deepest nesting that may be configured: opslint follows values recursively, and much deeper values
 * would exhaust the stack of the YAML parser and of the resolver. YAML flow collections (`[[…]]`) can exhaust
 * the YAML parser's stack from some 800 levels on, depending on the stack left: an input error that says so.
 */
export const MAX_CONFIGURABLE_DEPTH = 1000;

const UNITS: Readonly<Record<string, number>> = { '': 1, B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

/** `1048576`, `"512KB"`, `"50MB"`, `"1GB"` (units of 1024) → bytes; undefined when it is not a size. */
export function parseSize(value: number | string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?\s*$/i.exec(String(value));
  if (!m) return undefined;
  const bytes = Math.floor(Number(m[1]) * UNITS[(m[2] ?? '').toUpperCase()]);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

/** The limits from the command line, as typed. */
export type LimitsFlags = OptionValues<typeof LIMIT_OPTIONS>;

/**
 * The read options for a scan: each limit from the command line, else from the configuration, else its
 * default. A value that is not valid is a {@link UsageError} naming the flag or the configuration key.
 */
export function resolveLimits(
  config: LimitsConfig = {},
  flags: LimitsFlags = {},
): Required<Pick<LoadOptions, 'maxFileBytes' | 'limits' | 'maxForEachEntries' | 'maxStacks' | 'maxResources'>> {
  const pick = <T>(flag: string, key: string, fromFlag: string | undefined, fromConfig: T | undefined) =>
    fromFlag !== undefined
      ? { name: flag, value: fromFlag }
      : fromConfig !== undefined
        ? { name: `limits.${key} in the configuration`, value: fromConfig }
        : undefined;
  const size = (given: { name: string; value: number | string } | undefined): number => {
    if (given === undefined) return DEFAULT_MAX_FILE_BYTES;
    const bytes = parseSize(given.value);
    if (bytes === undefined)
      throw new UsageError(`${given.name} must be a size such as 1048576, 512KB, 50MB or 1GB, not "${given.value}"`);
    return bytes;
  };
  const whole = (
    given: { name: string; value: number | string } | undefined,
    fallback: number,
    max: number,
  ): number => {
    if (given === undefined) return fallback;
    const n = Number(given.value);
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new UsageError(`${given.name} must be a whole number from 1 to ${max}, not "${given.value}"`);
    return n;
  };
  return {
    maxFileBytes: size(pick('--max-file-size', 'maxFileSize', flags.maxFileSize, config.maxFileSize)),
    limits: {
      maxDepth: whole(
        pick('--max-depth', 'maxDepth', flags.maxDepth, config.maxDepth),
        DEFAULT_PARSE_LIMITS.maxDepth,
        MAX_CONFIGURABLE_DEPTH,
      ),
      maxAliasNodes: whole(
        pick('--max-alias-nodes', 'maxAliasNodes', flags.maxAliasNodes, config.maxAliasNodes),
        DEFAULT_PARSE_LIMITS.maxAliasNodes,
        Number.MAX_SAFE_INTEGER,
      ),
      parseTimeoutMs: whole(
        pick('--parse-timeout', 'parseTimeout', flags.parseTimeout, config.parseTimeout),
        DEFAULT_PARSE_TIMEOUT_MS,
        Number.MAX_SAFE_INTEGER,
      ),
    },
    maxForEachEntries: whole(
      pick('--max-foreach-entries', 'maxForEachEntries', flags.maxForeachEntries, config.maxForEachEntries),
      DEFAULT_MAX_FOREACH_ENTRIES,
      Number.MAX_SAFE_INTEGER,
    ),
    maxStacks: whole(
      pick('--max-stacks', 'maxStacks', flags.maxStacks, config.maxStacks),
      DEFAULT_MAX_STACKS,
      Number.MAX_SAFE_INTEGER,
    ),
    maxResources: whole(
      pick('--max-resources', 'maxResources', flags.maxResources, config.maxResources),
      DEFAULT_MAX_ASSEMBLY_RESOURCES,
      Number.MAX_SAFE_INTEGER,
    ),
  };
}
