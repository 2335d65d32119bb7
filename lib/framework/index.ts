/** Lookups over the OPS pillar data: a best practice by id, its question, its documentation link. */
import { DOCS_BASE, QUESTIONS, SEED_BEST_PRACTICES, type BestPracticeData, type QuestionData } from './pillar-data';

export { DOCS_BASE, QUESTIONS, SEED_BEST_PRACTICES };
export type { BestPracticeData, QuestionData };

/** A best practice with its question and documentation link. */
export interface BestPractice extends BestPracticeData {
  /** the question id, e.g. 'OPS04' */
  readonly question: string;
  /** the question as asked */
  readonly questionTitle: string;
  /** the question's number in the older 9-question numbering, e.g. 'OPS 2' */
  readonly seedQuestion?: string;
  readonly url: string;
}

const BY_ID: ReadonlyMap<string, BestPractice> = new Map(
  QUESTIONS.flatMap((q) =>
    q.bestPractices.map((bp): [string, BestPractice] => [
      bp.id,
      { ...bp, question: q.id, questionTitle: q.title, seedQuestion: q.seedId, url: `${DOCS_BASE}${bp.slug}.html` },
    ]),
  ),
);

/** A best practice by id (`OPS04-BP05`), or undefined. */
export function bestPractice(id: string): BestPractice | undefined {
  return BY_ID.get(id);
}

/** A best practice with its title when the pillar has it: `OPS04-BP05 Implement distributed tracing`. */
export function bestPracticeLabel(id: string): string {
  const title = BY_ID.get(id)?.title;
  return title ? `${id} ${title}` : id;
}

/** A question of the pillar by id (`OPS04`). */
export function question(id: string): QuestionData | undefined {
  return QUESTIONS.find((q) => q.id === id);
}

export function questionUrl(q: QuestionData): string {
  return `${DOCS_BASE}${q.slug}.html`;
}

/** All best practices, in framework order. */
export function allBestPractices(): readonly BestPractice[] {
  return [...BY_ID.values()];
}

/** The current question id for an old seed number: `'OPS 2'` → `'OPS04'`. */
export function questionForSeed(seedId: string): string | undefined {
  const normalized = seedId.replace(/^OPS\s*0?(\d)$/i, 'OPS $1');
  return QUESTIONS.find((q) => q.seedId === normalized)?.id;
}
