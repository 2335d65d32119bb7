/**
 * Runs configured rules over assemblies. Resources are indexed by type once per template and a rule is
 * called only for its types; assembly rules are called once per assembly. A rule that throws becomes an
 * `internal-error` finding naming the rule and the resource, and the scan goes on.
 *
 * Rules that need context (`context: 'account' | 'app'`) are enforced only where the context is visible;
 * elsewhere their findings are `info` and say what context they need. The run also records, per rule, which
 * resources it evaluated and which failed, for the scorecard.
 */
import { formatEnvironment, type Assembly, type Stack } from '../assembly/model';
import { bestPractice as lookupBestPractice } from '../framework';
import { AppFacts, remember, type Remembered, type StackFacts } from '../semantics/facts';
import { referrers } from '../semantics/references';
import { valuesAt } from '../semantics/values';
import { judgeAt } from '../semantics/verdict';
import type { ImplicitOrigin, Resource, Template } from '../template/model';
import type { ParsedDocument } from '../template/parse';
import { formatPath, parsePath } from '../template/path';
import { Resolver, type Assumption } from '../template/resolver';
import type { Position } from '../template/source';
import { assumptionSentence, INTERNAL_ERROR, type Finding, type FixEdit, type Severity } from './finding';
import {
  checkedRoles,
  checksRole,
  formatMessage,
  isAssemblyRule,
  ruleDocsUrl,
  type AssemblyReport,
  type AssemblyRule,
  type Report,
  type ResourceContext,
  type ResourceRule,
  type Rule,
  type RuleOptions,
} from './rule';

/** A rule as the user configured it: on, with this severity and these options. */
export interface ConfiguredRule {
  readonly rule: Rule;
  readonly severity: Severity;
  readonly options: RuleOptions;
  /** the id of the pack the rule comes from ('' when it was run on its own) */
  readonly pack?: string;
}

export interface RunOptions {
  /** stacks that hold the account baseline (CloudTrail, Config, patching): account-context rules are enforced in their assembly */
  readonly accountBaseline?: (stack: Stack) => boolean;
  /** told when a rule starts and stops checking, so that a watchdog can stop a rule that hangs (lib/parallel) */
  readonly watch?: RuleWatch;
}

/** What a watchdog is told: the rule running now, and when none is. */
export interface RuleWatch {
  enter(rule: ConfiguredRule): void;
  leave(): void;
}

/** Why a finding is a reminder when its rule lacks the context it needs (a finding's `needsContext`). */
export const NEEDS_CONTEXT: Readonly<Record<'account' | 'app', string>> = {
  account:
    'account-wide resources usually come from a baseline stack or the organization; mark the stack that holds them as the account baseline (--account-baseline) to enforce this check.',
  app: 'another stack of the app may provide it; scan the app\'s cloud assembly (cdk.out) to enforce this check.',
};

/** Per rule: the resources (or assemblies) it evaluated, those it found a problem in, and those it could not judge without context. */
export interface RuleStats {
  readonly evaluated: Set<string>;
  readonly failed: Set<string>;
  readonly needsContext: Set<string>;
  /** filled after suppressions are applied */
  readonly suppressed: Set<string>;
}

export interface Evaluation {
  readonly findings: Finding[];
  readonly stats: Map<string, RuleStats>;
  /** what the run worked out about each stack (roles, alarm index…) */
  readonly facts: AppFacts;
}

/** Runs configured rules over one assembly and returns their findings (in no particular order). */
export function runRules(assembly: Assembly, rules: readonly ConfiguredRule[], options: RunOptions = {}): Finding[] {
  return evaluate(assembly, rules, options).findings;
}

export function evaluate(assembly: Assembly, rules: readonly ConfiguredRule[], options: RunOptions = {}): Evaluation {
  const run = new Run(assembly, options);
  const resourceRules = rules.filter((c) => !isAssemblyRule(c.rule));
  for (const stack of assembly.stacks) run.onStack(stack, resourceRules);
  for (const configured of rules) {
    if (isAssemblyRule(configured.rule)) run.onAssembly(configured, configured.rule);
  }
  return { findings: run.findings, stats: run.stats, facts: run.facts };
}

