import { defineRule, asStrings, keepsOwnData } from '../../lib/rule';
import { ENVIRONMENT_OPTION_DOCS, ENVIRONMENT_OPTIONS, ENVIRONMENT_OPTIONS_SCHEMA, inScope } from './environment';
import { ELB_ATTRIBUTE, isProtected, PROTECTION as TARGETS, replicaProtection } from './protection';

const DEFAULT_TYPES = [
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::Neptune::DBCluster',
  'AWS::DocDB::DBCluster',
  'AWS::Cognito::UserPool',
];

export default defineRule({
  id: 'deletion-protection',
  title: 'Databases, tables and user pools have deletion protection on',
  bestPractice: 'OPS06-BP01',
  resourceTypes: Object.keys(TARGETS),
  severity: 'warning',
  fixable: true,
  options: {
    resourceTypes: DEFAULT_TYPES as string[],
    ...ENVIRONMENT_OPTIONS,
  },
  optionsSchema: {
    resourceTypes: { type: 'array', items: { enum: Object.keys(TARGETS) } },
    ...ENVIRONMENT_OPTIONS_SCHEMA,
  },
  optionDocs: {
    resourceTypes:
      'The resource types to check. Default: RDS instances and clusters, DynamoDB tables and global tables, Neptune and DocumentDB clusters, Cognito user pools. ' +
      'Also supported: AWS::RDS::GlobalCluster, AWS::QLDB::Ledger (protected unless DeletionProtection is false), and AWS::ElasticLoadBalancingV2::LoadBalancer ' +
      '(the deletion_protection.enabled attribute; a deleted load balancer comes back with a new DNS name).',
    ...ENVIRONMENT_OPTION_DOCS,
  },
  messages: {
    notProtected:
      '{{kind}} {{name}} has no deletion protection; set {{property}} to {{value}} so that neither a stack operation nor an API call can delete it until someone turns the protection off.',
    replicaNotProtected:
      'Replica {{region}} of {{kind}} {{name}} has no deletion protection; set DeletionProtectionEnabled to true on each replica.',
  },
  why:
    'Deletion protection is the last guard when a change goes wrong: a stack deleted by mistake, a resource dropped from the template, a script ' +
    'run against the wrong account. With it on, the service refuses to delete the database, table or user pool, so the failed change stops ' +
    'instead of destroying data, and deleting it becomes a deliberate two-step act. It complements DeletionPolicy and UpdateReplacePolicy, which ' +
    'only govern CloudFormation. A lone template cannot say which environment it will be deployed to, so it is checked unless the rule is ' +
    'limited to production; in a cloud assembly, stacks that look like development or test are skipped by default. A setting switched by a ' +
    'condition (true in one branch) counts as protected.',
  fix: {
    cloudformation:
      'OrdersDatabase:\n  Type: AWS::RDS::DBCluster\n  Properties:\n    DeletionProtection: true   # or !If [IsProduction, true, false]\n' +
      'OrdersTable:\n  Type: AWS::DynamoDB::Table\n  Properties:\n    DeletionProtectionEnabled: true\n' +
      'Users:\n  Type: AWS::Cognito::UserPool\n  Properties:\n    DeletionProtection: ACTIVE',
    cdk:
      "new rds.DatabaseCluster(this, 'Database', { /* … */ deletionProtection: true });\n" +
      "new dynamodb.TableV2(this, 'Orders', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, deletionProtection: true });\n" +
      "new cognito.UserPool(this, 'Users', { deletionProtection: true });",
    cdkFor: {
      'AWS::RDS::DBInstance': "new rds.DatabaseInstance(this, 'Database', { /* … */ deletionProtection: true });",
      'AWS::RDS::DBCluster': "new rds.DatabaseCluster(this, 'Database', { /* … */ deletionProtection: true });",
      'AWS::DynamoDB::Table':
        "new dynamodb.Table(this, 'Orders', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, deletionProtection: true });",
      'AWS::DynamoDB::GlobalTable':
        "new dynamodb.TableV2(this, 'Orders', {\n  partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },\n" +
        "  deletionProtection: true,\n  replicas: [{ region: 'eu-west-1', deletionProtection: true }],\n});",
      'AWS::Neptune::DBCluster':
        '// a cluster of @aws-cdk/aws-neptune-alpha takes deletionProtection: true; in aws-cdk-lib, the L1 resource\n' +
        "new neptune.CfnDBCluster(this, 'Graph', { /* … */ deletionProtection: true });",
      'AWS::DocDB::DBCluster': "new docdb.DatabaseCluster(this, 'Documents', { /* … */ deletionProtection: true });",
      'AWS::Cognito::UserPool': "new cognito.UserPool(this, 'Users', { deletionProtection: true });",
      'AWS::RDS::GlobalCluster': "new rds.CfnGlobalCluster(this, 'Global', { /* … */ deletionProtection: true });",
      'AWS::QLDB::Ledger':
        "new qldb.CfnLedger(this, 'Ledger', { permissionsMode: 'STANDARD', deletionProtection: true });",
      'AWS::ElasticLoadBalancingV2::LoadBalancer':
        "new elbv2.ApplicationLoadBalancer(this, 'Lb', { vpc, deletionProtection: true }); // NetworkLoadBalancer the same",
    },
  },
  check(resource, ctx) {
    const target = TARGETS[resource.type];
    if (!target || !asStrings(ctx.options.resourceTypes).includes(resource.type) || !inScope(ctx))
      return ctx.notApplicable();
    const data = { kind: target.kind, name: resource.logicalId, property: target.property, value: target.value };

    // a cluster member, a read replica or an Aurora instance keeps no data of its own: its cluster or source is checked
    if (resource.type === 'AWS::RDS::DBInstance' && keepsOwnData(ctx.template, resource) !== true)
      return ctx.notApplicable();

    if (resource.type === 'AWS::DynamoDB::GlobalTable') {
      (replicaProtection(ctx) ?? []).forEach((replica, i) => {
        if (replica.protected !== false) return;
        const path = replica.path;
        ctx.report({
          messageId: 'replicaNotProtected',
          path,
          data: { ...data, region: replica.region ?? `#${i + 1}` },
          fix: { path, value: true },
        });
      });
      return;
    }
    if (isProtected(ctx) !== false) return;
    if (resource.type === 'AWS::ElasticLoadBalancingV2::LoadBalancer') {
      const fix = {
        path: 'Properties.LoadBalancerAttributes',
        key: 'Key',
        item: { Key: ELB_ATTRIBUTE, Value: 'true' },
      };
      ctx.report({ messageId: 'notProtected', path: 'Properties.LoadBalancerAttributes', data, fix });
      return;
    }
    const path = `Properties.${target.property}`;
    ctx.report({
      messageId: 'notProtected',
      path,
      data,
      fix: { path, value: target.value === 'true' ? true : target.value },
    });
  },
});
