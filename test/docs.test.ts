/** The rule docs in docs/rules are generated from metadata and fixtures (`npm run docs`); this fails when they are stale. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ruleDocFileName } from '../lib/engine/rule';
import { BUILTIN_PACKS } from '../rules';
import { DOCS_DIR, generateDocs } from '../scripts/docs';
import { runCli } from '../scripts/support/cli';

describe('docs/rules', () => {
  const expected = generateDocs();

  it('are current: `npm run docs` regenerates them', () => {
    const onDisk = readdirSync(DOCS_DIR).sort();
    expect(onDisk).toEqual([...expected.keys()].sort());
    const stale = [...expected]
      .filter(([name, content]) => readFileSync(path.join(DOCS_DIR, name), 'utf8') !== content)
      .map(([name]) => name);
    expect(stale).toEqual([]);
  });

  it('have a page for every rule, with its best practice, why, fixes and a failing and a passing example', () => {
    for (const rule of BUILTIN_PACKS.flatMap((p) => p.rules)) {
      const page = expected.get(ruleDocFileName(rule.id));
      expect(page).toBeDefined();
      expect(page).toContain(`| Best practice | [${rule.bestPractice} `);
      for (const heading of [
        '## Why',
        '### CloudFormation',
        '### CDK',
        '### Failing: ',
        '### Passing: ',
        'Findings:',
        '| Automatic fix | ',
      ])
        expect(page).toContain(heading);
    }
    expect(expected.get(ruleDocFileName('lambda-tracing'))).toContain('| Automatic fix | yes: `opslint fix` ');
    expect(expected.get(ruleDocFileName('alarm-coverage'))).toContain('| Automatic fix | no |');
  });

  it('are indexed by question and best practice, with every question and the practices that need a human review', () => {
    const index = expected.get('README.md')!;
    for (let q = 1; q <= 11; q++) expect(index).toContain(`[OPS${String(q).padStart(2, '0')}]`);
    expect(index).toContain('OPS01-BP01 Evaluate external customer needs](');
    expect(index).toMatch(/OPS01-BP01 Evaluate external customer needs\]\([^)]+\): needs a human review/);
    expect(index).toContain('[`lambda-tracing`](lambda-tracing.md)');
  });

  it('are what `opslint explain --format markdown` prints', async () => {
    const { code, stdout } = await runCli(['explain', 'lambda-tracing', '--format', 'markdown']);
    expect(code).toBe(0);
    expect(stdout).toBe(readFileSync(path.join(DOCS_DIR, 'lambda-tracing.md'), 'utf8'));
    const unknown = await runCli(['explain', 'no-such-rule']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('opslint: unknown rule "no-such-rule"; `opslint rules` lists them\n');
    expect(existsSync(path.join(DOCS_DIR, 'README.md'))).toBe(true);
  });
});