/** The key of a resource (or of a whole assembly) in the statistics. */
export function resourceKey(file: string, logicalId: string): string {
  return `${file}#${logicalId}`;
}

/** What a check reported, with what the values it had read by then rest on. */
interface Reported<R> {
  readonly report: R;
  readonly assumptions: readonly Assumption[];
}

class Run {
  readonly findings: Finding[] = [];
  readonly stats = new Map<string, RuleStats>();
  /** whether the assembly's account context is known (it contains the account baseline) */
  private readonly hasBaseline: boolean;
  private readonly watch?: RuleWatch;
  private readonly marked?: (stack: Stack) => boolean;
  readonly facts: AppFacts;
  /** per resource: whether it is deployed, and what that rests on */
  private readonly deployment = new Map<Resource, { readonly excluded: boolean; readonly assumptions: readonly Assumption[] }>();

  constructor(
    private readonly assembly: Assembly,
    options: RunOptions,
  ) {
    this.watch = options.watch;
    this.marked = options.accountBaseline;
    const marked = this.marked;
    this.hasBaseline = marked !== undefined && assembly.stacks.some((s) => marked(s));
    this.facts = new AppFacts(assembly, marked);
  }

  onStack(stack: Stack, rules: readonly ConfiguredRule[]): void {
    const template = stack.template;
    const facts = this.facts.of(stack);
    // one key string per resource, shared by every rule's statistics (a large scan holds millions of entries)
    const keys = new Map<Resource, string>();
    for (const configured of rules) {
      const rule = configured.rule as ResourceRule;
      const memo = new Map<string, Remembered<unknown>>();
      for (const type of new Set(rule.resourceTypes)) {
        for (const resource of template.resourcesOfType(type)) {
          const deployment = this.deploymentOf(template, resource);
          if (deployment.excluded || !checksRole(rule, facts.role(resource).role)) continue;
          let key = keys.get(resource);
          if (key === undefined) keys.set(resource, (key = resourceKey(template.file, resource.logicalId)));
          this.statsOf(rule.id).evaluated.add(key);
          try {
            this.watch?.enter(configured);
            // a finding on a resource deployed under a condition rests on what that condition rests on
            const reported = this.checkResource(stack, resource, configured, facts, memo, deployment.assumptions);
            // checked again with each assumption changed, from scratch, to keep those the finding depends on
            const again = (): Report[] =>
              template.isExcluded(resource) ? [] : this.checkResource(stack, resource, configured, new AppFacts(this.assembly, this.marked).of(stack), new Map(), []).map((r) => r.report);
            for (const r of reported) {
              const assumptions = relevant(template, r.assumptions, () => again().some((x) => sameReport(x, r.report)));
              this.resourceFinding(stack, resource, configured, key, r.report, assumptions);
            }
            this.watch?.leave();
          } catch (error) {
            this.watch?.leave();
            this.push(configured, key, internalError(configured, error, { file: template.file, position: resource.position, resource: resource.logicalId, path: formatPath(template.documentPath(resource, [])), stack, res: resource }));
          }
        }
      }
    }
  }

  /** Runs a resource rule on one resource and returns what it reports, each with what it rests on. */
  private checkResource(stack: Stack, resource: Resource, configured: ConfiguredRule, facts: StackFacts, memo: Map<string, Remembered<unknown>>, base: readonly Assumption[]): Reported<Report>[] {
    const resolver = stack.template.resolver;
    const out: Reported<Report>[] = [];
    resolver.track(() => {
      resolver.assume(base);
      const sink = (report: Report): void => {
        out.push({ report, assumptions: resolver.assumptionsSoFar() });
      };
      settled((configured.rule as ResourceRule).check(resource, this.resourceContext(stack, resource, configured, facts, memo, sink)));
    });
    return out;
  }

