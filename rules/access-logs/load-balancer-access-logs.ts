import {
  defineRule,
  type ResourceContext,
  firstProblem,
  isSet,
  isTrue,
  UNKNOWN,
  type Judgement,
  isPlainObject,
  type JsonPath,
} from '../../lib/rule';
import { deliversVendedLogs } from './delivery';

const ELBV2 = 'AWS::ElasticLoadBalancingV2::LoadBalancer';
const CLASSIC = 'AWS::ElasticLoadBalancing::LoadBalancer';
const LISTENER = 'AWS::ElasticLoadBalancingV2::Listener';
const ENABLED_KEY = 'access_logs.s3.enabled';
const BUCKET_KEY = 'access_logs.s3.bucket';

export default defineRule({
  id: 'load-balancer-access-logs',
  title: 'Application, Network and Classic Load Balancers write access logs',
  bestPractice: 'OPS04-BP02',
  resourceTypes: [ELBV2, CLASSIC],
  severity: 'warning',
  optionsSchema: {},
  messages: {
    notEnabled:
      'Application Load Balancer {{name}} writes no access logs; set LoadBalancerAttributes access_logs.s3.enabled to "true" and access_logs.s3.bucket to the log bucket.',
    tlsNotEnabled:
      'Network Load Balancer {{name}} has a TLS listener ({{listener}}) but writes no access logs; set LoadBalancerAttributes access_logs.s3.enabled to "true" and access_logs.s3.bucket to the log bucket.',
    noBucket:
      'Load balancer {{name}} turns access logs on but names no bucket; add the LoadBalancerAttributes entry access_logs.s3.bucket.',
    classicNotEnabled:
      'Classic Load Balancer {{name}} writes no access logs; set AccessLoggingPolicy.Enabled to true with an S3BucketName.',
  },
  why:
    "A load balancer's access log records every request it handled: client, target, status codes from the " +
    'load balancer and from the target, and the time spent in each. When users see errors, it tells apart a ' +
    'target that failed (target status 5XX), a target that was slow or gone (ELB 502/503/504) and a client that ' +
    'gave up, which metrics alone cannot. Access logs are off by default. Network Load Balancers log only TLS ' +
    'connections, so they are checked only when they have a TLS listener; Gateway Load Balancers have no access logs.',
  fix: {
    cloudformation:
      'LoadBalancer:\n  Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n  Properties:\n    LoadBalancerAttributes:\n' +
      '      - Key: access_logs.s3.enabled\n        Value: "true"\n      - Key: access_logs.s3.bucket\n        Value: !Ref AccessLogBucket   # its bucket policy lets Elastic Load Balancing write\n' +
      '      - Key: access_logs.s3.prefix\n        Value: web\n' +
      '# Classic: AWS::ElasticLoadBalancing::LoadBalancer AccessLoggingPolicy: { Enabled: true, S3BucketName: !Ref AccessLogBucket, EmitInterval: 5 }',
    cdk:
      'const alb = new elbv2.ApplicationLoadBalancer(this, "Lb", { vpc, internetFacing: true });\n' +
      'alb.logAccessLogs(accessLogBucket, "web"); // also adds the bucket policy\n' +
      '// Classic: new elb.LoadBalancer(this, "Clb", { vpc, accessLoggingPolicy: { enabled: true, s3BucketName: accessLogBucket.bucketName } });',
  },
  check(resource, ctx) {
    const name = resource.logicalId;
    if (resource.type === CLASSIC) {
      const path = 'Properties.AccessLoggingPolicy.Enabled';
      if (ctx.satisfies(path, isTrue) === false) ctx.report({ messageId: 'classicNotEnabled', path, data: { name } });
      return;
    }
    // what this load balancer can be; a Gateway Load Balancer has no access logs
    const types = ctx.values('Properties.Type').map((t) => (t === undefined ? 'application' : t));
    const needs: ('application' | 'network')[] = [];
    for (const t of types) {
      if (t === 'application' || t === 'network') needs.push(t);
      else if (t !== 'gateway') return ctx.notApplicable(); // a type known only at deployment: no verdict
    }
    if (needs.length === 0) return ctx.notApplicable();
    const tls = needs.includes('network') ? tlsListener(ctx) : undefined;
    // a Network Load Balancer logs TLS connections only: without a TLS listener there is nothing to log
    if (!needs.includes('application') && !tls) return ctx.notApplicable();
    if (deliversVendedLogs(ctx)) return;
    const base: JsonPath = ['Properties', 'LoadBalancerAttributes'];
    const problem = firstProblem(ctx.values(base), (list) => judge(list, base));
    if (!problem) return;
    if (problem.messageId === 'notEnabled' && !needs.includes('application')) {
      ctx.report({ ...problem, messageId: 'tlsNotEnabled', data: { name, listener: tls! } });
    } else {
      ctx.report({ ...problem, data: { name } });
    }
  },
});

/** Access logging in one possible LoadBalancerAttributes list. */
function judge(list: unknown, base: JsonPath): Judgement<'notEnabled' | 'noBucket'> {
  if (list === UNKNOWN) return 'unknown';
  if (list !== undefined && !Array.isArray(list)) return 'unknown';
  const items = (list ?? []) as unknown[];
  let enabledAt: number | undefined;
  let bucketSet: boolean | undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item === undefined) continue;
    if (!isPlainObject(item) || item.Key === UNKNOWN) return 'unknown';
    if (item.Key === ENABLED_KEY) {
      if (item.Value === UNKNOWN) return 'unknown';
      if (!isTrue(item.Value)) return { messageId: 'notEnabled', path: [...base, i, 'Value'] };
      enabledAt = i;
    } else if (item.Key === BUCKET_KEY) {
      bucketSet = isSet(item.Value);
    }
  }
  if (enabledAt === undefined) return { messageId: 'notEnabled', path: base };
  return bucketSet ? 'ok' : { messageId: 'noBucket', path: [...base, enabledAt] };
}

/** The logical id of a listener of this load balancer whose protocol is (or may be) TLS, if any. */
function tlsListener(ctx: ResourceContext<Record<string, unknown>>): string | undefined {
  for (const { resource: listener, references } of ctx.referrers([LISTENER])) {
    if (!references.some((r) => r.path[0] === 'Properties' && r.path[1] === 'LoadBalancerArn')) continue;
    const protocol = ctx.template.valueAt(listener, 'Properties.Protocol');
    const protocols = protocol.known ? [protocol.value] : (protocol.alternatives ?? []);
    if (protocols.includes('TLS')) return listener.logicalId;
  }
  return undefined;
}
