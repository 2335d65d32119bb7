/**
 * The Markdown report, the pull-request comment (#19 item 8): locations in a summary line as `<code>` (Markdown is
 * not read inside the HTML of a `<details>` block), counts in good English, and the reminders that need context
 * once per rule instead of once per template. The text report groups them the same way.
 */
import type { Finding, ScanReport } from '../lib/engine/finding';
import { getReporter } from '../lib/reporters';
import { COMMENT_LIMIT } from '../lib/reporters/markdown';
import { scanPaths } from '../lib/compose';
import { workspace } from './helpers/workspace';

const markdown = (report: ScanReport): string => getReporter('markdown')!(report, { color: false });
const text = (report: ScanReport): string => getReporter('text')!(report, { color: false });

const FUNCTION = (name: string, extra = ''): string =>
  `  ${name}:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs22.x\n      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/f\n      Code: {ZipFile: 'exports.handler = async () => ({});'}\n${extra}`;
const ALARM_WITHOUT_ACTIONS =
  '  Alarm:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      Namespace: AWS/Lambda\n      MetricName: Errors\n      Dimensions: [{Name: FunctionName, Value: !Ref Fn}]\n      Statistic: Sum\n      Period: 60\n      EvaluationPeriods: 1\n      Threshold: 1\n      ComparisonOperator: GreaterThanOrEqualToThreshold\n';

/** Three lone templates scanned with rules that need context (owner tag, trail) and one that does not (tracing). */
function threeTemplates(): ScanReport {
  const dir = workspace({
    'a.yaml': `Resources:\n${FUNCTION('Fn')}`,
    'b.yaml': `Resources:\n${FUNCTION('Fn')}`,
    'c.yaml': `Resources:\n${FUNCTION('Fn')}`,
  });
  return scanPaths(['.'], {
    cwd: dir,
    selection: { rules: ['lambda-tracing', 'stack-owner-tag', 'cloudtrail-present'] },
  });
}

/** The `<details>` summary lines of a report. */
const summaries = (md: string): string[] => md.split('\n').filter((l) => l.startsWith('<details><summary>'));

describe('summary lines', () => {
  it('show file locations and rule ids as <code>, never as code spans', () => {
    const md = markdown(threeTemplates());
    expect(summaries(md).length).toBeGreaterThan(0);
    for (const line of summaries(md)) expect(line).toMatch(/<code>[^<]+<\/code>/);
    expect(md).not.toContain('`');
    expect(md).toContain('<code>a.yaml:4</code>: Lambda function Fn does not send traces to X-Ray');
  });
});

describe('counts', () => {
  it('say 1 error and 1 warning, 2 errors and 2 warnings', () => {
    const one = scanPaths(['.'], {
      cwd: workspace({ 't.yaml': `Resources:\n${FUNCTION('Fn')}${ALARM_WITHOUT_ACTIONS}` }),
      selection: { rules: ['lambda-tracing', 'alarm-actions'] },
    });
    expect(markdown(one)).toContain('❌ **2 findings** (1 error, 1 warning, 0 info) · in 1 template (2 resources)');
    const two = scanPaths(['.'], {
      cwd: workspace({
        't.yaml': `Resources:\n${FUNCTION('Fn')}${FUNCTION('Other')}${ALARM_WITHOUT_ACTIONS}${ALARM_WITHOUT_ACTIONS.replace('Alarm:', 'Other2:')}`,
      }),
      selection: { rules: ['lambda-tracing', 'alarm-actions'] },
    });
    expect(markdown(two)).toContain('❌ **4 findings** (2 errors, 2 warnings, 0 info) · in 1 template (4 resources)');
  });

  it('say 1 resource, and 1 new finding with a baseline', () => {
    const r = scanPaths(['.'], {
      cwd: workspace({ 't.yaml': `Resources:\n${FUNCTION('Fn')}` }),
      selection: { rules: ['lambda-tracing'] },
    });
    const withBaseline: ScanReport = {
      ...r,
      summary: { ...r.summary, baseline: { file: 'known.json', known: 32, fixed: [] } },
    };
    expect(markdown(withBaseline)).toContain(
      '⚠️ **1 new finding** (0 errors, 1 warning, 0 info) · in 1 template (1 resource) · 32 known from the baseline, 0 fixed',
    );
  });
});

