import {
  defineRule,
  createsStage,
  isTrue,
  listNames,
  referredUnder,
  referrers,
  stringAt,
  verdictAt,
  type Invoker,
  own,
  type Resource,
  type Template,
} from '../../lib/rule';

const LAMBDA = 'AWS::Lambda::Function';
const SAM_FUNCTION = 'AWS::Serverless::Function';
const STATE_MACHINE = 'AWS::StepFunctions::StateMachine';
const SAM_STATE_MACHINE = 'AWS::Serverless::StateMachine';

/** Where each type keeps its tracing switch, and what "on" looks like. */
const TRACING: Readonly<Record<string, { path: string; property: string; on: (v: unknown) => boolean }>> = {
  [LAMBDA]: { path: 'Properties.TracingConfig.Mode', property: 'TracingConfig.Mode', on: (v) => v === 'Active' },
  [SAM_FUNCTION]: { path: 'Properties.Tracing', property: 'Tracing', on: (v) => v === 'Active' },
  [STATE_MACHINE]: {
    path: 'Properties.TracingConfiguration.Enabled',
    property: 'TracingConfiguration.Enabled',
    on: isTrue,
  },
  [SAM_STATE_MACHINE]: { path: 'Properties.Tracing.Enabled', property: 'Tracing.Enabled', on: isTrue },
  'AWS::Serverless::Api': { path: 'Properties.TracingEnabled', property: 'TracingEnabled', on: isTrue },
  'AWS::ApiGateway::Stage': { path: 'Properties.TracingEnabled', property: 'TracingEnabled', on: isTrue },
  'AWS::AppSync::GraphQLApi': { path: 'Properties.XrayEnabled', property: 'XrayEnabled', on: isTrue },
  'AWS::SNS::Topic': { path: 'Properties.TracingConfig', property: 'TracingConfig', on: (v) => v === 'Active' },
};

/** Known to be traced (both ends must be known for a finding). */
function traced(template: Template, resource: Resource): boolean {
  if (resource.type === 'AWS::ApiGateway::Deployment') {
    // a deployment that creates its stage carries the stage's settings
    return (
      createsStage(template, resource) === true &&
      verdictAt(template, resource, 'Properties.StageDescription.TracingEnabled', isTrue) === true
    );
  }
  const t = own(TRACING, resource.type);
  return t !== undefined && verdictAt(template, resource, t.path, t.on) === true;
}

const REST_API_TYPES = ['AWS::ApiGateway::RestApi', 'AWS::Serverless::Api'];

/** The traced stages of a REST API, as labels: its Stage resources and deployments that create a stage. */
function tracedStages(template: Template, api: Resource): string[] {
  if (api.type === 'AWS::Serverless::Api') return traced(template, api) ? [`SAM API ${api.logicalId}`] : [];
  return referrers(template, api.logicalId, ['AWS::ApiGateway::Stage', 'AWS::ApiGateway::Deployment'])
    .filter(
      ({ resource, references }) =>
        references.some((r) => r.path[0] === 'Properties' && r.path[1] === 'RestApiId') && traced(template, resource),
    )
    .map(({ resource }) => `API Gateway stage ${resource.logicalId} of REST API ${api.logicalId}`);
}

