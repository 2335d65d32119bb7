/**
 * README.md restates the repository only where scripts/readme.ts generates it (the rule table from the catalogue,
 * the layout from the folders): this fails when those parts are stale, when a folder has no description, and when
 * a link of the README leads nowhere.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BUILTIN_PACKS } from '../lib/compose';
import { layout, README, updateReadme } from '../scripts/readme';
import { REPO } from '../scripts/support/cli';

const text = readFileSync(README, 'utf8');

describe('README.md', () => {
  it('is current: `npm run docs` regenerates its rule table and layout', () => {
    expect(updateReadme(text)).toBe(text);
    const rules = BUILTIN_PACKS.flatMap((p) => p.rules);
    expect(text).toContain(`${BUILTIN_PACKS.length} packs and ${rules.length} rules, one folder each under \`rules/\``);
    for (const rule of rules) expect(text).toContain(`[\`${rule.id}\`](docs/rules/${rule.id}.md)`);
  });

  it('starts with the two commands for a fresh machine', () => {
    expect(text.split('\n').slice(0, 6)).toEqual([
      '# opslint',
      '',
      '```sh',
      'npm ci && npm run demo',
      'npm test',
      '```',
    ]);
  });

  it('links only to files of the repository that exist, docs/DESIGN.md among them', () => {
    const links = [...text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/.test(l));
    expect(links).toContain('docs/DESIGN.md');
    expect(links.filter((l) => !existsSync(path.join(REPO, l)))).toEqual([]);
  });
});

describe('the layout generator', () => {
  let root: string;

  /** A repository skeleton with exactly the entries the README's layout lists, plus `extra`, minus `without`. */
  function skeleton(extra: string[], without: string[]): string {
    root = mkdtempSync(path.join(tmpdir(), 'opslint-layout-'));
    const listed = [
      ...text
        .slice(text.indexOf('<!-- layout:start -->'), text.indexOf('<!-- layout:end -->'))
        .matchAll(/^(\S+)\s{2,}/gm),
    ].map((m) => m[1]);
    expect(listed).toContain('lib/rule.ts');
    for (const entry of [...listed, ...extra].filter((e) => !without.includes(e))) {
      if (entry.endsWith('/')) mkdirSync(path.join(root, entry), { recursive: true });
      else {
        mkdirSync(path.dirname(path.join(root, entry)), { recursive: true });
        writeFileSync(path.join(root, entry), '');
      }
    }
    return root;
  }

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('gives the README layout for the same folders', () => {
    const block = layout(skeleton([], []));
    expect(text).toContain(`<!-- layout:start -->\n${block}\n<!-- layout:end -->`);
  });

  it('refuses a folder or module it has no description for, and one that is gone', () => {
    expect(() => layout(skeleton(['lib/sources2/', 'lib/errors2.ts'], []))).toThrow(
      'describe lib/errors2.ts, lib/sources2/ in LAYOUT',
    );
    rmSync(root, { recursive: true, force: true });
    expect(() => layout(skeleton([], ['lib/rule.ts']))).toThrow('remove lib/rule.ts from it');
  });
});
