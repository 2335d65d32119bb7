/**
 * `opslint`: scanning from code and the report it returns. Everything exported here is stable within a major
 * version. Rules and packs are written with `opslint/rule` (lib/rule.ts), tested with `opslint/testing`; anything
 * reached by a deeper import path is internal.
 */

// Scanning
export {
  scanPaths,
  scanSources,
  type ScanSettings as ScanOptions,
  type ParallelScanSettings as ParallelScanOptions,
} from './compose';
export { filesSource } from './sources/files';
export { deployedSource } from './sources/deployed';
export type { Listing, Reader, Reading, Source, SourceContext, Unit } from './sources/source';
export { buildReport, type ReportOptions } from './scan';
export { configureRules, type RuleSelection } from './engine/config';
export { UsageError } from './errors';
export type { ConfiguredRule } from './engine/runner';
export { BUILTIN_PACKS } from './compose';
export { loadPacks } from './packs/load';
export { defineRule, definePack, loadYamlPack, type Rule, type Pack } from './rule';

// A template read from text, for buildReport
export { templateFromText, type LoadOptions } from './template/load';
export { singleTemplateAssembly, type Assembly, type Stack } from './assembly/model';
export type { Template } from './template/model';
export { InputError } from './template/errors';

// The report (the JSON report's contract: schema/report.schema.json)
export { SEVERITIES, atOrAbove } from './engine/finding';
export type {
  Finding,
  Severity,
  FailOn,
  ScanReport,
  Summary,
  InputErrorEntry,
  Note,
  Assumption,
} from './engine/finding';
export { ruleInfo, type RuleInfo } from './engine/rule-info';
export {
  getReporter,
  getStreamingReporter,
  FORMATS,
  type Reporter,
  type StreamingReporter,
  type ReporterOptions,
} from './reporters';
export { REPORT_SCHEMA_VERSION } from './reporters/json';

// The OPS pillar
export { bestPractice, question, QUESTIONS, type BestPractice } from './framework';
