/**
 * What each resource of a stack is for, decided once:
 * - `cdk-internal`: created by the CDK for itself (custom resource providers and singleton handlers such as
 *   LogRetention, BucketDeployment, AwsCustomResource, restrictDefaultSecurityGroup, the provider framework's
 *   own functions), known from the cloud assembly's metadata or, in a template read alone, from construct paths
 *   and the CDK's logical ids. Users cannot configure them; no rule checks them.
 * - `machinery`: deployment and compliance machinery: Lambda functions that back a custom resource
 *   (`ServiceToken`), run a CloudFormation macro or a Lambda hook, evaluate an AWS Config custom rule, or are the
 *   user handlers of a CDK provider framework. CloudFormation or AWS Config invokes them, not users; a function
 *   that a workload invoker (an API, a queue, a schedule…) also calls stays workload.
 * - `edge`: Lambda functions that run on AWS IoT Greengrass core devices, not in the Lambda service: a Greengrass
 *   function definition names their version. The Lambda service neither invokes them nor records their metrics,
 *   traces or logs.
 * - `account-baseline`: resources of a stack marked as the account baseline (`--account-baseline`).
 * - `workload`: everything else.
 */
import type { Assembly, Stack } from '../assembly/model';
import { isFrameworkPath } from '../assembly/cdk-metadata';
import { findReferences, isPlainObject } from '../template/intrinsics';
import type { Resource, Template } from '../template/model';
import { invokersOf } from './invocation';
import { pathStartsWith } from './references';
import { FUNCTION_TYPES } from './types';
import { knownString, placeholdersOut, writtenText } from './values';

/** What a resource is for. */
export type Role = 'workload' | 'machinery' | 'edge' | 'cdk-internal' | 'account-baseline';

/** The roles a rule may decide to check or not (workload is always checked, the CDK's own never). */
export const DECIDED_ROLES = ['account-baseline', 'machinery', 'edge'] as const;

/** A resource's role, with what gave it away ("backs custom resource OrdersSeed (ServiceToken)"). */
export interface RoleOf {
  readonly role: Role;
  readonly why: string;
}

const WORKLOAD: RoleOf = { role: 'workload', why: 'a workload resource' };

/** Properties through which deployment and compliance machinery names the function it runs. */
const MACHINERY_PROPERTIES: readonly {
  readonly test: (type: string) => boolean;
  readonly path: readonly string[];
  readonly what: string;
}[] = [
  {
    test: (t) => t.startsWith('Custom::') || t === 'AWS::CloudFormation::CustomResource',
    path: ['Properties', 'ServiceToken'],
    what: 'backs custom resource',
  },
  { test: (t) => t === 'AWS::CloudFormation::Macro', path: ['Properties', 'FunctionName'], what: 'runs macro' },
  {
    test: (t) => t === 'AWS::CloudFormation::LambdaHook',
    path: ['Properties', 'LambdaFunction'],
    what: 'runs CloudFormation hook',
  },
  { test: (t) => t === 'AWS::Config::ConfigRule', path: ['Properties', 'Source'], what: 'evaluates AWS Config rule' },
  {
    test: (t) => t === 'AWS::Config::OrganizationConfigRule',
    path: ['Properties', 'OrganizationCustomRuleMetadata'],
    what: 'evaluates AWS Config rule',
  },
];

/** Environment variables through which the CDK provider framework names the user's handlers. */
const CDK_PROVIDER_VARIABLES = new Set(['USER_ON_EVENT_FUNCTION_ARN', 'USER_IS_COMPLETE_FUNCTION_ARN']);

/**
 * Logical ids the CDK gives its own resources, for a synthesized template read without its construct paths:
 * singletons named by a UUID (`LogRetentionaae0aa3c…FD4BFC8A`, `AWS679f53fa…`, `BucketNotificationsHandler050a…`,
 * `CustomCDKBucketDeployment8693BB64…`) and their roles; `Custom::…CustomResourceProvider` handlers and roles; the
 * provider framework's functions and waiter state machine. A CDK version or deployment hash (32 hex digits at
 * the end of the id) is not one of them.
 */
