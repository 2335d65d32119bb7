/**
 * `--format markdown`: a pull-request comment. A summary by OPS question, then the findings that count
 * (new ones, when a baseline is used), each collapsed under a one-line summary, the reminders that need context
 * once per rule, then suppressed findings, input errors and notes. It stays under GitHub's 65,536-character limit for
 * comments and says so when it cuts.
 */
import { assumptionList, errorLocation, fullMessage, type Finding, type Severity } from '../engine/finding';
import { bestPractice, QUESTIONS } from '../framework';
import { markdownText } from './escape';
import type { StreamingReporter } from './index';
import { groupReminders, type ReminderGroup } from './reminders';
import { plural } from '../util/words';

export const COMMENT_LIMIT = 65_536;
export const MARKER = '<!-- opslint-report -->';
const ICON: Readonly<Record<Severity, string>> = { error: '🔴', warning: '🟠', info: '🔵' };
const RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

export const markdownReport: StreamingReporter = function* (report) {
  const active = report.findings.filter((f) => !f.suppressed).sort((a, b) => RANK[a.severity] - RANK[b.severity]);
  const suppressed = report.findings.filter((f) => f.suppressed);
  const { templates, resources } = report.summary;
  const baseline = report.summary.baseline;
  const heading = baseline ? 'New findings' : 'Findings';

  // the marker lets a workflow find and update its earlier comment
  const head: string[] = [MARKER, '## opslint · AWS Well-Architected Operational Excellence', ''];
  const activeCounts = { error: 0, warning: 0, info: 0 };
  for (const f of active) activeCounts[f.severity]++;
  const status = activeCounts.error > 0 || report.errors.length > 0 ? '❌' : active.length > 0 ? '⚠️' : '✅';
  const severities = [
    plural(activeCounts.error, 'error'),
    plural(activeCounts.warning, 'warning'),
    `${activeCounts.info} info`,
  ];
  const parts = [
    `**${plural(active.length, baseline ? 'new finding' : 'finding')}** (${severities.join(', ')})`,
    `in ${plural(templates, 'template')} (${plural(resources, 'resource')})`,
  ];
  if (suppressed.length > 0) parts.push(`${suppressed.length} suppressed`);
  if (baseline) parts.push(`${baseline.known} known from the baseline, ${baseline.fixed.length} fixed`);
  if (report.errors.length > 0) parts.push(`${plural(report.errors.length, 'input')} could not be read`);
  head.push(`${status} ${parts.join(' · ')}`, '');

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

  // input errors and notes come before the findings in the budget, so they get at most a quarter and an eighth of it
  const tail: string[] = [
    ...cappedList(
      'Input errors',
      report.errors.map((e) => `- ${code(errorLocation(e))}: ${markdownText(e.message)}`),
      COMMENT_LIMIT / 4,
      (n) => `- ${n} more input(s) could not be read. The SARIF or JSON report lists them all.`,
    ),
    ...cappedList(
      'Notes',
      report.summary.notes.map((n) => `- ${code(`${n.file}:${n.line}:${n.column}`)}: ${markdownText(n.message)}`),
      COMMENT_LIMIT / 8,
      (n) => `- ${n} more note(s). The JSON report lists them all.`,
    ),
  ];
  if (baseline && baseline.fixed.length > 0)
    tail.push(
      `${plural(baseline.fixed.length, 'finding')} of the baseline no longer ${baseline.fixed.length === 1 ? 'occurs' : 'occur'}: the baseline can be updated.`,
      '',
    );

  // blocks of text, each with the number of findings it shows (for the note when some do not fit); a block's text is
  // made only when it may fit: a report of many findings shows few of them
  const { findings: others, reminders } = groupReminders(active);
  function* blocks(): Generator<Block> {
    const text = (t: string): Block => ({ text: () => t, findings: 0 });
    if (others.length > 0) {
      yield* [text(`### ${heading}`), text('')];
      for (const f of others) yield { text: () => entry(f), findings: 1 };
    }
    if (reminders.length > 0) {
      yield* [
        text(`### Needs context (${plural(reminders.length, 'rule')})`),
        text(''),
        text(
          'Checks that the scan could not enforce without more context, each listed once for every file it concerns.',
        ),
        text(''),
      ];
      for (const r of reminders) yield { text: () => reminderEntry(r), findings: r.findings.length };
    }
    if (suppressed.length > 0) {
      yield* [
        text(`### Suppressed (${suppressed.length})`),
        text(''),
        text('<details><summary>Suppressed findings and their reasons</summary>'),
        text(''),
        text('| Rule | Where | Reason | Expires |'),
        text('|---|---|---|---|'),
      ];
      for (const f of suppressed)
        yield {
          text: () =>
            `| ${code(f.ruleId)} | ${code(`${f.file}:${f.line}`)} ${f.resource ? code(f.resource) : ''} | ${markdownText(f.suppressed!.reason)} | ${markdownText(f.suppressed!.expires ?? '')} |`,
          findings: 1,
        };
      yield* [text(''), text('</details>'), text('')];
    }
  }

  // everything, if it fits; otherwise as many findings as fit, and a note
  const fixed = [...head, ...tail].join('\n').length;
  const out = [...head];
  let used = fixed;
  let cut = 0;
  const note = (n: number): string =>
    `> ${n} more finding(s) are not shown: a GitHub comment is limited to ${COMMENT_LIMIT.toLocaleString('en-US')} characters. The SARIF or JSON report has them all.\n`;
  const reserve = note(report.findings.length).length + 200;
  for (const block of blocks()) {
    const text = cut > 0 ? '' : block.text();
    if (cut > 0 || used + text.length + 1 > COMMENT_LIMIT - reserve) {
      cut += block.findings;
      continue;
    }
    out.push(text);
    used += text.length + 1;
  }
  if (cut > 0) out.push(note(cut));
  yield `${out.concat(tail).join('\n').trimEnd()}\n`;
};

