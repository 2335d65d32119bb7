/**
 * Generates docs/rules/<rule id>.md and docs/rules/README.md from rule metadata and fixtures.
 * `npm run docs` writes them; test/docs.test.ts fails when they are stale.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { bestPractice, QUESTIONS, questionUrl } from '../lib/framework';
import { describeOption } from '../lib/engine/options';
import { isAssemblyRule, ruleDocFileName, type Pack, type Rule } from '../lib/engine/rule';
import { ruleInfo, type RuleInfo } from '../lib/engine/rule-info';
import { NEEDS_CONTEXT } from '../lib/engine/emit';
import type { Role } from '../lib/semantics';
import { runCase } from '../lib/testing';
import { BUILTIN_PACKS } from '../rules';

const ROOT = path.resolve(__dirname, '..');
export const DOCS_DIR = path.join(ROOT, 'docs', 'rules');
const FIXTURES = path.join(ROOT, 'fixtures');

interface ExpectedEntry {
  readonly options?: Record<string, unknown>;
  readonly parameters?: Record<string, string>;
  readonly accountBaseline?: boolean;
}

/** Every generated file, by name, with its content. */
export function generateDocs(packs: readonly Pack[] = BUILTIN_PACKS): Map<string, string> {
  const files = new Map<string, string>();
  for (const pack of packs) for (const rule of pack.rules) files.set(ruleDocFileName(rule.id), ruleDoc(rule, pack));
  for (const [id, page] of Object.entries(ENGINE_PAGES)) files.set(ruleDocFileName(id), page);
  files.set('README.md', index(packs));
  // every file ends with exactly one newline
  for (const [name, content] of files) files.set(name, `${content.trimEnd()}\n`);
  return files;
}

const ROLE_LABELS: Readonly<Record<Role, string>> = {
  workload: 'Workload resources',
  'account-baseline': 'Account baseline: resources of a stack marked with `--account-baseline`',
  machinery: 'Deployment machinery: functions behind custom resources, macros, hooks and AWS Config rules',
  edge: 'Edge: functions that run on AWS IoT Greengrass core devices',
  'cdk-internal': 'CDK internal: resources the CDK creates for itself',
};

/** The CDK fixes for single resource types, which the CDK integrations show for a finding on such a resource. */
function cdkForSection(rule: Rule): string[] {
  const entries = Object.entries(rule.fix?.cdkFor ?? {});
  if (entries.length === 0) return [];
  return [
    'For a finding on a resource of one of these types, the `OpsChecks` plugin of `cdk synth` shows the fix for its construct:',
    '',
    ...entries.flatMap(([type, cdk]) => [`#### \`${type}\``, '', '```ts', cdk, '```', '']),
  ];
}

/** Which roles of resources the rule checks, and why (lib/semantics/roles.ts says how each is recognised). */
function rolesSection(info: RuleInfo): string[] {
  const out = ['## Which resources it checks', '', '| | checked | why |', '|---|---|---|'];
  for (const r of info.roles) out.push(`| ${ROLE_LABELS[r.role]} | ${r.check ? 'yes' : 'no'} | ${cell(r.why)} |`);
  return [...out, ''];
}

function ruleDoc(rule: Rule, pack: Pack): string {
  const info = ruleInfo(rule, { pack: pack.id });
  const q = QUESTIONS.find((x) => x.id === info.question)!;
  const types = info.resourceTypes;
  const out: string[] = [
    `# ${info.id}`,
    '',
    `**${info.title}.**`,
    '',
    '| | |',
    '|---|---|',
    `| Best practice | [${info.bestPractice} ${info.bestPracticeTitle}](${info.bestPracticeUrl}) |`,
    `| Question | [${q.id}](${questionUrl(q)}) ${q.title} |`,
    `| Pack | \`${info.pack}\`${(pack.off ?? []).includes(rule.id) ? ' (off by default)' : ''} |`,
    `| Severity | ${info.severity} |`,
    `| Checks | ${isAssemblyRule(rule) ? 'the whole app or template' : 'each resource of the types below'} |`,
    `| Resource types | ${types.length > 0 ? types.map((t) => `\`${t}\``).join(', ') : '—'} |`,
  ];
  out.push(
    `| Automatic fix | ${hasAutomaticFix(rule, pack) ? 'yes: `opslint fix` writes it into YAML and JSON templates, where the value is missing or written as a literal' : 'no'} |`,
  );
  if (info.context)
    out.push(
      `| Needs context | ${info.context === 'account' ? 'the account baseline' : 'the whole app'}: elsewhere findings are \`info\`. Needs context: ${NEEDS_CONTEXT[info.context]} |`,
    );
  out.push(
    '',
    '## Why',
    '',
    info.why,
    '',
    ...rolesSection(info),
    '## How to fix',
    '',
    '### CloudFormation',
    '',
    '```yaml',
    info.fix.cloudformation,
    '```',
    '',
    '### CDK',
    '',
    '```ts',
    info.fix.cdk,
    '```',
    '',
    ...cdkForSection(rule),
  );
  const options = Object.entries(rule.options ?? {});
  if (options.length > 0) {
    out.push('## Options', '', '| option | type | default | what it changes |', '|---|---|---|---|');
    for (const [key, value] of options) {
      const schema = rule.optionsSchema?.[key];
      out.push(
        `| \`${key}\` | ${schema ? cell(describeOption(schema)) : ''} | \`${JSON.stringify(value)}\` | ${cell(String(rule.optionDocs?.[key] ?? ''))} |`,
      );
    }
    out.push('');
  }
  out.push('## Messages', '');
  for (const [id, text] of Object.entries(rule.messages ?? {})) out.push(`- \`${id}\`: ${text}`);
  out.push('', ...examples(rule, pack), '## Acknowledging a finding', '');
  out.push(
    `In a CDK app, for a construct and everything below it: \`Validations.of(construct).acknowledge({ id: 'opslint::${rule.id}', reason: '…' })\` (a reason of at least 10 characters).`,
    '',
  );
  return `${out.join('\n')}`;
}

/** A rule's fixture folder: its files and folders, and expected.json. */
function fixtures(
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

/** Whether the findings of the rule's failing fixtures carry the edits `opslint fix` applies. */
function hasAutomaticFix(rule: Rule, pack: Pack): boolean {
  const found = fixtures(rule, pack);
  if (!found) return false;
  return found.names
    .filter((n) => n.startsWith('fail-'))
    .some((n) => {
      const entry = found.expected[n] ?? {};
      return runCase(rule, {
        file: path.join(found.dir, n),
        options: entry.options,
        parameters: entry.parameters,
        accountBaseline: entry.accountBaseline,
      }).some((f) => f.fix);
    });
}

function examples(rule: Rule, pack: Pack): string[] {
  const found = fixtures(rule, pack);
  if (!found) return [];
  const { dir, names, expected } = found;
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
    '`suppressions.minReasonLength` (10 characters by default), or an `expires` that is not a date.',
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

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

if (require.main === module) {
  const files = generateDocs();
  mkdirSync(DOCS_DIR, { recursive: true });
  for (const name of readdirSync(DOCS_DIR)) if (!files.has(name)) rmSync(path.join(DOCS_DIR, name));
  for (const [name, content] of files) writeFileSync(path.join(DOCS_DIR, name), content);
  process.stdout.write(`wrote ${files.size} files to ${path.relative(process.cwd(), DOCS_DIR)}\n`);
}
