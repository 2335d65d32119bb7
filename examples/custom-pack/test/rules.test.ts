/** Each rule of the pack against its fixtures (fixtures/<rule>/pass-*, fail-* and expected.json), with opslint's RuleTester. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { RuleTester, type ExpectedFinding } from 'opslint/testing';
import pack from '../src';

const tester = new RuleTester();
const FIXTURES = path.join(__dirname, '..', 'fixtures');

for (const rule of pack.rules) {
  const dir = path.join(FIXTURES, rule.id.split('/')[1]);
  const expected: Record<string, { errors?: ExpectedFinding[]; options?: Record<string, unknown> }> = existsSync(
    path.join(dir, 'expected.json'),
  )
    ? JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8'))
    : {};
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => /^(pass|fail)-/.test(f)) : [];
  tester.run(rule, {
    valid: files
      .filter((f) => f.startsWith('pass-'))
      .map((f) => ({ file: path.join(dir, f), options: expected[f]?.options })),
    invalid: files
      .filter((f) => f.startsWith('fail-'))
      .map((f) => ({ file: path.join(dir, f), options: expected[f]?.options, errors: expected[f]?.errors ?? [] })),
  });
}

describe('the pack', () => {
  it('has fixtures for every rule, in its namespace', () => {
    for (const rule of pack.rules) {
      expect(rule.id.startsWith('acme/')).toBe(true);
      expect(existsSync(path.join(FIXTURES, rule.id.split('/')[1]))).toBe(true);
    }
  });
});
