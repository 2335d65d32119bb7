/**
 * The rule and pack API. A rule is small, pure and self-describing: metadata (id, title, OPS best practice,
 * resource types, severity, messages, options, why, fix) and a check that reports `{ messageId, path }`, or
 * says that the practice does not apply (`ctx.notApplicable()`). It never reads files, computes lines or throws on odd input; the engine does the rest.
 */
import type { Assembly, Stack } from '../assembly/model';
import type { AppFacts, StackFacts } from '../semantics/facts';
import { DECIDED_ROLES, type Role } from '../semantics/roles';
import type { BranchOptions } from '../semantics/values';
import type { Judged, Verdict } from '../semantics/verdict';
import type { ReferenceGraph, Reference } from '../template/graph';
import type { Resource, Template } from '../template/model';
import type { JsonPath } from '../template/path';
import type { Resolved } from '../template/resolver';
import type { FixEdit, Severity } from './finding';

export type { Verdict };

/** Options a rule accepts, with their defaults. Plain JSON values, so they can come from configuration. */
export type RuleOptions = Record<string, unknown>;

/**
 * The JSON Schema of one option, in the small part of JSON Schema that options need: the configuration is
 * validated against it (with ajv), and the docs and error messages describe it. `format: 'regex'` is a string
 * that compiles as a regular expression.
 */
export type OptionSchema =
  | { readonly type: 'boolean' }
  | { readonly type: 'number' | 'integer'; readonly minimum?: number }
  | { readonly type: 'string'; readonly format?: 'regex' }
  | { readonly enum: readonly (string | number | boolean)[] }
  | { readonly type: 'array'; readonly items: OptionSchema }
  | { readonly type: 'object'; readonly additionalProperties: OptionSchema };

/** How to fix a finding, shown in docs, SARIF help and CDK reports. */
export interface RuleFix {
  /** what to change in a CloudFormation/SAM template */
  readonly cloudformation: string;
  /** the same in CDK code */
  readonly cdk: string;
  /**
   * The CDK fix for one CloudFormation resource type (`AWS::DynamoDB::Table`), naming the construct that makes it;
   * the CDK integrations show it for a finding on a resource of that type, `cdk` for any other.
   */
  readonly cdkFor?: Readonly<Record<string, string>>;
}

interface RuleMetaBase<O extends RuleOptions, M extends string> {
  /** stable, readable, kebab-case; namespaced for third-party packs (`acme/owner-tag`) */
  readonly id: string;
  /** one line, says what good looks like: "Lambda functions send traces to X-Ray" */
  readonly title: string;
  /** the OPS best practice the rule supports, e.g. 'OPS04-BP05' */
  readonly bestPractice: string;
  readonly severity: Severity;
  /**
   * Whether its findings may carry the edits of a mechanical fix (`fix` in a report) that `opslint fix` applies,
   * as ESLint's `meta.fixable`: `opslint rules` and the rule's page say so.
   */
  readonly fixable?: boolean;
  /**
   * message templates by id; `{{name}}` is replaced from the reported data (optional: a rule may report literal
   * messages). Their ids are the type of `messageId` in the rule's reports, so a misspelled id does not compile.
   */
  readonly messages?: { readonly [K in M]?: string };
  /** options and their defaults */
  readonly options?: O;
  /**
   * The schema of each option. With it, an unknown option or a value of the wrong type in the configuration is
   * an error naming the rule and the option; a rule without it takes any options as given (every built-in rule
   * has one, `{}` when it takes none).
   */
  readonly optionsSchema?: { readonly [K in keyof NoInfer<O>]: OptionSchema };
  /** one line per option: what it changes */
  readonly optionDocs?: { readonly [K in keyof O]?: string };
  /** why this matters for operations, a few sentences (required of built-in rules) */
  readonly why?: string;
  /** how to fix a finding (required of built-in rules) */
  readonly fix?: RuleFix;
  /**
   * The context a rule needs to be judged fairly:
   * - `account`: an account-baseline check (CloudTrail, Config recorder, patching). Such resources usually
   *   live in a baseline stack or come from the organization, so the rule is enforced only in an assembly
   *   that holds the stack marked as the account baseline; elsewhere its findings are `info`, "needs context".
   * - `app`: something the app as a whole should have (a dashboard, a canary), which another stack may
   *   provide: enforced over a cloud assembly, `info` "needs context" on a lone template.
   */
  readonly context?: 'account' | 'app';
  /**
   * The rule's documentation page. Default: its pack's `docs`; for a built-in rule, its page in opslint's
   * docs/rules; for another pack's rule (`acme/…`), none.
   */
  readonly docs?: string;
  /**
   * Whether the rule checks deployment machinery, functions that run on Greengrass devices (edge) and
   * account-baseline resources, and why (shown on its doc page). Workload resources are always checked and the
   * CDK's own resources never are. Default: all checked. Built-in rules that look at Lambda functions say what
   * they do with machinery.
   */
  readonly roles?: RolePolicy;
}

