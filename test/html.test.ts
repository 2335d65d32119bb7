/**
 * `--format html`, rendered in headless Chromium (Debian's `chromium`, which .ci/run installs): the scorecard
 * charts and their counts, the filters, the links, no requests, and hostile strings shown as text.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { ScanReport } from '../lib/engine/finding';
import { QUESTIONS } from '../lib/framework';
import { runCli, REPO } from '../scripts/support/cli';

const CHROMIUM = '/usr/bin/chromium';
const RULES = ['--rule', 'lambda-tracing,vpc-flow-logs,alarm-actions,stack-owner-tag'];
const HOSTILE_ID = '<img src=x onerror=alert(1)>';
const HOSTILE_FILE = 'team-b/<img src=x onerror=alert(3)>.yaml';
const HOSTILE_REASON = '</td><script>alert(2)</script> traced by the "mesh" & co';

const FUNCTION = (name: string, extra = ''): string => `  ${name}:
    Type: AWS::Lambda::Function${extra}
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/app
      Code: { ZipFile: 'exports.handler = async () => ({});' }
`;
const ALARM = (name: string, actions: string): string => `  ${name}:
    Type: AWS::CloudWatch::Alarm
    Properties:${actions}
      Namespace: AWS/Lambda
      MetricName: Errors
      Statistic: Sum
      Period: 60
      EvaluationPeriods: 1
      Threshold: 1
      ComparisonOperator: GreaterThanOrEqualToThreshold
`;

/**
 * Two templates and a cloud assembly. lambda-tracing: 1 function passes, 3 fail, 1 is suppressed (OPS04-BP05);
 * vpc-flow-logs: 1 VPC fails (OPS04-BP04); alarm-actions: 1 alarm passes, 1 fails (OPS08-BP04);
 * stack-owner-tag: the assembly's stack fails, the 2 templates need context (OPS02-BP01). And a file that
 * cannot be read.
 */
function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'opslint-html-'));
  const write = (file: string, text: string): void => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  };
  write(
    'orders.yaml',
    [
      'Resources:\n',
      FUNCTION('TracedFunction').replace('Properties:\n', 'Properties:\n      TracingConfig: { Mode: Active }\n'),
      FUNCTION('UntracedFunction'),
      FUNCTION(
        JSON.stringify(HOSTILE_ID),
        `\n    Metadata:\n      opslint:\n        suppress:\n          - id: lambda-tracing\n            reason: ${JSON.stringify(HOSTILE_REASON)}`,
      ),
      '  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: { CidrBlock: 10.0.0.0/16 }\n',
      '  Topic:\n    Type: AWS::SNS::Topic\n',
      ALARM('SilentAlarm', ''),
      ALARM('PagingAlarm', '\n      AlarmActions: [!Ref Topic]'),
    ].join(''),
  );
  write(HOSTILE_FILE, `Resources:\n${FUNCTION('BillingFunction')}`);
  write('broken.json', '{"Resources": {"Topic": {"Type": "AWS::SNS::Topic",}}}\n');
  write(
    'cdk.out/manifest.json',
    JSON.stringify({
      version: '48.0.0',
      artifacts: {
        Payments: {
          type: 'aws:cloudformation:stack',
          environment: 'aws://123456789012/eu-west-1',
          properties: { templateFile: 'Payments.template.json' },
          displayName: 'Payments',
        },
      },
    }),
  );
  write(
    'cdk.out/Payments.template.json',
    JSON.stringify({
      Resources: {
        Charge1A2B3C4D: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Runtime: 'nodejs22.x',
            Handler: 'index.handler',
            Role: 'arn:aws:iam::123456789012:role/payments',
            Code: { ZipFile: 'exports.handler = async () => ({});' },
          },
          Metadata: { 'aws:cdk:path': 'Payments/Charge/Resource' },
        },
      },
    }),
  );
  return dir;
}

