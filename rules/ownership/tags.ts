/**
 * Shared by the ownership rules: which tag keys name an owner, where each resource type keeps its tags, and
 * whether a tag list or map (as written, with intrinsic functions) carries an owner tag. Not a rule.
 */
import { type Verdict, OWNED_TYPES, isPlainObject, own, type Resource, type Resolver } from '../../lib/rule';

/** Tag keys that name the team or person who runs a resource. */
export const DEFAULT_TAG_KEYS: readonly string[] = ['Owner', 'Team', 'OwnerTeam', 'OwnerEmail'];

export const TAG_KEYS_DOC =
  'Tag keys that name an owner. Keys are compared ignoring case and the separators - _ . and space, and a namespaced ' +
  'key counts by its last part, so owner, owner-email and acme:owner all match. Default: Owner, Team, OwnerTeam, OwnerEmail.';

/** The property that holds a type's tags, where it is not `Tags` (a list of Key/Value, or a map for SAM and some types). */
const TAG_PROPERTY: Readonly<Record<string, string>> = {
  'AWS::EFS::FileSystem': 'FileSystemTags',
  'AWS::Cognito::UserPool': 'UserPoolTags',
  'AWS::Route53::HostedZone': 'HostedZoneTags',
};

/** The types that carry an owner tag by default: what runs, stores or serves the workload, and what supports it. */
export const DEFAULT_RESOURCE_TYPES: readonly string[] = OWNED_TYPES;

/** Further taggable types the resourceTypes option may name. */
export const OTHER_SUPPORTED_TYPES: readonly string[] = [
  'AWS::ECS::TaskDefinition',
  'AWS::Events::Rule',
  'AWS::Logs::LogGroup',
  'AWS::KMS::Key',
  'AWS::SecretsManager::Secret',
  'AWS::SSM::Parameter',
  'AWS::IAM::Role',
  'AWS::EC2::VPC',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::Volume',
  'AWS::ECR::Repository',
  'AWS::CodeBuild::Project',
  'AWS::CodePipeline::Pipeline',
  'AWS::CloudWatch::Alarm',
  'AWS::CloudWatch::CompositeAlarm',
  'AWS::CloudWatch::Dashboard',
  'AWS::ApiGateway::Stage',
  'AWS::ApiGatewayV2::Stage',
  'AWS::Redshift::Cluster',
  'AWS::DocDB::DBCluster',
  'AWS::Neptune::DBCluster',
  'AWS::AmazonMQ::Broker',
  'AWS::DAX::Cluster',
  'AWS::Glue::Job',
  'AWS::Batch::JobQueue',
  'AWS::EMR::Cluster',
  'AWS::SageMaker::Endpoint',
  'AWS::WAFv2::WebACL',
  'AWS::Route53::HostedZone',
  'AWS::Synthetics::Canary',
  'AWS::CloudFormation::Stack',
];

/**
 * Whether a resource takes tags of its own in the template. An API SAM creates implicitly does not: Globals.Api
 * has no Tags, and SAM copies the tags of the function that creates it (with PropagateTags).
 */
export function carriesOwnTags(resource: Resource): boolean {
  return resource.implicit === undefined;
}

export function tagProperty(type: string): string {
  return own(TAG_PROPERTY, type) ?? 'Tags';
}

/** `owner`, `Owner-Email`, `acme:owner` → comparable forms: the whole key and its last namespace part. */
function normalize(key: string): string {
  return key.toLowerCase().replace(/[-_. ]/g, '');
}

/** A predicate over tag keys, compiled once from the `tagKeys` option. */
export function ownerKeyMatcher(keys: unknown): (key: string) => boolean {
  const wanted = new Set(
    (Array.isArray(keys) ? keys : DEFAULT_TAG_KEYS).filter((k): k is string => typeof k === 'string').map(normalize),
  );
  return (key) => {
    const whole = normalize(key);
    const last = whole.split(/[:/]/).pop() ?? whole;
    return wanted.has(whole) || wanted.has(last);
  };
}

/** Tag keys as a message shows them: `Owner, Team`. */
export function listKeys(keys: unknown): string {
  return (Array.isArray(keys) ? keys : DEFAULT_TAG_KEYS).filter((k) => typeof k === 'string').join(', ');
}

/** Stack tags (a cloud assembly's manifest) carry a non-empty owner tag. */
export function stackHasOwner(tags: Readonly<Record<string, string>>, match: (key: string) => boolean): boolean {
  return Object.entries(tags).some(([k, v]) => match(k) && v.trim() !== '');
}

/**
 * Does a resource's tag property carry an owner tag? `value` is the property as written: a list of
 * `{ Key, Value }` (most types, and the AutoScaling form with PropagateAtLaunch) or a map (SAM and a few types).
 * `true` when every possible value has one, `false` when a known value has none, `undefined` when it cannot
 * be known (a parameter without default, an unknown key).
 */
export function ownerTagVerdict(value: unknown, resolver: Resolver, match: (key: string) => boolean): Verdict {
  const r = resolver.resolve(value);
  if (!r.known) {
    if (!r.alternatives) return undefined;
    const verdicts = r.alternatives.map((a) => ownerTagVerdict(a, resolver, match));
    if (verdicts.some((v) => v === undefined)) return undefined;
    return verdicts.every((v) => v === true);
  }
  const tags = r.value;
  if (tags === undefined || tags === null) return false;
  if (Array.isArray(tags)) {
    let open = false;
    for (const item of tags) {
      const v = itemVerdict(item, resolver, match);
      if (v === true) return true;
      if (v === undefined) open = true;
    }
    return open ? undefined : false;
  }
  if (isPlainObject(tags)) {
    for (const [k, v] of Object.entries(tags)) {
      if (!match(k)) continue;
      // a value given at deployment (a parameter without default) still names someone
      const value = resolver.resolve(v);
      if (!value.known || nonEmpty(value.value)) return true;
    }
    return false;
  }
  return undefined;
}

/** One `{ Key, Value }` entry of a tag list (possibly behind an `Fn::If`). */
function itemVerdict(item: unknown, resolver: Resolver, match: (key: string) => boolean): Verdict {
  const r = resolver.resolve(item);
  if (!r.known) {
    if (!r.alternatives) return undefined;
    const verdicts = r.alternatives.map((a) => itemVerdict(a, resolver, match));
    if (verdicts.some((v) => v === undefined)) return undefined;
    // a tag only one branch of a condition sets: a known branch lacks it
    return verdicts.every((v) => v === true);
  }
  if (!isPlainObject(r.value)) return r.value === undefined ? false : undefined;
  const key = resolver.resolve(r.value.Key);
  if (!key.known) return undefined;
  if (typeof key.value !== 'string' || !match(key.value)) return false;
  const value = resolver.resolve(r.value.Value);
  return !value.known || nonEmpty(value.value);
}

function nonEmpty(v: unknown): boolean {
  return (typeof v === 'string' && v.trim() !== '') || typeof v === 'number' || typeof v === 'boolean';
}
