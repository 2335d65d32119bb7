import {
  type Stack,
  defineRule,
  isEmpty,
  isTrue,
  type StackFacts,
  isPlainObject,
  own,
  type Resource,
  type Resolved,
} from '../../lib/rule';
import {
  classifier,
  DEFAULT_ENVIRONMENT_TAG_KEYS,
  DEFAULT_NON_PRODUCTION_PATTERN,
  DEFAULT_PRODUCTION_PATTERN,
  PATTERN_DOCS,
  PATTERN_SCHEMA,
  type Classification,
} from './classify';

/** One observability setting that can be compared between two copies of a construct: a higher level observes more. */
interface Signal {
  /** where the finding points, relative to the resource ('' for the resource itself) */
  readonly path: string;
  /** the level of the setting, or undefined when it cannot be known before deployment */
  level(stack: Stack, resource: Resource): number | undefined;
  /** the setting at a level, for messages: "no X-Ray tracing", "logs kept 30 days" */
  describe(level: number): string;
}

/** A value that is set (to anything, even a value known only at deployment): 1; not set: 0; depends on a condition: unknown. */
function presence(path: string, describe: (level: number) => string): Signal {
  return {
    path,
    level: (stack, resource) => {
      const r = at(stack, resource, path);
      if (r.known) return isEmpty(r.value) ? 0 : 1;
      return r.alternatives ? undefined : 1;
    },
    describe,
  };
}

/** A setting read from a known value: `score` maps it to a level (undefined: not comparable). */
function scored(
  path: string,
  score: (value: unknown) => number | undefined,
  describe: (level: number) => string,
): Signal {
  return {
    path,
    level: (stack, resource) => {
      const r = at(stack, resource, path);
      return r.known ? score(r.value) : undefined;
    },
    describe,
  };
}

const onOff =
  (on: string, off: string) =>
  (level: number): string =>
    level > 0 ? on : off;

const LAMBDA_TRACING = scored(
  'Properties.TracingConfig.Mode',
  (v) => (v === 'Active' ? 1 : 0),
  onOff('active X-Ray tracing', 'no active X-Ray tracing'),
);
const SAM_TRACING = scored(
  'Properties.Tracing',
  (v) => (v === 'Active' ? 1 : 0),
  onOff('active X-Ray tracing', 'no active X-Ray tracing'),
);
const API_TRACING = scored(
  'Properties.TracingEnabled',
  (v) => (isTrue(v) ? 1 : 0),
  onOff('X-Ray tracing enabled', 'X-Ray tracing off'),
);
const API_ACCESS_LOGS = presence(
  'Properties.AccessLogSetting.DestinationArn',
  onOff('access logging', 'no access logging'),
);
const SFN_TRACING = scored(
  'Properties.TracingConfiguration.Enabled',
  (v) => (isTrue(v) ? 1 : 0),
  onOff('X-Ray tracing enabled', 'X-Ray tracing off'),
);
const SFN_LOGGING = scored(
  'Properties.LoggingConfiguration.Level',
  (v) => (v === undefined || v === 'OFF' ? 0 : 1),
  onOff('execution logging', 'execution logging off'),
);
const RETENTION = scored(
  'Properties.RetentionInDays',
  (v) => (v === undefined ? Number.POSITIVE_INFINITY : Number.isFinite(Number(v)) ? Number(v) : undefined),
  (days) => (days === Number.POSITIVE_INFINITY ? 'logs kept forever' : `logs kept ${days} days`),
);
const RDS_MONITORING = scored(
  'Properties.MonitoringInterval',
  (v) => (v === undefined ? 0 : Number(v) > 0 ? 1 : 0),
  onOff('enhanced monitoring', 'no enhanced monitoring'),
);

