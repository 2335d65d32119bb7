/**
 * What `opslint wa sync` writes into a workload's review: the evidence (./evidence.ts) matched to the questions
 * and choices the Well-Architected Tool lists for the workload, as the updates that change something. Question
 * and choice ids are never assumed (AWS renamed some in 2023): each question is matched to an OPS question by its
 * title, each choice to a best practice by its title; a best practice with evidence but no choice is an error.
 */
import type { BestPracticeEvidence, WaEvidence } from './evidence';
import { CHOICE_NOTE_LIMIT, mergeNote, QUESTION_NOTE_LIMIT } from './notes';

/** A question of the review, as the tool lists it. */
export interface ReviewQuestion {
  readonly questionId: string;
  readonly title: string;
  readonly choices: readonly { readonly choiceId: string; readonly title: string }[];
}

/** What a question's answer holds now. */
export interface CurrentAnswer {
  readonly notes: string;
  readonly choiceNotes: Readonly<Record<string, string>>;
  readonly selectedChoices: readonly string[];
  /** the choices a reviewer marked not applicable: never selected */
  readonly notApplicableChoices?: readonly string[];
  /** false for a question a reviewer marked not applicable: its selection is never changed (its notes are) */
  readonly isApplicable?: boolean;
}

/** One question's update: only what changes. */
export interface AnswerUpdate {
  readonly questionId: string;
  /** the OPS question it answers, e.g. `OPS04` */
  readonly question: string;
  readonly notes?: string;
  readonly choiceNotes?: Readonly<Record<string, string>>;
  /** the selection with the passing choices added (`--select-passing`); never one taken away */
  readonly selectedChoices?: readonly string[];
  /** the choices that selection adds */
  readonly selecting?: readonly string[];
}

/** How each OPS question and best practice is called in the review: question id, and choice id by best practice. */
export interface ReviewMatch {
  readonly questions: ReadonlyMap<
    string,
    {
      readonly questionId: string;
      readonly choices: ReadonlyMap<string, string>;
      /** the question's "None of these" choice, if it has one */
      readonly none?: string;
    }
  >;
}

const NONE_OF_THESE = 'none of these';

/** Titles compared as words: case, punctuation and spacing aside. */
function normalized(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/**
 * The review's ids for the evidence's questions and best practices. Throws an Error naming each question and
 * best practice it cannot find (by title) in the review; a choice opslint has no best practice for ("None of
 * these") is left alone.
 */
export function matchReview(evidence: WaEvidence, review: readonly ReviewQuestion[]): ReviewMatch {
  const byTitle = new Map(review.map((q) => [normalized(q.title), q]));
  const missing: string[] = [];
  const questions = new Map<string, { questionId: string; choices: Map<string, string>; none?: string }>();
  for (const q of evidence.questions) {
    const found = byTitle.get(normalized(q.title));
    if (!found) {
      missing.push(`${q.id} "${q.title}"`);
      continue;
    }
    const choices = new Map(found.choices.map((c) => [normalized(c.title), c.choiceId]));
    const ids = new Map<string, string>();
    for (const bp of q.bestPractices) {
      const id = choices.get(normalized(bp.title));
      if (id !== undefined) ids.set(bp.id, id);
      else missing.push(`${bp.id} "${bp.title}"`);
    }
    const none = choices.get(NONE_OF_THESE);
    questions.set(q.id, { questionId: found.questionId, choices: ids, ...(none !== undefined ? { none } : {}) });
  }
  if (missing.length > 0)
    throw new Error(
      `the review's Operational Excellence questions do not list ${missing.join(', ')}: is the workload's wellarchitected lens up to date?`,
    );
  return { questions };
}

/**
 * A choice whose checks all passed: checked on at least one resource, with no failure, no open question and
 * nothing suppressed (a suppressed finding is a problem accepted, not a practice in place).
 */
export function passes(bp: BestPracticeEvidence): boolean {
  return bp.checkable && bp.resources > 0 && bp.failed === 0 && bp.needsContext === 0 && bp.suppressed === 0;
}

/**
 * The updates that bring each question's notes (and, with `selectPassing`, its selection) to the evidence;
 * questions where nothing would change are left out, so that a second run writes nothing.
 */
export function planUpdates(
  evidence: WaEvidence,
  match: ReviewMatch,
  current: ReadonlyMap<string, CurrentAnswer>,
  options: { readonly selectPassing?: boolean } = {},
): AnswerUpdate[] {
  const updates: AnswerUpdate[] = [];
  for (const q of evidence.questions) {
    const ids = match.questions.get(q.id)!;
    const now = current.get(ids.questionId) ?? { notes: '', choiceNotes: {}, selectedChoices: [] };
    const notes = mergeNote(now.notes, q.noteIn, QUESTION_NOTE_LIMIT);
    const choiceNotes: Record<string, string> = {};
    const selected = new Set(now.selectedChoices);
    // a question the reviewers answered "None of these", or marked not applicable, keeps that answer
    const select =
      options.selectPassing === true &&
      now.isApplicable !== false &&
      (ids.none === undefined || !selected.has(ids.none));
    const notApplicable = new Set(now.notApplicableChoices);
    for (const bp of q.bestPractices) {
      const choiceId = ids.choices.get(bp.id)!;
      const note = mergeNote(now.choiceNotes[choiceId], bp.noteIn, CHOICE_NOTE_LIMIT);
      if (note !== (now.choiceNotes[choiceId] ?? '')) choiceNotes[choiceId] = note;
      if (select && passes(bp) && !notApplicable.has(choiceId)) selected.add(choiceId);
    }
    const update: AnswerUpdate = {
      questionId: ids.questionId,
      question: q.id,
      ...(notes !== now.notes ? { notes } : {}),
      ...(Object.keys(choiceNotes).length > 0 ? { choiceNotes } : {}),
      ...(selected.size > now.selectedChoices.length
        ? {
            selectedChoices: [...selected],
            selecting: [...selected].filter((c) => !now.selectedChoices.includes(c)),
          }
        : {}),
    };
    if (update.notes !== undefined || update.choiceNotes !== undefined || update.selectedChoices !== undefined)
      updates.push(update);
  }
  return updates;
}

/** A choice the review has selected whose checks now fail. */
export interface SelectedButFailing {
  readonly question: string;
  readonly questionId: string;
  /** the best practice's title, the choice's */
  readonly title: string;
  readonly failed: number;
}

/**
 * The choices selected in the review (by reviewers, or by an earlier `--select-passing`) whose checks failed in
 * this scan: opslint unselects nothing, so each is for a reviewer to look at again.
 */
export function selectedButFailing(
  evidence: WaEvidence,
  match: ReviewMatch,
  current: ReadonlyMap<string, CurrentAnswer>,
): SelectedButFailing[] {
  return evidence.questions.flatMap((q) => {
    const ids = match.questions.get(q.id)!;
    const selected = current.get(ids.questionId)?.selectedChoices ?? [];
    return q.bestPractices
      .filter((bp) => bp.failed > 0 && selected.includes(ids.choices.get(bp.id)!))
      .map((bp) => ({ question: q.id, questionId: ids.questionId, title: bp.title, failed: bp.failed }));
  });
}
