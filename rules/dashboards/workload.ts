/**
 * Shared by the app-level observability rules (dashboards, KPIs, user experience, anomaly detection): which
 * resources make a stack a workload, and small helpers over the stacks of an assembly. Not a rule.
 */
import type { Assembly, Stack } from '../../lib/assembly/model';
import type { Verdict } from '../../lib/engine/rule';
import type { Resource, Template } from '../../lib/template/model';

/** What runs the workload's code or takes its requests. */
export const COMPUTE_AND_API_TYPES: readonly string[] = [
  'AWS::Lambda::Function',
  'AWS::Serverless::Function',
  'AWS::ECS::Service',
  'AWS::EC2::Instance',
  'AWS::AutoScaling::AutoScalingGroup',
  'AWS::ElasticBeanstalk::Environment',
  'AWS::AppRunner::Service',
  'AWS::EKS::Cluster',
  'AWS::StepFunctions::StateMachine',
  'AWS::Serverless::StateMachine',
  'AWS::ApiGateway::RestApi',
  'AWS::Serverless::Api',
  'AWS::ApiGatewayV2::Api',
  'AWS::Serverless::HttpApi',
  'AWS::AppSync::GraphQLApi',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
];

/** What holds or moves the workload's data, and what serves it to users. */
export const DATA_TYPES: readonly string[] = [
  'AWS::CloudFront::Distribution',
  'AWS::DynamoDB::Table',
  'AWS::Serverless::SimpleTable',
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::OpenSearchService::Domain',
  'AWS::SQS::Queue',
  'AWS::Kinesis::Stream',
  'AWS::MSK::Cluster',
];

export const WORKLOAD_TYPES: readonly string[] = [...COMPUTE_AND_API_TYPES, ...DATA_TYPES];

const FUNCTION_TYPES = new Set(['AWS::Lambda::Function', 'AWS::Serverless::Function']);

/** The stacks a user deploys (nested stacks belong to their parent). */
export function topLevelStacks(assembly: Assembly): Stack[] {
  return assembly.stacks.filter((s) => s.parent === undefined);
}

/** The name users know a stack by. */
export function stackName(stack: Stack): string {
  return stack.stackName ?? stack.id;
}

/** Resources that count: deployed (Condition not known false) and not the CDK's own. */
export function deployed(stack: Stack, type: string): readonly Resource[] {
  const t = stack.template;
  return t.resourcesOfType(type).filter((r) => !t.isExcluded(r) && !stack.frameworkResources?.has(r.logicalId));
}

/** Some resource of these types is deployed by the stack. */
export function hasAny(stack: Stack, types: readonly string[]): boolean {
  return types.some((type) => deployed(stack, type).length > 0);
}

/**
 * The workload resources of a stack, of the given types. Functions that back a custom resource, a macro or a
 * custom Config rule are deployment or compliance machinery, not workload.
 */
export function workloadResources(stack: Stack, types: readonly string[]): Resource[] {
  const out: Resource[] = [];
  let providers: Set<string> | undefined;
  for (const type of types) {
    for (const resource of deployed(stack, type)) {
      if (FUNCTION_TYPES.has(type)) {
        providers ??= providerFunctions(stack.template);
        if (providers.has(resource.logicalId)) continue;
      }
      out.push(resource);
    }
  }
  return out;
}

const CDK_PROVIDER_VARIABLES = new Set(['USER_ON_EVENT_FUNCTION_ARN', 'USER_IS_COMPLETE_FUNCTION_ARN']);

/** The property through which deployment and compliance machinery names the function it runs. */
function machineryProperty(type: string): string | undefined {
  if (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource') return 'ServiceToken';
  if (type === 'AWS::CloudFormation::Macro') return 'FunctionName';
  if (type === 'AWS::Config::ConfigRule') return 'Source';
  return undefined;
}

/**
 * Functions that run a custom resource (its ServiceToken, and the handlers a CDK provider function calls), a
 * CloudFormation macro, or a custom AWS Config rule: they serve deployments and compliance, not users.
 */
function providerFunctions(template: Template): Set<string> {
  const out = new Set<string>();
  for (const resource of template.resources.values()) {
    const property = machineryProperty(resource.type);
    if (property === undefined) continue;
    for (const ref of template.graph.outgoing(resource.logicalId)) {
      if (ref.path[1] !== property) continue;
      const target = template.resources.get(ref.to);
      if (!target || !FUNCTION_TYPES.has(target.type)) continue;
      out.add(target.logicalId);
      for (const inner of template.graph.outgoing(target.logicalId)) {
        if (inner.path[1] === 'Environment' && CDK_PROVIDER_VARIABLES.has(String(inner.path[3]))) out.add(inner.to);
      }
    }
  }
  return out;
}

/** Like ResourceContext.satisfies, for assembly rules: true / false / undefined (cannot be known). */
export function verdictAt(template: Template, resource: Resource, path: string, predicate: (value: unknown) => boolean): Verdict {
  const r = template.valueAt(resource, path);
  if (r.known) return predicate(r.value);
  if (r.alternatives) return r.alternatives.every((v) => predicate(v));
  return undefined;
}

/** How a message names a resource: its construct path in a synthesized stack (`Prod/Orders/Api`), else its logical id. */
export function resourceLabel(resource: Resource, stack?: Stack): string {
  const path = stack?.constructs?.get(resource.logicalId)?.path ?? resource.constructPath;
  return path?.replace(/\/(Resource|Default)$/, '') ?? resource.logicalId;
}

/** `a`, `a and b`, `a, b and c`, `a, b, c and 2 more` */
export function listNames(all: readonly string[], max = 3): string {
  const names = [...new Set(all)];
  if (names.length <= 1) return names.join('');
  if (names.length > max) return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
