/**
 * Loading rule packs named in the configuration (`packs: ['@acme/opslint-pack', './packs/local.js',
 * './rules.yaml']`): npm packages or paths relative to the configuration file, CommonJS or ES modules, or
 * YAML rule files. A pack's rule ids live in its namespace (`acme/…`), so they never replace built-in
 * rules. A pack that cannot be loaded, or is malformed, is one line naming it and why, after the
 * `file:line:col` of the mistake where it is known (a rules file's mistakes: a line each).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compileFunction } from 'node:vm';
import { UsageError } from '../errors';
import { SEVERITIES } from '../engine/finding';
import type { Pack } from '../engine/rule';
import { bestPractice } from '../framework';
import { InputError } from '../template/errors';
import { loadYamlPack, RulesFileError, yamlLocation } from './yaml';

// a real dynamic import: TypeScript compiles `import()` to `require()` under CommonJS, which cannot load ES modules
const importModule = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<Record<string, unknown>>;

/** A rules file (YAML or JSON rules, read as data), by its name; anything else is a JavaScript module. */
export const RULE_FILE = /\.(ya?ml|json)$/i;

/**
 * Loads packs in order; `baseDir` is where relative paths and package names are resolved from. `before` are the
 * packs already in use: the built-in ones, and packs loaded here before (known by where they came from). Every
 * pack that cannot be loaded is reported, together, one line each (or a line for each mistake of a rules file).
 */
export async function loadPacks(
  specifiers: readonly string[],
  baseDir: string,
  before: readonly Pack[] = [],
): Promise<Pack[]> {
  const loading = new Loading(before);
  for (const spec of specifiers) {
    try {
      const file = loading.first(spec, baseDir);
      if (file !== undefined) loading.add(spec, await loadPackFile(spec, file));
    } catch (error) {
      loading.failed(error);
    }
  }
  return loading.done();
}

/**
 * As {@link loadPacks}, without waiting, for the CDK integrations (CDK validates synchronously): an ES module
 * pack, which only an asynchronous `import()` loads, is an error that says so.
 */
export function loadPacksSync(specifiers: readonly string[], baseDir: string, before: readonly Pack[] = []): Pack[] {
  const loading = new Loading(before);
  for (const spec of specifiers) {
    try {
      const file = loading.first(spec, baseDir);
      if (file !== undefined) loading.add(spec, loadPackSyncFile(spec, file));
    } catch (error) {
      loading.failed(error);
    }
  }
  return loading.done();
}

/** The packs loaded so far, each checked against those before it, and the errors of those that could not be. */
class Loading {
  private readonly packs: Pack[] = [];
  private readonly errors: UsageError[] = [];
  private readonly check: (spec: string, pack: Pack) => Pack;
  /** the files of the packs before and of those tried here: a file named twice loads once, as in ESLint */
  private readonly files: Set<string>;

  constructor(before: readonly Pack[]) {
    this.check = distinctRules(before);
    this.files = new Set(before.map((p) => loadedFrom.get(p)?.file).filter((f) => f !== undefined));
  }

  /** The file `spec` names, or undefined when a pack was loaded (or tried) from it before. */
  first(spec: string, baseDir: string): string | undefined {
    const file = packFile(spec, baseDir);
    if (this.files.has(file)) return undefined;
    this.files.add(file);
    return file;
  }

  /** Adds a pack, or throws a usage error when it clashes with one before it. */
  add(spec: string, pack: Pack): void {
    this.packs.push(this.check(spec, pack));
  }

  /** Keeps a pack's usage error for {@link done}; anything else is a bug, thrown at once. */
  failed(error: unknown): void {
    if (!(error instanceof UsageError)) throw error;
    this.errors.push(error);
  }

  /** The packs, or every error, one line each (the first error's cause is the cause, for --debug). */
  done(): Pack[] {
    if (this.errors.length === 1) throw this.errors[0];
    if (this.errors.length > 1)
      throw new UsageError(
        this.errors.flatMap((e) => e.lines),
        { cause: this.errors.find((e) => e.cause !== undefined)?.cause },
      );
    return this.packs;
  }
}

/**
 * Checks that each pack added reuses no rule id of `before` or of a pack added before it, and no id of a built-in
 * pack (one of `before` not loaded here: `--pack alarms` would select both), and returns it. Team packs may share
 * an id: they share its namespace, never a rule.
 */
