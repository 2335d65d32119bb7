/**
 * lib/wa/client.ts: the real @aws-sdk/client-wellarchitected against the local stand-in of
 * test/helpers/wa-server.ts on 127.0.0.1: workload lookup, every page of ListAnswers, notes read and written
 * without touching the selection, milestones, and failures as one line naming the workload and the call.
 */
import * as net from 'node:net';
import { InputError } from '../lib/errors';
import { openWa, type WaSession } from '../lib/wa/client';
import { isolateAwsEnvironment, TEST_ACCESS_KEY } from './helpers/deployed';
import { opsQuestions, startWaServer, WORKLOAD_ID, type WaServer, type WaServerOptions } from './helpers/wa-server';

const REGION = 'eu-west-1';
const QUESTION = 'design_for_operations';
const [VERSION_CONTROL, TEST_CHANGES, CONFIG_MGMT] = [
  'ops_dev_integ_version_control',
  'ops_dev_integ_test_val_chg',
  'ops_dev_integ_conf_mgmt_sys',
];

isolateAwsEnvironment();

let server: WaServer | undefined;
async function open(options: WaServerOptions = {}): Promise<{ server: WaServer; wa: WaSession }> {
  server = await startWaServer(options);
  return { server, wa: openWa({ region: REGION, endpointUrl: server.url }) };
}

/** Where the SDK connected to, over all the tests of this file. */
const hosts = new Set<string>();
beforeAll(() => {
  const connect = net.Socket.prototype.connect;
  jest.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (this: net.Socket, ...args: unknown[]) {
    // (options), (port, host), or as http calls it, ([options, callback])
    const [first, second] = (Array.isArray(args[0]) ? args[0] : args) as [unknown, unknown];
    const options = first as { host?: string; path?: string };
    hosts.add(
      typeof first === 'object' ? (options.host ?? options.path ?? 'localhost') : String(second ?? 'localhost'),
    );
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  });
});

afterEach(async () => {
  await server?.close();
  server = undefined;
});

afterAll(() => {
  expect([...hosts]).toEqual(['127.0.0.1']);
});

/** The one line a failed call shows. */
async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  const line = (error as InputError).format();
  expect(line).not.toContain('\n');
  return line;
}

describe('findWorkload', () => {
  const workloads = [
    { id: 'w-orders', name: 'orders' },
    { id: 'w-orders-dev', name: 'orders-dev' },
    { id: 'w-orders-caps', name: 'Orders' },
    { id: 'w-billing', name: 'billing' },
    { id: 'w-billing-2', name: 'billing' },
  ];

  it('finds the one workload of that exact name, through every page, asking by prefix', async () => {
    // the first client of this file: the SDK would warn about the Node.js version with it, once per process
    const warnings = jest.spyOn(process, 'emitWarning');
    const { server, wa } = await open({ workloads, pageSize: 1 });
    expect(await wa.findWorkload('orders')).toBe('w-orders');
    expect(warnings.mock.calls.filter(([w]) => String(w).includes('NodeVersionSupportWarning'))).toEqual([]);
    warnings.mockRestore();
    const lists = server.calls.filter((c) => c.action === 'ListWorkloads');
    // orders, orders-dev and Orders start with the prefix, one a page
    expect(lists.map((c) => [c.body.WorkloadNamePrefix, c.body.NextToken !== undefined, c.status])).toEqual([
      ['orders', false, 200],
      ['orders', true, 200],
      ['orders', true, 200],
    ]);
    expect(server.calls.every((c) => c.accessKey === TEST_ACCESS_KEY && c.region === REGION)).toBe(true);
  });

  it('none of that name: one line naming the workload and the call', async () => {
    const { wa } = await open({ workloads });
    expect(await failure(wa.findWorkload('order'))).toBe(
      'Well-Architected ListWorkloads for workload "order": no workload has this name in the region; check --region',
    );
  });

  it('several of that name: one line listing their ids', async () => {
    const { wa } = await open({ workloads });
    expect(await failure(wa.findWorkload('billing'))).toBe(
      'Well-Architected ListWorkloads for workload "billing": 2 workloads have this name (w-billing, w-billing-2); name one by its id',
    );
  });
});

