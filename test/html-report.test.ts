/**
 * #19 item 16: the HTML report's counts agree (the headline counted active findings, the navigation and the
 * table suppressed ones too), and a finding about a whole stack of a cloud assembly points at the code that
 * created the stack, which the assembly records, rather than at manifest.json — in every report that shows
 * where a construct was created.
 */
import { Stack, Stage } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { ScanReport } from '../lib/engine/finding';
import { getReporter } from '../lib/reporters';
import { scanPaths } from '../lib/compose';
import { newApp, setUpCdkTests, synth } from './helpers/cdk-apps';
import { workspace } from './helpers/workspace';

setUpCdkTests();

const render = (format: string, report: ScanReport): string => getReporter(format)!(report, { color: false });

const FUNCTION = (name: string, metadata = ''): string =>
  `  ${name}:\n    Type: AWS::Lambda::Function${metadata}\n    Properties:\n      Runtime: nodejs22.x\n      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/f\n      Code: {ZipFile: 'exports.handler = async () => ({});'}\n`;
const SUPPRESSED =
  '\n    Metadata:\n      opslint:\n        suppress:\n          - {id: lambda-tracing, reason: Traced by the service mesh sidecar}';

/** The text of the HTML section with this id. */
function section(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}"`);
  return start < 0 ? '' : html.slice(start, html.indexOf('</section>', start));
}
const sum = (numbers: readonly number[]): number => numbers.reduce((a, b) => a + b, 0);
const numbersIn = (text: string, pattern: RegExp): number[] => [...text.matchAll(pattern)].map((m) => Number(m[1]));

describe('the HTML report counts', () => {
  it('agree: headline, navigation, table, filters and question links count the same findings', () => {
    const dir = workspace({
      'a.yaml': `Resources:\n${FUNCTION('Fn')}${FUNCTION('Quiet', SUPPRESSED)}`,
      'b.yaml': `Resources:\n${FUNCTION('Fn')}${FUNCTION('Other', SUPPRESSED)}`,
    });
    const report = scanPaths(['.'], {
      cwd: dir,
      selection: { rules: ['lambda-tracing', 'stack-owner-tag', 'cloudtrail-present'] },
    });
    // 2 tracing findings, 4 reminders, 2 suppressed
    expect(report.summary.findings.total).toBe(6);
    expect(report.summary.suppressed).toBe(2);
    const html = render('html', report);
    const findings = section(html, 'findings');

    expect(html).toContain('<h1>6 findings: 0 errors, 2 warnings, 4 info</h1>');
    expect(html).toContain('<a href="#findings">Findings (6)</a><a href="#suppressed">Suppressed (2)</a>');
    expect(findings).toContain('Showing 6 findings');
    expect(findings.match(/<tr role="row" class="[^"]*" data-question=/g)).toHaveLength(6);
    expect(findings).not.toContain('is-suppressed');
    // each filter's options add up to the findings
    for (const name of ['question', 'severity', 'stack']) {
      const select = findings.slice(
        findings.indexOf(`<select name="${name}">`),
        findings.indexOf('</select>', findings.indexOf(`<select name="${name}">`)),
      );
      expect(sum(numbersIn(select, /\((\d+)\)<\/option>/g))).toBe(6);
    }
    // and so do the questions' links to them
    expect(sum(numbersIn(html, /data-filter-question="OPS\d\d">(\d+) findings?</g))).toBe(6);

    const suppressed = section(html, 'suppressed');
    expect(suppressed).toContain('<summary>2 suppressed findings and the reasons given</summary>');
    expect(suppressed.match(/<tr role="row" class="is-suppressed"/g)).toHaveLength(2);
    expect(suppressed).toContain('Traced by the service mesh sidecar');
  });

  it('have no suppressed section when nothing is suppressed', () => {
    const report = scanPaths(['.'], {
      cwd: workspace({ 'a.yaml': `Resources:\n${FUNCTION('Fn')}` }),
      selection: { rules: ['lambda-tracing'] },
    });
    const html = render('html', report);
    expect(html).toContain('<a href="#findings">Findings (1)</a>');
    expect(html).not.toContain('Suppressed (');
    expect(section(html, 'suppressed')).toBe('');
  });
});

describe('a finding about a whole stack of a cloud assembly', () => {
  /** An app with a stack in a Stage and one at its top, synthesized as `cdk synth` would. */
  function app(): { report: ScanReport; outdir: string } {
    const a = newApp();
    const stage = new Stage(a, 'Prod', { env: { account: '222222222222', region: 'eu-west-1' } });
    new sns.Topic(new Stack(stage, 'Orders'), 'Topic');
    new sns.Topic(new Stack(a, 'Tools'), 'Topic');
    expect(synth(a).error).toBeUndefined();
    return {
      outdir: a.outdir,
      report: scanPaths([a.outdir], { selection: { rules: ['stack-owner-tag', 'cloudtrail-present'] } }),
    };
  }

  it('carries the code that created the stack, which the assembly records', () => {
    const { report } = app();
    const owners = report.findings.filter((f) => f.ruleId === 'stack-owner-tag');
    expect(owners.map((f) => [f.stack, f.resource, f.file.endsWith('manifest.json')])).toEqual([
      ['Prod-Orders', '', true],
      ['Tools', '', true],
    ]);
    // this file, where the test created each stack
    for (const f of owners) expect(f.source).toMatch(/^test\/html-report\.test\.ts:\d+:\d+$/);
    expect(owners[0].source).not.toBe(owners[1].source);
  });

  it('shows that code first in HTML, the manifest after it; text and Markdown show it too', () => {
    const { report } = app();
    const f = report.findings.find((x) => x.ruleId === 'stack-owner-tag' && x.stack === 'Prod-Orders')!;
    const html = render('html', report);
    const row = section(html, 'findings')
      .split('<tr role="row"')
      .find((r) => r.includes('data-stack="Prod-Orders"') && r.includes('stack-owner-tag'))!;
    const where = row.slice(row.indexOf('<td role="cell" class="where">'));
    expect(where).toMatch(
      new RegExp(
        `^<td role="cell" class="where"><code>test/<wbr>html-report\\.test\\.ts:\\d+:\\d+</code><div class="src">stack Prod-Orders · <span title="[^"]*manifest\\.json:${f.line}:${f.column}">manifest\\.json line ${f.line}</span></div>`,
      ),
    );
    expect(render('text', report)).toContain(`  ${f.source}`);
    expect(render('markdown', report)).toContain(`, created at <code>${f.source}</code>`);
  });

  it('about the app, stays at the manifest: the assembly records no creation for the App or a Stage', () => {
    const { report } = app();
    const trail = report.findings.find((x) => x.ruleId === 'cloudtrail-present')!;
    expect(trail.stack).toBeUndefined();
    expect(trail.source).toBeUndefined();
    expect(section(render('html', report), 'findings')).toContain(
      `manifest.json:${trail.line}:${trail.column}</code></td>`,
    );
  });
});
