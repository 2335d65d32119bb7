/**
 * The CDK app test/package.test.ts synthesizes with the installed tarball, written as the new user of issue 18
 * wrote theirs in plain JavaScript: API Gateway → Lambda → SQS (with a dead-letter queue) → Lambda → DynamoDB, in
 * a VPC, in Stages Dev and Prod of two accounts; one of the three integrations, added where its README line goes;
 * and, in the acknowledged variant, acknowledgements at a Stage, at a stack and at a construct.
 */

export type Integration = 'plugin' | 'aspect' | 'nag';

const ACCOUNTS = { Dev: '111111111111', Prod: '222222222222' } as const;
const REGION = 'eu-west-1';

/** The reasons of the acknowledged variant, by where they are made. */
export const REASONS = {
  stage: 'Dev alarms feed the team dashboard only',
  stack: 'Prod alarms are routed by the platform team',
  construct: 'the worker is traced by the queue consumer layer',
};

/** What the CDK looked up once for each account and committed (so that synth needs no AWS credentials). */
export const CDK_CONTEXT = Object.fromEntries(
  Object.values(ACCOUNTS).map((account) => [
    `availability-zones:account=${account}:region=${REGION}`,
    [`${REGION}a`, `${REGION}b`, `${REGION}c`],
  ]),
);

/** The id an acknowledgement of `rule` takes: opslint's for the plugin and the Aspect, cdk-nag's for the nag pack. */
export const ackId = (integration: Integration, rule: string): string =>
  integration === 'nag' ? `Ops-${rule}` : `opslint::${rule}`;

const acknowledge = (integration: Integration, target: string, rule: string, reason: string): string =>
  `Validations.of(${target}).acknowledge({ id: '${ackId(integration, rule)}', reason: '${reason}' });`;

/**
 * app.js. `draft`: no acknowledgement but two bad ones at the Stages (a reason too short at Dev, a misspelled
 * rule at Prod). `acknowledged`: the alarm without actions acknowledged at Stage Dev and at stack Prod/Orders,
 * the untraced worker at its construct.
 */
export function tarballAppSource(integration: Integration, variant: 'draft' | 'acknowledged'): string {
  const acks =
    variant === 'draft'
      ? [
          acknowledge(integration, 'dev', 'lambda-tracing', 'todo'),
          acknowledge(integration, 'prod', 'alarm-action', REASONS.stack),
        ]
      : [
          acknowledge(integration, 'dev', 'alarm-actions', REASONS.stage),
          acknowledge(integration, 'prodOrders', 'alarm-actions', REASONS.stack),
        ];
  return [
    "const { App, Stack, Stage, Validations } = require('aws-cdk-lib');",
    "const apigateway = require('aws-cdk-lib/aws-apigateway');",
    "const dynamodb = require('aws-cdk-lib/aws-dynamodb');",
    "const ec2 = require('aws-cdk-lib/aws-ec2');",
    "const lambda = require('aws-cdk-lib/aws-lambda');",
    "const { SqsEventSource } = require('aws-cdk-lib/aws-lambda-event-sources');",
    "const sqs = require('aws-cdk-lib/aws-sqs');",
    integration === 'nag'
      ? "const { OpsNagPack } = require('opslint/cdk-nag');"
      : `const { ${integration === 'plugin' ? 'OpsChecks' : 'OpsAspect'} } = require('opslint/cdk');`,
    '',
    'const app = new App();',
    // where the README puts it: before any Stage exists
    ...(integration === 'aspect' ? ['OpsAspect.applyTo(app);'] : []),
    '',
    'class OrdersStack extends Stack {',
    '  constructor(scope, id, props) {',
    '    super(scope, id, props);',
    "    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });",
    "    const table = new dynamodb.Table(this, 'OrdersTable', {",
    "      partitionKey: { name: 'orderId', type: dynamodb.AttributeType.STRING },",
    '    });',
    "    const deadLetters = new sqs.Queue(this, 'OrdersDlq');",
    "    const queue = new sqs.Queue(this, 'OrdersQueue', { deadLetterQueue: { queue: deadLetters, maxReceiveCount: 3 } });",
    "    const code = lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });');",
    "    const handler = new lambda.Function(this, 'ApiHandler', {",
    "      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code, vpc,",
    '      environment: { QUEUE_URL: queue.queueUrl },',
    '    });',
    '    queue.grantSendMessages(handler);',
    "    new apigateway.LambdaRestApi(this, 'OrdersApi', { handler });",
    "    const worker = new lambda.Function(this, 'Worker', {",
    "      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code, vpc,",
    '      environment: { TABLE_NAME: table.tableName },',
    '    });',
    '    worker.addEventSource(new SqsEventSource(queue));',
    '    table.grantWriteData(worker);',
    "    worker.metricErrors().createAlarm(this, 'WorkerErrors', { threshold: 1, evaluationPeriods: 1 });",
    ...(variant === 'acknowledged'
      ? [`    ${acknowledge(integration, 'worker', 'lambda-tracing', REASONS.construct)}`]
      : []),
    '  }',
    '}',
    '',
    `const dev = new Stage(app, 'Dev', { env: { account: '${ACCOUNTS.Dev}', region: '${REGION}' } });`,
    "new OrdersStack(dev, 'Orders');",
    `const prod = new Stage(app, 'Prod', { env: { account: '${ACCOUNTS.Prod}', region: '${REGION}' } });`,
    "const prodOrders = new OrdersStack(prod, 'Orders');",
    ...acks,
    '',
    ...{
      plugin: ['Validations.of(app).addPlugins(new OpsChecks());'],
      aspect: [],
      nag: ['Validations.of(app).addPlugins(new OpsNagPack(app));'],
    }[integration],
    'app.synth();',
    '',
  ].join('\n');
}

