import {
  resourceLabel,
  stackLabel,
  topLevelStacks,
  defineRule,
  COMPUTE_AND_API_TYPES,
  listNames,
  namespaces,
  verdictAt,
  type StackFacts,
  isPlainObject,
  type Resource,
  type Template,
} from '../../lib/rule';
import { TOKEN, dashboardNamespaces, dashboardText } from '../dashboards/dashboard-body';

const LOAD_BALANCER = 'AWS::ElasticLoadBalancingV2::LoadBalancer';

/** Namespaces AWS fills outside `AWS/`: agents and features that report on infrastructure, not on business outcomes. */
const AWS_NAMESPACES = new Set([
  'CWAgent',
  'ECS/ContainerInsights',
  'ContainerInsights',
  'LambdaInsights',
  'CloudWatchSynthetics',
  'ApplicationSignals',
  'Glue',
  'System/Linux',
]);
/** Namespaces by convention for security monitoring of the account (the CIS benchmark's CloudTrail metric filters), not workload KPIs. */
const SECURITY_NAMESPACES = new Set(['CloudTrailMetrics']);

/** Environment variables that make a function or container publish metrics in the embedded metric format. */
const EMF_VARIABLES = new Set(['POWERTOOLS_METRICS_NAMESPACE', 'AWS_EMF_NAMESPACE']);

const SIGNAL_TYPES = [
  'AWS::Logs::MetricFilter',
  'AWS::ApplicationSignals::ServiceLevelObjective',
  'AWS::CloudWatch::Alarm',
  'AWS::CloudWatch::AnomalyDetector',
  'AWS::CloudWatch::Dashboard',
  'AWS::Lambda::Function',
  'AWS::Serverless::Function',
  'AWS::ECS::TaskDefinition',
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::Role',
];

export default defineRule({
  id: 'business-metrics',
  title: 'The app measures its key performance indicators with its own metrics',
  bestPractice: 'OPS04-BP01',
  scope: 'assembly',
  resourceTypes: [...new Set([...COMPUTE_AND_API_TYPES, ...SIGNAL_TYPES])],
  severity: 'info',
  optionsSchema: {},
  context: 'app',
  messages: {
    missing:
      '{{scope}} runs {{resources}} but defines no KPI metric (a metric of its own namespace, from a metric filter or published from code, or a service level objective; the AWS/ namespaces and CloudTrailMetrics are not its own); measure the outcomes the workload exists for, such as orders placed or checkout latency.',
  },
  why:
    'AWS service metrics say whether the parts work (errors, throttles, CPU), not whether the workload delivers what ' +
    'it is for: orders placed, sign-ups completed, payments settled, pages served within target latency. Key ' +
    'performance indicators tie telemetry to those outcomes, so alerts and reviews focus on what customers and the ' +
    'business feel. This heuristic looks for any sign of them in the app: a metric filter, alarm, anomaly detector or ' +
    'dashboard on a metric outside the AWS namespaces (and outside CloudTrailMetrics, the usual home of security ' +
    'alarms), functions or containers set up to publish metrics (Powertools or the embedded metric format), a policy ' +
    'that allows cloudwatch:PutMetricData, or an Application Signals service level objective. Apps without functions, ' +
    'containers, instances, state machines, APIs or load balancers are not checked.',
  fix: {
    cloudformation:
      'OrdersPlacedMetric:\n  Type: AWS::Logs::MetricFilter\n  Properties:\n    LogGroupName: !Ref OrdersLogGroup\n' +
      '    FilterPattern: \'{ $.event = "order_placed" }\'\n    MetricTransformations:\n' +
      '      - MetricNamespace: Orders\n        MetricName: OrdersPlaced\n        MetricValue: "1"\n' +
      '# or publish from code with the embedded metric format, e.g. Powertools for AWS Lambda:\n' +
      '#   Environment: { Variables: { POWERTOOLS_METRICS_NAMESPACE: Orders } }   (SAM: also in Globals.Function)',
    cdk:
      'new logs.MetricFilter(this, "OrdersPlaced", {\n  logGroup,\n  filterPattern: logs.FilterPattern.stringValue("$.event", "=", "order_placed"),\n' +
      '  metricNamespace: "Orders",\n  metricName: "OrdersPlaced",\n  metricValue: "1",\n});',
  },
  roles: {
    machinery: { check: false, why: 'it serves deployments, not the outcomes the workload exists for.' },
    'account-baseline': { check: false, why: 'an account baseline runs no workload whose outcomes could be measured.' },
  },
  check(assembly, ctx) {
    if (assembly.stacks.some((stack) => hasKpiSignal(ctx.facts.of(stack)))) return;
    const found = assembly.stacks.flatMap((stack) =>
      ctx
        .resources(stack, COMPUTE_AND_API_TYPES)
        // network and gateway load balancers carry traffic, not requests the app could measure outcomes of
        .filter(
          (r) =>
            r.type !== LOAD_BALANCER ||
            verdictAt(stack.template, r, 'Properties.Type', (v) => v === 'network' || v === 'gateway') === false,
        )
        .map((r) => resourceLabel(r, stack)),
    );
    if (found.length === 0) return ctx.notApplicable();
    const resources = listNames(found);
    const stacks = topLevelStacks(assembly);
    if (stacks.length === 1) {
      const stack = stacks[0];
      if (stack.declaredIn)
        ctx.report({ stack, messageId: 'missing', data: { scope: `Stack ${stackLabel(stack)}`, resources } });
      else ctx.report({ stack, path: 'Resources', messageId: 'missing', data: { scope: 'This template', resources } });
      return;
    }
    ctx.report({
      path: 'artifacts',
      messageId: 'missing',
      data: { scope: `The app (${stacks.length} stacks)`, resources },
    });
  },
});

