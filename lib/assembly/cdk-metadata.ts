/**
 * What a cloud assembly records about constructs, beyond the templates: for each construct path its logical
 * id, the stack trace that created it (so a finding can name the source line), markers on the resources the
 * CDK creates for itself (custom resource providers), which users cannot configure and which opslint therefore
 * does not check, and the opslint rules acknowledged on it (`Validations.of(c).acknowledge(...)`).
 */
import * as path from 'node:path';
import { isPlainObject } from '../template/intrinsics';
import { readOwnJson, readText } from '../template/load';

export interface ConstructInfo {
  /** the construct path, e.g. `Dev/Api/Handler/Resource` */
  readonly path: string;
  /** where user code created it, `file:line:column`, when the assembly recorded a creation stack */
  readonly source?: string;
}

/**
 * An opslint rule acknowledged on a construct: `Validations.of(c).acknowledge({ id: 'opslint::<rule>', reason })`,
 * or the cdk-nag pack's `Ops-<rule>` / `Ops-<rule>[<logical id>]`. The CDK writes those made on a stack or a
 * construct in it into the stack's metadata; those made on a Stage or the App it does not write at all, so
 * opslint's CDK integrations record them ({@link RECORDED_ACKNOWLEDGEMENTS}).
 */
export interface Acknowledgement extends AcknowledgedRule {
  readonly reason: string;
  /** the construct path it was made at, e.g. `Dev/Api` */
  readonly at: string;
  /** where user code made it, `file:line:column`, when the assembly recorded it */
  readonly source?: string;
}

export interface MetadataEntry {
  /** construct path without the leading slash */
  readonly path: string;
  readonly logicalId?: string;
  readonly source?: string;
  /** carries an `aws:cdk:is-custom-resource-handler-*` marker */
  readonly frameworkMarker: boolean;
  readonly acknowledgements: readonly Acknowledgement[];
}

const FRAMEWORK_MARKER = 'aws:cdk:is-custom-resource-handler-';
/** The metadata type of `Validations.of(c).acknowledge(...)`: `data` maps acknowledged ids to reasons. */
export const ACKNOWLEDGED_RULES = 'aws:cdk:acknowledged-rules';
/**
 * The metadata entries that name a construct's logical id and where user code created it: the cloud assembly
 * schema's `ArtifactMetadataEntryType` values, written out rather than imported, which made every
 * `require('opslint/cdk')` resolve `aws-cdk-lib/cloud-assembly-schema` through aws-cdk-lib's exports (~0.5 ms).
 */
export const LOGICAL_ID = 'aws:cdk:logicalId';
export const CREATION_STACK = 'aws:cdk:creationStack';
/**
 * The file in which the CDK integrations record, in each folder of the cloud assembly, the opslint acknowledgements
 * made above its stacks (on a Stage, the App, or a construct holding stacks), which the CDK does not write: so that
 * `opslint scan cdk.out` excuses what `cdk synth` excused. `{ "acknowledgements": [{ "id", "reason", "at" }] }`.
 */
export const RECORDED_ACKNOWLEDGEMENTS = 'opslint.acknowledgements.json';
/** What an acknowledgement id names: the rule, and for the cdk-nag pack's `Ops-<rule>[<logical id>]` one resource. */
export interface AcknowledgedRule {
  /** the id as acknowledged, without a prefix the CDK adds: `opslint::lambda-tracing`, `Ops-lambda-tracing[Fn1A2B3C4D]` */
  readonly id: string;
  /** the rule id, e.g. `lambda-tracing` */
  readonly ruleId: string;
  /** the logical id of the one resource it excuses; every finding of the rule when absent */
  readonly resource?: string;
}

/** The prefix of the cdk-nag pack's rule ids: `Ops-lambda-tracing`. */
export const NAG_RULE_PREFIX = 'Ops-';
// the CDK writes an id without a `namespace::` as `Annotation::<id>` (older versions `annotation::`), and prints the
// nag pack's as `opslint-nag::<id>`, which it honours as written
const NAG_ID = /^(?:(?:annotation|opslint-nag)::)?Ops-([^[\]]+)(?:\[([^\]]+)\])?$/i;

/**
 * `opslint::<rule>` as aws-cdk-lib ≥ 2.278 prints it under the Aspect's warnings (`Acknowledge with
 * 'Annotation::opslint_<rule>'`): it names a warning's id with `::` made `_`, in its namespace of annotations (which
 * it also spells `annotation` and `Construct-Annotations`).
 */
const ANNOTATION_ALIAS = /^(?:annotation|construct-annotations)::opslint_(.+)$/i;

/**
 * The opslint rule an acknowledgement id names: `opslint::<rule>` (or the CDK's alias of it, {@link ANNOTATION_ALIAS}),
 * or the cdk-nag pack's `Ops-<rule>` and `Ops-<rule>[<logical id>]`; undefined for the ids of other plugins.
 */
