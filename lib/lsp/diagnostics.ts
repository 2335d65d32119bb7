/**
 * Findings as LSP diagnostics: one per active finding, at its resource or property (the model's 1-based
 * line:col made 0-based here, once, and widened to the key or value token written there), with the rule id as
 * code and the rule's page as its link, the message in the editor's terms. Needs-context reminders are one
 * Information diagnostic for the document, grouped as every report groups them (lib/reporters/reminders.ts). While
 * a document does not parse, its last good findings are moved to where their lines are now.
 */
import { diffLines } from 'diff';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isActive, type Finding, type Severity } from '../engine/finding';
import { NEEDS_CONTEXT } from '../engine/emit';
import { RULE_DOCS_BASE } from '../engine/rule';
import { findingKey } from '../fix/apply';
import { bestPracticeLabel } from '../framework';
import { groupReminders, type ReminderGroup } from '../reporters/reminders';
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
    message: `${inEditorTerms(f.message)} (${bestPracticeLabel(f.bestPractice)})${suffix}`,
    data: { key: findingKey(f) } satisfies DiagnosticData,
  }));
  if (reminders.length > 0)
    out.push({
      range: reminderRange(doc, reminders),
      severity: DiagnosticSeverity.Information,
      code: NEEDS_CONTEXT_CODE,
      codeDescription: { href: NEEDS_CONTEXT_DOCS },
      source: SOURCE,
      message: `${plural(reminders.length, 'check')} need${reminders.length === 1 ? 's' : ''} context outside this template: ${reminders.map((r) => r.ruleId).join(', ')}. ${howToGiveContext(reminders)}${suffix}`,
    });
  return out;
}

/** The code of the one diagnostic that stands for a document's needs-context reminders. */
export const NEEDS_CONTEXT_CODE = 'needs-context';

/** Where the README explains the checks that need context and the account baseline (beside the rules' pages). */
const NEEDS_CONTEXT_DOCS = new URL('../../README.md#using-it', RULE_DOCS_BASE).href;

/** Where the needs-context diagnostic is: at the first reminder (most often the `Resources:` key). */
export function reminderRange(doc: TextDocument, reminders: readonly ReminderGroup[]): Range {
  const first = reminders[0].findings[0];
  return tokenRange(doc, first.line, first.column);
}

/**
 * How to give the reminders' checks the context they need, in one sentence and in the editor's terms: the
 * configuration's `accountBaseline` for an account check, the app's cloud assembly for a check of the whole app.
 */
export function howToGiveContext(reminders: readonly ReminderGroup[]): string {
  const needs = new Set(reminders.map((r) => (r.findings[0].needsContext === NEEDS_CONTEXT.app ? 'app' : 'account')));
  const ways = [
    ...(needs.has('account')
      ? ['list the templates or stacks that hold the account baseline under accountBaseline in opslint.config.*']
      : []),
    ...(needs.has('app') ? [`scan the whole app's cloud assembly (cdk.out)`] : []),
  ];
  return `To enforce ${reminders.length === 1 ? 'it' : 'them'}, ${ways.join(', and ')}.`;
}

/**
 * A message written for the command line in the editor's terms (as lib/cdk/report.ts words it for the CDK):
 * parameters and the account baseline are given in the configuration file, not as options.
 */
export function inEditorTerms(text: string): string {
  return text
    .replace(
      /\bpass ((?:-p [^\s=]+=\u2026 )+)to check\b/g,
      (_all, options: string) =>
        `set ${[...options.matchAll(/-p ([^\s=]+)=\u2026/g)].map((m) => m[1]).join(', ')} under parameters in opslint.config.* to check`,
    )
    .replace(/\(--account-baseline\)/g, '(accountBaseline in opslint.config.*)');
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

/**
 * One diagnostic for text that does not read as a template, at the error's line:col (the start without one); its
 * code is what the JUnit report calls an input error, so that it can be told from findings and filtered.
 */
export function errorDiagnostic(
  doc: TextDocument,
  message: string,
  position?: { line: number; column: number },
): Diagnostic {
  return {
    range: tokenRange(doc, position?.line ?? 1, position?.column ?? 1),
    severity: DiagnosticSeverity.Error,
    code: 'input-error',
    source: SOURCE,
    message,
  };
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
