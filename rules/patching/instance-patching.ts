import {
  type Stack,
  defineRule,
  isTrue,
  asIntrinsic,
  isPlainObject,
  type Resource,
  type Resolved,
} from '../../lib/rule';

const INSTANCE = 'AWS::EC2::Instance';
const GROUP = 'AWS::AutoScaling::AutoScalingGroup';
const ASSOCIATION = 'AWS::SSM::Association';
const WINDOW_TASK = 'AWS::SSM::MaintenanceWindowTask';
const WINDOW_TARGET = 'AWS::SSM::MaintenanceWindowTarget';
const QUICK_SETUP = 'AWS::SSMQuickSetup::ConfigurationManager';
const PATCH_POLICY = 'AWSQuickSetupType-PatchPolicy';
const LISTED = 3;

/** A tag value that cannot be known before deployment. */
const ANY = Symbol('any value');
type TagValue = string | typeof ANY;

/** An instance or Auto Scaling group, with the tags its instances carry. */
interface Fleet {
  readonly stack: Stack;
  readonly resource: Resource;
  /** tag key → value; `undefined` when the tags cannot be known (then any tag target may reach it) */
  readonly tags?: ReadonlyMap<string, TagValue>;
}

/** Does a patching target reach this fleet? */
type Selector = (fleet: Fleet) => boolean;
const ALL: Selector = () => true;

