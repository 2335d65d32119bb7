import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Whether `file` is `root` or below it, comparing the paths as given (resolve or realpath them first as the
 * caller needs). A parent reference is a whole `..` segment: a folder named `..foo` is inside.
 */
export function isWithin(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel === '' || (rel.split(path.sep)[0] !== '..' && !path.isAbsolute(rel));
}

/** The git repository that holds `dir`: the nearest folder at or above it with a `.git` (a folder, or a worktree's file). */
export function repositoryRoot(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}