describe('listOpsAnswers', () => {
  it('every page of the Operational Excellence questions of the wellarchitected lens, in order', async () => {
    const { server, wa } = await open({ pageSize: 4 });
    server.seedAnswer(WORKLOAD_ID, QUESTION, { selectedChoices: [VERSION_CONTROL] });
    const questions = await wa.listOpsAnswers(WORKLOAD_ID);
    expect(questions.map((q) => q.questionId)).toEqual(opsQuestions().map((q) => q.questionId));
    expect(questions[0]).toEqual({
      questionId: 'organization_priorities',
      title: 'How do you determine what your priorities are?',
      choices: [
        { choiceId: 'ops_priorities_ext_cust_needs', title: 'Evaluate external customer needs' },
        { choiceId: 'ops_priorities_int_cust_needs', title: 'Evaluate internal customer needs' },
        { choiceId: 'ops_priorities_governance_reqs', title: 'Evaluate governance requirements' },
        { choiceId: 'ops_priorities_compliance_reqs', title: 'Evaluate compliance requirements' },
        { choiceId: 'ops_priorities_eval_threat_landscape', title: 'Evaluate threat landscape' },
        { choiceId: 'ops_priorities_eval_tradeoffs', title: 'Evaluate tradeoffs while managing benefits and risks' },
        { choiceId: 'ops_priorities_no', title: 'None of these' },
      ],
      selectedChoices: [],
      isApplicable: true,
    });
    expect(questions.find((q) => q.questionId === QUESTION)?.selectedChoices).toEqual([VERSION_CONTROL]);
    // 11 questions, 4 a page
    expect(
      server.calls.map((c) => [c.action, c.workloadId, c.lensAlias, c.query.PillarId, c.query.NextToken !== undefined]),
    ).toEqual([
      ['ListAnswers', WORKLOAD_ID, 'wellarchitected', 'operationalExcellence', false],
      ['ListAnswers', WORKLOAD_ID, 'wellarchitected', 'operationalExcellence', true],
      ['ListAnswers', WORKLOAD_ID, 'wellarchitected', 'operationalExcellence', true],
    ]);
  });

  it('refuses a NextToken given before: one line, after the pages read', async () => {
    // the first page and the second, which hands out its own token again
    const { server, wa } = await open({ pageSize: 2, repeatToken: 'ListAnswers' });
    expect(await failure(wa.listOpsAnswers(WORKLOAD_ID))).toBe(
      `Well-Architected ListAnswers for workload ${WORKLOAD_ID}: Well-Architected at ${server.url} answered ListAnswers with a NextToken it had given before: its pages would never end`,
    );
    expect(server.calls).toHaveLength(2);
  });

  it('an unknown workload: not found, naming it', async () => {
    const { wa } = await open();
    expect(await failure(wa.listOpsAnswers('w-gone'))).toBe(
      'Well-Architected ListAnswers for workload w-gone: not found (No workload found with id w-gone)',
    );
  });
});

