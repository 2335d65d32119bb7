import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The folder of opslint's own package.json, above this file (in the source tree or in dist/). */
export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'opslint') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('opslint: cannot find its own package.json');
    dir = parent;
  }
}

/** opslint's own version. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
