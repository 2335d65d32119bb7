/**
 * opslint as a CloudFormation Lambda Hook, invoked in-process with requests shaped as the Hooks User Guide
 * documents them: a stack or change-set request names a presigned URL of a JSON object holding the template,
 * which a local HTTP server on 127.0.0.1 serves here; a resource request carries one resource's properties.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Pack } from '../lib/engine/rule';
import { createHandler, hookHandler, type HookHandler, type HookSettings } from '../lib/hook/handler';
import { MESSAGE_LIMIT, type HookResponse } from '../lib/hook/request';
import { BUILTIN_PACKS } from '../lib/compose';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const fixture = (rel: string): string => readFileSync(path.join(FIXTURES, rel), 'utf8');
/** only needs-context reminders (info) from the whole catalogue */
const PASSING = fixture('alarms/alarm-actions/pass-with-actions.yaml');
/** two alarm-actions errors (IngestErrorsAlarm, IngestThrottlesAlarm), warnings and reminders */
const FAILING = fixture('alarms/alarm-actions/fail-no-actions.yaml');

const STACK_ARN = 'arn:aws:cloudformation:us-west-2:123456789012:stack/orders/1a2345b6-0000-00a0-a123-00abc0abc000';
const CHANGE_SET_ARN =
  'arn:aws:cloudformation:us-west-2:123456789012:changeSet/SampleChangeSet/1a2345b6-0000-00a0-a123-00abc0abc000';

/** What the server answers at each path: a payload object (as JSON), or a status and body. */
const served = new Map<string, unknown | { status: number; body: string }>();
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const entry = served.get(req.url ?? '');
    if (entry === undefined) {
      res.writeHead(404).end();
    } else if (typeof entry === 'object' && entry !== null && 'status' in entry) {
      const { status, body } = entry as { status: number; body: string };
      res.writeHead(status).end(body);
    } else {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(entry));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let next = 0;
/** A URL serving `payload`, as the presigned S3 URL of a request. */
function serve(payload: unknown): string {
  const at = `/payload-${++next}?X-Amz-Signature=abc`;
  served.set(at, payload);
  return `${base}${at}`;
}

/** A stack request (its documented example, with the token spelled as in that example). */
function stackRequest(payloadUrl: string, point = 'UPDATE_PRE_PROVISION'): Record<string, unknown> {
  return {
    clientRequestToken: 'f8da6d11-b23f-48f4-814c-0fb6a667f50e',
    awsAccountId: '123456789012',
    stackId: STACK_ARN,
    changeSetId: null,
    hookTypeName: 'Private::Opslint::Hook',
    hookTypeVersion: '00000008',
    hookModel: { LambdaFunction: 'arn:aws:lambda:us-west-2:123456789012:function:opslint-hook' },
    actionInvocationPoint: point,
    requestData: { targetName: 'STACK', targetType: 'STACK', targetLogicalId: 'orders', payload: payloadUrl },
    requestContext: { invocation: 1, callbackContext: null },
  };
}

/** A change-set request: the change set's ARN is its logical id, the stack is named by its ARN. */
function changeSetRequest(payloadUrl: string): Record<string, unknown> {
  return {
    ...stackRequest(payloadUrl, 'CREATE_PRE_PROVISION'),
    // the shape of the change-set request spells the token this way
    clientRequestToken: undefined,
    clientRequesttoken: 'token-cs',
    changeSetId: CHANGE_SET_ARN,
    requestData: {
      targetName: 'CHANGE_SET',
      targetType: 'CHANGE_SET',
      targetLogicalId: CHANGE_SET_ARN,
      payload: payloadUrl,
    },
  };
}

/** What CloudFormation does with an answer: the hook's FailureMode, not the function, decides what FAILED does. */
function outcome(response: HookResponse, failureMode: 'FAIL' | 'WARN'): 'proceeds' | 'warns' | 'stops' {
  if (response.hookStatus === 'SUCCESS') return 'proceeds';
  return failureMode === 'FAIL' ? 'stops' : 'warns';
}

const handler = (settings: HookSettings = {}) => hookHandler([], settings);

