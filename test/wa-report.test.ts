/**
 * `opslint wa report` and the notes it shares with `wa sync` (lib/wa): evidence per question and best practice,
 * notes within the Well-Architected Tool's limits, and reviewers' own text kept beside opslint's.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../scripts/support/cli';
import { BUILTIN_PACKS } from '../lib/compose';
import { QUESTIONS } from '../lib/framework';
import type { Finding, ScanReport } from '../lib/engine/finding';
import { waEvidence } from '../lib/wa/evidence';
import { CHOICE_NOTE_LIMIT, mergeNote, QUESTION_NOTE_LIMIT } from '../lib/wa/notes';
import { workspace } from './helpers/workspace';

interface Choice {
  bestPractice: string;
  checkable: boolean;
  resources: number;
  passed: number;
  failed: number;
  notes: string;
  findings: { ruleId: string; file: string; line: number; severity: string }[];
}
interface Question {
  id: string;
  notes: string;
  choices: Choice[];
}

/** A template of `n` Lambda functions without tracing, and one traced. */
function functions(n: number): string {
  const fn = (id: string, traced: boolean): string =>
    `  ${id}:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs22.x\n      Handler: index.handler\n      Role: arn:aws:iam::111111111111:role/r\n      Code: { ZipFile: "exports.handler = async () => ({})" }\n${traced ? '      TracingConfig: { Mode: Active }\n' : ''}`;
  return `Resources:\n${Array.from({ length: n }, (_, i) => fn(`Fn${i}`, false)).join('')}${fn('Traced', true)}`;
}

async function report(
  files: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; questions: Question[]; stderr: string }> {
  const dir = workspace(files);
  const { code, stdout, stderr } = await runCli(['wa', 'report', '.', '--no-config', '-f', 'json', ...args], {
    cwd: dir,
  });
  return {
    code,
    questions: code === 2 && stdout === '' ? [] : (JSON.parse(stdout) as { questions: Question[] }).questions,
    stderr,
  };
}

const choice = (questions: Question[], id: string): Choice =>
  questions.flatMap((q) => q.choices).find((c) => c.bestPractice === id)!;

