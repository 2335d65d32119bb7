/** Every built-in rule against its fixtures, through the RuleTester. */
import { RuleTester } from '../lib/testing';
import { BUILTIN_PACKS } from '../rules';
import { fixtureCases } from './helpers/fixtures';

const tester = new RuleTester();

for (const pack of BUILTIN_PACKS) {
  for (const rule of pack.rules) {
    const cases = fixtureCases(pack.id, rule.id);
    tester.run(rule, {
      valid: cases.filter((c) => c.kind === 'pass').map((c) => ({ name: c.name, file: c.file, options: c.options, parameters: c.parameters })),
      invalid: cases.filter((c) => c.kind === 'fail').map((c) => ({ name: c.name, file: c.file, options: c.options, parameters: c.parameters, errors: c.errors })),
    });
  }
}
