import {
  defineRule,
  clusterKind,
  clusterOf,
  effectiveEngine,
  engineFamily,
  isTrue,
  stringAt,
  verdictAt,
  type EngineFamily,
  type Resource,
  type Template,
} from '../../lib/rule';

/** Small burstable classes without Performance Insights for RDS for MySQL and MariaDB. */
const SMALL_BURSTABLE = /^db\.(t2|t3|t4g)\.(micro|small)$/;
/** Aurora MySQL: no Performance Insights on db.t2 and db.t3, nor on db.t4g.micro and db.t4g.small. */
const AURORA_MYSQL_UNSUPPORTED = /^db\.(t2|t3)\.|^db\.t4g\.(micro|small)$/;

/**
 * Whether Performance Insights can be turned on for this engine family and instance class: true, false, or
 * undefined when the answer depends on something not known (an unknown engine or class).
 */
function supported(family: EngineFamily | undefined | null, instanceClass: string | undefined): boolean | undefined {
  if (family === 'custom' || family === 'db2') return false;
  const cls = instanceClass?.toLowerCase();
  if (family === 'mysql' || family === 'mariadb') return cls === undefined ? undefined : !SMALL_BURSTABLE.test(cls);
  if (family === 'aurora-mysql') return cls === undefined ? undefined : !AURORA_MYSQL_UNSUPPORTED.test(cls);
  if (family === null || family === undefined) {
    // any engine but MySQL-like ones supports every class; a small burstable class may be unsupported
    return cls === undefined || /^db\.t/.test(cls) ? undefined : true;
  }
  return true;
}

/** Performance Insights on (true), off (false) or unknown, from its flag or the Advanced mode of Database Insights. */
function on(template: Template, resource: Resource, path: string): boolean | undefined {
  const enabled = verdictAt(template, resource, path, isTrue);
  if (enabled === true) return true;
  // the Advanced mode of Database Insights requires (and implies) Performance Insights
  const advanced = verdictAt(template, resource, 'Properties.DatabaseInsightsMode', (m) => m === 'advanced');
  if (advanced === true) return true;
  return enabled === false && advanced === false ? false : undefined;
}

export default defineRule({
  id: 'rds-performance-insights',
  title: 'RDS DB instances have Performance Insights turned on where the engine and class support it',
  bestPractice: 'OPS04-BP02',
  resourceTypes: ['AWS::RDS::DBInstance', 'AWS::RDS::DBCluster'],
  severity: 'info',
  fixable: true,
  optionsSchema: {},
  messages: {
    disabled:
      'RDS {{kind}} {{name}} ({{engine}}) does not turn on Performance Insights; set {{property}} to true{{where}} to see database load by wait event and SQL statement in CloudWatch Database Insights (which replaces the Performance Insights console).',
  },
  why:
    'When a database is slow, the first question is what it is waiting on and which statements cause the ' +
    'load. Performance Insights samples active sessions every second and answers that by wait event, SQL ' +
    'statement, host and user, with seven days of history at no charge. Since the Performance Insights console ' +
    'was retired in 2026, CloudWatch Database Insights shows the same data; the property still turns it on. ' +
    'The rule stays silent where it cannot be turned on: RDS for Db2, RDS Custom, MySQL and MariaDB on micro and ' +
    'small burstable classes, and Aurora MySQL on db.t2, db.t3 and the smallest db.t4g classes. It is informational: the cost is small, but some teams leave it off for development databases.',
  fix: {
    cloudformation:
      'Type: AWS::RDS::DBInstance\nProperties:\n  EnablePerformanceInsights: true\n  PerformanceInsightsRetentionPeriod: 7\n' +
      '# Aurora: on each AWS::RDS::DBInstance, or PerformanceInsightsEnabled: true on the AWS::RDS::DBCluster',
    cdk:
      'new rds.DatabaseInstance(this, "Db", { engine, vpc, enablePerformanceInsights: true });\n' +
      'new rds.DatabaseCluster(this, "Aurora", { engine, vpc, writer, enablePerformanceInsights: true });',
  },
  check(resource, ctx) {
    const template = ctx.template;
    const engine = effectiveEngine(template, resource);
    const membership = resource.type === 'AWS::RDS::DBInstance' ? clusterOf(template, resource) : undefined;
    const family = typeof engine === 'string' ? engineFamily(engine) : engine === undefined ? undefined : null;
    const engineText = typeof engine === 'string' ? engine : 'engine not known';

    if (resource.type === 'AWS::RDS::DBCluster') {
      // Aurora clusters are judged through their instances; a Multi-AZ DB cluster has no instance resources
      if (clusterKind(template, resource) !== 'multi-az') return ctx.notApplicable();
      if (on(template, resource, 'Properties.PerformanceInsightsEnabled') === false) {
        ctx.report({
          messageId: 'disabled',
          path: 'Properties.PerformanceInsightsEnabled',
          data: {
            kind: 'DB cluster',
            name: resource.logicalId,
            engine: engineText,
            property: 'PerformanceInsightsEnabled',
            where: '',
          },
          fix: { path: 'Properties.PerformanceInsightsEnabled', value: true },
        });
      }
      return;
    }

    if (!membership || membership.kind === 'unknown') return ctx.notApplicable();
    let where = '';
    if (membership.kind === 'member') {
      const cluster = membership.cluster;
      if (!cluster) return ctx.notApplicable(); // a cluster defined elsewhere may turn it on for its instances
      const clusterOn = on(template, cluster, 'Properties.PerformanceInsightsEnabled');
      if (clusterOn !== false) return;
      where = ` (or PerformanceInsightsEnabled on cluster ${cluster.logicalId})`;
    }
    if (supported(family, stringAt(template, resource, 'Properties.DBInstanceClass')) !== true)
      return ctx.notApplicable();
    if (on(template, resource, 'Properties.EnablePerformanceInsights') === false) {
      ctx.report({
        messageId: 'disabled',
        path: 'Properties.EnablePerformanceInsights',
        data: {
          kind: 'DB instance',
          name: resource.logicalId,
          engine: engineText,
          property: 'EnablePerformanceInsights',
          where,
        },
        fix: { path: 'Properties.EnablePerformanceInsights', value: true },
      });
    }
  },
});
