/**
 * Hovers, in Markdown. On a resource's logical id: each of its findings, with its best practice, why it matters
 * (the rule's docs) and how to fix it. Elsewhere: the findings whose diagnostics are on the line hovered, the same
 * way; on the needs-context diagnostic, the checks it stands for. The hover's range is the token its diagnostics
 * (or the logical id) cover.
 */
import { MarkupKind, type Hover, type Position, type Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isActive, type Finding } from '../engine/finding';
import { bestPractice, bestPracticeLabel } from '../framework';
import { groupReminders } from '../reporters/reminders';
import type { Template } from '../template/model';
import type { Workspace } from './check';
import { howToGiveContext, inEditorTerms, reminderRange, tokenRange } from './diagnostics';

/** The hover at `position`: the findings shown there, if any. */
export function hoverAt(
  ws: Workspace,
  doc: TextDocument,
  template: Template,
  findings: readonly Finding[],
  position: Position,
): Hover | undefined {
  const { findings: listed, reminders } = groupReminders(findings.filter(isActive));
  if (reminders.length > 0) {
    const range = reminderRange(doc, reminders);
    if (contains(range, position)) {
      const checks = reminders.map((r) => {
        const title = ws.rules.get(r.ruleId)?.title;
        return `- \`${r.ruleId}\`${title ? `: ${title}` : ''}`;
      });
      const value = [
        `**${reminders.length === 1 ? 'This check needs' : 'These checks need'} context outside this template**`,
        '',
        ...checks,
        '',
        howToGiveContext(reminders),
      ].join('\n');
      return markdown(value, range);
    }
  }
  for (const resource of template.resources.values()) {
    if (resource.implicit !== undefined) continue;
    const range = tokenRange(doc, resource.position.line, resource.position.column);
    if (!contains(range, position)) continue;
    const mine = listed.filter((f) => f.resource === resource.logicalId);
    return mine.length > 0 ? markdown(mine.map((f) => section(ws, f)).join('\n\n---\n\n'), range) : undefined;
  }
  const here = listed
    .map((f) => ({ f, range: tokenRange(doc, f.line, f.column) }))
    .filter(({ range }) => range.start.line <= position.line && position.line <= range.end.line);
  if (here.length === 0) return undefined;
  return markdown(here.map(({ f }) => section(ws, f)).join('\n\n---\n\n'), here[0].range);
}

/** One finding: rule, severity and message; its best practice, linked; why, in one paragraph; the fix; the rule's page. */
function section(ws: Workspace, f: Finding): string {
  const info = ws.rules.get(f.ruleId);
  const bp = bestPractice(f.bestPractice);
  const practice = bp ? `[${bestPracticeLabel(f.bestPractice)}](${bp.url})` : f.bestPractice;
  const why = info?.why.split(/\n\s*\n/)[0].replace(/\s*\n\s*/g, ' ');
  return [
    `**${f.ruleId}** (${f.severity}): ${inEditorTerms(f.message)}`,
    '',
    `Best practice: ${practice}${info ? ` — ${info.title}` : ''}`,
    ...(why ? ['', `Why: ${why}`] : []),
    ...(f.fix ? ['', 'Fix: a quick fix makes the change `opslint fix` makes.'] : []),
    ...(info?.fix.cloudformation ? ['', 'How to fix:', '', '```yaml', info.fix.cloudformation, '```'] : []),
    ...(f.docs ? ['', `[Rule documentation](${f.docs})`] : []),
  ].join('\n');
}

function markdown(value: string, range: Range): Hover {
  return { contents: { kind: MarkupKind.Markdown, value }, range };
}

/** Whether `range` holds `position`, its ends included (a hover at the end of a word is on it). */
function contains(range: Range, position: Position): boolean {
  const after = (a: Position, b: Position): boolean =>
    a.line > b.line || (a.line === b.line && a.character >= b.character);
  return after(position, range.start) && after(range.end, position);
}
