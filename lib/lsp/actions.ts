/**
 * Code actions on diagnostics: the fix `opslint fix` makes for the finding (the same edits through `fixText`,
 * checked by a scan of the fixed text, so comments and layout are kept); every fix of the file at once, as
 * `opslint fix` makes them (a quick fix, and the `source.fixAll.opslint` action editors run on save); and a
 * suppression of the rule on the resource, the entry the engine reads from the resource's `Metadata`
 * (lib/engine/suppress.ts), written by the same writer with a placeholder reason: the engine does not apply it
 * until the user writes why. None in a template of a cloud assembly, which the next synth rewrites.
 */
import * as path from 'node:path';
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionContext,
  type Diagnostic,
  type TextEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { showEdit } from '../cli/fix';
import { ENGINE_PACK, INTERNAL_ERROR, type Finding, type FixEdit } from '../engine/finding';
import { PLACEHOLDER_REASON } from '../engine/suppress';
import { findingKey, fixText } from '../fix/apply';
import { insideCloudAssembly } from '../fix/run';
import { formatPath } from '../template/path';
import { activeFindings, displayName, type Workspace } from './check';
import type { DiagnosticData } from './diagnostics';

/** The kind of the action that makes every fix of the file (`editor.codeActionsOnSave` runs `source.fixAll`). */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.opslint`;

export const FIX_ALL_TITLE = 'Fix all auto-fixable opslint problems in this file';

/**
 * The most work the fix-all quick fix may take, in fixes times characters of the document: it is made unasked for
 * every request at a fixable diagnostic, and each fix parses the document again (about half a second at this
 * figure). Above it the source action, made when asked for, still makes every fix.
 */
export const QUICK_FIX_ALL_BUDGET = 1_000_000;

/** The fix-all text of each document at its version, with the workspace it was made with (editors ask at each move). */
const fixedAll = new WeakMap<TextDocument, { version: number; ws: Workspace; text: string | undefined }>();

/**
 * The code actions of a request about `doc`, whose active findings are `findings`: quick fixes for the context's
 * diagnostics, and the fix-all source action when the context asks for it by kind (`only`), as editors do.
 */
export function codeActions(
  ws: Workspace,
  doc: TextDocument,
  file: string,
  findings: readonly Finding[],
  { diagnostics, only }: Pick<CodeActionContext, 'diagnostics' | 'only'>,
): CodeAction[] {
  // a template the CDK wrote: the fix belongs in the CDK code, as `opslint fix` says
  if (path.isAbsolute(file) && insideCloudAssembly(file)) return [];
  // a kind asked for: `source` covers `source.fixAll.opslint`
  const asked = (kind: string): boolean => only?.some((k) => kind === k || kind.startsWith(`${k}.`)) === true;
  const byKey = new Map(findings.map((f) => [findingKey(f), f]));
  // a client that does not send a diagnostic's data back: the finding of its rule where it starts
  const at = (d: Diagnostic): Finding | undefined =>
    findings.find(
      (f) => f.ruleId === d.code && f.line - 1 === d.range.start.line && f.column - 1 === d.range.start.character,
    );
  const text = doc.getText();
  const name = displayName(ws, file);
  const limits = ws.prepared.load.limits;
  const verify = (t: string): readonly Finding[] => activeFindings(ws, t, file);
  const edit = (fixed: string): CodeAction['edit'] => ({ changes: { [doc.uri]: [minimalEdit(doc, fixed)] } });
  const actions: CodeAction[] = [];
  let fixable = false;
  if (only === undefined || asked(CodeActionKind.QuickFix))
    for (const diagnostic of diagnostics) {
      const key = (diagnostic.data as DiagnosticData | undefined)?.key;
      const finding = key !== undefined ? byKey.get(key) : at(diagnostic);
      if (!finding) continue;
      if (finding.fix) {
        fixable = true;
        const outcome = fixText(text, name, [finding], verify, limits);
        if (outcome.fixed.length > 0 && outcome.text !== text)
          actions.push({
            title: `Fix ${finding.ruleId}: ${outcome.fixed[0].edits.map(showEdit).join('; ')}`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            isPreferred: true,
            edit: edit(outcome.text),
          });
      }
      const suppressed = suppress(ws, text, name, finding);
      if (suppressed !== undefined)
        actions.push({
          title: `Suppress ${finding.ruleId} on ${finding.resource}: then write why in its reason (until then it does not apply)`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          edit: edit(suppressed),
        });
    }
  // every fix at once, as `opslint fix` makes them: beside a fix when there are others, and as the source action
  const fixes = findings.filter((f) => f.fix).length;
  const several = fixable && fixes > 1 && fixes * text.length <= QUICK_FIX_ALL_BUDGET;
  if (several || asked(FIX_ALL_KIND)) {
    let all = fixedAll.get(doc);
    if (all?.version !== doc.version || all.ws !== ws) {
      const outcome = fixText(text, name, findings, verify, limits);
      all = {
        version: doc.version,
        ws,
        text: outcome.fixed.length > 0 && outcome.text !== text ? outcome.text : undefined,
      };
      fixedAll.set(doc, all);
    }
    if (all.text !== undefined) {
      if (several) actions.push({ title: FIX_ALL_TITLE, kind: CodeActionKind.QuickFix, edit: edit(all.text) });
      if (asked(FIX_ALL_KIND)) actions.push({ title: FIX_ALL_TITLE, kind: FIX_ALL_KIND, edit: edit(all.text) });
    }
  }
  return actions;
}

/**
 * `text` with a suppression of the finding's rule in its resource's `Metadata` (`opslint.suppress`) whose reason
 * is the placeholder, or undefined where none can be written or none could apply: a finding about the whole
 * template, the engine's own findings, a resource not written as such (made by SAM or `Fn::ForEach`), a rule the
 * configuration lists in `suppressions.unsuppressible`.
 */
function suppress(ws: Workspace, text: string, name: string, finding: Finding): string | undefined {
  if (finding.resource === '' || finding.pack === ENGINE_PACK || finding.ruleId === INTERNAL_ERROR) return undefined;
  if (ws.prepared.report.suppressions?.unsuppressible?.includes(finding.ruleId)) return undefined;
  const edit: FixEdit = {
    path: formatPath(['Resources', finding.resource, 'Metadata', 'opslint', 'suppress']),
    item: { id: finding.ruleId, reason: PLACEHOLDER_REASON },
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