  /** Whether a resource is deployed (its Condition is not known to be false), worked out once, with what that rests on. */
  private deploymentOf(template: Template, resource: Resource): { readonly excluded: boolean; readonly assumptions: readonly Assumption[] } {
    let d = this.deployment.get(resource);
    if (!d) {
      const { value: excluded, assumptions } = template.resolver.track(() => template.isExcluded(resource));
      this.deployment.set(resource, (d = { excluded, assumptions }));
    }
    return d;
  }

  onAssembly(configured: ConfiguredRule, rule: AssemblyRule): void {
    const assembly = this.assembly;
    const key = resourceKey(assembly.file, '');
    this.statsOf(rule.id).evaluated.add(key);
    try {
      this.watch?.enter(configured);
      const reported = this.checkAssembly(configured, rule, this.facts);
      for (const r of reported) {
        const stack = r.report.stack ?? (assembly.stacks.length === 1 ? assembly.stacks[0] : undefined);
        const again = (): AssemblyReport[] => this.checkAssembly(configured, rule, new AppFacts(assembly, this.marked)).map((x) => x.report);
        const base = stack && r.report.resource ? this.deploymentOf(stack.template, r.report.resource).assumptions : [];
        const assumptions = stack ? relevant(stack.template, [...base, ...r.assumptions], () => again().some((x) => sameReport(x, r.report) && x.stack === r.report.stack && x.resource === r.report.resource)) : [];
        this.assemblyFinding(configured, rule, key, r.report, assumptions);
      }
      this.watch?.leave();
    } catch (error) {
      this.watch?.leave();
      this.push(configured, key, internalError(configured, error, { file: assembly.file, position: { line: 1, column: 1 }, resource: '', path: '' }));
    }
  }

  /**
   * Runs an assembly rule and returns what it reports, each with what the values read through its stack's
   * resolver rest on (assembly rules read many stacks; a lone template's is its own).
   */
  private checkAssembly(configured: ConfiguredRule, rule: AssemblyRule, facts: AppFacts): Reported<AssemblyReport>[] {
    const assembly = this.assembly;
    const out: Reported<AssemblyReport>[] = [];
    const report = (r: AssemblyReport): void => {
      const stack = r.stack ?? (assembly.stacks.length === 1 ? assembly.stacks[0] : undefined);
      out.push({ report: r, assumptions: stack ? stack.template.resolver.assumptionsSoFar() : [] });
    };
    const resources = (stack: Stack, types: readonly string[]): Resource[] => facts.of(stack).withRoles(types, checkedRoles(rule));
    Resolver.trackAll(
      assembly.stacks.map((s) => s.template.resolver),
      () => settled(rule.check(assembly, { options: configured.options, assembly, facts, resources, report })),
    );
    return out;
  }

  private assemblyFinding(configured: ConfiguredRule, rule: AssemblyRule, key: string, r: AssemblyReport, assumptions: readonly Assumption[]): void {
    const assembly = this.assembly;
    const rel = parsePath(r.path ?? []);
    let where: Where;
    if (r.stack && r.resource) {
      const t = r.stack.template;
      where = { file: t.file, position: t.locateInResource(r.resource, rel), resource: r.resource.logicalId, path: formatPath(t.documentPath(r.resource, rel)), stack: r.stack, res: r.resource };
    } else if (r.stack?.declaredIn && declaringManifest(assembly, r.stack)) {
      const manifest = declaringManifest(assembly, r.stack)!;
      const path = [...r.stack.declaredIn.path, ...rel];
      where = { file: r.stack.declaredIn.file, position: manifest.sourceMap.locate(manifest.value, path), resource: '', path: formatPath(path), stack: r.stack };
    } else if (r.stack) {
      where = { file: r.stack.template.file, position: r.stack.template.locate(rel), resource: '', path: formatPath(rel), stack: r.stack };
    } else if (assembly.manifest) {
      where = { file: assembly.file, position: assembly.manifest.sourceMap.locate(assembly.manifest.value, rel), resource: '', path: formatPath(rel) };
    } else if (assembly.kind === 'deployed') {
      // deployed stacks have no document of the app: the finding is about the region scanned
      where = { file: assembly.file, position: { line: 1, column: 1 }, resource: '', path: formatPath(rel) };
    } else {
      // a lone template: the path is one of its own
      const t = assembly.stacks[0].template;
      where = { file: t.file, position: t.locate(rel), resource: '', path: formatPath(rel) };
    }
    this.report(configured, r, where, key, undefined, r.inContext ? undefined : this.missingContext(rule), assumptions);
  }