describe('reminders that need context', () => {
  it('are listed once per rule, with every place they concern, apart from the findings', () => {
    const report = threeTemplates();
    expect(report.findings.filter((f) => f.needsContext !== undefined)).toHaveLength(6);
    const md = markdown(report);
    const lines = summaries(md);
    // three tracing findings, then one entry per reminder rule
    expect(lines.filter((l) => l.includes('<code>lambda-tracing</code>'))).toHaveLength(3);
    expect(lines.filter((l) => l.includes('<code>stack-owner-tag</code>'))).toEqual([
      expect.stringContaining('<code>stack-owner-tag</code> 3 files: Nothing in this template names an owner'),
    ]);
    expect(lines.filter((l) => l.includes('<code>cloudtrail-present</code>'))).toHaveLength(1);
    const section = md.slice(md.indexOf('### Needs context (2 rules)'));
    expect(section).not.toBe('');
    expect(section).toContain('- **Where:** <code>a.yaml:1</code>, <code>b.yaml:1</code>, <code>c.yaml:1</code>\n');
    expect(section).toContain('- **Needs context:** account-wide resources usually come from a baseline stack');
    // every finding still counts in the summary
    expect(md).toContain('**9 findings** (0 errors, 3 warnings, 6 info) · in 3 templates (3 resources)');
  });

  it('list at most 20 places each, and count the rest', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 23; i++) files[`t${String(i).padStart(2, '0')}.yaml`] = `Resources:\n${FUNCTION('Fn')}`;
    const md = markdown(scanPaths(['.'], { cwd: workspace(files), selection: { rules: ['stack-owner-tag'] } }));
    const where = md.split('\n').find((l) => l.startsWith('- **Where:**'))!;
    expect(where.match(/<code>/g)).toHaveLength(20);
    expect(where).toMatch(/<code>t19\.yaml:1<\/code>, 3 more$/);
  });

  it('count all their findings when the comment limit cuts them', () => {
    const reminder = (i: number): Finding => ({
      ruleId: `team/reminder-${i}`,
      pack: 'team',
      severity: 'info',
      message: `Reminder ${i} ${'x'.repeat(COMMENT_LIMIT / 20)}.`,
      bestPractice: 'OPS04-BP02',
      question: 'OPS04',
      file: 'a.yaml',
      line: 1,
      column: 1,
      resource: '',
      path: 'Resources',
      docs: '',
      needsContext: 'another stack of the app may provide it.',
    });
    // 40 rules, 2 reminders each (two files): about 20 entries fit
    const findings = Array.from({ length: 40 }, (_, i) => [reminder(i), { ...reminder(i), file: 'b.yaml' }]).flat();
    const base = threeTemplates();
    const md = markdown({ ...base, findings, errors: [] });
    expect(md.length).toBeLessThan(COMMENT_LIMIT);
    const shown = summaries(md).length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(40);
    expect(md).toContain(`> ${(40 - shown) * 2} more finding(s) are not shown`);
  });

  it('in the text report: a suppressed one stays with its file, marked, and is no reminder', () => {
    const dir = workspace({
      'a.yaml':
        'Metadata:\n  opslint:\n    suppress:\n      - id: stack-owner-tag\n        reason: The platform team owns this template\n' +
        `Resources:\n${FUNCTION('Fn')}`,
      'b.yaml': `Resources:\n${FUNCTION('Fn')}`,
    });
    const out = text(scanPaths(['.'], { cwd: dir, selection: { rules: ['stack-owner-tag'] } }));
    expect(out).toMatch(
      /^a\.yaml\n {2}6:1 {2}info {2}Nothing in this template names an owner.*\(suppressed: The platform team owns this template\)$/m,
    );
    expect(out).toMatch(/^Needs context\n {2}info {2}Nothing in this template names an owner.*\[b\.yaml\]$/m);
  });
});