const CDK_INTERNAL_IDS: readonly RegExp[] = [
  /[0-9a-f]{32}[A-Z]/,
  /CDKBucketDeployment[0-9A-F]{32}/,
  /CustomResourceProvider(Handler|Role)[0-9A-F]{8}$/,
  /framework(onEvent|isComplete|onTimeout)(ServiceRole)?[0-9A-Za-z]*[0-9A-F]{8}$/,
  /waiterstatemachine[0-9A-Za-z]*[0-9A-F]{8}$/,
];

/**
 * CloudFormation takes logical ids of up to 255 characters; a longer one is no CDK id, and is not matched (the
 * patterns ending in `[0-9A-Za-z]*[0-9A-F]{8}$` read a long id again from every `framework…` in it).
 */
const MAX_LOGICAL_ID = 255;

function isCdkInternalId(id: string): boolean {
  return id.length <= MAX_LOGICAL_ID && CDK_INTERNAL_IDS.some((re) => re.test(id));
}

/** Signs that a template was synthesized by the CDK, which make its logical ids worth reading as the CDK's. */
function synthesizedByCdk(template: Template): boolean {
  if ('BootstrapVersion' in template.parameters || template.resources.has('CDKMetadata')) return true;
  const rules = template.document.Rules;
  if (isPlainObject(rules) && 'CheckBootstrapVersion' in rules) return true;
  for (const r of template.resources.values()) if (r.constructPath !== undefined) return true;
  return false;
}

/** The resources the CDK created for itself in a stack: from the assembly's metadata, construct paths, or logical ids. */
export function cdkInternalResources(stack: Pick<Stack, 'template' | 'frameworkResources'>): Set<string> {
  const template = stack.template;
  const out = new Set(stack.frameworkResources ?? []);
  if (!synthesizedByCdk(template)) return out;
  for (const r of template.resources.values()) {
    if (r.constructPath !== undefined ? isFrameworkPath(r.constructPath) : isCdkInternalId(r.logicalId))
      out.add(r.logicalId);
  }
  return out;
}

/**
 * The functions of one template named by its own machinery, each with why: custom resource handlers, macros,
 * hooks, Config rule functions, and the handlers a CDK provider framework function calls.
 */
function machineryFunctions(template: Template, internal: ReadonlySet<string>): Map<string, string> {
  const out = new Map<string, string>();
  // a function that a workload invoker (an API, a subscription, a schedule…) also calls stays workload
  const mark = (id: string, why: string): boolean => {
    if (out.has(id) || internal.has(id) || hasWorkloadInvoker(template, template.resources.get(id)!)) return false;
    out.set(id, why);
    return true;
  };
  for (const resource of template.resources.values()) {
    const m = MACHINERY_PROPERTIES.find((p) => p.test(resource.type));
    if (!m) continue;
    for (const ref of template.graph.outgoing(resource.logicalId)) {
      if (!pathStartsWith(ref.path, m.path)) continue;
      const fn = functionBehind(template, ref.to);
      if (fn) mark(fn.logicalId, `${m.what} ${resource.logicalId} (${m.path[m.path.length - 1]})`);
    }
  }
  // a function that machinery calls, named in its environment (the CDK provider framework's onEvent function
  // and the user's handlers; a macro that emits custom resources backed by another function), is machinery too
  const queue = [
    ...out.keys(),
    ...[...internal].filter((id) => FUNCTION_TYPES.includes(template.resources.get(id)?.type ?? '')),
  ];
  for (let i = 0; i < queue.length; i++) {
    const caller = queue[i];
    for (const ref of template.graph.outgoing(caller)) {
      if (ref.path[0] !== 'Properties' || ref.path[1] !== 'Environment') continue;
      const callee = functionBehind(template, ref.to);
      if (!callee) continue;
      const variable = String(ref.path[3] ?? 'its environment');
      const why = CDK_PROVIDER_VARIABLES.has(variable)
        ? `is a handler of the CDK provider framework function ${caller}`
        : `is named by machinery function ${caller} (${variable})`;
      if (mark(callee.logicalId, why)) queue.push(callee.logicalId);
    }
  }
  return out;
}