export default defineRule({
  id: 'instance-patching',
  title: 'EC2 instances and Auto Scaling groups are patched by Systems Manager Patch Manager',
  bestPractice: 'OPS05-BP05',
  scope: 'assembly',
  resourceTypes: [INSTANCE, GROUP, ASSOCIATION, WINDOW_TASK, WINDOW_TARGET, QUICK_SETUP],
  severity: 'warning',
  context: 'account',
  options: {
    documents: ['AWS-RunPatchBaseline', 'AWS-RunPatchBaselineAssociation', 'AWS-RunPatchBaselineWithHooks'] as string[],
  },
  optionsSchema: { documents: { type: 'array', items: { type: 'string' } } },
  optionDocs: {
    documents:
      "Names of the SSM documents that patch instances, as used in an association's Name or a maintenance window task's TaskArn (an ARN is matched by its last part). Add your own wrapper documents here.",
  },
  messages: {
    noPatching:
      'No Systems Manager patching in {{scope}} for {{fleet}}; add an association (State Manager) or a maintenance window task that runs AWS-RunPatchBaseline, or a Quick Setup patch policy.',
    notTargeted:
      '{{kind}} {{name}} is not reached by the Systems Manager patching in {{scope}}; add it to the targets of the AWS-RunPatchBaseline association or maintenance window (by instance ID, or by a tag its instances carry).',
  },
  why:
    "Instances that nobody patches drift further from their vendor's fixes every week, until a known vulnerability or " +
    'a bug fixed long ago causes an incident. Patch Manager scans and installs patches on a schedule when an association ' +
    'or a maintenance window runs the AWS-RunPatchBaseline document on the instances; a patch baseline on its own only ' +
    'says which patches to approve. A target reaches an instance by its ID (a Ref to it), by a tag its instances carry ' +
    '(for an Auto Scaling group, tags with PropagateAtLaunch or from its launch template), or with InstanceIds: "*" for ' +
    'every managed instance; targets that cannot be evaluated (resource groups, imported values) are assumed to reach ' +
    'everything. Patching is usually set up once per account (Quick Setup, a landing zone or a baseline stack), so this ' +
    'check needs context and is enforced only where a stack is marked as the account baseline. Fleets patched by replacing ' +
    'their AMI (immutable instances) can suppress the finding with that reason.',
  fix: {
    cloudformation:
      'PatchAssociation:\n  Type: AWS::SSM::Association\n  Properties:\n    Name: AWS-RunPatchBaseline\n' +
      '    ScheduleExpression: cron(0 3 ? * SUN *)\n    Parameters:\n      Operation: [Install]\n' +
      '    Targets:\n      - Key: tag:PatchGroup\n        Values: [web]   # a tag the instances carry, or Key: InstanceIds, Values: ["*"]',
    cdk:
      'new ssm.CfnAssociation(this, "Patch", {\n  name: "AWS-RunPatchBaseline",\n  scheduleExpression: "cron(0 3 ? * SUN *)",\n' +
      '  parameters: { Operation: ["Install"] },\n  targets: [{ key: "tag:PatchGroup", values: ["web"] }],\n});\n' +
      'cdk.Tags.of(webFleet).add("PatchGroup", "web");',
  },
  check(assembly, ctx) {
    const fleets: Fleet[] = [];
    const selectors: Selector[] = [];
    const documents = new Set(ctx.options.documents);
    for (const stack of assembly.stacks) {
      const deployed = (type: string): readonly Resource[] => ctx.facts.of(stack).deployed(type);
      for (const r of [...deployed(INSTANCE), ...deployed(GROUP)])
        fleets.push({ stack, resource: r, tags: tagsOf(stack, r) });
      for (const r of deployed(ASSOCIATION)) {
        if (!patches(stack, r.properties.Name, documents)) continue;
        if (r.properties.Targets !== undefined) selectors.push(targetsSelector(stack, r.properties.Targets));
        else if (r.properties.InstanceId !== undefined)
          selectors.push(instanceIdsSelector(stack, [r.properties.InstanceId]));
      }
      for (const r of deployed(WINDOW_TASK)) {
        if (!patches(stack, r.properties.TaskArn, documents)) continue;
        selectors.push(windowTaskSelector(stack, r.properties.Targets));
      }
      // a Quick Setup patch policy targets accounts, organizational units or tags outside the template: it counts for all
      for (const r of deployed(QUICK_SETUP))
        if (isPatchPolicy(stack, r.properties.ConfigurationDefinitions)) selectors.push(ALL);
    }
    if (fleets.length === 0) return ctx.notApplicable();
    const scope = assembly.scope;
    if (selectors.length === 0) {
      const names = fleets.map((f) => f.resource.logicalId);
      const fleet =
        fleets.length === 1
          ? `${kindOf(fleets[0].resource)} ${names[0]}`
          : `its ${fleets.length} EC2 instances and Auto Scaling groups (${names.slice(0, LISTED).join(', ')}${names.length > LISTED ? ', …' : ''})`;
      ctx.report({
        stack: fleets[0].stack,
        resource: fleets[0].resource,
        messageId: 'noPatching',
        data: { scope, fleet },
      });
      return;
    }
    for (const fleet of fleets) {
      if (selectors.some((reaches) => reaches(fleet))) continue;
      ctx.report({
        stack: fleet.stack,
        resource: fleet.resource,
        messageId: 'notTargeted',
        data: { kind: kindOf(fleet.resource), name: fleet.resource.logicalId, scope },
      });
    }
  },
});

function kindOf(resource: Resource): string {
  return resource.type === INSTANCE ? 'EC2 instance' : 'Auto Scaling group';
}

function resolve(stack: Stack, value: unknown): Resolved {
  return stack.template.resolver.resolve(value);
}

function knownValue(r: Resolved): unknown {
  return r.known ? r.value : undefined;
}

/** Does an association Name or task TaskArn name a patching document? Unknown names count, so as not to guess. */
function patches(stack: Stack, value: unknown, documents: ReadonlySet<string>): boolean {
  const r = resolve(stack, value);
  if (!r.known) return true;
  return typeof r.value === 'string' && documents.has(r.value.split('/').pop()!);
}

/** Does a Quick Setup configuration manager deploy a patch policy? Unknown definitions count. */
function isPatchPolicy(stack: Stack, value: unknown): boolean {
  const definitions = resolve(stack, value);
  if (!definitions.known || !Array.isArray(definitions.value)) return true;
  return definitions.value.some((item) => {
    const definition = resolve(stack, item);
    if (!definition.known || !isPlainObject(definition.value)) return true;
    const type = resolve(stack, definition.value.Type);
    return !type.known || type.value === PATCH_POLICY;
  });
}

