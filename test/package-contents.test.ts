/**
 * What the package carries besides its code: the licence package.json names, and every file that the README and
 * the guides it ships link to, so that their links work in an installed copy (issue 19, item 17). The file list
 * is npm's own (`npm pack --dry-run`, without building: the code is test/package.test.ts's business).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO } from '../scripts/support/cli';
import { childEnv } from './helpers/cdk';

const pkg = require('../package.json') as { license: string };

const packed: readonly string[] = (
  JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: REPO,
      env: childEnv,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  ) as { files: { path: string }[] }[]
)[0].files.map((f) => f.path);

/** The links of a Markdown file that lead to another file of the package, resolved from the package's root. */
function relativeLinks(file: string): string[] {
  const text = readFileSync(path.join(REPO, file), 'utf8');
  return [...text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
    .map((m) => m[1])
    .filter((link) => !/^[a-z]+:/i.test(link))
    .map((link) => path.posix.normalize(path.posix.join(path.posix.dirname(file), link)));
}

describe('the package', () => {
  it('carries the licence that package.json names, held by the opslint contributors', () => {
    expect(packed).toContain('LICENSE');
    expect(pkg.license).toBe('Apache-2.0');
    const text = readFileSync(path.join(REPO, 'LICENSE'), 'utf8');
    expect(text).toContain('Apache License\n                           Version 2.0, January 2004');
    expect(text).toContain('END OF TERMS AND CONDITIONS');
    expect(text).toMatch(/^ {3}Copyright \d{4} opslint contributors$/m);
  });

  it('ships every file that the README and the Markdown it ships link to', () => {
    const markdown = packed.filter((f) => f.endsWith('.md'));
    expect(markdown).toEqual(expect.arrayContaining(['README.md', 'docs/writing-a-pack.md', 'docs/rules/README.md']));
    const missing = markdown.flatMap((file) =>
      relativeLinks(file)
        .filter((target) => !packed.includes(target))
        .map((target) => `${file} → ${target}`),
    );
    expect(missing).toEqual([]);
  });
});