/** Greengrass function definitions (and their versions): the functions they deploy to core devices are named under `Functions`. */
const GREENGRASS_DEFINITIONS = new Set([
  'AWS::Greengrass::FunctionDefinition',
  'AWS::Greengrass::FunctionDefinitionVersion',
]);

/** Functions that a Greengrass function definition deploys to core devices, and that nothing in the AWS cloud invokes. */
function edgeFunctions(template: Template): Map<string, string> {
  const out = new Map<string, string>();
  for (const type of GREENGRASS_DEFINITIONS) {
    for (const definition of template.resourcesOfType(type)) {
      for (const ref of template.graph.outgoing(definition.logicalId)) {
        if (!ref.path.includes('Functions')) continue;
        const fn = functionBehind(template, ref.to);
        if (fn && !out.has(fn.logicalId) && !hasWorkloadInvoker(template, fn))
          out.set(fn.logicalId, `runs on Greengrass core devices (function definition ${definition.logicalId})`);
      }
    }
  }
  return out;
}

/** The function a reference names: the function itself, or the one behind an alias or version. */
function functionBehind(template: Template, id: string, hops = 0): Resource | undefined {
  const r = template.resources.get(id);
  if (!r) return undefined;
  if (FUNCTION_TYPES.includes(r.type)) return r;
  if (hops === 0 && (r.type === 'AWS::Lambda::Alias' || r.type === 'AWS::Lambda::Version')) {
    const ref = template.graph.outgoing(id).find((x) => pathStartsWith(x.path, ['Properties', 'FunctionName']));
    return ref ? functionBehind(template, ref.to, 1) : undefined;
  }
  return undefined;
}

function functions(template: Template): Resource[] {
  return FUNCTION_TYPES.flatMap((t) => [...template.resourcesOfType(t)]);
}

/** A workload invoker (an API, a subscription, a schedule, a queue…) shown by a resource of the template. */
function hasWorkloadInvoker(template: Template, fn: Resource): boolean {
  return invokersOf(template, fn).some((i) => !i.permission);
}

// ---------------------------------------------------------------------------------------------------------
// Functions named across templates: a custom resource in one stack whose ServiceToken imports the ARN another
// stack exports, or names the function by its name.

/** Keys by which a template's machinery names functions it does not hold: `export:<name>`, `function:<name>`. */
export function machineryNames(template: Template): string[] {
  const out = new Set<string>();
  for (const resource of template.resources.values()) {
    const m = MACHINERY_PROPERTIES.find((p) => p.test(resource.type));
    if (!m || template.isExcluded(resource)) continue;
    let value: unknown = resource.definition;
    for (const seg of m.path) value = isPlainObject(value) ? value[seg] : undefined;
    if (m.path[1] === 'Source' && isPlainObject(value)) value = value.SourceIdentifier;
    else if (m.path[1] === 'OrganizationCustomRuleMetadata' && isPlainObject(value)) value = value.LambdaFunctionArn;
    for (const key of nameKeys(template, value)) out.add(key);
  }
  return [...out];
}

/**
 * The functions of a template that are machinery when another template's machinery names one of their keys:
 * those without a role of their own (`decided`) and without a workload invoker, each with its keys.
 */
export function nameableFunctions(
  template: Template,
  decided: (logicalId: string) => boolean,
): { fn: Resource; keys: string[] }[] {
  const out: { fn: Resource; keys: string[] }[] = [];
  for (const fn of functions(template)) {
    if (decided(fn.logicalId)) continue;
    const keys = functionKeys(template, fn);
    if (keys.length > 0 && !hasWorkloadInvoker(template, fn)) out.push({ fn, keys });
  }
  return out;
}

/** The keys by which other templates can name a function of this one: its exports, and its literal name. */
function functionKeys(template: Template, fn: Resource): string[] {
  const out: string[] = [];
  const name = knownString(template.resolver, fn.properties.FunctionName);
  if (name) out.push(`function:${name}`);
  for (const output of Object.values(template.outputs)) {
    if (!isPlainObject(output) || !isPlainObject(output.Export)) continue;
    const refersToFn = findReferences(output.Value).some((r) => r.target === fn.logicalId);
    const exportName = knownString(template.resolver, output.Export.Name);
    if (refersToFn && exportName) out.push(`export:${exportName}`);
  }
  return out;
}

