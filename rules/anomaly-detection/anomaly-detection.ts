import {
  defineRule,
  isFalse,
  type StackFacts,
  isPlainObject,
  type Resource,
  type Template,
  resourceLabel,
  type Stack,
} from '../../lib/rule';
import { dashboardText } from '../dashboards/dashboard-body';

const ALARM = 'AWS::CloudWatch::Alarm';
/** Services that learn a metric's normal pattern: CloudWatch anomaly detectors, DevOps Guru, Lookout for Metrics. */
const DETECTORS = [
  'AWS::CloudWatch::AnomalyDetector',
  'AWS::DevOpsGuru::ResourceCollection',
  'AWS::LookoutMetrics::AnomalyDetector',
];
const BAND = /ANOMALY_DETECTION_BAND\s*\(/i;

/** Metrics whose normal level follows the traffic (by hour, weekday, season), by namespace. */
const DEFAULT_METRICS: Record<string, string[]> = {
  'AWS/ApiGateway': ['Count', 'Latency', 'IntegrationLatency'],
  'AWS/ApplicationELB': [
    'RequestCount',
    'RequestCountPerTarget',
    'TargetResponseTime',
    'ActiveConnectionCount',
    'NewConnectionCount',
    'ProcessedBytes',
  ],
  'AWS/NetworkELB': ['ActiveFlowCount', 'NewFlowCount', 'ProcessedBytes'],
  'AWS/CloudFront': ['Requests', 'BytesDownloaded'],
  'AWS/Lambda': ['Invocations', 'Duration', 'ConcurrentExecutions'],
  'AWS/AppSync': ['Latency'],
  'AWS/States': ['ExecutionsStarted', 'ExecutionTime'],
  'AWS/SQS': ['NumberOfMessagesSent', 'NumberOfMessagesReceived'],
  'AWS/SNS': ['NumberOfMessagesPublished'],
  'AWS/Kinesis': ['IncomingRecords', 'IncomingBytes'],
  'AWS/DynamoDB': ['ConsumedReadCapacityUnits', 'ConsumedWriteCapacityUnits', 'SuccessfulRequestLatency'],
  'AWS/RDS': ['DatabaseConnections', 'ReadLatency', 'WriteLatency', 'ReadIOPS', 'WriteIOPS'],
  'AWS/Events': ['Invocations', 'MatchedEvents'],
};

export default defineRule({
  id: 'anomaly-detection',
  title: 'Traffic and latency metrics are analyzed against a learned baseline',
  bestPractice: 'OPS08-BP01',
  scope: 'assembly',
  resourceTypes: [ALARM, 'AWS::CloudWatch::Dashboard', ...DETECTORS],
  severity: 'info',
  context: 'app',
  options: {
    metrics: DEFAULT_METRICS,
  },
  optionsSchema: { metrics: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } } },
  optionDocs: {
    metrics:
      'The metrics whose level varies with traffic, as a map from namespace to metric names; an alarm on one of them with ' +
      'a static threshold, in an app with no anomaly detection at all, is reported. Default: request counts and latency ' +
      'of API Gateway, load balancers, CloudFront, AppSync, Lambda invocations and duration, Step Functions executions, ' +
      'message rates of SQS, SNS and Kinesis, DynamoDB consumed capacity and latency, RDS connections, latency and IOPS, ' +
      'EventBridge invocations. Add your own namespace (say "Orders": ["OrdersPlaced"]) for business metrics.',
  },
  messages: {
    staticOnly:
      'Alarm {{name}} watches {{metric}} with a static threshold{{others}}, and nothing in the app learns what normal looks like for such metrics; add an anomaly detection band (ANOMALY_DETECTION_BAND) for the ones that follow daily or weekly patterns.',
  },
  why:
    'Request rates, latency and throughput rise and fall with the hour, the weekday and the season. A static threshold ' +
    'on them is either loose enough to stay quiet at peak, and then misses a collapse of traffic at night, or tight ' +
    'enough to catch it and then pages at every peak. CloudWatch anomaly detection learns the expected band from two ' +
    'weeks of history and alarms when the metric leaves it, which also catches a sudden drop in traffic that usually ' +
    'means users cannot reach the workload. The rule looks at the whole app: it reports once, when alarms on such ' +
    'metrics use static thresholds only and no anomaly detector, ANOMALY_DETECTION_BAND alarm or graph, DevOps Guru or ' +
    'Lookout for Metrics detector exists anywhere. Static thresholds stay right for errors, dead-letter queues and ' +
    'saturation; metric math that derives a rate is not counted.',
  fix: {
    cloudformation:
      'OrdersTrafficAnomalyAlarm:\n  Type: AWS::CloudWatch::Alarm\n  Properties:\n' +
      '    ComparisonOperator: LessThanLowerOrGreaterThanUpperThreshold\n    EvaluationPeriods: 3\n' +
      '    ThresholdMetricId: band\n    AlarmActions: [!Ref OnCallTopic]\n    Metrics:\n' +
      '      - Id: requests\n        ReturnData: true\n        MetricStat:\n          Stat: Sum\n          Period: 300\n' +
      '          Metric:\n            Namespace: AWS/ApiGateway\n            MetricName: Count\n' +
      '            Dimensions: [{ Name: ApiName, Value: orders }]\n' +
      '      - Id: band\n        Expression: ANOMALY_DETECTION_BAND(requests, 2)',
    cdk:
      'new cloudwatch.AnomalyDetectionAlarm(this, "OrdersTrafficAnomaly", {\n  metric: api.metricCount({ period: cdk.Duration.minutes(5) }),\n' +
      '  stdDevs: 2,\n  evaluationPeriods: 3,\n' +
      '  comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_LOWER_OR_GREATER_THAN_UPPER_THRESHOLD,\n' +
      '}).addAlarmAction(new cw_actions.SnsAction(onCallTopic));',
  },
  check(assembly, ctx) {
    if (assembly.stacks.some((stack) => usesAnomalyDetection(ctx.facts.of(stack)))) return;
    const wanted = metricSet(ctx.options.metrics);
    const found: { stack: Stack; alarm: Resource; metric: string }[] = [];
    for (const stack of assembly.stacks) {
      for (const alarm of ctx.facts.of(stack).deployed(ALARM)) {
        const metric = staticTrafficMetric(alarm, stack.template, wanted);
        if (metric !== undefined) found.push({ stack, alarm, metric });
      }
    }
    if (found.length === 0) return ctx.notApplicable();
    const { stack, alarm, metric } = found[0];
    const more = found.length - 1;
    ctx.report({
      stack,
      resource: alarm,
      path: 'Properties.Threshold',
      messageId: 'staticOnly',
      data: {
        name: resourceLabel(alarm, stack),
        metric,
        others:
          more === 0
            ? ''
            : more === 1
              ? ' (as does one other alarm in the app)'
              : ` (as do ${more} other alarms in the app)`,
      },
    });
  },
});

