/** Turning the catalogue of packs plus the user's selection into the list of rules to run. */
import { UsageError } from '../errors';
import { SEVERITIES, type Severity } from './finding';
import type { ConfiguredRule } from './runner';
import { optionProblem } from './options';
import { withPackDocs, type Pack, type Rule, type RuleOptions } from './rule';
import { suggest } from './suggest';

/** Which rules run, with which severity and options. */
export interface RuleSelection {
  /** run only these packs (default: all) */
  readonly packs?: readonly string[];
  /** run only these rules (default: every rule that is on in the selected packs) */
  readonly rules?: readonly string[];
  /** never run these rules */
  readonly exclude?: readonly string[];
  /** per rule: 'off', a severity, or options (merged over the rule's defaults) */
  readonly ruleSettings?: Readonly<
    Record<string, 'off' | Severity | { readonly severity?: Severity | 'off'; readonly options?: RuleOptions }>
  >;
}

/** The rules to run: the packs' rules, filtered and configured by a selection. Throws {@link UsageError} for an unknown id. */
export function configureRules(packs: readonly Pack[], selection: RuleSelection = {}): ConfiguredRule[] {
  const byPack = new Map(packs.map((p) => [p.id, p]));
  const ruleIndex = new Map<string, { rule: Rule; pack: Pack }>();
  for (const pack of packs)
    for (const rule of pack.rules) ruleIndex.set(rule.id, { rule: withPackDocs(rule, pack), pack });

  // the integrations' props come from code that no type checks at run time (an app in JavaScript): anything but a
  // list of ids, such as a `rules` object written as ESLint's, is a usage error rather than a TypeError further on
  for (const key of ['packs', 'rules', 'exclude'] as const) {
    const list: unknown = selection[key];
    if (list !== undefined && (!Array.isArray(list) || list.some((id) => typeof id !== 'string')))
      throw new UsageError(
        `${key}: expected a list of ${key === 'packs' ? 'pack' : 'rule'} ids${key === 'rules' ? ' (a severity or options per rule go in ruleSettings)' : ''}`,
      );
  }
  for (const id of selection.packs ?? []) {
    if (!byPack.has(id)) throw new UsageError(`unknown pack "${id}"; known packs: ${[...byPack.keys()].join(', ')}`);
  }
  const checkRule = (id: string): void => {
    if (!ruleIndex.has(id))
      throw new UsageError(`unknown rule "${id}"${suggest(id, [...ruleIndex.keys()])}; \`opslint rules\` lists them`);
  };
  (selection.rules ?? []).forEach(checkRule);
  (selection.exclude ?? []).forEach(checkRule);
  for (const [id, setting] of Object.entries(selection.ruleSettings ?? {})) {
    checkRule(id);
    // checked for every setting, so that a typo is caught even when the rule is not selected this time
    const severity = typeof setting === 'string' ? setting : setting?.severity;
    if (severity !== undefined && severity !== 'off' && !SEVERITIES.includes(severity)) {
      throw new UsageError(`rule "${id}": severity must be one of off, ${SEVERITIES.join(', ')}`);
    }
    if (typeof setting === 'object' && setting !== null) {
      const stray = Object.keys(setting).find((key) => key !== 'severity' && key !== 'options');
      if (stray !== undefined)
        throw new UsageError(`rule "${id}": a setting has a severity and options, not "${stray}"`);
      const options: unknown = setting.options;
      if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options)))
        throw new UsageError(`rule "${id}": options must be a mapping of option names to values`);
    } else if (typeof setting !== 'string') {
      throw new UsageError(`rule "${id}": a setting is off, a severity, or { severity, options }`);
    }
    const problem =
      typeof setting === 'object' && setting.options
        ? optionProblem(ruleIndex.get(id)!.rule, setting.options)
        : undefined;
    if (problem) throw new UsageError(problem.message);
  }

  const only = selection.rules && selection.rules.length > 0 ? new Set(selection.rules) : undefined;
  const packFilter = selection.packs && selection.packs.length > 0 ? new Set(selection.packs) : undefined;
  const exclude = new Set(selection.exclude ?? []);
  const out: ConfiguredRule[] = [];
  for (const [id, { rule, pack }] of ruleIndex) {
    if (exclude.has(id)) continue;
    if (packFilter && !packFilter.has(pack.id)) continue;
    const setting = selection.ruleSettings?.[id];
    const settingSeverity = typeof setting === 'string' ? setting : setting?.severity;
    // naming a rule explicitly turns it on, even when its pack has it off by default
    const on = only
      ? only.has(id)
      : settingSeverity !== undefined
        ? settingSeverity !== 'off'
        : !(pack.off ?? []).includes(id);
    if (!on || settingSeverity === 'off') continue;
    const options = { ...(rule.options ?? {}), ...(typeof setting === 'object' ? (setting.options ?? {}) : {}) };
    out.push({ rule, severity: settingSeverity ?? rule.severity, options, pack: pack.id });
  }
  return out;
}
