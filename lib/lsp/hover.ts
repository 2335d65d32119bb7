/**
 * Hover on a resource with findings: for each, the best practice, why it matters (the rule's docs) and how to
 * fix it, in Markdown. A resource spans from its logical id to the line before the next line indented less
 * than its id (the end of `Resources`, in YAML or JSON) or before the next resource.
 */
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isActive, type Finding } from '../engine/finding';
import { bestPractice } from '../framework';
import type { Template } from '../template/model';
import type { Workspace } from './check';
import { practiceLabel } from './diagnostics';

/** The hover at `position`, when it is within a resource that has active findings. */
export function hoverAt(
  ws: Workspace,
  doc: TextDocument,
  template: Template,
  findings: readonly Finding[],
  position: Position,
): Hover | undefined {
  const resource = resourceAt(doc, template, position.line);
  if (resource === undefined) return undefined;
  const mine = findings.filter((f) => f.resource === resource && isActive(f));
  if (mine.length === 0) return undefined;
  const sections = mine.map((f) => {
    const info = ws.rules.get(f.ruleId);
    const bp = bestPractice(f.bestPractice);
    const practice = bp ? `[${practiceLabel(f.bestPractice).slice(1, -1)}](${bp.url})` : f.bestPractice;
    return [
      `**${f.ruleId}** (${f.severity}): ${f.message}`,
      '',
      `Best practice: ${practice}${info ? ` — ${info.title}` : ''}`,
      ...(info?.why ? ['', `Why: ${info.why}`] : []),
      ...(f.fix ? ['', 'Fix: a quick fix makes the change `opslint fix` makes.'] : []),
      ...(info?.fix.cloudformation ? ['', 'How to fix:', '', '```yaml', info.fix.cloudformation, '```'] : []),
      ...(f.docs ? ['', `[Rule documentation](${f.docs})`] : []),
    ].join('\n');
  });
  return { contents: { kind: MarkupKind.Markdown, value: sections.join('\n\n---\n\n') } };
}

/** The logical id of the resource written around the 0-based `line`, if any. */
function resourceAt(doc: TextDocument, template: Template, line: number): string | undefined {
  const starts = [...template.resources.values()]
    .filter((r) => r.implicit === undefined)
    .map((r) => ({ id: r.logicalId, line: r.position.line - 1, indent: r.position.column - 1 }))
    .sort((a, b) => a.line - b.line);
  const at = starts.filter((s) => s.line <= line).pop();
  if (!at) return undefined;
  const next = starts.find((s) => s.line > at.line);
  if (next && line >= next.line) return undefined;
  for (let l = at.line + 1; l <= line; l++) {
    const text = doc.getText({ start: { line: l, character: 0 }, end: { line: l + 1, character: 0 } });
    const indent = /^[ \t]*/.exec(text)![0].length;
    const blank = /^\s*(#.*)?$/.test(text);
    if (!blank && indent < at.indent) return undefined;
  }
  return at.id;
}
