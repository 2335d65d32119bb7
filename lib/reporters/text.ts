/**
 * `--format text`: findings grouped by file, one line each —
 * `line:col  severity  message  ruleId  (OPS04-BP05)` — then input errors, notes and a summary. For a
 * synthesized template the construct path takes the place of line:col (the template is generated; the
 * construct and the source line that created it are what a CDK user edits), and the heading names the
 * stack and its environment.
 */
import { createColors } from 'picocolors';
import { errorLocation, type Finding, type InputErrorEntry, type ScanReport, type Severity } from '../engine/finding';
import { printable } from './escape';
import type { StreamingReporter } from './index';
import { groupReminders } from './reminders';
import { plural } from '../util/words';

export const textReport: StreamingReporter = function* (report, options) {
  const c = createColors(options.color);
  const paint: Record<Severity, (s: string) => string> = { error: c.red, warning: c.yellow, info: c.blue };
  // the lines of a file's findings, or of a section, then written at once
  let out: string[] = [];
  const written = (): string => {
    const text = out.map((l) => `${l}\n`).join('');
    out = [];
    return text;
  };

  // reminders that need context (a trail, a Config recorder…) are listed once per rule, after the findings
  const { findings, reminders } = groupReminders(report.findings);
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = byFile.get(f.file);
    if (list) list.push(f);
    else byFile.set(f.file, [f]);
  }
  for (const [file, findings] of byFile) {
    const stack = findings.find((f) => f.stack !== undefined);
    const heading = c.underline(printable(file));
    out.push(stack ? `${heading}  ${c.dim(printable(`stack ${stack.stack}, ${stack.environment}`))}` : heading);
    const where = findings.map((f) => printable(f.constructPath ?? `${f.line}:${f.column}`));
    const whereWidth = widest(where);
    const sevWidth = widest(findings.map((f) => f.severity));
    findings.forEach((f, i) => {
      const sev = f.suppressed ? c.dim(f.severity.padEnd(sevWidth)) : paint[f.severity](f.severity.padEnd(sevWidth));
      const source = f.source ? `  ${c.dim(printable(f.source))}` : '';
      const suppressed = f.suppressed ? `  ${c.dim(`(suppressed: ${printable(f.suppressed.reason)})`)}` : '';
      const message = f.suppressed ? c.dim(printable(f.message)) : printable(f.message);
      out.push(
        `  ${c.dim(where[i].padEnd(whereWidth))}  ${sev}  ${message}  ${c.dim(printable(f.ruleId))}  ${c.dim(`(${f.bestPractice})`)}${source}${suppressed}`,
      );
    });
    out.push('');
    yield written();
  }

  if (reminders.length > 0) {
    out.push(c.bold('Needs context'));
    for (const {
      ruleId,
      findings: [first],
      files,
    } of reminders) {
      const where = files.length === 1 ? printable(files[0]) : `${files.length} files`;
      out.push(
        `  ${c.blue('info')}  ${printable(first.message)}  ${c.dim(printable(ruleId))}  ${c.dim(`(${first.bestPractice})`)}  ${c.dim(`[${where}]`)}`,
      );
    }
    const reasons = new Set(reminders.map((r) => r.findings[0].needsContext));
    for (const reason of reasons) out.push(`  ${c.dim(printable(`Needs context: ${reason}`))}`);
    out.push('');
  }

  if (report.errors.length > 0) {
    out.push(c.bold('Input errors'));
    for (const e of report.errors) out.push(`  ${c.red('error')}  ${errorLine(e)}`);
    out.push('');
  }

  if (report.summary.notes.length > 0) {
    out.push(c.bold('Notes'));
    for (const n of report.summary.notes)
      out.push(`  ${c.dim('note')}  ${printable(`${n.file}:${n.line}:${n.column}: ${n.message}`)}`);
    out.push('');
  }

  const baseline = report.summary.baseline;
  if (baseline && baseline.fixed.length > 0) {
    out.push(c.bold('Fixed since the baseline'));
    for (const e of baseline.fixed)
      out.push(
        `  ${c.green('fixed')}  ${printable(e.file)}  ${printable(e.resource || e.path)}  ${c.dim(printable(e.ruleId))}`,
      );
    out.push(`  ${c.dim(printable(`Update the baseline with --write-baseline ${baseline.file}.`))}`, '');
  }

  if (options.scorecard) out.push(...scorecardLines(report, c), '');

  out.push(summaryLine(report, c));
  yield written();
};

/** The length of the longest string, for padding a column (a loop: a template can make the list too long to spread into a call). */
function widest(strings: readonly string[]): number {
  let width = 0;
  for (const s of strings) width = Math.max(width, s.length);
  return width;
}

/** An input error as its one line, `file:line:col: message`, fit for a terminal. */
export function errorLine(e: InputErrorEntry): string {
  return printable(`${errorLocation(e)}: ${e.message}`);
}

/** The OPS scorecard, question by question: what was checked and how it went, or that it needs a human review. */
function scorecardLines(report: ScanReport, c: ReturnType<typeof createColors>): string[] {
  const out = [c.bold('OPS scorecard')];
  for (const q of report.summary.scorecard.questions) {
    out.push(`${c.bold(q.id)} ${q.title}`);
    const width = widest(q.bestPractices.map((bp) => `${bp.id} ${bp.title}`));
    for (const bp of q.bestPractices) {
      const name = `${bp.id} ${bp.title}`.padEnd(width);
      if (!bp.checkable) {
        out.push(`  ${c.dim(name)}  ${c.dim(`needs a human review: ${bp.url}`)}`);
        continue;
      }
      // no resource of its rules' types, or none the practice applies to
      if (bp.resources === 0) {
        out.push(`  ${name}  ${c.dim('nothing to check in this scan')}`);
        continue;
      }
      const parts = [`${bp.passed} passed`, bp.failed > 0 ? c.red(`${bp.failed} failed`) : `${bp.failed} failed`];
      if (bp.suppressed > 0) parts.push(`${bp.suppressed} suppressed`);
      if (bp.needsContext > 0) parts.push(c.blue(`${bp.needsContext} need context`));
      out.push(`  ${name}  ${bp.resources} checked: ${parts.join(', ')}`);
    }
  }
  return out;
}

/**
 * `✖ 1 new finding (1 error, 0 warnings, 0 info) in 2 templates, 15 resources; 2 suppressed; 32 known from the
 * baseline, 1 fixed`: what counts, then what does not and why.
 */
function summaryLine(report: ScanReport, c: ReturnType<typeof createColors>): string {
  const { findings, templates, resources, errors, suppressed, baseline } = report.summary;
  const parts = [plural(findings.error, 'error'), plural(findings.warning, 'warning'), `${findings.info} info`];
  const scanned = `${plural(templates, 'template')}, ${plural(resources, 'resource')}`;
  const found = plural(findings.total, baseline ? 'new finding' : 'finding');
  const rest = [
    ...(suppressed > 0 ? [`${suppressed} suppressed`] : []),
    ...(baseline ? [`${baseline.known} known from the baseline, ${baseline.fixed.length} fixed`] : []),
    ...(errors > 0 ? [`${plural(errors, 'input')} could not be read`] : []),
  ];
  const head = [`${found} (${parts.join(', ')}) in ${scanned}`, ...rest].join('; ');
  const mark = findings.error > 0 || errors > 0 ? c.red('✖') : findings.total > 0 ? c.yellow('!') : c.green('✔');
  return `${mark} ${head}`;
}
