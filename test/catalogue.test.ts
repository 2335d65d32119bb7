/**
 * Meta-tests over the whole catalogue: ids, best practices, messages, packs, fixtures, and that every
 * passing fixture is clean for every rule, not only its own.
 */
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { bestPractice } from '../lib/framework';
import { configureRules } from '../lib/engine/config';
import { runRules } from '../lib/engine/runner';
import { FUNCTION_TYPES } from '../lib/semantics';
import { loadCase } from '../lib/testing';
import { BUILTIN_PACKS } from '../rules';
import { fixtureCases, FIXTURES } from './helpers/fixtures';

const ROOT = path.resolve(__dirname, '..');
const allRules = BUILTIN_PACKS.flatMap((p) => p.rules.map((rule) => ({ pack: p, rule })));

describe('catalogue', () => {
  it('has unique rule ids and pack ids', () => {
    const ids = allRules.map((r) => r.rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    const packIds = BUILTIN_PACKS.map((p) => p.id);
    expect(new Set(packIds).size).toBe(packIds.length);
  });

  it('names only rules that exist in pack off-lists', () => {
    for (const pack of BUILTIN_PACKS) {
      for (const id of pack.off ?? []) expect(pack.rules.map((r) => r.id)).toContain(id);
    }
  });

  it('keeps each pack in rules/<pack id>/pack.ts and each rule in rules/<pack id>/<rule id>.ts', () => {
    for (const { pack, rule } of allRules) {
      expect(existsSync(path.join(ROOT, 'rules', pack.id, 'pack.ts'))).toBe(true);
      expect(existsSync(path.join(ROOT, 'rules', pack.id, `${rule.id}.ts`))).toBe(true);
    }
    const folders = readdirSync(path.join(ROOT, 'rules'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(folders.sort()).toEqual(BUILTIN_PACKS.map((p) => p.id).sort());
  });

  describe.each(allRules.map(({ pack, rule }) => [rule.id, pack, rule] as const))('%s', (_id, pack, rule) => {
    it('has a readable id, a known best practice, and complete metadata', () => {
      expect(rule.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(bestPractice(rule.bestPractice)).toBeDefined();
      expect(rule.title.length).toBeGreaterThan(10);
      expect(rule.title).not.toMatch(/\.$/);
      // optional for third-party rules, required of built-in ones
      expect((rule.why ?? '').length).toBeGreaterThan(40);
      expect((rule.fix?.cloudformation ?? '').length).toBeGreaterThan(5);
      expect((rule.fix?.cdk ?? '').length).toBeGreaterThan(5);
      expect(Object.keys(rule.messages ?? {}).length).toBeGreaterThan(0);
      for (const text of Object.values(rule.messages ?? {})) expect(text).toMatch(/\.$/);
      for (const key of Object.keys(rule.options ?? {})) expect(rule.optionDocs?.[key]).toBeDefined();
    });

    it('says what it does with deployment machinery when it looks at functions, with a reason for every role it decides', () => {
      const functions = (rule.resourceTypes ?? []).some((t) => FUNCTION_TYPES.includes(t));
      if (functions) expect(typeof rule.roles?.machinery?.check).toBe('boolean');
      for (const decision of Object.values(rule.roles ?? {})) expect(decision?.why).toMatch(/^\S.{20,}\.$/);
    });

    it('has passing and failing fixtures', () => {
      const cases = fixtureCases(pack.id, rule.id);
      expect(cases.filter((c) => c.kind === 'pass').length).toBeGreaterThan(0);
      expect(cases.filter((c) => c.kind === 'fail').length).toBeGreaterThan(0);
    });
  });

  it('finds nothing in any passing fixture with the whole catalogue (but reminders that need context)', () => {
    const rules = configureRules(BUILTIN_PACKS);
    const dirty: string[] = [];
    for (const { pack, rule } of allRules) {
      for (const c of fixtureCases(pack.id, rule.id).filter((x) => x.kind === 'pass')) {
        const options = c.options
          ? rules.map((r) => (r.rule.id === rule.id ? { ...r, options: { ...r.options, ...c.options } } : r))
          : rules;
        for (const f of runRules(loadCase({ file: c.file, parameters: c.parameters }), options)) {
          if (f.severity === 'info' && f.needsContext !== undefined) continue;
          dirty.push(`${path.relative(FIXTURES, c.file)}:${f.line}:${f.column} ${f.ruleId} ${f.message}`);
        }
      }
    }
    expect(dirty).toEqual([]);
  });
});
