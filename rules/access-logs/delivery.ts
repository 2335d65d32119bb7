/**
 * Shared by the access-logs rules: CloudWatch Logs vended-log delivery. A resource that supports it sends
 * its logs through an `AWS::Logs::DeliverySource` whose `ResourceArn` names it, paired with a destination by
 * an `AWS::Logs::Delivery` (CloudFront standard logging v2, Network Load Balancer logs). Not a rule.
 */
import type { ResourceContext, RuleOptions } from '../../lib/rule';

export const DELIVERY_SOURCE = 'AWS::Logs::DeliverySource';

/**
 * Whether a delivery source in the template names this resource in its ResourceArn; with `logTypes`, only
 * one whose LogType is one of them (or cannot be known) counts.
 */
export function deliversVendedLogs<O extends RuleOptions>(
  ctx: ResourceContext<O>,
  logTypes?: readonly string[],
): boolean {
  for (const { resource: source, references } of ctx.referrers([DELIVERY_SOURCE])) {
    if (!references.some((r) => r.path[0] === 'Properties' && r.path[1] === 'ResourceArn')) continue;
    if (!logTypes) return true;
    const type = ctx.template.valueAt(source, 'Properties.LogType');
    const types = type.known ? [type.value] : type.alternatives;
    if (!types || types.some((t) => typeof t === 'string' && logTypes.includes(t))) return true;
  }
  return false;
}
