/**
 * `opslint wa report`: the evidence of a scan as the notes `opslint wa sync` would write, offline. JSON (one entry
 * per question, with its best practices and notes) or Markdown for people.
 */
import { markdownText, printable } from '../reporters/escape';
import { packageVersion } from '../version';
import type { Finding } from '../engine/finding';
import type { WaEvidence } from './evidence';
import { plural } from '../util/words';
import { CHOICE_NOTE_LIMIT, findingLabel, mergeNote, QUESTION_NOTE_LIMIT } from './notes';

/** The evidence as JSON: each question with its note and its best practices (the review's choices). */
export function evidenceJson(evidence: WaEvidence): string {
  return `${JSON.stringify(
    {
      tool: { name: 'opslint', version: packageVersion() },
      scanned: evidence.scanned,
      questions: evidence.questions.map((q) => ({
        id: q.id,
        title: q.title,
        notes: mergeNote(undefined, q.note, QUESTION_NOTE_LIMIT),
        choices: q.bestPractices.map((bp) => ({
          bestPractice: bp.id,
          title: bp.title,
          checkable: bp.checkable,
          rules: bp.rules,
          resources: bp.resources,
          passed: bp.passed,
          failed: bp.failed,
          suppressed: bp.suppressed,
          needsContext: bp.needsContext,
          notes: mergeNote(undefined, bp.note, CHOICE_NOTE_LIMIT),
          findings: bp.findings.map(findingJson),
          suppressedFindings: bp.suppressedFindings.map((f) => ({
            ...findingJson(f),
            reason: f.suppressed!.reason,
            ...(f.suppressed!.expires !== undefined ? { expires: f.suppressed!.expires } : {}),
          })),
        })),
      })),
    },
    null,
    2,
  )}\n`;
}

function findingJson(f: Finding) {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    file: f.file,
    line: f.line,
    column: f.column,
    resource: f.resource,
    ...(f.constructPath !== undefined ? { constructPath: f.constructPath } : {}),
  };
}

/** The evidence as Markdown: per question, a table of its best practices and the note it would get. */
export function evidenceMarkdown(evidence: WaEvidence): string {
  const { templates, resources, errors } = evidence.scanned;
  const lines = [
    '# Well-Architected evidence: Operational Excellence',
    '',
    `opslint ${packageVersion()} scanned ${plural(templates, 'template')} (${plural(resources, 'resource')}).${
      errors > 0 ? ` ${plural(errors, 'input')} could not be read: this evidence is incomplete.` : ''
    }`,
    '',
  ];
  for (const q of evidence.questions) {
    lines.push(`## ${q.id} ${markdownText(q.title)}`, '');
    lines.push(
      '| Best practice | Resources | Passed | Failed | Needs context | Suppressed | Most important findings |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const bp of q.bestPractices) {
      const shown = bp.findings.slice(0, 3).map(findingLabel);
      if (bp.findings.length > 3) shown.push(`and ${bp.findings.length - 3} more`);
      // a practice whose rules were left out of the scan (--rule) is not one no rule can check
      // the counts add up: each resource checked passed, failed, needs context or had its finding suppressed
      const counts = bp.checkable
        ? [bp.resources, bp.passed, bp.failed, bp.needsContext, bp.suppressed]
        : [bp.checkableElsewhere === false ? 'not checkable' : 'not checked by this scan', '', '', '', ''];
      lines.push(`| ${bp.id} ${markdownText(bp.title)} | ${counts.join(' | ')} | ${markdownText(shown.join('; '))} |`);
    }
    const suppressed = q.bestPractices.flatMap((bp) =>
      bp.suppressedFindings.map((f) => `- ${bp.id}: ${markdownText(`${findingLabel(f)}: ${f.suppressed!.reason}`)}`),
    );
    if (suppressed.length > 0) lines.push('', 'Suppressed findings, with their reasons:', '', ...suppressed);
    // the note as written, in a code block: read as it is, in a terminal as on a rendered page
    const note = mergeNote(undefined, q.note, QUESTION_NOTE_LIMIT).split('\n').map(printable).join('\n');
    const fence = '`'.repeat(Math.max(3, ...(note.match(/`+/g) ?? []).map((run) => run.length + 1)));
    lines.push('', 'Note on the question:', '', `${fence}text`, note, fence, '');
  }
  return `${lines.join('\n')}\n`;
}