/** `AWS/ApiGateway Latency` keys, from the option. */
function metricSet(option: unknown): Set<string> {
  const out = new Set<string>();
  if (!isPlainObject(option)) return out;
  for (const [namespace, names] of Object.entries(option)) {
    if (Array.isArray(names)) for (const n of names) if (typeof n === 'string') out.add(`${namespace} ${n}`);
  }
  return out;
}

function usesAnomalyDetection(facts: StackFacts): boolean {
  const t = facts.template;
  if (facts.hasAny(DETECTORS)) return true;
  if (
    facts
      .deployed(ALARM)
      .some((a) =>
        metricsOf(a, t).some((m) => isPlainObject(m) && typeof m.Expression === 'string' && BAND.test(m.Expression)),
      )
  )
    return true;
  return facts
    .deployed('AWS::CloudWatch::Dashboard')
    .some((d) => BAND.test(dashboardText(d.properties.DashboardBody, t.resolver) ?? ''));
}

/** The alarm's `Metrics` entries, each resolved one level. */
function metricsOf(alarm: Resource, t: Template): unknown[] {
  const r = t.resolver.resolve(alarm.properties.Metrics);
  if (!r.known || !Array.isArray(r.value)) return [];
  return r.value.map((m) => {
    const e = t.resolver.resolve(m);
    return e.known ? e.value : undefined;
  });
}

/**
 * The traffic metric an alarm compares with a static threshold, as `Namespace MetricName`; undefined when it has
 * none (another metric, a band, a metric math result, or values unknown before deployment).
 */
function staticTrafficMetric(alarm: Resource, t: Template, wanted: ReadonlySet<string>): string | undefined {
  const props = alarm.properties;
  if (props.ThresholdMetricId !== undefined) return undefined;
  const key = (ns: unknown, name: unknown): string | undefined => {
    const n = t.resolver.deep(ns);
    const m = t.resolver.deep(name);
    if (!n.known || !m.known || typeof n.value !== 'string' || typeof m.value !== 'string') return undefined;
    const k = `${n.value} ${m.value}`;
    return wanted.has(k) ? k : undefined;
  };
  if (props.MetricName !== undefined) return key(props.Namespace, props.MetricName);
  // metric math: only a metric the alarm itself evaluates (ReturnData not false), not the inputs of an expression
  const entries = metricsOf(alarm, t).filter(isPlainObject);
  const returned = entries.filter((m) => {
    const r = t.resolver.resolve(m.ReturnData);
    return !(r.known && isFalse(r.value));
  });
  const evaluated = returned.length === 1 ? returned[0] : undefined;
  const stat = evaluated && isPlainObject(evaluated.MetricStat) ? evaluated.MetricStat : undefined;
  const metric = stat && isPlainObject(stat.Metric) ? stat.Metric : undefined;
  return metric ? key(metric.Namespace, metric.MetricName) : undefined;
}
