import { defineRule, type Verdict } from '../../lib/engine/rule';
import { isTrue } from '../../lib/engine/values';
import type { Reference } from '../../lib/template/graph';
import { isPlainObject } from '../../lib/template/intrinsics';
import type { Resource, Template } from '../../lib/template/model';
import type { JsonPath } from '../../lib/template/path';

const LAMBDA = 'AWS::Lambda::Function';
const SAM_FUNCTION = 'AWS::Serverless::Function';
const STATE_MACHINE = 'AWS::StepFunctions::StateMachine';
const SAM_STATE_MACHINE = 'AWS::Serverless::StateMachine';

/** Where each type keeps its tracing switch, and what "on" looks like. */
const TRACING: Readonly<Record<string, { path: string; property: string; on: (v: unknown) => boolean }>> = {
  [LAMBDA]: { path: 'Properties.TracingConfig.Mode', property: 'TracingConfig.Mode', on: (v) => v === 'Active' },
  [SAM_FUNCTION]: { path: 'Properties.Tracing', property: 'Tracing', on: (v) => v === 'Active' },
  [STATE_MACHINE]: { path: 'Properties.TracingConfiguration.Enabled', property: 'TracingConfiguration.Enabled', on: isTrue },
  [SAM_STATE_MACHINE]: { path: 'Properties.Tracing.Enabled', property: 'Tracing.Enabled', on: isTrue },
  'AWS::Serverless::Api': { path: 'Properties.TracingEnabled', property: 'TracingEnabled', on: isTrue },
  'AWS::ApiGateway::Stage': { path: 'Properties.TracingEnabled', property: 'TracingEnabled', on: isTrue },
  'AWS::AppSync::GraphQLApi': { path: 'Properties.XrayEnabled', property: 'XrayEnabled', on: isTrue },
  'AWS::SNS::Topic': { path: 'Properties.TracingConfig', property: 'TracingConfig', on: (v) => v === 'Active' },
};

/** The keys of an OpenAPI operation under which a Lambda ARN means "API Gateway invokes this function". */
const OPENAPI_INVOKE_KEYS = new Set(['x-amazon-apigateway-integration', 'x-amazon-apigateway-authorizer']);

function verdict(template: Template, resource: Resource, path: string | JsonPath, predicate: (v: unknown) => boolean): Verdict {
  const r = template.valueAt(resource, path);
  if (r.known) return predicate(r.value);
  if (r.alternatives) return r.alternatives.every((v) => predicate(v));
  return undefined;
}

/** Known to be traced (both ends must be known for a finding). */
function traced(template: Template, resource: Resource): boolean {
  if (resource.type === 'AWS::ApiGateway::Deployment') {
    // a deployment that creates its stage carries the stage's settings
    return (
      verdict(template, resource, 'Properties.StageName', (v) => typeof v === 'string' && v !== '') === true &&
      verdict(template, resource, 'Properties.StageDescription.TracingEnabled', isTrue) === true
    );
  }
  const t = TRACING[resource.type];
  return t !== undefined && verdict(template, resource, t.path, t.on) === true;
}

function knownString(template: Template, resource: Resource, path: string | JsonPath): string | undefined {
  const r = template.valueAt(resource, path);
  if (!r.known) return undefined;
  const d = template.resolver.deep(r.value);
  return d.known && typeof d.value === 'string' ? d.value : undefined;
}

/** Resources of `types` that `from` refers to under `Properties.<property>`. */
function targets(template: Template, from: Resource, property: readonly string[], types: readonly string[]): Resource[] {
  const out: Resource[] = [];
  for (const ref of template.graph.outgoing(from.logicalId)) {
    if (ref.kind === 'DependsOn' || ref.path[0] !== 'Properties' || !property.every((p, i) => ref.path[i + 1] === p)) continue;
    const target = template.resources.get(ref.to);
    if (target && types.includes(target.type) && !template.isExcluded(target) && !out.includes(target)) out.push(target);
  }
  return out;
}

const REST_API_TYPES = ['AWS::ApiGateway::RestApi', 'AWS::Serverless::Api'];