/** `Targets` of an association or maintenance window target: every entry must match (they are ANDed). */
function targetsSelector(stack: Stack, value: unknown): Selector {
  const parts = targetEntries(stack, value, (key, values) => keySelector(stack, key, values));
  return parts === undefined || parts.length === 0 ? ALL : (fleet) => parts.every((p) => p(fleet));
}

/**
 * A list of `{Key, Values}` targets as one selector per entry, made by `entry`; undefined when any part is not
 * known (then the targets are assumed to reach everything).
 */
function targetEntries(
  stack: Stack,
  value: unknown,
  entry: (key: string, values: readonly unknown[]) => Selector | undefined,
): Selector[] | undefined {
  const list = resolve(stack, value);
  if (!list.known || !Array.isArray(list.value)) return undefined;
  const parts: Selector[] = [];
  for (const item of list.value) {
    const target = resolve(stack, item);
    if (!target.known || !isPlainObject(target.value)) return undefined;
    const key = resolve(stack, target.value.Key);
    const values = resolve(stack, target.value.Values);
    if (!key.known || typeof key.value !== 'string' || !values.known || !Array.isArray(values.value)) return undefined;
    const part = entry(key.value, values.value);
    if (part === undefined) return undefined;
    parts.push(part);
  }
  return parts;
}

function keySelector(stack: Stack, key: string, values: readonly unknown[]): Selector {
  if (key === 'InstanceIds') return instanceIdsSelector(stack, values);
  if (key === 'tag:aws:autoscaling:groupName') {
    const refs = refsTo(stack, values);
    if (refs === undefined) return ALL;
    return (fleet) => fleet.stack === stack && refs.has(fleet.resource.logicalId);
  }
  if (key.startsWith('tag:')) {
    const tagKey = key.slice(4);
    const wanted = tagValues(stack, values);
    return (fleet) => {
      if (!fleet.tags) return true;
      const v = fleet.tags.get(tagKey);
      return v !== undefined && (v === ANY || wanted === ANY || wanted.has(v));
    };
  }
  if (key === 'tag-key') {
    const keys = tagValues(stack, values);
    return (fleet) => !fleet.tags || keys === ANY || [...keys].some((k) => fleet.tags!.has(k));
  }
  // resource groups and anything else: assumed to reach every instance
  return ALL;
}

/** `InstanceIds`: `*` for all, Refs to instances, literal IDs (of instances outside the app); anything unknown reaches all. */
function instanceIdsSelector(stack: Stack, values: readonly unknown[]): Selector {
  const literal = values.map((v) => resolve(stack, v)).some((r) => r.known && r.value === '*');
  if (literal) return ALL;
  const refs = refsTo(stack, values);
  if (refs === undefined) return ALL;
  return (fleet) => fleet.stack === stack && refs.has(fleet.resource.logicalId);
}

/** Logical ids that values Ref in the same template; undefined when a value is neither a Ref to a resource nor a literal. */
function refsTo(stack: Stack, values: readonly unknown[]): Set<string> | undefined {
  const refs = new Set<string>();
  for (const v of values) {
    const fn = asIntrinsic(v);
    if (fn?.name === 'Ref' && typeof fn.arg === 'string' && stack.template.resources.has(fn.arg)) refs.add(fn.arg);
    else if (typeof v !== 'string') return undefined;
  }
  return refs;
}

function tagValues(stack: Stack, values: readonly unknown[]): Set<string> | typeof ANY {
  const out = new Set<string>();
  for (const v of values) {
    const r = resolve(stack, v);
    if (!r.known || typeof r.value !== 'string') return ANY;
    out.add(r.value);
  }
  return out;
}

