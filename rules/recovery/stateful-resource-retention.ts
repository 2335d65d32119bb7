import { defineRule, asStrings, keepsOwnData, UNKNOWN } from '../../lib/rule';
import { ENVIRONMENT_OPTION_DOCS, ENVIRONMENT_OPTIONS, ENVIRONMENT_OPTIONS_SCHEMA, inScope } from './environment';
import { isProtected } from './protection';

/** The values CloudFormation takes for DeletionPolicy and UpdateReplacePolicy. */
const POLICIES = new Set(['Delete', 'Retain', 'RetainExceptOnCreate', 'Snapshot']);

/** What a message calls each type the rule can check. The `resourceTypes` option picks among them. */
const KINDS: Readonly<Record<string, string>> = {
  'AWS::RDS::DBInstance': 'RDS instance',
  'AWS::RDS::DBCluster': 'RDS cluster',
  'AWS::DynamoDB::Table': 'DynamoDB table',
  'AWS::DynamoDB::GlobalTable': 'DynamoDB global table',
  'AWS::Serverless::SimpleTable': 'DynamoDB table',
  'AWS::S3::Bucket': 'S3 bucket',
  'AWS::EFS::FileSystem': 'EFS file system',
  'AWS::ElastiCache::ReplicationGroup': 'ElastiCache replication group',
  'AWS::Neptune::DBCluster': 'Neptune cluster',
  'AWS::DocDB::DBCluster': 'DocumentDB cluster',
  'AWS::OpenSearchService::Domain': 'OpenSearch domain',
  'AWS::Elasticsearch::Domain': 'Elasticsearch domain',
  'AWS::Redshift::Cluster': 'Redshift cluster',
  'AWS::Cognito::UserPool': 'Cognito user pool',
  // supported, off by default: their data is short-lived, rebuilt elsewhere, or not always worth keeping
  'AWS::Kinesis::Stream': 'Kinesis stream',
  'AWS::FSx::FileSystem': 'FSx file system',
  'AWS::EC2::Volume': 'EBS volume',
  'AWS::ElastiCache::CacheCluster': 'ElastiCache cluster',
  'AWS::Logs::LogGroup': 'Log group',
  'AWS::SQS::Queue': 'SQS queue',
  'AWS::KMS::Key': 'KMS key',
  'AWS::SecretsManager::Secret': 'Secret',
  'AWS::ECR::Repository': 'ECR repository',
  'AWS::Backup::BackupVault': 'Backup vault',
  'AWS::QLDB::Ledger': 'QLDB ledger',
};

const DEFAULT_TYPES = [
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::Serverless::SimpleTable',
  // S3 buckets are left to the option: CloudFormation refuses to delete a bucket that holds objects, so the
  // stack operation fails rather than the data going, and flagging every bucket was most of the noise
  'AWS::EFS::FileSystem',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::Neptune::DBCluster',
  'AWS::DocDB::DBCluster',
  'AWS::OpenSearchService::Domain',
  'AWS::Elasticsearch::Domain',
  'AWS::Redshift::Cluster',
  'AWS::Cognito::UserPool',
];

/** The types for which CloudFormation can take a snapshot before deleting (DeletionPolicy / UpdateReplacePolicy `Snapshot`). */
const SNAPSHOT_TYPES = new Set([
  'AWS::EC2::Volume',
  'AWS::ElastiCache::CacheCluster',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::Neptune::DBCluster',
  'AWS::DocDB::DBCluster',
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::Redshift::Cluster',
]);

type Policy = 'DeletionPolicy' | 'UpdateReplacePolicy';

