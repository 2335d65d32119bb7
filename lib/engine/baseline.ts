/**
 * The findings baseline: `--write-baseline FILE` records the current findings by rule, file, resource and
 * path (not line numbers, so edits elsewhere do not make them new), and `--baseline FILE` reports only the
 * findings that are not in it, counts the known ones, and lists the entries that no longer occur.
 *
 * A scan sees part of what a baseline records when it reads some files (`--changed-since`, the files of a
 * commit, one path) or runs some rules (`--rule`, `--no-packs`): an entry outside what it read and ran is
 * neither "fixed" nor dropped when the baseline is rewritten. An entry whose file no longer exists is fixed.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../template/errors';
import { isPlainObject } from '../template/intrinsics';
import { readText } from '../template/load';
import { cmp, INTERNAL_ERROR, type BaselineEntry, type BaselineSummary, type Finding } from './finding';
import { INVALID_SUPPRESSION } from './suppress';

const VERSION = 1;

/** Finding files are relative to cwd; baseline files are relative to the baseline's own folder, so it can be committed. */
function toEntry(f: Finding, cwd: string, dir: string): BaselineEntry {
  const file = path.relative(dir, path.resolve(cwd, f.file)).split(path.sep).join('/');
  return { ruleId: f.ruleId, file, resource: f.resource, path: f.path };
}

const key = (e: BaselineEntry): string => [e.ruleId, e.file, e.resource, e.path].join('\u0000');

/** What a scan read and ran: the files (as findings name them, relative to the working directory) and rule ids. */
export interface BaselineScope {
  readonly files: Iterable<string>;
  readonly rules: Iterable<string>;
}

/** Whether the scan of `scope` can tell if the entry still occurs: its rule ran, and its file was read (or is gone). */
function inScope(scope: BaselineScope, cwd: string, dir: string): (e: BaselineEntry) => boolean {
  const files = new Set([...scope.files].map((f) => path.resolve(cwd, f)));
  const rules = new Set([...scope.rules, INTERNAL_ERROR, INVALID_SUPPRESSION]);
  return (e) => {
    if (!rules.has(e.ruleId)) return false;
    const abs = path.resolve(dir, e.file);
    return files.has(abs) || !existsSync(abs);
  };
}

/**
 * Writes the baseline of `findings`. When the file exists, its entries outside `scope` (files the scan did not
 * read, rules it did not run) are kept: a partial scan updates the baseline, it does not shrink it.
 */
export function writeBaseline(file: string, findings: readonly Finding[], cwd: string, scope?: BaselineScope): number {
  const dir = path.dirname(path.resolve(cwd, file));
  const abs = path.resolve(cwd, file);
  const kept = scope && existsSync(abs) ? readBaseline(file, cwd).filter((e) => !inScope(scope, cwd, dir)(e)) : [];
  const entries = [...findings.filter((f) => !f.suppressed).map((f) => toEntry(f, cwd, dir)), ...kept].sort(
    (a, b) => cmp(a.file, b.file) || cmp(a.ruleId, b.ruleId) || cmp(a.resource, b.resource) || cmp(a.path, b.path),
  );
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.resolve(cwd, file),
    `${JSON.stringify({ version: VERSION, tool: 'opslint', findings: entries }, null, 2)}\n`,
  );
  return entries.length;
}

export function readBaseline(file: string, cwd: string): BaselineEntry[] {
  const abs = path.resolve(cwd, file);
  // named by --baseline or the configuration's `baseline` before any scan wrote it (a configuration copied in)
  if (!existsSync(abs))
    throw new InputError(
      `no baseline here yet; \`opslint scan --write-baseline ${file}\` records the current findings in it`,
      file,
    );
  // read as templates are (a regular file, bounded in size): a FIFO or device named here cannot block the scan
  const text = readText(abs, undefined, file);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new InputError('cannot read the baseline: not valid JSON', file);
  }
  const list = isPlainObject(doc) ? doc.findings : undefined;
  if (
    !Array.isArray(list) ||
    !list.every(
      (e) => isPlainObject(e) && ['ruleId', 'file', 'resource', 'path'].every((k) => typeof e[k] === 'string'),
    )
  ) {
    throw new InputError(
      'not an opslint baseline: expected { "findings": [ { "ruleId", "file", "resource", "path" } ] }',
      file,
    );
  }
  return list as BaselineEntry[];
}

/**
 * Splits findings into new ones and known ones (each baseline entry matches one finding at most). A finding
 * suppressed since the baseline was written stays in the report, suppressed, and its entry is not "fixed":
 * active findings take the entries first, then suppressed ones take what is left (`knownSuppressed`). Entries
 * that match nothing are "fixed" when `scope` (what the scan read and ran) covers them.
 */
export function applyBaseline(
  findings: readonly Finding[],
  entries: readonly BaselineEntry[],
  file: string,
  cwd: string,
  scope: BaselineScope,
): { findings: Finding[]; known: Finding[]; knownSuppressed: Finding[]; summary: BaselineSummary } {
  const dir = path.dirname(path.resolve(cwd, file));
  const remaining = new Map<string, BaselineEntry[]>();
  for (const e of entries) {
    const list = remaining.get(key(e));
    if (list) list.push(e);
    else remaining.set(key(e), [e]);
  }
  const take = (f: Finding): boolean => {
    const list = remaining.get(key(toEntry(f, cwd, dir)));
    return list !== undefined && list.pop() !== undefined;
  };
  const out: Finding[] = [];
  const known: Finding[] = [];
  const knownSuppressed: Finding[] = [];
  for (const f of findings) {
    if (f.suppressed) continue;
    if (take(f)) known.push(f);
    else out.push(f);
  }
  for (const f of findings) {
    if (!f.suppressed) continue;
    if (take(f)) knownSuppressed.push(f);
    out.push(f);
  }
  const fixed = [...remaining.values()]
    .flat()
    .filter(inScope(scope, cwd, dir))
    .sort((a, b) => cmp(a.file, b.file) || cmp(a.ruleId, b.ruleId));
  return { findings: out, known, knownSuppressed, summary: { file, known: known.length, fixed } };
}
