import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The folder of opslint's own package.json, above this file (in the source tree or in dist/). */
export function packageRoot(): string {
  return ownPackage().dir;
}

/** opslint's own version. */
export function packageVersion(): string {
  return ownPackage().version;
}

let found: { dir: string; version: string } | undefined;

/** opslint's package.json, found once. */
function ownPackage(): { dir: string; version: string } {
  if (found) return found;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate)) {
      const json = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version: string };
      if (json.name === 'opslint') return (found = { dir, version: json.version });
    }
    if (path.dirname(dir) === dir) throw new Error('opslint: cannot find its own package.json');
  }
}
