/**
 * The run loop: configured rules over an assembly. Resources are indexed by type once per template and a rule is
 * called only for its types; assembly rules are called once per assembly. A rule that throws becomes an
 * `internal-error` finding naming the rule and the resource, and the scan goes on.
 *
 * Rules that need context (`context: 'account' | 'app'`) are enforced only where the context is visible;
 * elsewhere their findings are `info` and say what context they need. The run also records, per rule, which
 * resources it evaluated and which failed, for the scorecard. What a check is given is in ./context.ts; how a
 * report becomes a finding, in ./emit.ts.
 */
import type { Assembly, Stack } from '../assembly/model';
import { AppFacts } from '../semantics/facts';
import type { Resource, Template } from '../template/model';
import { formatPath, parsePath } from '../template/path';
import { Resolver, type Assumption } from '../template/resolver';
import { resourceContexts, type ContextFor } from './context';
import { absoluteFix, finding, internalError, NEEDS_CONTEXT, relevant, sameReport, type Where } from './emit';
import type { Finding, FixEdit, Severity } from './finding';
import {
  checkedRoles,
  checksRole,
  formatMessage,
  isAssemblyRule,
  ruleDocsUrl,
  type AssemblyReport,
  type AssemblyRule,
  type Report,
  type ResourceRule,
  type Rule,
  type RuleOptions,
} from './rule';
import type { RuleStats } from './stats';

/** A resource deployed whatever the parameters: what `deploymentOf` finds of most. */
const DEPLOYED = Object.freeze({ excluded: false, assumptions: Object.freeze([]) as readonly Assumption[] });

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
  /** an `internal-error` finding carries the stack of what the rule threw (`trace`), for --debug */
  readonly debug?: boolean;
}

