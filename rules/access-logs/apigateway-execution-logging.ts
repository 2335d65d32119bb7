import {
  defineRule,
  type ResourceContext,
  createsStage,
  firstProblem,
  isTrue,
  UNKNOWN,
  type Judgement,
  isPlainObject,
  type JsonPath,
} from '../../lib/rule';

const LOGGING_LEVELS = ['ERROR', 'INFO'];

const options = { detailedMetrics: false as boolean };

export default defineRule({
  id: 'apigateway-execution-logging',
  title: 'API Gateway REST API stages write execution logs to CloudWatch Logs',
  bestPractice: 'OPS04-BP02',
  // HTTP APIs have no execution logs (only access logs); WebSocket APIs set theirs per route.
  resourceTypes: ['AWS::ApiGateway::Stage', 'AWS::ApiGateway::Deployment', 'AWS::Serverless::Api'],
  severity: 'warning',
  options,
  optionsSchema: { detailedMetrics: { type: 'boolean' } },
  optionDocs: {
    detailedMetrics:
      'Also require detailed (per-method) CloudWatch metrics: MetricsEnabled true in the MethodSettings entry for all methods. ' +
      'Default false: API Gateway publishes stage-level Count, 4XXError, 5XXError and Latency metrics without it, and per-method metrics are billed as custom metrics.',
  },
  messages: {
    notEnabled:
      '{{kind}} {{name}} writes no execution logs; add a MethodSettings entry with ResourcePath "/*", HttpMethod "*" and LoggingLevel ERROR or INFO.',
    noLevel:
      '{{kind}} {{name}} sets no LoggingLevel in its MethodSettings entry for all methods, so it writes no execution logs; set LoggingLevel ERROR or INFO there.',
    turnedOff:
      '{{kind}} {{name}} sets LoggingLevel {{level}} for all methods, so it writes no execution logs; set it to ERROR or INFO.',
    partial:
      '{{kind}} {{name}} writes execution logs only for the methods its MethodSettings list; add an entry with ResourcePath "/*", HttpMethod "*" and LoggingLevel ERROR or INFO.',
    deploymentNotEnabled:
      'The stage that API Gateway deployment {{name}} creates writes no execution logs; set StageDescription.LoggingLevel to ERROR or INFO.',
    noDetailedMetrics: '{{kind}} {{name}} publishes no per-method CloudWatch metrics; set {{property}} to true.',
  },
  why:
    "Execution logs are API Gateway's own account of each request: authorizer and validation results, the " +
    'integration request and response, mapping-template errors and timeouts. Access logs and the stage metrics ' +
    'say that requests failed; execution logs say why, which is what an on-call engineer needs for a 5XX from the ' +
    'integration or a 4XX from a request validator. ERROR keeps the volume low; INFO adds every step. ' +
    'API Gateway writes these logs with the CloudWatch Logs role set once per account and region ' +
    '(AWS::ApiGateway::Account CloudWatchRoleArn); without that role, deploying a stage with logging turned on fails.',
  fix: {
    cloudformation:
      'Stage:\n  Type: AWS::ApiGateway::Stage\n  Properties:\n    MethodSettings:\n      - ResourcePath: "/*"\n        HttpMethod: "*"\n' +
      '        LoggingLevel: ERROR        # or INFO\n        MetricsEnabled: true     # optional: per-method metrics\n' +
      '# AWS::ApiGateway::Deployment with StageName: StageDescription: { LoggingLevel: ERROR }\n' +
      '# SAM: the same MethodSettings on AWS::Serverless::Api, or in Globals.Api for every API including the implicit one\n' +
      '# once per account and region, the role API Gateway writes logs with:\n' +
      'ApiGatewayAccount:\n  Type: AWS::ApiGateway::Account\n  Properties:\n    CloudWatchRoleArn: !GetAtt ApiGatewayLogsRole.Arn   # trusts apigateway.amazonaws.com, AmazonAPIGatewayPushToCloudWatchLogs',
    cdk:
      'new apigateway.RestApi(this, "Api", {\n  cloudWatchRole: true, // or set the account\'s API Gateway CloudWatch role elsewhere\n' +
      '  deployOptions: { loggingLevel: apigateway.MethodLoggingLevel.ERROR, metricsEnabled: true },\n});',
  },
  check(resource, ctx) {
    const name = resource.logicalId;
    switch (resource.type) {
      case 'AWS::ApiGateway::Stage':
      case 'AWS::Serverless::Api': {
        const kind = resource.type === 'AWS::Serverless::Api' ? 'SAM API' : 'API Gateway stage';
        const base: JsonPath = ['Properties', 'MethodSettings'];
        const values = ctx.values(base);
        const problem = firstProblem(values, (list) => judgeLogging(list, base));
        if (problem) ctx.report({ ...problem, data: { kind, name, ...problem.data } });
        if (ctx.options.detailedMetrics) {
          const metrics = firstProblem(values, (list) => judgeMetrics(list, base));
          if (metrics)
            ctx.report({
              ...metrics,
              data: { kind, name, property: 'MetricsEnabled in the MethodSettings entry for all methods' },
            });
        }
        return;
      }
      case 'AWS::ApiGateway::Deployment':
        checkDeployment(ctx);
        return;
    }
  },
});

