/**
 * Generates docs/accuracy.md: what opslint reports on the shared corpus of real templates (../shared/corpus),
 * rule by rule, with the false-positive rate of the findings read by hand (docs/accuracy/review/<rule>.json).
 * `npm run accuracy` writes it; test/accuracy.test.ts fails when it is stale, when a rule that reports at
 * warning or error has too few findings reviewed, or when a rule misses the target.
 *
 * A review entry names a finding by its template (the JSON and YAML twins of one template count once), resource
 * and path. An entry whose finding is no longer reported is listed with its `resolution` (what was done); a finding
 * reported and never read is simply not in the sample.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Finding, ScanReport } from '../lib/engine/finding';
import { scanPaths } from '../lib/compose';

const ROOT = path.resolve(__dirname, '..');
export const ACCURACY_DOC = path.join(ROOT, 'docs', 'accuracy.md');
export const REVIEW_DIR = path.join(ROOT, 'docs', 'accuracy', 'review');

/** The highest share of strict false positives accepted among the reviewed findings of a rule. */
export const TARGET = 0.02;
/** Each rule that reports at warning or error has at least this many findings reviewed (or all of them). */
export const MIN_REVIEWED = 20;

export type Verdict = 'true' | 'false' | 'debatable';

export interface ReviewEntry {
  readonly file: string;
  readonly resource: string;
  readonly path: string;
  readonly verdict: Verdict;
  readonly reason: string;
  readonly messageNote?: string;
  /** for a false positive: what was changed so that it is no longer reported (or why it is kept) */
  readonly resolution?: string;
}

/** One rule's findings on the corpus and its review. */
export interface RuleAccuracy {
  readonly rule: string;
  readonly findings: number;
  /** findings with JSON and YAML twins of one template counted once */
  readonly distinct: number;
  readonly templates: number;
  /** reviewed entries whose finding is still reported, by verdict */
  readonly reviewed: Readonly<Record<Verdict, number>>;
  readonly falsePositives: readonly ReviewEntry[];
  readonly debatable: readonly ReviewEntry[];
  /** reviewed entries whose finding is no longer reported: false positives fixed, or true findings lost */
  readonly gone: readonly ReviewEntry[];
}

/** A template without its extension: its JSON and YAML twins are one template. */
function twin(file: string): string {
  return file.replace(/\.(json|ya?ml)$/, '');
}

function key(file: string, resource: string, p: string): string {
  return `${twin(file)}\u0000${resource}\u0000${p}`;
}

function readReviews(): Map<string, ReviewEntry[]> {
  const out = new Map<string, ReviewEntry[]>();
  if (!existsSync(REVIEW_DIR)) return out;
  for (const name of readdirSync(REVIEW_DIR)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    const review = JSON.parse(readFileSync(path.join(REVIEW_DIR, name), 'utf8')) as {
      rule: string;
      reviewed: ReviewEntry[];
    };
    out.set(review.rule, review.reviewed);
  }
  return out;
}

/** The corpus scanned as a user would (`opslint scan <corpus>`, paths relative to it), and each rule's accuracy. */
export function measure(corpus: string): { report: ScanReport; rules: RuleAccuracy[] } {
  const report = scanPaths([corpus], { cwd: corpus });
  const reviews = readReviews();
  const byRule = new Map<string, Finding[]>();
  for (const f of report.findings) {
    if (f.severity === 'info') continue;
    const list = byRule.get(f.ruleId);
    if (list) list.push(f);
    else byRule.set(f.ruleId, [f]);
  }
  const ids = [...new Set([...byRule.keys(), ...reviews.keys()])].sort();
  const rules = ids.map((rule): RuleAccuracy => {
    const findings = byRule.get(rule) ?? [];
    const current = new Set(findings.map((f) => key(f.file, f.resource, f.path)));
    const entries = reviews.get(rule) ?? [];
    const still = entries.filter((e) => current.has(key(e.file, e.resource, e.path)));
    const count = (v: Verdict): number => still.filter((e) => e.verdict === v).length;
    return {
      rule,
      findings: findings.length,
      distinct: current.size,
      templates: new Set(findings.map((f) => twin(f.file))).size,
      reviewed: { true: count('true'), false: count('false'), debatable: count('debatable') },
      falsePositives: still.filter((e) => e.verdict === 'false'),
      debatable: still.filter((e) => e.verdict === 'debatable'),
      gone: entries.filter((e) => !current.has(key(e.file, e.resource, e.path))),
    };
  });
  return { report, rules };
}

