import {
  defineRule,
  type ResourceContext,
  type Reference,
  isPlainObject,
  type Resource,
  type Template,
} from '../../lib/rule';
import { splitWords } from '../environments/classify';

const BUCKET = 'AWS::S3::Bucket';
const BUCKET_POLICY = 'AWS::S3::BucketPolicy';

/** Service principals that deliver logs into a bucket: a bucket policy granting one of them marks a log bucket. */
const LOG_DELIVERY_PRINCIPALS = [
  'logging.s3.amazonaws.com',
  'delivery.logs.amazonaws.com',
  'logdelivery.elasticloadbalancing.amazonaws.com',
  'cloudtrail.amazonaws.com',
  'config.amazonaws.com',
];

/** Resource types whose reference to a bucket makes it their log or artifact store, whatever the property. */
const LOG_WRITERS = new Set([
  'AWS::CloudTrail::Trail',
  'AWS::Config::DeliveryChannel',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::Logs::DeliveryDestination',
  'AWS::CodePipeline::Pipeline',
  'AWS::Synthetics::Canary',
]);

type Scope = 'all' | 'served';

export default defineRule({
  id: 's3-access-logging',
  title: 'S3 buckets record server access logs',
  bestPractice: 'OPS04-BP02',
  resourceTypes: [BUCKET],
  severity: 'info',
  options: { buckets: 'all' as Scope },
  optionsSchema: { buckets: { enum: ['all', 'served'] } },
  optionDocs: {
    buckets:
      '"all" (default): every bucket except log destinations and CDK/pipeline plumbing; "served": only buckets that clients ' +
      'reach directly, those with website hosting, a public-read ACL or a bucket policy that lets anyone read objects.',
  },
  messages: {
    notEnabled:
      'S3 bucket {{name}} records no server access logs; set LoggingConfiguration.DestinationBucketName to a separate log bucket.',
  },
  why:
    'Server access logs list each request made to a bucket: requester, operation, key, status, error code and ' +
    'timing. For a bucket that is part of the application, such as a website, an upload target or a data store read ' +
    "by other services, they explain 403s and 404s, throttling (503 Slow Down) and unexpected callers that S3's " +
    'request metrics only count. They are delivered on a best-effort basis, to another bucket. Buckets that are ' +
    'themselves log destinations (for other buckets, load balancers, CloudFront, CloudTrail, Config or flow logs, ' +
    'or named for logs, such as AccessLogsBucket or app-logs), ' +
    'CDK bootstrap staging buckets, pipeline artifact stores and canary artifact buckets are not checked: logging ' +
    'their access adds cost and noise without telling much about the workload.',
  fix: {
    cloudformation:
      'DataBucket:\n  Type: AWS::S3::Bucket\n  Properties:\n    LoggingConfiguration:\n      DestinationBucketName: !Ref AccessLogBucket\n      LogFilePrefix: data/\n' +
      'AccessLogBucket:\n  Type: AWS::S3::Bucket          # its bucket policy lets logging.s3.amazonaws.com put objects',
    cdk: 'new s3.Bucket(this, "Data", { serverAccessLogsBucket: accessLogBucket, serverAccessLogsPrefix: "data/" });',
  },
  check(resource, ctx) {
    if (ctx.satisfies('Properties.LoggingConfiguration', (v) => v !== undefined && v !== null) !== false) return;
    if (isLogDestination(resource, ctx) || isCdkStagingBucket(resource) || namedForLogs(resource))
      return ctx.notApplicable();
    if (ctx.options.buckets === 'served' && !isServed(ctx)) return ctx.notApplicable();
    ctx.report({
      messageId: 'notEnabled',
      path: 'Properties.LoggingConfiguration',
      data: { name: resource.logicalId },
    });
  },
});

type Ctx = ResourceContext<{ buckets: Scope }>;

/** A bucket that receives logs (or artifacts) from another resource of the template, by reference or by name. */
function isLogDestination(bucket: Resource, ctx: Ctx): boolean {
  if (ctx.satisfies('Properties.AccessControl', (v) => v === 'LogDeliveryWrite') === true) return true;
  for (const { resource: from, references } of ctx.referrers()) {
    if (from.type === BUCKET_POLICY) {
      if (references.some((r) => r.path[1] === 'Bucket') && grantsLogDelivery(from, ctx.template)) return true;
      continue;
    }
    if (LOG_WRITERS.has(from.type) || references.some(inLogProperty)) return true;
  }
  const name = ctx.get('Properties.BucketName');
  if (!name.known || typeof name.value !== 'string') return false;
  return ctx.memo('log-bucket-names', () => logBucketNames(ctx.template)).has(name.value.toLowerCase());
}

/** A reference under a property about logs: LoggingConfiguration, Logging, AccessLoggingPolicy, LogDestination, LogUri… */
function inLogProperty(ref: Reference): boolean {
  return ref.path.some(
    (seg) => typeof seg === 'string' && words(seg).some((w) => w === 'log' || w === 'logs' || w === 'logging'),
  );
}

