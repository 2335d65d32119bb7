/**
 * The report of a scan: the results of its assemblies combined, with machinery named across them, the
 * baseline applied, findings sorted, and the summary and scorecard.
 */
import type { Assembly } from '../assembly/model';
import { applyBaseline, readBaseline } from '../engine/baseline';
import {
  cmp,
  compareFindings,
  type BaselineSummary,
  type Finding,
  type InputErrorEntry,
  type Note,
  type ScanReport,
  type Scorecard,
  type Summary,
} from '../engine/finding';
import { resourceKey, type ConfiguredRule } from '../engine/runner';
import { checksRole, isAssemblyRule } from '../engine/rule';
import { buildScorecard } from '../engine/scorecard';
import { mergeStats, type RuleStats } from '../engine/stats';
import { InputError } from '../template/errors';
import type { Listing } from '../sources/source';
import { evaluateAssembly, type AssemblyResult, type ReportOptions } from './evaluate';
import type { PreparedScan, ScanOptions } from './prepare';
import type { UnitResult } from './unit';

let nextScanListeners: (() => void)[] = [];

/**
 * Calls `listener` once, when the next scan of this process has its report: bin/load.ts caches the compiled
 * bundle only after a scan, so that the cache holds the code that scans.
 */
export function afterNextScan(listener: () => void): void {
  nextScanListeners.push(listener);
}

/**
 * The report of a scan from what its sources listed and its units' results (in order), with the baseline. A
 * scan that read no template and met no error says so, as ESLint does for a pattern that matches no file: an
 * input error for each path given, so that it does not pass over nothing. A scan of changes (there may be
 * none) and a lenient scan (pre-commit may pass only other YAML files) may find nothing.
 */
export function finishScan(
  scan: PreparedScan,
  listings: readonly Listing[],
  units: readonly UnitResult[],
  options: Pick<ScanOptions, 'baseline' | 'notes'>,
): ScanReport {
  const errors: InputError[] = listings.flatMap((l) => l.errors);
  const results: AssemblyResult[] = [];
  for (const unit of units) {
    for (const e of unit.errors) errors.push(e);
    if (unit.result) results.push(unit.result);
  }
  if (errors.length === 0 && !scan.changed && !scan.lenient && results.every((r) => r.files.length === 0)) {
    for (const e of listings.flatMap((l) => l.nothingFound ?? [])) errors.push(e);
  }
  const report = combineResults(results, scan.rules, errors, {
    ...scan.report,
    baseline: options.baseline ? { file: options.baseline, cwd: scan.cwd } : undefined,
    notes: options.notes,
  });
  const listeners = nextScanListeners;
  nextScanListeners = [];
  for (const listener of listeners) listener();
  return report;
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

/** The report from the results of each assembly (whose statistics it takes over). */
export function combineResults(
  results: readonly AssemblyResult[],
  rules: readonly ConfiguredRule[],
  inputErrors: readonly InputError[],
  options: ReportOptions,
): ScanReport {
  let findings: Finding[] = [];
  const notes: Note[] = [...(options.notes ?? [])];
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
  let known: Finding[] | undefined;
  if (options.baseline) {
    const applied = applyBaseline(
      findings,
      readBaseline(options.baseline.file, options.baseline.cwd),
      options.baseline.file,
      options.baseline.cwd,
      { files: [...files, ...findings.map((f) => f.file)], rules: rules.map((c) => c.rule.id) },
    );
    findings = applied.findings;
    // SARIF keeps every finding the baseline knows as unchanged, the suppressed ones (also in findings) included
    known = [...applied.known, ...applied.knownSuppressed].sort(compareFindings);
    baseline = applied.summary;
  }
  findings.sort(compareFindings);
  const errors: InputErrorEntry[] = inputErrors
    .map((e) =>
      e.position
        ? { file: e.file, line: e.position.line, column: e.position.column, message: e.message }
        : { file: e.file, message: e.message },
    )
    .sort((a, b) => cmp(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0));
  const counted = countFindings(findings);
  // worked out when read: a CDK synthesis reads the findings alone
  let scorecard: Scorecard | undefined;
  return {
    findings,
    errors,
    summary: {
      templates: files.length,
      resources,
      findings: counted.findings,
      rules: counted.rules,
      errors: errors.length,
      notes: notes.sort((a, b) => cmp(a.file, b.file) || a.line - b.line),
      get scorecard() {
        return (scorecard ??= buildScorecard(rules, stats));
      },
      files: files.sort(cmp),
      suppressed: counted.suppressed,
      ...(baseline ? { baseline } : {}),
    },
    ...(known ? { known } : {}),
  };
}

/** The counts of the summary that come from the findings: by severity and by rule for active ones, and the suppressed. */
function countFindings(findings: readonly Finding[]): Pick<Summary, 'findings' | 'rules' | 'suppressed'> {
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
  return { findings: counts, rules: rulesSorted, suppressed };
}

/**
 * The report as `--quiet` shows it, for every format and the exit code: errors and warnings only, as ESLint's
 * `--quiet`. Info findings (needs-context reminders among them) are left out of the findings, the baseline's known
 * findings and the counts; the scorecard still describes the whole scan.
 */
export function quietReport(report: ScanReport): ScanReport {
  const loud = (f: Finding): boolean => f.severity !== 'info';
  const findings = report.findings.filter(loud);
  const known = report.known?.filter(loud);
  const baseline = report.summary.baseline;
  return {
    ...report,
    findings,
    summary: {
      ...report.summary,
      ...countFindings(findings),
      ...(baseline ? { baseline: { ...baseline, known: known?.length ?? baseline.known } } : {}),
    },
    ...(known ? { known } : {}),
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
  for (const r of results)
    for (const n of r.machinery?.names ?? []) (namedBy.get(n) ?? namedBy.set(n, new Set()).get(n)!).add(r);
  for (const r of results) {
    for (const fn of r.machinery?.functions ?? []) {
      if (fn.keys.some((k) => [...(namedBy.get(k) ?? [])].some((other) => other !== r)))
        out.add(resourceKey(fn.file, fn.resource));
    }
  }
  return out;
}

/** The findings without those of rules that do not check machinery on `machinery`, whose statistics are taken back too. */
function withoutMachinery(
  findings: Finding[],
  stats: Map<string, RuleStats>,
  rules: readonly ConfiguredRule[],
  machinery: ReadonlySet<string>,
): Finding[] {
  if (machinery.size === 0) return findings;
  const skipping = new Set(
    rules.filter((c) => !isAssemblyRule(c.rule) && !checksRole(c.rule, 'machinery')).map((c) => c.rule.id),
  );
  for (const id of skipping) {
    const s = stats.get(id);
    if (s)
      for (const set of [s.evaluated, s.failed, s.needsContext, s.suppressed])
        for (const key of machinery) set.delete(key);
  }
  return findings.filter((f) => !(skipping.has(f.ruleId) && machinery.has(resourceKey(f.file, f.resource))));
}
