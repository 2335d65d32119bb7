/**
 * A pack's rules over their fixture folders, as the test of a pack made by `opslint new-pack` runs them:
 * `fixtures/<rule>/pass-*` give no finding, `fail-*` exactly the findings `expected.json` lists for them (and a
 * fixture's `options` there are the rule's options for it). A rule
 * without both kinds of fixture, or a fail-* fixture whose findings are not written down, fails its test with a
 * message saying what to add: a test that checks nothing must not pass.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Pack, RuleOptions } from '../engine/rule';
import { RuleTester, type ExpectedFinding } from './rule-tester';

/** Registers, for each rule of `pack`, the tests of `fixturesDir/<rule id without the namespace>`. */
export function testPackFixtures(pack: Pack, fixturesDir: string, tester = new RuleTester()): void {
  for (const rule of pack.rules) {
    const dir = path.join(fixturesDir, rule.id.slice(rule.id.indexOf('/') + 1));
    const shown = path.relative(process.cwd(), dir) || dir;
    const files = existsSync(dir) ? readdirSync(dir).sort() : [];
    const pass = files.filter((f) => f.startsWith('pass-'));
    const fail = files.filter((f) => f.startsWith('fail-'));
    const problems: string[] = [];
    if (pass.length === 0) problems.push(`no pass-* fixture in ${shown}/: add a template the rule must accept`);
    if (fail.length === 0)
      problems.push(
        `no fail-* fixture in ${shown}/: add a template the rule must report, and its findings in expected.json`,
      );
    const expected = readExpected(path.join(dir, 'expected.json'), `${shown}/expected.json`, problems);
    const listed = fail.filter((f) => {
      if ((expected[f]?.errors ?? []).length > 0) return true;
      problems.push(
        `${shown}/expected.json lists no findings for ${f}: write those the rule must give there (messageId, resource, line)`,
      );
      return false;
    });
    for (const f of Object.keys(expected).filter((f) => !files.includes(f)))
      problems.push(`${shown}/expected.json names ${f}, which is not a fixture in ${shown}/`);
    if (problems.length > 0) {
      RuleTester.describe(rule.id, () => {
        for (const p of problems)
          RuleTester.it(`fixtures: ${p}`, () => {
            throw new Error(`${rule.id}: ${p}`);
          });
      });
    }
    if (pass.length + listed.length > 0) {
      tester.run(rule, {
        valid: pass.map((f) => ({
          file: path.join(dir, f),
          options: expected[f]?.options,
          notApplicable: expected[f]?.notApplicable,
        })),
        invalid: listed.map((f) => ({
          file: path.join(dir, f),
          options: expected[f]!.options,
          errors: expected[f]!.errors!,
        })),
      });
    }
  }
}

/**
 * What expected.json says of a fixture: the findings of a fail-* one, whether the rule judges anything in a pass-*
 * one (`notApplicable`, as in a valid case), and the options of the rule for either.
 */
interface Expected {
  readonly errors?: ExpectedFinding[];
  readonly notApplicable?: boolean;
  readonly options?: RuleOptions;
}

/** expected.json: `{ "fail-x.yaml": { "errors": [...] } }`; {} when there is none, or when it cannot be read (a problem). */
function readExpected(file: string, shown: string, problems: string[]): Record<string, Expected | undefined> {
  if (!existsSync(file)) return {};
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, Expected>;
    problems.push(`${shown} must be an object: { "fail-….yaml": { "errors": [...] } }`);
  } catch (error) {
    problems.push(`${shown} is not valid JSON: ${(error as Error).message}`);
  }
  return {};
}