/** `### title` over the list `lines`, as many as fit in `budget` characters and a line saying how many more; nothing for none. */
function cappedList(title: string, lines: readonly string[], budget: number, more: (n: number) => string): string[] {
  if (lines.length === 0) return [];
  const out = [`### ${title}`, ''];
  let size = 0;
  let shown = 0;
  for (const line of lines) {
    size += line.length + 1;
    if (size > budget) break;
    out.push(line);
    shown++;
  }
  if (shown < lines.length) out.push(more(lines.length - shown));
  return [...out, ''];
}

interface Block {
  readonly text: () => string;
  readonly findings: number;
}

/** How many locations a reminder lists; the others are counted. */
const REMINDER_PLACES = 20;

/**
 * A collapsed entry. Its summary line is raw HTML (a `<details>` block), where Markdown is not read: text goes
 * in as {@link markdownText}, which reads the same in both, and code as `<code>`, never as a code span.
 */
function collapsed(f: Finding, where: string, message: string, body: readonly string[]): string {
  const summary = `${ICON[f.severity]} <b>${f.severity}</b> ${code(f.ruleId)} ${where}: ${markdownText(message)}`;
  return [`<details><summary>${summary}</summary>`, '', ...body, ...ruleLines(f), '', '</details>', ''].join('\n');
}

/** One finding, collapsed. */
function entry(f: Finding): string {
  return collapsed(f, place(f), fullMessage(f), [
    ...(f.assumptions ? [`- **Assumes:** ${markdownText(assumptionList(f.assumptions))}`] : []),
    `- **Where:** ${code(f.file)} line ${f.line}, column ${f.column}${f.resource ? `, resource ${code(f.resource)}` : ''} (${code(f.path)})${f.source ? `, created at ${code(f.source)}` : ''}`,
  ]);
}

/** The reminders of one rule, collapsed as one entry: the first message, and where they all are. */
function reminderEntry(r: ReminderGroup): string {
  const first = r.findings[0];
  const where =
    r.findings.length === 1 ? place(first) : r.files.length === 1 ? code(r.files[0]) : plural(r.files.length, 'file');
  const places = r.findings.slice(0, REMINDER_PLACES).map(place);
  if (r.findings.length > REMINDER_PLACES) places.push(`${r.findings.length - REMINDER_PLACES} more`);
  return collapsed(first, where, first.message, [
    `- **Where:** ${places.join(', ')}`,
    `- **Needs context:** ${markdownText(first.needsContext!)}`,
  ]);
}

/** Where a finding is, in a line: its construct in a synthesized stack, else file and line. */
function place(f: Finding): string {
  return code(f.constructPath ?? `${f.file}:${f.line}`);
}

/** The best practice and the rule of a finding, linked. */
function ruleLines(f: Finding): string[] {
  const bp = bestPractice(f.bestPractice);
  return [
    `- **OPS best practice:** ${bp ? `[${f.bestPractice} ${bp.title}](${bp.url})` : markdownText(f.bestPractice)}`,
    `- **Rule:** ${f.docs ? `[${markdownText(f.ruleId)}](${f.docs})` : markdownText(f.ruleId)}`,
  ];
}

/** Text from a template in monospace. */
function code(s: string): string {
  return `<code>${markdownText(s)}</code>`;
}

/** `1 error`, `2 errors`. */
