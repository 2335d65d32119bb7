/**
 * docs/accuracy.md: opslint's findings on the shared corpus of real templates, rule by rule, with the false
 * positives found by reading a sample of them against the templates (docs/accuracy/review/<rule>.json).
 */
import { readFileSync } from 'node:fs';
import {
  ACCURACY_DOC,
  accuracyMarkdown,
  falseRate,
  measure,
  MIN_REVIEWED,
  TARGET,
  type RuleAccuracy,
} from '../scripts/accuracy';
import { corpusDir } from '../scripts/support/corpus';

describe('accuracy on real-world templates', () => {
  let measured: ReturnType<typeof measure>;
  beforeAll(() => {
    measured = measure(corpusDir());
  });
  const reporting = (): RuleAccuracy[] => measured.rules.filter((r) => r.findings > 0);

  it('docs/accuracy.md is current: `npm run accuracy` regenerates it', () => {
    expect(readFileSync(ACCURACY_DOC, 'utf8')).toBe(accuracyMarkdown(measured));
  });

  it('has findings read by hand for every rule that reports at warning or error', () => {
    const short = reporting()
      .filter((r) => r.reviewed.true + r.reviewed.false + r.reviewed.debatable < Math.min(r.distinct, MIN_REVIEWED))
      .map((r) => `${r.rule}: ${r.reviewed.true + r.reviewed.false + r.reviewed.debatable} of ${r.distinct}`);
    expect(short).toEqual([]);
  });

  it(`keeps every rule at or under ${TARGET * 100}% strict false positives among the findings read`, () => {
    expect(
      reporting()
        .filter((r) => falseRate(r) > TARGET)
        .map((r) => `${r.rule}: ${r.reviewed.false} false`),
    ).toEqual([]);
  });

  it('says what was done about every reviewed finding that is no longer reported: a false positive fixed or a true finding given up', () => {
    const silent = measured.rules.flatMap((r) =>
      r.gone.filter((e) => !e.resolution).map((e) => `${r.rule} ${e.file} ${e.resource}`),
    );
    expect(silent).toEqual([]);
  });
});