/** What a watchdog is told: the rule running now, and when none is. */
export interface RuleWatch {
  enter(rule: ConfiguredRule): void;
  leave(): void;
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

/** A rule's resource types, each once (a pack may list one twice): worked out once per rule, not at every stack. */
const TYPES = new WeakMap<ResourceRule, readonly string[]>();
function typesOf(rule: ResourceRule): readonly string[] {
  let types = TYPES.get(rule);
  if (!types) TYPES.set(rule, (types = [...new Set(rule.resourceTypes)]));
  return types;
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

/** One run of a check: what it reported, and whether it said the practice does not apply. */
interface Checked<R> {
  readonly reported: Reported<R>[];
  readonly notApplicable: boolean;
}

class Run {
  readonly findings: Finding[] = [];
  readonly stats = new Map<string, RuleStats>();
  /** whether the assembly's account context is known (it contains the account baseline) */
  private readonly hasBaseline: boolean;
  private readonly watch?: RuleWatch;
  private readonly debug: boolean;
  private readonly marked?: (stack: Stack) => boolean;
  readonly facts: AppFacts;
  /** per resource: whether it is deployed, and what that rests on */
  private readonly deployment = new Map<
    Resource,
    { readonly excluded: boolean; readonly assumptions: readonly Assumption[] }
  >();

  constructor(
    private readonly assembly: Assembly,
    options: RunOptions,
  ) {
    this.watch = options.watch;
    this.debug = options.debug === true;
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
      let contextFor: ContextFor | undefined;
      for (const type of typesOf(rule)) {
        for (const resource of template.resourcesOfType(type)) {
          const deployment = this.deploymentOf(template, resource);
          if (deployment.excluded || !checksRole(rule, facts.role(resource).role)) continue;
          let key = keys.get(resource);
          if (key === undefined) keys.set(resource, (key = resourceKey(template.file, resource.logicalId)));
          try {
            this.watch?.enter(configured);
            contextFor ??= resourceContexts(stack, configured, facts);
            // a finding on a resource deployed under a condition rests on what that condition rests on
            const { reported, notApplicable } = this.checkResource(
              stack,
              resource,
              configured,
              contextFor,
              deployment.assumptions,
            );
            this.evaluated(rule.id, key, reported, notApplicable);
            if (reported.length > 0) this.resourceFindings(stack, resource, configured, key, reported);
            this.watch?.leave();
          } catch (error) {
            this.watch?.leave();
            this.statsOf(rule.id).evaluated.add(key);
            this.push(
              configured,
              key,
              internalError(configured, error, this.debug, {
                file: template.file,
                position: resource.position,
                resource: resource.logicalId,
                path: formatPath(template.documentPath(resource, [])),
                stack,
                res: resource,
              }),
            );
          }
        }
      }
    }
  }

  /** The findings of what a check of one resource reported, each with the assumptions it depends on. */
  private resourceFindings(
    stack: Stack,
    resource: Resource,
    configured: ConfiguredRule,
    key: string,
    reported: readonly Reported<Report>[],
  ): void {
    const template = stack.template;
    // checked again with each assumption changed, from scratch, to keep those the finding depends on
    const again = (): Report[] =>
      template.isExcluded(resource)
        ? []
        : this.checkResource(
            stack,
            resource,
            configured,
            resourceContexts(stack, configured, new AppFacts(this.assembly, this.marked, this.facts, stack).of(stack)),
            [],
          ).reported.map((r) => r.report);
    for (const r of reported) {
      const assumptions = relevant(template, r.assumptions, () => again().some((x) => sameReport(x, r.report)));
      this.resourceFinding(stack, resource, configured, key, r.report, assumptions);
    }
  }

  /**
   * Runs a resource rule on one resource and returns what it reports, each with what it rests on, and whether
   * it said the practice does not apply.
   */
  private checkResource(
    stack: Stack,
    resource: Resource,
    configured: ConfiguredRule,
    contextFor: ContextFor,
    base: readonly Assumption[],
  ): Checked<Report> {
    const resolver = stack.template.resolver;
    const out: Reported<Report>[] = [];
    let notApplicable = false;
    resolver.track(() => {
      resolver.assume(base);
      const sink = (report: Report): void => {
        out.push({ report, assumptions: resolver.assumptionsSoFar() });
      };
      settled(
        (configured.rule as ResourceRule).check(
          resource,
          contextFor(resource, sink, () => {
            notApplicable = true;
          }),
        ),
      );
    });
    return { reported: out, notApplicable };
  }

  /** Whether a resource is deployed (its Condition is not known to be false), worked out once, with what that rests on. */
  private deploymentOf(
    template: Template,
    resource: Resource,
  ): { readonly excluded: boolean; readonly assumptions: readonly Assumption[] } {
    let d = this.deployment.get(resource);
    if (!d) {
      const { value: excluded, assumptions } = template.resolver.track(() => template.isExcluded(resource));
      // most resources: one shared answer rather than an object and an empty list each (100k in a large scan)
      d = !excluded && assumptions.length === 0 ? DEPLOYED : { excluded, assumptions };
      this.deployment.set(resource, d);
    }
    return d;
  }

  onAssembly(configured: ConfiguredRule, rule: AssemblyRule): void {
    const assembly = this.assembly;
    const key = resourceKey(assembly.file, '');
    try {
      this.watch?.enter(configured);
      const { reported, notApplicable } = this.checkAssembly(configured, rule, this.facts);
      this.evaluated(rule.id, key, reported, notApplicable);
      // what the rule reports with a value changed in one stack, by stack and value: the findings of a stack share
      // it (each check runs the rule over every stack again)
      const rechecked = new Map<Stack, Map<string | undefined, AssemblyReport[]>>();
      for (const r of reported) {
        const stack = r.report.stack ?? (assembly.stacks.length === 1 ? assembly.stacks[0] : undefined);
        const again = (): AssemblyReport[] => {
          const byValue = rechecked.get(stack!) ?? rechecked.set(stack!, new Map()).get(stack!)!;
          const changed = stack!.template.resolver.overrideKey;
          let reports = byValue.get(changed);
          // only the finding's stack has an assumption changed: the other stacks' facts are the run's
          if (!reports)
            byValue.set(
              changed,
              (reports = this.checkAssembly(
                configured,
                rule,
                new AppFacts(assembly, this.marked, this.facts, stack),
              ).reported.map((x) => x.report)),
            );
          return reports;
        };
        const base = stack && r.report.resource ? this.deploymentOf(stack.template, r.report.resource).assumptions : [];
        const assumptions = stack
          ? relevant(stack.template, [...base, ...r.assumptions], () =>
              again().some(
                (x) => sameReport(x, r.report) && x.stack === r.report.stack && x.resource === r.report.resource,
              ),
            )
          : [];
        this.assemblyFinding(configured, rule, key, r.report, assumptions);
      }
      this.watch?.leave();
    } catch (error) {
      this.watch?.leave();
      this.statsOf(rule.id).evaluated.add(key);
      this.push(
        configured,
        key,
        internalError(configured, error, this.debug, {
          file: assembly.file,
          position: { line: 1, column: 1 },
          resource: '',
          path: '',
        }),
      );
    }
  }

  /**
   * Runs an assembly rule and returns what it reports, each with what the values read through its stack's
   * resolver rest on (assembly rules read many stacks; a lone template's is its own), and whether it said the
   * practice does not apply.
   */
  private checkAssembly(configured: ConfiguredRule, rule: AssemblyRule, facts: AppFacts): Checked<AssemblyReport> {
    const assembly = this.assembly;
    const out: Reported<AssemblyReport>[] = [];
    let notApplicable = false;
    const notApplies = (): void => {
      notApplicable = true;
    };
    const report = (r: AssemblyReport): void => {
      const stack = r.stack ?? (assembly.stacks.length === 1 ? assembly.stacks[0] : undefined);
      out.push({ report: r, assumptions: stack ? stack.template.resolver.assumptionsSoFar() : [] });
    };
    const resources = (stack: Stack, types: readonly string[]): Resource[] =>
      facts.of(stack).withRoles(types, checkedRoles(rule));
    Resolver.trackAll(
      assembly.stacks.map((s) => s.template.resolver),
      () =>
        settled(
          rule.check(assembly, {
            options: configured.options,
            assembly,
            facts,
            resources,
            report,
            notApplicable: notApplies,
          }),
        ),
    );
    return { reported: out, notApplicable };
  }

  private assemblyFinding(
    configured: ConfiguredRule,
    rule: AssemblyRule,
    key: string,
    r: AssemblyReport,
    assumptions: readonly Assumption[],
  ): void {
    const assembly = this.assembly;
    const rel = parsePath(r.path ?? []);
    let where: Where;
    if (r.stack && r.resource) {
      const t = r.stack.template;
      where = {
        file: t.file,
        position: t.locateInResource(r.resource, rel),
        resource: r.resource.logicalId,
        path: formatPath(t.documentPath(r.resource, rel)),
        stack: r.stack,
        res: r.resource,
      };
    } else {
      // where a finding about a whole stack, or the app, is located is the source's to say
      const at = assembly.locate(r.stack, rel);
      where = { file: at.file, position: at.position, resource: '', path: formatPath(at.path), stack: r.stack };
    }
    this.report(configured, r, where, key, undefined, r.inContext ? undefined : this.missingContext(rule), assumptions);
  }

  private resourceFinding(
    stack: Stack,
    resource: Resource,
    configured: ConfiguredRule,
    key: string,
    report: Report,
    assumptions: readonly Assumption[],
  ): void {
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

  private report(
    configured: ConfiguredRule,
    report: Report,
    where: Where,
    key: string,
    fix: readonly FixEdit[] | undefined,
    missing: 'account' | 'app' | undefined,
    assumptions: readonly Assumption[],
  ): void {
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
    if (rule.context === 'app' && !this.assembly.wholeApp) return 'app';
    return undefined;
  }

  private push(configured: ConfiguredRule, key: string, f: Finding): void {
    this.statsOf(configured.rule.id).failed.add(key);
    this.findings.push(f);
  }

  /**
   * Records that a rule evaluated a resource (or the app), unless its check reported nothing and said the
   * practice does not apply: only the run's own check decides, not the checks run again with assumptions changed.
   */
  private evaluated(ruleId: string, key: string, reported: readonly unknown[], notApplicable: boolean): void {
    if (reported.length > 0 || !notApplicable) this.statsOf(ruleId).evaluated.add(key);
  }

  private statsOf(ruleId: string): RuleStats {
    let s = this.stats.get(ruleId);
    if (!s)
      this.stats.set(
        ruleId,
        (s = { evaluated: new Set(), failed: new Set(), needsContext: new Set(), suppressed: new Set() }),
      );
    return s;
  }
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
