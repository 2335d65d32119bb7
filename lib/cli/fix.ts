/**
 * `opslint fix`: applies the fixes rules declare to YAML and JSON templates, and lists what is left to fix
 * by hand. Configuration, packs and parameters are read as `scan` reads them. With `--dry-run` nothing is
 * written: the unified diff goes to stdout (a patch `git apply` takes) and the listing to stderr.
 *
 * Exit code: 2 when an input could not be read; 1 when findings at or above `--fail-on` are left after
 * fixing (with `--dry-run`: would be left); 0 otherwise.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { createColors } from 'picocolors';
import { configRelative, findConfig, loadConfig, selectionFromConfig, type LoadedConfig } from '../config/load';
import { atOrAbove, type FailOn, type Finding, type FixEdit } from '../engine/finding';
import type { Rule } from '../engine/rule';
import { NEEDS_CONTEXT } from '../engine/runner';
import { fixPaths, type FileFix } from '../fix/run';
import { loadPacks } from '../packs/load';
import { toDisplayPath } from '../scan';
import { parseParameterArgs } from './parameters';
import { EXIT } from './scan';
import type { CliIO } from './index';
import { BUILTIN_PACKS } from '../../rules';

/** The options of `opslint fix`, as commander parses them. */
export interface FixCliOptions {
  rule?: string[];
  excludeRule?: string[];
  dryRun?: boolean;
  parameters?: string[];
  config?: string | false;
  loadPack?: string[];
  failOn?: FailOn;
  color: boolean;
}