describe('stack operations', () => {
  it('a compliant template: SUCCESS, with the reminders that need context counted but never failing', async () => {
    const response = await handler({ failOn: 'info' })(
      stackRequest(serve({ template: PASSING, previousTemplate: '' })),
    );
    expect(response).toMatchObject({
      hookStatus: 'SUCCESS',
      clientRequestToken: 'f8da6d11-b23f-48f4-814c-0fb6a667f50e',
    });
    expect(response.errorCode).toBeUndefined();
    expect(response.message).toMatch(
      /^opslint: no finding at or above info in stack orders \(\d+ resources checked\)\./,
    );
    expect(response.message).toMatch(/Not failing: \d+ needing context\.$/);
  });

  it('findings at or above failOn: FAILED NonCompliant, naming each, most severe first', async () => {
    const response = await handler({ failOn: 'warning' })(stackRequest(serve({ template: FAILING })));
    expect(response).toMatchObject({ hookStatus: 'FAILED', errorCode: 'NonCompliant' });
    const lines = response.message.split('\n');
    // the head tallies the rules; one finding of each rule comes before a second of any
    expect(lines[0]).toBe(
      'opslint: 4 findings at or above warning in stack orders: alarm-actions 2, lambda-log-group 1, lambda-runtime-supported 1.',
    );
    expect(lines[1]).toMatch(/^\[error\] alarm-actions IngestErrorsAlarm \(line 18\): /);
    expect(lines[2]).toMatch(/^\[warning\] lambda-log-group IngestFunction \(line \d+\): /);
    expect(lines[3]).toMatch(/^\[warning\] lambda-runtime-supported IngestFunction/);
    expect(lines[4]).toMatch(/^\[error\] alarm-actions IngestThrottlesAlarm \(line 46\): /);
    expect(lines[5]).toMatch(/^Not failing: 1 info, \d+ needing context\.$/);
  });

  it('below failOn, the same template succeeds; the findings below it are summed up', async () => {
    const response = await handler({ failOn: 'none' })(stackRequest(serve({ template: FAILING })));
    expect(response.hookStatus).toBe('SUCCESS');
    expect(response.message).toMatch(
      /^opslint: with failOn none nothing fails the operation \(stack orders, \d+ resources checked\)\.\n/,
    );
    expect(response.message).toMatch(/Not failing: 2 errors, 2 warnings, 1 info, \d+ needing context\.$/);
  });

  it('answers FAILED in either failure mode: FAIL stops the operation, WARN lets it go on with the message', async () => {
    const response = await handler()(stackRequest(serve({ template: FAILING })));
    expect(response.hookStatus).toBe('FAILED');
    expect(outcome(response, 'FAIL')).toBe('stops');
    expect(outcome(response, 'WARN')).toBe('warns');
    const passing = await handler()(stackRequest(serve({ template: PASSING })));
    expect(outcome(passing, 'FAIL')).toBe('proceeds');
  });

  it('honours suppressions in the template Metadata, and counts them', async () => {
    const suppressed = FAILING.replace(
      'Resources:',
      "Metadata:\n  opslint:\n    suppress:\n      - id: alarm-actions\n        reason: Paged through the team's own poller\nResources:",
    );
    const response = await handler()(stackRequest(serve({ template: suppressed })));
    expect(response.hookStatus).toBe('SUCCESS');
    expect(response.message).toMatch(/2 suppressed\.$/);
  });

  it('a JSON template as CloudFormation stores it (the documented payload example)', async () => {
    const template = JSON.stringify({
      Resources: { Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'Errors', Namespace: 'X' } } },
    });
    const response = await handler()(stackRequest(serve({ template, previousTemplate: '{}' })));
    expect(response).toMatchObject({ hookStatus: 'FAILED', errorCode: 'NonCompliant' });
    // a template on one line: the property, not line 1
    expect(response.message).toContain('[error] alarm-actions Alarm (Properties.AlarmActions): ');
  });

  it('a stack being deleted has nothing to check', async () => {
    const response = await handler()(
      stackRequest(serve({ template: '', previousTemplate: FAILING }), 'DELETE_PRE_PROVISION'),
    );
    expect(response).toMatchObject({
      hookStatus: 'SUCCESS',
      message: 'opslint: nothing to check, the stack is being deleted.',
    });
  });
});

