import { existsSync } from 'node:fs';
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
