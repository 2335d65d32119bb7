/**
 * The built-in packs as a catalogue: each pack's id and the ids of its rules, in order, and how to load it. A scan
 * that names its rules (`opslint scan --rule …`) loads only the packs that hold them; rules/index.ts loads them
 * all. test/lazy-packs.test.ts keeps the ids here the same as the packs'.
 */
import type { Pack } from '../lib/rule';

export interface CatalogueEntry {
  readonly id: string;
  /** the pack's rule ids, in the pack's order */
  readonly rules: readonly string[];
  /** the pack (loaded on the first call: a module is loaded once) */
  readonly load: () => Pack;
}

/**
 * A pack of the catalogue: its module is rules/<id>/pack.ts, required by `load` with a literal path, which a bundler
 * can follow (the one-file CLI, scripts/build.js).
 */
const entry = (id: string, rules: readonly string[], load: () => { default: Pack }): CatalogueEntry => ({
  id,
  rules,
  load: () => load().default,
});

/** opslint's own packs, in the order of the OPS questions. */
export const BUILTIN_CATALOGUE: readonly CatalogueEntry[] = [
  entry('ownership', ['stack-owner-tag', 'resource-owner-tag'], () => require('./ownership/pack')),
  entry('kpis', ['business-metrics'], () => require('./kpis/pack')),
  entry(
    'logging',
    [
      'log-group-retention',
      'lambda-log-group',
      'lambda-structured-logs',
      'ecs-container-logging',
      'stepfunctions-logging',
      'appsync-logging',
      'codebuild-logs',
    ],
    () => require('./logging/pack'),
  ),
  entry(
    'access-logs',
    [
      'apigateway-execution-logging',
      'apigateway-access-logs',
      'load-balancer-access-logs',
      'cloudfront-logging',
      's3-access-logging',
    ],
    () => require('./access-logs/pack'),
  ),
  entry(
    'monitoring',
    [
      'ecs-container-insights',
      'rds-log-exports',
      'rds-enhanced-monitoring',
      'rds-performance-insights',
      'ec2-detailed-monitoring',
      'beanstalk-enhanced-health',
      'asg-elb-health-check',
    ],
    () => require('./monitoring/pack'),
  ),
  entry(
    'cloudtrail',
    [
      'cloudtrail-present',
      'cloudtrail-logging',
      'cloudtrail-multi-region',
      'cloudtrail-log-validation',
      'cloudtrail-cloudwatch-logs',
    ],
    () => require('./cloudtrail/pack'),
  ),
  entry('user-experience', ['entry-point-canary'], () => require('./user-experience/pack')),
  entry('flow-logs', ['vpc-flow-logs'], () => require('./flow-logs/pack')),
  entry(
    'tracing',
    [
      'lambda-tracing',
      'apigateway-tracing',
      'stepfunctions-tracing',
      'appsync-tracing',
      'traced-to-untraced',
      'ecs-tracing-sidecar',
    ],
    () => require('./tracing/pack'),
  ),
  entry('configuration', ['config-recorder-present', 'config-recorder-all-resources'], () =>
    require('./configuration/pack'),
  ),
  entry('pipelines', ['pipeline-test-action', 'pipeline-approval-before-production'], () =>
    require('./pipelines/pack'),
  ),
  entry('patching', ['instance-patching', 'lambda-runtime-supported', 'rds-auto-minor-version-upgrade'], () =>
    require('./patching/pack'),
  ),
  entry(
    'environments',
    ['multiple-environments', 'production-account-region', 'production-account-isolation', 'observability-parity'],
    () => require('./environments/pack'),
  ),
  entry('recovery', ['stateful-resource-retention', 'deletion-protection', 'production-termination-protection'], () =>
    require('./recovery/pack'),
  ),
  entry(
    'deployments',
    ['codedeploy-gradual', 'sam-gradual-deployment', 'ecs-rolling-capacity', 'asg-update-policy', 'appconfig-gradual'],
    () => require('./deployments/pack'),
  ),
  entry('rollback', ['ecs-deployment-rollback', 'codedeploy-auto-rollback', 'sam-deployment-alarms'], () =>
    require('./rollback/pack'),
  ),
  entry('runbooks', ['alarm-runbook-link'], () => require('./runbooks/pack')),
  entry('anomaly-detection', ['anomaly-detection'], () => require('./anomaly-detection/pack')),
  entry('alarms', ['alarm-actions', 'alarm-coverage'], () => require('./alarms/pack')),
  entry('dashboards', ['dashboard-present'], () => require('./dashboards/pack')),
  entry(
    'failure-capture',
    [
      'queue-dead-letter',
      'dead-letter-queue-type',
      'lambda-async-failure-destination',
      'event-source-failure-destination',
      'eventbridge-target-dlq',
      'sns-subscription-dlq',
    ],
    () => require('./failure-capture/pack'),
  ),
  entry(
    'incident-response',
    ['alarm-topic-subscribed', 'incident-response-plan', 'health-event-notifications', 'automated-remediation'],
    () => require('./incident-response/pack'),
  ),
];

const BY_NAME = new Map<string, readonly CatalogueEntry[]>();
for (const entry of BUILTIN_CATALOGUE) {
  for (const name of [entry.id, ...entry.rules]) BY_NAME.set(name, [...(BY_NAME.get(name) ?? []), entry]);
}

/** Every built-in rule id, in the order of the packs. */
export const BUILTIN_RULE_IDS: readonly string[] = BUILTIN_CATALOGUE.flatMap((e) => e.rules);

/**
 * The built-in packs that hold the rules or are the packs `names` name, in catalogue order; undefined when a name
 * is neither (another pack's rule, or a typo, which only the whole catalogue can answer for).
 */
export function builtinPacksNaming(names: Iterable<string>): Pack[] | undefined {
  const wanted = new Set<CatalogueEntry>();
  for (const name of names) {
    const entries = BY_NAME.get(name);
    if (!entries) return undefined;
    for (const e of entries) wanted.add(e);
  }
  return BUILTIN_CATALOGUE.filter((e) => wanted.has(e)).map((e) => e.load());
}

/** Whether `pack` is one of the built-in packs (loading at most the one of its id). */
export function isBuiltinPack(pack: Pack): boolean {
  return BY_NAME.get(pack.id)?.some((e) => e.id === pack.id && e.load() === pack) ?? false;
}