function nameKeys(template: Template, value: unknown): string[] {
  if (isPlainObject(value) && 'Fn::ImportValue' in value) {
    const name = knownString(template.resolver, value['Fn::ImportValue']);
    return name ? [`export:${name}`] : [];
  }
  const text = knownString(template.resolver, value) ?? writtenText(value, '*');
  if (text === undefined) return [];
  // an ARN `arn:…:lambda:region:account:function:NAME[:alias]`, or a bare function name
  const m = /(?:^|:)function:([^:]+)/.exec(placeholdersOut(text));
  if (m) return [`function:${m[1]}`];
  return /^[A-Za-z0-9_-]+$/.test(text) ? [`function:${text}`] : [];
}

// ---------------------------------------------------------------------------------------------------------

/** The roles of every resource of an assembly's stacks, computed once per stack on first use. */
export class Roles {
  private readonly byStack = new Map<Stack, Map<string, RoleOf>>();
  /** by key, the stacks whose machinery names it */
  private crossNamed?: Map<string, Set<Stack>>;

  /**
   * `others`: roles of the same assembly whose machinery names this may take for stacks other than the one a check
   * is run again on with an assumption changed (only that stack's template is changed): reading every stack's
   * machinery again for each finding made cloud assemblies quadratic.
   */
  constructor(
    private readonly assembly: Assembly,
    private readonly isBaseline: (stack: Stack) => boolean,
    private readonly others?: Roles,
  ) {}

  /** The role of a resource of a stack of the assembly. */
  of(stack: Stack, resource: Resource): RoleOf {
    return this.stackRoles(stack).get(resource.logicalId) ?? (this.isBaseline(stack) ? BASELINE : WORKLOAD);
  }

  private stackRoles(stack: Stack): Map<string, RoleOf> {
    let roles = this.byStack.get(stack);
    if (roles) return roles;
    roles = new Map();
    const template = stack.template;
    // nothing here is a finding's verdict: what it rests on is not recorded against the rule being checked
    template.resolver.untracked(() => {
      const internal = cdkInternalResources(stack);
      for (const id of internal) roles!.set(id, { role: 'cdk-internal', why: 'created by the CDK for itself' });
      const named = this.namedElsewhere(stack);
      for (const [id, why] of machineryFunctions(template, internal)) roles!.set(id, { role: 'machinery', why });
      for (const [id, why] of edgeFunctions(template)) if (!roles!.has(id)) roles!.set(id, { role: 'edge', why });
      // the keys of each function, and whether a workload calls it, only when some other stack's machinery names any
      if (named)
        for (const { fn, keys } of nameableFunctions(template, (id) => roles!.has(id))) {
          const key = keys.find(named);
          if (key)
            roles!.set(fn.logicalId, {
              role: 'machinery',
              why: `is named by the machinery of another stack (${key.replace(':', ' ')})`,
            });
        }
    });
    this.byStack.set(stack, roles);
    return roles;
  }

  /**
   * Whether the machinery of another stack of the assembly names a key (`export:…`, `function:…`); undefined when
   * the assembly has one stack, or no stack's machinery names anything.
   */
  private namedElsewhere(stack: Stack): ((key: string) => boolean) | undefined {
    if (this.assembly.stacks.length < 2) return undefined;
    this.crossNamed ??= this.others?.crossNamed;
    if (!this.crossNamed) {
      this.crossNamed = new Map();
      for (const s of this.assembly.stacks) {
        for (const k of s.template.resolver.untracked(() => machineryNames(s.template)))
          (this.crossNamed.get(k) ?? this.crossNamed.set(k, new Set()).get(k)!).add(s);
      }
    }
    const named = this.crossNamed;
    if (named.size === 0) return undefined;
    return (key) => [...(named.get(key) ?? [])].some((s) => s !== stack);
  }
}

const BASELINE: RoleOf = { role: 'account-baseline', why: 'in a stack marked as the account baseline' };
