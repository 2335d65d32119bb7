/**
 * Issue 16, the reporters: whatever a template puts in a logical id, a file or stack name, a value quoted in a
 * message or a suppression reason, every format stays what it claims to be — it does not crash, hang, drive a
 * terminal, inject Markdown or workflow commands, or write XML or URIs that are not well-formed.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type * as Sarif from 'sarif';
import { describeFinding } from '../lib/cdk/report';
import type { Finding, ScanReport } from '../lib/engine/finding';
import { FORMATS, getReporter, type ReporterOptions } from '../lib/reporters';
import { markdownText, printable } from '../lib/reporters/escape';
import { COMMENT_LIMIT } from '../lib/reporters/markdown';
import { scanPaths } from '../lib/compose';
import { stackLocation } from '../lib/sources/location';
import { REPO, runCli } from '../scripts/support/cli';
import { validateSarif } from '../scripts/support/sarif';

/** A repository that need not exist: reporters only compute paths. */
const ROOT = path.resolve('/tmp/opslint-hostile-repo');
const OPTIONS: ReporterOptions = { color: false, cwd: ROOT, repoRoot: ROOT, scorecard: true, toolVersion: '1.0.0' };

/** A real scan's report (summary, scorecard), its findings and errors replaced by the test's. */
let base: ScanReport | undefined;
function report(findings: readonly Finding[], errors: ScanReport['errors'] = []): ScanReport {
  base ??= scanPaths(['fixtures/reports'], { cwd: REPO, selection: { rules: ['lambda-tracing', 'alarm-actions'] } });
  const files = [...new Set(findings.map((f) => f.file))].sort();
  return { findings, errors, summary: { ...base.summary, files, errors: errors.length } };
}

function finding(over: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'lambda-tracing',
    pack: 'tracing',
    severity: 'warning',
    message: 'Lambda function Fn does not send traces to X-Ray.',
    bestPractice: 'OPS04-BP05',
    question: 'OPS04',
    file: 'orders.yaml',
    line: 3,
    column: 5,
    resource: 'Fn',
    path: 'Resources.Fn.Properties',
    docs: 'https://github.com/opslint/opslint/blob/main/docs/rules/lambda-tracing.md',
    ...over,
  };
}

/**
 * Findings and an input error whose every template-derived string carries `s`: logical id, file, stack and
 * construct path, source, message, parameter value, suppression reason, a deployed stack's name.
 */
function hostile(s: string): ScanReport {
  const common = {
    resource: `Fn${s}`,
    path: `Resources.Fn${s}.Properties`,
    message: `Lambda function Fn${s} has no tracing.`,
  };
  return report(
    [
      finding({ ...common, file: `templates/${s}.yaml`, assumptions: [{ parameter: `Param${s}`, value: s }] }),
      finding({
        ...common,
        file: `cdk.out/${s}.template.json`,
        stack: `Stack${s}`,
        environment: `aws://1/${s}`,
        constructPath: `App/Stack${s}/Fn${s}`,
        source: `bin/${s}.ts:1:1`,
      }),
      finding({
        ...common,
        file: `templates/${s}.yaml`,
        ruleId: 'alarm-actions',
        severity: 'error',
        suppressed: { reason: `Reason ${s}`, expires: `2999-01-01${s}`, source: 'resource' },
      }),
      finding({
        ...common,
        file: `templates/${s}.yaml`,
        ruleId: 'cloudtrail-present',
        severity: 'info',
        needsContext: `context ${s}`,
      }),
      finding({ ...common, file: stackLocation('eu-west-1', `Stack${s}`), stack: `Stack${s}` }),
    ],
    [{ file: `broken${s}.json`, line: 2, column: 1, message: `invalid JSON near ${s}` }],
  );
}

const render = (format: string, r: ScanReport): string => getReporter(format)!(r, OPTIONS);

/** Written from the specifications, apart from the code under test. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** XML 1.0 `Char`, the whole document */
const XML_CHARS = /^[\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]*$/u;

