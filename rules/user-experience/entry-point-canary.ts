import {
  resourceLabel,
  type Stack,
  defineRule,
  type AssemblyReport,
  type Verdict,
  isFalse,
  verdictAt,
  isPlainObject,
  type Resource,
  type Template,
} from '../../lib/rule';

/** What measures the experience of users: synthetic transactions, real-user monitoring, internet performance. */
const USER_TELEMETRY = ['AWS::Synthetics::Canary', 'AWS::RUM::AppMonitor', 'AWS::InternetMonitor::Monitor'];

const DISTRIBUTION = 'AWS::CloudFront::Distribution';
const LOAD_BALANCER = 'AWS::ElasticLoadBalancingV2::LoadBalancer';
const REST_API = 'AWS::ApiGateway::RestApi';
const SAM_API = 'AWS::Serverless::Api';
const HTTP_API = 'AWS::ApiGatewayV2::Api';
const SAM_HTTP_API = 'AWS::Serverless::HttpApi';

export default defineRule({
  id: 'entry-point-canary',
  title: 'Internet-facing entry points are watched by a synthetic canary or real-user monitoring',
  bestPractice: 'OPS04-BP03',
  scope: 'assembly',
  resourceTypes: [DISTRIBUTION, LOAD_BALANCER, REST_API, SAM_API, HTTP_API, SAM_HTTP_API, ...USER_TELEMETRY],
  severity: 'warning',
  optionsSchema: {},
  context: 'app',
  messages: {
    unwatched:
      '{{what}} is open to the internet, but nothing in the app measures what its users experience (no CloudWatch Synthetics canary or RUM app monitor); add a canary that exercises it on a schedule.',
  },
  why:
    'Server-side metrics only see requests that reach the workload. A broken DNS record, an expired certificate, a ' +
    'CDN misconfiguration or a page that loads but does not work never shows up in them, and users notice first. A ' +
    'CloudWatch Synthetics canary calls the public endpoint on a schedule the way a user would, and CloudWatch RUM ' +
    'reports what real browsers experience, so the team learns about outages and slowdowns from its own telemetry. ' +
    'Entry points are CloudFront distributions, internet-facing Application Load Balancers, REST APIs that are not ' +
    'private, and HTTP APIs (the APIs SAM creates for function events included); one behind a CloudFront distribution of the same stack is ' +
    'covered by the distribution. A canary, RUM app monitor or Internet Monitor anywhere in the app counts.',
  fix: {
    cloudformation:
      'OrdersCanary:\n  Type: AWS::Synthetics::Canary\n  Properties:\n    Name: orders-health\n' +
      '    RuntimeVersion: syn-nodejs-puppeteer-10.0\n    ExecutionRoleArn: !GetAtt CanaryRole.Arn\n' +
      '    ArtifactS3Location: !Sub "s3://${CanaryArtifacts}/orders"\n    StartCanaryAfterCreation: true\n' +
      '    Schedule:\n      Expression: rate(5 minutes)\n    Code:\n      Handler: index.handler\n' +
      '      Script: |\n        const synthetics = require("Synthetics");\n' +
      '        exports.handler = async () => synthetics.executeHttpStep("orders", "https://api.example.com/health");\n' +
      '# then alarm on SuccessPercent in the CloudWatchSynthetics namespace\n' +
      '# for a web front end, CloudWatch RUM as well: Type: AWS::RUM::AppMonitor, Properties: { Name: site, Domain: www.example.com }',
    cdk:
      'new synthetics.Canary(this, "OrdersCanary", {\n  schedule: synthetics.Schedule.rate(cdk.Duration.minutes(5)),\n' +
      '  runtime: synthetics.Runtime.SYNTHETICS_NODEJS_PUPPETEER_10_0,\n' +
      '  test: synthetics.Test.custom({ handler: "index.handler", code: synthetics.Code.fromAsset(path.join(__dirname, "canary")) }),\n' +
      '  environmentVariables: { URL: api.url },\n});',
  },
  roles: {
    'account-baseline': { check: false, why: 'an account baseline serves no users.' },
  },
  check(assembly, ctx) {
    if (assembly.stacks.some((s) => ctx.facts.of(s).hasAny(USER_TELEMETRY))) return;
    let entries = 0;
    for (const stack of assembly.stacks) {
      const resources = (type: string): Resource[] => ctx.resources(stack, [type]);
      for (const entry of entryPoints(stack, resources)) {
        ctx.report({ ...entry, stack, messageId: 'unwatched' });
        entries++;
      }
    }
    // no entry point users reach: nothing for a canary to watch
    if (entries === 0) ctx.notApplicable();
  },
});

