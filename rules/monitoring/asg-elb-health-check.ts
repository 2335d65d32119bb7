import { defineRule, type Resolved, isPlainObject } from '../../lib/rule';

/** Does some possible value (a branch of an unknown condition) satisfy `predicate`? undefined when unknown. */
function someBranch(r: Resolved, predicate: (value: unknown) => boolean): boolean | undefined {
  if (r.known) return predicate(r.value);
  return r.alternatives ? r.alternatives.some(predicate) : undefined;
}

const nonEmptyList = (v: unknown): boolean => Array.isArray(v) && v.length > 0;

export default defineRule({
  id: 'asg-elb-health-check',
  title: 'Auto Scaling groups behind a load balancer replace instances that fail its health checks',
  bestPractice: 'OPS04-BP04',
  resourceTypes: ['AWS::AutoScaling::AutoScalingGroup'],
  severity: 'warning',
  optionsSchema: {},
  messages: {
    ec2Only:
      'Auto Scaling group {{name}} is registered with {{via}} but HealthCheckType does not include {{type}}, so instances the load balancer marks unhealthy are kept; set HealthCheckType to {{type}} with a HealthCheckGracePeriod.',
  },
  why:
    'EC2 status checks only see whether the instance and its host are reachable. An instance whose ' +
    'application has hung, lost its database connection or fails every request still passes them, so the ' +
    'group keeps it while the load balancer sends it no traffic, and capacity silently shrinks. With the ELB ' +
    "(or VPC_LATTICE) health check type the group uses the load balancer's view of the dependency and " +
    'replaces such instances itself.',
  fix: {
    cloudformation:
      'Type: AWS::AutoScaling::AutoScalingGroup\nProperties:\n  TargetGroupARNs: [!Ref WebTargetGroup]\n  HealthCheckType: ELB\n  HealthCheckGracePeriod: 300',
    cdk:
      'new autoscaling.AutoScalingGroup(this, "Asg", {\n  /* … */\n  healthChecks: autoscaling.HealthChecks.withAdditionalChecks({\n' +
      '    additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],\n    gracePeriod: Duration.minutes(5),\n  }),\n});\n' +
      '// older CDK: healthCheck: autoscaling.HealthCheck.elb({ grace: Duration.minutes(5) })',
  },
  check(resource, ctx) {
    const resolver = ctx.template.resolver;
    const trafficTypes = (v: unknown): string[] | undefined => {
      if (!Array.isArray(v)) return [];
      const d = resolver.deep(v);
      if (!d.known || !Array.isArray(d.value)) return undefined;
      return d.value.map((s) => (isPlainObject(s) && typeof s.Type === 'string' ? s.Type : ''));
    };
    const sourcesOf =
      (types: (t: string) => boolean) =>
      (v: unknown): boolean => {
        const list = trafficTypes(v);
        return list !== undefined && list.some(types);
      };

    const targetGroups = someBranch(ctx.get('Properties.TargetGroupARNs'), nonEmptyList);
    const classic = someBranch(ctx.get('Properties.LoadBalancerNames'), nonEmptyList);
    const sources = ctx.get('Properties.TrafficSources');
    const elbSources = someBranch(
      sources,
      sourcesOf((t) => t === 'elb' || t === 'elbv2'),
    );
    const latticeSources = someBranch(
      sources,
      sourcesOf((t) => t === 'vpc-lattice'),
    );

    let type: string;
    let via: string;
    if (targetGroups === true || elbSources === true) [type, via] = ['ELB', 'a load balancer target group'];
    else if (classic === true) [type, via] = ['ELB', 'a Classic Load Balancer'];
    else if (latticeSources === true) [type, via] = ['VPC_LATTICE', 'a VPC Lattice target group'];
    else return ctx.notApplicable();

    const checked = ctx.satisfies(
      'Properties.HealthCheckType',
      (v) =>
        typeof v === 'string' &&
        v
          .split(',')
          .map((s) => s.trim())
          .includes(type),
    );
    if (checked === false)
      ctx.report({
        messageId: 'ec2Only',
        path: 'Properties.HealthCheckType',
        data: { name: resource.logicalId, via, type },
      });
  },
});
