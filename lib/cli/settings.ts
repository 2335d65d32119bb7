/**
 * What `opslint scan` and `opslint fix` take from the configuration file and the command line, merged the
 * same way for both (the command line wins): packs, rule selection, parameters, limits, ignore globs, the
 * account baseline, suppressions and the baseline file.
 */
import * as path from 'node:path';
import { configRelative, type ConfigFile, type TrustOptions } from '../config/load';
import { configParameters, configSelection, readConfig } from '../config/read';
import { resolveLimits } from '../config/limits';
import type { RuleSelection } from '../engine/config';
import type { Pack } from '../engine/rule';
import type { PackSource } from '../parallel/run';
import { loadPacks } from '../packs/load';
import { toDisplayPath, type ScanOptions } from '../scan/prepare';
import type { ScanCliOptions } from './options';
import { parseParameterArgs } from './parameters';
import { builtinPacksFor } from '../compose';

/** The command-line flags that settings come from: scan's (fix has some of them; those a command lacks stay undefined). */
export type SettingsFlags = Partial<ScanCliOptions>;

export interface Settings {
  /** the configuration file's content ({} without one) */
  readonly config: ConfigFile;
  /** the configuration file read, if any */
  readonly configFile?: string;
  /** where packs were loaded from, in order (worker threads load them again) */
  readonly packSources: readonly PackSource[];
  /** the options of the scan these settings describe */
  readonly scan: ScanOptions &
    Required<Pick<ScanOptions, 'packs' | 'selection' | 'parameters' | 'load' | 'notes'>> & {
      /** paths not to scan (globs, relative to cwd), for the files source */
      readonly ignore: readonly string[];
    };
}

/**
 * Reads the configuration file (found from `cwd`, named by `--config`, or none with `--no-config`) and merges
 * the flags into it. What opslint finds by itself, the configuration file and the packs it names, is used
 * only when `trust` allows; what the command line names is the user's choice.
 */
export async function readSettings(flags: SettingsFlags, cwd: string, trust: TrustOptions): Promise<Settings> {
  const read = readConfig(flags.config, cwd, trust, flags.packs !== false);
  const { loaded, config } = read;
  // packs from the configuration (relative to it), then from the command line; none may reuse a rule id
  const packSources: PackSource[] = [
    { specs: read.packs, baseDir: read.packsDir },
    { specs: flags.loadPack ?? [], baseDir: cwd },
  ];
  // a scan of named rules loads only the built-in packs that hold them and what the configuration names; packs
  // from elsewhere are checked against every built-in rule id, so they load all
  const builtin = builtinPacksFor(
    flags.rule && flags.rule.length > 0 && packSources.every((s) => s.specs.length === 0)
      ? [
          ...flags.rule,
          ...(flags.excludeRule ?? []),
          ...(flags.pack ?? []),
          ...(config.disable ?? []),
          ...(config.enable ?? []),
          ...Object.keys(config.rules ?? {}),
        ]
      : [],
  );
  const packs: Pack[] = builtin.packs;
  for (const source of packSources) packs.push(...(await loadPacks(source.specs, source.baseDir, packs)));

  const fromConfig: RuleSelection = configSelection(read, packs, flags.rule);
  // the command line wins; spread (not assignment) keeps a parameter named __proto__
  const parameters: Record<string, string> = {
    ...configParameters(config),
    ...parseParameterArgs(flags.parameters ?? [], cwd),
  };
  return {
    config,
    configFile: loaded?.file,
    packSources,
    scan: {
      cwd,
      packs,
      knownRules: builtin.knownRules,
      selection: {
        packs: flags.pack,
        rules: flags.rule,
        exclude: [...(fromConfig.exclude ?? []), ...(flags.excludeRule ?? [])],
        ruleSettings: fromConfig.ruleSettings,
      },
      parameters,
      load: resolveLimits(config.limits, flags),
      accountBaseline: [...(config.accountBaseline ?? []), ...(flags.accountBaseline ?? [])],
      // globs in the configuration are relative to it
      ignore: loaded
        ? (config.ignore ?? []).map((g) =>
            path.posix.join(toDisplayPath(path.dirname(loaded.file), cwd), g).replace(/^\.\//, ''),
          )
        : [],
      suppressions: config.suppressions,
      // packs the configuration names that were left out, said in the report (a fork's pull request runs --no-packs)
      notes: read.notes,
      baseline:
        flags.baseline ??
        (config.baseline && loaded ? toDisplayPath(configRelative(loaded, config.baseline), cwd) : undefined),
    },
  };
}