  private resourceContext(stack: Stack, resource: Resource, configured: ConfiguredRule, facts: StackFacts, memo: Map<string, Remembered<unknown>>, report: (report: Report) => void): ResourceContext<RuleOptions> {
    const template = stack.template;
    return {
      options: configured.options,
      template,
      resource,
      stack,
      graph: template.graph,
      facts,
      get: (path) => template.valueAt(resource, path),
      resolve: (value) => template.resolver.resolve(value),
      satisfies: (path, predicate) => judgeAt(template, resource, path, predicate).verdict,
      judge: (path, predicate) => judgeAt(template, resource, path, predicate),
      values: (path, options) => valuesAt(template.resolver, resource.definition, path, options),
      referrers: (types) => referrers(template, resource.logicalId, types, { dependsOn: true }),
      memo: <T>(id: string, compute: () => T): T => remember(template, memo as Map<string, Remembered<T>>, id, compute),
      report,
    };
  }

  private resourceFinding(stack: Stack, resource: Resource, configured: ConfiguredRule, key: string, report: Report, assumptions: readonly Assumption[]): void {
    const template = stack.template;
    const rel = parsePath(report.path ?? []);
    const where: Where = {
      file: template.file,
      position: template.locateInResource(resource, rel),
      resource: resource.logicalId,
      path: formatPath(template.documentPath(resource, rel)),
      stack,
      res: resource,
    };
    const fix = report.fix === undefined ? undefined : absoluteFix(report.fix, template, resource);
    this.report(configured, report, where, key, fix, this.missingContext(configured.rule), assumptions);
  }

  private report(configured: ConfiguredRule, report: Report, where: Where, key: string, fix: readonly FixEdit[] | undefined, missing: 'account' | 'app' | undefined, assumptions: readonly Assumption[]): void {
    const rule = configured.rule;
    const text = report.messageId !== undefined ? rule.messages?.[report.messageId] : report.message;
    if (text === undefined) throw new Error(`rule ${rule.id} reported unknown message id "${report.messageId}"`);
    const f = finding({
      ruleId: rule.id,
      pack: configured.pack ?? '',
      severity: missing ? 'info' : configured.severity,
      message: formatMessage(text, report.data),
      bestPractice: rule.bestPractice,
      docs: ruleDocsUrl(rule),
      ...where,
      fix,
      needsContext: missing ? NEEDS_CONTEXT[missing] : undefined,
      assumptions,
    });
    if (missing) {
      this.statsOf(rule.id).needsContext.add(key);
      this.findings.push(f);
    } else {
      this.push(configured, key, f);
    }
  }

  /** The context a rule needs and this assembly does not show, if any. */
  private missingContext(rule: Rule): 'account' | 'app' | undefined {
    if (rule.context === 'account' && !this.hasBaseline) return 'account';
    if (rule.context === 'app' && this.assembly.kind === 'template') return 'app';
    return undefined;
  }

  private push(configured: ConfiguredRule, key: string, f: Finding): void {
    this.statsOf(configured.rule.id).failed.add(key);
    this.findings.push(f);
  }

  private statsOf(ruleId: string): RuleStats {
    let s = this.stats.get(ruleId);
    if (!s) this.stats.set(ruleId, (s = { evaluated: new Set(), failed: new Set(), needsContext: new Set(), suppressed: new Set() }));
    return s;
  }
}