/** Runs `opslint fix` and returns the exit code. */
export async function runFix(paths: string[], opts: FixCliOptions, io: CliIO): Promise<number> {
  const cwd = io.cwd;
  const configFile = opts.config === false ? undefined : opts.config ? path.resolve(cwd, opts.config) : findConfig(cwd);
  const loaded: LoadedConfig | undefined = configFile ? loadConfig(configFile, toDisplayPath(configFile, cwd)) : undefined;
  const config = loaded?.config ?? {};
  const packs = [...BUILTIN_PACKS, ...(await loadPacks(config.packs ?? [], loaded ? path.dirname(loaded.file) : cwd, BUILTIN_PACKS))];
  packs.push(...(await loadPacks(opts.loadPack ?? [], cwd, packs)));
  const fromConfig = loaded ? selectionFromConfig(loaded, packs) : {};
  const parameters: Record<string, string> = {};
  for (const [k, v] of Object.entries(config.parameters ?? {})) parameters[k] = String(v);
  Object.assign(parameters, parseParameterArgs(opts.parameters ?? [], cwd));

  const run = fixPaths(paths, {
    cwd,
    packs,
    parameters,
    selection: { rules: opts.rule, exclude: [...(fromConfig.exclude ?? []), ...(opts.excludeRule ?? [])], ruleSettings: fromConfig.ruleSettings },
    accountBaseline: config.accountBaseline,
    ignore: loaded ? (config.ignore ?? []).map((g) => path.posix.join(toDisplayPath(path.dirname(loaded.file), cwd), g).replace(/^\.\//, '')) : [],
    suppressions: config.suppressions,
    baseline: config.baseline && loaded ? toDisplayPath(configRelative(loaded, config.baseline), cwd) : undefined,
  });

  const changed = run.files.filter((f) => f.text !== undefined && f.text !== f.original);
  if (opts.dryRun) for (const f of changed) io.stdout(patch(f));
  const unwritten: string[] = [];
  for (const f of opts.dryRun ? [] : changed) {
    try {
      writeFileSync(f.absolute, (f.bom ? '\ufeff' : '') + f.text);
    } catch (error) {
      unwritten.push(`${f.file}: cannot write the fixes (${(error as NodeJS.ErrnoException).code ?? String(error)}); the file is unchanged`);
    }
  }

  const rules = new Map<string, Rule>(packs.flatMap((p) => p.rules.map((r): [string, Rule] => [r.id, r])));
  const listing = describe(run.files, rules, opts.dryRun === true, createColors(opts.color && io.isTTY && io.env.NO_COLOR === undefined));
  (opts.dryRun ? io.stderr : io.stdout)(`${listing.join('\n')}\n`);
  // input errors always reach the terminal, as with scan
  for (const e of run.report.errors) io.stderr(`${e.line !== undefined ? `${e.file}:${e.line}:${e.column}` : e.file}: ${e.message}\n`);
  for (const line of unwritten) io.stderr(`${line}\n`);

  if (run.report.errors.length > 0 || unwritten.length > 0) return EXIT.error;
  const failOn = opts.failOn ?? config.failOn ?? 'error';
  const remaining = run.files.flatMap((f) => [...f.left.map((l) => l.finding), ...f.introduced]);
  return remaining.some((f) => atOrAbove(f.severity, failOn)) ? EXIT.findings : EXIT.ok;
}

/** A unified diff of one file, with `a/` and `b/` prefixes so that `git apply` takes it from the working directory. */
function patch(f: FileFix): string {
  const relative = !path.isAbsolute(f.file);
  return createTwoFilesPatch(relative ? `a/${f.file}` : f.file, relative ? `b/${f.file}` : f.file, f.original!, f.text!, undefined, undefined, { headerOptions: FILE_HEADERS_ONLY });
}

/** Per file: what was fixed (the edits), what is left (with why a fix was not applied), then a summary. */
function describe(files: readonly FileFix[], rules: ReadonlyMap<string, Rule>, dryRun: boolean, c: ReturnType<typeof createColors>): string[] {
  const out: string[] = [];
  let fixed = 0;
  let left = 0;
  for (const f of files) {
    out.push(f.cloudAssembly ? `${c.underline(f.file)}  ${c.dim('generated by the CDK: not edited; change the CDK code, then synthesize again')}` : c.underline(f.file));
    // one line per change: a change in Globals fixes several resources
    const changes = new Map<string, { ruleId: string; resources: string[] }>();
    for (const x of f.fixed) {
      const change = `${x.edits.map(showEdit).join('; ')}\u0000${x.finding.ruleId}`;
      const entry = changes.get(change) ?? { ruleId: x.finding.ruleId, resources: [] };
      changes.set(change, entry);
      if (!x.edits.every((e) => e.path.startsWith(`Resources.${x.finding.resource}.`))) entry.resources.push(x.finding.resource);
    }
    for (const [change, { ruleId, resources }] of changes) {
      const forWhom = resources.length > 0 ? `  ${c.dim(`(for ${resources.join(', ')})`)}` : '';
      out.push(`  ${c.green(dryRun ? 'fix   ' : 'fixed ')}  ${change.slice(0, change.indexOf('\u0000'))}  ${c.dim(ruleId)}${forWhom}`);
    }
    for (const r of f.resolved) out.push(`  ${c.green(dryRun ? 'fix   ' : 'fixed ')}  ${where(r)}  ${message(r, c)}  ${c.dim(r.ruleId)}  ${c.dim('(by the fixes above)')}`);
    const hinted = new Set<string>();
    for (const l of f.left) {
      const finding = (!dryRun && l.after) || l.finding;
      const reason = l.reason ? `  ${c.dim(`(not fixed: ${l.reason})`)}` : '';
      out.push(`  ${c.yellow('manual')}  ${where(finding)}  ${finding.severity}  ${message(finding, c)}  ${c.dim(finding.ruleId)}${reason}`);
      // in a cloud assembly the fix belongs in the CDK code: say how, once per rule and template
      const cdk = rules.get(finding.ruleId)?.fix?.cdk;
      if (f.cloudAssembly && cdk && !hinted.has(finding.ruleId)) {
        hinted.add(finding.ruleId);
        out.push(...`CDK: ${cdk}`.split('\n').map((line) => `          ${c.dim(line)}`));
      }
    }
    for (const n of f.introduced) out.push(`  ${c.yellow('new   ')}  ${where(n)}  ${n.severity}  ${message(n, c)}  ${c.dim(n.ruleId)}  ${c.dim('(after the fixes)')}`);
    fixed += f.fixed.length + f.resolved.length;
    left += f.left.length + f.introduced.length;
    out.push('');
  }
  const inFiles = files.filter((f) => f.fixed.length > 0).length;
  const done = dryRun
    ? `${count(fixed, 'finding')} in ${count(inFiles, 'file')} can be fixed (dry run: no file changed)`
    : `Fixed ${count(fixed, 'finding')} in ${count(inFiles, 'file')}`;
  out.push(`${fixed === 0 ? 'Nothing to fix automatically' : done}; ${count(left, 'finding')} left to fix by hand.`);
  return out;
}

/** The message, its long "needs context" explanation (the same in every file) shortened to a tag. */
function message(f: Finding, c: ReturnType<typeof createColors>): string {
  const suffix = Object.values(NEEDS_CONTEXT).find((x) => f.message.endsWith(x));
  return suffix ? `${f.message.slice(0, -suffix.length)} ${c.dim('(needs context: see opslint scan)')}` : f.message;
}

function where(f: Finding): string {
  const at = f.constructPath ?? `${f.line}:${f.column}`;
  return f.source ? `${at} (${f.source})` : at;
}

function showEdit(edit: FixEdit): string {
  if ('value' in edit) return `${edit.path}: ${JSON.stringify(edit.value)}`;
  return `${edit.path}: + ${JSON.stringify(edit.item)}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
