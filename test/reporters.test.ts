/**
 * The pull-request reporters: SARIF (valid against the official schema, for every corpus template too),
 * GitHub annotations, JUnit, Markdown; several formats in one run; output snapshots for a fixture.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type * as Sarif from 'sarif';
import type { ScanReport } from '../lib/engine/finding';
import { getReporter } from '../lib/reporters';
import { COMMENT_LIMIT, MARKER } from '../lib/reporters/markdown';
import { scanPaths } from '../lib/compose';
import { runCli, REPO } from '../scripts/support/cli';
import { corpusDir } from '../scripts/support/corpus';
import { validateSarif } from '../scripts/support/sarif';

const FIXTURE = 'fixtures/reports';
const RULES = ['--rule', 'vpc-flow-logs,lambda-tracing,alarm-actions,alarm-coverage'];

/** The whole corpus, scanned once for the tests that need it. */
let corpusScan: { corpus: string; r: ScanReport } | undefined;
function corpusReport(): { corpus: string; r: ScanReport } {
  const corpus = corpusDir();
  corpusScan ??= { corpus, r: scanPaths([corpus], { cwd: corpus }) };
  return corpusScan;
}

async function report(format: string, ...extra: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli(['scan', FIXTURE, ...RULES, '--format', format, ...extra]);
}

