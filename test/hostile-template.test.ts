/**
 * Issue 16, hostile templates, the items of the template reader: each input is scanned through the command line
 * beside a good template, and ends within the limits as one input error `file:line:col: message` (exit code 2)
 * or, where CloudFormation would only reject it, as a note; the good template is still scanned and reported.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { resolveLimits } from '../lib/config/limits';
import { UsageError } from '../lib/errors';
import type { ScanReport } from '../lib/engine/finding';
import { DEFAULT_PARSE_LIMITS, parseDocument } from '../lib/template/parse';
import { templateFromText } from '../lib/template/load';
import { runCli } from '../scripts/support/cli';

/** An alarm without actions: alarm-actions, an error, at its Properties (4:5). */
const GOOD = [
  'Resources:',
  '  Alarm:',
  '    Type: AWS::CloudWatch::Alarm',
  '    Properties:',
  '      Namespace: AWS/SQS',
  '      MetricName: ApproximateAgeOfOldestMessage',
  '      Statistic: Maximum',
  '      Period: 60',
  '      EvaluationPeriods: 1',
  '      Threshold: 600',
  '      ComparisonOperator: GreaterThanThreshold',
  '',
].join('\n');

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'opslint-hostile-template-'));
  writeFileSync(path.join(dir, 'good.yaml'), GOOD);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Scanned {
  readonly code: number;
  readonly stderr: string;
  readonly report: ScanReport;
}

/** `opslint scan FILE good.yaml --format json` on the main thread, with `content` written to FILE first. */
async function scanBesideGood(file: string, content: string | Buffer, extra: string[] = []): Promise<Scanned> {
  writeFileSync(path.join(dir, file), content);
  const { code, stdout, stderr } = await runCli(
    ['scan', file, 'good.yaml', '--format', 'json', '--no-config', '--jobs', '1', ...extra],
    { cwd: dir },
  );
  const report = JSON.parse(stdout) as ScanReport;
  // the good template is scanned whatever happens to the other
  expect(
    report.findings.filter((f) => f.file === 'good.yaml').map((f) => `${f.ruleId} ${f.line}:${f.column}`),
  ).toContain('alarm-actions 4:5');
  return { code, stderr, report };
}

/** Asserts that `file` is the scan's one input error, the line `expected` (a string, or a pattern for a position that varies). */
function expectOneInputError({ code, stderr, report }: Scanned, file: string, expected: string | RegExp): void {
  expect(report.errors).toHaveLength(1);
  expect(report.errors[0].file).toBe(file);
  expect(report.errors[0].line).toBeGreaterThanOrEqual(1);
  expect(report.errors[0].column).toBeGreaterThanOrEqual(1);
  const e = report.errors[0];
  expect(`${e.file}:${e.line}:${e.column}: ${e.message}\n`).toBe(stderr);
  if (typeof expected === 'string') expect(stderr).toBe(`${expected}\n`);
  else expect(stderr).toMatch(expected);
  expect(report.summary.files).toEqual(['good.yaml']);
  expect(code).toBe(2);
}

