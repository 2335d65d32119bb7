/**
 * Shared by the recovery rules: the setting that protects each type of resource from deletion (by a stack
 * operation or an API call), and what turns it on. Not a rule.
 */
import { isTrue } from '../../lib/semantics';

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
  // a global table is protected replica by replica (deletion-protection checks each)
  'AWS::DynamoDB::GlobalTable': { kind: 'DynamoDB global table', property: 'DeletionProtectionEnabled', ...BOOLEAN },
  'AWS::Neptune::DBCluster': { kind: 'Neptune cluster', property: 'DeletionProtection', ...BOOLEAN },
  'AWS::DocDB::DBCluster': { kind: 'DocumentDB cluster', property: 'DeletionProtection', ...BOOLEAN },
  'AWS::Cognito::UserPool': { kind: 'Cognito user pool', property: 'DeletionProtection', value: 'ACTIVE', on: (v) => v === 'ACTIVE' },
  // supported, off by default
  'AWS::RDS::GlobalCluster': { kind: 'Aurora global database', property: 'DeletionProtection', ...BOOLEAN },
  'AWS::QLDB::Ledger': { kind: 'QLDB ledger', property: 'DeletionProtection', ...BOOLEAN, onByDefault: true },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': { kind: 'Load balancer', property: 'the LoadBalancerAttributes entry deletion_protection.enabled', ...BOOLEAN },
};
