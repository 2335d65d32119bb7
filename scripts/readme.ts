/**
 * Generates the parts of README.md that restate the repository: the rule table (from the catalogue) and the layout
 * (from the folders, each with its description below). Each part sits between `<!-- NAME:start -->` and
 * `<!-- NAME:end -->`. `npm run docs` writes them; test/readme.test.ts fails when they are stale.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ruleDocFileName, type Pack } from '../lib/engine/rule';
import { BUILTIN_PACKS } from '../lib/compose';

const ROOT = path.resolve(__dirname, '..');
export const README = path.join(ROOT, 'README.md');

/**
 * What each part of the repository holds, in the order the README lists them. Every folder at the top, in lib/ and in
 * examples/, and every module directly in lib/, must be here, and everything here must exist.
 */
const LAYOUT: readonly (readonly [string, string])[] = [
  [
    'bin/',
    "the command (opslint.ts from the sources, cli.ts: argv to lib/cli); what the build makes of the package: bundle.ts, the one file every entry point runs from, load.ts, which loads it from V8's code cache, and launch.ts, the installed command",
  ],
  ['lib/index.ts', 'the public entry `opslint`: scanning from code and the report'],
  [
    'lib/rule.ts',
    'the public entry `opslint/rule`: what rules and packs are written with (the built-in rules import it)',
  ],
  ['lib/errors.ts', 'the errors opslint reports (UsageError, InputError) and the exit codes'],
  ['lib/version.ts', 'the package version'],
  [
    'lib/util/',
    'leaf helpers that know nothing of opslint: a linear glob matcher, paths within a folder, the option-spec types of the command line',
  ],
  [
    'lib/compose.ts',
    'the composition root: the one lib module that imports the catalogue (rules/); scans that default to it',
  ],
  [
    'lib/scan/',
    'the scan loop: units of the sources read into assemblies, rules run, suppressions and the baseline applied, the report',
  ],
  [
    'lib/template/',
    'parsing (positions, short-form tags), the model, the resolver, the reference graph, SAM Globals, Fn::ForEach',
  ],
  ['lib/assembly/', 'the cloud assembly reader and the Assembly/Stack model'],
  ['lib/framework/', 'the OPS pillar: questions, best practices, titles, documentation links, the older numbering'],
  [
    'lib/semantics/',
    'what a template means, shared by every rule: resource roles, invokers, the alarm index, verdicts, values across Fn::If',
  ],
  [
    'lib/engine/',
    'the rule and pack API, the runner (the loop, context.ts, emit.ts), rule selection, the finding contract, suppressions, the baseline',
  ],
  [
    'lib/inputs/',
    'from command-line paths to inputs (files, folders, globs, cdk.out), and the files a git change touched',
  ],
  ['lib/reporters/', 'one file per output format; escape.ts: how template text is made inert in each of them'],
  ['lib/cli/', 'the commands'],
  ['lib/config/', 'the configuration file: finding it (and whether to trust it), loading and checking it, limits'],
  ['lib/packs/', 'loading rule packs (npm packages, JS modules, YAML rule files)'],
  [
    'lib/fix/',
    '`opslint fix`: edits planned from findings, written into YAML and JSON (write.ts: temp file and rename)',
  ],
  ['lib/parallel/', 'scans on worker threads (`--jobs`) and the watchdog for rules that hang'],
  [
    'lib/wa/',
    "`opslint wa`: a scan as evidence for a Well-Architected review (evidence.ts), the notes it writes beside reviewers' (notes.ts), `wa report` (report.ts), the updates of `wa sync` (sync.ts), the Well-Architected API (client.ts)",
  ],
  [
    'lib/hook/',
    '`opslint hook`: opslint as a CloudFormation Lambda Hook: the request and answer (request.ts), the handler (handler.ts), `hook package` (package.ts: one esbuild file; template.ts: the function, roles and hook)',
  ],
  [
    'lib/lsp/',
    '`opslint lsp`: the language server: the server and its documents (server.ts), checking a text with the workspace settings (check.ts), diagnostics, quick fixes (actions.ts) and hovers',
  ],
  [
    'lib/sources/',
    'what a scan reads: source.ts (the Source and Reader contract), files.ts, deployed.ts (the CloudFormation API), memory.ts, index.ts (the readers); aws.ts: what calls to AWS share (timeouts, bounds, error lines)',
  ],
  [
    'lib/cdk/',
    'the CDK app as a source (source.ts) and its three reporters: OpsChecks, OpsAspect, OpsNagPack (report.ts: what they share)',
  ],
  ['lib/testing/', 'the RuleTester (public as `opslint/testing`)'],
  [
    'rules/',
    'the catalogue: rules/<pack>/pack.ts and one file per rule, named by the rule id; index.ts lists the packs',
  ],
  ['fixtures/', 'fixtures/<pack>/<rule>/: pass-* and fail-* templates (or cloud assemblies) and expected.json'],
  ['schema/', 'JSON Schemas: the configuration file, the JSON report'],
  ['docs/', 'rules/ (generated from rule metadata), DESIGN.md, writing-a-pack.md, accuracy.md'],
  ['test/', 'jest tests (hostile-*.test.ts: reproductions of hostile inputs, named by their issue item)'],
  ['examples/cdk-app/', 'the demo CDK app run by the root cdk.json (cdk.context.json holds its AZ lookups)'],
  ['examples/custom-pack/', 'a complete third-party pack: TypeScript and YAML rules, fixtures, tests'],
  ['examples/templates/', 'demo CloudFormation/SAM templates'],
  ['examples/demo.js', 'what `npm run demo` runs'],
  ['examples/html-demo.ts', 'what `npm run demo:html` runs'],
  ['editors/', 'vscode/: the VS Code extension that starts `opslint lsp` (`npm run package:vscode` packs it)'],
  ['bench/', 'benchmarks (`npm run bench`, results in bench/RESULTS.md)'],
  [
    'scripts/',
    'build.js (`npm run build`: tsc, then the one-file CLI and the hook handler with esbuild; lazy-exports.js: its plugin), docs.ts and readme.ts (`npm run docs`), accuracy.ts (`npm run accuracy`), fuzz.ts (`npm run fuzz`, its kinds in fuzz/); support/: what tests share with them',
  ],
];