describe('#1 a %TAG directive after a comment of !Ref&&&... does not hang the parser, and parsing has a time budget', () => {
  // the tag !Ref is written !e!ef: its text is found only in the comment, followed by 200 `&` that a pattern
  // of `(&\S+)*` tried in every way (2^200) before it failed at the next line
  const tagged = (resolvesTo: string, comment: string): string =>
    `# ${comment}${'&'.repeat(200)}\n%TAG !e! ${resolvesTo}\n---\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !e!ef orders\n`;

  // the shorthand !e!ef is not the text of the tag !Ref: both are placed at the value that follows
  it('reads the template, the tag made by the directive in its long form at its value', async () => {
    const text = tagged('!R', '!Ref');
    const doc = parseDocument(text, 'tag.yaml');
    expect((doc.value as { Resources: { Topic: { Properties: unknown } } }).Resources.Topic.Properties).toEqual({
      TopicName: { Ref: 'orders' },
    });
    expect(doc.sourceMap.locate(doc.value, ['Resources', 'Topic', 'Properties', 'TopicName', 'Ref'])).toEqual({
      line: 8,
      column: 24,
    });

    const { code, stderr, report } = await scanBesideGood('tag.yaml', text);
    expect(report.errors).toEqual([]);
    expect(stderr).toBe('');
    expect(report.summary.files).toEqual(['good.yaml', 'tag.yaml']);
    expect(report.summary.resources).toBe(2);
    expect(code).toBe(1);
  }, 60_000);

  it('an unknown tag made by the directive is one input error at its value', async () => {
    const scanned = await scanBesideGood(
      'unknown-tag.yaml',
      tagged('tag:example.com,2000:R', 'tag:example.com,2000:Ref'),
    );
    expectOneInputError(
      scanned,
      'unknown-tag.yaml',
      "unknown-tag.yaml:8:24: unknown YAML tag tag:example.com,2000:Ref; CloudFormation's short forms are !Ref, !GetAtt, !Sub and the other !Fn tags",
    );
  }, 60_000);

  it('a long list of tags made by the directive is read in time linear in the text', async () => {
    const items = Array.from({ length: 50_000 }, (_, i) => `        - !e!ef p${i}\n`).join('');
    const text = `%TAG !e! !R\n---\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      Tags:\n${items}`;
    // the budget is the test's timeout: a busy machine may take more than the default 10 s; a hang takes forever
    const doc = parseDocument(text, 'tags.yaml', 'yaml', { ...DEFAULT_PARSE_LIMITS, parseTimeoutMs: 60_000 });
    const tags = (doc.value as { Resources: { Topic: { Properties: { Tags: unknown[] } } } }).Resources.Topic.Properties
      .Tags;
    expect(tags).toHaveLength(50_000);
    expect(tags[49_999]).toEqual({ Ref: 'p49999' });
    expect(doc.sourceMap.locate(doc.value, ['Resources', 'Topic', 'Properties', 'Tags', 49_999])).toEqual({
      line: 50_007,
      column: 17,
    });
  }, 60_000);

  // files of many topics: far more than a millisecond of parsing
  const topics = (n: number): Record<string, unknown> =>
    Object.fromEntries(
      Array.from({ length: n }, (_, i) => [
        `Topic${i}`,
        { Type: 'AWS::SNS::Topic', Properties: { TopicName: `topic-${i}` } },
      ]),
    );

  it('a YAML file that takes longer than --parse-timeout to parse is one input error naming the limit', async () => {
    const text = `Resources:\n${Array.from({ length: 20_000 }, (_, i) => `  Topic${i}:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !Sub 'topic-\${AWS::Region}-${i}'\n`).join('')}`;
    const scanned = await scanBesideGood('slow.yaml', text, ['--parse-timeout', '1']);
    // where parsing was when the time was up depends on the machine
    expectOneInputError(
      scanned,
      'slow.yaml',
      /^slow\.yaml:\d+:\d+: parsing took longer than 1 ms \(limit: --parse-timeout, limits\.parseTimeout\)\n$/,
    );
  }, 60_000);

  it('and so is a JSON file', async () => {
    const scanned = await scanBesideGood('slow.json', JSON.stringify({ Resources: topics(100_000) }), [
      '--parse-timeout',
      '1',
    ]);
    expectOneInputError(
      scanned,
      'slow.json',
      /^slow\.json:1:\d+: parsing took longer than 1 ms \(limit: --parse-timeout, limits\.parseTimeout\)\n$/,
    );
  }, 60_000);

  it('the budget is 10 seconds unless limits.parseTimeout or --parse-timeout (which wins) says otherwise', () => {
    expect(resolveLimits().limits.parseTimeoutMs).toBe(10_000);
    expect(resolveLimits({ parseTimeout: 500 }).limits.parseTimeoutMs).toBe(500);
    expect(resolveLimits({ parseTimeout: 500 }, { parseTimeout: '20000' }).limits.parseTimeoutMs).toBe(20_000);
    expect(() => resolveLimits({}, { parseTimeout: '1.5s' })).toThrow(
      new UsageError('--parse-timeout must be a whole number from 1 to 9007199254740991, not "1.5s"'),
    );
    expect(() => resolveLimits({ parseTimeout: 0 })).toThrow(
      new UsageError(
        'limits.parseTimeout in the configuration must be a whole number from 1 to 9007199254740991, not "0"',
      ),
    );
  });
});

