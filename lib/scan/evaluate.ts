/**
 * What one assembly contributes to a report: the configured rules run over it, suppressions applied, and what
 * the report needs of it besides findings (files, resources, notes, statistics, machinery links).
 */
import type { Assembly } from '../assembly/model';
import type { Finding, Note } from '../engine/finding';
import { evaluate, resourceKey, type ConfiguredRule, type RunOptions } from '../engine/runner';
import { checksRole, isAssemblyRule } from '../engine/rule';
import type { RuleStats } from '../engine/stats';
import { applySuppressions, INVALID_SUPPRESSION, type SuppressionOptions } from '../engine/suppress';
import { machineryNames, nameableFunctions } from '../semantics';

export interface ReportOptions extends RunOptions {
  readonly suppressions?: SuppressionOptions;
  readonly baseline?: { readonly file: string; readonly cwd: string };
  /** notes about the scan itself, not found in its templates */
  readonly notes?: readonly Note[];
  /**
   * Whether some resource rule of the whole scan leaves machinery alone (default: worked out from the rules given),
   * the only findings machinery links take back: a unit checked without some of the scan's rules is told.
   */
  readonly machineryRules?: boolean;
}

/** Whether some of `rules` is a resource rule that leaves machinery alone. */
export function leavesMachinery(rules: readonly ConfiguredRule[]): boolean {
  return rules.some((c) => !isAssemblyRule(c.rule) && !checksRole(c.rule, 'machinery'));
}

/** What one assembly contributes to a report: plain data (a worker thread sends it as it is). */
export interface AssemblyResult {
  readonly findings: readonly Finding[];
  readonly stats: ReadonlyMap<string, RuleStats>;
  readonly notes: readonly Note[];
  readonly files: readonly string[];
  readonly resources: number;
  /** how its machinery and its functions name functions of other inputs of the scan (see {@link machineryElsewhere}) */
  readonly machinery?: MachineryLinks;
}

/**
 * What a template's machinery names in other templates (`export:<name>`, `function:<name>`: a custom resource whose
 * ServiceToken imports another stack's export, say), and the workload functions of its own that other templates
 * could name that way, with the keys they could be named by.
 */
export interface MachineryLinks {
  readonly names: readonly string[];
  readonly functions: readonly { readonly file: string; readonly resource: string; readonly keys: readonly string[] }[];
}

/** Runs the rules over one assembly, with suppressions applied. */
export function evaluateAssembly(
  assembly: Assembly,
  rules: readonly ConfiguredRule[],
  options: ReportOptions,
): AssemblyResult {
  // a template whose Resources only a macro makes valid is counted and its notes reported, but no rule runs over
  // it (or over an assembly left with no stack): what it deploys is not known
  const checked = assembly.stacks.filter((s) => s.template.checked);
  const evaluation = evaluate(
    checked.length === assembly.stacks.length ? assembly : { ...assembly, stacks: checked },
    checked.length === 0 ? [] : rules,
    options,
  );
  const findings = options.suppressions
    ? applySuppressions(assembly, evaluation.findings, options.suppressions)
    : evaluation.findings;
  countSuppressed(assembly, rules, findings, evaluation.stats);
  const notes: Note[] = [];
  const files: string[] = [];
  let resources = 0;
  const names: string[] = [];
  const functions: MachineryLinks['functions'][number][] = [];
  // without a rule whose findings they would take back (a scan of a few logging rules, say), no links are needed
  const linked = options.machineryRules ?? leavesMachinery(rules);
  for (const stack of linked ? checked : []) {
    const facts = evaluation.facts.of(stack);
    const t = stack.template;
    t.resolver.untracked(() => {
      for (const name of machineryNames(t)) names.push(name);
      const decided = (id: string): boolean =>
        !['workload', 'account-baseline'].includes(facts.role(t.resources.get(id)!).role);
      for (const { fn, keys } of nameableFunctions(t, decided))
        functions.push({ file: t.file, resource: fn.logicalId, keys });
    });
  }
  for (const stack of assembly.stacks) {
    resources += stack.template.resources.size;
    files.push(stack.template.file);
    for (const u of stack.template.unresolved)
      notes.push({ file: stack.template.file, line: u.position.line, column: u.position.column, message: u.message });
  }
  const machinery = names.length > 0 || functions.length > 0 ? { machinery: { names, functions } } : {};
  return { findings, stats: evaluation.stats, notes, files, resources, ...machinery };
}

/** A resource whose findings of a rule are all suppressed counts as suppressed for that rule, not failed. */
function countSuppressed(
  assembly: Assembly,
  rules: readonly ConfiguredRule[],
  findings: readonly Finding[],
  stats: Map<string, RuleStats>,
): void {
  if (!findings.some((f) => f.suppressed)) return;
  const assemblyRules = new Set(rules.filter((c) => isAssemblyRule(c.rule)).map((c) => c.rule.id));
  const active = new Set<string>();
  const keyOf = (f: Finding): string =>
    `${f.ruleId}\u0000${assemblyRules.has(f.ruleId) ? resourceKey(assembly.file, '') : resourceKey(f.file, f.resource)}`;
  for (const f of findings) if (!f.suppressed && f.ruleId !== INVALID_SUPPRESSION) active.add(keyOf(f));
  for (const f of findings) {
    if (!f.suppressed || active.has(keyOf(f))) continue;
    const s = stats.get(f.ruleId);
    const key = keyOf(f).split('\u0000')[1];
    s?.failed.delete(key);
    s?.suppressed.add(key);
  }
}
