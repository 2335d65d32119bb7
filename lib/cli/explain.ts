/** `opslint explain <rule>`: the rule's documentation page, as generated into docs/rules. */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../errors';
import { ruleDocFileName } from '../engine/rule';
import { BUILTIN_PACKS } from '../compose';
import { packageRoot } from '../version';

export function explainRule(ruleId: string): string {
  const known = BUILTIN_PACKS.flatMap((p) => p.rules.map((r) => r.id));
  if (!known.includes(ruleId)) throw new UsageError(`unknown rule "${ruleId}"; \`opslint rules\` lists them`);
  const file = path.join(packageRoot(), 'docs', 'rules', ruleDocFileName(ruleId));
  if (!existsSync(file)) throw new UsageError(`no documentation for rule "${ruleId}" in this installation (${file})`);
  return readFileSync(file, 'utf8');
}
