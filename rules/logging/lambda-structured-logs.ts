import { defineRule, isPlainObject } from '../../lib/rule';

const PATH = 'Properties.LoggingConfig.LogFormat';

/** Powertools for AWS Lambda writes JSON log lines itself, whatever the function's LogFormat. */
const POWERTOOLS_LAYER = /powertools/i;
const POWERTOOLS_VARIABLE = /^POWERTOOLS_/;

export default defineRule({
  id: 'lambda-structured-logs',
  title: 'Lambda functions write structured JSON logs',
  bestPractice: 'OPS04-BP02',
  resourceTypes: ['AWS::Lambda::Function', 'AWS::Serverless::Function'],
  severity: 'info',
  fixable: true,
  optionsSchema: {},
  messages: {
    textLogs:
      'Lambda function {{name}} writes plain-text logs; set LoggingConfig.LogFormat to JSON so that every log line, its level and the request id can be queried by field.',
  },
  why:
    'With `LogFormat: JSON`, Lambda writes each application log line as a JSON object with its timestamp, level ' +
    'and request id, writes its own start, end and report records as JSON too, and can drop application logs ' +
    'below a level (`ApplicationLogLevel`). CloudWatch Logs Insights, metric filters and subscriptions can then select and ' +
    'aggregate by field instead of by text pattern. The rule is a reminder (info): a function that uses Powertools ' +
    'for AWS Lambda (its layer, or `POWERTOOLS_*` environment variables) already writes JSON lines and is not reported.',
  fix: {
    cloudformation:
      'Properties:\n  LoggingConfig:\n    LogFormat: JSON\n    ApplicationLogLevel: INFO   # optional; needs LogFormat JSON\n' +
      '# SAM: the same LoggingConfig on the function, or once for all functions in Globals.Function',
    cdk: 'new lambda.Function(this, "Orders", {\n  /* … */\n  loggingFormat: lambda.LoggingFormat.JSON,\n  applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,\n});',
  },
  roles: {
    machinery: { check: false, why: "its logs are deployment diagnostics, not the workload's telemetry." },
    edge: {
      check: false,
      why: 'LoggingConfig applies to invocations in the Lambda service; a Greengrass core runs it and writes its logs.',
    },
  },
  check(resource, ctx) {
    if (ctx.satisfies(PATH, (v) => typeof v === 'string' && v.toUpperCase() === 'JSON') !== false) return;
    if (usesPowertools(resource.properties)) return;
    ctx.report({
      messageId: 'textLogs',
      path: PATH,
      data: { name: resource.logicalId },
      fix: { path: PATH, value: 'JSON' },
    });
  },
});

function usesPowertools(properties: Readonly<Record<string, unknown>>): boolean {
  const environment = properties.Environment;
  const variables = isPlainObject(environment) ? environment.Variables : undefined;
  if (isPlainObject(variables) && Object.keys(variables).some((k) => POWERTOOLS_VARIABLE.test(k))) return true;
  // layer ARNs are often built with Fn::Sub or Fn::Join; the text as written is enough to recognise the layer
  return properties.Layers !== undefined && POWERTOOLS_LAYER.test(JSON.stringify(properties.Layers));
}
