/**
 * Every built-in rule against its fixtures, through the RuleTester. A pass fixture in which the rule judges nothing
 * says so in expected.json (`notApplicable`); every other one must be judged and pass.
 */
import { RuleTester } from '../lib/testing';
import { BUILTIN_PACKS } from '../rules';
import { fixtureCases } from './helpers/fixtures';

const tester = new RuleTester();

for (const pack of BUILTIN_PACKS) {
  for (const rule of pack.rules) {
    const cases = fixtureCases(pack.id, rule.id);
    tester.run(rule, {
      valid: cases
        .filter((c) => c.kind === 'pass')
        .map(({ name, file, options, parameters, accountBaseline, notApplicable }) => ({
          name,
          file,
          options,
          parameters,
          accountBaseline,
          notApplicable,
        })),
      invalid: cases
        .filter((c) => c.kind === 'fail')
        .map(({ name, file, options, parameters, accountBaseline, errors }) => ({
          name,
          file,
          options,
          parameters,
          accountBaseline,
          errors,
        })),
    });
  }
}