describe('#3 Fn::ForEach expansion is bounded', () => {
  /** Loops nested `depth` deep over `list` (an Items parameter of 300 by default), the innermost making `body`. */
  const loops = (depth: number, body: string, list = '!Ref Items'): string => {
    const ids = ['X', 'Y', 'Z'].slice(0, depth);
    let text = '';
    ids.forEach((id, i) => {
      const pad = ' '.repeat(2 + 4 * i);
      text += `${pad}Fn::ForEach::${id}:\n${pad}  - ${id}\n${pad}  - ${i === depth - 1 ? list : '!Ref Items'}\n${pad}  -`;
      text += i === depth - 1 ? ` ${body}\n` : '\n';
    });
    return text;
  };
  const template = (resources: string, items = 300): string =>
    `Transform: AWS::LanguageExtensions\nParameters:\n  Items:\n    Type: CommaDelimitedList\n    Default: "${Array.from({ length: items }, (_, i) => `i${i}`).join(',')}"\nResources:\n${resources}`;

  it('three nested loops over a 300-item default list (27 million resources) are one input error at the loop that goes past the limit', async () => {
    const scanned = await scanBesideGood(
      'foreach.yaml',
      template(loops(3, '{"Topic${X}${Y}${Z}": {Type: AWS::SNS::Topic}}')),
    );
    // each iteration of X and Y counts one, each of Z its topic: the limit is passed in Z, within the 17th Y
    expectOneInputError(
      scanned,
      'foreach.yaml',
      'foreach.yaml:15:11: Fn::ForEach loops expand to more than 5000 entries (limit: --max-foreach-entries, limits.maxForEachEntries)',
    );
  }, 60_000);

  it('a large body copied for each item is one input error once the copies pass 100 values an entry', async () => {
    // 5,000 topics of 2,000 tags each: 30 million values, which took more than 3 GB
    const tags = Array.from({ length: 2000 }, (_, i) => `{Key: k${i}, Value: v${i}}`).join(', ');
    const scanned = await scanBesideGood(
      'foreach-body.yaml',
      template(loops(1, `{"Topic\${X}": {Type: AWS::SNS::Topic, Properties: {Tags: [${tags}]}}}`), 5000),
    );
    expectOneInputError(
      scanned,
      'foreach-body.yaml',
      'foreach-body.yaml:7:3: Fn::ForEach loops copy more than 500000 values, 100 for each of the 5000 entries allowed (limit: --max-foreach-entries, limits.maxForEachEntries)',
    );
  }, 60_000);

  it('loops that make nothing (an empty innermost list) count their iterations', async () => {
    const scanned = await scanBesideGood(
      'foreach-empty.yaml',
      template(
        `${loops(3, '{"Topic${X}${Y}${Z}": {Type: AWS::SNS::Topic}}', '[]')}  Topic:\n    Type: AWS::SNS::Topic\n`,
      ),
    );
    expectOneInputError(
      scanned,
      'foreach-empty.yaml',
      /^foreach-empty\.yaml:11:7: Fn::ForEach loops expand to more than 5000 entries/,
    );
  }, 60_000);

  it('a loop within the limit is expanded; one entry more is an error', async () => {
    const text = template(loops(1, '{"Topic${X}": {Type: AWS::SNS::Topic}}'), 3);
    const within = await scanBesideGood('foreach-small.yaml', text, ['--max-foreach-entries', '3']);
    expect(within.report.errors).toEqual([]);
    expect(within.report.summary.resources).toBe(1 + 3);
    const beyond = await scanBesideGood('foreach-small.yaml', text, ['--max-foreach-entries', '2']);
    expectOneInputError(
      beyond,
      'foreach-small.yaml',
      'foreach-small.yaml:7:3: Fn::ForEach loops expand to more than 2 entries (limit: --max-foreach-entries, limits.maxForEachEntries)',
    );
  }, 60_000);

  it('the limit is 5000 unless limits.maxForEachEntries or --max-foreach-entries (which wins) says otherwise', () => {
    expect(resolveLimits().maxForEachEntries).toBe(5000);
    expect(resolveLimits({ maxForEachEntries: 800 }).maxForEachEntries).toBe(800);
    expect(resolveLimits({ maxForEachEntries: 800 }, { maxForeachEntries: '20000' }).maxForEachEntries).toBe(20_000);
    expect(() => resolveLimits({}, { maxForeachEntries: 'many' })).toThrow(
      new UsageError('--max-foreach-entries must be a whole number from 1 to 9007199254740991, not "many"'),
    );
  });
});