export function acknowledgedRule(id: string): AcknowledgedRule | undefined {
  if (id.startsWith(ACKNOWLEDGEMENT_PREFIX)) return { id, ruleId: id.slice(ACKNOWLEDGEMENT_PREFIX.length) };
  const alias = ANNOTATION_ALIAS.exec(id);
  if (alias) return { id: `${ACKNOWLEDGEMENT_PREFIX}${alias[1]}`, ruleId: alias[1] };
  const nag = NAG_ID.exec(id);
  if (!nag) return undefined;
  const [, ruleId, resource] = nag;
  return {
    id: `${NAG_RULE_PREFIX}${ruleId}${resource ? `[${resource}]` : ''}`,
    ruleId,
    ...(resource ? { resource } : {}),
  };
}

/** The CDK plugin's name, and so the prefix of acknowledgement ids: `opslint::lambda-tracing`. */
export const PLUGIN_NAME = 'opslint';
export const ACKNOWLEDGEMENT_PREFIX = `${PLUGIN_NAME}::`;
/**
 * Violations about the checking itself, which the CDK plugin adds and which can be acknowledged like rules:
 * problems with acknowledgements or with reading the assembly. Not `acknowledgement-reason`, which would let a bad
 * acknowledgement excuse itself, nor `findings-in-stages`, which would hide every blocking finding in every Stage.
 * A scan of the cloud assembly has none of them to suppress.
 */
export const META_RULES: readonly string[] = [
  'acknowledgement-unknown-rule',
  'unreadable-template',
  'acknowledgements-not-recorded',
];
/** Singleton constructs the CDK adds below a stack are named with a 32-hex-digit UUID (LogRetention…, AWS679f…). */
const SINGLETON_ID = /[0-9a-f]{32}$/i;

/**
 * The metadata of one stack artifact: inline (`metadata`) and in its `additionalMetadataFile`, read when
 * `readable` allows its path (inside the assembly) and within the file size limit. Metadata is supplementary:
 * an unreadable metadata file leaves it out rather than failing the stack. In the app's own output (`ownOutput`, see
 * {@link LoadOptions.ownOutput}) where in the app's code each construct was created is left out.
 */
export function readMetadataEntries(
  artifact: Record<string, unknown>,
  dir: string,
  display: (p: string) => string,
  readable: (file: string) => boolean,
  maxFileBytes?: number,
  ownOutput = false,
): MetadataEntry[] {
  const sources: unknown[] = [artifact.metadata];
  const file =
    typeof artifact.additionalMetadataFile === 'string'
      ? path.resolve(dir, artifact.additionalMetadataFile)
      : undefined;
  if (file !== undefined && readable(file)) {
    try {
      sources.push(ownOutput ? readOwnJson(file, maxFileBytes) : JSON.parse(readText(file, maxFileBytes)));
    } catch {
      // supplementary only
    }
  }
  const out: MetadataEntry[] = [];
  for (const source of sources) {
    if (!isPlainObject(source)) continue;
    for (const key of Object.keys(source)) {
      const entries = source[key];
      if (!Array.isArray(entries)) continue;
      let logicalId: string | undefined;
      let trace: string | undefined;
      let frameworkMarker = false;
      const at = key.startsWith('/') ? key.slice(1) : key;
      const acknowledgements: Acknowledgement[] = [];
      for (const e of entries) {
        if (!isPlainObject(e) || typeof e.type !== 'string') continue;
        if (e.type === LOGICAL_ID && typeof e.data === 'string') logicalId = e.data;
        else if (e.type === CREATION_STACK && Array.isArray(e.data))
          trace = ownOutput ? undefined : sourceFromTrace(e.data, display);
        else if (e.type.startsWith(FRAMEWORK_MARKER)) frameworkMarker = true;
        else if (e.type === ACKNOWLEDGED_RULES && isPlainObject(e.data))
          acknowledgements.push(...acknowledgedRules(e.data, at, Array.isArray(e.trace) ? e.trace : [], display));
      }
      out.push({ path: at, logicalId, source: trace, frameworkMarker, acknowledgements });
    }
  }
  return out;
}

/** The opslint acknowledgements of one `aws:cdk:acknowledged-rules` entry, the nag pack's included (other plugins' ids are theirs). */
function acknowledgedRules(
  data: Record<string, unknown>,
  at: string,
  trace: readonly unknown[],
  display: (p: string) => string,
): Acknowledgement[] {
  const source = sourceFromTrace(trace, display);
  return Object.entries(data).flatMap(([id, reason]) => {
    const rule = acknowledgedRule(id);
    if (!rule) return [];
    // the same reason the plugin reads: a reason that is not a string is none
    return [{ ...rule, reason: typeof reason === 'string' ? reason : '', at, ...(source ? { source } : {}) }];
  });
}

