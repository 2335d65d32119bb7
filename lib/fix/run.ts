/**
 * `opslint fix` without the command line: scan, then fix each template file's findings in memory, checked by
 * a second scan of the new text. Nothing is written here (the caller writes, or shows a diff). Templates of a
 * cloud assembly (cdk.out) are never fixed: they are rewritten by the next synth, so the fix belongs in the
 * CDK code.
 */
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { isCloudAssembly } from '../assembly/read';
import { singleTemplateAssembly } from '../assembly/model';
import { cmp, isActive, type Finding, type ScanReport } from '../engine/finding';
import { buildReport, prepareScan, scanNow, type ReportOptions, type ScanOptions } from '../scan';
import { filesSource } from '../sources/files';
import { InputError } from '../template/errors';
import { describeFsError, templateFromText } from '../template/load';
import { decode } from '../template/parse';
import { findingKey, fixText, type Fixed, type TextFix } from './apply';

/** A finding left to fix by hand: it has no fix, its fix was refused (with why), or it is in a cloud assembly. */
export interface Left {
  /** as the scan before fixing found it */
  readonly finding: Finding;
  /** the same finding in the fixed text (its line may have moved), when the file was fixed */
  readonly after?: Finding;
  /** why its fix was not applied */
  readonly reason?: string;
}

/** One file with active findings, and what fixing it gives. */
export interface FileFix {
  /** as findings show it */
  readonly file: string;
  readonly absolute: string;
  /** a template of a cloud assembly: never edited */
  readonly cloudAssembly: boolean;
  /** the text read, and the fixed text; both undefined when nothing could be fixed */
  readonly original?: string;
  readonly text?: string;
  /** the file starts with a UTF-8 byte order mark, to keep when writing */
  readonly bom: boolean;
  readonly fixed: readonly Fixed[];
  /** in the order of the scan */
  readonly left: readonly Left[];
  /** findings the fixes brought on (positions in the fixed text) */
  readonly introduced: readonly Finding[];
  /** findings without a fix of their own that the fixes removed (a traced caller's callee, once it is traced) */
  readonly resolved: readonly Finding[];
}

/** What `fixPaths` gives: the scan before fixing, and each file's fixes. */
export interface FixRun {
  /** the scan before fixing */
  readonly report: ScanReport;
  /** files with active findings, sorted */
  readonly files: readonly FileFix[];
}

/** Scans `paths` and fixes what can be fixed, in memory. */
export function fixPaths(
  paths: readonly string[],
  options: ScanOptions & { readonly ignore?: readonly string[] },
): FixRun {
  const report = scanNow([filesSource(paths, options.ignore)], options);
  // the second scan judges like the first: same rules, parameters, suppressions and baseline stacks
  const scan = prepareScan(options);
  const { cwd, rules } = scan;
  const reportOptions: ReportOptions = {
    ...scan.report,
    baseline: options.baseline ? { file: options.baseline, cwd } : undefined,
  };
  const byFile = new Map<string, Finding[]>();
  for (const f of report.findings) {
    if (!isActive(f)) continue;
    const list = byFile.get(f.file);
    if (list) list.push(f);
    else byFile.set(f.file, [f]);
  }

  const files: FileFix[] = [];
  for (const [file, findings] of [...byFile].sort(([a], [b]) => cmp(a, b))) {
    const absolute = path.resolve(cwd, file);
    const cloudAssembly =
      findings.some((f) => f.stack !== undefined || f.constructPath !== undefined) || insideCloudAssembly(absolute);
    const unfixed = (reasons: ReadonlyMap<Finding, string> = new Map()): Left[] =>
      findings.map((finding) => ({ finding, ...(reasons.has(finding) ? { reason: reasons.get(finding) } : {}) }));
    if (cloudAssembly || !findings.some((f) => f.fix)) {
      files.push({
        file,
        absolute,
        cloudAssembly,
        bom: false,
        fixed: [],
        left: unfixed(),
        introduced: [],
        resolved: [],
      });
      continue;
    }
    const refuseAll = (reason: string): FileFix => {
      const reasons = new Map(findings.filter((f) => f.fix).map((f) => [f, reason]));
      return {
        file,
        absolute,
        cloudAssembly,
        bom: false,
        fixed: [],
        left: unfixed(reasons),
        introduced: [],
        resolved: [],
      };
    };
    const verify = (text: string): Finding[] => {
      const template = templateFromText(text, file, { ...scan.load, explicit: true })!;
      return buildReport([singleTemplateAssembly(template)], rules, [], reportOptions).findings.filter(isActive);
    };
    let bytes: Buffer;
    let original: string;
    let outcome: TextFix;
    try {
      // a regular file only (as the scan reads): one replaced by a FIFO since would block the read
      if (!statSync(absolute).isFile()) throw new InputError('it is no longer a regular file', file);
      bytes = readFileSync(absolute);
      if (bytes[0] === 0xff || bytes[0] === 0xfe) {
        files.push(refuseAll('the file is UTF-16; opslint fix writes UTF-8 only'));
        continue;
      }
      original = decode(bytes, file);
      outcome = fixText(original, file, findings, verify, scan.load.limits);
    } catch (error) {
      // the file changed since the scan into one that cannot be read as a template: the other files are still fixed
      if (!(error instanceof InputError) && (error as NodeJS.ErrnoException).syscall === undefined) throw error;
      files.push(
        refuseAll(
          `the file cannot be read again: ${error instanceof InputError ? error.message : describeFsError(error)}`,
        ),
      );
      continue;
    }
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    const fixed = new Set(outcome.fixed.map((x) => x.finding));
    const reasons = new Map(outcome.refused.map((r) => [r.finding, r.reason]));
    const after = new Map((outcome.after ?? []).map((f) => [findingKey(f), f]));
    const unresolved = unfixed(reasons).filter((l) => !fixed.has(l.finding));
    // with the fixed text scanned again, what it no longer reports is gone
    const gone = (l: Left): boolean => outcome.after !== undefined && !after.has(findingKey(l.finding));
    const left = unresolved
      .filter((l) => !gone(l))
      .map((l) => (after.has(findingKey(l.finding)) ? { ...l, after: after.get(findingKey(l.finding)) } : l));
    const resolved = unresolved.filter(gone).map((l) => l.finding);
    files.push({
      file,
      absolute,
      cloudAssembly,
      original,
      text: outcome.text,
      bom,
      fixed: outcome.fixed,
      left,
      introduced: outcome.introduced,
      resolved,
    });
  }
  return { report, files };
}

/**
 * A template the CDK wrote (`file` absolute): in a folder named cdk.out, or a `*.template.json` beside a cloud
 * assembly's manifest.json. Neither `opslint fix` nor the editor's quick fixes edit one: the next synth undoes it.
 */
export function insideCloudAssembly(file: string): boolean {
  if (/\.template\.json$/i.test(file) && isCloudAssembly(path.dirname(file))) return true;
  return path.dirname(file).split(path.sep).includes('cdk.out');
}
