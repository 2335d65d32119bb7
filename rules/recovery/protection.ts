/**
 * Shared by the recovery rules: the setting that protects each type of resource from deletion (by a stack
 * operation or an API call), what turns it on, and whether a resource has it. Not a rule.
 */
import {
  type ResourceContext,
  type RuleOptions,
  and,
  isTrue,
  UNKNOWN,
  type Verdict,
  isPlainObject,
  own,
} from '../../lib/rule';
import { safeSomewhere } from './environment';

export interface Protection {
  /** how the message calls it */
  readonly kind: string;
  /** the property that turns protection on */
  readonly property: string;
  /** the value that turns it on, for the message */
  readonly value: string;
  readonly on: (value: unknown) => boolean;
  /** protection is on when the property is not set */
  readonly onByDefault?: boolean;
}

const BOOLEAN = { value: 'true', on: isTrue };

/** The property that protects each type from deletion, and what turns it on. */
export const PROTECTION: Readonly<Record<string, Protection>> = {
  'AWS::RDS::DBInstance': { kind: 'RDS instance', property: 'DeletionProtection', ...BOOLEAN },
  'AWS::RDS::DBCluster': { kind: 'RDS cluster', property: 'DeletionProtection', ...BOOLEAN },
  'AWS::DynamoDB::Table': { kind: 'DynamoDB table', property: 'DeletionProtectionEnabled', ...BOOLEAN },
  // a global table is protected replica by replica: Replicas[].DeletionProtectionEnabled
  'AWS::DynamoDB::GlobalTable': { kind: 'DynamoDB global table', property: 'DeletionProtectionEnabled', ...BOOLEAN },
  'AWS::Neptune::DBCluster': { kind: 'Neptune cluster', property: 'DeletionProtection', ...BOOLEAN },
  'AWS::DocDB::DBCluster': { kind: 'DocumentDB cluster', property: 'DeletionProtection', ...BOOLEAN },
  'AWS::Cognito::UserPool': {
    kind: 'Cognito user pool',
    property: 'DeletionProtection',
    value: 'ACTIVE',
    on: (v) => v === 'ACTIVE',
  },
  // supported, off by default
  'AWS::RDS::GlobalCluster': { kind: 'Aurora global database', property: 'DeletionProtection', ...BOOLEAN },
  'AWS::QLDB::Ledger': { kind: 'QLDB ledger', property: 'DeletionProtection', ...BOOLEAN, onByDefault: true },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': {
    kind: 'Load balancer',
    property: 'the LoadBalancerAttributes entry deletion_protection.enabled',
    ...BOOLEAN,
  },
};

export const ELB_ATTRIBUTE = 'deletion_protection.enabled';

/**
 * Whether a resource refuses deletion: its protection on in some branch of a condition (teams protect
 * production only); a global table when every replica is protected. `undefined` when it cannot be known.
 */
export function isProtected<O extends RuleOptions>(ctx: ResourceContext<O>): Verdict {
  const target = own(PROTECTION, ctx.resource.type);
  if (!target) return false;
  if (ctx.resource.type === 'AWS::DynamoDB::GlobalTable') {
    const replicas = replicaProtection(ctx);
    return replicas === undefined ? undefined : and(...replicas.map((r) => r.protected));
  }
  if (ctx.resource.type === 'AWS::ElasticLoadBalancingV2::LoadBalancer') return loadBalancerProtected(ctx);
  return safeSomewhere(ctx, `Properties.${target.property}`, (v) =>
    v === undefined ? target.onByDefault === true : target.on(v),
  );
}

/** Each replica of a DynamoDB global table, and whether it is protected; `undefined` when the list is not known. */
export function replicaProtection<O extends RuleOptions>(
  ctx: ResourceContext<O>,
): { readonly path: string; readonly region: string | undefined; readonly protected: Verdict }[] | undefined {
  const replicas = ctx.get('Properties.Replicas');
  if (!replicas.known || !Array.isArray(replicas.value)) return undefined;
  return replicas.value.map((_, i) => {
    const path = `Properties.Replicas[${i}].DeletionProtectionEnabled`;
    const region = ctx.get(`Properties.Replicas[${i}].Region`);
    return {
      path,
      region: region.known && typeof region.value === 'string' ? region.value : undefined,
      protected: safeSomewhere(ctx, path, isTrue),
    };
  });
}

/** Whether some possible attribute list of a load balancer turns `deletion_protection.enabled` on. */
export function loadBalancerProtected<O extends RuleOptions>(ctx: ResourceContext<O>): Verdict {
  let unknownSeen = false;
  for (const list of ctx.values('Properties.LoadBalancerAttributes', { everyBranch: true })) {
    if (list === UNKNOWN) {
      unknownSeen = true;
      continue;
    }
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      // an AWS::NoValue entry is no entry
      if (item === undefined) continue;
      if (!isPlainObject(item) || item.Key === UNKNOWN) {
        unknownSeen = true;
        continue;
      }
      if (item.Key !== ELB_ATTRIBUTE) continue;
      if (item.Value === UNKNOWN) unknownSeen = true;
      else if (isTrue(item.Value)) return true;
    }
  }
  return unknownSeen ? undefined : false;
}
