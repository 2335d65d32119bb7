/** Each rule of the pack against its fixtures (fixtures/<rule>/pass-*, fail-* and expected.json), with opslint's RuleTester. */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { testPackFixtures } from 'opslint/testing';
import pack from '../src';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

testPackFixtures(pack, FIXTURES);

describe('the pack', () => {
  it('has fixtures for every rule, in its namespace', () => {
    for (const rule of pack.rules) {
      expect(rule.id.startsWith('acme/')).toBe(true);
      expect(existsSync(path.join(FIXTURES, rule.id.split('/')[1]))).toBe(true);
    }
  });
});
