/**
 * `opslint rules`: the catalogue with each rule's pack, severity, OPS best practice, whether it is off by default
 * and whether `opslint fix` fixes it. The packs are those a scan from here would load: the built-in ones, then
 * the configuration's and `--load-pack`'s, read as `opslint scan` reads them.
 */
import { withPackDocs, type Pack } from '../engine/rule';
import { ruleInfo } from '../engine/rule-info';
import type { Colors } from 'picocolors/types';
import type { CliIO } from './io';
import { renderMarkdown, tableCell } from './markdown';
import type { CatalogueCliOptions } from './options';
import { readSettings } from './settings';

/** The packs `opslint scan` would choose rules from, with the same configuration, trust and `--no-packs`. */
export async function loadCatalogue(opts: CatalogueCliOptions, io: CliIO): Promise<readonly Pack[]> {
  const settings = await readSettings(opts, io.cwd, { warn: (message) => io.stderr(`opslint: ${message}\n`) });
  return settings.scan.packs;
}

/** The rules of `packs` as text, a table (bold headings with colours `c`), or as JSON. */
export function listRules(packs: readonly Pack[], format: string, c: Colors): string {
  const rows = packs.flatMap((pack) =>
    pack.rules.map((rule) => ({
      ...ruleInfo(withPackDocs(rule, pack), { pack: pack.id }),
      enabled: !(pack.off ?? []).includes(rule.id),
      fixable: rule.fixable === true,
    })),
  );
  if (format === 'json') return `${JSON.stringify({ rules: rows }, null, 2)}\n`;
  const table = [
    '| rule | severity | pack | default | fix | best practice |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${[
          r.id,
          r.severity,
          r.pack,
          r.enabled ? 'on' : 'off',
          r.fixable ? 'yes' : '',
          `${`${r.bestPractice} ${r.bestPracticeTitle}`.trim()} — ${r.title}`,
        ]
          .map(tableCell)
          .join(' | ')} |`,
    ),
  ];
  const off = rows.filter((r) => !r.enabled).length;
  const fixable = rows.filter((r) => r.fixable).length;
  return (
    `${renderMarkdown(table.join('\n'), c)}\n${rows.length} rules in ${packs.length} packs: ${off} off by default, ` +
    `${fixable} fixed by \`opslint fix\`\n`
  );
}
