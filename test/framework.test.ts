/**
 * The OPS pillar data (lib/framework): the 11 questions and their best practices in framework order, the
 * lookups, the old 9-question seed numbering, and that every built-in rule points at a best practice a
 * template can show evidence for.
 */
import {
  allBestPractices,
  bestPractice,
  DOCS_BASE,
  question,
  questionForSeed,
  questionUrl,
  QUESTIONS,
  SEED_BEST_PRACTICES,
} from '../lib/framework';
import { BUILTIN_PACKS } from '../rules';

const COUNTS: Record<string, number> = {
  OPS01: 6,
  OPS02: 6,
  OPS03: 7,
  OPS04: 5,
  OPS05: 10,
  OPS06: 4,
  OPS07: 6,
  OPS08: 5,
  OPS09: 3,
  OPS10: 7,
  OPS11: 9,
};

describe('questions', () => {
  it('are OPS01..OPS11, in order, with their numbers of best practices', () => {
    expect(QUESTIONS.map((q) => q.id)).toEqual(Object.keys(COUNTS));
    expect(Object.fromEntries(QUESTIONS.map((q) => [q.id, q.bestPractices.length]))).toEqual(COUNTS);
    expect(allBestPractices()).toHaveLength(68);
  });

  it('have unique ids and slugs, a title asked as a question and a topic', () => {
    expect(new Set(QUESTIONS.map((q) => q.id)).size).toBe(11);
    expect(new Set(QUESTIONS.map((q) => q.slug)).size).toBe(11);
    for (const q of QUESTIONS) {
      expect(q.title).toMatch(/^How .+\?$/);
      expect(q.topic).not.toBe('');
      expect(q.slug).toMatch(/^[a-z0-9-]+$/);
      expect(question(q.id)).toBe(q);
      expect(questionUrl(q)).toBe(`${DOCS_BASE}${q.slug}.html`);
    }
    expect(question('OPS12')).toBeUndefined();
  });
});

describe('best practices', () => {
  it('have ids OPSnn-BPnn belonging to their question, numbered from 01 without gaps', () => {
    for (const q of QUESTIONS) {
      q.bestPractices.forEach((bp, i) => {
        expect(bp.id).toMatch(/^OPS\d\d-BP\d\d$/);
        expect(bp.id).toBe(`${q.id}-BP${String(i + 1).padStart(2, '0')}`);
      });
    }
  });

  it('have unique ids, unique slugs and titles without a trailing period', () => {
    const all = allBestPractices();
    expect(new Set(all.map((bp) => bp.id)).size).toBe(all.length);
    expect(new Set(all.map((bp) => bp.slug)).size).toBe(all.length);
    for (const bp of all) {
      expect(bp.slug).toMatch(/^[a-z0-9_]+$/);
      expect(bp.title).not.toMatch(/\.$/);
      expect(typeof bp.templateCheckable).toBe('boolean');
    }
  });

  it('are listed by allBestPractices in framework order, each knowing its question', () => {
    const all = allBestPractices();
    expect(all.map((bp) => bp.id)).toEqual(QUESTIONS.flatMap((q) => q.bestPractices.map((bp) => bp.id)));
    for (const bp of all) {
      const q = question(bp.question)!;
      expect(bp.id.startsWith(`${q.id}-`)).toBe(true);
      expect(bp.questionTitle).toBe(q.title);
      expect(bp.seedQuestion).toBe(q.seedId);
      expect(bp.url).toBe(`${DOCS_BASE}${bp.slug}.html`);
    }
  });

  it('bestPractice() looks one up by id', () => {
    const bp = bestPractice('OPS04-BP05');
    expect(bp).toMatchObject({
      id: 'OPS04-BP05',
      title: 'Implement distributed tracing',
      question: 'OPS04',
      questionTitle: 'How do you implement observability in your workload?',
      seedQuestion: 'OPS 2',
      templateCheckable: true,
    });
    expect(bp?.url).toMatch(
      /^https:\/\/docs\.aws\.amazon\.com\/wellarchitected\/.*\/ops_observability_dist_trace\.html$/,
    );
    expect(bestPractice('OPS04-BP06')).toBeUndefined();
    expect(bestPractice('ops04-bp05')).toBeUndefined();
    expect(bestPractice('')).toBeUndefined();
  });
});

describe('the seed numbering', () => {
  it('maps an old question number to the current question, in its written forms', () => {
    for (const form of ['OPS 2', 'OPS2', 'OPS 02', 'ops 2']) expect(questionForSeed(form)).toBe('OPS04');
    expect(questionForSeed('OPS 1')).toBe('OPS01');
    expect(questionForSeed('OPS 3')).toBe('OPS05');
    expect(questionForSeed('OPS 9')).toBe('OPS11');
    expect(questionForSeed('OPS 10')).toBeUndefined();
    expect(questionForSeed('OPS 0')).toBeUndefined();
    expect(questionForSeed('BP 2')).toBeUndefined();
  });

  it('gives OPS02 and OPS03 no seed id, and every other question a distinct one', () => {
    expect(question('OPS02')?.seedId).toBeUndefined();
    expect(question('OPS03')?.seedId).toBeUndefined();
    const seeded = QUESTIONS.filter((q) => q.seedId !== undefined);
    expect(seeded.map((q) => q.seedId)).toEqual([
      'OPS 1',
      'OPS 2',
      'OPS 3',
      'OPS 4',
      'OPS 5',
      'OPS 6',
      'OPS 7',
      'OPS 8',
      'OPS 9',
    ]);
  });

  it('maps each seed best practice to a known best practice, or to none', () => {
    expect(SEED_BEST_PRACTICES.length).toBeGreaterThan(0);
    for (const seed of SEED_BEST_PRACTICES) {
      expect(seed.seedQuestion).toMatch(/^OPS [1-9]$/);
      expect(questionForSeed(seed.seedQuestion)).toBeDefined();
      if (seed.current !== null) expect(bestPractice(seed.current)).toBeDefined();
    }
    expect(SEED_BEST_PRACTICES).toContainEqual({
      seedQuestion: 'OPS 2',
      seedTitle: 'Implement transaction traceability',
      current: 'OPS04-BP05',
    });
  });
});

describe('built-in rules', () => {
  const rules = BUILTIN_PACKS.flatMap((p) => p.rules);

  it('exist', () => {
    expect(rules.length).toBeGreaterThan(0);
  });

  it.each(rules.map((r) => [r.id, r.bestPractice] as const))(
    '%s names a known best practice a template can show (%s)',
    (_id, id) => {
      const bp = bestPractice(id);
      expect(bp).toBeDefined();
      expect(bp?.templateCheckable).toBe(true);
    },
  );
});
