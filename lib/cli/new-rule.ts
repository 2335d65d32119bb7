/**
 * `opslint new-rule <id>`: adds a rule to the pack in the current folder (one made by `opslint new-pack`) — in
 * TypeScript (src/rules/<name>.ts, added to src/index.ts) or, with `--yaml` or in a pack of YAML rules only, in
 * rules.yaml — with a pass and a fail fixture and an expected.json whose findings are left to fill in: the pack's
 * test fails until they are.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { UsageError } from '../errors';
import { writeFiles } from './new-pack';

const NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const INDEX = 'src/index.ts';
const RULES = 'rules.yaml';

/** What `new-rule` added: the rule's id, its language, and the files written or changed. */
export interface NewRule {
  readonly id: string;
  readonly language: 'typescript' | 'yaml';
  readonly files: readonly string[];
}

export function newRule(id: string, dir: string, options: { readonly yaml?: boolean } = {}): NewRule {
  const hasIndex = existsSync(path.join(dir, INDEX));
  const hasRules = existsSync(path.join(dir, RULES));
  if (!hasIndex && !hasRules)
    throw new UsageError(
      `no pack here: run it in the folder of a pack made by opslint new-pack (${INDEX} or ${RULES})`,
    );
  const language = options.yaml === true || !hasIndex ? 'yaml' : 'typescript';
  if (language === 'yaml' && !hasRules)
    throw new UsageError(`--yaml adds the rule to ${RULES}, and this pack has none`);
  const pack = language === 'yaml' ? yamlPackId(dir) : typescriptPackId(dir);
  const [namespace, name] = id.includes('/') ? id.split('/', 2) : [pack, id];
  if (namespace !== pack) throw new UsageError(`rule "${id}" must be in the pack's namespace "${pack}/"`);
  if (!NAME.test(name)) throw new UsageError(`"${name}" is not a kebab-case rule name (e.g. queue-dlq)`);
  const ruleId = `${pack}/${name}`;
  const fixtures = `fixtures/${name}`;
  if (
    (existsSync(path.join(dir, fixtures)) && readdirSync(path.join(dir, fixtures)).length > 0) ||
    existsSync(path.join(dir, `src/rules/${name}.ts`)) ||
    (hasRules && readFileSync(path.join(dir, RULES), 'utf8').includes(`id: ${ruleId}\n`))
  ) {
    throw new UsageError(`rule ${ruleId} exists already`);
  }

  const files: Record<string, string> = {
    [`${fixtures}/pass-example.yaml`]: `Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags:\n        - { Key: Team, Value: orders }\n`,
    [`${fixtures}/fail-example.yaml`]: `Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n`,
    // left to fill in: the findings the rule must give on fail-example.yaml (the pack's test says so until then)
    [`${fixtures}/expected.json`]: `${JSON.stringify({ 'fail-example.yaml': { errors: [] } }, null, 2)}\n`,
  };
  if (language === 'typescript') {
    const ident = name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase()).replace(/^(\d)/, '_$1');
    files[`src/rules/${name}.ts`] = typescriptRule(ruleId);
    files[INDEX] = withRule(readFileSync(path.join(dir, INDEX), 'utf8'), ident, name);
  } else {
    files[RULES] = withYamlRule(readFileSync(path.join(dir, RULES), 'utf8'), ruleId);
  }
  writeFiles(dir, files);
  return { id: ruleId, language, files: Object.keys(files).sort() };
}

/** The pack id of src/index.ts: the `id` given to definePack. */
function typescriptPackId(dir: string): string {
  const m = /definePack\(\{\s*id:\s*['"]([a-z0-9-]+)['"]/.exec(readFileSync(path.join(dir, INDEX), 'utf8'));
  if (!m) throw new UsageError(`cannot find the pack's id in ${INDEX} (definePack({ id: '…', … }))`);
  return m[1];
}

/** The pack id of rules.yaml: its `pack`. */
function yamlPackId(dir: string): string {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path.join(dir, RULES), 'utf8'));
  } catch {
    doc = undefined;
  }
  const id = (doc as { pack?: unknown } | undefined)?.pack;
  if (typeof id !== 'string' || !NAME.test(id))
    throw new UsageError(`cannot find the pack's id in ${RULES} (pack: a kebab-case id)`);
  return id;
}

/** src/index.ts with the rule imported and first in the pack's `rules`. */
function withRule(index: string, ident: string, name: string): string {
  if (!/rules:\s*\[/.test(index))
    throw new UsageError(`cannot find the pack's rules in ${INDEX} (definePack({ rules: [ … ] }))`);
  const imports = [...index.matchAll(/^import .*;$/gm)];
  const last = imports[imports.length - 1];
  const at = last ? last.index + last[0].length + 1 : 0;
  const added = `${index.slice(0, at)}import ${ident} from './rules/${name}';\n${index.slice(at)}`;
  return added.replace(/rules:\s*\[/, (m) => `${m}${ident}, `);
}

/** rules.yaml with the rule added at the end of its `rules`, indented as the others are. */
function withYamlRule(text: string, id: string): string {
  const indent = /^( *)- id:/m.exec(text)?.[1] ?? '  ';
  const body = [
    `- id: ${id}`,
    '  title: Queues carry a Team tag',
    '  bestPractice: OPS02-BP01',
    '  severity: warning',
    '  resourceTypes: [AWS::SQS::Queue]',
    '  # the property to check, and the condition its value must meet (docs/writing-a-pack.md lists them)',
    '  path: Properties.Tags[Key=Team].Value',
    '  condition: exists',
    "  message: 'Queue {{resource}} has no Team tag; say which team owns it.'",
  ];
  return `${text.endsWith('\n') ? text : `${text}\n`}${body.map((line) => `${indent}${line}`).join('\n')}\n`;
}

function typescriptRule(id: string): string {
  return `import { defineRule } from 'opslint/rule';

/** A first version to make your own: queues must carry a Team tag. Change the check, the fixtures and expected.json. */
export default defineRule({
  id: '${id}',
  title: 'Queues carry a Team tag',
  bestPractice: 'OPS02-BP01',
  resourceTypes: ['AWS::SQS::Queue'],
  severity: 'warning',
  messages: { missing: 'Queue {{name}} has no Team tag; say which team owns it.' },
  why: 'A team tag tells the on-call engineer who owns the queue.',
  check(resource, ctx) {
    // a value nobody can know before deployment gives no finding
    const tagged = ctx.satisfies('Properties.Tags', (tags) =>
      Array.isArray(tags) && tags.some((tag: { Key?: unknown }) => tag && tag.Key === 'Team'),
    );
    if (tagged === false) ctx.report({ messageId: 'missing', path: 'Properties', data: { name: resource.logicalId } });
  },
});
`;
}