describe('getAnswer', () => {
  it('the notes of the question and of its choices, and the selection', async () => {
    const { wa, server } = await open();
    server.seedAnswer(WORKLOAD_ID, QUESTION, {
      notes: 'Reviewed with the team.',
      selectedChoices: [VERSION_CONTROL],
      choices: { [TEST_CHANGES]: { notes: 'Tests run in the pipeline.' } },
    });
    expect(await wa.getAnswer(WORKLOAD_ID, QUESTION)).toEqual({
      notes: 'Reviewed with the team.',
      choiceNotes: { [TEST_CHANGES]: 'Tests run in the pipeline.' },
      selectedChoices: [VERSION_CONTROL],
      notApplicableChoices: [],
      isApplicable: true,
    });
    expect(server.calls.map((c) => [c.action, c.workloadId, c.lensAlias, c.questionId])).toEqual([
      ['GetAnswer', WORKLOAD_ID, 'wellarchitected', QUESTION],
    ]);
  });

  it('an answer with no notes', async () => {
    const { wa } = await open();
    expect(await wa.getAnswer(WORKLOAD_ID, QUESTION)).toEqual({
      notes: '',
      choiceNotes: {},
      selectedChoices: [],
      notApplicableChoices: [],
      isApplicable: true,
    });
  });

  it('the choices and the question a reviewer marked not applicable', async () => {
    const { wa, server } = await open();
    server.seedAnswer(WORKLOAD_ID, QUESTION, {
      isApplicable: false,
      choices: { [CONFIG_MGMT]: { status: 'NOT_APPLICABLE', reason: 'OUT_OF_SCOPE' } },
    });
    expect(await wa.getAnswer(WORKLOAD_ID, QUESTION)).toMatchObject({
      notApplicableChoices: [CONFIG_MGMT],
      isApplicable: false,
    });
  });
});

describe('updateAnswer', () => {
  const seeded = async (): Promise<{ server: WaServer; wa: WaSession }> => {
    const opened = await open();
    opened.server.seedAnswer(WORKLOAD_ID, QUESTION, {
      notes: 'old',
      selectedChoices: [VERSION_CONTROL],
      choices: { [CONFIG_MGMT]: { status: 'NOT_APPLICABLE', reason: 'OUT_OF_SCOPE' } },
    });
    return opened;
  };
  const updates = (server: WaServer) => server.calls.filter((c) => c.action === 'UpdateAnswer').map((c) => c.body);

  it('notes of choices carry each status as it is: the selection is unchanged', async () => {
    const { server, wa } = await seeded();
    await wa.updateAnswer(WORKLOAD_ID, QUESTION, {
      notes: 'new',
      choiceNotes: { [VERSION_CONTROL]: 'a', [TEST_CHANGES]: 'b', [CONFIG_MGMT]: 'c' },
    });
    // the statuses as they were, read first
    expect(server.calls.map((c) => c.action)).toEqual(['GetAnswer', 'UpdateAnswer']);
    expect(updates(server)).toEqual([
      {
        Notes: 'new',
        ChoiceUpdates: {
          [VERSION_CONTROL]: { Status: 'SELECTED', Notes: 'a' },
          [TEST_CHANGES]: { Status: 'UNSELECTED', Notes: 'b' },
          [CONFIG_MGMT]: { Status: 'NOT_APPLICABLE', Reason: 'OUT_OF_SCOPE', Notes: 'c' },
        },
      },
    ]);
    expect(server.answer(WORKLOAD_ID, QUESTION)).toEqual({
      notes: 'new',
      selectedChoices: [VERSION_CONTROL],
      choices: {
        [VERSION_CONTROL]: { notes: 'a' },
        [TEST_CHANGES]: { notes: 'b' },
        [CONFIG_MGMT]: { status: 'NOT_APPLICABLE', reason: 'OUT_OF_SCOPE', notes: 'c' },
      },
      isApplicable: true,
    });
  });

  it('after getAnswer, and after its own update, it reads the statuses from what it was answered', async () => {
    const { server, wa } = await seeded();
    await wa.getAnswer(WORKLOAD_ID, QUESTION);
    await wa.updateAnswer(WORKLOAD_ID, QUESTION, { choiceNotes: { [VERSION_CONTROL]: 'a' } });
    await wa.updateAnswer(WORKLOAD_ID, QUESTION, { choiceNotes: { [VERSION_CONTROL]: 'b' } });
    expect(server.calls.map((c) => c.action)).toEqual(['GetAnswer', 'UpdateAnswer', 'UpdateAnswer']);
    expect(updates(server)).toEqual([
      { ChoiceUpdates: { [VERSION_CONTROL]: { Status: 'SELECTED', Notes: 'a' } } },
      { ChoiceUpdates: { [VERSION_CONTROL]: { Status: 'SELECTED', Notes: 'b' } } },
    ]);
  });

  it('the notes of the question alone: nothing else is sent, nothing read', async () => {
    const { server, wa } = await seeded();
    await wa.updateAnswer(WORKLOAD_ID, QUESTION, { notes: 'only this' });
    expect(server.calls.map((c) => [c.action, c.body])).toEqual([['UpdateAnswer', { Notes: 'only this' }]]);
    expect(server.answer(WORKLOAD_ID, QUESTION)?.selectedChoices).toEqual([VERSION_CONTROL]);
  });

  it('nothing to write: no call', async () => {
    const { server, wa } = await seeded();
    await wa.updateAnswer(WORKLOAD_ID, QUESTION, { choiceNotes: {} });
    expect(server.calls).toEqual([]);
  });

  it('a selection given replaces the selection, and the statuses sent agree with it', async () => {
    const { server, wa } = await seeded();
    await wa.updateAnswer(WORKLOAD_ID, QUESTION, {
      selectedChoices: [TEST_CHANGES],
      choiceNotes: { [VERSION_CONTROL]: 'a', [TEST_CHANGES]: 'b', [CONFIG_MGMT]: 'c' },
    });
    expect(updates(server)).toEqual([
      {
        SelectedChoices: [TEST_CHANGES],
        ChoiceUpdates: {
          [VERSION_CONTROL]: { Status: 'UNSELECTED', Notes: 'a' },
          [TEST_CHANGES]: { Status: 'SELECTED', Notes: 'b' },
          [CONFIG_MGMT]: { Status: 'NOT_APPLICABLE', Reason: 'OUT_OF_SCOPE', Notes: 'c' },
        },
      },
    ]);
    expect(server.answer(WORKLOAD_ID, QUESTION)?.selectedChoices).toEqual([TEST_CHANGES]);
  });

  it('a selection never makes a choice marked not applicable selected: its status and reason are restated', async () => {
    const { server, wa } = await seeded();
    await wa.updateAnswer(WORKLOAD_ID, QUESTION, { selectedChoices: [VERSION_CONTROL, CONFIG_MGMT, TEST_CHANGES] });
    expect(updates(server)).toEqual([
      {
        SelectedChoices: [VERSION_CONTROL, TEST_CHANGES],
        ChoiceUpdates: { [CONFIG_MGMT]: { Status: 'NOT_APPLICABLE', Reason: 'OUT_OF_SCOPE' } },
      },
    ]);
    expect(server.answer(WORKLOAD_ID, QUESTION)?.choices[CONFIG_MGMT]).toEqual({
      status: 'NOT_APPLICABLE',
      reason: 'OUT_OF_SCOPE',
    });
  });

  it('what the service refuses is one line naming the workload and the call', async () => {
    const { wa } = await seeded();
    expect(await failure(wa.updateAnswer(WORKLOAD_ID, QUESTION, { choiceNotes: { ops_gone: 'x' } }))).toBe(
      `Well-Architected UpdateAnswer for workload ${WORKLOAD_ID}: wellarchitected:UpdateAnswer failed: ValidationException: Invalid choice id ops_gone`,
    );
  });
});