describe('opslint wa report', () => {
  it('gives every OPS question and best practice, with counts and findings from the scan', async () => {
    const { code, questions } = await report({ 'app.yaml': functions(2) });
    expect(code).toBe(0);
    expect(questions.map((q) => q.id)).toEqual(
      Array.from({ length: 11 }, (_, i) => `OPS${String(i + 1).padStart(2, '0')}`),
    );
    const tracing = choice(questions, 'OPS04-BP05');
    expect(tracing).toMatchObject({ checkable: true, resources: 3, passed: 1, failed: 2 });
    expect(tracing.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`)).toEqual([
      'app.yaml:4 lambda-tracing',
      'app.yaml:11 lambda-tracing',
    ]);
    expect(tracing.notes).toBe(
      '[opslint] 1 of 3 resources passed, 2 failed. Fn0 (app.yaml:4) lambda-tracing; Fn1 (app.yaml:11) lambda-tracing. [/opslint]',
    );
    const priorities = choice(questions, 'OPS01-BP01');
    expect(priorities.checkable).toBe(false);
    expect(questions[0].notes).toContain('Not checked by this scan (review them): OPS01-BP01,');
  });

  it('keeps notes within the limits for a scan with hundreds of findings, naming how many more there are', async () => {
    const { questions } = await report({ 'app.yaml': functions(300) }, '--report-url', 'https://ci.example/r/1');
    for (const q of questions) {
      expect(q.notes.length).toBeLessThanOrEqual(QUESTION_NOTE_LIMIT);
      expect(q.notes).toContain('Full report: https://ci.example/r/1');
      for (const c of q.choices) expect(c.notes.length).toBeLessThanOrEqual(CHOICE_NOTE_LIMIT);
    }
    const tracing = choice(questions, 'OPS04-BP05');
    expect(tracing.failed).toBe(300);
    expect(tracing.notes).toMatch(
      /^\[opslint\] 1 of 301 resources passed, 300 failed\. Fn0 \(app\.yaml:4\) lambda-tracing; .*; and \d+ more\. \[\/opslint\]$/,
    );
    const ops04 = questions.find((q) => q.id === 'OPS04')!;
    expect(ops04.notes).toMatch(/^\[opslint\]\nOPS04-BP01 /);
    expect(ops04.notes).toMatch(/\n- and \d+ more\n/);
    // every best practice with findings shows some, not only the first ones
    expect(ops04.notes).toMatch(/\nOPS04-BP05 [^\n]*\n- Fn\d+ \(app\.yaml:\d+\) lambda-tracing: /);
    expect(ops04.notes).toMatch(/\n\[\/opslint\]$/);
  });

  it('writes Markdown by default, to a file with --output', async () => {
    const dir = workspace({ 'app.yaml': functions(1) });
    const { code, stdout } = await runCli(['wa', 'report', 'app.yaml', '--no-config', '-o', 'out/evidence.md'], {
      cwd: dir,
    });
    expect(code).toBe(0);
    expect(stdout).toBe('');
    const text = readFileSync(path.join(dir, 'out', 'evidence.md'), 'utf8');
    expect(text).toContain('## OPS04 ');
    expect(text).toContain(
      '| OPS04-BP05 Implement distributed tracing | 2 | 1 | 1 | 0 | 0 | Fn0 (app.yaml:4) lambda-tracing |',
    );
    // the note as written, in a code block
    expect(text).toMatch(/```text\n\[opslint\]\nOPS04-BP01 [^`]*\n\[\/opslint\]\n```/);
  });

  it('reports an input it cannot read and exits with 2, the other files still evaluated', async () => {
    const { code, questions, stderr } = await report({ 'app.yaml': functions(1), 'broken.json': '{ "Resources": ' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^broken\.json:1:\d+: /m);
    expect(choice(questions, 'OPS04-BP05').failed).toBe(1);
    const dir = workspace({ 'app.yaml': functions(1), 'broken.json': '{ "Resources": ' });
    const json = JSON.parse(
      (await runCli(['wa', 'report', '.', '--no-config', '-f', 'json'], { cwd: dir })).stdout,
    ) as {
      tool: { name: string };
      scanned: unknown;
    };
    expect(json.tool.name).toBe('opslint');
    expect(json.scanned).toEqual({ templates: 1, resources: 2, errors: 1 });
    const markdown = await runCli(['wa', 'report', '.', '--no-config'], { cwd: dir });
    expect(markdown.stdout).toMatch(
      /scanned 1 template \(2 resources\)\. 1 input could not be read: this evidence is incomplete\./,
    );
  });

  it('takes no option that would scan only part of the workload', async () => {
    for (const option of ['--baseline', '--changed-since']) {
      const { code, stderr } = await runCli(['wa', 'report', '.', option, 'x'], { cwd: workspace({}) });
      expect(code).toBe(2);
      expect(stderr).toContain(`unknown option '${option}'`);
    }
  });

  it('names the resource of each finding, so that two resources sharing a line read apart (SAM Globals)', async () => {
    const runtime = `Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    Runtime: nodejs12.x\nResources:\n${[
      'A',
      'B',
    ]
      .map(
        (id) =>
          `  ${id}:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: i.h\n      InlineCode: x\n`,
      )
      .join('')}`;
    const { questions } = await report({ 'app.yaml': runtime });
    const patching = choice(questions, 'OPS05-BP05');
    expect(patching.notes).toContain(
      'A (app.yaml:4) lambda-runtime-supported; B (app.yaml:4) lambda-runtime-supported.',
    );
    expect(questions.find((q) => q.id === 'OPS05')!.notes).toMatch(
      /\n- A \(app\.yaml:4\) lambda-runtime-supported: .*\n- B \(app\.yaml:4\) lambda-runtime-supported: /,
    );
  });

  it('shows suppressed findings with their reasons, and table rows that add up', async () => {
    const suppressed = `Metadata:\n  opslint:\n    suppress:\n      - id: lambda-tracing\n        reason: Traced by the service mesh sidecar\n${functions(2)}`;
    const dir = workspace({ 'app.yaml': suppressed });
    const json = await runCli(['wa', 'report', '.', '--no-config', '-f', 'json'], { cwd: dir });
    const tracing = choice((JSON.parse(json.stdout) as { questions: Question[] }).questions, 'OPS04-BP05') as Choice & {
      suppressedFindings: { resource: string; reason: string }[];
    };
    expect(tracing.findings).toEqual([]);
    expect(tracing.suppressedFindings.map((f) => [f.resource, f.reason])).toEqual([
      ['Fn0', 'Traced by the service mesh sidecar'],
      ['Fn1', 'Traced by the service mesh sidecar'],
    ]);
    const { stdout } = await runCli(['wa', 'report', '.', '--no-config'], { cwd: dir });
    expect(stdout).toContain(
      '| Best practice | Resources | Passed | Failed | Needs context | Suppressed | Most important findings |',
    );
    expect(stdout).toContain('| OPS04-BP05 Implement distributed tracing | 3 | 1 | 0 | 0 | 2 |  |');
    expect(stdout).toContain(
      'Suppressed findings, with their reasons:\n\n- OPS04-BP05: Fn0 (app.yaml:9) lambda-tracing: Traced by the service mesh sidecar\n',
    );
    // the question's note lists them too, after the active findings
    expect(stdout).toContain('\n- Fn1 (app.yaml:16) lambda-tracing (suppressed: Traced by the service mesh sidecar)\n');
  });

  it('tells a best practice whose rules the scan left out from one no rule checks', async () => {
    const dir = workspace({ 'app.yaml': functions(1) });
    const { code, stdout } = await runCli(['wa', 'report', '.', '--no-config', '--rule', 'lambda-tracing'], {
      cwd: dir,
    });
    expect(code).toBe(0);
    const covered = new Set(BUILTIN_PACKS.flatMap((p) => p.rules.map((r) => r.bestPractice)));
    const row = (id: string): string => stdout.split('\n').find((l) => l.startsWith(`| ${id} `))!;
    expect(row('OPS04-BP05')).toMatch(/^\| OPS04-BP05 [^|]+\| 2 \| 1 \| 1 \|/);
    // patching has rules (supported runtimes), not run here
    expect(covered.has('OPS05-BP05')).toBe(true);
    expect(row('OPS05-BP05')).toMatch(/^\| OPS05-BP05 [^|]+\| not checked by this scan \|/);
    const none = QUESTIONS.flatMap((q) => q.bestPractices).find((bp) => !covered.has(bp.id))!;
    expect(row(none.id)).toMatch(new RegExp(`^\\| ${none.id} [^|]+\\| not checkable \\|`));
  });

  it('refuses a --report-url that is not an absolute http(s) URL', async () => {
    const { code, stderr } = await runCli(['wa', 'report', '.', '--no-config', '--report-url', 'not a url'], {
      cwd: workspace({ 'app.yaml': functions(1) }),
    });
    expect(stderr).toBe('opslint: --report-url must be an http:// or https:// URL, not "not a url"\n');
    expect(code).toBe(2);
  });

  it('does not apply the baseline of the configuration, and says so: the evidence stands for every finding', async () => {
    const dir = workspace({ 'app.yaml': functions(2) });
    const written = await runCli(['scan', '.', '--no-config', '--write-baseline', 'bl.json'], { cwd: dir });
    expect(written.code).toBe(0);
    writeFileSync(path.join(dir, 'opslint.config.yaml'), 'baseline: bl.json\n');
    const scanned = await runCli(['scan', '.', '-f', 'json'], { cwd: dir });
    expect((JSON.parse(scanned.stdout) as { findings: unknown[] }).findings).toEqual([]);
    const { code, stdout, stderr } = await runCli(['wa', 'report', '.', '-f', 'json'], { cwd: dir });
    expect(code).toBe(0);
    expect(stderr).toBe(
      'opslint: note: the baseline bl.json of the configuration is not applied: the evidence stands for every finding\n',
    );
    const questions = (JSON.parse(stdout) as { questions: Question[] }).questions;
    expect(choice(questions, 'OPS04-BP05').findings).toHaveLength(2);
  });
});

describe('evidence of a best practice', () => {
  it('lists its active findings errors first, then warnings, then info, each in report order', () => {
    const finding = (line: number, severity: Finding['severity'], suppressed = false): Finding =>
      ({
        ruleId: 'lambda-tracing',
        severity,
        bestPractice: 'OPS04-BP05',
        file: 'app.yaml',
        line,
        message: 'm',
        ...(suppressed ? { suppressed: { reason: 'a reason long enough', source: 'resource' } } : {}),
      }) as Finding;
    const report = {
      findings: [
        finding(1, 'info'),
        finding(2, 'warning'),
        finding(3, 'error'),
        finding(4, 'warning'),
        finding(5, 'error', true),
      ],
      summary: {
        scorecard: {
          questions: [
            {
              id: 'OPS04',
              title: 'How do you implement observability?',
              url: '',
              bestPractices: [
                {
                  id: 'OPS04-BP05',
                  title: 'Implement distributed tracing',
                  url: '',
                  checkable: true,
                  rules: ['lambda-tracing'],
                  resources: 6,
                  passed: 1,
                  failed: 4,
                  suppressed: 1,
                  needsContext: 0,
                },
              ],
            },
          ],
        },
      },
    } as unknown as ScanReport;
    const [bp] = waEvidence(report).questions[0].bestPractices;
    expect(bp.findings.map((f) => `${f.line} ${f.severity}`)).toEqual(['3 error', '2 warning', '4 warning', '1 info']);
    expect(bp.note).toBe(
      '1 of 6 resources passed, 4 failed, 1 suppressed. app.yaml:3 lambda-tracing; app.yaml:2 lambda-tracing; app.yaml:4 lambda-tracing; app.yaml:1 lambda-tracing.',
    );
  });
});

describe('notes beside a reviewer’s', () => {
  it('adds opslint’s part after the reviewer’s text, and replaces only that part later', () => {
    const first = mergeNote('Discussed in the March review.', 'old evidence', CHOICE_NOTE_LIMIT);
    expect(first).toBe('Discussed in the March review.\n[opslint] old evidence [/opslint]');
    const edited = `${first}\nFollow-up: ticket OPS-12.`;
    const second = mergeNote(edited, 'new evidence', CHOICE_NOTE_LIMIT);
    expect(second).toBe('Discussed in the March review.\n[opslint] new evidence [/opslint]\nFollow-up: ticket OPS-12.');
    // the same evidence again: the same note, nothing to write
    expect(mergeNote(second, 'new evidence', CHOICE_NOTE_LIMIT)).toBe(second);
  });

  it('cuts opslint’s part at the end of a word, with an ellipsis', () => {
    const reviewer = 'r'.repeat(210);
    expect(mergeNote(reviewer, 'alpha beta gamma delta epsilon', CHOICE_NOTE_LIMIT)).toBe(
      `${reviewer}\n[opslint] alpha beta gamma… [/opslint]`,
    );
  });

  it('beside a long reviewer’s text, lists fewer findings rather than cut a sentence', async () => {
    const evidence = waEvidence(
      JSON.parse(
        (await runCli(['scan', '.', '--no-config', '-f', 'json'], { cwd: workspace({ 'app.yaml': functions(2) }) }))
          .stdout,
      ) as ScanReport,
    );
    const tracing = evidence.questions.flatMap((q) => q.bestPractices).find((bp) => bp.id === 'OPS04-BP05')!;
    const reviewer = 'r'.repeat(140);
    expect(mergeNote(reviewer, tracing.noteIn, CHOICE_NOTE_LIMIT)).toBe(
      `${reviewer}\n[opslint] 1 of 3 resources passed, 2 failed. Fn0 (app.yaml:4) lambda-tracing; and 1 more. [/opslint]`,
    );
    expect(mergeNote('r'.repeat(180), tracing.noteIn, CHOICE_NOTE_LIMIT)).toBe(
      `${'r'.repeat(180)}\n[opslint] 1 of 3 resources passed, 2 failed. [/opslint]`,
    );
  });

  it('shortens opslint’s part to keep the whole within the limit, and never cuts the reviewer’s text', () => {
    const reviewer = 'r'.repeat(200);
    const merged = mergeNote(reviewer, 'e'.repeat(100), CHOICE_NOTE_LIMIT);
    expect(merged.length).toBe(CHOICE_NOTE_LIMIT);
    expect(merged.startsWith(`${reviewer}\n[opslint] eee`)).toBe(true);
    expect(merged.endsWith('… [/opslint]')).toBe(true);
    const full = 'r'.repeat(CHOICE_NOTE_LIMIT);
    expect(mergeNote(full, 'evidence', CHOICE_NOTE_LIMIT)).toBe(full);
  });
});
