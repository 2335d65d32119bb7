/**
 * What the language server knows of a workspace: its settings, read as `opslint scan` reads them (the
 * configuration file, its packs, team packs included), and the check of one document's text with them: the
 * same parse and scan loop as `scan`, on the text the editor holds rather than the file on disk.
 */
import * as path from 'node:path';
import { singleTemplateAssembly } from '../assembly/model';
import { readSettings, type Settings, type SettingsFlags } from '../cli/settings';
import { configIn } from '../config/load';
import { isActive, type Finding } from '../engine/finding';
import { ruleInfo, type RuleInfo } from '../engine/rule-info';
import { InputError } from '../errors';
import { prepareScan, scanNow, toDisplayPath, type PreparedScan } from '../scan';
import { memorySource } from '../sources/memory';
import { templateFromText } from '../template/load';
import type { Template } from '../template/model';
import { isWithin } from '../util/within';

/** A workspace's settings, with the rules configured once for every check. */
export interface Workspace {
  readonly root: string;
  readonly settings: Settings;
  readonly prepared: PreparedScan;
  /** what hovers show of each rule that runs, by id */
  readonly rules: ReadonlyMap<string, RuleInfo>;
}

/** Reads the workspace's configuration; throws what `scan` would stop on (an InputError or a UsageError). */
export async function openWorkspace(
  root: string,
  warn: (message: string) => void,
  flags: SettingsFlags = {},
): Promise<Workspace> {
  const settings = await readSettings(flags, root, { warn });
  const prepared = prepareScan(settings.scan);
  const rules = new Map(
    prepared.rules.map((r): [string, RuleInfo] => [
      r.rule.id,
      ruleInfo(r.rule, { pack: r.pack, severity: r.severity }),
    ]),
  );
  return { root, settings, prepared, rules };
}

/** The workspace folder `file` is in (the innermost, for nested folders); the first for a file outside them all. */
export function rootOf(file: string, roots: readonly string[]): string {
  const holding = roots.filter((r) => isWithin(r, file));
  return holding.length > 0 ? holding.reduce((a, b) => (b.length > a.length ? b : a)) : roots[0];
}

/** The folders from `file`'s own up to `root`, `root` left out, innermost first; none for a file outside `root`. */
export function foldersUpTo(file: string, root: string): string[] {
  const dirs: string[] = [];
  if (!path.isAbsolute(file) || !isWithin(root, file)) return dirs;
  for (let dir = path.dirname(file); dir !== root && isWithin(root, dir); dir = path.dirname(dir)) dirs.push(dir);
  return dirs;
}

/**
 * The folder whose configuration applies to `file`, as `opslint scan` run there finds it: the nearest folder at or
 * above the file's that holds an `opslint.config.*`, up to `root`; `root` itself without one below it (its
 * configuration, if any, is then found as `scan` finds it from there).
 */
export function configFolder(file: string, root: string): string {
  return foldersUpTo(file, root).find(holdsConfig) ?? root;
}

/** Whether `dir` holds an `opslint.config.*`. */
export function holdsConfig(dir: string): boolean {
  return configIn(dir) !== undefined;
}

/** What checking a document's text gives. */
export type Checked =
  /** not a template (as `scan` skips a file found in a folder): no findings, no error */
  | { readonly kind: 'none' }
  /** the text does not read as a template: where and why */
  | { readonly kind: 'error'; readonly error: InputError }
  /** every finding, suppressed ones included, and the template they are about */
  | { readonly kind: 'template'; readonly template: Template; readonly findings: readonly Finding[] };

/** The file name findings carry: a path as `scan` shows it from the workspace root; a document without a file, its URI. */
export function displayName(ws: Workspace, file: string): string {
  return path.isAbsolute(file) ? toDisplayPath(file, ws.root) : file;
}

/** Checks `text` as the template `file` (recognised by its content, as `scan` recognises templates in a folder). */
export function checkText(ws: Workspace, text: string, file: string): Checked {
  let template: Template | undefined;
  try {
    template = templateFromText(text, displayName(ws, file), ws.prepared.load);
  } catch (error) {
    if (error instanceof InputError) return { kind: 'error', error };
    throw error;
  }
  if (!template) return { kind: 'none' };
  const report = scanNow([memorySource([{ assembly: singleTemplateAssembly(template), errors: [] }])], {
    ...ws.settings.scan,
    cwd: ws.root,
    rules: ws.prepared.rules,
  });
  return { kind: 'template', template, findings: report.findings };
}

/** The active findings of `text` read as the template `file`; throws an InputError when it does not parse (fixes verify with this). */
export function activeFindings(ws: Workspace, text: string, file: string): readonly Finding[] {
  const checked = checkText(ws, text, file);
  if (checked.kind === 'error') throw checked.error;
  return checked.kind === 'template' ? checked.findings.filter(isActive) : [];
}
