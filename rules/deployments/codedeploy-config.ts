/**
 * Shared by the CodeDeploy and SAM rules (not a rule): which CodeDeploy deployment configurations deploy to
 * everything at once, predefined or defined in the template.
 */
import { type ResourceContext, type RuleOptions, type Resource, type Template, asNumber } from '../../lib/rule';

export const DEPLOYMENT_CONFIG = 'AWS::CodeDeploy::DeploymentConfig';

/** The predefined all-at-once configurations, with what to use instead. */
export const ALL_AT_ONCE_CONFIGS: Readonly<Record<string, string>> = {
  'CodeDeployDefault.AllAtOnce': 'CodeDeployDefault.OneAtATime or CodeDeployDefault.HalfAtATime',
  'CodeDeployDefault.LambdaAllAtOnce':
    'a canary or linear configuration such as CodeDeployDefault.LambdaCanary10Percent5Minutes',
  'CodeDeployDefault.ECSAllAtOnce':
    'a canary or linear configuration such as CodeDeployDefault.ECSCanary10Percent5Minutes',
};

export function isAllAtOnceName(value: unknown): value is string {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ALL_AT_ONCE_CONFIGS, value);
}

/** The deployment configuration of this template that the setting under `property` refers to (`!Ref Config`), if any. */
export function referencedConfig<O extends RuleOptions>(
  ctx: ResourceContext<O>,
  property: readonly string[],
): Resource | undefined {
  for (const ref of ctx.graph.outgoing(ctx.resource.logicalId)) {
    if (ref.kind !== 'Ref' || property.some((seg, i) => ref.path[i] !== seg)) continue;
    const target = ctx.template.resources.get(ref.to);
    if (target?.type === DEPLOYMENT_CONFIG && !ctx.template.isExcluded(target)) return target;
  }
  return undefined;
}

/**
 * Why a custom deployment configuration deploys to every target at once; `false` when it goes in steps,
 * `undefined` when that cannot be known.
 */
export function allAtOnceReason(template: Template, config: Resource): string | false | undefined {
  const get = (path: string) => template.valueAt(config, path);
  const routing = get('Properties.TrafficRoutingConfig.Type');
  if (!routing.known) return undefined;
  switch (routing.value) {
    case 'AllAtOnce':
      return 'shifts all traffic at once (TrafficRoutingConfig Type AllAtOnce)';
    case 'TimeBasedCanary':
      return percentage(
        get('Properties.TrafficRoutingConfig.TimeBasedCanary.CanaryPercentage'),
        'in its canary step',
        'CanaryPercentage',
      );
    case 'TimeBasedLinear':
      return percentage(
        get('Properties.TrafficRoutingConfig.TimeBasedLinear.LinearPercentage'),
        'in its first linear step',
        'LinearPercentage',
      );
    case undefined: {
      // EC2/on-premises: how many instances must stay healthy while the others are updated
      const hosts = get('Properties.MinimumHealthyHosts.Value');
      if (!hosts.known) return undefined;
      const n = asNumber(hosts.value);
      if (n === 0) return 'lets every instance be updated at once (MinimumHealthyHosts Value 0)';
      return false;
    }
    default:
      return false;
  }
}

function percentage(r: ReturnType<Template['valueAt']>, what: string, property: string): string | false | undefined {
  if (!r.known) return undefined;
  const n = asNumber(r.value);
  return n !== undefined && n >= 100 ? `shifts all traffic ${what} (${property} ${n})` : false;
}
