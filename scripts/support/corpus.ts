import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The shared corpus of real templates, by path (never copied into the repository). */
export function corpusDir(): string {
  const candidates = [
    process.env.OPSLINT_CORPUS,
    path.resolve(__dirname, '../../../shared/corpus'),
    '/work/shared/corpus',
  ].filter((p): p is string => typeof p === 'string' && p !== '');
  const found = candidates.find((p) => existsSync(path.join(p, 'MANIFEST.tsv')));
  if (!found) throw new Error(`the shared corpus was not found (tried ${candidates.join(', ')}); set OPSLINT_CORPUS`);
  return found;
}

/**
 * The corpus templates the manifest calls readable, as absolute paths, in manifest order; only those from
 * `repository` (e.g. `aws-cloudformation-templates`) when given.
 */
export function corpusTemplates(corpus: string, repository?: string): string[] {
  return readFileSync(path.join(corpus, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((line) => line.split('\t'))
    .filter(([repo, , , , , , , , , status]) => status === 'ok' && (!repository || repo.endsWith(`/${repository}`)))
    .map((row) => path.join(corpus, row[3]));
}
