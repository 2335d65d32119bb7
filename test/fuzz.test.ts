/**
 * Short, seeded property-based runs of every kind of case (see scripts/fuzz/run.ts): random and mutated
 * templates, hostile templates, cloud assemblies and `fix` round-trips. Nothing escapes as an exception, no
 * rule fails internally, every error and finding is inside its file or folder, every reporter's output is
 * well-formed and inert, a second run gives the same output, and no case hangs or exhausts memory (the cases
 * run on a worker thread, stopped after 30 s or 1.5 GB). Long runs: `npm run fuzz -- --runs 100000`.
 */
import { describeResult, runFuzz, type KindName, type RunResult } from '../scripts/fuzz/run';

const SEED = 20_260_101;

async function run(kind: KindName, runs: number): Promise<RunResult> {
  const started = Date.now();
  const result = await runFuzz({ kind, runs, seed: SEED, slowMs: 10_000, hangMs: 30_000, heapMb: 1536, shrink: false });
  // the failure, if any, with the seed and path that replay it
  expect(describeResult(result, SEED, Math.round((Date.now() - started) / 1000)).slice(1)).toEqual([]);
  return result;
}

describe('fuzzing', () => {
  it('holds for 300 random and mutated templates, which reach both the input errors and the rules', async () => {
    const r = await run('template', 300);
    // the cases are not all rejected, nor all trivially clean
    expect(r.inputErrors).toBeGreaterThan(30);
    expect(r.runs - r.inputErrors).toBeGreaterThan(100);
    expect(r.findings).toBeGreaterThan(r.runs - r.inputErrors);
  }, 300_000);

  it('holds for 50 hostile templates with parameters, conditions, chains, loops, directives and hostile strings', async () => {
    const r = await run('hostile', 50);
    expect(r.runs - r.inputErrors).toBeGreaterThan(25);
    expect(r.findings).toBeGreaterThan(r.runs);
  }, 300_000);

  it('holds for 40 cloud assemblies with cycles, links out of the folder and hostile names', async () => {
    const r = await run('assembly', 40);
    expect(r.findings).toBeGreaterThan(0);
  }, 300_000);

  it('holds for 40 fix round-trips', async () => {
    const r = await run('fix', 40);
    expect(r.findings).toBeGreaterThan(40);
  }, 300_000);
});
