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
import { checksRole, isAssemblyRule, type Pack } from './engine/rule';
import { machineryNames, nameableFunctions } from './semantics';
import { buildScorecard, mergeStats } from './engine/scorecard';
import { applySuppressions, INVALID_SUPPRESSION, type SuppressionOptions } from './engine/suppress';
import { discoverInputs, type Discovery, type Input } from './inputs/discover';
import { InputError, messages } from './template/errors';
import { loadTemplate, type LoadOptions } from './template/load';
import { BUILTIN_PACKS } from './compose';

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
  /** deployed stacks, fetched before the scan (lib/sources): scanned with the paths; the stacks that could not be read are input errors */
  readonly deployed?: { readonly assembly?: Assembly; readonly errors: readonly InputError[] };
}

/** Scans files, folders, globs and cloud assemblies, the way `opslint scan` does, and returns the report. */
export function scanPaths(paths: readonly string[], options: ScanOptions = {}): ScanReport {
  const scan = prepareScan(options);
  const discovery = discoverInputs(paths, scan.cwd, scan.display, options.ignore);
  const results = discovery.inputs.map((input) => scanInput(input, scan));
  return finishScan(scan, discovery, results, options);
}

/** What every input of one scan shares, made once (in each worker thread, for a parallel scan). */
export interface PreparedScan {
  readonly cwd: string;
  readonly display: (p: string) => string;
  readonly rules: readonly ConfiguredRule[];
  readonly load: LoadOptions;
  readonly report: ReportOptions;
  readonly changed?: ReadonlySet<string>;
  readonly lenient: boolean;
}

/** The rules, load and report options of a scan, from its options. */
export function prepareScan(options: ScanOptions): PreparedScan {
  const cwd = options.cwd ?? process.cwd();
  const packs = options.packs ?? BUILTIN_PACKS;
  const known = new Set(packs.flatMap((p) => p.rules.map((r) => r.id)));
  return {
    cwd,
    display: (p) => toDisplayPath(p, cwd),
    rules: configureRules(packs, options.selection),
    load: { ...options.load, parameters: options.parameters },
    report: {
      accountBaseline: accountBaselineMatcher(options.accountBaseline),
      suppressions: { ...options.suppressions, knownRules: known },
    },
    changed: options.changed,
    lenient: options.lenient === true,
  };
}

/**
 * What one input gives a report: its assembly's result (none for an input skipped or unreadable) and input
 * errors. Plain data, so a worker thread can send it back; the assembly itself is dropped as soon as its rules
 * have run, which keeps a scan of many files to the memory of one.
 */
export interface InputResult {
  readonly result?: AssemblyResult;
  readonly errors: readonly InputError[];
}

/** Reads one input and runs the rules over it. */
export function scanInput(input: Input, scan: PreparedScan): InputResult {
  const { changed, display } = scan;
  if (changed && input.kind === 'template' && !changed.has(input.file)) return { errors: [] };
  try {
    if (input.kind === 'cloud-assembly') {
      const read = readCloudAssembly(input.dir, scan.load, display);
      // the whole app is kept when any stack changed: app-level rules need all of it
      if (changed && !read.assembly.stacks.some((stack) => stackChanged(stack, changed, scan.cwd))) return { errors: [] };
      return { result: evaluateAssembly(read.assembly, scan.rules, scan.report), errors: read.errors };
    }
    const template = loadTemplate(input.file, { ...scan.load, explicit: input.explicit && !scan.lenient, displayName: display(input.file) });
    return { result: template ? evaluateAssembly(singleTemplateAssembly(template), scan.rules, scan.report) : undefined, errors: [] };
  } catch (error) {
    return { errors: [error instanceof InputError ? error : internalError(inputName(input, scan), error)] };
  }
}

/**
 * What opslint did not expect while reading an input or checking it outside a rule (a rule's own failure is a
 * finding): an error for that input, so the others are scanned and the report is written all the same.
 */
function internalError(file: string, error: unknown): InputError {
  const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new InputError(`internal error while scanning this file (${what}); please report it`, file);
}

/** The file an input is shown as: a template, or a cloud assembly's manifest. */
export function inputName(input: Input, scan: Pick<PreparedScan, 'display'>): string {
  return scan.display(input.kind === 'template' ? input.file : path.join(input.dir, 'manifest.json'));
}

/**
 * The report of a scan from its inputs' results (in input order), with deployed stacks and the baseline. A
 * scan that read no template and met no error says so, as ESLint does for a pattern that matches no file: an
 * input error for each path given, so that it does not pass over nothing. A scan of changes (there may be
 * none) and a lenient scan (pre-commit may pass only other YAML files) may find nothing.
 */
export function finishScan(scan: PreparedScan, discovery: Discovery, inputs: readonly InputResult[], options: ScanOptions): ScanReport {
  const errors: InputError[] = [...discovery.errors];
  const results: AssemblyResult[] = [];
  for (const input of inputs) {
    for (const e of input.errors) errors.push(e);
    if (input.result) results.push(input.result);
  }
  if (options.deployed) {
    for (const e of options.deployed.errors) errors.push(e);
    if (options.deployed.assembly) results.push(evaluateAssembly(options.deployed.assembly, scan.rules, scan.report));
  }
  if (errors.length === 0 && !scan.changed && !scan.lenient && results.every((r) => r.files.length === 0)) {
    for (const given of discovery.given) errors.push(new InputError(messages.noTemplates(), given));
  }
  return combineResults(results, scan.rules, errors, { ...scan.report, baseline: options.baseline ? { file: options.baseline, cwd: scan.cwd } : undefined });
}