/** The same finding: same message and path (a check run again with an assumption changed is compared with it). */
function sameReport(a: Report, b: Report): boolean {
  return (a.messageId ?? a.message) === (b.messageId ?? b.message) && formatPath(parsePath(a.path ?? [])) === formatPath(parsePath(b.path ?? []));
}

/**
 * The assumptions a finding depends on. Each parameter default is changed in turn — to each other allowed value
 * or, when any is allowed, to a value not known — and the check run again from scratch, every condition
 * evaluated anew, so that the template stays one the deployer could choose (conditions on one parameter flip
 * together). A default is kept when the finding is then gone, with the conditions that the change flipped.
 * (A condition is recorded only when parameter defaults decide it, so changing them reaches every condition.)
 */
function relevant(template: Template, assumptions: readonly Assumption[], stillReported: () => boolean): Assumption[] {
  if (assumptions.length === 0) return [];
  const resolver = template.resolver;
  const conditions = assumptions.filter((a): a is Extract<Assumption, { condition: string }> => 'condition' in a);
  const kept = new Set<Assumption>();
  for (const a of assumptions) {
    if (!('parameter' in a)) continue;
    for (const value of resolver.otherValues(a.parameter)) {
      const flipped = resolver.untracked(() =>
        resolver.override({ parameter: a.parameter, value }, () => {
          let gone: boolean;
          try {
            gone = !stillReported();
          } catch {
            // a check that fails with a value changed cannot show the finding does not depend on it
            gone = true;
          }
          return gone ? conditions.filter((c) => resolver.condition(c.condition) !== c.value) : undefined;
        }),
      );
      if (!flipped) continue;
      kept.add(a);
      for (const c of flipped) kept.add(c);
    }
  }
  return assumptions.filter((a) => kept.has(a));
}

interface Where {
  readonly file: string;
  readonly position: Position;
  readonly resource: string;
  readonly path: string;
  readonly stack?: Stack;
  readonly res?: Resource;
}

/** The manifest that declares a stack: for a stack in a Stage, the Stage's own manifest, not the top one. */
function declaringManifest(assembly: Assembly, stack: Stack): ParsedDocument | undefined {
  return stack.declaredIn?.manifest ?? assembly.manifest;
}

/**
 * Checks are synchronous. One that returns a promise (an `async` check from a pack) is a failure of its rule;
 * the promise's own failure is caught, so that it cannot end the process.
 */
function settled(result: unknown): void {
  if (typeof (result as PromiseLike<unknown> | undefined)?.then !== 'function') return;
  Promise.resolve(result).catch(() => undefined);
  throw new Error('its check returned a promise; checks must be synchronous');
}

/** What a rule threw, as text: a rule from a pack may throw anything, even a value that cannot be turned into text. */
function describeThrown(error: unknown): string {
  try {
    return error instanceof Error ? String(error.message) : String(error);
  } catch {
    return 'it threw a value that cannot be shown';
  }
}

function internalError(configured: ConfiguredRule, error: unknown, where: Where): Finding {
  const what = describeThrown(error);
  const on = where.resource ? ` on resource ${where.resource}` : '';
  return finding({
    ruleId: INTERNAL_ERROR,
    pack: configured.pack ?? '',
    severity: 'error',
    message: `Rule ${configured.rule.id} failed${on}: ${what.replace(/\.?$/, '.')}`,
    bestPractice: configured.rule.bestPractice,
    docs: ruleDocsUrl(configured.rule),
    ...where,
  });
}

/** A report's fix with document paths, as findings carry it. */
function absoluteFix(fix: FixEdit | readonly FixEdit[], template: Template, resource: Resource): FixEdit[] {
  const edits: readonly FixEdit[] = Array.isArray(fix) ? fix : [fix as FixEdit];
  return edits.map((e) => ({ ...e, path: formatPath(template.documentPath(resource, e.path)) }));
}

