/** `opslint rules`: the catalogue with each rule's OPS best practice. */
import { ruleInfo } from '../engine/rule-info';
import { BUILTIN_PACKS } from '../compose';

export function listRules(format: string): string {
  const rows = BUILTIN_PACKS.flatMap((pack) =>
    pack.rules.map((rule) => ({ ...ruleInfo(rule, { pack: pack.id }), enabled: !(pack.off ?? []).includes(rule.id) })),
  );
  if (format === 'json') return `${JSON.stringify({ rules: rows }, null, 2)}\n`;
  const idWidth = Math.max(...rows.map((r) => r.id.length));
  const sevWidth = 7;
  const lines = rows.map(
    (r) =>
      `${r.id.padEnd(idWidth)}  ${r.severity.padEnd(sevWidth)}  ${r.bestPractice} ${r.bestPracticeTitle}  — ${r.title}`,
  );
  return `${lines.join('\n')}\n\n${rows.length} rules in ${BUILTIN_PACKS.length} packs\n`;
}