export interface ReportOptions extends RunOptions {
  readonly suppressions?: SuppressionOptions;
  readonly baseline?: { readonly file: string; readonly cwd: string };
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

/** Runs rules over assemblies already read and builds the report; used by the CLI, the CDK plugin and tests. */
export function buildReport(
  assemblies: readonly Assembly[],
  rules: readonly ConfiguredRule[],
  inputErrors: readonly InputError[] = [],
  options: ReportOptions = {},
): ScanReport {
  return combineResults(
    assemblies.map((a) => evaluateAssembly(a, rules, options)),
    rules,
    inputErrors,
    options,
  );
}

/** Runs the rules over one assembly, with suppressions applied. */
export function evaluateAssembly(assembly: Assembly, rules: readonly ConfiguredRule[], options: ReportOptions): AssemblyResult {
  // a template whose Resources only a macro makes valid is counted and its notes reported, but no rule runs over
  // it (or over an assembly left with no stack): what it deploys is not known
  const checked = assembly.stacks.filter((s) => s.template.checked);
  const evaluation = evaluate(checked.length === assembly.stacks.length ? assembly : { ...assembly, stacks: checked }, checked.length === 0 ? [] : rules, options);
  const findings = options.suppressions ? applySuppressions(assembly, evaluation.findings, options.suppressions) : evaluation.findings;
  countSuppressed(assembly, rules, findings, evaluation.stats);
  const notes: Note[] = [];
  const files: string[] = [];
  let resources = 0;
  const names: string[] = [];
  const functions: MachineryLinks['functions'][number][] = [];
  for (const stack of checked) {
    const facts = evaluation.facts.of(stack);
    const t = stack.template;
    t.resolver.untracked(() => {
      for (const name of machineryNames(t)) names.push(name);
      const decided = (id: string): boolean => !['workload', 'account-baseline'].includes(facts.role(t.resources.get(id)!).role);
      for (const { fn, keys } of nameableFunctions(t, decided)) functions.push({ file: t.file, resource: fn.logicalId, keys });
    });
  }
  for (const stack of assembly.stacks) {
    resources += stack.template.resources.size;
    files.push(stack.template.file);
    for (const u of stack.template.unresolved) notes.push({ file: stack.template.file, line: u.position.line, column: u.position.column, message: u.message });
  }
  const machinery = names.length > 0 || functions.length > 0 ? { machinery: { names, functions } } : {};
  return { findings, stats: evaluation.stats, notes, files, resources, ...machinery };
}

/** The report from the results of each assembly. */
export function combineResults(
  results: readonly AssemblyResult[],
  rules: readonly ConfiguredRule[],
  inputErrors: readonly InputError[],
  options: ReportOptions,
): ScanReport {
  let findings: Finding[] = [];
  const notes: Note[] = [];
  const stats = new Map<string, RuleStats>();
  const files: string[] = [];
  let resources = 0;
  for (const r of results) {
    for (const f of r.findings) findings.push(f);
    for (const n of r.notes) notes.push(n);
    for (const f of r.files) files.push(f);
    mergeStats(stats, r.stats);
    resources += r.resources;
  }
  findings = withoutMachinery(findings, stats, rules, machineryElsewhere(results));
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
      templates: files.length,
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

/**
 * Functions that the machinery of another input of the scan names (`file#logicalId`): a custom resource in one
 * template whose ServiceToken imports the ARN another template exports, or names the function by its name. They
 * count as machinery, as they would in one cloud assembly.
 */
function machineryElsewhere(results: readonly AssemblyResult[]): Set<string> {
  const out = new Set<string>();
  if (results.filter((r) => r.machinery).length < 2) return out;
  const namedBy = new Map<string, Set<AssemblyResult>>();
  for (const r of results) for (const n of r.machinery?.names ?? []) (namedBy.get(n) ?? namedBy.set(n, new Set()).get(n)!).add(r);
  for (const r of results) {
    for (const fn of r.machinery?.functions ?? []) {
      if (fn.keys.some((k) => [...(namedBy.get(k) ?? [])].some((other) => other !== r))) out.add(resourceKey(fn.file, fn.resource));
    }
  }
  return out;
}

/** The findings without those of rules that do not check machinery on `machinery`, whose statistics are taken back too. */
function withoutMachinery(findings: Finding[], stats: Map<string, RuleStats>, rules: readonly ConfiguredRule[], machinery: ReadonlySet<string>): Finding[] {
  if (machinery.size === 0) return findings;
  const skipping = new Set(rules.filter((c) => !isAssemblyRule(c.rule) && !checksRole(c.rule, 'machinery')).map((c) => c.rule.id));
  for (const id of skipping) {
    const s = stats.get(id);
    if (s) for (const set of [s.evaluated, s.failed, s.needsContext, s.suppressed]) for (const key of machinery) set.delete(key);
  }
  return findings.filter((f) => !(skipping.has(f.ruleId) && machinery.has(resourceKey(f.file, f.resource))));
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
