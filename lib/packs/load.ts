/**
 * Loading rule packs named in the configuration (`packs: ['@acme/opslint-pack', './packs/local.js',
 * './rules.yaml']`): npm packages or paths relative to the configuration file, CommonJS or ES modules, or
 * YAML rule files. A pack's rule ids live in its namespace (`acme/…`), so they never replace built-in
 * rules. A pack that cannot be loaded, or is malformed, is one line naming it and why.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../errors';
import { SEVERITIES } from '../engine/finding';
import type { Pack } from '../engine/rule';
import { bestPractice } from '../framework';
import { InputError } from '../template/errors';
import { loadYamlPack } from './yaml';

// a real dynamic import: TypeScript compiles `import()` to `require()` under CommonJS, which cannot load ES modules
const importModule = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<Record<string, unknown>>;

const RULE_FILE = /\.(ya?ml|json)$/i;

/** Loads packs in order; `baseDir` is where relative paths and package names are resolved from. */
export async function loadPacks(
  specifiers: readonly string[],
  baseDir: string,
  builtIn: readonly Pack[] = [],
): Promise<Pack[]> {
  const packs: Pack[] = [];
  const add = distinctRules(builtIn);
  for (const spec of specifiers) packs.push(add(spec, await loadPack(spec, baseDir)));
  return packs;
}

/**
 * As {@link loadPacks}, without waiting, for the CDK integrations (CDK validates synchronously): an ES module
 * pack, which only an asynchronous `import()` loads, is an error that says so.
 */
export function loadPacksSync(specifiers: readonly string[], baseDir: string, builtIn: readonly Pack[] = []): Pack[] {
  const add = distinctRules(builtIn);
  return specifiers.map((spec) => add(spec, loadPackSync(spec, baseDir)));
}

/** Checks that each pack added reuses no rule id of `builtIn` or of a pack added before, and returns it. */
function distinctRules(builtIn: readonly Pack[]): (spec: string, pack: Pack) => Pack {
  const taken = new Map<string, string>(
    builtIn.flatMap((p) => p.rules.map((r) => [r.id, 'the built-in catalogue'] as const)),
  );
  return (spec, pack) => {
    for (const rule of pack.rules) {
      const other = taken.get(rule.id);
      if (other) throw packError(spec, `rule "${rule.id}" is already defined by ${other}`);
      taken.set(rule.id, `pack "${spec}"`);
    }
    return pack;
  };
}

/** Loads one pack: an npm package, a JavaScript module (CommonJS or ES) or a YAML rules file. */
export async function loadPack(spec: string, baseDir: string): Promise<Pack> {
  const file = packFile(spec, baseDir);
  if (RULE_FILE.test(file)) return ruleFilePack(file, spec);
  let exported: unknown;
  try {
    exported = await loadModule(file);
  } catch (error) {
    throw packError(spec, `failed to load: ${firstLine(error)}`);
  }
  return validatePack(unwrap(exported), spec);
}

function loadPackSync(spec: string, baseDir: string): Pack {
  const file = packFile(spec, baseDir);
  if (RULE_FILE.test(file)) return ruleFilePack(file, spec);
  let exported: unknown;
  try {
    exported = require(file) as unknown;
  } catch (error) {
    if (isEsmError(error))
      throw packError(
        spec,
        'is an ES module, which cannot be loaded while CDK validates (synchronously): name a CommonJS build, or import the pack and pass it as rulePacks',
      );
    throw packError(spec, `failed to load: ${firstLine(error)}`);
  }
  return validatePack(unwrap(exported), spec);
}

function ruleFilePack(file: string, spec: string): Pack {
  try {
    return validatePack(loadYamlPack(file, path.relative(process.cwd(), file) || file), spec);
  } catch (error) {
    if (error instanceof InputError) throw packError(spec, error.format());
    throw error;
  }
}

/** Which packs named in a configuration may load. */
export interface PackPolicy {
  /** false with --no-packs: JavaScript packs do not load (YAML rule files, which are data, do) */
  readonly code: boolean;
  /** why a pack's file may not be trusted, or undefined when it may */
  readonly distrust?: (file: string) => string | undefined;
  /** told, in one line, about each pack left out */
  readonly warn: (message: string) => void;
}

/**
 * The specifiers of `specifiers` that `policy` lets load, in order; the others are left out, saying why. One
 * that cannot be found is kept, so that loading it says so.
 */
export function admitPacks(specifiers: readonly string[], baseDir: string, policy: PackPolicy): string[] {
  return specifiers.filter((spec) => {
    let file: string;
    try {
      file = packFile(spec, baseDir);
    } catch {
      return true;
    }
    if (!policy.code && !RULE_FILE.test(file)) {
      policy.warn(
        `pack "${spec}" is not loaded: --no-packs runs no JavaScript from the configuration (YAML rule files still load)`,
      );
      return false;
    }
    const why = policy.distrust?.(file);
    if (why !== undefined) policy.warn(`pack "${spec}" is ignored: ${why}`);
    return why === undefined;
  });
}