describe('sarif', () => {
  it('is valid SARIF 2.1.0 with rules, repository-relative results, stable fingerprints and suppressions', async () => {
    const { code, stdout } = await report('sarif');
    expect(code).toBe(2);
    const log = JSON.parse(stdout) as Sarif.Log;
    expect(validateSarif(log)).toBe(true);
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe('opslint');
    // the catalogue's order: by pack, in the order of the OPS questions
    expect(run.tool.driver.rules!.map((r) => r.id)).toEqual([
      'vpc-flow-logs',
      'lambda-tracing',
      'alarm-actions',
      'alarm-coverage',
    ]);
    const tracing = run.tool.driver.rules!.find((r) => r.id === 'lambda-tracing')!;
    expect(tracing.shortDescription!.text).toBe('Lambda functions send traces to AWS X-Ray');
    expect(tracing.help!.markdown).toContain(
      '[OPS04-BP05 Implement distributed tracing](https://docs.aws.amazon.com/wellarchitected/latest/operational-excellence-pillar/ops_observability_dist_trace.html)',
    );
    expect(tracing.help!.markdown).toContain(
      '[Rule documentation](https://github.com/opslint/opslint/blob/main/docs/rules/lambda-tracing.md)',
    );
    expect(tracing.help!.text).toContain('tracing: lambda.Tracing.ACTIVE');
    expect(tracing.properties!.tags).toEqual(['operational-excellence', 'OPS04', 'OPS04-BP05', 'pack:tracing']);

    const results = run.results!;
    const byRule = (id: string) => results.filter((r) => r.ruleId === id);
    expect(byRule('lambda-tracing')).toHaveLength(1);
    const [r] = byRule('lambda-tracing');
    expect(r.level).toBe('warning');
    expect(r.locations![0].physicalLocation!.artifactLocation).toEqual({
      uri: 'fixtures/reports/orders.yaml',
      uriBaseId: '%SRCROOT%',
    });
    expect(r.locations![0].physicalLocation!.region).toEqual({ startLine: 15, startColumn: 5 });
    expect(r.partialFingerprints!['opslint/v1']).toMatch(/^[0-9a-f]{64}$/);
    expect(byRule('vpc-flow-logs')[0].suppressions).toEqual([
      { kind: 'inSource', justification: 'Flow logs are collected centrally by the network team.' },
    ]);
    expect(byRule('alarm-actions')[0].level).toBe('error');
    for (const result of results) expect(run.tool.driver.rules![result.ruleIndex!].id).toBe(result.ruleId);
    // the broken file is a tool notification, not a result
    const notes = run.invocations![0].toolExecutionNotifications!;
    expect(run.invocations![0].executionSuccessful).toBe(false);
    expect(notes.map((n) => n.locations![0].physicalLocation!.artifactLocation!.uri)).toEqual([
      'fixtures/reports/broken.json',
    ]);
  });

  it('keeps fingerprints when lines move', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'opslint-sarif-'));
    const original = readFileSync(path.join(REPO, FIXTURE, 'orders.yaml'), 'utf8');
    const fs = require('node:fs') as typeof import('node:fs');
    fs.writeFileSync(path.join(dir, 'orders.yaml'), original);
    const sarif = (): Sarif.Result[] => {
      const r = scanPaths(['orders.yaml'], { cwd: dir, selection: { rules: ['lambda-tracing', 'alarm-actions'] } });
      return (JSON.parse(getReporter('sarif')!(r, { color: false, cwd: dir, repoRoot: dir })) as Sarif.Log).runs[0]
        .results!;
    };
    const before = sarif();
    fs.writeFileSync(
      path.join(dir, 'orders.yaml'),
      original.replace('Resources:\n', 'Resources:\n  Extra:\n    Type: AWS::SNS::Topic\n'),
    );
    const after = sarif();
    expect(after.map((r) => r.locations![0].physicalLocation!.region!.startLine)).not.toEqual(
      before.map((r) => r.locations![0].physicalLocation!.region!.startLine),
    );
    expect(after.map((r) => r.partialFingerprints)).toEqual(before.map((r) => r.partialFingerprints));
  });

  it('validates against the schema for every template of the corpus', () => {
    const { corpus, r } = corpusReport();
    const log = JSON.parse(getReporter('sarif')!(r, { color: false, cwd: corpus, repoRoot: corpus })) as Sarif.Log;
    const ok = validateSarif(log);
    expect(validateSarif.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // every finding is a result, or a related location of its rule's reminder
    expect(log.runs[0].results!.reduce((n, res) => n + 1 + (res.relatedLocations ?? []).length, 0)).toBe(
      r.findings.length,
    );
    for (const result of log.runs[0].results!) {
      const region = result.locations![0].physicalLocation!.region!;
      expect(region.startLine).toBeGreaterThanOrEqual(1);
      expect(region.startColumn).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('github', () => {
  it('prints one workflow command per finding, by severity, escaped; suppressed findings are left out', async () => {
    const { stdout } = await report('github');
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      "::error file=fixtures/reports/broken.json,line=2,col=1,title=opslint%3A input error::invalid JSON: expected '}' but found end of file",
    );
    expect(lines).toContain(
      '::warning file=fixtures/reports/orders.yaml,line=15,col=5,title=lambda-tracing (OPS04-BP05)::Lambda function OrdersFunction does not send traces to X-Ray; set TracingConfig.Mode to Active.',
    );
    expect(
      lines.some((l) =>
        l.startsWith('::error file=fixtures/reports/orders.yaml,line=23,col=5,title=alarm-actions (OPS08-BP04)::'),
      ),
    ).toBe(true);
    expect(stdout).not.toContain('vpc-flow-logs');
  });
});

describe('junit', () => {
  it('is well-formed XML with a suite per file, failures with file:line, suppressed findings skipped and input errors as errors', async () => {
    // a warning fails at --fail-on warning (test/junit-report.test.ts: below the threshold it passes)
    const { stdout } = await report('junit', '--fail-on', 'warning');
    expect(XMLValidator.validate(stdout)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(stdout) as {
      testsuites: {
        tests: string;
        failures: string;
        errors: string;
        skipped: string;
        testsuite: { name: string; testcase: unknown }[];
      };
    };
    expect(doc.testsuites).toMatchObject({ failures: '2', errors: '1', skipped: '1' });
    const suites = doc.testsuites.testsuite.map((s) => s.name);
    expect(suites).toEqual(['fixtures/reports/orders.yaml', 'input errors']);
    expect(stdout).toContain(
      '<failure message="Lambda function OrdersFunction does not send traces to X-Ray; set TracingConfig.Mode to Active." type="warning">fixtures/reports/orders.yaml:15:5 warning',
    );
    expect(stdout).toContain('<skipped message="suppressed: Flow logs are collected centrally by the network team."/>');
  });
});

describe('markdown', () => {
  it('summarises by OPS question, lists findings collapsed, then suppressed findings and input errors', async () => {
    const { stdout } = await report('markdown');
    expect(stdout.startsWith(`${MARKER}\n## opslint`)).toBe(true);
    expect(stdout).toContain('| OPS question | Errors | Warnings | Info |');
    expect(stdout).toMatch(
      /\| \*\*OPS08\*\* How do you utilize workload observability in your organization\? \| 1 \| 0 \| 0 \|/,
    );
    expect(stdout.indexOf('<code>alarm-actions</code>')).toBeLessThan(stdout.indexOf('<code>lambda-tracing</code>'));
    expect(stdout).toContain('### Suppressed (1)');
    expect(stdout).toContain('### Input errors');
    expect(stdout).toContain(
      '- **Rule:** [alarm-actions](https://github.com/opslint/opslint/blob/main/docs/rules/alarm-actions.md)',
    );
    expect(stdout).toContain('- **OPS best practice:** [OPS08-BP04 Create actionable alerts](');
  });

  it('stays under the comment limit, and says what it left out', () => {
    const { r } = corpusReport();
    expect(r.findings.length).toBeGreaterThan(500);
    const md = getReporter('markdown')!(r, { color: false });
    expect(md.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(md).toMatch(/> \d+ more finding\(s\) are not shown: a GitHub comment is limited to 65,536 characters/);
  });
});

describe('what a finding rests on, and what it needs', () => {
  const ASSUMED = 'fixtures/alarms/alarm-coverage/fail-alarms-under-default-condition.yaml';
  const assumptions = [
    { condition: 'HasAlertTopic', value: false },
    { parameter: 'ParentAlertStack', value: '' },
  ];

  it('is in SARIF result properties with the pack, and in the message; a reminder carries its needsContext there too', async () => {
    const { stdout } = await runCli([
      'scan',
      ASSUMED,
      '--rule',
      'alarm-coverage,cloudtrail-present',
      '--format',
      'sarif',
    ]);
    const log = JSON.parse(stdout) as Sarif.Log;
    expect(validateSarif(log)).toBe(true);
    const results = log.runs[0].results!;
    const coverage = results.find((r) => r.ruleId === 'alarm-coverage')!;
    expect(coverage.properties).toEqual(expect.objectContaining({ pack: 'alarms', assumptions }));
    expect(coverage.message.text).toMatch(
      / This verdict rests on the default ParentAlertStack='', under which condition HasAlertTopic is false; pass -p ParentAlertStack=… to check the other case\.$/,
    );
    const trail = results.find((r) => r.ruleId === 'cloudtrail-present')!;
    expect(trail.properties).toEqual(
      expect.objectContaining({ pack: 'cloudtrail', needsContext: expect.stringMatching(/--account-baseline/) }),
    );
    expect(trail.message.text).toMatch(/ Needs context: account-wide resources/);
  });

  it('is listed under the finding in Markdown and HTML', async () => {
    const markdown = (await runCli(['scan', ASSUMED, '--rule', 'alarm-coverage', '--format', 'markdown'])).stdout;
    expect(markdown).toContain("- **Assumes:** condition HasAlertTopic is false, ParentAlertStack='' (default)");
    const html = (await runCli(['scan', ASSUMED, '--rule', 'alarm-coverage', '--format', 'html'])).stdout;
    expect(html).toContain(
      '<div class="src">Assumes condition HasAlertTopic is false, ParentAlertStack=&#39;&#39; (default)</div>',
    );
  });

  it('is in the JSON finding, and gone when the parameter is given', async () => {
    const at = JSON.parse(
      (await runCli(['scan', ASSUMED, '--rule', 'alarm-coverage', '--format', 'json'])).stdout,
    ) as ScanReport;
    expect(at.findings.map((f) => f.assumptions)).toEqual([assumptions]);
    const given = JSON.parse(
      (await runCli(['scan', ASSUMED, '--rule', 'alarm-coverage', '--format', 'json', '-p', 'ParentAlertStack=alerts']))
        .stdout,
    ) as ScanReport;
    expect(given.findings).toEqual([]);
  });
});

describe('several formats in one run', () => {
  it('writes each --format to the --output after it, and one to stdout', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'opslint-out-'));
    const { stdout } = await runCli([
      'scan',
      FIXTURE,
      ...RULES,
      '--format',
      'sarif',
      '--output',
      `${dir}/r.sarif`,
      '--format',
      'json=' + `${dir}/r.json`,
      '--format',
      'text',
    ]);
    expect(stdout).toContain('fixtures/reports/orders.yaml');
    expect((JSON.parse(readFileSync(`${dir}/r.sarif`, 'utf8')) as Sarif.Log).version).toBe('2.1.0');
    expect((JSON.parse(readFileSync(`${dir}/r.json`, 'utf8')) as ScanReport).findings.length).toBeGreaterThan(0);
  });

  it('refuses two formats on stdout', async () => {
    const { code, stderr } = await runCli(['scan', FIXTURE, '--format', 'json', '--format', 'sarif']);
    expect(code).toBe(2);
    expect(stderr).toBe('opslint: only one format can be written to stdout: give the others an --output\n');
  });
});

describe('output snapshots', () => {
  it.each(['text', 'json', 'sarif', 'github', 'junit', 'markdown'])('%s', async (format) => {
    const { stdout } = await report(format);
    expect(stdout).toMatchSnapshot();
  });
});
