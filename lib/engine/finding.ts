/** The finding contract: what every reporter, the CDK integrations and the tests consume. */
import { listNames } from '../semantics/values';
import type { Assumption } from '../template/resolver';
import { shorten } from '../util/words';

export type { Assumption };

/** The rule id of a finding that says a rule failed on a resource (or was stopped by the watchdog). */
export const INTERNAL_ERROR = 'internal-error';

/** The `pack` of findings the engine itself reports (an invalid suppression), not a rule of any pack. */
export const ENGINE_PACK = 'opslint';

/** How serious a finding is. */
export type Severity = 'error' | 'warning' | 'info';
/** The severities, most serious first. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];
/** Threshold for failing: a severity, or `none` to never fail on findings. */
export type FailOn = Severity | 'none';

const RANK: Readonly<Record<Severity, number>> = { error: 3, warning: 2, info: 1 };

/** True when `severity` is at or above `failOn`. */
export function atOrAbove(severity: Severity, failOn: FailOn): boolean {
  return failOn !== 'none' && RANK[severity] >= RANK[failOn];
}

/** One finding: the JSON reporter's contract, which every reporter and integration consumes. */
export interface Finding {
  readonly ruleId: string;
  /** the pack the rule comes from (`tracing`, or a third-party pack's namespace) */
  readonly pack: string;
  readonly severity: Severity;
  /**
   * what the rule says, ending with a period; when the verdict rests on parameter defaults or conditions, a
   * last sentence says which (the same as `assumptions`)
   */
  readonly message: string;
  /** e.g. 'OPS04-BP05' */
  readonly bestPractice: string;
  /** e.g. 'OPS04' */
  readonly question: string;
  /** the file that holds the resource (a template, or a cloud assembly's manifest.json) */
  readonly file: string;
  /** 1-based */
  readonly line: number;
  /** 1-based */
  readonly column: number;
  /** logical id of the resource, or '' for a finding about a whole template or app */
  readonly resource: string;
  /** document path of the offending value, e.g. 'Resources.Fn.Properties.TracingConfig' */
  readonly path: string;
  /** the rule's documentation page */
  readonly docs: string;
  /** stack name, for templates from a cloud assembly */
  readonly stack?: string;
  /** with --debug (`RunOptions.debug`), on an `internal-error` finding: the stack of what the rule threw */
  readonly trace?: string;
  /** CDK construct path, for synthesized templates */
  readonly constructPath?: string;
  /** the stack's environment, `aws://ACCOUNT/REGION`, for templates from a cloud assembly */
  readonly environment?: string;
  /**
   * the user code that created the construct (for a finding about a whole stack, the stack), `file:line:column`,
   * when the cloud assembly recorded it
   */
  readonly source?: string;
  /** present when a suppression with a reason applies: the finding is reported but does not count */
  readonly suppressed?: Suppression;
  /** the edits that fix it mechanically, when the rule knows them (`opslint fix` applies them) */
  readonly fix?: readonly FixEdit[];
  /**
   * Why this finding is a reminder (`info`): the rule needs context the scan did not show, and what would show
   * it ("mark the stack that holds them as the account baseline (--account-baseline) to enforce this check")
   */
  readonly needsContext?: string;
  /**
   * What the verdict rests on that the scan was not told: parameter defaults, and conditions evaluated from
   * them, conditions first
   */
  readonly assumptions?: readonly Assumption[];
}

/**
 * A finding's (or input error's) `file` is a path for a source that reads files, or a URI of the source's own
 * scheme for one that does not (a deployed stack is `stack://<region>/<name>`). This gives that scheme and the
 * rest, so that reporters which need a file (SARIF, GitHub annotations) know one when they see it.
 */
export function locationUri(file: string): { readonly scheme: string; readonly rest: string } | undefined {
  const m = /^([a-z][a-z0-9+.-]+):\/\//.exec(file);
  return m ? { scheme: m[1], rest: file.slice(m[0].length) } : undefined;
}

/** The message with its "needs context" reason, as outputs that show one line per finding print it. */
export function fullMessage(f: Pick<Finding, 'message' | 'needsContext'>): string {
  return f.needsContext ? `${f.message} Needs context: ${f.needsContext}` : f.message;
}

/** A value a fix writes: a scalar (mappings on the way are created, lists are added to). */
export type FixValue = string | number | boolean;

/**
 * One edit of a fix, at a document path (in a finding) or a path relative to the resource (in a rule's report):
 * `value` sets the property at `path`, creating missing mappings on the way; `item` adds that item to the list
 * at `path`, or, when an item has the same `key` field, sets the item's other fields. Nothing is ever deleted.
 */
export type FixEdit =
  | { readonly path: string; readonly value: FixValue }
  | { readonly path: string; readonly item: Readonly<Record<string, FixValue>>; readonly key: string };

export interface Suppression {
  readonly reason: string;
  /** ISO date after which the suppression no longer applies */
  readonly expires?: string;
  /**
   * where the suppression is written: the resource's Metadata, the template's Metadata, the configuration, or a
   * CDK acknowledgement (`Validations.of(construct).acknowledge(...)`) recorded in the cloud assembly
   */
  readonly source: 'resource' | 'template' | 'config' | 'acknowledgement';
  /** for a CDK acknowledgement: the construct path it was made at (the finding's construct or one above it) */
  readonly acknowledgedAt?: string;
}

/** Counts toward the exit code and the scorecard: not suppressed. */
export function isActive(f: Finding): boolean {
  return f.suppressed === undefined;
}

