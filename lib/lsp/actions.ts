/**
 * Quick fixes on diagnostics: the fix `opslint fix` makes for the finding (the same edits through `fixText`,
 * checked by a scan of the fixed text, so comments and layout are kept), and a suppression of the rule on the
 * resource, the entry the engine reads from the resource's `Metadata` (lib/engine/suppress.ts), written by the
 * same writer with a placeholder reason to replace.
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { showEdit } from '../cli/fix';
import { ENGINE_PACK, INTERNAL_ERROR, type Finding, type FixEdit } from '../engine/finding';
import { DEFAULT_MIN_REASON_LENGTH } from '../engine/suppress';
import { findingKey, fixText } from '../fix/apply';
import { formatPath } from '../template/path';
import { activeFindings, displayName, type Workspace } from './check';
import type { DiagnosticData } from './diagnostics';

/** The reason a suppression is written with: the user is to replace it (the action's title says so). */
export const PLACEHOLDER_REASON = 'TODO: replace with why this finding is accepted here';

/** The quick fixes for `diagnostics` of `doc`, whose active findings are `findings`. */
export function codeActions(
  ws: Workspace,
  doc: TextDocument,
  file: string,
  findings: readonly Finding[],
  diagnostics: readonly Diagnostic[],
): CodeAction[] {
  const byKey = new Map(findings.map((f) => [findingKey(f), f]));
  // a client that does not send a diagnostic's data back: the finding of its rule where it starts
  const at = (d: Diagnostic): Finding | undefined =>
    findings.find(
      (f) => f.ruleId === d.code && f.line - 1 === d.range.start.line && f.column - 1 === d.range.start.character,
    );
  const text = doc.getText();
  const name = displayName(ws, file);
  const limits = ws.prepared.load.limits;
  const actions: CodeAction[] = [];
  const action = (title: string, diagnostic: Diagnostic, fixed: string, preferred: boolean): CodeAction => ({
    title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    ...(preferred ? { isPreferred: true } : {}),
    edit: { changes: { [doc.uri]: [minimalEdit(doc, fixed)] } },
  });
  for (const diagnostic of diagnostics) {
    const key = (diagnostic.data as DiagnosticData | undefined)?.key;
    const finding = key !== undefined ? byKey.get(key) : at(diagnostic);
    if (!finding) continue;
    if (finding.fix) {
      const outcome = fixText(text, name, [finding], (t) => activeFindings(ws, t, file), limits);
      if (outcome.fixed.length > 0 && outcome.text !== text)
        actions.push(
          action(
            `Fix ${finding.ruleId}: ${outcome.fixed[0].edits.map(showEdit).join('; ')}`,
            diagnostic,
            outcome.text,
            true,
          ),
        );
    }
    const suppressed = suppress(ws, text, name, finding);
    if (suppressed !== undefined)
      actions.push(
        action(
          `Suppress ${finding.ruleId} here with a reason (replace the placeholder reason)`,
          diagnostic,
          suppressed,
          false,
        ),
      );
  }
  return actions;
}

/**
 * `text` with a suppression of the finding's rule in its resource's `Metadata` (`opslint.suppress`), or
 * undefined where none can be written: a finding about the whole template, the engine's own findings, a
 * resource not written as such (made by SAM or `Fn::ForEach`).
 */
function suppress(ws: Workspace, text: string, name: string, finding: Finding): string | undefined {
  if (finding.resource === '' || finding.pack === ENGINE_PACK || finding.ruleId === INTERNAL_ERROR) return undefined;
  const min = ws.prepared.report.suppressions?.minReasonLength ?? DEFAULT_MIN_REASON_LENGTH;
  const edit: FixEdit = {
    path: formatPath(['Resources', finding.resource, 'Metadata', 'opslint', 'suppress']),
    item: { id: finding.ruleId, reason: PLACEHOLDER_REASON.padEnd(min, '.') },
    key: 'id',
  };
  const outcome = fixText(text, name, [{ ...finding, fix: [edit] }], undefined, ws.prepared.load.limits);
  return outcome.fixed.length > 0 && outcome.text !== text ? outcome.text : undefined;
}

/** One edit from `doc`'s text to `next`: the span between their common start and common end. */
export function minimalEdit(doc: TextDocument, next: string): TextEdit {
  const text = doc.getText();
  let start = 0;
  const max = Math.min(text.length, next.length);
  while (start < max && text.charCodeAt(start) === next.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && text.charCodeAt(text.length - 1 - end) === next.charCodeAt(next.length - 1 - end)) end++;
  return {
    range: { start: doc.positionAt(start), end: doc.positionAt(text.length - end) },
    newText: next.slice(start, next.length - end),
  };
}