/** The traced stages of a REST API, as labels: its Stage resources and deployments that create a stage. */
function tracedStages(template: Template, api: Resource): string[] {
  if (api.type === 'AWS::Serverless::Api') return traced(template, api) ? [`SAM API ${api.logicalId}`] : [];
  const out: string[] = [];
  for (const ref of template.graph.incoming(api.logicalId)) {
    if (ref.path[0] !== 'Properties' || ref.path[1] !== 'RestApiId') continue;
    const from = template.resources.get(ref.from);
    if (!from || template.isExcluded(from)) continue;
    if ((from.type === 'AWS::ApiGateway::Stage' || from.type === 'AWS::ApiGateway::Deployment') && traced(template, from)) {
      out.push(`API Gateway stage ${from.logicalId} of REST API ${api.logicalId}`);
    }
  }
  return out;
}

function has(path: JsonPath, keys: ReadonlySet<string>): boolean {
  return path.some((seg) => typeof seg === 'string' && keys.has(seg));
}

/**
 * The traced callers of `entry` (a function, an alias or version of one, or a state machine) that the
 * reference `ref` reveals, as labels; none when the reference is not a call or the caller is not known to
 * be traced.
 */
function callers(template: Template, ref: Reference, downstream: Resource): string[] {
  const from = template.resources.get(ref.from);
  if (!from || from === downstream || template.isExcluded(from) || ref.kind === 'DependsOn' || ref.path[0] !== 'Properties') return [];
  const where = ref.path[1];
  const lambda = downstream.type === LAMBDA || downstream.type === SAM_FUNCTION;
  switch (from.type) {
    case 'AWS::ApiGateway::Method': {
      if (where !== 'Integration' || (lambda && ref.path[2] !== 'Uri')) return [];
      const type = knownString(template, from, 'Properties.Integration.Type');
      if (!(lambda ? type === 'AWS_PROXY' || type === 'AWS' : type === 'AWS')) return [];
      return targets(template, from, ['RestApiId'], REST_API_TYPES).flatMap((api) => tracedStages(template, api).map((s) => `${s} (method ${from.logicalId})`));
    }
    case 'AWS::ApiGateway::Authorizer':
      if (!lambda || where !== 'AuthorizerUri') return [];
      return targets(template, from, ['RestApiId'], REST_API_TYPES).flatMap((api) => tracedStages(template, api).map((s) => `${s} (authorizer ${from.logicalId})`));
    case 'AWS::ApiGateway::RestApi':
      return where === 'Body' && has(ref.path, OPENAPI_INVOKE_KEYS) ? tracedStages(template, from) : [];
    case 'AWS::Serverless::Api':
      return where === 'DefinitionBody' && has(ref.path, OPENAPI_INVOKE_KEYS) ? tracedStages(template, from) : [];
    case STATE_MACHINE:
    case SAM_STATE_MACHINE:
      if (where !== 'Definition' && where !== 'DefinitionString' && where !== 'DefinitionSubstitutions') return [];
      return traced(template, from) ? [`state machine ${from.logicalId}`] : [];
    case 'AWS::AppSync::DataSource':
      if (!lambda || where !== 'LambdaConfig') return [];
      return targets(template, from, ['ApiId'], ['AWS::AppSync::GraphQLApi'])
        .filter((api) => traced(template, api))
        .map((api) => `AppSync API ${api.logicalId} (data source ${from.logicalId})`);
    case 'AWS::SNS::Subscription':
      if (!lambda || where !== 'Endpoint' || knownString(template, from, 'Properties.Protocol') !== 'lambda') return [];
      return targets(template, from, ['TopicArn'], ['AWS::SNS::Topic'])
        .filter((topic) => traced(template, topic))
        .map((topic) => `SNS topic ${topic.logicalId}`);
    default:
      return [];
  }
}

