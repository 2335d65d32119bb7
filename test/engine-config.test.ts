/**
 * Rule configuration (lib/engine/config.ts): which rules of which packs run, with what severity and options.
 */
import { configureRules, type RuleSelection } from '../lib/engine/config';
import { UsageError } from '../lib/errors';
import { defineRule, definePack, type Pack, type ResourceRule, type RuleOptions } from '../lib/engine/rule';
import { META } from './helpers/engine';

describe('configureRules', () => {
  const rule = (id: string, options?: RuleOptions): ResourceRule =>
    defineRule({
      ...META,
      id,
      resourceTypes: ['AWS::SQS::Queue'],
      messages: { m: 'M.' },
      options,
      check: () => undefined,
    });
  const tracing = rule('lambda-tracing', { mode: 'Active', limit: 3 });
  const alarms = rule('lambda-alarms');
  const strict = rule('strict-alarms');
  const trail = rule('cloudtrail-enabled');
  const packs: Pack[] = [
    definePack({ id: 'tracing', title: 'Tracing', rules: [tracing, alarms, strict], off: ['strict-alarms'] }),
    definePack({ id: 'trail', title: 'Trail', rules: [trail] }),
  ];
  const ids = (selection?: RuleSelection): string[] => configureRules(packs, selection).map((c) => c.rule.id);

  it('turns on every rule by default, except those a pack has off, with the rule defaults', () => {
    expect(ids()).toEqual(['lambda-tracing', 'lambda-alarms', 'cloudtrail-enabled']);
    const [first] = configureRules(packs);
    expect(first).toEqual({
      rule: tracing,
      severity: 'warning',
      options: { mode: 'Active', limit: 3 },
      pack: 'tracing',
    });
    expect(configureRules(packs)[1].options).toEqual({});
  });

  it('selects packs, rules and exclusions', () => {
    expect(ids({ packs: ['trail'] })).toEqual(['cloudtrail-enabled']);
    expect(ids({ packs: [] })).toEqual(['lambda-tracing', 'lambda-alarms', 'cloudtrail-enabled']);
    // naming a rule turns it on even when its pack has it off
    expect(ids({ rules: ['strict-alarms'] })).toEqual(['strict-alarms']);
    expect(ids({ rules: ['cloudtrail-enabled', 'lambda-tracing'] })).toEqual(['lambda-tracing', 'cloudtrail-enabled']);
    expect(ids({ exclude: ['lambda-alarms'] })).toEqual(['lambda-tracing', 'cloudtrail-enabled']);
    expect(ids({ rules: ['strict-alarms', 'lambda-alarms'], exclude: ['lambda-alarms'] })).toEqual(['strict-alarms']);
    expect(ids({ packs: ['trail'], rules: ['lambda-tracing'] })).toEqual([]);
  });

  it('applies ruleSettings: off, a severity, or severity and options merged over the defaults', () => {
    const configured = configureRules(packs, {
      ruleSettings: {
        'lambda-alarms': 'off',
        'cloudtrail-enabled': 'info',
        'lambda-tracing': { options: { limit: 5 } },
        'strict-alarms': { severity: 'error', options: { extra: true } },
      },
    });
    expect(configured.map((c) => [c.rule.id, c.severity, c.options])).toEqual([
      ['lambda-tracing', 'warning', { mode: 'Active', limit: 5 }],
      ['strict-alarms', 'error', { extra: true }],
      ['cloudtrail-enabled', 'info', {}],
    ]);
    expect(ids({ ruleSettings: { 'strict-alarms': 'warning' } })).toContain('strict-alarms');
    // options alone do not turn on a rule that is off by default
    expect(ids({ ruleSettings: { 'strict-alarms': { options: { x: 1 } } } })).not.toContain('strict-alarms');
    expect(ids({ ruleSettings: { 'lambda-tracing': { severity: 'off' } } })).toEqual([
      'lambda-alarms',
      'cloudtrail-enabled',
    ]);
    // 'off' wins over naming the rule
    expect(ids({ rules: ['lambda-tracing'], ruleSettings: { 'lambda-tracing': 'off' } })).toEqual([]);
    // the defaults are not changed by a merge
    expect(tracing.options).toEqual({ mode: 'Active', limit: 3 });
  });

  function usageError(selection: RuleSelection): string {
    try {
      configureRules(packs, selection);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).name).toBe('UsageError');
      return (error as Error).message;
    }
    throw new Error('expected a UsageError');
  }

  it('rejects unknown packs and rules with one-line messages', () => {
    expect(usageError({ packs: ['tracing', 'logs'] })).toBe('unknown pack "logs"; known packs: tracing, trail');
    expect(usageError({ rules: ['nope'] })).toBe('unknown rule "nope"; `opslint rules` lists them');
    expect(usageError({ rules: ['tracing'] })).toBe(
      'unknown rule "tracing" (did you mean "lambda-tracing"?); `opslint rules` lists them',
    );
    expect(usageError({ rules: ['lambda-trace'] })).toBe(
      'unknown rule "lambda-trace" (did you mean "lambda-tracing"?); `opslint rules` lists them',
    );
    expect(usageError({ exclude: ['nope'] })).toBe('unknown rule "nope"; `opslint rules` lists them');
    expect(usageError({ ruleSettings: { nope: 'off' } })).toBe('unknown rule "nope"; `opslint rules` lists them');
  });

  it('rejects a bad severity, in both forms, even for a rule that is not selected', () => {
    const message = 'rule "lambda-tracing": severity must be one of off, error, warning, info';
    expect(usageError({ ruleSettings: { 'lambda-tracing': 'fatal' as never } })).toBe(message);
    expect(usageError({ ruleSettings: { 'lambda-tracing': { severity: 'warn' as never } } })).toBe(message);
    expect(usageError({ packs: ['trail'], ruleSettings: { 'lambda-tracing': 'fatal' as never } })).toBe(message);
    expect(usageError({ exclude: ['lambda-tracing'], ruleSettings: { 'lambda-tracing': 'fatal' as never } })).toBe(
      message,
    );
    expect(usageError({ ruleSettings: { 'strict-alarms': { severity: 'high' as never } } })).toBe(
      'rule "strict-alarms": severity must be one of off, error, warning, info',
    );
  });
});
