/**
 * A whole scan: discover inputs, read each into an assembly (a cloud assembly, or a lone template), run the
 * configured rules, and assemble the report. An input that cannot be read is reported and the others are
 * scanned all the same.
 */
import * as path from 'node:path';
import { readCloudAssembly } from './assembly/read';
import { singleTemplateAssembly, type Assembly } from './assembly/model';
import { configureRules, type RuleSelection } from './engine/config';
import { cmp, compareFindings, type Finding, type InputErrorEntry, type Note, type ScanReport } from './engine/finding';
import { evaluate, type ConfiguredRule, type RuleStats, type RunOptions } from './engine/runner';
import { accountBaselineMatcher } from './engine/baseline';
import { buildScorecard, mergeStats } from './engine/scorecard';
import type { Pack } from './engine/rule';
import { discoverInputs } from './inputs/discover';
import { InputError } from './template/errors';
import { loadTemplate, type LoadOptions } from './template/load';
import { BUILTIN_PACKS } from '../rules';

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
}

export function scanPaths(paths: readonly string[], options: ScanOptions = {}): ScanReport {
  const cwd = options.cwd ?? process.cwd();
  const display = (p: string): string => toDisplayPath(p, cwd);
  const rules = configureRules(options.packs ?? BUILTIN_PACKS, options.selection);
  const loadOptions: LoadOptions = { ...options.load, parameters: options.parameters };

  const discovery = discoverInputs(paths, cwd, display);
  const errors: InputError[] = [...discovery.errors];
  const assemblies: Assembly[] = [];
  for (const input of discovery.inputs) {
    try {
      if (input.kind === 'cloud-assembly') {
        const result = readCloudAssembly(input.dir, loadOptions, display);
        errors.push(...result.errors);
        assemblies.push(result.assembly);
      } else {
        const template = loadTemplate(input.file, { ...loadOptions, explicit: input.explicit, displayName: display(input.file) });
        if (template) assemblies.push(singleTemplateAssembly(template));
      }
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      errors.push(error);
    }
  }
  return buildReport(assemblies, rules, errors, { accountBaseline: accountBaselineMatcher(options.accountBaseline) });
}

/** Runs rules over assemblies already read and builds the report; used by the CLI, the CDK plugin and tests. */
export function buildReport(
  assemblies: readonly Assembly[],
  rules: readonly ConfiguredRule[],
  inputErrors: readonly InputError[] = [],
  runOptions: RunOptions = {},
): ScanReport {
  const findings: Finding[] = [];
  const notes: Note[] = [];
  const stats = new Map<string, RuleStats>();
  let templates = 0;
  let resources = 0;
  for (const assembly of assemblies) {
    const evaluation = evaluate(assembly, rules, runOptions);
    findings.push(...evaluation.findings);
    mergeStats(stats, evaluation.stats);
    for (const stack of assembly.stacks) {
      templates++;
      resources += stack.template.resources.size;
      for (const u of stack.template.unresolved) notes.push({ file: stack.template.file, line: u.position.line, column: u.position.column, message: u.message });
    }
  }
  findings.sort(compareFindings);
  const errors: InputErrorEntry[] = inputErrors
    .map((e) => (e.position ? { file: e.file, line: e.position.line, column: e.position.column, message: e.message } : { file: e.file, message: e.message }))
    .sort((a, b) => cmp(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0));
  const counts = { error: 0, warning: 0, info: 0, total: findings.length };
  const perRule: Record<string, number> = {};
  for (const f of findings) {
    counts[f.severity]++;
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
    },
  };
}

/** Paths are shown relative to the working directory (or absolute, when that is shorter), with forward slashes. */
export function toDisplayPath(p: string, cwd: string): string {
  const rel = path.relative(cwd, p);
  const shown = rel === '' ? '.' : path.isAbsolute(rel) || rel.length > p.length ? p : rel;
  return shown.split(path.sep).join('/');
}