function distinctRules(before: readonly Pack[]): (spec: string, pack: Pack) => Pack {
  const taken = new Map<string, Pack>();
  const add = (pack: Pack): void => {
    for (const rule of pack.rules) if (!taken.has(rule.id)) taken.set(rule.id, pack);
  };
  before.forEach(add);
  const builtIn = new Set(before.filter((p) => !loadedFrom.has(p)).map((p) => p.id));
  return (spec, pack) => {
    if (builtIn.has(pack.id)) throw packError(spec, BUILT_IN_ID(pack.id), yamlLocation(pack));
    const own = new Set<string>();
    for (const rule of pack.rules) {
      const first = own.has(rule.id) ? pack : taken.get(rule.id);
      if (first)
        throw packError(
          spec,
          `rule "${rule.id}" is already defined by ${describePack(first, rule.id)}`,
          yamlLocation(rule),
        );
      own.add(rule.id);
    }
    add(pack);
    return pack;
  };
}

/** Why a team pack may not have the id of a built-in pack: `--pack alarms` would select both. */
export const BUILT_IN_ID = (id: string): string =>
  `its id "${id}" is the id of a built-in pack; name it after your team or project (it is the namespace of its rules)`;

/** Where each pack loaded here came from: its specifier, as the configuration or command line wrote it, and its file. */
const loadedFrom = new WeakMap<Pack, { spec: string; file: string }>();

/** `pack "acme-ops" (./ops.yaml, ops.yaml:12:9)`: the pack that defines `ruleId`, and where. */
function describePack(pack: Pack, ruleId: string): string {
  const spec = loadedFrom.get(pack)?.spec;
  if (spec === undefined) return `the built-in pack "${pack.id}"`;
  const rule = pack.rules.find((r) => r.id === ruleId);
  const at = rule && yamlLocation(rule);
  return `pack "${pack.id}" (${spec}${at ? `, ${at}` : ''})`;
}

/** Loads one pack: an npm package, a JavaScript module (CommonJS or ES) or a YAML rules file. */
export async function loadPack(spec: string, baseDir: string): Promise<Pack> {
  return loadPackFile(spec, packFile(spec, baseDir));
}

async function loadPackFile(spec: string, file: string): Promise<Pack> {
  if (RULE_FILE.test(file)) return loaded(spec, file, ruleFilePack(file, spec));
  let exported: unknown;
  try {
    exported = await loadModule(file);
  } catch (error) {
    throw loadFailure(spec, file, error);
  }
  return loaded(spec, file, validatePack(unwrap(exported), spec));
}

function loadPackSyncFile(spec: string, file: string): Pack {
  if (RULE_FILE.test(file)) return loaded(spec, file, ruleFilePack(file, spec));
  let exported: unknown;
  try {
    exported = require(file) as unknown;
  } catch (error) {
    if (isEsmError(error))
      throw packError(
        spec,
        'is an ES module, which cannot be loaded while CDK validates (synchronously): name a CommonJS build, or import the pack and pass it as rulePacks',
      );
    throw loadFailure(spec, file, error);
  }
  return loaded(spec, file, validatePack(unwrap(exported), spec));
}

function loaded(spec: string, file: string, pack: Pack): Pack {
  if (!loadedFrom.has(pack)) loadedFrom.set(pack, { spec, file });
  return pack;
}

/** A rules file with mistakes: one line for each, `file:line:col: invalid rules file: …`. */
function ruleFilePack(file: string, spec: string): Pack {
  try {
    return validatePack(loadYamlPack(file, shownPath(file)), spec);
  } catch (error) {
    if (error instanceof RulesFileError) throw new UsageError(error.problems.map((p) => p.format()));
    if (error instanceof InputError) throw new UsageError(error.format());
    throw error;
  }
}

/**
 * A module that failed to load, at the line that failed: `team.js:3:11: pack "./team.js" failed to load:
 * SyntaxError: Unexpected token '}'`. The error itself is the cause, for --debug.
 */
function loadFailure(spec: string, file: string, error: unknown): UsageError {
  const syntax = (error as Error | undefined)?.name === 'SyntaxError';
  const what = syntax ? `SyntaxError: ${firstLine(error)}` : firstLine(error);
  // a SyntaxError thrown by code as it runs (JSON.parse) is where it was thrown
  const at = (syntax ? syntaxErrorAt(error as Error, file) : undefined) ?? thrownAt(error);
  return new UsageError(`${at ? `${at}: ` : ''}pack "${spec}" failed to load: ${what}`, { cause: error });
}