interface FindingParts extends Where {
  readonly ruleId: string;
  readonly pack: string;
  readonly severity: Severity;
  readonly message: string;
  readonly bestPractice: string;
  readonly docs: string;
  readonly fix?: readonly FixEdit[];
  readonly needsContext?: string;
  readonly assumptions?: readonly Assumption[];
}

function finding(f: FindingParts): Finding {
  const bp = lookupBestPractice(f.bestPractice);
  const assumptions = orderAssumptions(f.assumptions ?? []);
  const out: Finding = {
    ruleId: f.ruleId,
    pack: f.pack,
    severity: f.severity,
    message: withEngineSentences(f.message, f.res?.implicit, f.path, assumptions),
    bestPractice: f.bestPractice,
    question: bp?.question ?? f.bestPractice.slice(0, 5),
    file: f.file,
    line: f.position.line,
    column: f.position.column,
    resource: f.resource,
    path: f.path,
    docs: f.docs,
  };
  // stack, environment, construct and source exist only for stacks of a cloud assembly or deployed stacks
  const fromAssembly = f.stack?.declaredIn !== undefined;
  const construct = f.resource ? f.stack?.constructs?.get(f.resource) : undefined;
  const constructPath = construct?.path ?? f.res?.constructPath;
  return {
    ...out,
    ...(fromAssembly ? { stack: f.stack!.stackName ?? f.stack!.id, environment: formatEnvironment(f.stack!.environment) } : {}),
    ...(constructPath !== undefined ? { constructPath } : {}),
    ...(construct?.source !== undefined ? { source: construct.source } : {}),
    ...(f.fix && f.fix.length > 0 ? { fix: f.fix } : {}),
    ...(f.needsContext ? { needsContext: f.needsContext } : {}),
    ...(assumptions.length > 0 ? { assumptions } : {}),
  };
}

/**
 * A rule's message with the sentences the engine adds: what created a resource SAM creates implicitly (and,
 * when the finding is about one of its properties, where they are set), and what the verdict rests on.
 */
export function withEngineSentences(message: string, implicit: ImplicitOrigin | undefined, path: string, assumptions: readonly Assumption[]): string {
  const sentences = [message];
  if (implicit) {
    const configured = formatPath(implicit.configuredAt);
    sentences.push(path.startsWith(`${configured}.`) ? `${implicit.createdBy}; ${configured} configures it.` : `${implicit.createdBy}.`);
  }
  if (assumptions.length > 0) sentences.push(assumptionSentence(assumptions));
  return sentences.join(' ');
}

/** Each assumption once, conditions first, each group in the order met. */
function orderAssumptions(all: readonly Assumption[]): Assumption[] {
  const seen = new Map<string, Assumption>();
  for (const a of all) {
    const key = 'parameter' in a ? `p:${a.parameter}` : `c:${a.condition}`;
    if (!seen.has(key)) seen.set(key, a);
  }
  const list = [...seen.values()];
  return [...list.filter((a) => 'condition' in a), ...list.filter((a) => 'parameter' in a)];
}

/**
 * The finding for a rule that a watchdog stopped because it ran past its time budget (lib/parallel); the
 * `later` inputs after that one in the scan were checked without the rule too.
 */
export function timeoutFinding(configured: ConfiguredRule, file: string, budgetMs: number, later = 0): Finding {
  const rest = later === 0 ? `the rest of ${file} was` : `the rest of ${file} and the ${later === 1 ? 'input' : `${later} inputs`} after it were`;
  return finding({
    ruleId: INTERNAL_ERROR,
    pack: configured.pack ?? '',
    severity: 'error',
    message: `Rule ${configured.rule.id} did not finish within its time budget of ${budgetMs} ms and was stopped; ${rest} checked without it.`,
    bestPractice: configured.rule.bestPractice,
    docs: ruleDocsUrl(configured.rule),
    file,
    position: { line: 1, column: 1 },
    resource: '',
    path: '',
  });
}