describe('#10 a file with hundreds of thousands of findings does not overflow the stack', () => {
  const many = (n: number): Finding[] =>
    Array.from({ length: n }, (_, i) =>
      finding({ resource: `Fn${i}`, line: i + 1, constructPath: i % 2 === 0 ? `App/Stack/Fn${i}` : undefined }),
    );

  it('text: lists them all, columns aligned', () => {
    const n = 200_000;
    const out = render('text', report(many(n)));
    const lines = out.split('\n').filter((l) => l.startsWith('  ') && l.includes('lambda-tracing'));
    expect(lines).toHaveLength(n);
    // the where column is as wide as the widest construct path
    const width = `App/Stack/Fn${n - 2}`.length;
    expect(lines[1]).toBe(
      `  ${'2:5'.padEnd(width)}  warning  Lambda function Fn does not send traces to X-Ray.  lambda-tracing  (OPS04-BP05)`,
    );
  }, 60_000);

  it('scan: a template with 200,000 suppressions naming no rule is scanned, and each is listed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'opslint-many-'));
    const n = 200_000;
    const suppress = Array.from({ length: n }, () => ({ id: 'no-such-rule', reason: 'x' }));
    writeFileSync(
      path.join(dir, 't.json'),
      JSON.stringify({ Metadata: { opslint: { suppress } }, Resources: { T: { Type: 'AWS::SNS::Topic' } } }),
    );
    const { stdout, stderr } = await runCli(['scan', 't.json', '--no-config', '--no-color', '--jobs', '1'], {
      cwd: dir,
    });
    expect(stderr).toBe('');
    expect(
      stdout.split('\n').filter((l) => l.includes('Suppression of no-such-rule names no opslint rule')),
    ).toHaveLength(n);
  }, 120_000);

  it('markdown: as many input errors, within the comment limit', () => {
    const n = 200_000;
    const errors = Array.from({ length: n }, (_, i) => ({ file: `broken${i}.json`, message: 'invalid JSON' }));
    const out = render('markdown', report([finding()], errors));
    expect(out.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(out).toContain(`${n} inputs could not be read`);
    expect(out).toContain('- <code>broken0.json</code>: invalid JSON');
    const listed = out.split('\n').filter((l) => l.startsWith('- <code>broken')).length;
    expect(listed).toBeGreaterThan(100);
    expect(out).toContain(`- ${n - listed} more input(s) could not be read. The SARIF or JSON report lists them all.`);
    // the finding still fits
    expect(out).toContain('<code>lambda-tracing</code>');
  }, 60_000);
});

