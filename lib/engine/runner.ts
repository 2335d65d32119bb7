/**
 * Runs configured rules over assemblies. Resources are indexed by type once per template and a rule is
 * called only for its types; assembly rules are called once per assembly. A rule that throws becomes an
 * `internal-error` finding naming the rule and the resource, and the scan goes on.
 */
import { formatEnvironment, type Assembly, type Stack } from '../assembly/model';
import { bestPractice as lookupBestPractice } from '../framework';
import type { Resource, Template } from '../template/model';
import { formatPath, parsePath, type JsonPath } from '../template/path';
import type { ParsedDocument } from '../template/parse';
import type { Position } from '../template/source';
import type { Finding, Severity } from './finding';
import {
  formatMessage,
  isAssemblyRule,
  type AssemblyReport,
  type AssemblyRule,
  type Report,
  type ResourceContext,
  type ResourceRule,
  type Rule,
  type RuleOptions,
  type Verdict,
} from './rule';

export const INTERNAL_ERROR = 'internal-error';

/** A rule as the user configured it: on, with this severity and these options. */
export interface ConfiguredRule {
  readonly rule: Rule;
  readonly severity: Severity;
  readonly options: RuleOptions;
}

export function runRules(assembly: Assembly, rules: readonly ConfiguredRule[]): Finding[] {
  const findings: Finding[] = [];
  const resourceRules = rules.filter((c) => !isAssemblyRule(c.rule));
  for (const stack of assembly.stacks) runOnStack(stack, resourceRules, findings);
  for (const configured of rules) {
    if (isAssemblyRule(configured.rule)) runOnAssembly(assembly, configured, configured.rule, findings);
  }
  return findings;
}

function runOnStack(stack: Stack, rules: readonly ConfiguredRule[], findings: Finding[]): void {
  const template = stack.template;
  for (const configured of rules) {
    const rule = configured.rule as ResourceRule;
    const memo = new Map<string, unknown>();
    for (const type of new Set(rule.resourceTypes)) {
      for (const resource of template.resourcesOfType(type)) {
        if (template.isExcluded(resource) || stack.frameworkResources?.has(resource.logicalId)) continue;
        const ctx = resourceContext(stack, resource, configured, memo, findings);
        try {
          rule.check(resource, ctx);
        } catch (error) {
          findings.push(internalError(configured, error, template.file, resource.position, resource.logicalId, formatPath(['Resources', resource.logicalId]), stack, resource));
        }
      }
    }
  }
}

function resourceContext(
  stack: Stack,
  resource: Resource,
  configured: ConfiguredRule,
  memo: Map<string, unknown>,
  findings: Finding[],
): ResourceContext<RuleOptions> {
  const template = stack.template;
  return {
    options: configured.options,
    template,
    resource,
    stack,
    graph: template.graph,
    get: (path) => template.valueAt(resource, path),
    resolve: (value) => template.resolver.resolve(value),
    satisfies: (path, predicate) => verdict(template, resource, path, predicate),
    referrers: (types) => referrers(template, resource, types),
    memo: <T>(key: string, compute: () => T): T => {
      if (!memo.has(key)) memo.set(key, compute());
      return memo.get(key) as T;
    },
    report: (report: Report) => {
      const rel = parsePath(report.path ?? []);
      findings.push(
        makeFinding(configured, report, template.file, template.locateInResource(resource, rel), resource.logicalId, ['Resources', resource.logicalId, ...rel], stack, resource),
      );
    },
  };
}

function verdict(template: Template, resource: Resource, path: string | JsonPath, predicate: (v: unknown) => boolean): Verdict {
  const r = template.valueAt(resource, path);
  if (r.known) return predicate(r.value);
  if (r.alternatives) return r.alternatives.every((v) => predicate(v));
  return undefined;
}

function referrers(template: Template, resource: Resource, types?: readonly string[]) {
  const byResource = new Map<string, { resource: Resource; references: import('../template/graph').Reference[] }>();
  for (const ref of template.graph.incoming(resource.logicalId)) {
    const from = template.resources.get(ref.from);
    if (!from || (types && !types.includes(from.type)) || template.isExcluded(from)) continue;
    const entry = byResource.get(ref.from);
    if (entry) entry.references.push(ref);
    else byResource.set(ref.from, { resource: from, references: [ref] });
  }
  return [...byResource.values()];
}

