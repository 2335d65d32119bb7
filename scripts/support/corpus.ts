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

/** The manifest's rows of templates it calls readable, in manifest order. */
function readableRows(corpus: string): string[][] {
  return readFileSync(path.join(corpus, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((line) => line.split('\t'))
    .filter((row) => row[9] === 'ok');
}

/**
 * The corpus templates the manifest calls readable, as absolute paths, in manifest order; only those from
 * `repository` (e.g. `aws-cloudformation-templates`) when given.
 */
export function corpusTemplates(corpus: string, repository?: string): string[] {
  return readableRows(corpus)
    .filter(([repo]) => !repository || repo.endsWith(`/${repository}`))
    .map((row) => path.join(corpus, row[3]));
}

/** The readable YAML templates of the corpus (SAM included), as absolute paths, in manifest order. */
export function corpusYamlTemplates(corpus: string): string[] {
  return readableRows(corpus)
    .filter((row) => /ya?ml|sam/.test(row[4]))
    .map((row) => path.join(corpus, row[3]));
}
