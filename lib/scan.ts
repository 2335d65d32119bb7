/**
 * A whole scan: discover inputs, read each into an assembly (a cloud assembly, or a lone template), run the
 * configured rules, apply suppressions and the baseline, and assemble the report. An input that cannot be
 * read is reported and the others are scanned all the same.
 */
import * as path from 'node:path';
import { readCloudAssembly } from './assembly/read';
import { singleTemplateAssembly, type Assembly, type Stack } from './assembly/model';
import { accountBaselineMatcher } from './engine/account-baseline';
import { applyBaseline, readBaseline } from './engine/baseline';
import { configureRules, type RuleSelection } from './engine/config';
import { cmp, compareFindings, type BaselineSummary, type Finding, type InputErrorEntry, type Note, type ScanReport } from './engine/finding';
import { evaluate, resourceKey, type ConfiguredRule, type RuleStats, type RunOptions } from './engine/runner';
import { isAssemblyRule, type Pack } from './engine/rule';
import { buildScorecard, mergeStats } from './engine/scorecard';
import { applySuppressions, INVALID_SUPPRESSION, type SuppressionOptions } from './engine/suppress';
import { discoverInputs } from './inputs/discover';
import { InputError } from './template/errors';
import { loadTemplate, type LoadOptions } from './template/load';
import { BUILTIN_PACKS } from '../rules';

/** Options of {@link scanPaths}. */
export interface ScanOptions {
  /** working directory: paths are resolved from it and shown relative to it */
  readonly cwd?: string;
  /** parameter values (and pseudo parameters such as `AWS::Region`) */
  readonly parameters?: Readonly<Record<string, string>>;
  readonly selection?: RuleSelection;
  /** the packs to choose rules from (default: the built-in packs) */
  readonly packs?: readonly Pack[];
  readonly load?: Omit<LoadOptions, 'parameters' | 'explicit'>;
  /**
   * stacks that hold the account baseline (CloudTrail, Config, patching), by stack name, construct path or
   * template file (globs): account-level checks are enforced in their assembly, and "need context" elsewhere
   */
  readonly accountBaseline?: readonly string[];
  /** how suppressions in templates are judged */
  readonly suppressions?: Omit<SuppressionOptions, 'knownRules'>;
  /** a baseline file: only findings not in it are reported */
  readonly baseline?: string;
  /**
   * scan only what a change touched (absolute paths): template files among them, and cloud assemblies with a
   * stack whose template, or the source of one of its constructs, is among them
   */
  readonly changed?: ReadonlySet<string>;
  /** paths not to scan (globs, relative to cwd) */
  readonly ignore?: readonly string[];
  /** files named explicitly that are not templates are skipped, as if found in a folder (pre-commit passes every YAML file) */
  readonly lenient?: boolean;
}

/** Scans files, folders, globs and cloud assemblies, the way `opslint scan` does, and returns the report. */
export function scanPaths(paths: readonly string[], options: ScanOptions = {}): ScanReport {
  const cwd = options.cwd ?? process.cwd();
  const display = (p: string): string => toDisplayPath(p, cwd);
  const packs = options.packs ?? BUILTIN_PACKS;
  const rules = configureRules(packs, options.selection);
  const loadOptions: LoadOptions = { ...options.load, parameters: options.parameters };

  const discovery = discoverInputs(paths, cwd, display, options.ignore);
  const errors: InputError[] = [...discovery.errors];
  const assemblies: Assembly[] = [];
  const changed = options.changed;
  for (const input of discovery.inputs) {
    if (changed && input.kind === 'template' && !changed.has(input.file)) continue;
    try {
      if (input.kind === 'cloud-assembly') {
        const result = readCloudAssembly(input.dir, loadOptions, display);
        // the whole app is kept when any stack changed: app-level rules need all of it
        if (changed && !result.assembly.stacks.some((stack) => stackChanged(stack, changed, cwd))) continue;
        errors.push(...result.errors);
        assemblies.push(result.assembly);
      } else {
        const template = loadTemplate(input.file, { ...loadOptions, explicit: input.explicit && !options.lenient, displayName: display(input.file) });
        if (template) assemblies.push(singleTemplateAssembly(template));
      }
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      errors.push(error);
    }
  }
  const known = new Set(packs.flatMap((p) => p.rules.map((r) => r.id)));
  return buildReport(assemblies, rules, errors, {
    accountBaseline: accountBaselineMatcher(options.accountBaseline),
    suppressions: { ...options.suppressions, knownRules: known },
    baseline: options.baseline ? { file: options.baseline, cwd } : undefined,
  });
}

