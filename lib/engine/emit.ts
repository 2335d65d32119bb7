/**
 * How a run turns what a rule reported into a finding: its message with the sentences the engine adds, where
 * it is, what it rests on (the parameter defaults and conditions it would not be reported without), and the
 * findings the engine reports itself when a rule fails or is stopped.
 */
import { formatEnvironment, type Stack } from '../assembly/model';
import { bestPractice as lookupBestPractice } from '../framework';
import type { ImplicitOrigin, Resource, Template } from '../template/model';
import { formatPath, parsePath } from '../template/path';
import type { Assumption } from '../template/resolver';
import type { Position } from '../template/source';
import { assumptionSentence, INTERNAL_ERROR, type Finding, type FixEdit, type Severity } from './finding';
import { ruleDocsUrl, type Report } from './rule';
import type { ConfiguredRule } from './runner';

/** Why a finding is a reminder when its rule lacks the context it needs (a finding's `needsContext`). */
export const NEEDS_CONTEXT: Readonly<Record<'account' | 'app', string>> = {
  account:
    'account-wide resources usually come from a baseline stack or the organization; mark the stack that holds them as the account baseline (--account-baseline) to enforce this check.',
  app: "another stack of the app may provide it; scan the app's cloud assembly (cdk.out) to enforce this check.",
};

export interface Where {
  readonly file: string;
  readonly position: Position;
  readonly resource: string;
  readonly path: string;
  readonly stack?: Stack;
  readonly res?: Resource;
}

/** The same finding: same message and path (a check run again with an assumption changed is compared with it). */
export function sameReport(a: Report, b: Report): boolean {
  return (
    (a.messageId ?? a.message) === (b.messageId ?? b.message) &&
    formatPath(parsePath(a.path ?? [])) === formatPath(parsePath(b.path ?? []))
  );
}

/**
 * The assumptions a finding depends on. Each parameter default is changed in turn — to each other allowed value
 * or, when any is allowed, to a value not known — and the check run again from scratch, every condition
 * evaluated anew, so that the template stays one the deployer could choose (conditions on one parameter flip
 * together). A default is kept when the finding is then gone, with the conditions that the change flipped.
 * (A condition is recorded only when parameter defaults decide it, so changing them reaches every condition.)
 */
export function relevant(
  template: Template,
  assumptions: readonly Assumption[],
  stillReported: () => boolean,
): Assumption[] {
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

/** What a rule threw, as text: a rule from a pack may throw anything, even a value that cannot be turned into text. */
function describeThrown(error: unknown): string {
  try {
    return error instanceof Error ? String(error.message) : String(error);
  } catch {
    return 'it threw a value that cannot be shown';
  }
}

/** The finding for a rule that threw; with `debug`, it carries the stack of what was thrown (`trace`). */
export function internalError(configured: ConfiguredRule, error: unknown, debug: boolean, where: Where): Finding {
  const what = describeThrown(error);
  const on = where.resource ? ` on resource ${where.resource}` : '';
  const f = finding({
    ruleId: INTERNAL_ERROR,
    pack: configured.pack ?? '',
    severity: 'error',
    message: `Rule ${configured.rule.id} failed${on}: ${what.replace(/\.?$/, '.')}`,
    bestPractice: configured.rule.bestPractice,
    docs: ruleDocsUrl(configured.rule),
    ...where,
  });
  return debug ? { ...f, trace: traceOf(error) } : f;
}

/** The stack of what a rule threw, or what it threw as text when it has none. */
function traceOf(error: unknown): string {
  try {
    const stack = (error as Error | undefined)?.stack;
    return typeof stack === 'string' ? stack : describeThrown(error);
  } catch {
    return describeThrown(error);
  }
}

/** A report's fix with document paths, as findings carry it. */
export function absoluteFix(fix: FixEdit | readonly FixEdit[], template: Template, resource: Resource): FixEdit[] {
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

export function finding(f: FindingParts): Finding {
  const bp = lookupBestPractice(f.bestPractice);
  const assumptions = orderAssumptions(f.assumptions ?? []);
  // built by assignment in the contract's key order: spreading the optional parts into a new object gave each such
  // finding a hidden class of its own in V8 (some 300 bytes more apiece: 20 MB over 60,000 findings)
  const out: { -readonly [K in keyof Finding]: Finding[K] } = {
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
  // a finding about a whole stack of an app is on the stack's construct
  const constructPath = f.resource ? (construct?.path ?? f.res?.constructPath) : f.stack?.constructPath;
  // a finding about a whole stack points at the code that created the stack
  const source = f.resource ? construct?.source : f.stack?.source;
  if (fromAssembly) {
    out.stack = f.stack!.stackName ?? f.stack!.id;
    out.environment = formatEnvironment(f.stack!.environment);
  }
  if (constructPath !== undefined) out.constructPath = constructPath;
  if (source !== undefined) out.source = source;
  if (f.fix && f.fix.length > 0) out.fix = f.fix;
  if (f.needsContext) out.needsContext = f.needsContext;
  if (assumptions.length > 0) out.assumptions = assumptions;
  return out;
}

/**
 * A rule's message with the sentences the engine adds: what created a resource SAM creates implicitly (and,
 * when the finding is about one of its properties, where they are set), and what the verdict rests on.
 */
export function withEngineSentences(
  message: string,
  implicit: ImplicitOrigin | undefined,
  path: string,
  assumptions: readonly Assumption[],
): string {
  if (!implicit && assumptions.length === 0) return message;
  const sentences = [message];
  if (implicit) {
    const configured = formatPath(implicit.configuredAt);
    sentences.push(
      path.startsWith(`${configured}.`)
        ? `${implicit.createdBy}; ${configured} configures it.`
        : `${implicit.createdBy}.`,
    );
  }
  if (assumptions.length > 0) sentences.push(assumptionSentence(assumptions));
  return sentences.join(' ');
}

/** Each assumption once, conditions first, each group in the order met. */
function orderAssumptions(all: readonly Assumption[]): readonly Assumption[] {
  // most findings rest on nothing
  if (all.length === 0) return all;
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
  const rest =
    later === 0
      ? `the rest of ${file} was`
      : `the rest of ${file} and the ${later === 1 ? 'input' : `${later} inputs`} after it were`;
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