/** The traced services among the invokers of a function or state machine, as labels. */
function tracedCallers(template: Template, invoker: Invoker): string[] {
  const from = invoker.from;
  const id = from.logicalId;
  if (invoker.event !== undefined) return tracedEventSource(template, invoker);
  switch (from.type) {
    case 'AWS::ApiGateway::Method':
    case 'AWS::ApiGateway::Authorizer': {
      const what = from.type === 'AWS::ApiGateway::Method' ? 'method' : 'authorizer';
      return referredUnder(template, from, ['Properties', 'RestApiId'], REST_API_TYPES).flatMap((api) =>
        tracedStages(template, api).map((s) => `${s} (${what} ${id})`),
      );
    }
    case 'AWS::ApiGateway::RestApi':
    case 'AWS::Serverless::Api':
      return tracedStages(template, from);
    case STATE_MACHINE:
    case SAM_STATE_MACHINE:
      return traced(template, from) ? [`state machine ${id}`] : [];
    case 'AWS::AppSync::DataSource':
      return referredUnder(template, from, ['Properties', 'ApiId'], ['AWS::AppSync::GraphQLApi'])
        .filter((api) => traced(template, api))
        .map((api) => `AppSync API ${api.logicalId} (data source ${id})`);
    case 'AWS::SNS::Subscription':
      if (stringAt(template, from, 'Properties.Protocol') !== 'lambda') return [];
      return referredUnder(template, from, ['Properties', 'TopicArn'], ['AWS::SNS::Topic'])
        .filter((topic) => traced(template, topic))
        .map((topic) => `SNS topic ${topic.logicalId}`);
    default:
      return [];
  }
}

/** Traced APIs and topics that a SAM function's or state machine's own `Events` subscribe it to. */
function tracedEventSource(template: Template, invoker: Invoker): string[] {
  const resource = invoker.from;
  const name = invoker.event!;
  const event = ['Properties', 'Events', name, 'Properties'];
  const type = stringAt(template, resource, ['Properties', 'Events', name, 'Type']);
  if (type === 'Api') {
    const apiId = template.valueAt(resource, [...event, 'RestApiId']);
    if (apiId.known && apiId.value === undefined) {
      // no RestApiId: ServerlessRestApi, which SAM creates (configured by Globals.Api) unless the template declares it
      const api = template.resources.get('ServerlessRestApi');
      if (!api || template.isExcluded(api)) return [];
      if (api.implicit)
        return traced(template, api) ? ['the implicit SAM API ServerlessRestApi (Globals.Api.TracingEnabled)'] : [];
      return tracedStages(template, api).map((s) => `${s} (event ${name})`);
    }
    return referredUnder(template, resource, [...event, 'RestApiId'], REST_API_TYPES).flatMap((api) =>
      tracedStages(template, api).map((s) => `${s} (event ${name})`),
    );
  }
  if (type === 'SNS' && resource.type === SAM_FUNCTION) {
    return referredUnder(template, resource, [...event, 'Topic'], ['AWS::SNS::Topic'])
      .filter((topic) => traced(template, topic))
      .map((topic) => `SNS topic ${topic.logicalId} (event ${name})`);
  }
  return [];
}

export default defineRule({
  id: 'traced-to-untraced',
  title: 'Functions and state machines called by a traced service record their own X-Ray traces',
  bestPractice: 'OPS04-BP05',
  resourceTypes: [LAMBDA, SAM_FUNCTION, STATE_MACHINE, SAM_STATE_MACHINE],
  severity: 'warning',
  optionsSchema: {},
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
  roles: {
    machinery: { check: false, why: 'no traced service calls it: a function on a traced request path is workload.' },
    edge: {
      check: false,
      why: 'active tracing applies to invocations in the Lambda service, and a Greengrass core runs it instead.',
    },
  },
  check(resource, ctx) {
    const own = TRACING[resource.type];
    if (ctx.satisfies(own.path, own.on) !== false) return;
    const lambda = resource.type === LAMBDA || resource.type === SAM_FUNCTION;
    const upstreams: string[] = [];
    for (const invoker of ctx.facts.invokersOf(resource)) {
      if (invoker.mode === 'sync' || invoker.service === 'sns')
        for (const l of tracedCallers(ctx.template, invoker)) if (!upstreams.includes(l)) upstreams.push(l);
    }
    if (upstreams.length === 0) return ctx.notApplicable();

    ctx.report({
      messageId: 'brokenTrace',
      path: own.path,
      data: {
        kind: lambda ? 'Lambda function' : 'State machine',
        name: resource.logicalId,
        upstreams: listNames(upstreams),
        property: own.property,
        value: lambda ? 'Active' : 'true',
      },
    });
  },
});