export interface ReportOptions extends RunOptions {
  readonly suppressions?: SuppressionOptions;
  readonly baseline?: { readonly file: string; readonly cwd: string };
}

/** Runs rules over assemblies already read and builds the report; used by the CLI, the CDK plugin and tests. */
export function buildReport(
  assemblies: readonly Assembly[],
  rules: readonly ConfiguredRule[],
  inputErrors: readonly InputError[] = [],
  options: ReportOptions = {},
): ScanReport {
  let findings: Finding[] = [];
  const notes: Note[] = [];
  const stats = new Map<string, RuleStats>();
  const files: string[] = [];
  let templates = 0;
  let resources = 0;
  for (const assembly of assemblies) {
    const evaluation = evaluate(assembly, rules, options);
    const checked = options.suppressions ? applySuppressions(assembly, evaluation.findings, options.suppressions) : evaluation.findings;
    countSuppressed(assembly, rules, checked, evaluation.stats);
    findings.push(...checked);
    mergeStats(stats, evaluation.stats);
    for (const stack of assembly.stacks) {
      templates++;
      resources += stack.template.resources.size;
      files.push(stack.template.file);
      for (const u of stack.template.unresolved) notes.push({ file: stack.template.file, line: u.position.line, column: u.position.column, message: u.message });
    }
  }
  let baseline: BaselineSummary | undefined;
  if (options.baseline) {
    const applied = applyBaseline(findings, readBaseline(options.baseline.file, options.baseline.cwd), options.baseline.file, options.baseline.cwd);
    findings = applied.findings;
    baseline = applied.summary;
  }
  findings.sort(compareFindings);
  const errors: InputErrorEntry[] = inputErrors
    .map((e) => (e.position ? { file: e.file, line: e.position.line, column: e.position.column, message: e.message } : { file: e.file, message: e.message }))
    .sort((a, b) => cmp(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0));
  const counts = { error: 0, warning: 0, info: 0, total: 0 };
  const perRule: Record<string, number> = {};
  let suppressed = 0;
  for (const f of findings) {
    if (f.suppressed) {
      suppressed++;
      continue;
    }
    counts[f.severity]++;
    counts.total++;
    perRule[f.ruleId] = (perRule[f.ruleId] ?? 0) + 1;
  }
  const rulesSorted: Record<string, number> = {};
  for (const id of Object.keys(perRule).sort()) rulesSorted[id] = perRule[id];
  return {
    findings,
    errors,
    summary: {
      templates,
      resources,
      findings: counts,
      rules: rulesSorted,
      errors: errors.length,
      notes: notes.sort((a, b) => cmp(a.file, b.file) || a.line - b.line),
      scorecard: buildScorecard(rules, stats),
      files: files.sort(cmp),
      suppressed,
      ...(baseline ? { baseline } : {}),
    },
  };
}

/** A stack changed when its template did, or the source file of one of its constructs (`lib/api-stack.ts:12:5`). */
function stackChanged(stack: Stack, changed: ReadonlySet<string>, cwd: string): boolean {
  if (changed.has(path.resolve(cwd, stack.template.file))) return true;
  for (const c of stack.constructs?.values() ?? []) {
    const file = c.source?.replace(/:\d+:\d+$/, '');
    if (file && changed.has(path.resolve(cwd, file))) return true;
  }
  return false;
}

/** A resource whose findings of a rule are all suppressed counts as suppressed for that rule, not failed. */
function countSuppressed(assembly: Assembly, rules: readonly ConfiguredRule[], findings: readonly Finding[], stats: Map<string, RuleStats>): void {
  const assemblyRules = new Set(rules.filter((c) => isAssemblyRule(c.rule)).map((c) => c.rule.id));
  const active = new Set<string>();
  const keyOf = (f: Finding): string => `${f.ruleId}\u0000${assemblyRules.has(f.ruleId) ? resourceKey(assembly.file, '') : resourceKey(f.file, f.resource)}`;
  for (const f of findings) if (!f.suppressed && f.ruleId !== INVALID_SUPPRESSION) active.add(keyOf(f));
  for (const f of findings) {
    if (!f.suppressed || active.has(keyOf(f))) continue;
    const s = stats.get(f.ruleId);
    const key = keyOf(f).split('\u0000')[1];
    s?.failed.delete(key);
    s?.suppressed.add(key);
  }
}

/** Paths are shown relative to the working directory (or absolute, when that is shorter), with forward slashes. */
export function toDisplayPath(p: string, cwd: string): string {
  const rel = path.relative(cwd, p);
  const shown = rel === '' ? '.' : path.isAbsolute(rel) || rel.length > p.length ? p : rel;
  return shown.split(path.sep).join('/');
}
