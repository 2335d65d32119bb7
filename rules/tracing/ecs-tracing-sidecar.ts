import {
  defineRule,
  asIntrinsic,
  boundedJoin,
  boundedReplace,
  findReferences,
  isPlainObject,
  type Resolver,
} from '../../lib/rule';

/**
 * The texts an image reference can take: the resolved string, the branches of an unknown condition, or,
 * when it cannot be resolved, the value as written (`Fn::Sub` template, `Fn::Join` with `${X}` for the
 * unresolved parts), which still shows a literal repository name. Empty when nothing is written.
 */
function imageTexts(value: unknown, resolver: Resolver): string[] {
  const r = resolver.deep(value);
  if (r.known) return typeof r.value === 'string' ? [r.value] : [];
  if (r.alternatives) return r.alternatives.filter((a): a is string => typeof a === 'string');
  const written = spelled(value, resolver);
  return written === undefined ? [] : [written];
}

/** The value as written, with the parts that can be resolved filled in and `${X}` for the others. */
function spelled(value: unknown, resolver: Resolver): string | undefined {
  if (typeof value === 'string') return value;
  const fn = asIntrinsic(value);
  if (!fn) return undefined;
  if (fn.name === 'Fn::Sub') {
    const [template, vars] = Array.isArray(fn.arg) ? [fn.arg[0], fn.arg[1]] : [fn.arg, undefined];
    if (typeof template !== 'string') return undefined;
    return boundedReplace(
      template,
      ({ inner: name }) => {
        const whole = `\${${name}}`;
        const local = isPlainObject(vars) && Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : undefined;
        const r =
          local !== undefined ? resolver.deep(local) : name.includes('.') ? undefined : resolver.resolve({ Ref: name });
        return r?.known && (typeof r.value === 'string' || typeof r.value === 'number') ? String(r.value) : whole;
      },
      { literals: false },
    );
  }
  if (fn.name === 'Fn::Join' && Array.isArray(fn.arg) && typeof fn.arg[0] === 'string' && Array.isArray(fn.arg[1])) {
    const parts = (fn.arg[1] as unknown[]).map((p) => {
      const r = resolver.deep(p);
      return r.known && typeof r.value === 'string' ? r.value : (spelled(p, resolver) ?? '${?}');
    });
    return boundedJoin(parts, fn.arg[0]);
  }
  if (fn.name === 'Ref' && typeof fn.arg === 'string') return `\${${fn.arg}}`;
  return undefined;
}

/**
 * Whether an image text leaves its repository name to a variable (`${Param}`, `${Param}:latest`,
 * `….amazonaws.com/${Repo}:1.0`): such an image could be anything, a collector included.
 */
/**
 * An image text without its digest (`@sha256:…`): from the first `@` on its last line, as `/@.*$/` removes it,
 * which read to the end of the line again from every `@`.
 */
function withoutDigest(text: string): string {
  const lastLine = Math.max(...['\n', '\r', '\u2028', '\u2029'].map((c) => text.lastIndexOf(c))) + 1;
  const at = text.indexOf('@', lastLine);
  return at < 0 ? text : text.slice(0, at);
}

function repositoryUnknown(text: string): boolean {
  const path = withoutDigest(text);
  // the tag starts at the last ':' outside ${…}
  let depth = 0;
  let tagAt = -1;
  for (let i = 0; i < path.length; i++) {
    if (path.startsWith('${', i)) depth++;
    else if (path[i] === '}' && depth > 0) depth--;
    else if (path[i] === ':' && depth === 0) tagAt = i;
  }
  const repository = (tagAt < 0 ? path : path.slice(0, tagAt)).split('/').pop() ?? '';
  return repository === '' || repository.includes('${');
}