/** The settings compared for each resource type, with how the type reads in messages. */
const SIGNALS: Readonly<Record<string, { kind: string; signals: readonly Signal[] }>> = {
  'AWS::Lambda::Function': { kind: 'Lambda function', signals: [LAMBDA_TRACING] },
  'AWS::Serverless::Function': { kind: 'Lambda function', signals: [SAM_TRACING] },
  'AWS::ApiGateway::Stage': { kind: 'API Gateway stage', signals: [API_TRACING, API_ACCESS_LOGS] },
  'AWS::Serverless::Api': { kind: 'API', signals: [API_TRACING, API_ACCESS_LOGS] },
  'AWS::ApiGatewayV2::Stage': {
    kind: 'API Gateway stage',
    signals: [presence('Properties.AccessLogSettings.DestinationArn', onOff('access logging', 'no access logging'))],
  },
  'AWS::StepFunctions::StateMachine': { kind: 'State machine', signals: [SFN_TRACING, SFN_LOGGING] },
  'AWS::Serverless::StateMachine': {
    kind: 'State machine',
    signals: [
      scored(
        'Properties.Tracing.Enabled',
        (v) => (isTrue(v) ? 1 : 0),
        onOff('X-Ray tracing enabled', 'X-Ray tracing off'),
      ),
      scored(
        'Properties.Logging.Level',
        (v) => (v === undefined || v === 'OFF' ? 0 : 1),
        onOff('execution logging', 'execution logging off'),
      ),
    ],
  },
  'AWS::AppSync::GraphQLApi': {
    kind: 'AppSync API',
    signals: [
      scored('Properties.XrayEnabled', (v) => (isTrue(v) ? 1 : 0), onOff('X-Ray tracing enabled', 'X-Ray tracing off')),
      scored(
        'Properties.LogConfig.FieldLogLevel',
        (v) => (v === undefined || v === 'NONE' ? 0 : 1),
        onOff('field logging', 'no field logging'),
      ),
    ],
  },
  'AWS::Logs::LogGroup': { kind: 'Log group', signals: [RETENTION] },
  'Custom::LogRetention': { kind: 'Log retention', signals: [RETENTION] },
  'AWS::ECS::Cluster': {
    kind: 'ECS cluster',
    signals: [
      {
        path: 'Properties.ClusterSettings',
        level: (stack, resource) => containerInsights(at(stack, resource, 'Properties.ClusterSettings'), stack),
        describe: (level) =>
          [
            'Container Insights disabled',
            'Container Insights enabled',
            'Container Insights with enhanced observability',
          ][level],
      },
    ],
  },
  'AWS::RDS::DBInstance': {
    kind: 'RDS DB instance',
    signals: [
      scored(
        'Properties.EnablePerformanceInsights',
        (v) => (isTrue(v) ? 1 : 0),
        onOff('Performance Insights', 'no Performance Insights'),
      ),
      RDS_MONITORING,
    ],
  },
  'AWS::RDS::DBCluster': {
    kind: 'RDS DB cluster',
    signals: [
      scored(
        'Properties.PerformanceInsightsEnabled',
        (v) => (isTrue(v) ? 1 : 0),
        onOff('Performance Insights', 'no Performance Insights'),
      ),
      RDS_MONITORING,
    ],
  },
};

/** Alarms on a resource, for every type: its level is the number of CloudWatch alarms in its stack whose metric names it. */
const ALARMS: Signal = {
  path: '',
  level: () => undefined, // counted over the whole stack instead, see countAlarms
  describe: (n) => (n === 1 ? '1 CloudWatch alarm' : `${n} CloudWatch alarms`),
};

interface Copy {
  readonly stack: Stack;
  readonly resource: Resource;
  /** the construct path below the Stage, e.g. `Orders/Handler/Resource` */
  readonly construct: string;
}

