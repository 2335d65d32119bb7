/**
 * The configuration file: opslint.config.json, .yaml or .yml, found upward from the working directory up to
 * the repository root or the home folder (or named with --config), validated against the JSON Schema shipped
 * in schema/. A mistake is one line: `file:line:col: message` naming the key. A file opslint finds by itself
 * is used only when no one but the user (or root) could have put it there (see {@link distrust}).
 */
import { existsSync, lstatSync, readFileSync, realpathSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import type { default as Ajv, ErrorObject } from 'ajv';
import { packageRoot } from '../version';
import { repositoryRoot } from '../util/within';
import type { FailOn, Severity } from '../engine/finding';
import type { RuleSelection } from '../engine/config';
import { optionProblem } from '../engine/options';
import { suggest } from '../engine/suggest';
import type { LimitsConfig } from './limits';
import type { Pack, RuleOptions } from '../engine/rule';
import { InputError } from '../template/errors';
import { readText } from '../template/load';
import { parseDocument, type ParsedDocument } from '../template/parse';
import type { JsonPath } from '../template/path';

export const CONFIG_FILES = ['opslint.config.json', 'opslint.config.yaml', 'opslint.config.yml'];

type RuleSetting = 'off' | Severity | { readonly severity?: 'off' | Severity; readonly options?: RuleOptions };

/** The configuration as written (after validation). */
export interface ConfigFile {
  readonly failOn?: FailOn;
  readonly rules?: Readonly<Record<string, RuleSetting>>;
  readonly disable?: readonly string[];
  readonly enable?: readonly string[];
  readonly ignore?: readonly string[];
  readonly baseline?: string;
  readonly accountBaseline?: readonly string[];
  readonly parameters?: Readonly<Record<string, string | number | boolean>>;
  readonly suppressions?: { readonly minReasonLength?: number; readonly unsuppressible?: readonly string[] };
  readonly packs?: readonly string[];
  readonly limits?: LimitsConfig;
}

export interface LoadedConfig {
  /** absolute path of the file */
  readonly file: string;
  /** the file as shown in messages */
  readonly shown: string;
  readonly config: ConfigFile;
  /** where each part is written, for messages about it */
  readonly locate: (path: JsonPath) => { line: number; column: number };
}

/** What `lstat` tells about a file that decides whether to trust it. */
export type FileFacts = Pick<Stats, 'uid' | 'mode' | 'isSymbolicLink'>;

/** Who runs opslint and how to learn who could have written a file (tests inject these facts). */
export interface TrustOptions {
  /** the user running opslint (default: the effective uid; where there is none, as on Windows, nothing is checked) */
  readonly uid?: number;
  readonly lstat?: (file: string) => FileFacts;
  /** where the upward search stops outside a repository (default: the home folder) */
  readonly home?: string;
  /** told, in one line, about a file that is ignored */
  readonly warn: (message: string) => void;
  /** how the user names a configuration file to use it anyway (default: `--config`) */
  readonly nameIt?: string;
}

const WORLD_WRITABLE = 0o002;
const STICKY = 0o1000;

/**
 * Why `file` could have been written or replaced by someone other than the user or root, or undefined when
 * it could not. As git's safe.directory, the owner must be the user or root; besides, the file and every
 * folder above it (of the path as given and of its real path) must belong to one of them, and no folder may
 * be writable by everyone unless it is sticky (as /tmp: there only an entry's owner can replace it).
 */
export function distrust(file: string, trust: TrustOptions): string | undefined {
  const uid = trust.uid ?? process.geteuid?.();
  if (uid === undefined) return undefined;
  const lstat = trust.lstat ?? lstatSync;
  try {
    const given = path.resolve(file);
    const real = realpathSync(given);
    for (const start of real === given ? [given] : [given, real]) {
      for (let entry = start; ; entry = path.dirname(entry)) {
        const facts = lstat(entry);
        const what = entry === start ? 'it' : `the folder ${entry}`;
        if (facts.uid !== uid && facts.uid !== 0)
          return `${what} belongs to uid ${facts.uid}, not to you (uid ${uid}) or root`;
        // a symbolic link's own mode means nothing; what it points to is checked through the real path
        const sticky = entry !== start && (facts.mode & STICKY) !== 0;
        if (!facts.isSymbolicLink() && (facts.mode & WORLD_WRITABLE) !== 0 && !sticky)
          return `${what} can be written by everyone`;
        if (path.dirname(entry) === entry) break;
      }
    }
  } catch (error) {
    return `cannot tell who owns it (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
  return undefined;
}

/** The configuration file in `dir` itself, if any (the first of {@link CONFIG_FILES} there). */
export function configIn(dir: string): string | undefined {
  return CONFIG_FILES.map((name) => path.join(dir, name)).find((candidate) => existsSync(candidate));
}

/**
 * The nearest configuration file at or above `cwd`, up to the repository root (a folder holding `.git`) or
 * the home folder, or undefined. A file that fails {@link distrust} is ignored, saying so; the search does
 * not go on above it.
 */
export function findConfig(cwd: string, trust: TrustOptions): string | undefined {
  const home = path.resolve(trust.home ?? homedir());
  const root = repositoryRoot(cwd);
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const found = configIn(dir);
    if (found) {
      const why = distrust(found, trust);
      if (why === undefined) return found;
      trust.warn(
        `the configuration ${found} is ignored: ${why}; name it with ${trust.nameIt ?? '--config'} to use it anyway`,
      );
      return undefined;
    }
    if (dir === root || dir === home || path.dirname(dir) === dir) return undefined;
  }
}

let validator: ReturnType<Ajv['compile']> | undefined;

export function loadConfig(file: string, shown = file): LoadedConfig {
  const parsed = parseDocument(readText(file, undefined, shown), shown);
  const locate = (p: JsonPath): { line: number; column: number } => parsed.sourceMap.locate(parsed.value, p);
  if (!validator) {
    const schema = JSON.parse(
      readFileSync(path.join(packageRoot(), 'schema', 'opslint.config.schema.json'), 'utf8'),
    ) as object;
    // loaded here, not on import: a scan without a configuration file does without ajv's 60 modules
    const { default: AjvClass } = require('ajv') as typeof import('ajv');
    validator = new AjvClass({ allErrors: true, strict: false }).compile(schema);
  }
  // a YAML key with nothing under it (only comments) is the same as leaving it out
  const value = parsed.value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) if (v === null) delete (value as Record<string, unknown>)[k];
  }
  if (!validator(value)) throw schemaError(validator.errors ?? [], parsed, shown);
  return { file: path.resolve(file), shown, config: parsed.value as ConfigFile, locate };
}

/** The most useful of ajv's errors, as one line with its position. */
function schemaError(errors: readonly ErrorObject[], parsed: ParsedDocument, shown: string): InputError {
  // an unknown key says most; a oneOf's own summary says least
  const e =
    errors.find((x) => x.keyword === 'additionalProperties') ?? errors.find((x) => x.keyword !== 'oneOf') ?? errors[0];
  const segments: JsonPath = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const name = segments.length > 0 ? segments.join('.') : 'the configuration';
  let message: string;
  let at: JsonPath = segments;
  if (e.keyword === 'additionalProperties') {
    const key = String((e.params as { additionalProperty: string }).additionalProperty);
    at = [...segments, key];
    message = `unknown key "${key}" in ${segments.length > 0 ? name : 'the configuration'}`;
  } else if (e.keyword === 'enum') {
    message = `${name} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map(String).join(', ')}`;
  } else if (e.keyword === 'type') {
    message = `${name} must be ${(e.params as { type: string | string[] }).type}`;
  } else {
    message = `${name} ${e.message ?? 'is not valid'}`;
  }
  return new InputError(`invalid configuration: ${message}`, shown, parsed.sourceMap.locate(parsed.value, at));
}

/**
 * The rule selection a configuration asks for. Rule and pack ids, and rule options, are checked against the
 * packs here, so a typo is reported at its line. When some of its packs were left out (`leftOut`: --no-packs,
 * or untrusted), ids that may be theirs are passed over: a pack's, and any namespaced rule's (`acme/…`).
 */
export function selectionFromConfig(loaded: LoadedConfig, packs: readonly Pack[], leftOut = false): RuleSelection {
  const { config, locate } = loaded;
  const shown = loaded.shown;
  const rules = new Map(packs.flatMap((p) => p.rules.map((r) => [r.id, r] as const)));
  const packIds = new Map(packs.map((p) => [p.id, p]));
  const unknownRule = (id: string, at: JsonPath): InputError =>
    new InputError(
      `invalid configuration: unknown rule "${id}"${suggest(id, [...rules.keys()])}; \`opslint rules\` lists them`,
      shown,
      locate(at),
    );
  const leftOutRule = (id: string): boolean => leftOut && id.includes('/');

  const ruleSettings: Record<string, RuleSetting> = {};
  const exclude: string[] = [];
  (config.disable ?? []).forEach((id, i) => {
    const pack = packIds.get(id);
    if (pack) exclude.push(...pack.rules.map((r) => r.id));
    else if (rules.has(id)) exclude.push(id);
    else if (!leftOut)
      throw new InputError(
        `invalid configuration: "${id}" is neither a pack nor a rule${suggest(id, [...packIds.keys(), ...rules.keys()])}`,
        shown,
        locate(['disable', i]),
      );
  });
  (config.enable ?? []).forEach((id, i) => {
    const rule = rules.get(id);
    if (rule) ruleSettings[id] = rule.severity;
    else if (!leftOutRule(id)) throw unknownRule(id, ['enable', i]);
  });
  for (const [id, setting] of Object.entries(config.rules ?? {})) {
    const rule = rules.get(id);
    if (!rule) {
      if (!leftOutRule(id)) throw unknownRule(id, ['rules', id]);
      continue;
    }
    const problem = typeof setting === 'object' && setting.options ? optionProblem(rule, setting.options) : undefined;
    if (problem)
      throw new InputError(
        `invalid configuration: ${problem.message}`,
        shown,
        locate(['rules', id, 'options', problem.option]),
      );
    ruleSettings[id] = setting;
  }
  return { exclude, ruleSettings };
}

/** Paths in the configuration are relative to its folder. */
export function configRelative(loaded: LoadedConfig, p: string): string {
  return path.resolve(path.dirname(loaded.file), p);
}