/** Traced APIs and topics that a SAM function's or state machine's own `Events` subscribe it to. */
function eventSources(template: Template, resource: Resource): string[] {
  const events = template.valueAt(resource, 'Properties.Events');
  if (!events.known || !isPlainObject(events.value)) return [];
  const out: string[] = [];
  for (const name of Object.keys(events.value)) {
    const type = knownString(template, resource, ['Properties', 'Events', name, 'Type']);
    if (type === 'Api') {
      const apiId = template.valueAt(resource, ['Properties', 'Events', name, 'Properties', 'RestApiId']);
      if (apiId.known && apiId.value === undefined) {
        // no RestApiId: SAM's implicit API, configured by Globals.Api
        const global = template.resolver.get(template.document, 'Globals.Api.TracingEnabled');
        if (global.known && isTrue(global.value)) out.push('the implicit SAM API ServerlessRestApi (Globals.Api.TracingEnabled)');
        continue;
      }
      for (const api of targets(template, resource, ['Events', name, 'Properties', 'RestApiId'], REST_API_TYPES)) {
        out.push(...tracedStages(template, api).map((s) => `${s} (event ${name})`));
      }
    } else if (type === 'SNS' && (resource.type === SAM_FUNCTION)) {
      for (const topic of targets(template, resource, ['Events', name, 'Properties', 'Topic'], ['AWS::SNS::Topic'])) {
        if (traced(template, topic)) out.push(`SNS topic ${topic.logicalId} (event ${name})`);
      }
    }
  }
  return out;
}

function listed(labels: readonly string[]): string {
  if (labels.length <= 3) return labels.join(', ');
  return `${labels.slice(0, 3).join(', ')} and ${labels.length - 3} more`;
}

export default defineRule({
  id: 'traced-to-untraced',
  title: 'Functions and state machines called by a traced service record their own X-Ray traces',
  bestPractice: 'OPS04-BP05',
  resourceTypes: [LAMBDA, SAM_FUNCTION, STATE_MACHINE, SAM_STATE_MACHINE],
  severity: 'warning',
  messages: {
    brokenTrace:
      '{{kind}} {{name}} is called by {{upstreams}}, which X-Ray traces, but does not trace itself, so the trace shows no segment for it and stops at this hop; set {{property}} to {{value}}.',
  },
  why:
    'Distributed tracing pays off only when the whole path of a request is traced. When a traced API stage, ' +
    'state machine, AppSync API or SNS topic calls a Lambda function or state machine that does not trace, ' +
    'the trace ends at that hop: the time spent inside it, its errors and every call it makes are missing, ' +
    'which is usually exactly where the latency or failure being investigated lives. The rule reports only ' +
    'when the caller is known to be traced and the callee is known not to be, following the references the ' +
    'template makes (method integrations, OpenAPI integrations, state machine definitions, SAM Api and SNS ' +
    'events, AppSync data sources, SNS subscriptions).',
  fix: {
    cloudformation:
      'Type: AWS::Lambda::Function\nProperties:\n  TracingConfig:\n    Mode: Active\n# SAM: Tracing: Active (or Globals.Function.Tracing)\n' +
      '---\nType: AWS::StepFunctions::StateMachine\nProperties:\n  TracingConfiguration:\n    Enabled: true\n# SAM: Tracing: { Enabled: true }',
    cdk:
      'new lambda.Function(this, "Fn", { /* … */ tracing: lambda.Tracing.ACTIVE });\n' +
      'new sfn.StateMachine(this, "Flow", { /* … */ tracingEnabled: true });',
  },
  check(resource, ctx) {
    const own = TRACING[resource.type];
    if (ctx.satisfies(own.path, own.on) !== false) return;
    const template = ctx.template;
    const lambda = resource.type === LAMBDA || resource.type === SAM_FUNCTION;

    // callers may name the function itself or one of its aliases or versions
    const entries = [resource.logicalId];
    if (lambda) {
      for (const { resource: r, references } of ctx.referrers(['AWS::Lambda::Alias', 'AWS::Lambda::Version'])) {
        if (references.some((ref) => ref.path[1] === 'FunctionName')) entries.push(r.logicalId);
      }
    }
    const upstreams: string[] = [];
    const add = (labels: readonly string[]): void => {
      for (const l of labels) if (!upstreams.includes(l)) upstreams.push(l);
    };
    for (const entry of entries) {
      for (const ref of ctx.graph.incoming(entry)) add(callers(template, ref, resource));
    }
    if (resource.type === SAM_FUNCTION || resource.type === SAM_STATE_MACHINE) add(eventSources(template, resource));
    if (upstreams.length === 0) return;

    ctx.report({
      messageId: 'brokenTrace',
      path: own.path,
      data: {
        kind: lambda ? 'Lambda function' : 'State machine',
        name: resource.logicalId,
        upstreams: listed(upstreams),
        property: own.property,
        value: lambda ? 'Active' : 'true',
      },
    });
  },
});