export default defineRule({
  id: 'ecs-tracing-sidecar',
  title: 'ECS services run an X-Ray daemon or OpenTelemetry collector beside their containers',
  bestPractice: 'OPS04-BP05',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  severity: 'info',
  options: {
    collectorImages: ['aws-xray-daemon', 'aws-otel-collector', 'opentelemetry-collector'] as string[],
    collectorEnvironment: [
      'AWS_XRAY_DAEMON_ADDRESS',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    ] as string[],
    servicesOnly: true as boolean,
  },
  optionsSchema: {
    collectorImages: { type: 'array', items: { type: 'string' } },
    collectorEnvironment: { type: 'array', items: { type: 'string' } },
    servicesOnly: { type: 'boolean' },
  },
  optionDocs: {
    collectorImages:
      "Substrings of a container image (compared ignoring case) that mark it as a trace collector. Default: aws-xray-daemon, aws-otel-collector, opentelemetry-collector; add your vendor's agent image (e.g. datadog/agent) if you trace with it.",
    collectorEnvironment:
      'Environment variable (or secret) names that, set on any container, show that the task sends traces to a collector elsewhere (a daemon service on the host, a central collector). Default: AWS_XRAY_DAEMON_ADDRESS, OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT.',
    servicesOnly:
      'true (default): check only task definitions that an AWS::ECS::Service of the template runs, i.e. long-running services that serve requests; false: check every task definition, including one-off and scheduled tasks.',
  },
  messages: {
    noCollector:
      'ECS task definition {{name}}{{runBy}} has no X-Ray daemon or OpenTelemetry collector container, and no container sets {{variables}}; requests it handles leave no trace.',
  },
  why:
    'Unlike Lambda, ECS does not trace anything by itself: an instrumented application sends its segments or ' +
    'spans to a local agent, usually the AWS X-Ray daemon or the AWS Distro for OpenTelemetry collector running ' +
    'as a sidecar container in the same task, or to a collector elsewhere named by an environment variable. A ' +
    'service with neither cannot take part in distributed traces, so a request that crosses it loses its ' +
    'trail there. This is informational: the template cannot show whether the application is instrumented, ' +
    'and a vendor agent configured outside the task is not visible.',
  fix: {
    cloudformation:
      'ContainerDefinitions:\n  - Name: app\n    Image: !Ref AppImage\n    Environment:\n      - Name: AWS_XRAY_DAEMON_ADDRESS\n        Value: localhost:2000   # awsvpc: the sidecar shares localhost\n' +
      '  - Name: xray-daemon\n    Image: public.ecr.aws/xray/aws-xray-daemon:latest\n    Essential: false\n    PortMappings:\n      - ContainerPort: 2000\n        Protocol: udp\n' +
      '# or the ADOT collector: public.ecr.aws/aws-observability/aws-otel-collector:latest; the task role needs AWSXRayDaemonWriteAccess',
    cdk:
      'taskDefinition.addContainer("xray-daemon", {\n  image: ecs.ContainerImage.fromRegistry("public.ecr.aws/xray/aws-xray-daemon:latest"),\n' +
      '  essential: false,\n  portMappings: [{ containerPort: 2000, protocol: ecs.Protocol.UDP }],\n});\n' +
      'taskDefinition.addToTaskRolePolicy(new iam.PolicyStatement({\n' +
      '  actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"],\n' +
      '  resources: ["*"],\n}));',
  },
  check(resource, ctx) {
    const services = ctx
      .referrers(['AWS::ECS::Service'])
      .filter((s) => s.references.some((ref) => ref.path[0] === 'Properties' && ref.path[1] === 'TaskDefinition'))
      .map((s) => s.resource.logicalId);
    if (ctx.options.servicesOnly && services.length === 0) return ctx.notApplicable();

    const resolver = ctx.template.resolver;
    const containers = ctx.get('Properties.ContainerDefinitions');
    if (!containers.known || !Array.isArray(containers.value) || containers.value.length === 0)
      return ctx.notApplicable();
    const patterns = ctx.options.collectorImages.map((p) => String(p).toLowerCase());
    const variables = new Set(ctx.options.collectorEnvironment.map(String));

    // a collector or a collector address anywhere settles it; otherwise a container that cannot be read might be one
    let unknown = false;
    for (const item of containers.value) {
      const c = resolver.resolve(item);
      if (!c.known || !isPlainObject(c.value)) {
        unknown = true;
        continue;
      }
      const texts = imageTexts(c.value.Image, resolver);
      if (texts.some((t) => patterns.some((p) => t.toLowerCase().includes(p)))) return;
      if (texts.length === 0 || texts.some(repositoryUnknown)) {
        // an image from a repository of this template is the application's own; one from a parameter could be anything
        if (!findReferences(c.value.Image).some((ref) => ctx.template.resources.has(ref.target))) unknown = true;
      }
      for (const key of ['Environment', 'Secrets']) {
        const list = resolver.resolve(c.value[key]);
        if (!list.known) {
          unknown = true;
          continue;
        }
        if (!Array.isArray(list.value)) continue;
        for (const entry of list.value) {
          const e = resolver.resolve(entry);
          const name = e.known && isPlainObject(e.value) ? resolver.deep(e.value.Name) : undefined;
          if (!name?.known) {
            unknown = true;
            continue;
          }
          if (typeof name.value === 'string' && variables.has(name.value)) return;
        }
      }
    }
    if (unknown) return;

    const runBy =
      services.length === 0 ? '' : ` (run by ${services.length === 1 ? 'service' : 'services'} ${services.join(', ')})`;
    ctx.report({
      messageId: 'noCollector',
      path: 'Properties.ContainerDefinitions',
      data: { name: resource.logicalId, runBy, variables: [...variables].join(' or ') || 'a collector address' },
    });
  },
});