/**
 * Where a syntax error is: Node's CommonJS loader puts `file:line`, the line and a caret above the stack; where
 * it does not (an ES module, another loader such as jest's), the file is compiled again to find it, as a function
 * body (CommonJS) and, when that fails otherwise, as an ES module by `node --check`.
 */
function syntaxErrorAt(error: Error, file: string): string | undefined {
  const header = syntaxHeader(String(error.stack), /^((?:file:\/\/)?(?:\/|[A-Za-z]:\\).*)/);
  if (header) return `${shownPath(fromUrl(header.file))}${header.at}`;
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    compileFunction(source, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: file });
  } catch (again) {
    const at = syntaxHeader(String((again as Error).stack), /^(.+)/);
    if (at && (again as Error).message === error.message) return `${shownPath(file)}${at.at}`;
  }
  // loaded here, for a pack that failed: child_process brings Node's streams and sockets, ~2 ms of every synthesis
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const checked = spawnSync(process.execPath, ['--input-type=module', '--check'], { input: source, encoding: 'utf8' });
  const at = syntaxHeader(checked.stderr ?? '', /^(\[stdin\])/m);
  return at ? `${shownPath(file)}${at.at}` : undefined;
}

/**
 * The `file:line` header above a syntax error's stack, and the column of the caret under the source line when
 * there is one (there is none at the end of the input): `{ file, at: ':6' }` or `{ file, at: ':3:11' }`.
 */
function syntaxHeader(text: string, file: RegExp): { file: string; at: string } | undefined {
  const m = new RegExp(`${file.source}:(\\d+)\\n(?:.*\\n( *)\\^)?`, file.flags).exec(text);
  return m ? { file: m[1], at: `:${m[2]}${m[3] !== undefined ? `:${m[3].length + 1}` : ''}` } : undefined;
}

/** Where a module threw as it loaded: the first frame of its stack in a file (not in Node itself). */
function thrownAt(error: unknown): string | undefined {
  const stack = (error as Error | undefined)?.stack;
  if (typeof stack !== 'string') return undefined;
  // `at fn (/a/b.js:2:7)` or `at /a/b.js:2:7`; not a frame of code that eval made, `(eval at f (/a/b.js:1:1), <anonymous>:1:1)`
  const m = /^ +at (?:.*? \()?((?:file:\/\/)?(?:\/|[A-Za-z]:\\)[^(),]*?):(\d+):(\d+)\)?$/m.exec(stack);
  return m ? `${shownPath(fromUrl(m[1]))}:${m[2]}:${m[3]}` : undefined;
}

/** A path, from the `file://` URL an ES module's stack names it by. */
function fromUrl(file: string): string {
  return file.startsWith('file:') ? fileURLToPath(file) : file;
}

/** A file as messages show it: relative to the working directory. */
function shownPath(file: string): string {
  return path.relative(process.cwd(), file) || file;
}

/** Which packs named in a configuration may load. */
export interface PackPolicy {
  /** false with --no-packs: JavaScript packs do not load (YAML rule files, which are data, do) */
  readonly code: boolean;
  /** why a pack's file may not be trusted, or undefined when it may */
  readonly distrust?: (file: string) => string | undefined;
  /** told, in one line, about each pack left out, with its index in the specifiers */
  readonly warn: (message: string, index: number) => void;
}

/**
 * The specifiers of `specifiers` that `policy` lets load, in order; the others are left out, saying why. One
 * that cannot be found is kept, so that loading it says so.
 */
export function admitPacks(specifiers: readonly string[], baseDir: string, policy: PackPolicy): string[] {
  return specifiers.filter((spec, i) => {
    let file: string;
    try {
      file = packFile(spec, baseDir);
    } catch {
      return true;
    }
    if (!policy.code && !RULE_FILE.test(file)) {
      policy.warn(
        `pack "${spec}" is not loaded: --no-packs runs no JavaScript from the configuration (YAML rule files still load)`,
        i,
      );
      return false;
    }
    const why = policy.distrust?.(file);
    if (why !== undefined) policy.warn(`pack "${spec}" is ignored: ${why}`, i);
    return why === undefined;
  });
}

/** The file a pack specifier names, resolved from `baseDir`; a UsageError when there is none. */
export function packFile(spec: string, baseDir: string): string {
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
export function unwrap(exported: unknown): unknown {
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

/** `pack "./team.js": why`, after the `file:line:col` of what is wrong when it is known. */
function packError(spec: string, why: string, at?: string): UsageError {
  return new UsageError(`${at ? `${at}: ` : ''}pack "${spec}": ${why}`);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
