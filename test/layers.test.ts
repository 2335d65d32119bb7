/**
 * The layers of docs/DESIGN.md, checked: a lib module imports only its own layer and the layers it may use, so
 * that a wrong-way import (the engine reaching for the command line, a reporter for a source) fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const LIB = path.join(__dirname, '..', 'lib');

/** Each layer by the lib paths it holds (a folder ends with `/`), and the layers it may import besides its own. */
const LAYERS: Readonly<Record<string, { readonly holds: readonly string[]; readonly uses: readonly string[] }>> = {
  leaves: { holds: ['util/', 'errors.ts', 'version.ts'], uses: [] },
  model: { holds: ['template/', 'framework/'], uses: ['leaves'] },
  assemblies: { holds: ['assembly/'], uses: ['leaves', 'model'] },
  semantics: { holds: ['semantics/'], uses: ['leaves', 'model', 'assemblies'] },
  engine: { holds: ['engine/'], uses: ['leaves', 'model', 'assemblies', 'semantics'] },
  sources: { holds: ['sources/', 'inputs/'], uses: ['leaves', 'model', 'assemblies'] },
  pipeline: {
    holds: ['scan/', 'parallel/', 'packs/', 'fix/', 'config/'],
    uses: ['leaves', 'model', 'assemblies', 'semantics', 'engine', 'sources'],
  },
  // a reporter reads the report and nothing of where it came from
  reporters: { holds: ['reporters/'], uses: ['leaves', 'model', 'engine'] },
  outputs: {
    holds: ['cdk/', 'cli/', 'hook/', 'lsp/', 'testing/', 'wa/'],
    uses: ['leaves', 'model', 'assemblies', 'semantics', 'engine', 'sources', 'pipeline', 'reporters', 'root'],
  },
  root: {
    holds: ['compose.ts'],
    uses: ['leaves', 'model', 'assemblies', 'semantics', 'engine', 'sources', 'pipeline'],
  },
  entries: {
    holds: ['index.ts', 'rule.ts'],
    uses: [
      'leaves',
      'model',
      'assemblies',
      'semantics',
      'engine',
      'sources',
      'pipeline',
      'reporters',
      'outputs',
      'root',
    ],
  },
};

function layerOf(rel: string): string {
  for (const [name, layer] of Object.entries(LAYERS))
    if (layer.holds.some((h) => (h.endsWith('/') ? rel.startsWith(h) : rel === h))) return name;
  throw new Error(`lib/${rel} is in no layer: add it to LAYERS here and to docs/DESIGN.md`);
}

function libFiles(dir = LIB): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? libFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

const ALL = new Set(libFiles().map((f) => path.relative(LIB, f).split(path.sep).join('/')));

/**
 * What a file imports, as TypeScript reads it (imports, re-exports, `import()`, `require()`, in either quotes):
 * lib modules as paths relative to lib/ with `.ts`, what lies outside lib/ as written, and a package alias of
 * opslint itself (`opslint`, `opslint/rule`) as it is, which no lib module may use.
 */
function importsOf(file: string): string[] {
  const out: string[] = [];
  for (const fileName of specifiers(readFileSync(file, 'utf8'))) {
    if (/^opslint(\/|$)/.test(fileName)) out.push(fileName);
    if (!fileName.startsWith('.')) continue;
    const rel = path
      .relative(LIB, path.resolve(path.dirname(file), fileName))
      .split(path.sep)
      .join('/');
    if (rel.startsWith('..')) out.push(rel);
    else out.push([`${rel}.ts`, `${rel}/index.ts`].find((c) => ALL.has(c)) ?? `${rel} (no such module)`);
  }
  return out;
}

/** The module specifiers of a source text: imports and re-exports, `import x = require()`, `require()` and `import()` calls. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    )
      out.push(node.moduleSpecifier.text);
    if (ts.isExternalModuleReference(node) && ts.isStringLiteral(node.expression)) out.push(node.expression.text);
    if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      const [first] = node.arguments;
      if (first && ts.isStringLiteralLike(first)) out.push(first.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile('module.ts', text, ts.ScriptTarget.Latest, false));
  return out;
}

describe('the layers of lib', () => {
  it('every import goes to the same layer or to one the layer may use; only the composition root imports rules/', () => {
    const wrong: string[] = [];
    for (const file of libFiles()) {
      const rel = path.relative(LIB, file).split(path.sep).join('/');
      const from = layerOf(rel);
      for (const target of importsOf(file)) {
        if (target.startsWith('opslint') || target.endsWith('(no such module)')) {
          wrong.push(`lib/${rel} → ${target}`);
          continue;
        }
        if (target.startsWith('..')) {
          // the composition root takes the packs from rules/, all of them or, from its catalogue, those a scan needs
          if (
            !(['../rules', '../rules/catalogue'].includes(target) && rel === 'compose.ts') &&
            target !== '../package.json'
          )
            wrong.push(`lib/${rel} → ${target}`);
          continue;
        }
        const to = layerOf(target);
        if (to !== from && !LAYERS[from].uses.includes(to)) wrong.push(`lib/${rel} (${from}) → lib/${target} (${to})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('reads imports as TypeScript does: double quotes, require, import(), re-exports, the package alias', () => {
    const dir = path.join(LIB, 'engine');
    const file = path.join(dir, '__probe__.ts');
    const text = `import { a } from "../cli/io";\nconst b = require('../cli/scan');\nexport * as c from "../sources/deployed";\nvoid import('./rule');\nimport { d } from 'opslint';\nconst e = \`import { f } from './src';\`;\n`;
    const imports = specifiers(text);
    expect(imports).toEqual(['../cli/io', '../cli/scan', '../sources/deployed', './rule', 'opslint']);
    expect(
      path
        .relative(LIB, path.resolve(path.dirname(file), imports[0]))
        .split(path.sep)
        .join('/'),
    ).toBe('cli/io');
  });

  it('a wrong-way import is caught', () => {
    expect(layerOf('engine/runner.ts')).toBe('engine');
    expect(LAYERS.engine.uses).not.toContain(layerOf('cli/index.ts'));
    expect(LAYERS.reporters.uses).not.toContain(layerOf('sources/deployed.ts'));
    expect(() => layerOf('nowhere.ts')).toThrow('lib/nowhere.ts is in no layer');
  });
});
