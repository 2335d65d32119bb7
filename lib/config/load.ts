/**
 * The configuration file: opslint.config.json, .yaml or .yml, found upward from the working directory
 * (or named with --config), validated against the JSON Schema shipped in schema/. A mistake is one line:
 * `file:line:col: message` naming the key.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { default as Ajv, ErrorObject } from 'ajv';
import { packageRoot } from '../cli/version';
import type { FailOn, Severity } from '../engine/finding';
import type { RuleSelection } from '../engine/config';
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

/** The nearest configuration file at or above `cwd`, or undefined. */
export function findConfig(cwd: string): string | undefined {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    for (const name of CONFIG_FILES) {
      const candidate = path.join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

let validator: ReturnType<Ajv['compile']> | undefined;

export function loadConfig(file: string, shown = file): LoadedConfig {
  const parsed = parseDocument(readText(file, undefined, shown), shown);
  const locate = (p: JsonPath): { line: number; column: number } => parsed.sourceMap.locate(parsed.value, p);
  if (!validator) {
    const schema = JSON.parse(readFileSync(path.join(packageRoot(), 'schema', 'opslint.config.schema.json'), 'utf8')) as object;
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
  const e = errors.find((x) => x.keyword === 'additionalProperties') ?? errors.find((x) => x.keyword !== 'oneOf') ?? errors[0];
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
    message = `${name} must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues).map(String).join(', ')}`;
  } else if (e.keyword === 'type') {
    message = `${name} must be ${(e.params as { type: string | string[] }).type}`;
  } else {
    message = `${name} ${e.message ?? 'is not valid'}`;
  }
  return new InputError(`invalid configuration: ${message}`, shown, parsed.sourceMap.locate(parsed.value, at));
}

/**
 * The rule selection a configuration asks for. Rule and pack ids are checked against the packs here, so a
 * typo is reported at its line.
 */
export function selectionFromConfig(loaded: LoadedConfig, packs: readonly Pack[]): RuleSelection {
  const { config, locate } = loaded;
  const shown = loaded.shown;
  const ruleIds = new Set(packs.flatMap((p) => p.rules.map((r) => r.id)));
  const packIds = new Map(packs.map((p) => [p.id, p]));
  const unknownRule = (id: string, at: JsonPath): InputError =>
    new InputError(`invalid configuration: unknown rule "${id}"; \`opslint rules\` lists them`, shown, locate(at));

  const ruleSettings: Record<string, RuleSetting> = {};
  const exclude: string[] = [];
  (config.disable ?? []).forEach((id, i) => {
    const pack = packIds.get(id);
    if (pack) exclude.push(...pack.rules.map((r) => r.id));
    else if (ruleIds.has(id)) exclude.push(id);
    else throw new InputError(`invalid configuration: "${id}" is neither a pack nor a rule`, shown, locate(['disable', i]));
  });
  (config.enable ?? []).forEach((id, i) => {
    const rule = packs.flatMap((p) => p.rules).find((r) => r.id === id);
    if (!rule) throw unknownRule(id, ['enable', i]);
    ruleSettings[id] = rule.severity;
  });
  for (const [id, setting] of Object.entries(config.rules ?? {})) {
    if (!ruleIds.has(id)) throw unknownRule(id, ['rules', id]);
    ruleSettings[id] = setting;
  }
  return { exclude, ruleSettings };
}

/** Paths in the configuration are relative to its folder. */
export function configRelative(loaded: LoadedConfig, p: string): string {
  return path.resolve(path.dirname(loaded.file), p);
}