export default defineRule({
  id: 'observability-parity',
  scope: 'assembly',
  title: 'Production Stages are observed at least as closely as the other Stages of the app',
  bestPractice: 'OPS05-BP08',
  resourceTypes: [...Object.keys(SIGNALS), 'AWS::CloudWatch::Alarm'],
  severity: 'warning',
  options: {
    productionPattern: DEFAULT_PRODUCTION_PATTERN,
    nonProductionPattern: DEFAULT_NON_PRODUCTION_PATTERN,
    environmentTagKeys: DEFAULT_ENVIRONMENT_TAG_KEYS,
  },
  optionsSchema: PATTERN_SCHEMA,
  optionDocs: PATTERN_DOCS,
  messages: {
    weaker:
      '{{kind}} {{name}} ({{construct}}) in {{where}} has {{weaker}}, while the same construct in Stage {{other}} has {{stronger}}; observe production at least as closely as the other environments.',
  },
  why:
    'When the same Stage class is instantiated for each environment, settings that differ between the copies are ' +
    'usually a condition in the code (isProd ? … : …) or a value passed in per environment. When production ends up ' +
    'with less tracing, shorter log retention or fewer alarms than development, the environment that matters most is the ' +
    'one where an incident is hardest to investigate, and the gap goes unnoticed because the feature works where it is ' +
    'tested. The check pairs resources with the same construct path below their Stage and compares, for production ' +
    'Stages: X-Ray tracing (Lambda, API Gateway, Step Functions, AppSync), access and execution logging (API Gateway, ' +
    'Step Functions, AppSync), log retention (log groups and CDK log retention), Container Insights (ECS clusters), ' +
    'Performance Insights and enhanced monitoring (RDS), and the number of CloudWatch alarms that refer to the resource. ' +
    'Settings that cannot be known before deployment are not compared.',
  fix: {
    cloudformation:
      '# Give the production copy the same settings as the other environments, e.g.:\n' +
      'Handler:\n  Type: AWS::Lambda::Function\n  Properties:\n    TracingConfig:\n      Mode: Active\n' +
      'HandlerLogs:\n  Type: AWS::Logs::LogGroup\n  Properties:\n    RetentionInDays: 365   # at least as long as in staging',
    cdk:
      'class OrdersStage extends cdk.Stage {\n  constructor(scope: Construct, id: string, props: OrdersStageProps) {\n' +
      '    super(scope, id, props);\n    // one definition for every environment: no `isProd ? … : …` that weakens production\n' +
      '    new OrdersStack(this, "Orders", { tracing: lambda.Tracing.ACTIVE, logRetention: props.logRetention });\n  }\n}',
  },
  roles: {
    machinery: {
      check: false,
      why: 'CloudFormation calls it once per deployment; its telemetry settings need not match between Stages.',
    },
  },
  check(assembly, ctx) {
    if (!assembly.allEnvironments) return ctx.notApplicable();
    const staged = assembly.stacks.filter((stack) => stack.stages.length > 0);
    if (new Set(staged.map((stack) => stack.stages.join('/'))).size < 2) return ctx.notApplicable();
    const classify = classifier(ctx.options);
    // only production copies are judged: without a production Stage, nothing is compared
    if (!staged.some((stack) => classify(stack)?.kind === 'production')) return;
    // by Stage path, the copies of each construct: `construct path below the Stage` + type → copy
    const stages = new Map<string, Map<string, Copy>>();
    const alarmCounts = new Map<Stack, Map<string, number>>();
    for (const stack of staged) {
      const stage = stack.stages.join('/');
      const prefix = `${stage}/`;
      let copies = stages.get(stage);
      if (!copies) stages.set(stage, (copies = new Map()));
      const facts = ctx.facts.of(stack);
      alarmCounts.set(stack, countAlarms(facts));
      for (const resource of ctx.resources(stack, [...stack.template.resourceTypes])) {
        const path = stack.constructs?.get(resource.logicalId)?.path ?? resource.constructPath;
        if (path === undefined || !path.startsWith(prefix)) continue;
        const construct = path.slice(prefix.length);
        copies.set(`${construct}\u0000${resource.type}`, { stack, resource, construct });
      }
    }
    const stageNames = [...stages.keys()].sort();
    const alarmsOf = (copy: Copy): number => alarmCounts.get(copy.stack)?.get(copy.resource.logicalId) ?? 0;

    for (const stage of stageNames) {
      for (const [key, copy] of stages.get(stage)!) {
        const c = classify(copy.stack);
        if (c?.kind !== 'production') continue;
        const others = stageNames
          .filter((s) => s !== stage)
          .map((s) => [s, stages.get(s)!.get(key)] as const)
          .filter((o): o is readonly [string, Copy] => o[1] !== undefined);
        if (others.length === 0) continue;
        const entry = own(SIGNALS, copy.resource.type);
        const signals: [Signal, (x: Copy) => number | undefined][] = [
          ...(entry?.signals ?? []).map(
            (s) => [s, (x: Copy) => s.level(x.stack, x.resource)] as [Signal, (x: Copy) => number | undefined],
          ),
          [ALARMS, alarmsOf],
        ];
        for (const [signal, level] of signals) {
          const mine = level(copy);
          if (mine === undefined) continue;
          let best: [string, number] | undefined;
          for (const [other, theirs] of others) {
            const l = level(theirs);
            if (l !== undefined && l > mine && (!best || l > best[1])) best = [other, l];
          }
          if (!best) continue;
          ctx.report({
            stack: copy.stack,
            resource: copy.resource,
            path: signal.path,
            messageId: 'weaker',
            data: {
              kind: entry?.kind ?? copy.resource.type,
              name: copy.resource.logicalId,
              construct: copy.construct,
              where: where(stage, c),
              weaker: signal.describe(mine),
              other: best[0],
              stronger: signal.describe(best[1]),
            },
          });
        }
      }
    }
  },
});

/** "production Stage Prod", or "Stage Live (production: tag Environment=production)" when something else said so. */
function where(stage: string, c: Classification): string {
  return c.reason === `Stage ${stage.split('/').pop()}`
    ? `production Stage ${stage}`
    : `Stage ${stage} (production: ${c.reason})`;
}

function at(stack: Stack, resource: Resource, path: string): Resolved {
  return stack.template.valueAt(resource, path);
}

/** `containerInsights` in ClusterSettings: disabled 0, enabled 1, enhanced 2; not set (the account default applies) or unknown: undefined. */
function containerInsights(settings: Resolved, stack: Stack): number | undefined {
  if (!settings.known || !Array.isArray(settings.value)) return undefined;
  for (const item of settings.value) {
    const s = stack.template.resolver.deep(item);
    if (!s.known) return undefined;
    if (!isPlainObject(s.value) || s.value.Name !== 'containerInsights') continue;
    const level = ['disabled', 'enabled', 'enhanced'].indexOf(String(s.value.Value));
    return level < 0 ? undefined : level;
  }
  return undefined;
}

/** For each resource of the stack, how many deployed CloudWatch alarms have a metric dimension that refers to it. */
function countAlarms(facts: StackFacts): Map<string, number> {
  const counts = new Map<string, number>();
  for (const resource of facts.template.resources.values()) {
    const n = facts.alarms.referring(resource.logicalId).length;
    if (n > 0) counts.set(resource.logicalId, n);
  }
  return counts;
}
