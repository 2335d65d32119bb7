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
import type { Reporter } from './index';

export const junitReporter: Reporter = (report, options) => {
  const failOn = options.failOn ?? 'error';
  const byFile = new Map<string, Finding[]>();
  for (const file of report.summary.files) byFile.set(file, []);
  for (const f of report.findings) {
    const list = byFile.get(f.file);
    if (list) list.push(f);
    else byFile.set(f.file, [f]);
  }

  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  for (const [file, findings] of [...byFile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const cases: string[] = [];
    const byRule = new Map<string, Finding[]>();
    for (const f of findings) {
      const list = byRule.get(f.ruleId);
      if (list) list.push(f);
      else byRule.set(f.ruleId, [f]);
    }
    let suiteFailures = 0;
    let suiteErrors = 0;
    let suiteSkipped = 0;
    for (const [ruleId, list] of byRule) {
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
      if (ruleId === INTERNAL_ERROR && active.length > 0) {
        cases.push(
          `${open}<error message="${xml(active[0].message)}" type="internal-error">${xml(active.map(line).join('\n'))}</error></testcase>`,
        );
        suiteErrors++;
      } else if (failing.length > 0) {
        cases.push(
          `${open}<failure message="${xml(failing[0].message)}" type="${failing[0].severity}">${xml(failing.map(line).join('\n'))}</failure>${others}</testcase>`,
        );
        suiteFailures++;
      } else if (active.length === 0) {
        cases.push(`${open}<skipped message="${xml(`suppressed: ${list[0].suppressed!.reason}`)}"/></testcase>`);
        suiteSkipped++;
      } else {
        cases.push(`${open}${others}</testcase>`);
      }
    }
    if (cases.length === 0) cases.push(`    <testcase classname="${xml(file)}" name="opslint"/>`);
    tests += cases.length;
    failures += suiteFailures;
    errors += suiteErrors;
    skipped += suiteSkipped;
    suites.push(
      `  <testsuite name="${xml(file)}" tests="${cases.length}" failures="${suiteFailures}" errors="${suiteErrors}" skipped="${suiteSkipped}">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  if (report.errors.length > 0) {
    const cases = report.errors.map((e) => {
      const where = errorLocation(e);
      return `    <testcase classname="${xml(e.file)}" name="read input"><error message="${xml(e.message)}" type="input-error">${xml(`${where}: ${e.message}`)}</error></testcase>`;
    });
    tests += cases.length;
    errors += cases.length;
    suites.push(
      `  <testsuite name="input errors" tests="${cases.length}" failures="0" errors="${cases.length}" skipped="0">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="opslint" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
};

/** A finding as one line of a case's text: `file:line:col severity message`. */
function line(f: Finding): string {
  return `${f.file}:${f.line}:${f.column} ${f.severity} ${fullMessage(f)}`;
}

/** Text for XML content and double-quoted attributes; characters XML 1.0 does not allow are shown escaped. */
function xml(s: string): string {
  return xmlChars(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