describe('#11 lone surrogates in template text crash no reporter', () => {
  const s = '\ud800x\udc00';

  it.each(FORMATS)('%s: writes well-formed text', (format) => {
    const out = render(format, hostile(s));
    expect(out.length).toBeGreaterThan(0);
    expect(LONE_SURROGATE.test(out)).toBe(false);
  });

  it('sarif: a deployed stack named with one gets a valid URI, U+FFFD in its place', () => {
    const log = JSON.parse(render('sarif', hostile(s))) as Sarif.Log;
    const valid = validateSarif(log);
    expect(validateSarif.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    const uris = log.runs[0].results!.map((r) => r.locations![0].physicalLocation!.artifactLocation!.uri!);
    expect(uris).toContain('stack://eu-west-1/Stack%EF%BF%BDx%EF%BF%BD');
    expect(log.runs[0].results![0].message.text).toBe('Lambda function Fn\ufffdx\ufffd has no tracing.');
  });

  it('text: shows them escaped', () => {
    expect(render('text', hostile(s))).toContain('Fn\\ud800x\\udc00');
  });
});

describe('#20 template text in the Markdown report (the pull-request comment) is inert', () => {
  const s =
    'Evil\n# Heading\n> quote\n- item [link](https://evil.example) ![img](https://evil.example/x.png) <img src=x onerror=alert(1)> ' +
    '<!-- opslint-report --> `code` **bold** _it_ ~strike~ @octocat @org/team a@b.example #12 owner/repo#3 | cell | ' +
    'https://evil.example www.evil.example <https://evil.example> &lt; &#64; \\*esc $x^2$ \u202eend';
  const TOKEN = 'PLAINTOKEN';

  it('reads as written: no line break, markup, link, mention, reference or HTML survives', () => {
    const escaped = markdownText(s);
    // what is left once character references are taken out: nothing Markdown or HTML reads
    expect(escaped.replace(/&(#\d+|lt|gt|amp);/g, '')).not.toMatch(/[\n\r`*_~[\]<>|!$\\#&]/);
    // @ and # are followed by a zero-width space; no URL scheme or www. is left whole
    expect(escaped).not.toMatch(/@(?!&#8203;)|&#35;(?!&#8203;)/);
    expect(escaped).not.toMatch(/:\/\/|www\./i);
    expect(escaped).toContain('&#92;u202eend');
  });

  it('is escaped wherever a finding, a suppression or an input error shows it', () => {
    const out = render('markdown', hostile(s));
    // the same report with a plain token in the same places, the token then replaced by the escaped text
    expect(out).toBe(render('markdown', hostile(TOKEN)).split(TOKEN).join(markdownText(s)));
  });

  it('keeps the report structure: its own headings, tags and links only', () => {
    const out = render('markdown', hostile(s));
    expect(out.split('\n')).toHaveLength(render('markdown', hostile(TOKEN)).split('\n').length);
    expect(out.split('\n').filter((l) => l.startsWith('#'))).toEqual([
      '## opslint · AWS Well-Architected Operational Excellence',
      '### Findings',
      '### Needs context (1 rule)',
      '### Suppressed (1)',
      '### Input errors',
    ]);
    expect(new Set(out.match(/<[^>]*>/g))).toEqual(
      new Set([
        '<!-- opslint-report -->',
        '<details>',
        '</details>',
        '<summary>',
        '</summary>',
        '<b>',
        '</b>',
        '<code>',
        '</code>',
      ]),
    );
    for (const [, url] of out.matchAll(/\]\(([^)]*)\)/g))
      expect(url).toMatch(/^https:\/\/(docs\.aws\.amazon\.com|github\.com\/opslint)\//);
    expect(out).not.toMatch(/@\w|www\.evil|`/);
    expect(out.match(/\|/g)).toHaveLength(render('markdown', hostile(TOKEN)).match(/\|/g)!.length);
  });
});

describe('#21 terminal controls from templates are escaped in text and GitHub output', () => {
  const CONTROLS = [
    '\u0000',
    '\u0007',
    '\u001b',
    '\b',
    '\t',
    '\n',
    '\r',
    '\u007f',
    '\u0085',
    '\u009b',
    '\u061c',
    '\u200e',
    '\u200f',
    '\u2028',
    '\u2029',
    '\u202a',
    '\u202b',
    '\u202c',
    '\u202d',
    '\u202e',
    '\u2066',
    '\u2067',
    '\u2068',
    '\u2069',
  ];
  const s = `x\u001b[2J\u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007\u009b31m${CONTROLS.join('')}\u202eevil`;

  it('what cdk synth shows (the aspect, the Validations plugin, the cdk-nag pack) escapes them too', () => {
    const text = describeFinding(finding({ message: `Lambda function ${s} does not send traces to X-Ray.` }), {
      stacks: [],
    });
    for (const c of CONTROLS) expect(text).not.toContain(c);
    expect(text).toContain('\\u001b[2J');
  });

  it('printable escapes each of them as \\uXXXX and leaves other text alone', () => {
    for (const c of CONTROLS) expect(printable(`a${c}b`)).toBe(`a\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}b`);
    expect(printable('Fn-é-日本-😀 ok')).toBe('Fn-é-日本-😀 ok');
  });

  it('text: none reaches the terminal, and no line is split', () => {
    const out = render('text', hostile(s));
    expect(out.replace(/\n/g, '')).not.toMatch(TERMINAL_CONTROLS);
    expect(out).toContain('Fnx\\u001b[2J\\u001b]8;;https://evil.example\\u0007link');
    expect(out.split('\n').length).toBe(render('text', hostile('plain')).split('\n').length);
  });

  it('github: every line is one workflow command, with no control character in it', () => {
    const out = render('github', hostile(s));
    const lines = out.trimEnd().split('\n');
    // the error, then the active findings (the suppressed one is left out)
    expect(lines).toHaveLength(5);
    for (const line of lines) {
      expect(line).toMatch(/^::(error|warning|notice) /);
      expect(line).not.toMatch(TERMINAL_CONTROLS);
    }
    expect(lines[1]).toContain('::Lambda function Fnx\\u001b[2J\\u001b]8;;https://evil.example\\u0007link');
    // (the path is normalised: https:// is two folders)
    expect(lines[1]).toContain('file=templates/x\\u001b[2J\\u001b]8;;https%3A/evil.example\\u0007link');
  });
});

describe('#25 JUnit and HTML are well-formed whatever characters a logical id holds', () => {
  const s = `a\ufffeb\uffffc\u0001d\u000be\u001ff\ud800g<h>&"i'`;

  it('junit: every character is one XML 1.0 allows, and the names read back escaped', () => {
    const out = render('junit', hostile(s));
    expect(out).toMatch(XML_CHARS);
    expect(XMLValidator.validate(out)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', processEntities: true }).parse(
      out,
    ) as {
      testsuites: { testsuite: { name: string }[] };
    };
    expect(doc.testsuites.testsuite.map((t) => t.name)).toContain(
      `templates/a\\ufffeb\\uffffc\\u0001d\\u000be\\u001ff\\ud800g<h>&"i'.yaml`,
    );
  });

  it('html: every character is one XML 1.0 allows', () => {
    const out = render('html', hostile(s));
    expect(out).toMatch(XML_CHARS);
    expect(out).toContain('Fna\\ufffeb\\uffffc\\u0001d\\u000be\\u001ff\\ud800g&lt;h&gt;&amp;&quot;i&#39;');
  });

  it('html: neither the C1 controls nor DEL nor the noncharacters U+FDD0-FDEF, which HTML does not allow either', () => {
    const out = render('html', hostile('a\u009bb\u007fc\ufdd0d'));
    expect(out).not.toMatch(/[\u007f-\u009f\ufdd0-\ufdef]/);
    expect(out).toContain('Fna\\u009bb\\u007fc\\ufdd0d');
  });
});

describe('a report written to a file is byte for byte the report on stdout', () => {
  it('with multi-byte text on both sides of every write, in JSON and SARIF', async () => {
    // each finding names a file of two-, three- and four-byte characters, a third of its bytes; the report is longer
    // than the write buffer
    const dir = mkdtempSync(path.join(tmpdir(), 'opslint-write-'));
    const resources: Record<string, unknown> = {};
    for (let i = 0; i < 3000; i++)
      resources[`Fn${i}`] = { Type: 'AWS::Lambda::Function', Properties: { Handler: 'i.h', Runtime: 'nodejs22.x' } };
    const name = `é ${'日本'.repeat(40)} ${'\ud83d\ude00'}.json`;
    writeFileSync(path.join(dir, name), JSON.stringify({ Resources: resources }));
    for (const format of ['json', 'sarif']) {
      const file = path.join(dir, `report.${format}`);
      const args = ['scan', name, '-f', format, '--rule', 'lambda-tracing', '--fail-on', 'none'];
      const written = await runCli([...args, '-o', file], { cwd: dir });
      const printed = await runCli(args, { cwd: dir });
      expect([written.code, printed.code]).toEqual([0, 0]);
      const bytes = readFileSync(file);
      expect(bytes.length).toBeGreaterThan(1024 * 1024);
      expect(bytes.equals(Buffer.from(printed.stdout))).toBe(true);
    }
  }, 60_000);
});

describe('#26 SARIF artifact URIs are RFC 3986 URIs of the right file', () => {
  const files = [
    'a#b.yaml',
    'q?x=1.yaml',
    'pct%41 space.yaml',
    'c:colon.yaml',
    '..foo/t.yaml',
    'dir/..bar/#/t.yaml',
    'é 日本.yaml',
    '../outside#1.yaml',
    `sub/${'\ud83d\ude00'}.yaml`,
  ];
  const log = (): Sarif.Log => JSON.parse(render('sarif', report(files.map((file) => finding({ file }))))) as Sarif.Log;

  it('resolve back to the file they name, inside the repository relative to %SRCROOT%', () => {
    const l = log();
    expect(validateSarif(l)).toBe(true);
    const base = pathToFileURL(`${ROOT}/`);
    const located = l.runs[0].results!.map((r) => r.locations![0].physicalLocation!.artifactLocation!);
    expect(located.map((a) => fileURLToPath(new URL(a.uri!, a.uriBaseId === '%SRCROOT%' ? base : undefined)))).toEqual(
      files.map((f) => path.resolve(ROOT, f)),
    );
    // a folder whose name starts with two dots is in the repository; a parent reference is not
    expect(located.map((a) => a.uriBaseId)).toEqual(files.map((f) => (f.startsWith('../') ? undefined : '%SRCROOT%')));
    expect(located[4].uri).toBe('..foo/t.yaml');
    expect(located[0].uri).toBe('a%23b.yaml');
    expect(located[3].uri).toBe('c%3Acolon.yaml');
  });

  it('a deployed stack: its name stays in the path', () => {
    const l = JSON.parse(
      render('sarif', report([finding({ file: stackLocation('eu-west-1', 'a#b?c/d'), stack: 'a#b?c/d' })])),
    ) as Sarif.Log;
    expect(validateSarif(l)).toBe(true);
    const uri = new URL(l.runs[0].results![0].locations![0].physicalLocation!.artifactLocation!.uri!);
    expect([uri.protocol, uri.host, decodeURIComponent(uri.pathname), uri.search, uri.hash]).toEqual([
      'stack:',
      'eu-west-1',
      '/a#b?c/d',
      '',
      '',
    ]);
  });
});
