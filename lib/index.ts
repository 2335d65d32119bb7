/**
 * opslint's public API. Everything exported here is stable within a major version; anything reached by a
 * deeper import path is internal.
 */

// Rules and packs
export { defineRule, definePack, formatMessage } from './engine/rule';
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
  Verdict,
  RolePolicy,
  RoleDecision,
} from './engine/rule';
export { ruleInfo, type RuleInfo } from './engine/rule-info';

// The semantic layer: what a template means, shared by every rule (ctx.facts, ctx.values, ctx.judge)
export { isTrue, isFalse, isEmpty, isSet, asNumber, UNKNOWN, and, or, judge, type Judged } from './semantics';
export { referrers, referredUnder, referencedResource, pathStartsWith, type Referrer } from './semantics';
export { FUNCTION_TYPES, COMPUTE_TYPES, API_TYPES, DATA_TYPES, WORKLOAD_TYPES, OWNED_TYPES } from './semantics';
export type { Role, RoleOf, StackFacts, AppFacts, Invoker, InvocationMode, InvokingService, AlarmIndex, WatchingAlarm, AlarmResponse } from './semantics';

// Scanning
export { scanPaths, buildReport, type ScanOptions } from './scan';
export { configureRules, type RuleSelection } from './engine/config';
export { UsageError } from './errors';
export { runRules, type ConfiguredRule } from './engine/runner';
export { atOrAbove, compareFindings, INTERNAL_ERROR, SEVERITIES } from './engine/finding';
export type { Finding, Severity, FailOn, ScanReport, Summary, InputErrorEntry, Note, Assumption } from './engine/finding';
export { BUILTIN_PACKS } from './compose';

// The template model, resolver and reference graph
export { Template, looksLikeTemplate, type Resource, type Unresolved } from './template/model';
export { loadTemplate, templateFromText, type LoadOptions } from './template/load';
export { parseDocument, type ParsedDocument, type ParseLimits, DEFAULT_PARSE_LIMITS } from './template/parse';
export { Resolver, known, unknown, type Resolved, type Known, type Unknown, type ResolverInputs } from './template/resolver';
export { ReferenceGraph, type Reference } from './template/graph';
export { asIntrinsic, findReferences, getAttParts, subVariables, type ValueReference } from './template/intrinsics';
export { formatPath, parsePath, type JsonPath, type PathSegment } from './template/path';
export { InputError } from './template/errors';
export type { Position } from './template/source';

// Cloud assemblies
export { readCloudAssembly, parseEnvironment } from './assembly/read';
export { singleTemplateAssembly, type Assembly, type Stack, type Environment } from './assembly/model';

// The OPS pillar
export { bestPractice, question, allBestPractices, questionForSeed, QUESTIONS, type BestPractice } from './framework';

// Rule packs
export { loadPacks, loadPack } from './packs/load';
export { loadYamlPack } from './packs/yaml';

// Reporters
export { getReporter, FORMATS, type Reporter, type ReporterOptions } from './reporters';
