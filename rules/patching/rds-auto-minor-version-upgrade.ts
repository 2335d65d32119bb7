import { defineRule, isFalse } from '../../lib/rule';

const KINDS: Readonly<Record<string, string>> = {
  'AWS::RDS::DBInstance': 'RDS DB instance',
  'AWS::RDS::DBCluster': 'RDS DB cluster',
  'AWS::Neptune::DBInstance': 'Neptune DB instance',
};

const PATH = 'Properties.AutoMinorVersionUpgrade';

export default defineRule({
  id: 'rds-auto-minor-version-upgrade',
  title: 'Databases apply minor engine upgrades automatically in their maintenance window',
  bestPractice: 'OPS05-BP05',
  resourceTypes: Object.keys(KINDS),
  severity: 'warning',
  fixable: true,
  optionsSchema: {},
  messages: {
    disabled:
      '{{kind}} {{name}} turns off automatic minor version upgrades; remove AutoMinorVersionUpgrade: false (the default is true) so that engine patches are applied in the maintenance window.',
  },
  why:
    'Minor engine versions carry security fixes and bug fixes. With automatic minor version upgrades off, the database ' +
    'stays on the version it was created with until someone schedules an upgrade by hand, which in practice happens late, ' +
    'under pressure, or when the version reaches end of support and AWS upgrades it anyway. Left on (the default), RDS ' +
    'and Neptune apply minor versions during the preferred maintenance window. Aurora upgrades a cluster only when every ' +
    'instance in it allows it, so the setting matters on each instance as well as on the cluster. RDS Custom instances, ' +
    'which must turn it off, are not checked; DocumentDB ignores the setting and is not checked either.',
  fix: {
    cloudformation:
      'Database:\n  Type: AWS::RDS::DBInstance\n  Properties:\n    AutoMinorVersionUpgrade: true   # or leave it out\n' +
      '    PreferredMaintenanceWindow: sun:03:00-sun:04:00',
    cdk:
      'new rds.DatabaseInstance(this, "Db", { engine, vpc, autoMinorVersionUpgrade: true }); // true is the default\n' +
      '// Aurora: rds.ClusterInstance.provisioned("Writer", { autoMinorVersionUpgrade: true }), and autoMinorVersionUpgrade on the DatabaseCluster',
  },
  check(resource, ctx) {
    // RDS Custom requires automatic minor version upgrades to be off
    if (
      ctx.satisfies('Properties.Engine', (e) => typeof e === 'string' && e.toLowerCase().startsWith('custom-')) === true
    )
      return ctx.notApplicable();
    if (ctx.satisfies(PATH, (v) => !isFalse(v)) === false) {
      ctx.report({
        messageId: 'disabled',
        path: PATH,
        data: { kind: KINDS[resource.type], name: resource.logicalId },
        fix: { path: PATH, value: true },
      });
    }
  },
});
