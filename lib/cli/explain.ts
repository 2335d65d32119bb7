/**
 * `opslint explain <rule>`: a rule's documentation, for a built-in rule its page in docs/rules, for a rule of
 * another pack the same page made from its metadata (without the examples, which come from fixtures); rendered for the terminal, or as Markdown.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Colors } from 'picocolors/types';
import { UsageError } from '../errors';
import { ruleDocFileName, withPackDocs, type Pack } from '../engine/rule';
import { suggest } from '../engine/suggest';
import { BUILTIN_PACKS } from '../compose';
import { packageRoot } from '../version';
import { renderMarkdown } from './markdown';
import { rulePage } from './rule-page';

/** The page of `ruleId` among the rules of `packs`, as Markdown, or rendered with colours `c` (none: Markdown). */
export function explainRule(ruleId: string, packs: readonly Pack[], c?: Colors): string {
  const pack = packs.find((p) => p.rules.some((r) => r.id === ruleId));
  if (!pack) {
    const known = packs.flatMap((p) => p.rules.map((r) => r.id));
    throw new UsageError(`unknown rule "${ruleId}"${suggest(ruleId, known)}; \`opslint rules\` lists them`);
  }
  const rule = pack.rules.find((r) => r.id === ruleId)!;
  const markdown = BUILTIN_PACKS.includes(pack) ? builtinPage(ruleId) : rulePage(withPackDocs(rule, pack), pack);
  return c ? renderMarkdown(markdown, c) : markdown;
}

function builtinPage(ruleId: string): string {
  const file = path.join(packageRoot(), 'docs', 'rules', ruleDocFileName(ruleId));
  if (!existsSync(file)) throw new UsageError(`no documentation for rule "${ruleId}" in this installation (${file})`);
  return readFileSync(file, 'utf8');
}