describe('createMilestone', () => {
  it('records a milestone of that name, with a request token', async () => {
    const { server, wa } = await open();
    await wa.createMilestone(WORKLOAD_ID, 'v1.4.0');
    expect(server.milestones).toEqual([
      expect.objectContaining({ workloadId: WORKLOAD_ID, name: 'v1.4.0', number: 1 }),
    ]);
    expect(server.calls[0].body).toEqual({ MilestoneName: 'v1.4.0', ClientRequestToken: expect.any(String) });
  });

  it('a name taken: recorded already, not an error', async () => {
    const { server, wa } = await open();
    expect(await wa.createMilestone(WORKLOAD_ID, 'v1.4.0')).toBe('created');
    // a release job run again: the milestone is there, not an error
    expect(await wa.createMilestone(WORKLOAD_ID, 'v1.4.0')).toBe('exists');
    expect(server.milestones.map((m) => m.name)).toEqual(['v1.4.0']);
  });
});

describe('throttling and access denied', () => {
  it('a throttled call is retried by the SDK, then succeeds', async () => {
    const { server, wa } = await open({ throttle: { times: 2, action: 'ListAnswers' } });
    expect(await wa.listOpsAnswers(WORKLOAD_ID)).toHaveLength(11);
    expect(server.calls.map((c) => [c.action, c.status])).toEqual([
      ['ListAnswers', 429],
      ['ListAnswers', 429],
      ['ListAnswers', 200],
    ]);
  });

  it('throttled past the retries: one line naming the workload and the call, with the attempts', async () => {
    const { server, wa } = await open({ throttle: { times: 100, action: 'UpdateAnswer' } });
    expect(await failure(wa.updateAnswer(WORKLOAD_ID, QUESTION, { notes: 'x' }))).toBe(
      `Well-Architected UpdateAnswer for workload ${WORKLOAD_ID}: wellarchitected:UpdateAnswer was throttled (ThrottlingException: Rate exceeded) and failed after 3 attempts; run again later, or allow more attempts with AWS_MAX_ATTEMPTS`,
    );
    expect(server.calls).toHaveLength(3);
  });

  it('access denied: one line naming the workload, the call and the permission', async () => {
    const { server, wa } = await open({ deny: ['GetAnswer'] });
    expect(await failure(wa.getAnswer(WORKLOAD_ID, QUESTION))).toBe(
      `Well-Architected GetAnswer for workload ${WORKLOAD_ID}: access denied: wellarchitected:GetAnswer is not allowed (User: arn:aws:iam::123456789012:user/ci is not authorized to perform: wellarchitected:GetAnswer)`,
    );
    expect(server.calls).toHaveLength(1);
  });

  it('a password in the endpoint is not shown', async () => {
    server = await startWaServer({ repeatToken: 'ListAnswers' });
    const wa = openWa({ region: REGION, endpointUrl: server.url.replace('http://', 'http://ci:S3cret@') });
    const line = await failure(wa.listOpsAnswers(WORKLOAD_ID));
    expect(line).toContain(`Well-Architected at ${server.url.replace('http://', 'http://***@')} answered`);
    expect(line).not.toContain('S3cret');
  });

  it('no region: one line saying how to give one', async () => {
    server = await startWaServer();
    const wa = openWa({ endpointUrl: server.url });
    expect(await failure(wa.listOpsAnswers(WORKLOAD_ID))).toBe(
      `Well-Architected ListAnswers for workload ${WORKLOAD_ID}: no AWS region: pass --region, set AWS_REGION, or set a region in the AWS profile`,
    );
    expect(server.calls).toEqual([]);
  });
});