export default defineRule({
  id: 'stateful-resource-retention',
  title: 'Databases, tables, buckets and file systems keep their data when a stack change deletes or replaces them',
  bestPractice: 'OPS06-BP01',
  resourceTypes: Object.keys(KINDS),
  severity: 'warning',
  options: {
    resourceTypes: DEFAULT_TYPES as string[],
    ...ENVIRONMENT_OPTIONS,
  },
  optionsSchema: {
    resourceTypes: { type: 'array', items: { enum: Object.keys(KINDS) } },
    ...ENVIRONMENT_OPTIONS_SCHEMA,
  },
  optionDocs: {
    resourceTypes:
      'The stateful resource types to check. Default: RDS instances and clusters, DynamoDB tables and global tables (and SAM simple tables), ' +
      'EFS file systems, ElastiCache replication groups, Neptune and DocumentDB clusters, OpenSearch and Elasticsearch domains, Redshift clusters and Cognito user pools. ' +
      'Also supported: AWS::S3::Bucket (DeletionPolicy only), AWS::Kinesis::Stream, AWS::FSx::FileSystem, AWS::EC2::Volume, AWS::ElastiCache::CacheCluster, AWS::Logs::LogGroup, AWS::SQS::Queue, ' +
      'AWS::KMS::Key, AWS::SecretsManager::Secret, AWS::ECR::Repository, AWS::Backup::BackupVault, AWS::QLDB::Ledger.',
    ...ENVIRONMENT_OPTION_DOCS,
  },
  messages: {
    deletionPolicy:
      '{{kind}} {{name}} {{state}}, so CloudFormation deletes it and its data when the stack is deleted or the resource leaves the template; set DeletionPolicy to {{advice}}.',
    updateReplacePolicy:
      '{{kind}} {{name}} {{state}}, so an update that replaces it deletes the old one and its data; set UpdateReplacePolicy to {{advice}}.',
    bucketDeletionPolicy:
      'S3 bucket {{name}} {{state}}: deleting the stack or removing the bucket from the template fails while it holds objects and deletes it once it is empty (or emptied by a cleanup function); set DeletionPolicy to Retain (or RetainExceptOnCreate).',
    snapshotUnsupported:
      '{{kind}} {{name}} sets {{policy}} to Snapshot, which CloudFormation does not support for {{type}}; set it to Retain.',
  },
  why:
    'A change can go wrong in ways that delete data: a stack deletion, a resource removed from the template by mistake, or a property edit ' +
    'that makes CloudFormation replace the resource (a new table name, a new engine) and then delete the old one. Without a policy, CloudFormation ' +
    'deletes the resource and everything in it (RDS instances and clusters get a final snapshot on deletion, but not on replacement; a bucket that ' +
    'still holds objects makes the deletion fail, and a replaced one is left behind, so buckets are checked for DeletionPolicy only). ' +
    'DeletionPolicy covers deletion and UpdateReplacePolicy covers replacement; Retain (or RetainExceptOnCreate for DeletionPolicy) keeps the resource, ' +
    'and Snapshot keeps a backup for the databases, caches and volumes that support it. A resource with deletion protection on (see deletion-protection) ' +
    'is not deleted either way: the deletion fails. Instances that keep no data of their own (Aurora instances, cluster members, read replicas) are ' +
    'left to their cluster or source. Stacks of a cloud assembly that look like development or test are ' +
    'not checked by default, since throwaway environments often destroy their data on purpose.',
  fix: {
    cloudformation:
      'OrdersTable:\n  Type: AWS::DynamoDB::Table        # SAM: the same attributes on AWS::Serverless::SimpleTable\n' +
      '  DeletionPolicy: Retain            # or RetainExceptOnCreate\n  UpdateReplacePolicy: Retain\n  Properties:\n    # …\n' +
      'OrdersDatabase:\n  Type: AWS::RDS::DBCluster\n  DeletionPolicy: Snapshot\n  UpdateReplacePolicy: Snapshot\n  Properties:\n    # …',
    cdk:
      '// removalPolicy sets both DeletionPolicy and UpdateReplacePolicy; most stateful L2 constructs default to RETAIN\n' +
      "new dynamodb.TableV2(this, 'Orders', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, removalPolicy: cdk.RemovalPolicy.RETAIN });\n" +
      "new rds.DatabaseCluster(this, 'Database', { /* … */ removalPolicy: cdk.RemovalPolicy.SNAPSHOT });\n" +
      '// any other construct\nresource.applyRemovalPolicy(cdk.RemovalPolicy.RETAIN);',
  },
  check(resource, ctx) {
    const kind = KINDS[resource.type];
    if (!kind || !asStrings(ctx.options.resourceTypes).includes(resource.type) || !inScope(ctx))
      return ctx.notApplicable();
    // a cluster member, a read replica or an Aurora instance keeps no data of its own: its cluster or source is checked
    if (resource.type === 'AWS::RDS::DBInstance' && keepsOwnData(ctx.template, resource) !== true)
      return ctx.notApplicable();
    // with deletion protection on, a deletion (of the stack, or of the old resource after a replacement) fails instead
    if (isProtected(ctx) === true) return;
    const snapshots = SNAPSHOT_TYPES.has(resource.type);
    // without a DeletionPolicy, CloudFormation snapshots RDS clusters and stand-alone RDS instances; every other type is deleted
    const deletionDefault =
      resource.type === 'AWS::RDS::DBCluster' || resource.type === 'AWS::RDS::DBInstance' ? 'Snapshot' : 'Delete';
    const bucket = resource.type === 'AWS::S3::Bucket';
    const policies: [Policy, string, readonly string[], string][] = [
      [
        'DeletionPolicy',
        deletionDefault,
        ['Retain', 'RetainExceptOnCreate'],
        snapshots ? 'Snapshot or Retain' : 'Retain (or RetainExceptOnCreate)',
      ],
    ];
    // CloudFormation cannot delete a bucket that holds objects, so a replaced bucket with data is left behind whatever the policy
    if (!bucket)
      policies.push(['UpdateReplacePolicy', 'Delete', ['Retain'], snapshots ? 'Snapshot or Retain' : 'Retain']);
    for (const [policy, fallback, retaining, advice] of policies) {
      const keeps = (v: unknown): boolean => {
        const value = v === undefined ? fallback : v;
        return retaining.includes(value as string) || (value === 'Snapshot' && snapshots);
      };
      const values = ctx.values(policy, { everyBranch: true });
      if (values.some((v) => v !== UNKNOWN && keeps(v))) continue;
      if (values.includes(UNKNOWN)) continue;
      const written = values.find((v) => v !== undefined);
      // a value that is no policy at all (a list, CopyRegion) makes CloudFormation reject the template: its validation reports that
      if (written !== undefined && (typeof written !== 'string' || !POLICIES.has(written))) continue;
      const data = { kind, name: resource.logicalId, type: resource.type, policy, advice };
      if (written === 'Snapshot') {
        ctx.report({ messageId: 'snapshotUnsupported', path: policy, data });
      } else {
        const state = written === undefined ? `has no ${policy}` : `has ${policy} ${written}`;
        const messageId =
          policy === 'UpdateReplacePolicy' ? 'updateReplacePolicy' : bucket ? 'bucketDeletionPolicy' : 'deletionPolicy';
        ctx.report({ messageId, path: policy, data: { ...data, state } });
      }
    }
  },
});