/**
 * The first frame of a creation stack that is user code: `lib/api-stack.ts:12:5`. CDK elides library
 * frames (`...new Function2 in aws-cdk-lib...`); a frame inside node_modules is never user code.
 */
export function sourceFromTrace(frames: readonly unknown[], display: (p: string) => string): string | undefined {
  for (const frame of frames) {
    // library frames, elided or not, are passed over before their location is read
    if (typeof frame !== 'string' || frame.startsWith('...') || frame.includes('node_modules')) continue;
    const at = frameLocation(frame.trim());
    if (!at || !path.isAbsolute(at.file)) continue;
    return `${display(at.file)}:${at.line}:${at.column}`;
  }
  return undefined;
}

/**
 * The `file:line:col` that ends a stack frame, `(file:line:col)` or `file:line:col`: the file is what precedes
 * it back to a parenthesis or a colon (a drive letter's colon excepted). What
 * `/\(?((?:[A-Za-z]:)?[^():]+):(\d+):(\d+)\)?\s*$/` finds, read once: that pattern reads the frame again from
 * each of its characters, for minutes on a long one.
 */
function frameLocation(frame: string): { file: string; line: string; column: string } | undefined {
  const m = /:(\d+):(\d+)\)?$/.exec(frame);
  if (!m) return undefined;
  let start = m.index;
  while (start > 0 && !'():'.includes(frame[start - 1])) start--;
  if (start === m.index) return undefined;
  if (start >= 2 && frame[start - 1] === ':' && /[A-Za-z]/.test(frame[start - 2])) start -= 2;
  return { file: frame.slice(start, m.index), line: m[1], column: m[2] };
}

/** Is the construct at `constructPath` part of the CDK's own machinery, in the stack at `stackPath`? */
export function isFrameworkConstruct(
  constructPath: string,
  stackPath: string,
  markerPaths: readonly string[],
): boolean {
  if (markerPaths.some((m) => constructPath === m || constructPath.startsWith(`${m}/`))) return true;
  if (!constructPath.startsWith(`${stackPath}/`)) return false;
  const start = stackPath.length + 1;
  const slash = constructPath.indexOf('/', start);
  const firstBelowStack = slash === -1 ? constructPath.slice(start) : constructPath.slice(start, slash);
  return firstBelowStack.length >= 32 && SINGLETON_ID.test(firstBelowStack);
}

/** The construct paths and framework resources of one stack, from the entries under its path (nested stacks' excluded). */
export function stackConstructs(
  entries: readonly MetadataEntry[],
  stackPath: string,
  nestedPaths: readonly string[],
): { constructs: Map<string, ConstructInfo>; framework: Set<string> } {
  const stackPrefix = `${stackPath}/`;
  const nestedPrefixes = nestedPaths.map((n) => `${n}/`);
  const markers = entries.filter((e) => e.frameworkMarker).map((e) => e.path);
  const constructs = new Map<string, ConstructInfo>();
  const framework = new Set<string>();
  for (const e of entries) {
    if (!e.logicalId || !e.path.startsWith(stackPrefix) || nestedPrefixes.some((n) => e.path.startsWith(n))) continue;
    constructs.set(e.logicalId, e.source ? { path: e.path, source: e.source } : { path: e.path });
    if (isFrameworkConstruct(e.path, stackPath, markers)) framework.add(e.logicalId);
  }
  return { constructs, framework };
}

/**
 * The acknowledgements made on the stack at `stackPath` or on constructs in it; those in its nested stacks are
 * theirs, so that each belongs to one stack.
 */
export function stackAcknowledgements(
  entries: readonly MetadataEntry[],
  stackPath: string,
  nestedPaths: readonly string[],
): Acknowledgement[] {
  const within = (p: string, prefix: string): boolean => p === prefix || p.startsWith(`${prefix}/`);
  return entries
    .filter((e) => within(e.path, stackPath) && !nestedPaths.some((n) => within(e.path, n)))
    .flatMap((e) => e.acknowledgements);
}

/**
 * For a synthesized template read on its own (no manifest): a resource whose `aws:cdk:path` has a segment
 * that is a CDK singleton (32 hex digits), a custom resource provider (`Custom::…CustomResourceProvider`), or
 * a function or state machine of the provider framework (`framework-onEvent`, `waiter-state-machine`).
 */
export function isFrameworkPath(constructPath: string): boolean {
  // read whole, not split into segments: every resource of a synthesized template is asked
  return SINGLETON_SEGMENT.test(constructPath) || FRAMEWORK_SEGMENT.test(constructPath);
}

/** A segment of a construct path that ends in 32 hex digits, as {@link SINGLETON_ID} reads one. */
const SINGLETON_SEGMENT = /[0-9a-f]{32}(?:\/|$)/i;
const FRAMEWORK_SEGMENT =
  /(?:^|\/)(?:Custom::[^/]*CustomResourceProvider|framework-(?:onEvent|isComplete|onTimeout)|waiter-state-machine)(?:\/|$)/;
