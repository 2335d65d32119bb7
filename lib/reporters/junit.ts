/**
 * `--format junit`: JUnit XML that CI servers show as test results. One test suite per scanned file; in it a
 * test case per rule with findings there, and a passing case when the file is clean. A case fails only for
 * findings at or above the `--fail-on` threshold, so that the CI server's verdict is the exit code's (Jenkins marks
 * a build unstable for any failed test, GitLab lists failed tests first in the merge request); findings below it
 * pass, listed in the case's `<system-out>`, which both show with the test. Suppressed findings are a skipped case; a rule that
 * failed (`internal-error`) and an unreadable input are errored cases.
 */
import { atOrAbove, errorLocation, fullMessage, INTERNAL_ERROR, type Finding } from '../engine/finding';
import { xmlChars } from './escape';
import type { ReporterOptions, StreamingReporter } from './index';

export const junitReport: StreamingReporter = function* (report, options) {
  const failOn = options.failOn ?? 'error';
  const byFile = new Map<string, Finding[]>();
  for (const file of report.summary.files) byFile.set(file, []);
  for (const f of report.findings) {
    const list = byFile.get(f.file);
    if (list) list.push(f);
    else byFile.set(f.file, [f]);
  }
  const files = [...byFile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

  // the totals open the document: counted first, then each suite written as it is made
  const totals = { tests: 0, failures: 0, errors: report.errors.length, skipped: 0 };
  for (const [, findings] of files) {
    const outcomes = [...byRule(findings).values()].map((list) => outcome(list, failOn));
    totals.tests += Math.max(1, outcomes.length);
    totals.failures += outcomes.filter((o) => o === 'failure').length;
    totals.errors += outcomes.filter((o) => o === 'error').length;
    totals.skipped += outcomes.filter((o) => o === 'skipped').length;
  }
  totals.tests += report.errors.length;
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="opslint" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}">\n`;
  for (const [file, findings] of files) yield `${suite(file, findings, failOn)}\n`;
  if (report.errors.length > 0) {
    const cases = report.errors.map((e) => {
      const where = errorLocation(e);
      return `    <testcase classname="${xml(e.file)}" name="read input"><error message="${xml(e.message)}" type="input-error">${xml(`${where}: ${e.message}`)}</error></testcase>`;
    });
    yield `  <testsuite name="input errors" tests="${cases.length}" failures="0" errors="${cases.length}" skipped="0">\n${cases.join('\n')}\n  </testsuite>\n`;
  }
  yield '</testsuites>\n';
};

/** A file's findings by rule, in the order each rule first appears. */
function byRule(findings: readonly Finding[]): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = out.get(f.ruleId);
    if (list) list.push(f);
    else out.set(f.ruleId, [f]);
  }
  return out;
}

type Outcome = 'error' | 'failure' | 'skipped' | 'passed';

/** How the case of one rule's findings in a file ends. */
function outcome(list: readonly Finding[], failOn: NonNullable<ReporterOptions['failOn']>): Outcome {
  const active = list.filter((f) => !f.suppressed);
  if (list[0].ruleId === INTERNAL_ERROR && active.length > 0) return 'error';
  if (active.some((f) => atOrAbove(f.severity, failOn))) return 'failure';
  return active.length === 0 ? 'skipped' : 'passed';
}

/** The test suite of one scanned file: a case per rule with findings there, or a passing case. */
function suite(file: string, findings: readonly Finding[], failOn: NonNullable<ReporterOptions['failOn']>): string {
  const cases: string[] = [];
  const counts: Record<Outcome, number> = { error: 0, failure: 0, skipped: 0, passed: 0 };
  for (const [ruleId, list] of byRule(findings)) {
    const active = list.filter((f) => !f.suppressed);
    const open = `    <testcase classname="${xml(file)}" name="${xml(`${ruleId} (${list[0].bestPractice})`)}">`;
    const failing = active.filter((f) => atOrAbove(f.severity, failOn));
    const passing = active.filter((f) => !atOrAbove(f.severity, failOn));
    const suppressed = list.filter((f) => f.suppressed);
    const out = [
      ...(passing.length > 0 ? [`Below the fail-on threshold (${failOn}):`, ...passing.map(line)] : []),
      ...(suppressed.length > 0
        ? ['Suppressed:', ...suppressed.map((f) => `${line(f)} (${f.suppressed!.reason})`)]
        : []),
    ];
    const others = out.length > 0 ? `<system-out>${xml(out.join('\n'))}</system-out>` : '';
    const ends = outcome(list, failOn);
    counts[ends]++;
    if (ends === 'error') {
      cases.push(
        `${open}<error message="${xml(active[0].message)}" type="internal-error">${xml(active.map(line).join('\n'))}</error></testcase>`,
      );
    } else if (ends === 'failure') {
      cases.push(
        `${open}<failure message="${xml(failing[0].message)}" type="${failing[0].severity}">${xml(failing.map(line).join('\n'))}</failure>${others}</testcase>`,
      );
    } else if (ends === 'skipped') {
      cases.push(`${open}<skipped message="${xml(`suppressed: ${list[0].suppressed!.reason}`)}"/></testcase>`);
    } else {
      cases.push(`${open}${others}</testcase>`);
    }
  }
  if (cases.length === 0) cases.push(`    <testcase classname="${xml(file)}" name="opslint"/>`);
  return `  <testsuite name="${xml(file)}" tests="${cases.length}" failures="${counts.failure}" errors="${counts.error}" skipped="${counts.skipped}">\n${cases.join('\n')}\n  </testsuite>`;
}

/** A finding as one line of a case's text: `file:line:col severity message`. */
function line(f: Finding): string {
  return `${f.file}:${f.line}:${f.column} ${f.severity} ${fullMessage(f)}`;
}

/** Text for XML content and double-quoted attributes; characters XML 1.0 does not allow are shown escaped. */
function xml(s: string): string {
  return xmlChars(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
