import {
  defineRule,
  clusterKind,
  clusterOf,
  effectiveEngine,
  isSet,
  isSetAt,
  positive,
  someValue,
  verdictAt,
} from '../../lib/rule';

export default defineRule({
  id: 'rds-enhanced-monitoring',
  title: 'RDS DB instances collect Enhanced Monitoring operating-system metrics',
  bestPractice: 'OPS04-BP02',
  resourceTypes: ['AWS::RDS::DBInstance', 'AWS::RDS::DBCluster'],
  severity: 'warning',
  optionsSchema: {},
  messages: {
    disabled:
      'RDS {{kind}} {{name}} does not turn on Enhanced Monitoring; set MonitoringInterval (1, 5, 10, 15, 30 or 60 seconds) and a MonitoringRoleArn{{where}}.',
    noRole:
      'RDS {{kind}} {{name}} sets MonitoringInterval without a MonitoringRoleArn; RDS needs a role that trusts monitoring.rds.amazonaws.com (managed policy AmazonRDSEnhancedMonitoringRole) to publish the metrics.',
  },
  why:
    "CloudWatch's standard RDS metrics come from the hypervisor once a minute. Enhanced Monitoring runs an " +
    'agent on the database host and reports operating-system metrics down to one-second granularity: CPU ' +
    'steal and wait, memory and swap, file system use and the top processes. They explain a slow database ' +
    'that the standard metrics show only as "busy". Aurora and Multi-AZ DB clusters can set it once for all ' +
    'their instances; it needs a role that lets RDS write to CloudWatch Logs. An interval switched on in some branch of an ' +
    'Fn::If whose condition the scan cannot evaluate counts (teams turn it on in production only); when parameter defaults ' +
    'decide the condition, their branch is judged and the finding says so. db.m1.small instances, which cannot have it, are ' +
    'not checked.',
  fix: {
    cloudformation:
      'Type: AWS::RDS::DBInstance   # for Aurora: on each instance, or once on the AWS::RDS::DBCluster\nProperties:\n  MonitoringInterval: 60\n' +
      '  MonitoringRoleArn: !GetAtt RdsMonitoringRole.Arn   # a role trusted by monitoring.rds.amazonaws.com with AmazonRDSEnhancedMonitoringRole',
    cdk:
      'new rds.DatabaseInstance(this, "Db", { engine, vpc, monitoringInterval: Duration.seconds(60) });   // CDK creates the monitoring role\n' +
      'new rds.DatabaseCluster(this, "Aurora", { engine, vpc, writer, monitoringInterval: Duration.seconds(60) });',
  },
  check(resource, ctx) {
    const template = ctx.template;
    const name = resource.logicalId;
    // teams switch Enhanced Monitoring per environment (`!If [IsProd, 60, 0]`): when the condition cannot be
    // evaluated, on in some branch counts as on; when the defaults decide it, their branch does (an assumption)
    const interval = someValue(ctx.values('Properties.MonitoringInterval'), positive);
    const role = someValue(ctx.values('Properties.MonitoringRoleArn'), isSet);

    if (resource.type === 'AWS::RDS::DBCluster') {
      const kind = clusterKind(template, resource);
      if (interval === true && role === false) {
        ctx.report({ messageId: 'noRole', path: 'Properties.MonitoringRoleArn', data: { kind: 'DB cluster', name } });
      } else if (kind === 'multi-az' && interval === false) {
        // a Multi-AZ DB cluster has no instance resources: the setting lives on the cluster
        ctx.report({
          messageId: 'disabled',
          path: 'Properties.MonitoringInterval',
          data: { kind: 'DB cluster', name, where: '' },
        });
      }
      // Aurora instances are checked one by one (the cluster-level setting counts for them)
      if (kind !== 'multi-az' && interval !== true) ctx.notApplicable();
      return;
    }

    const engine = effectiveEngine(template, resource);
    if (typeof engine === 'string' && engine.startsWith('custom-')) return ctx.notApplicable();
    // the one instance class Enhanced Monitoring is not available for
    if (ctx.satisfies('Properties.DBInstanceClass', (c) => c === 'db.m1.small') === true) return ctx.notApplicable();
    const membership = clusterOf(template, resource);
    if (membership.kind === 'unknown') return ctx.notApplicable();
    const cluster = membership.kind === 'member' ? membership.cluster : undefined;
    if (membership.kind === 'member' && !cluster) return ctx.notApplicable(); // a cluster defined elsewhere may set it for its instances
    const clusterInterval = cluster ? verdictAt(template, cluster, 'Properties.MonitoringInterval', positive) : false;
    const clusterRole = cluster ? isSetAt(template, cluster, 'Properties.MonitoringRoleArn').verdict : false;

    if (interval === false && clusterInterval === false) {
      const where = cluster ? `, here or on cluster ${cluster.logicalId}` : '';
      ctx.report({
        messageId: 'disabled',
        path: 'Properties.MonitoringInterval',
        data: { kind: 'DB instance', name, where },
      });
    } else if (interval === true && role === false && clusterRole === false) {
      ctx.report({ messageId: 'noRole', path: 'Properties.MonitoringRoleArn', data: { kind: 'DB instance', name } });
    }
  },
});