/** The 1-based line of `source` that first contains `text`. */
export function sourceLine(source: string, text: string): number {
  const index = source.split('\n').findIndex((l) => l.includes(text));
  if (index < 0) throw new Error(`"${text}" is not in the app`);
  return index + 1;
}

/** One violation as the cdk CLI prints it. */
export interface Printed {
  readonly severity: 'FATAL' | 'ERROR' | 'WARNING' | 'INFO';
  /** the header line after the severity, with the plugin's name in parentheses at its end */
  readonly message: string;
  /** `file:line:column` of the user code that made the construct, when printed */
  readonly source?: string;
  /** the construct path; '' for the app */
  readonly path: string;
  /** the id on its `Rule …` or `Acknowledge with '…'` line, e.g. `opslint::alarm-actions` */
  readonly rule: string;
  /** it ends with `Acknowledge with '…'` rather than `Rule …` */
  readonly acknowledgeable: boolean;
  /** the whole block */
  readonly text: string;
}

const HEADER = /^(FATAL|ERROR|WARNING|INFO) (.*)$/;
const RULE_LINE = /^(?:Rule (\S+)|Acknowledge with '([^']+)')$/;

/** A construct path at the start of a line: `Dev/Orders/OrdersApi/DeploymentStage.prod/Resource`. */
const PATH = /^[A-Za-z0-9][\w.-]*(?:\/[\w.-]+)+(?= |$)/;

/**
 * The violations in the output of `cdk synth`: blocks separated by an empty line (the lines of a fix are
 * indented, never empty), each a header, then indented: the rest of a multi-line message (an Aspect
 * annotation's `Fix:`), the construct path (blank for the app), a suggested fix, and the rule line.
 */
export function printedViolations(output: string): Printed[] {
  const out: Printed[] = [];
  for (const block of output.split('\n\n')) {
    const lines = block.split('\n');
    const at = lines.findIndex((l) => HEADER.test(l));
    if (at < 0) continue;
    const [, severity, message] = HEADER.exec(lines[at])!;
    const source = at > 0 && /:\d+:\d+$/.test(lines[at - 1]) ? lines[at - 1] : undefined;
    const details = lines.slice(at + 1).map((l) => l.trim());
    const ruleLine = details.map((l) => RULE_LINE.exec(l)).find((m) => m !== null);
    out.push({
      severity: severity as Printed['severity'],
      message,
      source,
      path: details.map((l) => PATH.exec(l)?.[0]).find((p) => p !== undefined) ?? '',
      rule: ruleLine?.[1] ?? ruleLine?.[2] ?? '',
      acknowledgeable: ruleLine?.[2] !== undefined,
      text: lines.slice(source === undefined ? at : at - 1).join('\n'),
    });
  }
  return out;
}
