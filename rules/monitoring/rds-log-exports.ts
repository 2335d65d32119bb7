import {
  defineRule,
  clusterKind,
  clusterOf,
  effectiveEngine,
  engineFamily,
  isAuroraEngine,
  possibleEngines,
  type EngineFamily,
} from '../../lib/rule';

/** The log types worth exporting first, by engine family (all valid EnableCloudwatchLogsExports values). */
const SUGGESTED: Readonly<Record<Exclude<EngineFamily, 'custom'>, string>> = {
  mysql: 'error, slowquery',
  mariadb: 'error, slowquery',
  postgres: 'postgresql, upgrade',
  oracle: 'alert, listener',
  sqlserver: 'error, agent',
  db2: 'diag.log, notify.log',
  'aurora-mysql': 'error, slowquery',
  'aurora-postgresql': 'postgresql',
};

const PATH = 'Properties.EnableCloudwatchLogsExports';

export default defineRule({
  id: 'rds-log-exports',
  title: 'RDS DB instances and clusters export their database logs to CloudWatch Logs',
  bestPractice: 'OPS04-BP02',
  resourceTypes: ['AWS::RDS::DBInstance', 'AWS::RDS::DBCluster'],
  severity: 'warning',
  options: {
    requiredLogTypes: {} as Record<string, string[]>,
  },
  optionsSchema: {
    requiredLogTypes: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
  },
  optionDocs: {
    requiredLogTypes:
      'Log types that must be exported, by engine family: mysql, mariadb, postgres, oracle, sqlserver, db2, aurora-mysql, aurora-postgresql ' +
      '(e.g. {"postgres": ["postgresql", "upgrade"], "aurora-mysql": ["error", "slowquery"]}). Default: none, so exporting any log type passes.',
  },
  messages: {
    none: 'RDS {{kind}} {{name}} exports no database logs to CloudWatch Logs; set EnableCloudwatchLogsExports ({{suggestion}}).',
    missingTypes:
      'RDS {{kind}} {{name}} does not export the {{types}} log(s) of {{engine}}; add them to EnableCloudwatchLogsExports.',
  },
  why:
    'Database error, slow query and audit logs stay on the database host unless they are exported, where ' +
    'they rotate away and can be read only one file at a time. Exported to CloudWatch Logs they are kept for ' +
    'the retention you choose, can be searched with Logs Insights next to the application logs, and can feed ' +
    'metric filters and alarms (deadlocks, failed logins, slow queries). Aurora exports logs per cluster, so ' +
    'an Aurora instance is judged on its cluster.',
  fix: {
    cloudformation:
      'Type: AWS::RDS::DBInstance        # or AWS::RDS::DBCluster for Aurora and Multi-AZ DB clusters\nProperties:\n  Engine: postgres\n' +
      '  EnableCloudwatchLogsExports: [postgresql, upgrade]   # MySQL/MariaDB: [error, slowquery, general, audit]',
    cdk:
      'new rds.DatabaseInstance(this, "Db", { engine, vpc, cloudwatchLogsExports: ["postgresql", "upgrade"], cloudwatchLogsRetention: logs.RetentionDays.ONE_MONTH });\n' +
      'new rds.DatabaseCluster(this, "Aurora", { engine, vpc, writer, cloudwatchLogsExports: ["postgresql"] });',
  },
  check(resource, ctx) {
    const instance = resource.type === 'AWS::RDS::DBInstance';
    const engine = effectiveEngine(ctx.template, resource);
    if (instance) {
      // an instance of a cluster (Aurora) exports nothing itself: the cluster's setting applies
      if (clusterOf(ctx.template, resource).kind !== 'none') return ctx.notApplicable();
      // in any branch of an Fn::If on its Engine
      if (
        possibleEngines(ctx.template, resource).some(
          (e) => typeof e === 'string' && (isAuroraEngine(e) || e.startsWith('custom-')),
        )
      )
        return ctx.notApplicable();
    } else if (clusterKind(ctx.template, resource) === 'aurora-serverless-v1') {
      // Aurora Serverless v1 publishes the logs its parameter group turns on; it has no export setting
      return ctx.notApplicable();
    }
    const family = typeof engine === 'string' ? engineFamily(engine) : undefined;
    const kind = instance ? 'DB instance' : 'DB cluster';
    const name = resource.logicalId;

    const exported = ctx.satisfies(PATH, (v) => Array.isArray(v) && v.length > 0);
    if (exported === false) {
      const suggestion =
        family && family !== 'custom' ? `for ${engine}: ${SUGGESTED[family]}` : 'the log types of its engine';
      ctx.report({ messageId: 'none', path: PATH, data: { kind, name, suggestion } });
      return;
    }
    if (exported !== true || !family) return;
    const required = ctx.options.requiredLogTypes[family];
    if (!Array.isArray(required) || required.length === 0) return;
    const r = ctx.get(PATH);
    if (!r.known) return;
    const list = ctx.template.resolver.deep(r.value);
    if (!list.known || !Array.isArray(list.value)) return;
    const missing = required.filter((t) => !(list.value as unknown[]).includes(t));
    if (missing.length > 0)
      ctx.report({
        messageId: 'missingTypes',
        path: PATH,
        data: { kind, name, types: missing.join(', '), engine: engine as string },
      });
  },
});
