/**
 * Findings as LSP diagnostics: one per active finding, at its resource or property (the model's 1-based
 * line:col made 0-based here, once, and widened to the key or value token written there), with the rule id as
 * code and the rule's page as its link. Needs-context reminders are one Information diagnostic for the document,
 * grouped as every report groups them (lib/reporters/reminders.ts).
 */
import { diffLines } from 'diff';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isActive, type Finding, type Severity } from '../engine/finding';
import { findingKey } from '../fix/apply';
import { bestPractice } from '../framework';
import { groupReminders } from '../reporters/reminders';
import { plural } from '../util/words';

export const SOURCE = 'opslint';

const SEVERITY: Readonly<Record<Severity, DiagnosticSeverity>> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** What a diagnostic carries back to the server in a code action request: which finding it shows. */
export interface DiagnosticData {
  readonly key: string;
}

/**
 * The diagnostics of a document's findings. `stale` says they come from the last text that parsed (the
 * document does not parse now), which their messages then say.
 */
export function findingDiagnostics(doc: TextDocument, findings: readonly Finding[], stale = false): Diagnostic[] {
  const { findings: listed, reminders } = groupReminders(findings.filter(isActive));
  const suffix = stale ? ' (from the last parse: the template does not parse now)' : '';
  const out = listed.map((f): Diagnostic => ({
    range: tokenRange(doc, f.line, f.column),
    severity: SEVERITY[f.severity],
    code: f.ruleId,
    ...(f.docs ? { codeDescription: { href: f.docs } } : {}),
    source: SOURCE,
    message: `${f.message} ${practiceLabel(f.bestPractice)}${suffix}`,
    data: { key: findingKey(f) } satisfies DiagnosticData,
  }));
  if (reminders.length > 0) {
    const first = reminders[0].findings[0];
    const reasons = [...new Set(reminders.map((r) => r.findings[0].needsContext))];
    out.push({
      range: tokenRange(doc, first.line, first.column),
      severity: DiagnosticSeverity.Information,
      source: SOURCE,
      message: `${plural(reminders.length, 'check')} need${reminders.length === 1 ? 's' : ''} context outside this template: ${reminders.map((r) => r.ruleId).join(', ')}. ${reasons.map((r) => `Needs context: ${r}`).join(' ')}${suffix}`,
    });
  }
  return out;
}

/**
 * The findings of `before` (the last text that parsed) moved to where their lines are in `after` (a line diff); a
 * finding whose line was changed or removed is dropped, as is every one when `after` is too far from `before`.
 */
export function movedFindings(before: string, after: string, findings: readonly Finding[]): Finding[] {
  // a limit on the lines changed: a diff of unrelated texts takes long and keeps nothing
  const changes = diffLines(before, after, { maxEditLength: 2000 });
  if (!changes) return [];
  // each line kept, 1-based: where it is in `after`
  const moved = new Map<number, number>();
  let from = 1;
  let to = 1;
  for (const change of changes) {
    if (!change.added && !change.removed) for (let i = 0; i < change.count; i++) moved.set(from + i, to + i);
    if (!change.added) from += change.count;
    if (!change.removed) to += change.count;
  }
  return findings.flatMap((f) => {
    const line = moved.get(f.line);
    return line === undefined ? [] : [{ ...f, line }];
  });
}

/** One diagnostic for text that does not read as a template, at the error's line:col (the start without one). */
export function errorDiagnostic(
  doc: TextDocument,
  message: string,
  position?: { line: number; column: number },
): Diagnostic {
  return {
    range: tokenRange(doc, position?.line ?? 1, position?.column ?? 1),
    severity: DiagnosticSeverity.Error,
    source: SOURCE,
    message,
  };
}

/** `(OPS04-BP05 Implement distributed tracing)`: the best practice with its title, when the framework knows it. */
export function practiceLabel(id: string): string {
  const title = bestPractice(id)?.title;
  return `(${id}${title ? ` ${title}` : ''})`;
}

/**
 * The range of the token that starts at the 1-based `line`:`column`: a quoted string, a key (up to its colon) or
 * a plain value; the rest of the line when no token starts there (a `{` or a `-`), and one character at worst.
 */
export function tokenRange(doc: TextDocument, line: number, column: number): Range {
  const start = { line: Math.max(0, line - 1), character: Math.max(0, column - 1) };
  const lineEnd = doc.offsetAt({ line: start.line + 1, character: 0 });
  const from = doc.offsetAt(start);
  const rest = doc
    .getText()
    .slice(from, lineEnd)
    .replace(/\r?\n$/, '');
  const token = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s,:{}[\]]+(?:::?[^\s,:{}[\]]+)*)/.exec(rest)?.[0];
  const length = token ? token.length : rest.trimEnd().length;
  return { start, end: doc.positionAt(from + Math.max(length, 1)) };
}
