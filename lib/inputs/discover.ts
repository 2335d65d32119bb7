/**
 * From the paths a user typed to the inputs to scan: template files, directories searched recursively
 * (templates recognised by content), globs, and cloud assemblies (a folder with a cloud assembly's
 * manifest.json). Neither the search of a directory nor a glob follows symbolic links.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { InputError, messages } from '../template/errors';
import { describeFsError } from '../template/load';
import { isCloudAssembly } from '../assembly/read';
import { compileGlob } from '../util/glob';

export interface TemplateInput {
  readonly kind: 'template';
  /** absolute path */
  readonly file: string;
  /** named by the user: it must be a template (a file found in a directory may be something else) */
  readonly explicit: boolean;
}

export interface AssemblyInput {
  readonly kind: 'cloud-assembly';
  /** absolute path of the folder holding manifest.json */
  readonly dir: string;
}

export type Input = TemplateInput | AssemblyInput;

export interface Discovery {
  /** sorted by path, each input once */
  readonly inputs: readonly Input[];
  readonly errors: readonly InputError[];
  /** the paths and globs given, as shown, for a scan that finds nothing to say where it looked */
  readonly given: readonly string[];
}

const TEMPLATE_EXTENSIONS = /\.(json|ya?ml|template)$/i;
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', '.hg', '.svn']);

export function discoverInputs(
  paths: readonly string[],
  cwd: string,
  display: (p: string) => string,
  ignore: readonly string[] = [],
): Discovery {
  const found = new Map<string, Input>();
  const errors: InputError[] = [];
  const ignored = ignore.map(compileGlob);
  const add = (input: Input): void => {
    const key = input.kind === 'template' ? input.file : input.dir;
    const rel = path.relative(cwd, key).split(path.sep).join('/');
    // an ignored path is skipped unless the user named it
    if (!(input.kind === 'template' && input.explicit) && ignored.some((g) => g.test(rel) || g.test(`${rel}/`))) return;
    const existing = found.get(key);
    // a file both named and found in a directory counts as named
    if (!existing || (input.kind === 'template' && input.explicit)) found.set(key, input);
  };

  for (const given of paths) {
    if (isPattern(given, cwd)) {
      const matches = globFiles(given, cwd);
      if (matches.length === 0) errors.push(new InputError('no files match this pattern', given));
      for (const m of matches) add({ kind: 'template', file: path.resolve(m), explicit: false });
      continue;
    }
    const abs = path.resolve(cwd, given);
    let stat;
    try {
      stat = statSync(abs);
    } catch (error) {
      errors.push(new InputError(messages.unreadable(describeFsError(error)), display(abs)));
      continue;
    }
    if (stat.isDirectory()) walk(abs, add, errors, display);
    else if (path.basename(abs) === 'manifest.json' && isCloudAssembly(path.dirname(abs)))
      add({ kind: 'cloud-assembly', dir: path.dirname(abs) });
    else add({ kind: 'template', file: abs, explicit: true });
  }
  const inputs = [...found.values()].sort((a, b) => {
    const ka = a.kind === 'template' ? a.file : a.dir;
    const kb = b.kind === 'template' ? b.file : b.dir;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return { inputs, errors, given: paths.map((p) => (isPattern(p, cwd) ? p : display(path.resolve(cwd, p)))) };
}

/**
 * The files a glob names; like the folder walk, a glob does not follow symbolic links: one could lead out of the
 * folder it names. picomatch, under tinyglobby, matches a segment such as `*a*a*a*a*b` by a backtracking regular
 * expression, minutes long against a long name: a glob of only `*`, `**` and `?` is listed with each of its
 * segments with wildcards as `*`, and what that lists is filtered by the linear matcher.
 */
function globFiles(pattern: string, cwd: string): string[] {
  const { globSync } = tinyglobby();
  const options = {
    cwd,
    absolute: true,
    onlyFiles: true,
    followSymbolicLinks: false,
    ignore: ['**/node_modules/**', '**/.git/**'],
  };
  if (/[\\[\]{}()!+@]/.test(pattern)) return globSync(pattern, options);
  // a segment that starts with a dot names dot files, which `*` does not list
  const wide = pattern
    .split('/')
    .map((segment) => (segment === '**' || !/[*?]/.test(segment) ? segment : segment.startsWith('.') ? '.*' : '*'));
  const slashed = (p: string): string => path.resolve(cwd, p).split(path.sep).join('/');
  const glob = compileGlob(slashed(pattern));
  return globSync(wide.join('/'), options).filter((file) => glob.test(slashed(file)));
}

/** A glob to expand: a path with glob syntax that does not name an existing file or folder (`[draft] api.yaml` does). */
function isPattern(given: string, cwd: string): boolean {
  // tinyglobby (and picomatch under it) is loaded only for a path with one of the characters glob syntax uses
  return GLOB_CHARACTERS.test(given) && tinyglobby().isDynamicPattern(given) && !existsSync(path.resolve(cwd, given));
}

const GLOB_CHARACTERS = /[*?[\]{}()!+@|\\]/;

const tinyglobby = (): typeof import('tinyglobby') => require('tinyglobby') as typeof import('tinyglobby');

function walk(dir: string, add: (input: Input) => void, errors: InputError[], display: (p: string) => string): void {
  if (isCloudAssembly(dir)) {
    add({ kind: 'cloud-assembly', dir });
    return;
  }
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    errors.push(new InputError(messages.unreadable(describeFsError(error)), display(dir)));
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) walk(full, add, errors, display);
    } else if (entry.isFile() && TEMPLATE_EXTENSIONS.test(entry.name)) {
      add({ kind: 'template', file: full, explicit: false });
    }
  }
}
