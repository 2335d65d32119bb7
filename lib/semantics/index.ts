/**
 * The semantic layer: one understanding of a template that every rule shares, on top of the template and
 * assembly models. Rules import it through `opslint/rule` (lib/rule.ts; the built-in rules as `../../lib/rule`):
 *
 * - values.ts: what a value can be (`isTrue`, `isSet`, every value across `Fn::If` branches, written texts)
 * - verdict.ts: three-valued verdicts about properties, with the reason when unknown
 * - references.ts: referrers, referred resources, exports
 * - types.ts: the one list of workload resource types, by category
 * - roles.ts: what each resource is for (workload, deployment machinery, edge, CDK internal, account baseline)
 * - invocation.ts: who invokes a function or state machine, synchronously, asynchronously or by polling
 * - alarms.ts: which alarms watch which resource's metrics, and whether they alert, scale or act
 * - alarm-metrics.ts: what to alarm on for each type that needs an alarm (metric, dimensions, how to name it)
 * - apigateway.ts: whether a REST API deployment creates a stage
 * - queues.ts: dead-letter queues and the references that make them
 * - rds.ts: RDS engines, clusters, members and read replicas
 * - sam.ts: SAM event sources
 * - facts.ts: all of the above worked out once per stack (`ctx.facts`)
 */
export * from './values';
export * from './verdict';
export * from './references';
export * from './types';
export * from './roles';
export * from './invocation';
export * from './alarms';
export * from './alarm-metrics';
export * from './apigateway';
export * from './sam';
export * from './queues';
export * from './rds';
export * from './facts';