/** A rule's decision about one role of resource: checked or not, and why. */
export interface RoleDecision {
  readonly check: boolean;
  /** one sentence: "invoked once per deployment by CloudFormation, not on a request path" */
  readonly why: string;
}

/** How a rule treats the roles of resources that are not plain workload. */
export type RolePolicy = { readonly [R in Exclude<Role, 'workload' | 'cdk-internal'>]?: RoleDecision };

/** Whether a rule checks resources of a role. */
export function checksRole(rule: Pick<Rule, 'roles'>, role: Role): boolean {
  if (role === 'workload') return true;
  if (role === 'cdk-internal') return false;
  return rule.roles?.[role]?.check ?? true;
}

/** The roles a rule checks. */
export function checkedRoles(rule: Pick<Rule, 'roles'>): Role[] {
  return (['workload', ...DECIDED_ROLES] as const).filter((r) => checksRole(rule, r));
}

/** What a resource rule reports: a message (by id, or literal) and where, relative to the resource. */
export interface Report<M extends string = string> {
  /** a key of the rule's `messages` */
  readonly messageId?: M;
  /** a literal message, for rules that do not use message ids */
  readonly message?: string;
  readonly data?: Readonly<Record<string, string | number>>;
  /** where, relative to the resource: 'Properties.TracingConfig' (default: the resource itself) */
  readonly path?: string | JsonPath;
  /**
   * The edits that fix the finding, paths relative to the resource like `path`: only where the fix is
   * mechanical and safe. `opslint fix` applies them where the value is absent or written as a literal.
   */
  readonly fix?: FixEdit | readonly FixEdit[];
}

/** What an assembly rule reports: a message, and optionally the stack and resource it is about. */
export interface AssemblyReport<M extends string = string> extends Omit<Report<M>, 'fix'> {
  /** the stack the finding is about; with `resource`, a resource in it */
  readonly stack?: Stack;
  readonly resource?: Resource;
  /**
   * This finding is judged fairly without the context the rule needs for its others (say, resources of one
   * template that carry an owner tag while others do not): it keeps its severity where the rule's other
   * findings are reminders.
   */
  readonly inContext?: boolean;
}

/** What a resource rule gets besides the resource: options, the template, the resolver and graph helpers, and `report`. */
export interface ResourceContext<O extends RuleOptions, M extends string = string> {
  readonly options: O;
  readonly template: Template;
  readonly resource: Resource;
  readonly stack: Stack;
  readonly graph: ReferenceGraph;
  /** what the template's resources are for, the alarm index, who invokes what: worked out once per stack */
  readonly facts: StackFacts;
  /** the resolved value at a path of this resource, e.g. `ctx.get('Properties.TracingConfig.Mode')` */
  get(path: string | JsonPath): Resolved;
  /** resolves an intrinsic function (shallow): a known value or Unknown with its reason */
  resolve(value: unknown): Resolved;
  /**
   * Does the value at `path` satisfy `predicate`? `true` when every possible value does, `false` when a
   * known value does not (with an `Fn::If`, only when every branch is known), `undefined` when unknown.
   */
  satisfies(path: string | JsonPath, predicate: (value: unknown) => boolean): Verdict;
  /** {@link satisfies} with the reason when the verdict cannot be known ("parameter Env has no default value") */
  judge(path: string | JsonPath, predicate: (value: unknown) => boolean): Judged;
  /**
   * Every value the property at `path` can take, fully resolved, one per branch of an `Fn::If` whose condition
   * cannot be evaluated (or of every `Fn::If`, with `everyBranch`); `UNKNOWN` stands for a part known only at
   * deployment. For settings in lists of mappings (MethodSettings, LoadBalancerAttributes) judged item by item.
   */
  values(path: string | JsonPath, options?: BranchOptions): unknown[];
  /**
   * Resources of the given types (all types when omitted) that refer to this resource, with the references;
   * resources whose Condition is known to be false are left out.
   */
  referrers(types?: readonly string[]): { resource: Resource; references: Reference[] }[];
  /** computes a value once per template and rule (an index over the template), then returns it; each use rests on what computing it rested on */
  memo<T>(key: string, compute: () => T): T;
  report(report: Report<M>): void;
  /** {@link NotApplicable} */
  notApplicable: NotApplicable;
}

