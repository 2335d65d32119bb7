/**
 * `--changed-since <ref>`: the files a change touched, from git: tracked files that differ from the ref
 * (committed or not) and new untracked files. Absolute paths.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { UsageError } from '../errors';

export function changedFiles(ref: string, cwd: string): Set<string> {
  const git = (args: string[]): string => {
    try {
      return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? '');
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new UsageError('--changed-since needs git, which is not installed');
      if (/not a git repository/i.test(stderr))
        throw new UsageError(`--changed-since needs a git repository, and ${cwd} is not in one`);
      if (/needed a single revision/i.test(stderr)) throw new UsageError(`--changed-since: unknown git ref "${ref}"`);
      throw new UsageError(`--changed-since: git failed: ${stderr.trim().split('\n')[0] || String(error)}`);
    }
  };
  const root = git(['rev-parse', '--show-toplevel']).trim();
  // the ref becomes a commit id first: git diff would take a ref such as `--output=FILE` for an option
  const commit = git(['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`]).trim();
  const changed = git(['diff', '--name-only', '--no-renames', commit, '--']).split('\n');
  const untracked = git(['ls-files', '--others', '--exclude-standard']).split('\n');
  return new Set(
    [
      ...changed.map((f) => path.resolve(root, f)),
      ...untracked.filter(Boolean).map((f) => path.resolve(cwd, f)),
    ].filter((f) => !f.endsWith(path.sep) && f !== root),
  );
}
