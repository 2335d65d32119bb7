/**
 * Shared by the monitoring rules: what an RDS resource is (its engine, whether it is an Aurora cluster
 * member, which cluster). Not a rule.
 */
import { isSetAt, verdictAt } from '../../lib/semantics';
import type { Resource, Template } from '../../lib/template/model';

// ---------------------------------------------------------------------------------------------------------
// RDS

/** Engine family used in messages and options. */
export type EngineFamily = 'mysql' | 'mariadb' | 'postgres' | 'oracle' | 'sqlserver' | 'db2' | 'aurora-mysql' | 'aurora-postgresql' | 'custom';

/** The `Engine` value, lowercased; `null` when it cannot be known, undefined when it is not set. */
export function engineOf(template: Template, resource: Resource): string | null | undefined {
  const r = template.valueAt(resource, 'Properties.Engine');
  if (!r.known) return null;
  if (r.value === undefined) return undefined;
  const d = template.resolver.deep(r.value);
  return d.known && typeof d.value === 'string' ? d.value.toLowerCase() : null;
}

/**
 * The engine, or when the resource does not name one, the engine of the cluster it joins or the instance
 * or cluster it replicates (a read replica leaves `Engine` out).
 */
export function effectiveEngine(template: Template, resource: Resource): string | null | undefined {
  const own = engineOf(template, resource);
  if (own !== undefined) return own;
  for (const ref of template.graph.outgoing(resource.logicalId)) {
    if (ref.path[0] !== 'Properties' || !ENGINE_SOURCES.has(String(ref.path[1]))) continue;
    const source = template.resources.get(ref.to);
    if (!source || source === resource || (source.type !== 'AWS::RDS::DBInstance' && source.type !== 'AWS::RDS::DBCluster')) continue;
    const engine = engineOf(template, source);
    if (engine !== undefined) return engine;
  }
  return undefined;
}

const ENGINE_SOURCES = new Set(['DBClusterIdentifier', 'SourceDBInstanceIdentifier', 'SourceDBClusterIdentifier']);

export function engineFamily(engine: string): EngineFamily | undefined {
  if (engine.startsWith('custom-')) return 'custom';
  if (engine === 'aurora' || engine.startsWith('aurora-mysql')) return 'aurora-mysql';
  if (engine.startsWith('aurora-postgresql')) return 'aurora-postgresql';
  if (engine.startsWith('oracle')) return 'oracle';
  if (engine.startsWith('sqlserver')) return 'sqlserver';
  if (engine.startsWith('db2')) return 'db2';
  if (engine === 'postgres' || engine === 'postgresql') return 'postgres';
  if (engine === 'mysql') return 'mysql';
  if (engine === 'mariadb') return 'mariadb';
  return undefined;
}

export function isAuroraEngine(engine: string): boolean {
  return engine === 'aurora' || engine.startsWith('aurora-');
}

/**
 * The cluster an instance belongs to: `none` for a standalone instance; `member` with the cluster resource
 * when `DBClusterIdentifier` refers to a cluster of this template; `member` without it when the cluster is
 * named some other way (a literal, a parameter, an import); `unknown` when whether it is set is unknown.
 */
export function clusterOf(template: Template, instance: Resource): { kind: 'none' } | { kind: 'member'; cluster?: Resource } | { kind: 'unknown' } {
  const set = isSetAt(template, instance, 'Properties.DBClusterIdentifier').verdict;
  if (set === false) return { kind: 'none' };
  if (set === undefined) {
    // an unknown value may still be a reference to a cluster of the template
    const cluster = referencedCluster(template, instance);
    return cluster ? { kind: 'member', cluster } : { kind: 'unknown' };
  }
  return { kind: 'member', cluster: referencedCluster(template, instance) };
}

function referencedCluster(template: Template, instance: Resource): Resource | undefined {
  for (const ref of template.graph.outgoing(instance.logicalId)) {
    if (ref.kind === 'DependsOn' || ref.path[0] !== 'Properties' || ref.path[1] !== 'DBClusterIdentifier') continue;
    const target = template.resources.get(ref.to);
    if (target?.type === 'AWS::RDS::DBCluster' && !template.isExcluded(target)) return target;
  }
  return undefined;
}

/**
 * What kind of cluster an `AWS::RDS::DBCluster` is: Aurora (provisioned or Serverless v2, whose instances are
 * `AWS::RDS::DBInstance` resources), Aurora Serverless v1 (`EngineMode: serverless`, no instances), or a
 * Multi-AZ DB cluster (MySQL or PostgreSQL with `DBClusterInstanceClass`, no instance resources).
 */
export function clusterKind(template: Template, cluster: Resource): 'aurora' | 'aurora-serverless-v1' | 'multi-az' | undefined {
  const engine = engineOf(template, cluster);
  if (typeof engine === 'string') {
    if (isAuroraEngine(engine)) {
      const serverless = verdictAt(template, cluster, 'Properties.EngineMode', (m) => m === 'serverless');
      return serverless === true ? 'aurora-serverless-v1' : serverless === false ? 'aurora' : undefined;
    }
    return 'multi-az';
  }
  // the engine is not known: a Multi-AZ DB cluster is the one that names an instance class
  const classSet = isSetAt(template, cluster, 'Properties.DBClusterInstanceClass').verdict;
  return classSet === true ? 'multi-az' : undefined;
}
