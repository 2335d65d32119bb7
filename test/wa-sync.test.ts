/**
 * `opslint wa sync` end to end: the command line, a scan, and the real SDK against the local Well-Architected
 * server (test/helpers/wa-server.ts): notes written within the limits, a second run writes nothing, reviewers'
 * notes kept, choices selected only when asked, a milestone, a dry run that writes nothing, and failures as one line.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { bestPractice } from '../lib/framework';
import { runCli } from '../scripts/support/cli';
import { isolateAwsEnvironment } from './helpers/deployed';
import { opsQuestions, startWaServer, WORKLOAD_ID, type WaServer, type WaServerOptions } from './helpers/wa-server';
import { workspace } from './helpers/workspace';

const aws = isolateAwsEnvironment();

/** A template of `n` Lambda functions without tracing, and one traced. */
function functions(n: number): string {
  const fn = (id: string, traced: boolean): string =>
    `  ${id}:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs22.x\n      Handler: index.handler\n      Role: arn:aws:iam::111111111111:role/r\n      Code: { ZipFile: "exports.handler = async () => ({})" }\n${traced ? '      TracingConfig: { Mode: Active }\n' : ''}`;
  return `Resources:\n${Array.from({ length: n }, (_, i) => fn(`Fn${i}`, false)).join('')}${fn('Traced', true)}`;
}

let server: WaServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function sync(
  files: Record<string, string>,
  args: readonly string[] = [],
  options: WaServerOptions = {},
  dir = workspace(files),
): Promise<{ code: number; stdout: string; stderr: string; server: WaServer; dir: string }> {
  server ??= await startWaServer({ pageSize: 4, ...options });
  const result = await runCli(
    ['wa', 'sync', '.', '--no-config', '--region', 'eu-west-1', '--endpoint-url', server.url, ...args],
    { cwd: dir },
  );
  return { ...result, server, dir };
}

const updates = (s: WaServer): number => s.calls.filter((c) => c.action === 'UpdateAnswer').length;
const TRACING_QUESTION = 'implement_observability';
// the server's choice ids are the best practices' page slugs
const slug = (id: string): string => bestPractice(id)!.slug;
/** The server's id of the question that holds a best practice. */
const questionOf = (id: string): string =>
  opsQuestions().find((q) => q.choices.some((c) => c.choiceId === slug(id)))!.questionId;

