import * as path from 'node:path';

/**
 * Whether `file` is `root` or below it, comparing the paths as given (resolve or realpath them first as the
 * caller needs). A parent reference is a whole `..` segment: a folder named `..foo` is inside.
 */
export function isWithin(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel === '' || (rel.split(path.sep)[0] !== '..' && !path.isAbsolute(rel));
}