function hasKpiSignal(facts: StackFacts): boolean {
  const t = facts.template;
  const any = (type: string, test: (r: Resource) => boolean = () => true): boolean => facts.deployed(type).some(test);
  return (
    any('AWS::Logs::MetricFilter', (r) => filterNamespaces(r, t).some(isOwnNamespace)) ||
    any('AWS::ApplicationSignals::ServiceLevelObjective') ||
    any('AWS::CloudWatch::Alarm', (r) =>
      facts.alarms.metricsOf(r).some((m) => (m.namespaces ?? [TOKEN]).some(isOwnNamespace)),
    ) ||
    any('AWS::CloudWatch::AnomalyDetector', (r) =>
      [
        ...namespacesOf(r.properties.Namespace, t),
        ...namespacesOf(sub(r.properties.SingleMetricAnomalyDetector, 'Namespace'), t),
      ].some(isOwnNamespace),
    ) ||
    any('AWS::CloudWatch::Dashboard', (r) => dashboardShowsOwnMetric(r, t)) ||
    any('AWS::Lambda::Function', (r) => variablesPublishMetrics(sub(r.properties.Environment, 'Variables'), t)) ||
    any(
      'AWS::Serverless::Function',
      (r) =>
        variablesPublishMetrics(sub(r.properties.Environment, 'Variables'), t) ||
        grantsPutMetricData(r.properties.Policies),
    ) ||
    any('AWS::ECS::TaskDefinition', (r) => containersPublishMetrics(r.properties.ContainerDefinitions, t)) ||
    any('AWS::IAM::Policy', (r) => grantsPutMetricData(r.properties.PolicyDocument)) ||
    any('AWS::IAM::ManagedPolicy', (r) => grantsPutMetricData(r.properties.PolicyDocument)) ||
    any('AWS::IAM::Role', (r) => grantsPutMetricData(r.properties.Policies))
  );
}

function sub(value: unknown, key: string): unknown {
  return isPlainObject(value) ? value[key] : undefined;
}

/** A namespace the app owns: not AWS's; unknown (given at deployment) counts, as it is usually the app's. */
function isOwnNamespace(ns: string): boolean {
  return ns === TOKEN || (!ns.startsWith('AWS/') && !AWS_NAMESPACES.has(ns) && !SECURITY_NAMESPACES.has(ns));
}

/** The namespaces a metric filter publishes to; {@link TOKEN} when its transformations cannot be read. */
function filterNamespaces(filter: Resource, t: Template): string[] {
  const r = t.resolver.resolve(filter.properties.MetricTransformations);
  if (!r.known || !Array.isArray(r.value)) return [TOKEN];
  return r.value.flatMap((m) => namespacesOf(sub(m, 'MetricNamespace'), t));
}

/** The namespaces a value can take; {@link TOKEN} when it cannot be known. */
function namespacesOf(value: unknown, t: Template): readonly string[] {
  return namespaces(value, t) ?? [TOKEN];
}

function dashboardShowsOwnMetric(dashboard: Resource, t: Template): boolean {
  const text = dashboardText(dashboard.properties.DashboardBody, t.resolver);
  const found = text === undefined ? undefined : dashboardNamespaces(text);
  // a body that cannot be read may well graph the app's own metrics
  return found === undefined || found.some(isOwnNamespace);
}

function variablesPublishMetrics(variables: unknown, t: Template): boolean {
  const r = t.resolver.resolve(variables);
  return r.known && isPlainObject(r.value) && Object.keys(r.value).some((k) => EMF_VARIABLES.has(k));
}

function containersPublishMetrics(containers: unknown, t: Template): boolean {
  const r = t.resolver.resolve(containers);
  if (!r.known || !Array.isArray(r.value)) return false;
  return r.value.some((c) => {
    const env = sub(c, 'Environment');
    return (
      Array.isArray(env) &&
      env.some((e) => typeof sub(e, 'Name') === 'string' && EMF_VARIABLES.has(sub(e, 'Name') as string))
    );
  });
}

/** An IAM policy (or SAM policy list) that allows cloudwatch:PutMetricData by name, or SAM's CloudWatchPutMetricPolicy template. */
function grantsPutMetricData(value: unknown, depth = 0): boolean {
  if (depth > 12) return false;
  if (typeof value === 'string') return value.toLowerCase() === 'cloudwatch:putmetricdata';
  if (Array.isArray(value)) return value.some((v) => grantsPutMetricData(v, depth + 1));
  if (isPlainObject(value)) {
    if ('CloudWatchPutMetricPolicy' in value) return true;
    return Object.values(value).some((v) => grantsPutMetricData(v, depth + 1));
  }
  return false;
}