describe('timeouts', () => {
  it('a call not answered in time is retried, then reported with its limit', async () => {
    server = await startWaServer({ stall: 'GetAnswer' });
    const wa = openWa({ region: REGION, endpointUrl: server.url, requestTimeoutMs: 200 });
    expect(await failure(wa.getAnswer(WORKLOAD_ID, QUESTION))).toBe(
      `Well-Architected GetAnswer for workload ${WORKLOAD_ID}: Well-Architected at ${server.url} did not answer GetAnswer within 200 ms (3 attempts; limit: --request-timeout)`,
    );
  });

  it('the deadline of the session stops a call under way, and every call after it', async () => {
    server = await startWaServer({ stall: 'ListAnswers' });
    const wa = openWa({ region: REGION, endpointUrl: server.url, fetchTimeoutMs: 300 });
    const stopped = (call: string): string =>
      `Well-Architected ${call} for workload ${WORKLOAD_ID}: stopped: the calls to Well-Architected at ${server!.url} took more than 300 ms (limit: --fetch-timeout)`;
    expect(await failure(wa.listOpsAnswers(WORKLOAD_ID))).toBe(stopped('ListAnswers'));
    expect(await failure(wa.createMilestone(WORKLOAD_ID, 'v1'))).toBe(stopped('CreateMilestone'));
    expect(server.milestones).toEqual([]);
  });
});
