/**
 * What a scan is asked to do, and what every unit of it shares once prepared: the configured rules, how
 * templates are read, how suppressions and the account baseline are judged.
 */
import * as path from 'node:path';
import { accountBaselineMatcher } from '../engine/account-baseline';
import { configureRules, type RuleSelection } from '../engine/config';
import type { Note } from '../engine/finding';
import type { ConfiguredRule } from '../engine/runner';
import type { Pack } from '../engine/rule';
import type { SuppressionOptions } from '../engine/suppress';
import type { SourceContext } from '../sources/source';
import type { LoadOptions } from '../template/load';
import { leavesMachinery, type ReportOptions } from './evaluate';

/** Options of a scan. */
export interface ScanOptions {
  /** working directory: paths are resolved from it and shown relative to it */
  readonly cwd?: string;
  /** parameter values (and pseudo parameters such as `AWS::Region`) */
  readonly parameters?: Readonly<Record<string, string>>;
  readonly selection?: RuleSelection;
  /** the packs to choose rules from (the composition root, lib/compose.ts, gives the built-in ones) */
  readonly packs: readonly Pack[];
  /** rule ids a suppression may name besides those of `packs`, first: the built-in ones when only some of their packs loaded */
  readonly knownRules?: readonly string[];
  /** the rules to run, configured already (the CDK integrations configure them once): instead of `packs` and `selection` */
  readonly rules?: readonly ConfiguredRule[];
  readonly load?: Omit<LoadOptions, 'parameters' | 'explicit'>;
  /**
   * stacks that hold the account baseline (CloudTrail, Config, patching), by stack name, construct path or
   * template file (globs): account-level checks are enforced in their assembly, and "need context" elsewhere
   */
  readonly accountBaseline?: readonly string[];
  /** how suppressions in templates are judged; false: they are not read (the CDK integrations take acknowledgements from the construct tree) */
  readonly suppressions?: Omit<SuppressionOptions, 'knownRules'> | false;
  /** a baseline file: only findings not in it are reported */
  readonly baseline?: string;
  /** notes about the scan itself, for the report beside those of its templates (packs the configuration left out) */
  readonly notes?: readonly Note[];
  /**
   * scan only what a change touched (absolute paths): template files among them, and cloud assemblies with a
   * stack whose template, or the source of one of its constructs, is among them
   */
  readonly changed?: ReadonlySet<string>;
  /** files named explicitly that are not templates are skipped, as if found in a folder (pre-commit passes every YAML file) */
  readonly lenient?: boolean;
  /** an `internal-error` finding carries the stack of what the rule threw (`trace`) */
  readonly debug?: boolean;
}

/** What every unit of one scan shares, made once (in each worker thread, for a parallel scan). */
export interface PreparedScan extends SourceContext {
  readonly rules: readonly ConfiguredRule[];
  readonly report: ReportOptions;
}

/** The rules, load and report options of a scan, from its options. */
export function prepareScan(options: ScanOptions): PreparedScan {
  const cwd = options.cwd ?? process.cwd();
  const known = new Set([...(options.knownRules ?? []), ...options.packs.flatMap((p) => p.rules.map((r) => r.id))]);
  const rules = options.rules ?? configureRules(options.packs, options.selection);
  return {
    cwd,
    display: (p) => toDisplayPath(p, cwd),
    rules,
    load: { ...options.load, parameters: options.parameters },
    report: {
      machineryRules: leavesMachinery(rules),
      accountBaseline: accountBaselineMatcher(options.accountBaseline),
      suppressions: options.suppressions === false ? undefined : { ...options.suppressions, knownRules: known },
      debug: options.debug === true,
    },
    changed: options.changed,
    lenient: options.lenient === true,
  };
}

/** Paths are shown relative to the working directory (or absolute, when that is shorter), with forward slashes. */
export function toDisplayPath(p: string, cwd: string): string {
  const rel = path.relative(cwd, p);
  const shown = rel === '' ? '.' : path.isAbsolute(rel) || rel.length > p.length ? p : rel;
  return shown.split(path.sep).join('/');
}
