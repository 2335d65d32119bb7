/**
 * A packaged Lambda Hook (`opslint hook package`) invoked as Lambda would: the JavaScript a fresh `node` process runs
 * in the package's folder to serve a template on 127.0.0.1 as the payload URL serves it, require handler.js, invoke
 * it with a stack request, and print the answer with the time the require and the invocation took. The test of the
 * package and the hook's benchmark share it.
 */

/** What the script prints, as JSON. */
export interface HookRun {
  readonly answer: { readonly hookStatus: string; readonly errorCode?: string; readonly message: string };
  readonly requireMs: number;
  readonly invokeMs: number;
}

/** The script: `template` is a JavaScript expression of the template's text (evaluated in the process). */
export function invokeHookScript(template: string): string {
  return `
const http = require('node:http');
const template = ${template};
const server = http.createServer((req, res) => res.end(JSON.stringify({ template }))).listen(0, '127.0.0.1', async () => {
  const t0 = performance.now();
  const { handler } = require('./handler.js');
  const t1 = performance.now();
  const answer = await handler({
    clientRequestToken: 'token-1',
    awsAccountId: '123456789012',
    stackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/orders/abc',
    actionInvocationPoint: 'CREATE_PRE_PROVISION',
    requestData: { targetName: 'STACK', targetType: 'STACK', targetLogicalId: 'orders', payload: 'http://127.0.0.1:' + server.address().port + '/t' },
    requestContext: { invocation: 1, callbackContext: null },
  });
  process.stdout.write(JSON.stringify({ answer, requireMs: t1 - t0, invokeMs: performance.now() - t1 }));
  server.close();
});
`;
}

/**
 * A pack written the documented way, `require('opslint/rule')`, that tells a queue whose name opslint cannot know by
 * opslint's own UNKNOWN value (which it shares with the handler only if bundled with the handler's copy), and a
 * template with such a queue.
 */
export const PROBE_PACK = `const { definePack, defineRule, UNKNOWN } = require('opslint/rule');
const rule = { id: 'probe/unknown-name', title: 'Queue names are known', bestPractice: 'OPS04-BP01', severity: 'warning' };
module.exports = definePack({ id: 'probe', title: 'Probe', rules: [defineRule({ ...rule,
  resourceTypes: ['AWS::SQS::Queue'], messages: { unknown: 'Queue {{name}} has an unknown name.' },
  check(resource, ctx) {
    if (ctx.values('Properties.QueueName').includes(UNKNOWN)) ctx.report({ messageId: 'unknown', data: { name: resource.logicalId } });
  },
})] });
`;
export const PROBE_TEMPLATE =
  'Parameters:\n  Name: { Type: String }\nResources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Ref Name\n';

/** A rules file: an alarm without a description is an error. */
export const RULES_FILE = `pack: rulesfile
rules:
  - id: rulesfile/alarm-description
    title: Alarms are described
    bestPractice: OPS07-BP03
    severity: error
    resourceTypes: [AWS::CloudWatch::Alarm]
    path: Properties.AlarmDescription
    condition: { exists: true }
    message: 'Alarm {{resource}} has no AlarmDescription.'
`;
