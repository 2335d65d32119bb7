/**
 * What an RDS resource is: its engine (and every engine it may have across an `Fn::If`), whether it is an
 * Aurora instance, a member of a cluster or a read replica, and what kind of cluster a cluster is.
 */
import type { Resource, Template } from '../template/model';
import { referredUnder } from './references';
import { valuesAt } from './values';
import { isSetAt, verdictAt, type Verdict } from './verdict';

/** Engine family used in messages and options. */
export type EngineFamily =
  'mysql' | 'mariadb' | 'postgres' | 'oracle' | 'sqlserver' | 'db2' | 'aurora-mysql' | 'aurora-postgresql' | 'custom';

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
    if (
      !source ||
      source === resource ||
      (source.type !== 'AWS::RDS::DBInstance' && source.type !== 'AWS::RDS::DBCluster')
    )
      continue;
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
 * Every engine an instance or cluster may have, lowercased: its own `Engine` in each branch of an `Fn::If`, or
 * (when it names none) that of the cluster or instance it joins or replicates; `null` for a branch that cannot be
 * known.
 */
export function possibleEngines(template: Template, resource: Resource): (string | null)[] {
  // each branch on its own: a branch known only at deployment does not hide the others
  const values = valuesAt(template.resolver, resource.definition, 'Properties.Engine');
  if (values.length === 1 && values[0] === undefined) {
    const inherited = effectiveEngine(template, resource);
    return inherited === undefined ? [] : [inherited];
  }
  return values.map((e) => (typeof e === 'string' ? e.toLowerCase() : null));
}

/**
 * Whether an RDS instance keeps data of its own: not a member of an Aurora or Multi-AZ DB cluster (whose
 * storage is the cluster's), not a read replica (a copy of its source), and not an Aurora instance, which
 * always belongs to a cluster (in any branch of an `Fn::If` on its Engine). Undefined when whether it joins a
 * cluster or replicates cannot be known; an engine that cannot be known is taken as not Aurora.
 */
export function keepsOwnData(template: Template, instance: Resource): Verdict {
  for (const p of ['DBClusterIdentifier', 'SourceDBInstanceIdentifier', 'SourceDBClusterIdentifier']) {
    const absent = verdictAt(template, instance, `Properties.${p}`, (v) => v === undefined);
    if (absent !== true) return absent === false ? false : undefined;
  }
  return !possibleEngines(template, instance).some((e) => typeof e === 'string' && isAuroraEngine(e));
}

/**
 * The cluster an instance belongs to: `none` for a standalone instance; `member` with the cluster resource
 * when `DBClusterIdentifier` refers to a cluster of this template; `member` without it when the cluster is
 * named some other way (a literal, a parameter, an import); `unknown` when whether it is set is unknown.
 */
export function clusterOf(
  template: Template,
  instance: Resource,
): { kind: 'none' } | { kind: 'member'; cluster?: Resource } | { kind: 'unknown' } {
  const set = isSetAt(template, instance, 'Properties.DBClusterIdentifier').verdict;
  if (set === false) return { kind: 'none' };
  const cluster = referredUnder(template, instance, ['Properties', 'DBClusterIdentifier'], ['AWS::RDS::DBCluster'])[0];
  // an unknown value may still be a reference to a cluster of the template
  if (set === undefined) return cluster ? { kind: 'member', cluster } : { kind: 'unknown' };
  return { kind: 'member', cluster };
}

/**
 * What kind of cluster an `AWS::RDS::DBCluster` is: Aurora (provisioned or Serverless v2, whose instances are
 * `AWS::RDS::DBInstance` resources), Aurora Serverless v1 (`EngineMode: serverless`, no instances), or a
 * Multi-AZ DB cluster (MySQL or PostgreSQL with `DBClusterInstanceClass`, no instance resources).
 */
export function clusterKind(
  template: Template,
  cluster: Resource,
): 'aurora' | 'aurora-serverless-v1' | 'multi-az' | undefined {
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
