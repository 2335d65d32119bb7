/**
 * The limits' command-line options (lib/config/limits.ts reads their values), for each command that reads
 * templates. A module of their own, which loads nothing: the command line declares them at start-up, before it
 * knows whether a command will read any template.
 */
import type { OptionSpec } from '../util/option-spec';

export const LIMIT_OPTIONS = [
  {
    flags: '--max-file-size <size>',
    help: 'largest file read, e.g. 512KB, 50MB (default 50MB; also limits.maxFileSize)',
  },
  {
    flags: '--max-depth <n>',
    help: 'deepest nesting of mappings and lists read, at most 1000 (default 256; also limits.maxDepth)',
  },
  {
    flags: '--max-alias-nodes <n>',
    help: 'most nodes the YAML aliases of one file may expand to (default 100000; also limits.maxAliasNodes)',
  },
  {
    flags: '--max-foreach-entries <n>',
    help: 'most entries the Fn::ForEach loops of one template may expand to (default 5000; also limits.maxForEachEntries)',
  },
  {
    flags: '--parse-timeout <ms>',
    help: 'longest time parsing one file may take (default 10000; also limits.parseTimeout)',
  },
  {
    flags: '--max-stacks <n>',
    help: 'most stacks read from one cloud assembly, nested stacks included (default 10000; also limits.maxStacks)',
  },
  {
    flags: '--max-resources <n>',
    help: 'most resources read from one cloud assembly, its stacks together (default 100000; also limits.maxResources)',
  },
] as const satisfies readonly OptionSpec[];
