/**
 * Generates docs/rules/<rule id>.md and docs/rules/README.md from rule metadata and fixtures: a rule's page is
 * lib/cli/rule-page.ts's (what `opslint explain` shows), with examples from its fixtures.
 * `npm run docs` writes them; test/docs.test.ts fails when they are stale.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { bestPractice, QUESTIONS, questionUrl } from '../lib/framework';
import { ruleDocFileName, type Pack, type Rule } from '../lib/engine/rule';
import { runCase } from '../lib/testing';
import { rulePage } from '../lib/cli/rule-page';
import { BUILTIN_PACKS } from '../rules';

const ROOT = path.resolve(__dirname, '..');
export const DOCS_DIR = path.join(ROOT, 'docs', 'rules');
const FIXTURES = path.join(ROOT, 'fixtures');

export interface ExpectedEntry {
  readonly options?: Record<string, unknown>;
  readonly parameters?: Record<string, string>;
  readonly accountBaseline?: boolean;
  /** a pass fixture in which the rule judges nothing: not shown as the passing example */
  readonly notApplicable?: boolean;
}

/** Every generated file, by name, with its content. */
export function generateDocs(packs: readonly Pack[] = BUILTIN_PACKS): Map<string, string> {
  const files = new Map<string, string>();
  for (const pack of packs)
    for (const rule of pack.rules) files.set(ruleDocFileName(rule.id), rulePage(rule, pack, examples(rule, pack)));
  for (const [id, page] of Object.entries(ENGINE_PAGES)) files.set(ruleDocFileName(id), page);
  files.set('README.md', index(packs));
  // every file ends with exactly one newline
  for (const [name, content] of files) files.set(name, `${content.trimEnd()}\n`);
  return files;
}

/** A rule's fixture folder: its files and folders, and expected.json. */
export function fixtures(
  rule: Rule,
  pack: Pack,
): { dir: string; names: string[]; expected: Record<string, ExpectedEntry> } | undefined {
  const dir = path.join(FIXTURES, pack.id, rule.id);
  if (!existsSync(dir)) return undefined;
  const expected: Record<string, ExpectedEntry> = existsSync(path.join(dir, 'expected.json'))
    ? JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8'))
    : {};
  return { dir, names: readdirSync(dir).sort(), expected };
}

function examples(rule: Rule, pack: Pack): string[] {
  const found = fixtures(rule, pack);
  if (!found) return [];
  const { dir, expected } = found;
  const names = found.names.filter((n) => expected[n]?.notApplicable !== true);
  // the shortest YAML file reads best; then JSON; a cloud assembly folder is shown by its manifest
  const size = (n: string): number => statSync(path.join(dir, n)).size;
  const shortest = (list: string[]): string | undefined =>
    [...list].sort((a, b) => size(a) - size(b) || (a < b ? -1 : 1))[0];
  const pick = (prefix: string): string | undefined =>
    shortest(names.filter((n) => n.startsWith(prefix) && /\.ya?ml$/.test(n))) ??
    shortest(names.filter((n) => n.startsWith(prefix) && n.endsWith('.json'))) ??
    names.find((n) => n.startsWith(prefix));
  const out: string[] = ['## Examples', ''];
  for (const [kind, prefix] of [
    ['Failing', 'fail-'],
    ['Passing', 'pass-'],
  ] as const) {
    const name = pick(prefix);
    if (!name) continue;
    const file = path.join(dir, name);
    const entry = expected[name] ?? {};
    const isDir = statSync(file).isDirectory();
    const shown = isDir ? path.join(file, 'manifest.json') : file;
    const lang = shown.endsWith('.json') ? 'json' : 'yaml';
    out.push(`### ${kind}: \`${path.relative(ROOT, file)}\``, '');
    if (isDir) out.push('A cloud assembly; its `manifest.json`:', '');
    out.push(`\`\`\`${lang}`, readFileSync(shown, 'utf8').trimEnd(), '```', '');
    if (entry.options) out.push(`With the options \`${JSON.stringify(entry.options)}\`.`, '');
    if (entry.parameters) out.push(`With the parameters \`${JSON.stringify(entry.parameters)}\`.`, '');
    if (entry.accountBaseline) out.push('Scanned as the account baseline.', '');
    if (kind === 'Failing') {
      const findings = runCase(rule, {
        file,
        options: entry.options,
        parameters: entry.parameters,
        accountBaseline: entry.accountBaseline,
      });
      out.push('Findings:', '');
      for (const f of findings)
        out.push(`- ${path.basename(f.file)}:${f.line}:${f.column} ${f.severity}: ${f.message}`);
      out.push('');
    }
  }
  return out;
}