let browser: Browser;
let dir: string;
let reportFile: string;
let report: ScanReport;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium), as .ci/run does`);
  dir = workspace();
  const html = await runCli(
    ['scan', '.', ...RULES, '--format', 'html', '--output', 'out/report.html', '--format', 'json'],
    { cwd: dir },
  );
  expect(html.code).toBe(2);
  report = JSON.parse(html.stdout) as ScanReport;
  reportFile = path.join(dir, 'out', 'report.html');
  browser = await chromium.launch({ executablePath: CHROMIUM });
}, 60_000);

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await browser?.close();
});

interface Opened {
  readonly page: Page;
  /** every request the page made, in order */
  readonly requests: string[];
  /** console errors (a blocked load is one), uncaught exceptions and dialogs (alert) */
  readonly problems: string[];
}

async function open(options: { javaScriptEnabled?: boolean } = {}): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  contexts.push(context);
  const page = await context.newPage();
  const requests: string[] = [];
  const problems: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(pathToFileURL(reportFile).href, { waitUntil: 'load' });
  return { page, requests, problems };
}

/** The segments of a stacked bar, by kind: `{ passed: 1, failed: 4 }`. */
async function segments(page: Page, selector: string): Promise<Record<string, number>> {
  return page.$$eval(`${selector} rect.seg`, (rects) =>
    Object.fromEntries(rects.map((r) => [r.getAttribute('data-kind'), Number(r.getAttribute('data-count'))])),
  );
}

const visibleRows = (page: Page): Promise<{ question: string; severity: string; stack: string }[]> =>
  page.$$eval('#findings tbody tr', (rows) =>
    rows
      .filter((r) => r.offsetParent !== null)
      .map((r) => ({ question: r.dataset.question!, severity: r.dataset.severity!, stack: r.dataset.stack! })),
  );

describe('html report', () => {
  it('is written by --format html --output, or to stdout without --output (as ESLint does)', async () => {
    const html = readFileSync(reportFile, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    const stdout = await runCli(['scan', '.', ...RULES, '--format', 'html'], { cwd: dir });
    expect(stdout.code).toBe(2);
    expect(stdout.stdout).toBe(html);
  });

  it('sums the scan up at the top, with the inputs that could not be read', async () => {
    const { page } = await open();
    expect(await page.locator('h1').textContent()).toBe('8 findings: 1 error, 5 warnings, 2 info');
    expect(await page.locator('.scanned').textContent()).toBe(
      '3 templates and 9 resources scanned · 1 suppressed · 1 input could not be read',
    );
    expect(await page.$$eval('.tiles .tile', (tiles) => tiles.map((t) => t.textContent))).toEqual([
      '1error',
      '5warnings',
      '2info',
      '1suppressed',
      '4best practices with failures, of 4 checked',
      // all but the 4 checked
      `${QUESTIONS.flatMap((q) => q.bestPractices).length - 4}best practices need a human review`,
    ]);
    expect(await page.locator('#input-errors li').allTextContents()).toEqual([
      `broken.json:1:52: invalid JSON: expected a property name in double quotes but found '}'`,
    ]);
  });

  it('shows the scorecard: a chart of every OPS question, with the counts of the scan', async () => {
    const { page } = await open();
    const overview = page.locator('svg.overview');
    const box = await overview.boundingBox();
    expect(box!.width).toBeGreaterThan(800);
    expect(box!.height).toBeGreaterThan(300);
    expect(await page.$$eval('svg.overview g.row', (rows) => rows.map((r) => r.getAttribute('data-question')))).toEqual(
      QUESTIONS.map((q) => q.id),
    );

    // counts worked out by hand from the workspace
    expect(await segments(page, 'svg.overview g.row[data-question="OPS04"]')).toEqual({
      passed: 1,
      failed: 4,
      suppressed: 1,
    });
    expect(await segments(page, 'svg.overview g.row[data-question="OPS08"]')).toEqual({ passed: 1, failed: 1 });
    expect(await segments(page, 'svg.overview g.row[data-question="OPS02"]')).toEqual({ failed: 1, needsContext: 2 });
    expect(await page.locator('svg.overview g.row[data-question="OPS04"] text.cnt').textContent()).toBe(
      '1 passed, 4 failed, 1 suppressed; 3 for human review',
    );
    expect(await page.locator('svg.overview g.row[data-question="OPS02"] text.cnt').textContent()).toBe(
      '0 passed, 1 failed, 2 need context; 5 for human review',
    );
    // no rule of this scan checks OPS05: a human review
    expect(await page.locator('svg.overview g.row[data-question="OPS05"]').textContent()).toContain(
      'no rules: a human review',
    );
    expect(await segments(page, 'svg.overview g.row[data-question="OPS05"]')).toEqual({});

    // each question's chart: a bar per best practice checked, a framework link per one to review
    expect(await segments(page, '#OPS04 g.bp[data-bp="OPS04-BP05"]')).toEqual({ passed: 1, failed: 3, suppressed: 1 });
    expect(await segments(page, '#OPS04 g.bp[data-bp="OPS04-BP04"]')).toEqual({ failed: 1 });
    expect(await page.locator('#OPS04 g.bp[data-bp="OPS04-BP05"] text.cnt').textContent()).toBe(
      '5 checked: 1 passed, 3 failed, 1 suppressed',
    );
    expect(await page.locator('#OPS04 a.review-row[data-bp="OPS04-BP01"]').getAttribute('href')).toMatch(
      /^https:\/\/docs\.aws\.amazon\.com\/wellarchitected\/.+\.html$/,
    );

    // every bar agrees with the scorecard of the JSON report
    for (const q of report.summary.scorecard.questions) {
      for (const bp of q.bestPractices.filter((b) => b.checkable)) {
        const expected = Object.fromEntries(
          Object.entries({
            passed: bp.passed,
            failed: bp.failed,
            suppressed: bp.suppressed,
            needsContext: bp.needsContext,
          }).filter(([, n]) => n > 0),
        );
        expect(await segments(page, `#${q.id} g.bp[data-bp="${bp.id}"]`)).toEqual(expected);
      }
    }
  });

  it('filters the findings by question, severity and stack', async () => {
    const { page } = await open();
    // the suppressed finding has a section of its own (test/html-report.test.ts)
    const all = report.findings.filter((f) => !f.suppressed).length;
    expect(all).toBe(8);
    expect(await visibleRows(page)).toHaveLength(all);
    expect(await page.locator('#shown').textContent()).toBe('Showing 8 findings');

    await page.selectOption('#filters select[name="question"]', 'OPS08');
    expect(await visibleRows(page)).toEqual([{ question: 'OPS08', severity: 'error', stack: 'orders.yaml' }]);
    expect(await page.locator('#shown').textContent()).toBe('Showing 1 of 8 findings');

    await page.selectOption('#filters select[name="question"]', 'OPS04');
    await page.selectOption('#filters select[name="severity"]', 'warning');
    const rows = await visibleRows(page);
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.question === 'OPS04' && r.severity === 'warning')).toBe(true);

    await page.selectOption('#filters select[name="stack"]', 'Payments');
    expect(await visibleRows(page)).toEqual([{ question: 'OPS04', severity: 'warning', stack: 'Payments' }]);
    await page.selectOption('#filters select[name="severity"]', 'error');
    expect(await visibleRows(page)).toEqual([]);
    expect(await page.locator('#none-shown').isVisible()).toBe(true);

    await page.click('#filters button[type="reset"]');
    await page.locator('#shown', { hasText: 'Showing 8 findings' }).waitFor();
    expect(await visibleRows(page)).toHaveLength(all);
    expect(await page.locator('#none-shown').isVisible()).toBe(false);

    // a question's "N findings" link filters the table to that question
    await page.click('#OPS02 a[data-filter-question="OPS02"]');
    expect(await page.inputValue('#filters select[name="question"]')).toBe('OPS02');
    const owners = await visibleRows(page);
    expect(owners.map((r) => r.stack).sort()).toEqual(['Payments', HOSTILE_FILE, 'orders.yaml'].sort());
  });

  it('shows every finding without JavaScript, and hides the filters that need it', async () => {
    const { page } = await open({ javaScriptEnabled: false });
    expect(await visibleRows(page)).toHaveLength(report.findings.filter((f) => !f.suppressed).length);
    expect(await page.locator('#filters').isVisible()).toBe(false);
  });

  it("links each finding to its rule's documentation and its best practice", async () => {
    const { page } = await open();
    const links = await page.$$eval('#findings tbody tr td.rule, #suppressed tbody tr td.rule', (cells) =>
      cells.map((c) =>
        Array.from(c.querySelectorAll('a'), (a: { textContent: string; getAttribute(name: string): string }) => ({
          text: a.textContent,
          href: a.getAttribute('href'),
        })),
      ),
    );
    expect(links).toHaveLength(report.findings.length);
    for (const [rule, practice] of links) {
      expect(rule.href).toBe(`https://github.com/opslint/opslint/blob/main/docs/rules/${rule.text}.md`);
      expect(existsSync(path.join(REPO, 'docs', 'rules', `${rule.text}.md`))).toBe(true);
      expect(practice.text).toMatch(/^OPS\d\d-BP\d\d$/);
      expect(practice.href).toMatch(/^https:\/\/docs\.aws\.amazon\.com\/wellarchitected\/.+\.html$/);
    }
    expect(new Set(links.map(([rule]) => rule.text))).toEqual(
      new Set(['lambda-tracing', 'vpc-flow-logs', 'alarm-actions', 'stack-owner-tag']),
    );
  });

  it('makes no request: styles, script, charts and icon are inline', async () => {
    const { page, requests, problems } = await open();
    await page.click('#filters button[type="reset"]');
    expect(requests).toEqual([pathToFileURL(reportFile).href]);
    expect(problems).toEqual([]);
    // nothing that could load from elsewhere, were the Content-Security-Policy to let it
    expect(
      await page.$$eval(
        '[src], link:not([rel="icon"]), link[rel="icon"]:not([href^="data:"]), iframe, object, embed, base',
        (els) => els.map((e) => e.outerHTML),
      ),
    ).toEqual([]);
    expect(await page.$$eval('script', (scripts) => scripts.length)).toBe(1);
  });

  it('shows hostile logical ids, file names and reasons as text', async () => {
    const { page, problems } = await open();
    expect(await page.$$eval('img', (imgs) => imgs.length)).toBe(0);
    expect(await page.$$eval('script', (scripts) => scripts.length)).toBe(1);
    const suppressedRow = page.locator('#suppressed tbody tr.is-suppressed');
    expect(await suppressedRow.locator('td').nth(1).textContent()).toBe(
      `Lambda function ${HOSTILE_ID} does not send traces to X-Ray; set TracingConfig.Mode to Active.suppressed ${HOSTILE_REASON}`,
    );
    expect(await suppressedRow.locator('td.where .res').textContent()).toBe(HOSTILE_ID);
    // the file name is a filter value that still matches its rows
    await page.selectOption('#filters select[name="stack"]', HOSTILE_FILE);
    const rows = await visibleRows(page);
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.stack === HOSTILE_FILE)).toBe(true);
    expect(problems).toEqual([]);
  });
});