/** The entries LAYOUT must describe: folders at the top, in lib/ and in examples/, and lib's own modules. */
function entriesOnDisk(root: string): string[] {
  const list = (dir: string, files: (name: string) => boolean): string[] =>
    readdirSync(path.join(root, dir), { withFileTypes: true })
      .filter(
        (e) =>
          !e.name.startsWith('.') &&
          (e.isDirectory()
            ? !['node_modules', 'dist', 'coverage', 'cdk.out', 'demo-output'].includes(e.name)
            : files(e.name)),
      )
      .map((e) => `${dir}${e.name}${e.isDirectory() ? '/' : ''}`);
  return [
    ...list('', () => false).filter((e) => e !== 'lib/' && e !== 'examples/'),
    ...list('lib/', (name) => name.endsWith('.ts')),
    ...list('examples/', () => true),
  ];
}

/** The layout block; throws when LAYOUT and the folders disagree. */
export function layout(root = ROOT): string {
  const described = new Set(LAYOUT.map(([entry]) => entry));
  const onDisk = entriesOnDisk(root);
  const missing = onDisk.filter((e) => !described.has(e)).sort();
  const gone = [...described].filter((e) => !onDisk.includes(e));
  if (missing.length > 0 || gone.length > 0) {
    throw new Error(
      `scripts/readme.ts: describe ${missing.join(', ') || 'nothing more'} in LAYOUT; remove ${gone.join(', ') || 'nothing'} from it`,
    );
  }
  const width = Math.max(...LAYOUT.map(([entry]) => entry.length)) + 2;
  return ['```', ...LAYOUT.map(([entry, what]) => `${entry.padEnd(width)}${what}`), '```'].join('\n');
}

/** What a rule that needs context needs: elsewhere its findings are reminders (info). */
const CONTEXT: Readonly<Record<'account' | 'app', string>> = {
  account: 'needs the account baseline',
  app: 'needs the whole app',
};

/** The rule table: every pack, its title, and its rules with their default severities, linked to their pages, and which are fixable. */
export function ruleTable(packs: readonly Pack[] = BUILTIN_PACKS): string {
  const rules = packs.reduce((n, p) => n + p.rules.length, 0);
  const out = [
    `${packs.length} packs and ${rules} rules, one folder each under \`rules/\`, in the order of the OPS questions. \`opslint rules\``,
    'lists them (with `--format json`, as data); [docs/rules](docs/rules/README.md) has a page for each rule, by question and',
    'best practice. Each rule below has its default severity; *fixable*: `opslint fix` writes the fix into templates.',
    '',
    '| pack | | rules |',
    '|---|---|---|',
  ];
  for (const pack of packs) {
    const off = new Set(pack.off ?? []);
    const list = pack.rules.map((r) => {
      const notes = [
        r.severity,
        ...(r.context ? [CONTEXT[r.context]] : []),
        ...(off.has(r.id) ? ['off by default'] : []),
        ...(r.fixable === true ? ['*fixable*'] : []),
      ];
      return `[\`${r.id}\`](docs/rules/${ruleDocFileName(r.id)}) (${notes.join(', ')})`;
    });
    out.push(`| \`${pack.id}\` | ${(pack.title ?? '').replace(/\|/g, '\\|')} | ${list.join(' · ')} |`);
  }
  return out.join('\n');
}

/** README text with every generated part replaced by what the repository says now. */
export function updateReadme(
  text: string,
  parts: Readonly<Record<string, string>> = { rules: ruleTable(), layout: layout() },
): string {
  let out = text;
  for (const [name, content] of Object.entries(parts)) {
    const start = `<!-- ${name}:start -->`;
    const end = `<!-- ${name}:end -->`;
    const from = out.indexOf(start);
    const to = out.indexOf(end);
    if (from < 0 || to < from) throw new Error(`README.md: no ${start} … ${end}`);
    out = `${out.slice(0, from + start.length)}\n${content}\n${out.slice(to)}`;
  }
  return out;
}

if (require.main === module) {
  const before = readFileSync(README, 'utf8');
  const after = updateReadme(before);
  if (after !== before) writeFileSync(README, after);
  process.stdout.write(after !== before ? 'updated README.md\n' : 'README.md is current\n');
}
