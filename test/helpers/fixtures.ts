/** The fixture convention: fixtures/<pack>/<rule>/{pass,fail}-*.{yaml,yml,json} (or cloud assembly folders) plus expected.json. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ExpectedFinding } from '../../lib/testing';
import type { RuleOptions } from '../../lib/engine/rule';

export const FIXTURES = path.resolve(__dirname, '../../fixtures');

export interface FixtureCase {
  readonly kind: 'pass' | 'fail';
  readonly name: string;
  readonly file: string;
  readonly options?: RuleOptions;
  readonly parameters?: Record<string, string>;
  readonly accountBaseline?: boolean;
  /** a pass fixture in which the rule judges nothing (see ValidCase) */
  readonly notApplicable: boolean;
  readonly errors: readonly ExpectedFinding[];
}

interface ExpectedEntry {
  readonly options?: RuleOptions;
  readonly parameters?: Record<string, string>;
  /** run as the account baseline (rules with account context are enforced) */
  readonly accountBaseline?: boolean;
  readonly notApplicable?: boolean;
  readonly errors?: ExpectedFinding[];
}

export function ruleFixtureDir(packId: string, ruleId: string): string {
  return path.join(FIXTURES, packId, ruleId);
}

/** The cases of one rule's fixture folder; throws when expected.json and the files disagree. */
export function fixtureCases(packId: string, ruleId: string): FixtureCase[] {
  const dir = ruleFixtureDir(packId, ruleId);
  if (!existsSync(dir)) return [];
  const expectedFile = path.join(dir, 'expected.json');
  const expected: Record<string, ExpectedEntry> = existsSync(expectedFile)
    ? JSON.parse(readFileSync(expectedFile, 'utf8'))
    : {};
  const names = readdirSync(dir)
    .filter((n) => /^(pass|fail)-/.test(n))
    .sort();
  for (const key of Object.keys(expected)) {
    if (!names.includes(key)) throw new Error(`${expectedFile}: "${key}" is not a fixture in ${dir}`);
  }
  return names.map((name) => {
    const kind = name.startsWith('pass-') ? 'pass' : 'fail';
    const entry = expected[name] ?? {};
    if (kind === 'fail' && !(entry.errors && entry.errors.length > 0))
      throw new Error(`${expectedFile}: no expected findings for ${name}`);
    if (kind === 'pass' && entry.errors && entry.errors.length > 0)
      throw new Error(`${expectedFile}: ${name} is a pass fixture but lists findings`);
    if (kind === 'fail' && entry.notApplicable !== undefined)
      throw new Error(`${expectedFile}: ${name} is a fail fixture but says whether the rule applies`);
    return {
      kind,
      name,
      file: path.join(dir, name),
      options: entry.options,
      parameters: entry.parameters,
      accountBaseline: entry.accountBaseline,
      notApplicable: entry.notApplicable === true,
      errors: entry.errors ?? [],
    };
  });
}
