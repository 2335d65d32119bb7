/**
 * `opslint/rule`: what rules and packs are written with. opslint's built-in rules import this module too
 * (`../../lib/rule`), so a pack's rules have what the built-in ones have.
 *
 * Stable within a major version: the rule and pack API and its types, the model types, the value, verdict and
 * reference helpers and the semantic layer's types. The names under "Shared by the built-in rules" below are
 * exported because the built-in rules use them; they may change in a minor version. Anything not exported here
 * (or from `opslint`, `opslint/testing`, `opslint/cdk`, `opslint/cdk-nag`) is internal.
 *
 * This module must not import `rules/` or lib/compose.ts: the built-in rules load it, so it cannot load them.
 */

// Rules and packs
export { defineRule, definePack } from './engine/rule';
export type {
  Rule,
  ResourceRule,
  AssemblyRule,
  Pack,
  RuleOptions,
  RuleFix,
  Report,
  AssemblyReport,
  ResourceContext,
  AssemblyContext,
  RolePolicy,
  RoleDecision,
} from './engine/rule';
export type { FixEdit } from './engine/finding';
export { loadYamlPack } from './packs/yaml';

// The model a rule sees
export type { Template, Resource } from './template/model';
export type { Resolver, Resolved, Known, Unknown } from './template/resolver';
export type { ReferenceGraph, Reference } from './template/graph';
export type { JsonPath } from './template/path';
export type { Assembly, Stack, Environment } from './assembly/model';
export { asIntrinsic, findReferences, getAttParts, subVariables } from './template/intrinsics';

// The semantic layer: values, verdicts, references, resource types and roles (ctx.facts, ctx.values, ctx.judge)
export {
  isTrue,
  isFalse,
  isEmpty,
  isSet,
  asNumber,
  UNKNOWN,
  judge,
  and,
  or,
  type Verdict,
  type Judged,
} from './semantics';
export { referrers, referredUnder, referencedResource, pathStartsWith, type Referrer } from './semantics';
export {
  FUNCTION_TYPES,
  COMPUTE_TYPES,
  API_TYPES,
  DATA_TYPES,
  COMPUTE_AND_API_TYPES,
  WORKLOAD_TYPES,
  OWNED_TYPES,
} from './semantics';
export type {
  Role,
  RoleOf,
  StackFacts,
  AppFacts,
  Invoker,
  InvocationMode,
  InvokingService,
  AlarmIndex,
  WatchingAlarm,
  AlarmResponse,
} from './semantics';

// Shared by the built-in rules (may change in a minor version)
export {
  isPlainObject,
  own,
  placeholders,
  replacePlaceholders,
  boundedJoin,
  boundedReplace,
} from './template/intrinsics';
export { kindOf } from './template/errors';
export { formatEnvironment, stackLabel, resourceLabel, severalStacks, topLevelStacks } from './assembly/model';
export {
  asStrings,
  positive,
  branches,
  scalarOptions,
  knownString,
  writtenText,
  arnText,
  placeholdersOut,
  listNames,
} from './semantics';
export {
  verdictAt,
  isSetAt,
  stringAt,
  someValue,
  judgeBranches,
  verdictIn,
  hasItems,
  includes,
  firstProblem,
  type Judgement,
} from './semantics';
export {
  exportedResources,
  eventRuleDisabled,
  createsStage,
  samEvents,
  samEventDisabled,
  isDeadLetterQueue,
} from './semantics';
export {
  ALARM,
  COMPOSITE_ALARM,
  METRIC_IDENTITIES,
  alarmActionKinds,
  namespaces,
  ALARM_ADVICE,
  alarmAdvice,
  namingDimensions,
} from './semantics';
export {
  engineFamily,
  effectiveEngine,
  possibleEngines,
  isAuroraEngine,
  keepsOwnData,
  clusterOf,
  clusterKind,
  type EngineFamily,
} from './semantics';
