/** Repository-relative paths for reporters that point into a repository (SARIF, GitHub annotations). */
import * as path from 'node:path';
import type { ReporterOptions } from './index';

/** `file` as shown in findings (relative to cwd, or absolute) → relative to the repository root, with `/`; undefined when outside it. */
export function repoRelative(file: string, options: ReporterOptions): string | undefined {
  const cwd = options.cwd ?? process.cwd();
  const abs = path.resolve(cwd, file);
  const rel = path.relative(options.repoRoot ?? cwd, abs);
  // a parent reference is a whole `..` segment: a folder named `..foo` is in the repository
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}
