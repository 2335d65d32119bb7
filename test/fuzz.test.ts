/**
 * A short, seeded property-based run over random and mutated templates (see ./helpers/fuzz.ts): nothing
 * escapes as an exception, no rule fails internally, every error and finding is inside its file, and a
 * second run gives the same output. Long runs: `npm run fuzz -- --runs 100000`.
 */
import fc from 'fast-check';
import { fuzzCases, holds } from './helpers/fuzz';

describe('fuzzing the read-and-check path', () => {
  it('holds for 300 seeded cases, which reach both the input errors and the rules', () => {
    let inputErrors = 0;
    let read = 0;
    let findings = 0;
    fc.assert(
      fc.property(fuzzCases(), (c) => {
        const outcome = holds(c);
        if (outcome.inputError) inputErrors++;
        else read++;
        findings += outcome.findings;
      }),
      { seed: 20_260_101, numRuns: 300 },
    );
    // the cases are not all rejected, nor all trivially clean
    expect(inputErrors).toBeGreaterThan(30);
    expect(read).toBeGreaterThan(100);
    expect(findings).toBeGreaterThan(read);
  }, 600_000);
});