describe('opslint wa sync', () => {
  it('writes the evidence of every question once, then nothing when the scan is the same', async () => {
    const first = await sync({ 'app.yaml': functions(2) }, ['--workload-id', WORKLOAD_ID]);
    expect(first.stderr).toBe(`opslint: workload ${WORKLOAD_ID}: 11 of 11 questions updated\n`);
    expect(first.code).toBe(0);
    expect(updates(first.server)).toBe(11);
    const answer = first.server.answer(WORKLOAD_ID, TRACING_QUESTION)!;
    expect(answer.notes).toMatch(/^\[opslint\]\nOPS04-BP01 /);
    expect(answer.notes).toContain('OPS04-BP05 Implement distributed tracing: 1 of 3 resources passed, 2 failed.');
    expect(Object.values(answer.choices).map((c) => c.notes)).toContain(
      '[opslint] 1 of 3 resources passed, 2 failed. Fn0 (app.yaml:4) lambda-tracing; Fn1 (app.yaml:11) lambda-tracing. [/opslint]',
    );
    expect(answer.selectedChoices).toEqual([]);

    const again = await sync({}, ['--workload-id', WORKLOAD_ID], {}, first.dir);
    expect(again.stderr).toBe(`opslint: workload ${WORKLOAD_ID}: 0 of 11 questions updated\n`);
    expect(updates(again.server)).toBe(11);
  });

  it('keeps what reviewers wrote, and replaces only its own part', async () => {
    server = await startWaServer({ pageSize: 4 });
    server.seedAnswer(WORKLOAD_ID, TRACING_QUESTION, { notes: 'Tracing reviewed with the payments team.' });
    const { server: s } = await sync({ 'app.yaml': functions(1) }, ['--workload-id', WORKLOAD_ID]);
    const notes = s.answer(WORKLOAD_ID, TRACING_QUESTION)!.notes!;
    expect(notes.startsWith('Tracing reviewed with the payments team.\n[opslint]\n')).toBe(true);
    expect(notes.endsWith('\n[/opslint]')).toBe(true);
  });

  it('keeps notes within the limits for hundreds of findings (the server refuses longer ones)', async () => {
    const { code, stderr, server: s } = await sync({ 'app.yaml': functions(300) }, ['--workload', 'orders']);
    expect(stderr).toBe(`opslint: workload orders (${WORKLOAD_ID}): 11 of 11 questions updated\n`);
    expect(code).toBe(0);
    expect(s.answer(WORKLOAD_ID, TRACING_QUESTION)!.notes).toMatch(/\n- and \d+ more\n/);
  });

  it('selects passing choices with --select-passing only, and records a milestone', async () => {
    const { server: s, dir } = await sync({ 'app.yaml': functions(1) }, [
      '--workload-id',
      WORKLOAD_ID,
      '--select-passing',
      '--milestone',
      'v1.2.0',
    ]);
    const selected = s.answer(WORKLOAD_ID, TRACING_QUESTION)!.selectedChoices;
    // patching: both functions run a supported runtime
    expect(s.answer(WORKLOAD_ID, questionOf('OPS05-BP05'))!.selectedChoices).toContain(slug('OPS05-BP05'));
    // user experience telemetry: no entry point for a canary to watch, so nothing passed: not selected
    expect(selected).not.toContain(slug('OPS04-BP03'));
    // tracing failed on one function: never selected
    expect(selected).not.toContain(slug('OPS04-BP05'));
    expect(s.milestones).toEqual([expect.objectContaining({ workloadId: WORKLOAD_ID, name: 'v1.2.0' })]);
    // the release job run again: nothing to write, the milestone is there already
    const again = await sync({}, ['--workload-id', WORKLOAD_ID, '--select-passing', '--milestone', 'v1.2.0'], {}, dir);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe(
      `opslint: workload ${WORKLOAD_ID}: 0 of 11 questions updated\nopslint: milestone v1.2.0 exists already; this run changed nothing in the review\n`,
    );
    expect(s.milestones).toHaveLength(1);
  });

  it('warns that a milestone of the same name does not include an update written since; exits with 0, the answers written', async () => {
    const first = await sync({ 'app.yaml': functions(1) }, ['--workload-id', WORKLOAD_ID, '--milestone', 'v2']);
    expect(first.stderr).toBe(`opslint: workload ${WORKLOAD_ID}: 11 of 11 questions updated, milestone v2 recorded\n`);
    writeFileSync(path.join(first.dir, 'app.yaml'), functions(2));
    const again = await sync({}, ['--workload-id', WORKLOAD_ID, '--milestone', 'v2'], {}, first.dir);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe(
      `opslint: workload ${WORKLOAD_ID}: 3 of 11 questions updated\nopslint: warning: milestone v2 exists already and does not include this update; record a milestone of another name to keep it\n`,
    );
    expect(again.server.milestones).toHaveLength(1);
  });

  it('says on a dry run which milestone it would record', async () => {
    const text = await sync({ 'app.yaml': functions(1) }, [
      '--workload-id',
      WORKLOAD_ID,
      '--dry-run',
      '--milestone',
      'v3',
    ]);
    expect(text.stdout.split('\n').slice(0, 2)).toEqual([
      `workload ${WORKLOAD_ID}: 11 of 11 questions would be updated (dry run)`,
      'then milestone v3 would be recorded, unless the workload has one of that name already',
    ]);
    const json = await sync(
      {},
      ['--workload-id', WORKLOAD_ID, '--dry-run', '-f', 'json', '--milestone', 'v3'],
      {},
      text.dir,
    );
    expect(JSON.parse(json.stdout)).toMatchObject({ dryRun: true, milestone: 'v3' });
    expect(json.server.milestones).toEqual([]);
  });

  it('warns of each selected choice whose checks now fail, and leaves it selected', async () => {
    server = await startWaServer({ pageSize: 4 });
    server.seedAnswer(WORKLOAD_ID, TRACING_QUESTION, { selectedChoices: [slug('OPS04-BP05')] });
    const { code, stderr, server: s } = await sync({ 'app.yaml': functions(2) }, ['--workload-id', WORKLOAD_ID]);
    expect(code).toBe(0);
    expect(stderr).toBe(
      `opslint: warning: OPS04 ${TRACING_QUESTION}: "Implement distributed tracing" is selected, but 2 resources failed its checks (opslint unselects nothing)\nopslint: workload ${WORKLOAD_ID}: 11 of 11 questions updated\n`,
    );
    expect(s.answer(WORKLOAD_ID, TRACING_QUESTION)!.selectedChoices).toEqual([slug('OPS04-BP05')]);
  });

  it('a failure partway names the question, how many were written before it, and that running again is safe', async () => {
    const first = await sync({ 'app.yaml': functions(1) }, ['--workload-id', WORKLOAD_ID], {
      reject: { action: 'UpdateAnswer', after: 7 },
    });
    expect(first.code).toBe(2);
    const eighth = first.server.calls.filter((c) => c.action === 'UpdateAnswer')[7];
    const question = opsQuestions().findIndex((q) => q.questionId === eighth.questionId) + 1;
    expect(first.stderr).toBe(
      `opslint: Well-Architected UpdateAnswer for workload ${WORKLOAD_ID}: wellarchitected:UpdateAnswer failed: ValidationException: The request was rejected; OPS${String(question).padStart(2, '0')} (${eighth.questionId}) not updated, 7 of 11 questions updated before it; running again is safe: it writes only what differs\n`,
    );
    expect(first.server.calls.filter((c) => c.action === 'UpdateAnswer' && c.status === 200)).toHaveLength(7);
  });

  /** A sync with --select-passing of a review where a reviewer answered part of the patching question. */
  async function selectPassingWith(seed: Parameters<WaServer['seedAnswer']>[2]) {
    server = await startWaServer({ pageSize: 4 });
    server.seedAnswer(WORKLOAD_ID, questionOf('OPS05-BP05'), seed);
    const { code } = await sync({ 'app.yaml': functions(1) }, ['--workload-id', WORKLOAD_ID, '--select-passing']);
    expect(code).toBe(0);
    return server.answer(WORKLOAD_ID, questionOf('OPS05-BP05'))!;
  }

  it('with --select-passing, never selects a choice a reviewer marked not applicable, and keeps its reason', async () => {
    const answer = await selectPassingWith({
      choices: { [slug('OPS05-BP05')]: { status: 'NOT_APPLICABLE', reason: 'ARCHITECTURE_CONSTRAINTS' } },
    });
    expect(answer.selectedChoices).not.toContain(slug('OPS05-BP05'));
    expect(answer.choices[slug('OPS05-BP05')]).toEqual({
      status: 'NOT_APPLICABLE',
      reason: 'ARCHITECTURE_CONSTRAINTS',
      notes: expect.stringMatching(/^\[opslint\] 2 of 2 resources passed/),
    });
  });

  it('with --select-passing, changes no selection of a question marked not applicable, but writes its notes', async () => {
    const answer = await selectPassingWith({ isApplicable: false });
    expect(answer.selectedChoices).toEqual([]);
    expect(answer.isApplicable).toBe(false);
    expect(answer.notes).toContain('OPS05-BP05');
  });

  it('does not select a best practice that applies to nothing in the scan: an app whose alarms notify nobody has no escalation or customer communication to check', async () => {
    const { code, server: s } = await sync({ 'app.yaml': functions(1) }, [
      '--workload-id',
      WORKLOAD_ID,
      '--select-passing',
    ]);
    expect(code).toBe(0);
    for (const id of ['OPS10-BP04', 'OPS10-BP05']) {
      const answer = s.answer(WORKLOAD_ID, questionOf(id))!;
      expect(answer.selectedChoices).not.toContain(slug(id));
      expect(answer.choices[slug(id)].notes).toBe(
        '[opslint] nothing to check (1 rule found nothing the practice applies to). [/opslint]',
      );
    }
  });

  it('writes nothing on a dry run, and prints each question with its choices and notes', async () => {
    const {
      code,
      stdout,
      server: s,
    } = await sync({ 'app.yaml': functions(1) }, ['--workload-id', WORKLOAD_ID, '--dry-run', '-f', 'json']);
    expect(code).toBe(0);
    expect(updates(s)).toBe(0);
    const plan = JSON.parse(stdout) as {
      updates: {
        question: string;
        questionId: string;
        notes?: string;
        choices: { bestPractice: string; notes?: string }[];
      }[];
    };
    expect(plan.updates).toHaveLength(11);
    const ops04 = plan.updates.find((u) => u.question === 'OPS04')!;
    expect(ops04.questionId).toBe(TRACING_QUESTION);
    expect(ops04.choices.find((c) => c.bestPractice === 'OPS04-BP05')!.notes).toContain('1 failed');
  });

  it('says which best practices the review does not list, and writes nothing', async () => {
    const questions = opsQuestions().map((q) => ({
      ...q,
      choices: q.choices.filter((c) => c.title !== 'Implement distributed tracing'),
    }));
    const {
      code,
      stderr,
      server: s,
    } = await sync({ 'app.yaml': functions(1) }, ['--workload-id', WORKLOAD_ID], { questions });
    expect(code).toBe(2);
    expect(stderr).toBe(
      `opslint: workload ${WORKLOAD_ID}: the review's Operational Excellence questions do not list OPS04-BP05 "Implement distributed tracing": is the workload's wellarchitected lens up to date?\n`,
    );
    expect(updates(s)).toBe(0);
  });

  it('reports access denied as one line naming the workload and the call', async () => {
    const { code, stderr } = await sync({ 'app.yaml': functions(1) }, ['--workload-id', WORKLOAD_ID], {
      deny: ['UpdateAnswer'],
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(
      new RegExp(`^opslint: Well-Architected UpdateAnswer for workload ${WORKLOAD_ID}: access denied`),
    );
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses to write the evidence of a scan that could not read all its inputs', async () => {
    const {
      code,
      stderr,
      server: s,
    } = await sync({ 'app.yaml': functions(1), 'broken.json': '{ "Resources": ' }, ['--workload-id', WORKLOAD_ID]);
    expect(code).toBe(2);
    expect(stderr).toContain('opslint: 1 input(s) could not be read: nothing written to the review');
    expect(s.calls).toEqual([]);
  });

  it('takes the credentials of --profile over access keys in the environment, with no warning of the SDK', async () => {
    // the environment has access keys (isolateAwsEnvironment), and so has the profile
    writeFileSync(
      path.join(aws.dir, 'credentials'),
      '[dev]\naws_access_key_id = AKIAOPSLINTPROFILE01\naws_secret_access_key = profile-secret\n',
    );
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const {
        code,
        stderr,
        server: s,
      } = await sync({ 'app.yaml': functions(1) }, ['--workload-id', WORKLOAD_ID, '--profile', 'dev']);
      expect(code).toBe(0);
      expect(stderr).toBe(`opslint: workload ${WORKLOAD_ID}: 11 of 11 questions updated\n`);
      expect(new Set(s.calls.map((c) => c.accessKey))).toEqual(new Set(['AKIAOPSLINTPROFILE01']));
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('a profile that has no credentials is an error naming it, not the next source of the default chain', async () => {
    const {
      code,
      stderr,
      server: s,
    } = await sync({ 'app.yaml': functions(1) }, ['--workload-id', WORKLOAD_ID, '--profile', 'nosuch']);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      new RegExp(
        `^opslint: Well-Architected ListAnswers for workload ${WORKLOAD_ID}: no AWS credentials for profile nosuch \\(.*nosuch.*\\); configure the profile \\(aws configure --profile nosuch, aws sso login --profile nosuch\\)\n$`,
      ),
    );
    expect(s.calls).toEqual([]);
  });

  it('names the workload by its name too, when given by name', async () => {
    const { stderr } = await sync({ 'app.yaml': functions(1) }, ['--workload', 'orders']);
    expect(stderr).toBe(`opslint: workload orders (${WORKLOAD_ID}): 11 of 11 questions updated\n`);
  });

  it.each([
    [['--workload-id', WORKLOAD_ID, '--workload', 'orders'], 'give only one of --workload-id and --workload'],
    [
      ['--workload-id', WORKLOAD_ID, '--endpoint-url', 'not-a-url'],
      '--endpoint-url must be an http:// or https:// URL, not "not-a-url"',
    ],
    [
      ['--workload-id', WORKLOAD_ID, '--report-url', 'not a url'],
      '--report-url must be an http:// or https:// URL, not "not a url"',
    ],
    [['--workload-id', WORKLOAD_ID, '--milestone', ''], '--milestone needs a name'],
  ])('refuses %j before any scan or call: %s', async (args, message) => {
    const { code, stderr } = await runCli(['wa', 'sync', '.', '--no-config', '--region', 'eu-west-1', ...args], {
      cwd: workspace({ 'app.yaml': functions(1) }),
    });
    expect(stderr).toBe(`opslint: ${message}\n`);
    expect(code).toBe(2);
  });

  it('needs the workload named one way', async () => {
    const { code, stderr } = await sync({ 'app.yaml': functions(1) });
    expect(code).toBe(2);
    expect(stderr).toBe('opslint: name the workload to update: --workload-id ID or --workload NAME\n');
  });
});