/** Findings the engine itself reports: not rules a pack can turn off, but they link to a page too. */
const ENGINE_PAGES: Readonly<Record<string, string>> = {
  'internal-error': [
    '# internal-error',
    '',
    '**A rule failed while checking a resource.**',
    '',
    "The finding names the rule and the resource, and carries the rule's best practice; the scan went on with",
    'the other rules and resources. It is an opslint bug (or, for a third-party pack, a bug in the pack):',
    'please report it with the template, or the part of it the finding points at.',
    '',
  ].join('\n'),
  'invalid-suppression': [
    '# invalid-suppression',
    '',
    '**A suppression in a template does not apply.**',
    '',
    '| | |',
    '|---|---|',
    `| Best practice | [OPS02-BP05 Mechanisms exist to request additions, changes, and exceptions](${bestPractice('OPS02-BP05')!.url}) |`,
    '| Severity | warning |',
    '',
    "Suppressions are written in a resource's or the template's `Metadata`:",
    '',
    '```yaml',
    'Metadata:',
    '  opslint:',
    '    suppress:',
    '      - id: lambda-tracing',
    '        reason: Traced by the service mesh sidecar instead',
    '        expires: 2027-06-30   # optional: the finding comes back after this date',
    '```',
    '',
    'A suppression does not apply, and this finding says why, when it has no `id`, names no opslint rule,',
    'names a rule the configuration lists in `suppressions.unsuppressible`, has a reason shorter than',
    '`suppressions.minReasonLength` (10 characters by default) or a placeholder for one (a reason that starts',
    'with TODO, FIXME, TBD or XXX, or the one the editor quick fix writes), or an `expires` that is not a date.',
    'An exception is a decision someone made; the reason records it for the next reader.',
    '',
  ].join('\n'),
};

function index(packs: readonly Pack[]): string {
  const rules = packs.flatMap((pack) => pack.rules.map((rule) => ({ pack, rule })));
  const out = [
    '# opslint rules',
    '',
    `${rules.length} rules over ${new Set(rules.map((r) => r.rule.bestPractice)).size} best practices of the Operational Excellence pillar, by question and best practice.`,
    'Best practices without rules cannot be shown by a template and need a human review.',
    '',
  ];
  for (const q of QUESTIONS) {
    out.push(`## [${q.id}](${questionUrl(q)}) ${q.title}`, '');
    for (const bp of q.bestPractices) {
      const here = rules.filter((r) => r.rule.bestPractice === bp.id);
      const url = bestPractice(bp.id)!.url;
      if (here.length === 0) {
        out.push(`- [${bp.id} ${bp.title}](${url}): needs a human review`);
        continue;
      }
      out.push(`- [${bp.id} ${bp.title}](${url})`);
      for (const { pack, rule } of here)
        out.push(
          `  - [\`${rule.id}\`](${ruleDocFileName(rule.id)}) (${rule.severity}, pack \`${pack.id}\`): ${rule.title}`,
        );
    }
    out.push('');
  }
  out.push(
    '## Findings about the scan itself',
    '',
    '- [`internal-error`](internal-error.md): a rule failed on a resource',
    '- [`invalid-suppression`](invalid-suppression.md): a suppression in a template does not apply',
    '',
  );
  return out.join('\n');
}

if (require.main === module) {
  const files = generateDocs();
  mkdirSync(DOCS_DIR, { recursive: true });
  for (const name of readdirSync(DOCS_DIR)) if (!files.has(name)) rmSync(path.join(DOCS_DIR, name));
  for (const [name, content] of files) writeFileSync(path.join(DOCS_DIR, name), content);
  process.stdout.write(`wrote ${files.size} files to ${path.relative(process.cwd(), DOCS_DIR)}\n`);
}
