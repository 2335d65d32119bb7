/**
 * The public entries: `opslint` (lib/index.ts) and `opslint/rule` (lib/rule.ts) export exactly the names the
 * README documents; the built-in rules reach lib/ only through the rule entry, which never loads the catalogue;
 * every entry of package.json is mapped for the type checker, jest and the worker threads.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { REPO } from '../scripts/support/cli';

const README = readFileSync(path.join(REPO, 'README.md'), 'utf8');
const ENTRIES: Readonly<Record<string, string>> = { opslint: 'lib/index.ts', 'opslint/rule': 'lib/rule.ts' };

const program = ts.createProgram(
  Object.values(ENTRIES).map((f) => path.join(REPO, f)),
  {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
  },
);

/** The names a module exports, values and types, as the type checker sees them. */
function exportsOf(file: string): string[] {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(path.join(REPO, file))!;
  return checker
    .getExportsOfModule(checker.getSymbolAtLocation(source)!)
    .map((s) => s.name)
    .sort();
}

/** The names in the first column of the README table after `<!-- api:<entry> -->`. */
function documented(entry: string): string[] {
  const lines = README.split('\n');
  const at = lines.indexOf(`<!-- api:${entry} -->`);
  expect(at).toBeGreaterThanOrEqual(0);
  const names: string[] = [];
  for (const line of lines.slice(at + 3)) {
    if (!line.startsWith('|')) break;
    for (const m of line.split('|')[1].matchAll(/`([A-Za-z_$][\w$]*)`/g)) names.push(m[1]);
  }
  return names.sort();
}

/** Every .ts file under a folder of the repository. */
function tsFiles(dir: string): string[] {
  return readdirSync(path.join(REPO, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.relative(REPO, path.join(e.parentPath, e.name)));
}

/** The module specifiers a file imports or re-exports from. */
function importsOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(path.join(REPO, file), 'utf8'), ts.ScriptTarget.Latest);
  return source.statements.flatMap((s) =>
    (ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) &&
    s.moduleSpecifier &&
    ts.isStringLiteral(s.moduleSpecifier)
      ? [s.moduleSpecifier.text]
      : [],
  );
}

describe('the public entries', () => {
  it.each(Object.entries(ENTRIES))('%s exports exactly the names the README documents', (entry, file) => {
    const names = documented(entry);
    expect(new Set(names).size).toBe(names.length);
    expect(exportsOf(file)).toEqual(names);
  });

  it('leaves the rule-author names to opslint/rule', () => {
    for (const name of [
      'isTrue',
      'referrers',
      'ResourceContext',
      'Resolver',
      'FUNCTION_TYPES',
      'AlarmIndex',
      'asIntrinsic',
    ]) {
      expect([name, documented('opslint/rule').includes(name), exportsOf('lib/index.ts').includes(name)]).toEqual([
        name,
        true,
        false,
      ]);
    }
  });
});

describe('the built-in rules', () => {
  const files = tsFiles('rules');

  it('reach lib/ only through the rule entry', () => {
    expect(files.length).toBeGreaterThan(72);
    // a relative import that leaves rules/ must be the rule entry; nothing else outside rules/ but Node's own modules
    const deep = files.flatMap((f) =>
      importsOf(f)
        .filter((m) =>
          m.startsWith('.')
            ? !path.join(path.dirname(f), m).startsWith('rules/') && path.join(path.dirname(f), m) !== 'lib/rule'
            : !m.startsWith('node:'),
        )
        .map((m) => `${f}: ${m}`),
    );
    expect(deep).toEqual([]);
  });

  it('are not loaded by the rule entry, which they load (no runtime cycle)', () => {
    const fromRule = new Set<string>();
    const visit = (file: string): void => {
      if (fromRule.has(file)) return;
      fromRule.add(file);
      for (const m of importsOf(file)) {
        if (!m.startsWith('.')) continue;
        const base = path.join(path.dirname(file), m);
        const next = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => existsSync(path.join(REPO, f)));
        if (next) visit(next);
      }
    };
    visit('lib/rule.ts');
    expect(fromRule.size).toBeGreaterThan(10);
    expect(
      [...fromRule].filter((f) => f.startsWith('rules/') || f === 'lib/compose.ts' || f === 'lib/index.ts'),
    ).toEqual([]);
  });
});

describe('package.json entries', () => {
  const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
    exports: Record<string, string | { types: string; default: string }>;
    typesVersions: { '*': Record<string, string[]> };
  };
  const tsconfig = JSON.parse(readFileSync(path.join(REPO, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  const jest = require('../jest.config.js') as { moduleNameMapper: Record<string, string> };
  const worker = readFileSync(path.join(REPO, 'lib', 'parallel', 'worker.ts'), 'utf8');
  const entries = Object.entries(pkg.exports).flatMap(([key, target]) =>
    typeof target === 'string' ? [] : [{ name: key === '.' ? 'opslint' : `opslint/${key.slice(2)}`, target }],
  );

  it('are built from a source file, and are mapped to it for tsc, jest and the worker threads', () => {
    expect(entries.map((e) => e.name)).toEqual([
      'opslint',
      'opslint/cdk',
      'opslint/cdk-nag',
      'opslint/rule',
      'opslint/testing',
    ]);
    for (const { name, target } of entries) {
      const source = target.default.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts');
      expect([name, existsSync(path.join(REPO, source))]).toEqual([name, true]);
      expect(target.types).toBe(target.default.replace(/\.js$/, '.d.ts'));
      expect([name, tsconfig.compilerOptions.paths[name]]).toEqual([name, [source]]);
      expect([name, jest.moduleNameMapper[`^${name}$`]]).toEqual([name, `<rootDir>/${source}`]);
      expect([name, worker.includes(`'${source.slice('lib/'.length)}'`)]).toEqual([name, true]);
      // TypeScript projects on the older module resolution ignore `exports`: typesVersions tells them the subpaths
      if (name !== 'opslint')
        expect(pkg.typesVersions['*'][name.slice('opslint/'.length)]).toEqual([target.types.slice(2)]);
    }
  });

  it('the rule entry loads as a pack author imports it', () => {
    const rule = require('opslint/rule') as typeof import('../lib/rule');
    const rules = require('../lib/engine/rule') as typeof import('../lib/engine/rule');
    expect(rule.defineRule).toBe(rules.defineRule);
    expect(rule.definePack).toBe(rules.definePack);
  });
});
