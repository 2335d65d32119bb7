/**
 * `opslint wa sync`'s plan (lib/wa/sync.ts): the review's questions and choices matched by title, never by a
 * hard-coded id; only what changes written; reviewers' notes and selections kept.
 */
import { QUESTIONS } from '../lib/framework';
import type { WaEvidence } from '../lib/wa/evidence';
import { matchReview, passes, planUpdates, type CurrentAnswer, type ReviewQuestion } from '../lib/wa/sync';

/** A note, the same whatever the room. */
const notes = (text: string) => ({ note: text, noteIn: () => text });

/** Evidence of one question: OPS04, its tracing best practice failing, its logging one passing. */
function evidence(tracingFailed: number): WaEvidence {
  const q = QUESTIONS.find((x) => x.id === 'OPS04')!;
  return {
    scanned: { templates: 1, resources: 6, errors: 0 },
    questions: [
      {
        id: q.id,
        title: q.title,
        ...notes(`tracing: ${tracingFailed} failed`),
        bestPractices: q.bestPractices.map((bp) => ({
          id: bp.id,
          title: bp.title,
          checkable: bp.id === 'OPS04-BP05' || bp.id === 'OPS04-BP02',
          rules: [],
          resources: 3,
          passed: bp.id === 'OPS04-BP05' ? 3 - tracingFailed : 3,
          failed: bp.id === 'OPS04-BP05' ? tracingFailed : 0,
          suppressed: 0,
          needsContext: 0,
          findings: [],
          suppressedFindings: [],
          ...notes(`${bp.id}: ${bp.id === 'OPS04-BP05' ? tracingFailed : 0} failed`),
        })),
      },
    ],
  };
}

/** The review as the tool lists it: ids of its own (not opslint's), titles in other case and spacing. */
function review(): ReviewQuestion[] {
  const q = QUESTIONS.find((x) => x.id === 'OPS04')!;
  return [
    { questionId: 'priorities', title: QUESTIONS[0].title, choices: [] },
    {
      questionId: 'observability',
      title: q.title.toUpperCase(),
      choices: [
        ...q.bestPractices.map((bp, i) => ({ choiceId: `obs_${i}`, title: ` ${bp.title.toLowerCase()}  ` })),
        { choiceId: 'obs_none', title: 'None of these' },
      ],
    },
  ];
}

const tracingChoice = (): string => {
  const i = QUESTIONS.find((x) => x.id === 'OPS04')!.bestPractices.findIndex((bp) => bp.id === 'OPS04-BP05');
  return `obs_${i}`;
};

describe('wa sync: matching the review', () => {
  it('finds each question and best practice by its title, whatever the ids', () => {
    const match = matchReview(evidence(1), review());
    const ops04 = match.questions.get('OPS04')!;
    expect(ops04.questionId).toBe('observability');
    expect(ops04.choices.get('OPS04-BP05')).toBe(tracingChoice());
    expect(ops04.none).toBe('obs_none');
  });

  it('names every question and best practice the review does not list', () => {
    const renamed = review().map((q) => ({
      ...q,
      choices: q.choices.filter((c) => !/tracing/i.test(c.title)),
    }));
    expect(() => matchReview(evidence(1), renamed)).toThrow(
      /do not list OPS04-BP05 "Implement distributed tracing": is the workload's wellarchitected lens up to date\?/,
    );
    expect(() => matchReview(evidence(1), [])).toThrow(/do not list OPS04 "/);
  });
});

describe('wa sync: the updates', () => {
  const empty = new Map<string, CurrentAnswer>();

  it('writes every note the first time, then nothing when the evidence is the same', () => {
    const e = evidence(1);
    const match = matchReview(e, review());
    const [update] = planUpdates(e, match, empty);
    expect(update.questionId).toBe('observability');
    expect(update.notes).toBe('[opslint] tracing: 1 failed [/opslint]');
    expect(update.choiceNotes![tracingChoice()]).toBe('[opslint] OPS04-BP05: 1 failed [/opslint]');
    expect(update.selectedChoices).toBeUndefined();
    const written = new Map<string, CurrentAnswer>([
      ['observability', { notes: update.notes!, choiceNotes: update.choiceNotes!, selectedChoices: [] }],
    ]);
    expect(planUpdates(e, match, written)).toEqual([]);
  });

  it('changes only its own part of the notes, and only the notes that changed', () => {
    const match = matchReview(evidence(1), review());
    const [first] = planUpdates(evidence(1), match, empty);
    const now: CurrentAnswer = {
      notes: `Reviewed with the team.\n${first.notes!}`,
      choiceNotes: { ...first.choiceNotes!, obs_0: `Owner: ops.\n${first.choiceNotes!.obs_0}` },
      selectedChoices: ['obs_0'],
    };
    const [update] = planUpdates(evidence(2), match, new Map([['observability', now]]));
    expect(update.notes).toBe('Reviewed with the team.\n[opslint] tracing: 2 failed [/opslint]');
    expect(Object.keys(update.choiceNotes!)).toEqual([tracingChoice()]);
    expect(update.selectedChoices).toBeUndefined();
  });

  it('selects passing choices only when asked, never one with failures, and never unselects', () => {
    const e = evidence(1);
    const match = matchReview(e, review());
    const now: CurrentAnswer = { notes: '', choiceNotes: {}, selectedChoices: ['obs_0'] };
    const [update] = planUpdates(e, match, new Map([['observability', now]]), { selectPassing: true });
    const logging = `obs_${QUESTIONS.find((x) => x.id === 'OPS04')!.bestPractices.findIndex((bp) => bp.id === 'OPS04-BP02')}`;
    expect(update.selectedChoices).toEqual(expect.arrayContaining(['obs_0', logging]));
    expect(update.selectedChoices).not.toContain(tracingChoice());
    // what opslint adds, apart from what reviewers had selected
    expect(update.selecting).toEqual([logging]);
    // a question answered "None of these" keeps its answer
    const none: CurrentAnswer = { notes: '', choiceNotes: {}, selectedChoices: ['obs_none'] };
    const [kept] = planUpdates(e, match, new Map([['observability', none]]), { selectPassing: true });
    expect(kept.selectedChoices).toBeUndefined();
  });
});

describe('wa sync: a passing choice', () => {
  const bp = evidence(0).questions[0].bestPractices.find((b) => b.id === 'OPS04-BP05')!;
  it('is one checked on some resource with no failure, open question or suppression', () => {
    expect(passes(bp)).toBe(true);
    expect(passes({ ...bp, suppressed: 1 })).toBe(false);
    expect(passes({ ...bp, needsContext: 1 })).toBe(false);
    expect(passes({ ...bp, resources: 0, passed: 0 })).toBe(false);
    expect(passes({ ...bp, checkable: false })).toBe(false);
  });
});
