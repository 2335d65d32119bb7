/**
 * What a scan shows of each OPS question and best practice, as evidence for a Well-Architected review: per best
 * practice (a choice of the question in the Well-Architected Tool) what was checked and how many resources passed
 * and failed, with the findings most important first; per question, the same in more words, and which of its best
 * practices a template cannot show. Built from the report alone (its scorecard and findings), so that `opslint wa
 * report` needs no AWS call and `opslint wa sync` writes the same text.
 */
import type { Finding, ScanReport, ScorecardBestPractice, Severity } from '../engine/finding';
import { SEVERITIES } from '../engine/finding';
import { choiceNote, questionNote } from './notes';

/** The evidence of one best practice. */
export interface BestPracticeEvidence extends Omit<ScorecardBestPractice, 'url'> {
  /** its active findings, most important first (errors, then warnings, then info; by place within each) */
  readonly findings: readonly Finding[];
  /** its suppressed findings, each with its reason, in the same order */
  readonly suppressedFindings: readonly Finding[];
  /** the choice's note: at most {@link CHOICE_NOTE_LIMIT} characters */
  readonly note: string;
  /** the same note in `room` characters, beside a reviewer's text: fewer findings listed */
  readonly noteIn: (room: number) => string;
  /** for a best practice this scan did not check: whether a rule opslint knows would (one left out of the scan) */
  readonly checkableElsewhere?: boolean;
}

/** The evidence of one question. */
export interface QuestionEvidence {
  readonly id: string;
  readonly title: string;
  readonly bestPractices: readonly BestPracticeEvidence[];
  /** the question's note: at most {@link QUESTION_NOTE_LIMIT} characters */
  readonly note: string;
  /** the same note in `room` characters, beside a reviewer's text: fewer findings listed */
  readonly noteIn: (room: number) => string;
}

export interface WaEvidence {
  /** what the scan read: the evidence is incomplete when it could not read some of it */
  readonly scanned: { readonly templates: number; readonly resources: number; readonly errors: number };
  readonly questions: readonly QuestionEvidence[];
}

export interface EvidenceOptions {
  /** where the full report is published, named in every question's note */
  readonly reportUrl?: string;
  /** the best practices that some rule opslint knows checks, run in this scan or not */
  readonly checkedByRules?: ReadonlySet<string>;
}

/** The evidence of a scan's report, question by question in framework order. */
export function waEvidence(report: ScanReport, options: EvidenceOptions = {}): WaEvidence {
  const active = new Map<string, Finding[]>();
  const suppressed = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const byBestPractice = f.suppressed ? suppressed : active;
    const list = byBestPractice.get(f.bestPractice);
    if (list) list.push(f);
    else byBestPractice.set(f.bestPractice, [f]);
  }
  const { templates, resources, errors } = report.summary;
  return {
    scanned: { templates, resources, errors },
    questions: report.summary.scorecard.questions.map((q) => {
      const bestPractices = q.bestPractices.map((bp): BestPracticeEvidence => {
        const { url: _url, ...counts } = bp;
        const findings = [...(active.get(bp.id) ?? [])].sort(byImportance);
        const suppressedFindings = [...(suppressed.get(bp.id) ?? [])].sort(byImportance);
        return {
          ...counts,
          findings,
          suppressedFindings,
          note: choiceNote(counts, findings),
          noteIn: (room) => choiceNote(counts, findings, room),
          ...(!bp.checkable && options.checkedByRules ? { checkableElsewhere: options.checkedByRules.has(bp.id) } : {}),
        };
      });
      return {
        id: q.id,
        title: q.title,
        bestPractices,
        note: questionNote(bestPractices, options.reportUrl),
        noteIn: (room) => questionNote(bestPractices, options.reportUrl, room),
      };
    }),
  };
}

const RANK: Readonly<Record<Severity, number>> = Object.fromEntries(SEVERITIES.map((s, i) => [s, i])) as Record<
  Severity,
  number
>;

/** Errors before warnings before info; then in report order (file, line, rule). */
function byImportance(a: Finding, b: Finding): number {
  return RANK[a.severity] - RANK[b.severity];
}