/** The file a pack specifier names, resolved from `baseDir`; a UsageError when there is none. */
function packFile(spec: string, baseDir: string): string {
  const local = spec.startsWith('.') || path.isAbsolute(spec);
  let file: string;
  try {
    file = local ? path.resolve(baseDir, spec) : resolvePackage(spec, baseDir);
  } catch {
    throw packError(spec, local ? 'no such file' : 'not installed (npm install it, or check the name)');
  }
  if (local && !existsSync(file)) throw packError(spec, 'no such file');
  return file;
}

function resolvePackage(spec: string, baseDir: string): string {
  const req = createRequire(path.join(baseDir, 'noop.js'));
  try {
    return req.resolve(spec);
  } catch (error) {
    // an ES-module-only package exports no "require" condition: use its "import" entry
    if ((error as NodeJS.ErrnoException).code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw error;
    const pkgFile = req.resolve(`${spec}/package.json`);
    const pkg = req(pkgFile) as { exports?: unknown; module?: string; main?: string };
    const entry = pickExport(pkg.exports) ?? pkg.module ?? pkg.main ?? 'index.js';
    return path.resolve(path.dirname(pkgFile), entry);
  }
}

function pickExport(exports: unknown): string | undefined {
  if (typeof exports === 'string') return exports;
  if (exports === null || typeof exports !== 'object') return undefined;
  const root = (exports as Record<string, unknown>)['.'] ?? exports;
  if (typeof root === 'string') return root;
  if (root && typeof root === 'object') {
    for (const key of ['import', 'node', 'default']) {
      const v = pickExport((root as Record<string, unknown>)[key]);
      if (v) return v;
    }
  }
  return undefined;
}

async function loadModule(file: string): Promise<unknown> {
  try {
    return require(file) as unknown;
  } catch (error) {
    if (!isEsmError(error)) throw error;
    return importModule(pathToFileURL(file).href);
  }
}

/** Whether `require` failed because the file is an ES module. */
function isEsmError(error: unknown): boolean {
  return (
    (error as NodeJS.ErrnoException).code === 'ERR_REQUIRE_ESM' ||
    (error instanceof SyntaxError && /import|export/.test(String(error)))
  );
}

/** `module.exports = pack`, `export default pack`, or a module with a `pack` export. */
function unwrap(exported: unknown): unknown {
  if (exported && typeof exported === 'object') {
    const m = exported as Record<string, unknown>;
    if (Array.isArray(m.rules)) return m;
    if (m.default && typeof m.default === 'object') return unwrap(m.default);
    if (m.pack && typeof m.pack === 'object') return m.pack;
  }
  return exported;
}

function validatePack(value: unknown, spec: string): Pack {
  const fail = (why: string): UsageError => packError(spec, why);
  if (!value || typeof value !== 'object') throw fail('does not export a pack (definePack({ id, rules }))');
  const pack = value as Partial<Pack>;
  if (typeof pack.id !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(pack.id))
    throw fail('its `id` must be a kebab-case name, the namespace of its rules');
  if (!Array.isArray(pack.rules) || pack.rules.length === 0) throw fail('its `rules` must be a non-empty list');
  if (pack.docs !== undefined && typeof pack.docs !== 'string' && typeof pack.docs !== 'function') {
    throw fail('its `docs` must be a URL (with {{name}} where the rule id goes) or a function of the rule id');
  }
  for (const rule of pack.rules as unknown[]) {
    const r = rule as Record<string, unknown>;
    const id = typeof r?.id === 'string' ? r.id : undefined;
    if (!id) throw fail('a rule has no `id`');
    if (!id.startsWith(`${pack.id}/`)) throw fail(`rule "${id}" must be named in the pack's namespace "${pack.id}/…"`);
    if (typeof r.title !== 'string') throw fail(`rule "${id}" has no \`title\``);
    if (typeof r.bestPractice !== 'string' || !bestPractice(r.bestPractice))
      throw fail(`rule "${id}" names an unknown best practice "${String(r.bestPractice)}"`);
    if (!SEVERITIES.includes(r.severity as never))
      throw fail(`rule "${id}" has a \`severity\` other than ${SEVERITIES.join(', ')}`);
    if (typeof r.check !== 'function') throw fail(`rule "${id}" has no \`check\` function`);
    if (r.docs !== undefined && typeof r.docs !== 'string') throw fail(`rule "${id}" has a \`docs\` that is not a URL`);
    if (
      r.optionsSchema !== undefined &&
      (r.optionsSchema === null || typeof r.optionsSchema !== 'object' || Array.isArray(r.optionsSchema))
    ) {
      throw fail(`rule "${id}" has an \`optionsSchema\` that is not a mapping from option names to JSON Schemas`);
    }
    if (
      r.scope !== 'assembly' &&
      !(Array.isArray(r.resourceTypes) && r.resourceTypes.every((t) => typeof t === 'string'))
    ) {
      throw fail(`rule "${id}" needs \`resourceTypes\` (or \`scope: 'assembly'\`)`);
    }
  }
  return pack as Pack;
}

function packError(spec: string, why: string): UsageError {
  return new UsageError(`pack "${spec}": ${why}`);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