/** A maintenance window task: `WindowTargetIds` point at maintenance window targets, `InstanceIds` at instances. */
function windowTaskSelector(stack: Stack, value: unknown): Selector {
  const parts = targetEntries(stack, value, (key, values) => {
    if (key !== 'WindowTargetIds') return keySelector(stack, key, values);
    const windowTargets = refsTo(stack, values);
    if (windowTargets === undefined || windowTargets.size < values.length) return undefined;
    const selectors = [...windowTargets].map((id) => {
      const wt = stack.template.resources.get(id)!;
      return wt.type === WINDOW_TARGET ? targetsSelector(stack, wt.properties.Targets) : ALL;
    });
    return (fleet) => selectors.some((s) => s(fleet));
  });
  return parts === undefined || parts.length === 0 ? ALL : (fleet) => parts.some((p) => p(fleet));
}

/**
 * The tags an instance or the instances of an Auto Scaling group carry: their own (for a group, those with
 * PropagateAtLaunch), the launch template's instance tags, and the tags CloudFormation adds itself.
 */
function tagsOf(stack: Stack, resource: Resource): Map<string, TagValue> | undefined {
  const tags = new Map<string, TagValue>();
  tags.set('aws:cloudformation:logical-id', resource.logicalId);
  tags.set('aws:cloudformation:stack-name', stack.stackName ?? ANY);
  const own = resolve(stack, resource.properties.Tags);
  if (!own.known) return undefined;
  if (own.value !== undefined) {
    if (!Array.isArray(own.value)) return undefined;
    for (const item of own.value) {
      const tag = resolve(stack, item);
      if (!tag.known || !isPlainObject(tag.value)) return undefined;
      // a group's tag reaches its instances only with PropagateAtLaunch (assumed when unknown)
      const propagate = resolve(stack, tag.value.PropagateAtLaunch);
      if (resource.type === GROUP && propagate.known && !isTrue(propagate.value)) continue;
      if (!addTag(stack, tags, tag.value)) return undefined;
    }
  }
  const template = launchTemplateOf(stack, resource);
  if (template === null) return undefined;
  if (template) {
    const specs = stack.template.valueAt(template, 'Properties.LaunchTemplateData.TagSpecifications');
    if (!specs.known) return undefined;
    for (const spec of Array.isArray(specs.value) ? specs.value : []) {
      const s = resolve(stack, spec);
      if (!s.known || !isPlainObject(s.value)) return undefined;
      if (knownValue(resolve(stack, s.value.ResourceType)) !== 'instance') continue;
      const list = resolve(stack, s.value.Tags);
      if (!list.known || !Array.isArray(list.value)) return undefined;
      for (const item of list.value) {
        const tag = resolve(stack, item);
        if (!tag.known || !isPlainObject(tag.value) || !addTag(stack, tags, tag.value)) return undefined;
      }
    }
  }
  return tags;
}

function addTag(stack: Stack, tags: Map<string, TagValue>, tag: Record<string, unknown>): boolean {
  const key = resolve(stack, tag.Key);
  if (!key.known || typeof key.value !== 'string') return false;
  const value = resolve(stack, tag.Value);
  tags.set(key.value, value.known && typeof value.value === 'string' ? value.value : ANY);
  return true;
}

/** The launch template of an instance or group in the same template; null when it cannot be followed; undefined when there is none. */
function launchTemplateOf(stack: Stack, resource: Resource): Resource | null | undefined {
  const spec =
    resource.properties.LaunchTemplate ??
    (isPlainObject(resource.properties.MixedInstancesPolicy)
      ? (resource.properties.MixedInstancesPolicy.LaunchTemplate as Record<string, unknown> | undefined)
          ?.LaunchTemplateSpecification
      : undefined);
  if (spec === undefined) return undefined;
  if (!isPlainObject(spec)) return null;
  const fn = asIntrinsic(spec.LaunchTemplateId ?? spec.LaunchTemplateName);
  const id = fn?.name === 'Ref' ? fn.arg : fn?.name === 'Fn::GetAtt' && Array.isArray(fn.arg) ? fn.arg[0] : undefined;
  const template = typeof id === 'string' ? stack.template.resources.get(id) : undefined;
  return template?.type === 'AWS::EC2::LaunchTemplate' ? template : null;
}
