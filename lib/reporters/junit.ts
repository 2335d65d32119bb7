/**
 * `--format junit`: JUnit XML that CI servers show as test results. One test suite per scanned file; in it a
 * failing test case per rule with findings there (the failure lists each finding as file:line:col), a
 * skipped one for suppressed findings, and a passing case when the file is clean. An unreadable input is
 * an errored case.
 */
import { errorLocation, fullMessage, type Finding } from '../engine/finding';
import { xmlChars } from './escape';
import type { Reporter } from './index';

export const junitReporter: Reporter = (report) => {
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
    let suiteSkipped = 0;
    for (const [ruleId, list] of byRule) {
      const active = list.filter((f) => !f.suppressed && f.severity !== 'info');
      const name = `${ruleId} (${list[0].bestPractice})`;
      if (active.length > 0) {
        const text = active.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${fullMessage(f)}`).join('\n');
        cases.push(
          `    <testcase classname="${xml(file)}" name="${xml(name)}"><failure message="${xml(active[0].message)}" type="${active[0].severity}">${xml(text)}</failure></testcase>`,
        );
        suiteFailures++;
      } else if (list.every((f) => f.suppressed)) {
        cases.push(
          `    <testcase classname="${xml(file)}" name="${xml(name)}"><skipped message="${xml(`suppressed: ${list[0].suppressed!.reason}`)}"/></testcase>`,
        );
        suiteSkipped++;
      } else {
        const text = list.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${fullMessage(f)}`).join('\n');
        cases.push(
          `    <testcase classname="${xml(file)}" name="${xml(name)}"><system-out>${xml(text)}</system-out></testcase>`,
        );
      }
    }
    if (cases.length === 0) cases.push(`    <testcase classname="${xml(file)}" name="opslint"/>`);
    tests += cases.length;
    failures += suiteFailures;
    skipped += suiteSkipped;
    suites.push(
      `  <testsuite name="${xml(file)}" tests="${cases.length}" failures="${suiteFailures}" errors="0" skipped="${suiteSkipped}">\n${cases.join('\n')}\n  </testsuite>`,
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

/** Text for XML content and double-quoted attributes; characters XML 1.0 does not allow are shown escaped. */
function xml(s: string): string {
  return xmlChars(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
