/**
 * `--format markdown`: a pull-request comment. A summary by OPS question, then the findings that count
 * (new ones, when a baseline is used), each collapsed under a one-line summary, then suppressed findings and
 * input errors. It stays under GitHub's 65,536-character limit for comments and says so when it cuts.
 */
import { assumptionList, errorLocation, fullMessage, type Finding, type Severity } from '../engine/finding';
import { bestPractice, QUESTIONS } from '../framework';
import { markdownText } from './escape';
import type { Reporter } from './index';

export const COMMENT_LIMIT = 65_536;
export const MARKER = '<!-- opslint-report -->';
const ICON: Readonly<Record<Severity, string>> = { error: '🔴', warning: '🟠', info: '🔵' };
const RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

export const markdownReporter: Reporter = (report) => {
  const active = report.findings.filter((f) => !f.suppressed).sort((a, b) => RANK[a.severity] - RANK[b.severity]);
  const suppressed = report.findings.filter((f) => f.suppressed);
  const { findings: counts, templates, resources } = report.summary;
  const baseline = report.summary.baseline;
  const heading = baseline ? 'New findings' : 'Findings';

  // the marker lets a workflow find and update its earlier comment
  const head: string[] = [MARKER, '## opslint · AWS Well-Architected Operational Excellence', ''];
  const activeCounts = { error: 0, warning: 0, info: 0 };
  for (const f of active) activeCounts[f.severity]++;
  const status = activeCounts.error > 0 || report.errors.length > 0 ? '❌' : active.length > 0 ? '⚠️' : '✅';
  const parts = [
    `**${active.length} ${baseline ? 'new ' : ''}finding${active.length === 1 ? '' : 's'}** (${activeCounts.error} errors, ${activeCounts.warning} warnings, ${activeCounts.info} info)`,
    `in ${templates} template${templates === 1 ? '' : 's'} (${resources} resources)`,
  ];
  if (suppressed.length > 0) parts.push(`${suppressed.length} suppressed`);
  if (baseline) parts.push(`${baseline.known} known from the baseline, ${baseline.fixed.length} fixed`);
  if (report.errors.length > 0)
    parts.push(`${report.errors.length} input${report.errors.length === 1 ? '' : 's'} could not be read`);
  head.push(`${status} ${parts.join(' · ')}`, '');
  void counts;

  const byQuestion = QUESTIONS.map((q) => ({ q, list: active.filter((f) => f.question === q.id) })).filter(
    (x) => x.list.length > 0,
  );
  if (byQuestion.length > 0) {
    head.push('| OPS question | Errors | Warnings | Info |', '|---|---:|---:|---:|');
    for (const { q, list } of byQuestion) {
      const n = (s: Severity): number => list.filter((f) => f.severity === s).length;
      head.push(`| **${q.id}** ${q.title} | ${n('error')} | ${n('warning')} | ${n('info')} |`);
    }
    head.push('');
  }

  const tail: string[] = [];
  if (report.errors.length > 0) {
    tail.push('### Input errors', '');
    // they come before the findings in the budget, so they get at most a quarter of it
    let size = 0;
    let shown = 0;
    for (const e of report.errors) {
      const line = `- ${code(errorLocation(e))}: ${markdownText(e.message)}`;
      size += line.length + 1;
      if (size > COMMENT_LIMIT / 4) break;
      tail.push(line);
      shown++;
    }
    if (shown < report.errors.length)
      tail.push(
        `- ${report.errors.length - shown} more input(s) could not be read. The SARIF or JSON report lists them all.`,
      );
    tail.push('');
  }
  if (baseline && baseline.fixed.length > 0)
    tail.push(`${baseline.fixed.length} finding(s) of the baseline no longer occur: the baseline can be updated.`, '');

  const sections: string[][] = [];
  if (active.length > 0) sections.push([`### ${heading}`, '', ...active.map(entry)]);
  if (suppressed.length > 0) {
    sections.push([
      `### Suppressed (${suppressed.length})`,
      '',
      '<details><summary>Suppressed findings and their reasons</summary>',
      '',
      '| Rule | Where | Reason | Expires |',
      '|---|---|---|---|',
      ...suppressed.map(
        (f) =>
          `| ${code(f.ruleId)} | ${code(`${f.file}:${f.line}`)} ${f.resource ? code(f.resource) : ''} | ${markdownText(f.suppressed!.reason)} | ${markdownText(f.suppressed!.expires ?? '')} |`,
      ),
      '',
      '</details>',
      '',
    ]);
  }

  // everything, if it fits; otherwise as many findings as fit, and a note
  const fixed = [...head, ...tail].join('\n').length;
  const out = [...head];
  let used = fixed;
  let cut = 0;
  const note = (n: number): string =>
    `> ${n} more finding(s) are not shown: a GitHub comment is limited to ${COMMENT_LIMIT.toLocaleString('en-US')} characters. The SARIF or JSON report has them all.\n`;
  const reserve = note(report.findings.length).length + 200;
  for (const section of sections) {
    for (const block of section) {
      if (cut > 0 || used + block.length + 1 > COMMENT_LIMIT - reserve) {
        if (block.startsWith('<details><summary>') || block.startsWith('| <code>')) cut++;
        continue;
      }
      out.push(block);
      used += block.length + 1;
    }
  }
  if (cut > 0) out.push(note(cut));
  return `${out.concat(tail).join('\n').trimEnd()}\n`;
};

/**
 * One finding, collapsed. Its summary line is raw HTML (a `<details>` block), where Markdown is not read: text
 * goes in as {@link markdownText}, which reads the same in both, and code as `<code>`, never as a code span.
 */
function entry(f: Finding): string {
  const where = code(f.constructPath ?? `${f.file}:${f.line}`);
  return [
    `<details><summary>${ICON[f.severity]} <b>${f.severity}</b> ${code(f.ruleId)} ${where}: ${markdownText(fullMessage(f))}</summary>`,
    '',
    ...(f.assumptions ? [`- **Assumes:** ${markdownText(assumptionList(f.assumptions))}`] : []),
    `- **Where:** ${code(f.file)} line ${f.line}, column ${f.column}${f.resource ? `, resource ${code(f.resource)}` : ''} (${code(f.path)})${f.source ? `, created at ${code(f.source)}` : ''}`,
    `- **OPS best practice:** ${bestPractice(f.bestPractice) ? `[${f.bestPractice} ${bestPractice(f.bestPractice)!.title}](${bestPractice(f.bestPractice)!.url})` : markdownText(f.bestPractice)}`,
    `- **Rule:** ${f.docs ? `[${markdownText(f.ruleId)}](${f.docs})` : markdownText(f.ruleId)}`,
    '',
    '</details>',
    '',
  ].join('\n');
}

/** Text from a template in monospace. */
function code(s: string): string {
  return `<code>${markdownText(s)}</code>`;
}