/** What an assembly rule gets besides the assembly: options, the facts of each stack, and `report`. */
export interface AssemblyContext<O extends RuleOptions, M extends string = string> {
  readonly options: O;
  readonly assembly: Assembly;
  /** the facts of each stack: `ctx.facts.of(stack)` */
  readonly facts: AppFacts;
  /**
   * The resources of these types in a stack that this rule checks: deployed, not the CDK's own, and of a role
   * the rule's `roles` say it checks (workload and account baseline unless it says otherwise).
   */
  resources(stack: Stack, types: readonly string[]): Resource[];
  report(report: AssemblyReport<M>): void;
  /** {@link NotApplicable} */
  notApplicable: NotApplicable;
}

/**
 * Says that the practice does not apply to what the check was given, or that there is nothing to judge (an app
 * whose alarms notify nobody has no escalation to check): a check that then reports nothing has not evaluated
 * the resource (or, for an assembly rule, the app), so the scorecard does not count it as passed. A resource that
 * is configured well is a pass, not this. A report wins: a check that reports and says this has evaluated and
 * failed. Usually `return ctx.notApplicable();`.
 */
export type NotApplicable = () => void;

/** A rule called once for each resource of its `resourceTypes`. */
export interface ResourceRule<O extends RuleOptions = RuleOptions, M extends string = string> extends RuleMetaBase<
  O,
  M
> {
  readonly scope?: 'resource';
  /** the rule is called once for each resource of these types */
  readonly resourceTypes: readonly string[];
  check(resource: Resource, ctx: ResourceContext<O, M>): void;
}

/** A rule called once per app (a cloud assembly, or a lone template), for checks across stacks and Stages. */
export interface AssemblyRule<O extends RuleOptions = RuleOptions, M extends string = string> extends RuleMetaBase<
  O,
  M
> {
  /** the rule is called once per assembly: a cloud assembly, or a lone template */
  readonly scope: 'assembly';
  /** the resource types the rule looks at, for documentation */
  readonly resourceTypes?: readonly string[];
  check(assembly: Assembly, ctx: AssemblyContext<O, M>): void;
}

/** A rule: per resource, or per app. */
export type Rule<O extends RuleOptions = RuleOptions, M extends string = string> =
  ResourceRule<O, M> | AssemblyRule<O, M>;

// Options are inferred from the `options` object and message ids from the keys of `messages`, so `ctx.options`
// is typed and `ctx.report({ messageId })` takes only the rule's ids, without annotations. A rule without
// messages reports literal ones.
/** Declares a rule. Returns it unchanged, typed. */
export function defineRule<O extends RuleOptions = RuleOptions, M extends string = never>(
  rule: ResourceRule<O, M>,
): ResourceRule<O, M>;
export function defineRule<O extends RuleOptions = RuleOptions, M extends string = never>(
  rule: AssemblyRule<O, M>,
): AssemblyRule<O, M>;
export function defineRule<O extends RuleOptions, M extends string>(rule: Rule<O, M>): Rule<O, M> {
  return rule;
}