/** A bucket policy statement letting a log delivery service write, or writing under the AWSLogs/ prefix every AWS log delivery uses. */
function grantsLogDelivery(policy: Resource, template: Template): boolean {
  const doc = template.valueAt(policy, 'Properties.PolicyDocument');
  if (!doc.known || !isPlainObject(doc.value)) return false;
  const statements = doc.value.Statement;
  for (const s of Array.isArray(statements) ? statements : [statements]) {
    if (!isPlainObject(s)) continue;
    const text = JSON.stringify([s.Principal ?? null, s.Resource ?? null]);
    if (LOG_DELIVERY_PRINCIPALS.some((p) => text.includes(p)) || text.includes('/AWSLogs/')) return true;
  }
  return false;
}

/** Bucket names written literally where logs are delivered: S3 server access logs, CloudTrail, load balancers, CloudFront. */
function logBucketNames(template: Template): Set<string> {
  const names = new Set<string>();
  const add = (r: Resource, path: string, strip?: RegExp): void => {
    const v = template.valueAt(r, path);
    if (v.known && typeof v.value === 'string') names.add((strip ? v.value.replace(strip, '') : v.value).toLowerCase());
  };
  for (const r of template.resourcesOfType(BUCKET)) add(r, 'Properties.LoggingConfiguration.DestinationBucketName');
  for (const r of template.resourcesOfType('AWS::CloudTrail::Trail')) add(r, 'Properties.S3BucketName');
  for (const r of template.resourcesOfType('AWS::ElasticLoadBalancing::LoadBalancer'))
    add(r, 'Properties.AccessLoggingPolicy.S3BucketName');
  for (const r of template.resourcesOfType('AWS::CloudFront::Distribution')) {
    add(r, 'Properties.DistributionConfig.Logging.Bucket', /\.s3(\.[a-z0-9-]+)?\.amazonaws\.com(\.cn)?$/);
  }
  for (const r of template.resourcesOfType('AWS::ElasticLoadBalancingV2::LoadBalancer')) {
    const attrs = template.valueAt(r, 'Properties.LoadBalancerAttributes');
    if (!attrs.known || !Array.isArray(attrs.value)) continue;
    for (const a of attrs.value) {
      if (isPlainObject(a) && typeof a.Key === 'string' && a.Key.endsWith('.s3.bucket') && typeof a.Value === 'string')
        names.add(a.Value.toLowerCase());
    }
  }
  return names;
}

/** The CDK bootstrap stack's staging bucket (`cdk-<qualifier>-assets-<account>-<region>`). */
function isCdkStagingBucket(bucket: Resource): boolean {
  const raw = JSON.stringify(bucket.properties.BucketName ?? '');
  return /cdk-\$\{Qualifier\}-assets|cdk-[a-z0-9]+-assets-/.test(raw);
}

/** Words that say a bucket holds logs, found in its logical id or name: `AccessLogsBucket`, `alb-logs`, `LoggingBucket`. */
const LOG_WORD =
  /^(log|logs|logging|(access|audit|server|elb|alb|nlb|lb|cdn|cf|cloudfront|s3|trail|cloudtrail|flow|vpc|waf)logs?)$/;

function namedForLogs(bucket: Resource): boolean {
  // the name as written: a literal, or the text of an Fn::Sub / Fn::Join such as `${AWS::StackName}-access-logs`
  const written = JSON.stringify(bucket.properties.BucketName ?? '');
  return [bucket.logicalId, written].some((t) => words(t).some((w) => LOG_WORD.test(w)));
}

function words(text: string): string[] {
  return splitWords(text)
    .split(/[^A-Za-z0-9]+/)
    .map((w) => w.toLowerCase())
    .filter((w) => w !== '');
}

/** A bucket clients reach directly: website hosting, a public-read ACL, or a policy letting anyone read objects. */
function isServed(ctx: Ctx): boolean {
  if (ctx.satisfies('Properties.WebsiteConfiguration', (v) => v !== undefined) !== false) return true;
  if (ctx.satisfies('Properties.AccessControl', (v) => v === 'PublicRead' || v === 'PublicReadWrite') !== false)
    return true;
  for (const { resource: policy, references } of ctx.referrers([BUCKET_POLICY])) {
    if (!references.some((r) => r.path[1] === 'Bucket')) continue;
    const doc = ctx.template.valueAt(policy, 'Properties.PolicyDocument');
    if (!doc.known || !isPlainObject(doc.value)) continue;
    const statements = doc.value.Statement;
    for (const s of Array.isArray(statements) ? statements : [statements]) {
      if (
        isPlainObject(s) &&
        s.Effect === 'Allow' &&
        isAnyone(s.Principal) &&
        s.Condition === undefined &&
        readsObjects(s.Action)
      )
        return true;
    }
  }
  return false;
}

function isAnyone(principal: unknown): boolean {
  if (principal === '*') return true;
  if (!isPlainObject(principal)) return false;
  const aws = principal.AWS;
  return aws === '*' || (Array.isArray(aws) && aws.includes('*'));
}

function readsObjects(action: unknown): boolean {
  const actions = Array.isArray(action) ? action : [action];
  return actions.some((a) => typeof a === 'string' && /^(s3:\*|s3:GetObject\*?|\*)$/i.test(a));
}