describe('#28 deep nesting, an empty Resources section and invalid UTF-8 are reported as what they are', () => {
  const deep = (levels: number): string =>
    `Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags: ${'['.repeat(levels)}${']'.repeat(levels)}\n`;

  it('800 levels of YAML nesting, with the default limit of 256, are reported at the 257th level as deeper than 256', async () => {
    const scanned = await scanBesideGood('deep.yaml', deep(800));
    // the root, Resources, Queue and Properties mappings, then the 253rd list
    expectOneInputError(
      scanned,
      'deep.yaml',
      `deep.yaml:5:${'      Tags: '.length + 253}: nesting deeper than 256 levels (limit: --max-depth, limits.maxDepth)`,
    );
  }, 60_000);

  it('800 levels within a limit of 1000 are read, or said to be more than the YAML reader can follow, never deeper than 1000', async () => {
    // yaml composes recursively: whether it runs out of stack first depends on the stack left to it
    const scanned = await scanBesideGood('deep-1000.yaml', deep(800), ['--max-depth', '1000']);
    if (scanned.report.errors.length === 0) {
      expect(scanned.report.summary.files).toEqual(['deep-1000.yaml', 'good.yaml']);
    } else {
      expectOneInputError(
        scanned,
        'deep-1000.yaml',
        /^deep-1000\.yaml:5:\d+: nesting of 804 levels is more than the YAML reader can follow, though within the limit of 1000 \(limit: --max-depth, limits\.maxDepth\)\n$/,
      );
    }
  }, 60_000);

  it('an empty Resources section, which CloudFormation rejects, is read with a note', async () => {
    const cases = [
      { file: 'empty.yaml', content: 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n', line: 2, column: 1 },
      { file: 'empty.json', content: '{\n  "Resources": {}\n}\n', line: 2, column: 3 },
    ];
    for (const { file, content, line, column } of cases) {
      const { code, stderr, report } = await scanBesideGood(file, content);
      expect(report.errors).toEqual([]);
      expect(stderr).toBe('');
      expect(report.summary.notes.filter((n) => n.file === file)).toEqual([
        { file, line, column, message: 'Resources is empty: CloudFormation rejects a template without resources' },
      ]);
      expect(code).toBe(1);
    }
  }, 60_000);

  it('invalid UTF-8 is one input error at the first byte that is not UTF-8, not silently replaced', async () => {
    // "café" in Latin-1, after a U+FFFD written as UTF-8 (valid, and kept)
    const bytes = Buffer.concat([
      Buffer.from(
        'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      DisplayName: \ufffd caf',
        'utf8',
      ),
      Buffer.from([0xe9, 0x0a]),
    ]);
    const scanned = await scanBesideGood('latin1.yaml', bytes);
    expectOneInputError(
      scanned,
      'latin1.yaml',
      'latin1.yaml:5:25: invalid UTF-8: byte 0xE9 is not part of a UTF-8 character; save the file as UTF-8',
    );
  }, 60_000);

  it('a byte order mark does not count as a column', async () => {
    const bytes = Buffer.concat([
      Buffer.from('\ufeffResources', 'utf8'),
      Buffer.from([0xff]),
      Buffer.from(':\n  Topic:\n    Type: AWS::SNS::Topic\n'),
    ]);
    const scanned = await scanBesideGood('bom-latin1.yaml', bytes);
    expectOneInputError(
      scanned,
      'bom-latin1.yaml',
      'bom-latin1.yaml:1:10: invalid UTF-8: byte 0xFF is not part of a UTF-8 character; save the file as UTF-8',
    );
  }, 60_000);
});

describe('an unknown tag as long as the file', () => {
  it('is quoted in the error up to 64 characters', () => {
    const tag = `!Ref${'&'.repeat(50_000)}`;
    expect(() =>
      templateFromText(
        `Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: ${tag} x\n`,
        't.yaml',
      ),
    ).toThrow(
      `unknown YAML tag ${tag.slice(0, 64)}…; CloudFormation's short forms are !Ref, !GetAtt, !Sub and the other !Fn tags`,
    );
  });
});