function runOnAssembly(assembly: Assembly, configured: ConfiguredRule, rule: AssemblyRule, findings: Finding[]): void {
  const report = (r: AssemblyReport): void => {
    const rel = parsePath(r.path ?? []);
    if (r.stack && r.resource) {
      const t = r.stack.template;
      findings.push(makeFinding(configured, r, t.file, t.locateInResource(r.resource, rel), r.resource.logicalId, ['Resources', r.resource.logicalId, ...rel], r.stack, r.resource));
    } else if (r.stack?.declaredIn && declaringManifest(assembly, r.stack)) {
      const manifest = declaringManifest(assembly, r.stack)!;
      const path = [...r.stack.declaredIn.path, ...rel];
      findings.push(makeFinding(configured, r, r.stack.declaredIn.file, manifest.sourceMap.locate(manifest.value, path), '', formatPath(path), r.stack));
    } else if (r.stack) {
      const t = r.stack.template;
      findings.push(makeFinding(configured, r, t.file, t.locate(rel), '', rel, r.stack));
    } else if (assembly.manifest) {
      findings.push(makeFinding(configured, r, assembly.file, locateInManifest(assembly, rel), '', rel));
    } else {
      // a lone template: the path is one of its own
      const t = assembly.stacks[0].template;
      findings.push(makeFinding(configured, r, t.file, t.locate(rel), '', rel));
    }
  };
  try {
    rule.check(assembly, { options: configured.options, assembly, report });
  } catch (error) {
    findings.push(internalError(configured, error, assembly.file, { line: 1, column: 1 }, '', ''));
  }
}

/** The manifest that declares a stack: for a stack in a Stage, the Stage's own manifest, not the top one. */
function declaringManifest(assembly: Assembly, stack: Stack): ParsedDocument | undefined {
  return stack.declaredIn?.manifest ?? assembly.manifest;
}

function locateInManifest(assembly: Assembly, path: JsonPath): Position {
  const m = assembly.manifest!;
  return m.sourceMap.locate(m.value, path);
}

function makeFinding(
  configured: ConfiguredRule,
  report: Report,
  file: string,
  position: Position,
  resource: string,
  path: JsonPath | string,
  stack?: Stack,
  res?: Resource,
): Finding {
  const rule = configured.rule;
  const template = report.messageId !== undefined ? rule.messages[report.messageId] : report.message;
  if (template === undefined) throw new Error(`rule ${rule.id} reported unknown message id "${report.messageId}"`);
  return finding({
    ruleId: rule.id,
    severity: configured.severity,
    message: formatMessage(template, report.data),
    bestPractice: rule.bestPractice,
    file,
    position,
    resource,
    path: typeof path === 'string' ? path : formatPath(path),
    stack,
    constructPath: res?.constructPath,
  });
}

function internalError(
  configured: ConfiguredRule,
  error: unknown,
  file: string,
  position: Position,
  resource: string,
  path: string,
  stack?: Stack,
  res?: Resource,
): Finding {
  const what = error instanceof Error ? error.message : String(error);
  const on = resource ? ` on resource ${resource}` : '';
  return finding({
    ruleId: INTERNAL_ERROR,
    severity: 'error',
    message: `Rule ${configured.rule.id} failed${on}: ${what.replace(/\.?$/, '.')}`,
    bestPractice: configured.rule.bestPractice,
    file,
    position,
    resource,
    path,
    stack,
    constructPath: res?.constructPath,
  });
}

function finding(f: {
  ruleId: string;
  severity: Severity;
  message: string;
  bestPractice: string;
  file: string;
  position: Position;
  resource: string;
  path: string;
  stack?: Stack;
  constructPath?: string;
}): Finding {
  const bp = lookupBestPractice(f.bestPractice);
  const out: Finding = {
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    bestPractice: f.bestPractice,
    question: bp?.question ?? f.bestPractice.slice(0, 5),
    file: f.file,
    line: f.position.line,
    column: f.position.column,
    resource: f.resource,
    path: f.path,
  };
  // stack, environment, construct and source exist only for stacks of a cloud assembly
  const fromAssembly = f.stack?.declaredIn !== undefined;
  const construct = f.resource ? f.stack?.constructs?.get(f.resource) : undefined;
  const constructPath = construct?.path ?? f.constructPath;
  return {
    ...out,
    ...(fromAssembly ? { stack: f.stack!.stackName ?? f.stack!.id, environment: formatEnvironment(f.stack!.environment) } : {}),
    ...(constructPath !== undefined ? { constructPath } : {}),
    ...(construct?.source !== undefined ? { source: construct.source } : {}),
  };
}
