/**
 * Reading the configuration a run uses, the same way for the command line and the CDK integrations: the file
 * named, none, or the one found from the working directory, and which of the packs it names may load.
 */
import * as path from 'node:path';
import type { RuleSelection } from '../engine/config';
import type { Note } from '../engine/finding';
import type { Pack } from '../engine/rule';
import { admitPacks } from '../packs/load';
import { toDisplayPath } from '../scan/prepare';
import {
  distrust,
  findConfig,
  loadConfig,
  selectionFromConfig,
  type ConfigFile,
  type LoadedConfig,
  type TrustOptions,
} from './load';

export interface ReadConfig {
  /** the file read, if any */
  readonly loaded?: LoadedConfig;
  /** its content ({} without one) */
  readonly config: ConfigFile;
  /** the packs it names that may load, in order, relative to {@link packsDir} */
  readonly packs: readonly string[];
  /** the configuration's folder, or `cwd` without one */
  readonly packsDir: string;
  /** whether some of the packs it names were left out (not trusted, or JavaScript when `code` is false) */
  readonly leftOut: boolean;
  /** why each pack left out was, at its entry in the file: the scan's report carries them (and `trust.warn` was told) */
  readonly notes: readonly Note[];
}

/**
 * Reads the configuration file named by `choice` (relative to `cwd`), none when it is false, or else the one
 * found from `cwd`. What opslint finds by itself, the file and the packs it names, is used only when `trust`
 * allows; a file the user names is their choice, and so are its packs. With `code` false, JavaScript packs
 * are left out.
 */
export function readConfig(
  choice: string | false | undefined,
  cwd: string,
  trust: TrustOptions,
  code = true,
): ReadConfig {
  const file = choice === false ? undefined : choice ? path.resolve(cwd, choice) : findConfig(cwd, trust);
  const loaded = file ? loadConfig(file, toDisplayPath(file, cwd)) : undefined;
  const config = loaded?.config ?? {};
  const named = config.packs ?? [];
  const notes: Note[] = [];
  const packs = loaded
    ? admitPacks(named, path.dirname(loaded.file), {
        code,
        distrust: choice ? undefined : (f) => distrust(f, trust),
        warn: (message, i) => {
          trust.warn(message);
          const { line, column } = loaded.locate(['packs', i]);
          notes.push({ file: loaded.shown, line, column, message });
        },
      })
    : [];
  return {
    loaded,
    config,
    packs,
    packsDir: loaded ? path.dirname(loaded.file) : cwd,
    leftOut: packs.length < named.length,
    notes,
  };
}

/**
 * The rule selection the configuration asks for, checked against `packs` (all those loaded, built-in first), less
 * what it turns off among `named`: the rules the command line (`--rule`) or the CDK props name win over the file,
 * as ESLint's command line does.
 */
export function configSelection(read: ReadConfig, packs: readonly Pack[], named: Iterable<string> = []): RuleSelection {
  if (!read.loaded) return {};
  const fromFile = selectionFromConfig(read.loaded, packs, read.leftOut);
  const on = new Set(named);
  const settings = Object.entries(fromFile.ruleSettings ?? {}).map(([id, setting]) => {
    if (!on.has(id)) return [id, setting] as const;
    if (setting === 'off') return [];
    return typeof setting === 'object' && setting.severity === 'off'
      ? ([id, { options: setting.options }] as const)
      : ([id, setting] as const);
  });
  return {
    ...fromFile,
    exclude: (fromFile.exclude ?? []).filter((id) => !on.has(id)),
    ruleSettings: Object.fromEntries(settings.filter((entry) => entry.length > 0)),
  };
}

/** The configuration's parameter values, as strings. */
export function configParameters(config: ConfigFile): Record<string, string> {
  return Object.fromEntries(Object.entries(config.parameters ?? {}).map(([k, v]) => [k, String(v)]));
}