/** A group of rules, usually for one OPS best practice; a third-party pack's id is the namespace of its rule ids. */
export interface Pack {
  /** kebab-case; for third-party packs, the namespace of their rule ids (`acme` → `acme/owner-tag`) */
  readonly id: string;
  readonly title?: string;
  readonly description?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a pack holds rules with different option types
  readonly rules: readonly Rule<any>[];
  /** rules of the pack that are off unless configured on */
  readonly off?: readonly string[];
  /**
   * Where the pack documents its rules, for a rule without `docs` of its own: a URL in which `{{name}}` stands
   * for the rule id without the pack's namespace and `{{id}}` for the whole id
   * (`https://acme.example/opslint/{{name}}`), or a function of the rule id. Without either, a third-party rule
   * links to no page.
   */
  readonly docs?: string | ((ruleId: string) => string);
}

/** Declares a pack: a group of rules, usually for one OPS best practice. */
export function definePack(pack: Pack): Pack {
  return pack;
}

/** `{{name}}` placeholders filled from `data`; one left as written when `data` has no value for it. */
export function formatMessage(template: string, data: Readonly<Record<string, string | number>> = {}): string {
  const pieces = placeholders(template);
  if (pieces.length === 1) return template;
  // joined, not added up, for the same reason as formatPath's: findings keep their messages
  const out = [pieces[0]];
  for (let i = 1; i < pieces.length; i += 3) {
    const key = pieces[i + 1];
    out.push(key in data ? String(data[key]) : pieces[i], pieces[i + 2]);
  }
  return out.join('');
}

/**
 * A message template cut at its placeholders, once per template (a rule formats the same few on every finding):
 * text, then for each placeholder the placeholder as written, its key and the text after it.
 */
function placeholders(template: string): readonly string[] {
  const known = TEMPLATES.get(template);
  if (known !== undefined) return known;
  const pieces: string[] = [];
  const re = /\{\{\s*(\w+)\s*\}\}/g;
  let from = 0;
  for (let m = re.exec(template); m !== null; m = re.exec(template)) {
    pieces.push(template.slice(from, m.index), m[0], m[1]);
    from = m.index + m[0].length;
  }
  pieces.push(template.slice(from));
  if (TEMPLATES.size >= 4096) TEMPLATES.clear();
  TEMPLATES.set(template, pieces);
  return pieces;
}

const TEMPLATES = new Map<string, readonly string[]>();

export function isAssemblyRule(rule: Rule): rule is AssemblyRule {
  return rule.scope === 'assembly';
}

/** Where opslint's own rule pages live; a rule id's `/` becomes `-` in its file name. */
export const RULE_DOCS_BASE = 'https://github.com/opslint/opslint/blob/main/docs/rules/';

export function ruleDocFileName(ruleId: string): string {
  return `${ruleId.replace(/\//g, '-')}.md`;
}

/**
 * A rule's documentation page: its own `docs`, else opslint's page for a built-in rule, else '' (no page) for a
 * third-party rule, whose id is namespaced (`acme/…`): opslint has no page for it.
 */
export function ruleDocsUrl(rule: Pick<Rule, 'id' | 'docs'>): string {
  if (rule.docs !== undefined) return rule.docs;
  // one string per rule, shared by its findings (a large scan holds a hundred thousand)
  let url = DOCS_URLS.get(rule);
  if (url === undefined) {
    url = rule.id.includes('/') ? '' : `${RULE_DOCS_BASE}${ruleDocFileName(rule.id)}`;
    DOCS_URLS.set(rule, url);
  }
  return url;
}

const DOCS_URLS = new WeakMap<Pick<Rule, 'id'>, string>();

/** The rule with its pack's `docs` when it has none of its own (unchanged, the same object, otherwise). */
export function withPackDocs<R extends Rule>(rule: R, pack: Pack): R {
  if (rule.docs !== undefined || pack.docs === undefined) return rule;
  const name = rule.id.startsWith(`${pack.id}/`) ? rule.id.slice(pack.id.length + 1) : rule.id;
  return {
    ...rule,
    docs: typeof pack.docs === 'function' ? pack.docs(rule.id) : formatMessage(pack.docs, { id: rule.id, name }),
  };
}