function checkDeployment(
  ctx: ResourceContext<typeof options, 'turnedOff' | 'deploymentNotEnabled' | 'noDetailedMetrics'>,
): void {
  // a deployment creates a stage only when it names one; its settings are then in StageDescription
  if (createsStage(ctx.template, ctx.resource) === false) return ctx.notApplicable();
  const name = ctx.resource.logicalId;
  const base: JsonPath = ['Properties', 'StageDescription'];
  const values = ctx.values(base);
  const problem = firstProblem(values, (description) => {
    if (description === UNKNOWN) return 'unknown';
    const d = isPlainObject(description) ? description : {};
    const level = d.LoggingLevel;
    if (level === UNKNOWN || acceptsLevel(level)) return 'ok';
    const fromList = judgeLogging(d.MethodSettings, [...base, 'MethodSettings']);
    if (fromList === 'ok' || fromList === 'unknown') return fromList;
    if (level !== undefined)
      return { messageId: 'turnedOff', path: [...base, 'LoggingLevel'], data: { level: String(level) } };
    return { messageId: 'deploymentNotEnabled', path: [...base, 'LoggingLevel'] };
  });
  if (problem) {
    const kind = 'The stage of API Gateway deployment';
    ctx.report({ ...problem, data: { kind, name, ...problem.data } });
  }
  if (!ctx.options.detailedMetrics) return;
  const metrics = firstProblem(values, (description) => {
    if (description === UNKNOWN) return 'unknown';
    const d = isPlainObject(description) ? description : {};
    if (d.MetricsEnabled === UNKNOWN || isTrue(d.MetricsEnabled)) return 'ok';
    const fromList = judgeMetrics(d.MethodSettings, [...base, 'MethodSettings']);
    return fromList === 'ok' || fromList === 'unknown'
      ? fromList
      : { messageId: 'noDetailedMetrics', path: [...base, 'MetricsEnabled'] };
  });
  if (metrics)
    ctx.report({
      ...metrics,
      data: { kind: 'The stage of API Gateway deployment', name, property: 'StageDescription.MetricsEnabled' },
    });
}

function acceptsLevel(level: unknown): boolean {
  return typeof level === 'string' && LOGGING_LEVELS.includes(level.toUpperCase());
}

/** Execution logging in a MethodSettings list (one possible value of it), at `base`. */
function judgeLogging(list: unknown, base: JsonPath): Judgement<'noLevel' | 'turnedOff' | 'partial' | 'notEnabled'> {
  const c = coverage(list, 'LoggingLevel', acceptsLevel);
  switch (c.status) {
    case 'ok':
    case 'unknown':
      return c.status;
    case 'off':
      return c.value === undefined
        ? { messageId: 'noLevel', path: [...base, c.index, 'LoggingLevel'] }
        : { messageId: 'turnedOff', path: [...base, c.index, 'LoggingLevel'], data: { level: String(c.value) } };
    case 'partial':
      return { messageId: 'partial', path: base };
    case 'none':
      return { messageId: 'notEnabled', path: base };
  }
}

/** Detailed metrics in a MethodSettings list (one possible value of it), at `base`. */
function judgeMetrics(list: unknown, base: JsonPath): Judgement<'noDetailedMetrics'> {
  const c = coverage(list, 'MetricsEnabled', isTrue);
  if (c.status === 'ok' || c.status === 'unknown') return c.status;
  return { messageId: 'noDetailedMetrics', path: c.status === 'off' ? [...base, c.index, 'MetricsEnabled'] : base };
}

type Coverage =
  | { readonly status: 'ok' | 'unknown' | 'partial' | 'none' }
  | { readonly status: 'off'; readonly index: number; readonly value: unknown };

/**
 * Whether a MethodSettings list turns a setting on for all methods: `ok` when an entry for all methods
 * (ResourcePath "/*", HttpMethod "*") has it on; `off` when that entry has it off or unset; `partial` when
 * only entries for some methods have it on; `none` when no entry has it; `unknown` when that depends on a
 * value that cannot be known.
 */
function coverage(list: unknown, field: string, accept: (v: unknown) => boolean): Coverage {
  if (list === UNKNOWN) return { status: 'unknown' };
  if (list === undefined || list === null) return { status: 'none' };
  if (!Array.isArray(list)) return { status: 'unknown' };
  let uncertain = false;
  let partial = false;
  let off: { index: number; value: unknown } | undefined;
  for (let index = 0; index < list.length; index++) {
    const item: unknown = list[index];
    if (item === undefined) continue;
    if (!isPlainObject(item)) {
      uncertain = true;
      continue;
    }
    const all = coversAllMethods(item);
    const value = item[field];
    const on = value === UNKNOWN ? undefined : accept(value);
    if (all === true && on === true) return { status: 'ok' };
    if (all === false) partial ||= on === true;
    else if (all === undefined || on === undefined) uncertain ||= on !== false;
    else off ??= { index, value };
  }
  if (uncertain) return { status: 'unknown' };
  if (off) return { status: 'off', ...off };
  return { status: partial ? 'partial' : 'none' };
}

/** Whether a MethodSettings entry applies to every method: true, false, or undefined when that cannot be told. */
function coversAllMethods(item: Record<string, unknown>): boolean | undefined {
  const path = item.ResourcePath;
  const method = item.HttpMethod;
  if (path === UNKNOWN || method === UNKNOWN || path === undefined || method === undefined) return undefined;
  return (path === '/*' || path === '*') && method === '*';
}