type Entry = Pick<AssemblyReport, 'resource' | 'path' | 'data'>;

/** The internet-facing entry points of one stack (of those `deployed` lists), in template order of their types. */
function entryPoints(stack: Stack, deployed: (type: string) => readonly Resource[]): Entry[] {
  const t = stack.template;
  const out: Entry[] = [];
  const distributions = deployed(DISTRIBUTION);
  // origins of a distribution in the same stack are reached through it, and watched through it
  const behindCdn = new Set(distributions.flatMap((d) => t.graph.outgoing(d.logicalId).map((r) => r.to)));
  const add = (resource: Resource, what: string, path?: string): void => {
    out.push({ resource, path, data: { what, name: resource.logicalId } });
  };
  for (const d of distributions) {
    if (verdictAt(t, d, 'Properties.DistributionConfig.Enabled', isFalse) === true) continue;
    add(d, `CloudFront distribution ${resourceLabel(d, stack)}`);
  }
  for (const lb of deployed(LOAD_BALANCER)) {
    if (behindCdn.has(lb.logicalId)) continue;
    if (verdictAt(t, lb, 'Properties.Type', (v) => v === undefined || v === 'application') !== true) continue;
    // Scheme defaults to internet-facing
    if (verdictAt(t, lb, 'Properties.Scheme', (v) => v === 'internal') !== false) continue;
    add(lb, `Application Load Balancer ${resourceLabel(lb, stack)}`, 'Properties.Scheme');
  }
  for (const api of deployed(REST_API)) {
    if (behindCdn.has(api.logicalId) || privateVerdict(t, api.properties.EndpointConfiguration, 'Types') !== false)
      continue;
    add(api, `REST API ${resourceLabel(api, stack)}`, 'Properties.EndpointConfiguration');
  }
  for (const api of deployed(SAM_API)) {
    if (behindCdn.has(api.logicalId) || privateVerdict(t, api.properties.EndpointConfiguration, 'Type') !== false)
      continue;
    add(api, `REST API ${resourceLabel(api, stack)}`, 'Properties.EndpointConfiguration');
  }
  for (const api of deployed(HTTP_API)) {
    if (behindCdn.has(api.logicalId)) continue;
    // an API defined by an OpenAPI body without ProtocolType is an HTTP API
    const http = verdictAt(
      t,
      api,
      'Properties.ProtocolType',
      (v) =>
        v === 'HTTP' ||
        (v === undefined && (api.properties.Body !== undefined || api.properties.BodyS3Location !== undefined)),
    );
    if (http !== true) continue;
    add(api, `HTTP API ${resourceLabel(api, stack)}`);
  }
  for (const api of deployed(SAM_HTTP_API)) {
    if (!behindCdn.has(api.logicalId)) add(api, `HTTP API ${resourceLabel(api, stack)}`);
  }
  return out;
}

/**
 * Is the API private? `EndpointConfiguration.Types` (REST API: a list) or `.Type` (SAM: a string, or the older form
 * where the whole configuration is the string). `undefined` when it cannot be known before deployment.
 */
function privateVerdict(t: Template, config: unknown, key: 'Types' | 'Type'): Verdict {
  const c = t.resolver.resolve(config);
  const branches = c.known ? [c.value] : c.alternatives;
  if (!branches) return undefined;
  const verdicts = branches.map((b): Verdict => {
    if (b === undefined) return false;
    if (typeof b === 'string') return b === 'PRIVATE';
    if (!isPlainObject(b)) return undefined;
    const d = t.resolver.deep(b[key]);
    const values = d.known ? [d.value] : d.alternatives;
    if (!values) return undefined;
    return values.every((v) => v === 'PRIVATE' || (Array.isArray(v) && v.includes('PRIVATE')));
  });
  if (verdicts.includes(undefined)) return undefined;
  return verdicts.every((v) => v === true);
}