describe('what the deployer reads', () => {
  /** An alarm without actions unless a topic parameter is given: its finding rests on the default. */
  const DEFAULTED = `Parameters:
  AlarmTopic: { Type: String, Default: '' }
Conditions:
  HasTopic: !Not [!Equals [!Ref AlarmTopic, '']]
Resources:
  Alarm:
    Type: AWS::CloudWatch::Alarm
    Metadata:
      aws:cdk:path: Orders/ErrorsAlarm/Resource
    Properties: { Namespace: AWS/Lambda, MetricName: Errors, Statistic: Sum, Period: 60, EvaluationPeriods: 1, Threshold: 1,
      ComparisonOperator: GreaterThanThreshold, AlarmActions: !If [HasTopic, [!Ref AlarmTopic], !Ref AWS::NoValue] }
`;

  it('a finding that rests on a parameter default never fails the operation: CloudFormation sends no parameter values', async () => {
    const response = await handler()(stackRequest(serve({ template: DEFAULTED })));
    expect(response.hookStatus).toBe('SUCCESS');
    expect(response.message).toMatch(
      /Not failing: [^\n]*1 resting on parameter defaults \(the hook is not sent parameter values\)/,
    );
    expect(response.message).not.toContain('-p AlarmTopic');
    // a value the configuration gives is known: the finding fails the operation again
    const given = await handler({ parameters: { AlarmTopic: '' } })(stackRequest(serve({ template: DEFAULTED })));
    expect(given).toMatchObject({ hookStatus: 'FAILED', errorCode: 'NonCompliant' });
  });

  it('names the CDK construct of a finding beside its logical id', async () => {
    const template = DEFAULTED.replace('!If [HasTopic, [!Ref AlarmTopic], !Ref AWS::NoValue]', '[]');
    const response = await handler()(stackRequest(serve({ template })));
    expect(response.message.split('\n')[1]).toMatch(
      /^\[error\] alarm-actions Alarm \(Orders\/ErrorsAlarm, line 11\): Alarm Alarm has no AlarmActions/,
    );
  });

  it('puts every rule in the first 1,024 characters (what the stack events keep), within 4,096 in all', async () => {
    const resources = Array.from(
      { length: 100 },
      (_, i) =>
        `  Fn${i}:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs22.x\n      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/r\n      Code: { ZipFile: x }\n  Queue${i}:\n    Type: AWS::SQS::Queue\n  Alarm${i}:\n    Type: AWS::CloudWatch::Alarm\n    Properties: { Namespace: AWS/Lambda, MetricName: Errors, Statistic: Sum, Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: GreaterThanThreshold }\n`,
    );
    const response = await handler({ failOn: 'warning' })(
      stackRequest(serve({ template: `Resources:\n${resources.join('')}` })),
    );
    expect(response.message.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    const [head, ...lines] = response.message.split('\n');
    const rules = [...head.matchAll(/([a-z-]+) (\d+)(?:,|\.$)/g)].map((m) => m[1]);
    expect(rules.length).toBeGreaterThanOrEqual(3);
    expect(head).toMatch(/^opslint: \d+ findings at or above warning in stack orders: /);
    const kept = response.message.slice(0, 1024);
    // each rule of the tally has a finding named in what is kept, before any rule has a second
    for (const rule of rules) expect(kept).toContain(`] ${rule} `);
    const firstLines = lines.slice(0, rules.length).map((l) => /^\[\w+\] ([^ ]+) /.exec(l)?.[1]);
    expect(new Set(firstLines).size).toBe(rules.length);
  });
});

describe('change-set operations', () => {
  it('evaluates the template of the change set, named by its stack, and returns the token it was given', async () => {
    const url = serve({
      template: FAILING,
      changedResources: [
        {
          logicalResourceId: 'IngestErrorsAlarm',
          resourceType: 'AWS::CloudWatch::Alarm',
          action: 'CREATE',
          lineNumber: 14,
          beforeContext: null,
          afterContext: '{"Properties":{}}',
        },
      ],
    });
    const response = await handler()(changeSetRequest(url));
    expect(response).toMatchObject({ hookStatus: 'FAILED', errorCode: 'NonCompliant', clientRequestToken: 'token-cs' });
    expect(response.message.split('\n')[0]).toBe(
      'opslint: 2 findings at or above error in stack orders: alarm-actions 2.',
    );
  });
});

describe('resource operations', () => {
  it('are answered SUCCESS, saying the resource was not checked on its own', async () => {
    const response = await handler()({
      clientRequestToken: 'token-r',
      awsAccountId: '123456789012',
      stackId: STACK_ARN,
      actionInvocationPoint: 'UPDATE_PRE_PROVISION',
      requestData: {
        targetName: 'AWS::CloudWatch::Alarm',
        targetType: 'AWS::CloudWatch::Alarm',
        targetLogicalId: 'Alarm',
        targetModel: { resourceProperties: { MetricName: 'Errors' }, previousResourceProperties: {} },
      },
      requestContext: { invocation: 1, callbackContext: null },
    });
    expect(response).toEqual({
      hookStatus: 'SUCCESS',
      message:
        'opslint checks whole templates (stack and change-set operations): AWS::CloudWatch::Alarm Alarm was not checked on its own.',
      clientRequestToken: 'token-r',
    });
  });
});

describe('what keeps the handler from judging: FAILED InternalFailure, saying what went wrong', () => {
  // the detail goes to the function's log
  let logged: jest.SpyInstance;
  beforeEach(() => {
    logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => logged.mockRestore());
  const internal = async (event: unknown, settings: HookSettings = {}, packs?: Pack[], given?: HookHandler) => {
    const response = await (given ?? (packs ? createHandler(packs, settings) : handler(settings)))(event);
    expect(response).toMatchObject({ hookStatus: 'FAILED', errorCode: 'InternalFailure' });
    // in WARN mode the operation goes on, with the reason as the warning; in FAIL mode it stops
    expect(outcome(response, 'FAIL')).toBe('stops');
    return response.message;
  };

  it('a malformed template, at its line and column', async () => {
    const message = await internal(stackRequest(serve({ template: 'Resources:\n  Fn:\n    Type: [unclosed\n' })));
    expect(message).toMatch(/^opslint could not read the template: stack:\/\/us-west-2\/orders:\d+:\d+: /);
  });

  it('a payload that cannot be fetched', async () => {
    const url = `${base}/broken`;
    served.set('/broken', { status: 500, body: 'no' });
    expect(await internal(stackRequest(url))).toBe(
      'opslint could not check the template: could not fetch the template from the payload URL: HTTP 500',
    );
  });

  it('a payload that is not JSON, or holds no template', async () => {
    served.set('/text', { status: 200, body: 'Resources: {}' });
    expect(await internal(stackRequest(`${base}/text`))).toMatch(
      /^opslint could not check the template: the payload is not JSON: /,
    );
    expect(await internal(stackRequest(serve({ previousTemplate: PASSING })))).toBe(
      'opslint could not check the template: the payload holds no template',
    );
  });

  it('a request without its target', async () => {
    expect(await internal({ clientRequestToken: 't' })).toBe(
      'opslint could not check the template: requestData is not an object',
    );
  });

  it('a rule that throws: the rule and the resource are named, and the operation is not passed', async () => {
    const boom: Pack = {
      id: 'team',
      rules: [
        {
          id: 'team/boom',
          title: 'Throws',
          bestPractice: 'OPS10-BP01',
          severity: 'warning',
          resourceTypes: ['AWS::SNS::Topic'],
          messages: {},
          check() {
            throw new Error('boom');
          },
        } as unknown as Pack['rules'][number],
      ],
    };
    const message = await internal(stackRequest(serve({ template: PASSING })), {}, [...BUILTIN_PACKS, boom]);
    expect(message.split('\n').slice(0, 2)).toEqual([
      'opslint could not check stack orders fully: 1 rule failure.',
      expect.stringMatching(
        /^\[error\] internal-error OnCallTopic \(line \d+\): Rule team\/boom failed on resource OnCallTopic: boom\.$/,
      ),
    ]);
    expect(logged).toHaveBeenCalledWith(
      expect.stringContaining('Rule team/boom failed'),
      expect.stringMatching(/^Error: boom\n\s+at /),
    );
  });

  it('a pack that fails as the function starts: every answer names it, the stack is logged, and startupError says it', async () => {
    const started = hookHandler(
      [
        {
          module: 'packs/team.js',
          exported: () => {
            throw new Error('Cannot find module ./bundle.js\nRequire stack: ...');
          },
        },
      ],
      {},
    );
    const why =
      'opslint could not load its configuration: pack packs/team.js failed to load: Cannot find module ./bundle.js';
    expect(started.startupError).toBe(why);
    expect(logged).toHaveBeenCalledWith(why, expect.stringMatching(/^Error: pack packs\/team\.js failed to load/));
    expect(await internal(stackRequest(serve({ template: PASSING })), {}, undefined, started)).toBe(why);
  });

  it('an error of its own is logged with its stack, the answer one line', async () => {
    await internal({ clientRequestToken: 't' });
    expect(logged).toHaveBeenCalledWith(
      'opslint could not check the template: requestData is not an object',
      expect.stringMatching(/^HookRequestError: requestData is not an object\n\s+at /),
    );
  });

  it('a configuration that does not load', async () => {
    expect(
      await internal(stackRequest(serve({ template: PASSING })), { selection: { rules: ['no-such-rule'] } }),
    ).toMatch(/^opslint could not load its configuration: unknown rule "no-such-rule"/);
  });
});

describe('a 500-resource template', () => {
  const alarms = Array.from(
    { length: 500 },
    (_, i) =>
      `  Alarm${i}:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      Namespace: AWS/Lambda\n      MetricName: Errors\n      Statistic: Sum\n      Period: 60\n      EvaluationPeriods: 1\n      Threshold: 1\n      ComparisonOperator: GreaterThanThreshold\n`,
  );
  const template = `Resources:\n${alarms.join('')}`;

  it('is judged whole; the message names the first findings and sums up the rest within the size limit', async () => {
    const response = await handler()(stackRequest(serve({ template })));
    expect(response).toMatchObject({ hookStatus: 'FAILED', errorCode: 'NonCompliant' });
    expect(response.message.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    const lines = response.message.split('\n');
    expect(lines[0]).toBe('opslint: 500 findings at or above error in stack orders: alarm-actions 500.');
    expect(lines[1]).toMatch(/^\[error\] alarm-actions Alarm0 \(line \d+\): /);
    const shown = lines.filter((l) => l.startsWith('[error] alarm-actions')).length;
    expect(shown).toBeGreaterThan(5);
    expect(lines).toContain(`and ${500 - shown} more.`);
  });
});