/** An input that could not be read: never stops the others from being scanned. */
export interface InputErrorEntry {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

/** Where an input error is, as every report shows it: `file:line:col`, or the file alone. */
export function errorLocation(e: InputErrorEntry): string {
  return e.line !== undefined ? `${e.file}:${e.line}:${e.column}` : e.file;
}

/** Something the model could not work out statically and noted instead of guessing. */
export interface Note {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** Counts and lists that describe a scan as a whole. */
export interface Summary {
  /** templates scanned (stacks, for cloud assemblies) */
  readonly templates: number;
  readonly resources: number;
  readonly findings: {
    readonly error: number;
    readonly warning: number;
    readonly info: number;
    readonly total: number;
  };
  /** findings per rule id, in rule id order */
  readonly rules: Readonly<Record<string, number>>;
  /** inputs that could not be read */
  readonly errors: number;
  readonly notes: readonly Note[];
  /** every OPS question and best practice, with what this scan checked */
  readonly scorecard: Scorecard;
  /** the template files scanned, sorted */
  readonly files: readonly string[];
  /** findings suppressed with a reason (they stay in `findings`, marked) */
  readonly suppressed: number;
  /** with `--baseline`: findings already known (left out of `findings`) and baseline entries that no longer occur */
  readonly baseline?: BaselineSummary;
}

/** A finding as the baseline records it: without line numbers, so that it survives edits around it. */
export interface BaselineEntry {
  readonly ruleId: string;
  readonly file: string;
  readonly resource: string;
  readonly path: string;
}

export interface BaselineSummary {
  readonly file: string;
  /** active findings the baseline holds, left out of `findings` */
  readonly known: number;
  /**
   * entries no finding matches any more, among those the scan could judge (their file read, or gone, and their
   * rule run); one whose finding is suppressed since stays matched, not fixed
   */
  readonly fixed: readonly BaselineEntry[];
}

/** The result of a scan: findings, inputs that could not be read, and the summary. */
export interface ScanReport {
  readonly findings: readonly Finding[];
  readonly errors: readonly InputErrorEntry[];
  readonly summary: Summary;
  /**
   * With a baseline: the findings it already knows, in output order: the active ones, left out of `findings` and
   * the counts, and the suppressed ones, which stay in `findings`. Only SARIF shows them (as unchanged results, so
   * that code scanning keeps their alerts open); the JSON report leaves them out.
   */
  readonly known?: readonly Finding[];
}

/** The order of findings in every output: by file, position, then rule. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    cmp(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    cmp(a.ruleId, b.ruleId) ||
    cmp(a.resource, b.resource) ||
    cmp(a.path, b.path) ||
    cmp(a.message, b.message)
  );
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The sentence a finding's message ends with when its verdict rests on parameter defaults: "This verdict rests on
 * the default ParentAlertStack='', under which condition HasAlertTopic is false; pass -p ParentAlertStack=… to check
 * the other case." ("to check other values" when no condition is involved). Lists are cut at three names (the
 * `assumptions` field has them all).
 */
export function assumptionSentence(assumptions: readonly Assumption[]): string {
  const params = assumptions.filter((a): a is Extract<Assumption, { parameter: string }> => 'parameter' in a);
  const conditions = assumptions.filter((a): a is Extract<Assumption, { condition: string }> => 'condition' in a);
  if (params.length === 0) return '';
  const cut = <T>(items: readonly T[], show: (t: T) => string): string => listNames(items.map(show));
  const defaults = `the default${params.length > 1 ? 's' : ''} ${cut(params, (p) => `${p.parameter}='${shorten(p.value, 40)}'`)}`;
  const byValue = [false, true]
    .map((value) => conditions.filter((c) => c.value === value))
    .filter((group) => group.length > 0)
    .map(
      (group) =>
        `${group.length > 1 ? 'conditions' : 'condition'} ${cut(group, (c) => c.condition)} ${group.length > 1 ? 'are' : 'is'} ${group[0].value}`,
    );
  const under = byValue.length > 0 ? `, under which ${byValue.join(' and ')}` : '';
  const pass = params
    .slice(0, 3)
    .map((p) => `-p ${p.parameter}=…`)
    .join(' ');
  // a condition has one other case; a parameter may take any number of values
  const other =
    conditions.length === 0 ? 'other values' : conditions.length === 1 ? 'the other case' : 'the other cases';
  return `This verdict rests on ${defaults}${under}; pass ${pass} to check ${other}.`;
}

/** Every assumption, for reports that show them apart from the message: "condition HasAlertTopic is false, ParentAlertStack='' (default)". */
export function assumptionList(assumptions: readonly Assumption[]): string {
  return assumptions
    .map((a) => ('condition' in a ? `condition ${a.condition} is ${a.value}` : `${a.parameter}='${a.value}' (default)`))
    .join(', ');
}

/** The OPS scorecard of a scan: each question and best practice of the pillar, with what the scan could check. */
export interface ScorecardBestPractice {
  readonly id: string;
  readonly title: string;
  readonly url: string;
  /** the scan has rules for it; false means a human review */
  readonly checkable: boolean;
  /** the rules that checked it */
  readonly rules: readonly string[];
  /** resources (or, for app-level rules, assemblies) evaluated */
  readonly resources: number;
  readonly passed: number;
  readonly failed: number;
  readonly suppressed: number;
  /** evaluated, but the verdict needs context the scan did not have (see the findings' "Needs context") */
  readonly needsContext: number;
}

export interface ScorecardQuestion {
  readonly id: string;
  readonly title: string;
  readonly url: string;
  readonly bestPractices: readonly ScorecardBestPractice[];
}

export interface Scorecard {
  readonly questions: readonly ScorecardQuestion[];
}
