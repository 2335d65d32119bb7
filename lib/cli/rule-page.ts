/**
 * A rule's documentation page, from its metadata: `npm run docs` writes it into docs/rules for each built-in rule
 * (scripts/docs.ts adds the examples from the fixtures), and `opslint explain` shows it for a rule of a pack.
 */
import { NEEDS_CONTEXT } from '../engine/emit';
import { yamlCheck } from '../packs/yaml';
import { describeOption } from '../engine/options';
import { isAssemblyRule, type Pack, type Rule } from '../engine/rule';
import { ruleInfo, type RuleInfo } from '../engine/rule-info';
import { QUESTIONS, questionUrl } from '../framework';
import type { Role } from '../semantics/roles';
import { tableCell } from './markdown';

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

/** `### title` over a code block, or nothing for no code. */
function codeSection(title: string, lang: string, code: string): string[] {
  return code ? [`### ${title}`, '', `\`\`\`${lang}`, code, '```', ''] : [];
}

/** Which roles of resources the rule checks, and why (lib/semantics/roles.ts says how each is recognised). */
function rolesSection(info: RuleInfo): string[] {
  const out = ['## Which resources it checks', '', '| | checked | why |', '|---|---|---|'];
  for (const r of info.roles) out.push(`| ${ROLE_LABELS[r.role]} | ${r.check ? 'yes' : 'no'} | ${tableCell(r.why)} |`);
  return [...out, ''];
}

/**
 * The documentation page of a rule of `pack`, in Markdown: what docs/rules holds for a built-in rule (with
 * `examples`, from its fixtures) and what `opslint explain` shows for a rule of another pack (without).
 */
export function rulePage(rule: Rule, pack: Pack, examples: readonly string[] = []): string {
  const info = ruleInfo(rule, { pack: pack.id });
  const q = QUESTIONS.find((x) => x.id === info.question);
  const types = info.resourceTypes;
  const out: string[] = [
    `# ${info.id}`,
    '',
    `**${info.title}.**`,
    '',
    '| | |',
    '|---|---|',
    `| Best practice | [${info.bestPractice} ${info.bestPracticeTitle}](${info.bestPracticeUrl}) |`,
    ...(q ? [`| Question | [${q.id}](${questionUrl(q)}) ${q.title} |`] : []),
    `| Pack | \`${info.pack}\`${(pack.off ?? []).includes(rule.id) ? ' (off by default)' : ''} |`,
    `| Severity | ${info.severity} |`,
    `| Checks | ${isAssemblyRule(rule) ? 'the whole app or template' : 'each resource of the types below'} |`,
    `| Resource types | ${types.length > 0 ? types.map((t) => `\`${t}\``).join(', ') : '—'} |`,
  ];
  // a rule of a rules file says what it checks in its path and condition
  const yaml = yamlCheck(rule);
  if (yaml) out.push(`| Path | \`${tableCell(yaml.path)}\` |`, `| Condition | \`${tableCell(yaml.condition)}\` |`);
  out.push(
    `| Automatic fix | ${rule.fixable === true ? 'yes: `opslint fix` writes it into YAML and JSON templates, where the value is missing or written as a literal' : 'no'} |`,
  );
  // a pack's own page (opslint's rules have none other than this one)
  if (rule.docs) out.push(`| Documentation | ${rule.docs} |`);
  if (info.context)
    out.push(
      `| Needs context | ${info.context === 'account' ? 'the account baseline' : 'the whole app'}: elsewhere findings are \`info\`. Needs context: ${NEEDS_CONTEXT[info.context]} |`,
    );
  // a pack's rule may leave out why and how to fix (built-in rules have them): no empty sections
  out.push('', ...(info.why ? ['## Why', '', info.why, ''] : []), ...rolesSection(info));
  const fix = [
    ...codeSection('CloudFormation', 'yaml', info.fix.cloudformation),
    ...codeSection('CDK', 'ts', info.fix.cdk),
    ...cdkForSection(rule),
  ];
  if (fix.length > 0) out.push('## How to fix', '', ...fix);
  const options = Object.entries(rule.options ?? {});
  if (options.length > 0) {
    out.push('## Options', '', '| option | type | default | what it changes |', '|---|---|---|---|');
    for (const [key, value] of options) {
      const schema = rule.optionsSchema?.[key];
      out.push(
        `| \`${key}\` | ${schema ? tableCell(describeOption(schema)) : ''} | \`${JSON.stringify(value)}\` | ${tableCell(String(rule.optionDocs?.[key] ?? ''))} |`,
      );
    }
    out.push('');
  }
  out.push('## Messages', '');
  for (const [id, text] of Object.entries(rule.messages ?? {})) out.push(`- \`${id}\`: ${text}`);
  out.push('', ...examples, '## Acknowledging a finding', '');
  out.push(
    `In a CDK app, for a construct and everything below it: \`Validations.of(construct).acknowledge({ id: 'opslint::${rule.id}', reason: '…' })\` (a reason of at least 10 characters).`,
    '',
  );
  return `${out.join('\n')}`;
}