function reviewedCount(r: RuleAccuracy): number {
  return r.reviewed.true + r.reviewed.false + r.reviewed.debatable;
}

/** The share of strict false positives among a rule's reviewed findings. */
export function falseRate(r: RuleAccuracy): number {
  const n = reviewedCount(r);
  return n === 0 ? 0 : r.reviewed.false / n;
}

function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function accuracyMarkdown({ report, rules }: { report: ScanReport; rules: readonly RuleAccuracy[] }): string {
  const reporting = rules.filter((r) => r.findings > 0);
  const total = reporting.reduce((n, r) => n + r.findings, 0);
  const reviewed = reporting.reduce((n, r) => n + reviewedCount(r), 0);
  const falses = reporting.reduce((n, r) => n + r.reviewed.false, 0);
  const out: string[] = [
    '# Accuracy on real-world templates',
    '',
    '<!-- generated by `npm run accuracy` from a scan of ../shared/corpus and the hand review in docs/accuracy/review/; do not edit -->',
    '',
    `opslint run over the shared corpus of ${report.summary.templates + report.summary.errors} real public templates (AWS sample templates, cfn-lint and`,
    'cfn-guard test templates, Serverless Patterns), as `opslint scan ../shared/corpus` runs it. For every rule that reports',
    'at warning or error: how many findings, on how many templates, and of a sample read by hand against the template, how',
    'many are strict false positives (what the message says is false for the template, or the best practice does not apply',
    'to the resource) and how many are debatable (correct, but a careful reviewer could think it not worth reporting).',
    `The JSON and YAML twins of one template count once in the sample. Target: at most ${percent(TARGET)} strict false positives per rule.`,
    '',
    `In all: ${total} warning and error findings; ${reviewed} read by hand; ${falses} strict false positive${falses === 1 ? '' : 's'} among them.`,
    `${report.summary.templates} templates were read; ${report.summary.errors} could not be (deliberately broken test templates). Info findings (reminders) are not counted here.`,
    '',
    '| rule | findings | templates | reviewed | false | debatable | false-positive rate |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of reporting) {
    out.push(
      `| [${r.rule}](rules/${r.rule}.md) | ${r.findings} | ${r.templates} | ${reviewedCount(r)} of ${r.distinct} | ${r.reviewed.false} | ${r.reviewed.debatable} | ${percent(falseRate(r))} |`,
    );
  }
  out.push('');

  const falseList = reporting.flatMap((r) => r.falsePositives.map((e) => ({ rule: r.rule, e })));
  out.push('## False positives still reported', '');
  if (falseList.length === 0) out.push('None in the sample.', '');
  for (const { rule, e } of falseList)
    out.push(`- \`${rule}\` ${e.file} \`${e.resource}\`: ${e.reason}${e.resolution ? ` ${e.resolution}` : ''}`);
  if (falseList.length > 0) out.push('');

  const gone = rules.flatMap((r) => r.gone.map((e) => ({ rule: r.rule, e })));
  out.push('## Reviewed findings no longer reported', '');
  out.push(
    'Findings read by hand that a later change stopped reporting: false positives fixed, or (verdict `true`) true findings lost, which need an explanation.',
    '',
  );
  if (gone.length === 0) out.push('None.', '');
  else {
    out.push(
      '| rule | template | resource | verdict | as the reviewer read it | what was done |',
      '|---|---|---|---|---|---|',
    );
    for (const { rule, e } of gone)
      out.push(
        `| \`${rule}\` | ${e.file} | \`${e.resource}\` | ${e.verdict} | ${cell(e.reason)} | ${cell(e.resolution ?? '')} |`,
      );
    out.push('');
  }

  const debatable = reporting.flatMap((r) => r.debatable.map((e) => ({ rule: r.rule, e })));
  out.push('## Debatable findings', '');
  if (debatable.length === 0) out.push('None in the sample.', '');
  for (const { rule, e } of debatable) out.push(`- \`${rule}\` ${e.file} \`${e.resource}\`: ${e.reason}`);
  return `${out.join('\n').trimEnd()}\n`;
}

if (require.main === module) {
  const corpus = path.resolve(ROOT, process.argv[2] ?? '../shared/corpus');
  writeFileSync(ACCURACY_DOC, accuracyMarkdown(measure(corpus)));
  process.stdout.write(`wrote ${path.relative(process.cwd(), ACCURACY_DOC)}\n`);
}
