/** Repository-relative paths for reporters that point into a repository (SARIF, GitHub annotations). */
import * as path from 'node:path';
import { isWithin } from '../util/within';
import type { ReporterOptions } from './index';

/** `file` as shown in findings (relative to cwd, or absolute) → relative to the repository root, with `/`; undefined when outside it. */
export function repoRelative(file: string, options: ReporterOptions): string | undefined {
  const cwd = options.cwd ?? process.cwd();
  const abs = path.resolve(cwd, file);
  const root = options.repoRoot ?? cwd;
  if (!isWithin(root, abs)) return undefined;
  return path.relative(root, abs).split(path.sep).join('/');
}
