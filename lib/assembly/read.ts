/**
 * Reads a cloud assembly (`cdk.out`): manifest.json, its stack artifacts, nested Stage assemblies
 * (`cdk:cloud-assembly` artifacts, recursively) and nested stacks (`*.nested.template.json`, found through
 * the parent's `AWS::CloudFormation::Stack` resources), into one {@link Assembly}.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { isWithin } from '../util/within';
import { InputError, messages } from '../template/errors';
import { isPlainObject } from '../template/intrinsics';
import { describeFsError, loadTemplate, readJsonDocument, readText, type LoadOptions } from '../template/load';
import { parseDocument, type ParsedDocument } from '../template/parse';
import type { JsonPath } from '../template/path';
import {
  RECORDED_ACKNOWLEDGEMENTS,
  acknowledgedRule,
  readMetadataEntries,
  stackAcknowledgements,
  stackConstructs,
  type Acknowledgement,
  type MetadataEntry,
} from './cdk-metadata';
import {
  inTemplate,
  stacksOfCloudAssembly,
  type Assembly,
  type AssemblyLocation,
  type Environment,
  type Stack,
} from './model';

/**
 * The system's realpath: one call, where Node's own walks the path with an lstat for each of its parts. Node's own
 * when `fs.realpathSync` was replaced by something that does not carry `native` (a test's spy, a patch).
 */
function realPath(p: string): string {
  const native = realpathSync.native as typeof realpathSync.native | undefined;
  return native ? native(p) : realpathSync(p);
}

const STACK = 'aws:cloudformation:stack';
const NESTED_ASSEMBLY = 'cdk:cloud-assembly';
const MAX_STAGE_DEPTH = 16;
/** Most stacks read from one cloud assembly by default: far more than CloudFormation lets one account deploy. */
export const DEFAULT_MAX_STACKS = 10_000;
/**
 * Most resources read from one cloud assembly by default, all its stacks together: memory grows with them (a
 * stack template shared by 2,000 artifacts made 10 million), and real apps hold far fewer (500 per stack).
 */
export const DEFAULT_MAX_ASSEMBLY_RESOURCES = 100_000;

export interface AssemblyResult {
  readonly assembly: Assembly;
  /** stacks that could not be read; the others are in the assembly */
  readonly errors: readonly InputError[];
}

/**
 * True when `dir` holds a cloud assembly manifest: a manifest.json inside it with a `version` and `artifacts`
 * (which the reader then checks). Other files are named manifest.json too (a web app's manifest); their folder
 * is an ordinary one.
 */
export function isCloudAssembly(dir: string): boolean {
  const file = path.join(dir, 'manifest.json');
  if (!existsSync(file)) return false;
  try {
    const real = realPath(file);
    if (!isWithin(realPath(dir), real)) return false;
    // a scan asks again of the folders it lists (`--output` checks that it writes no input): the manifest of a large
    // app is megabytes, read once unless it changed
    const { size, mtimeMs } = statSync(real);
    const known = MANIFESTS.get(real);
    if (known?.size === size && known.mtimeMs === mtimeMs) return known.is;
    const manifest: unknown = JSON.parse(readText(file));
    const is = isPlainObject(manifest) && looksLikeCdkManifest(manifest);
    MANIFESTS.set(real, { size, mtimeMs, is });
    return is;
  } catch {
    return false;
  }
}

/** What {@link isCloudAssembly} found of each manifest, by real path. */
const MANIFESTS = new Map<string, { readonly size: number; readonly mtimeMs: number; readonly is: boolean }>();

/**
 * A cloud assembly's manifest, told apart from other `manifest.json` files (a web app's, a build tool's): the CDK
 * writes a semantic `version` and `artifacts`, a map of artifact objects. A list of artifacts still counts, so that
 * a manifest the CDK would reject is an input error rather than a folder walked as if it were none.
 */
function looksLikeCdkManifest(manifest: Record<string, unknown>): boolean {
  const { version, artifacts } = manifest;
  if (typeof version !== 'string' || !/^\d+\.\d+\.\d+/.test(version)) return false;
  if (Array.isArray(artifacts)) return true;
  return isPlainObject(artifacts) && Object.values(artifacts).every(isPlainObject);
}

/** What reading one assembly shares, from its top manifest down. */
interface Reading {
  /** the assembly's folder, and its real path: what the assembly names must stay inside both */
  readonly top: string;
  readonly realTop: string;
  readonly options: LoadOptions;
  readonly display: (p: string) => string;
  readonly stacks: Stack[];
  readonly errors: InputError[];
  /** real paths of the Stage folders read: each is read once, so that artifacts naming the same one cannot multiply the work */
  readonly stageDirs: Set<string>;
  /** acknowledgements recorded above the stacks, by id and construct path: each folder records those of its stacks */
  readonly recorded: Map<string, Acknowledgement>;
  /** stack templates read, against `options.maxStacks`, and their resources, against `options.maxResources`; `full` once a limit was reported */
  loaded: number;
  resources: number;
  full: boolean;
}

/** A file or folder that a manifest or template names, as written, and how to make an error located where it is named. */
interface Reference {
  /** e.g. `the template of artifact Orders` */
  readonly what: string;
  readonly name: string;
  readonly error: (message: string) => InputError;
}

/**
 * Reads the assembly in `dir`. `display` turns absolute paths into the paths shown in findings. Throws an
 * {@link InputError} only when the top manifest itself cannot be read.
 */
export function readCloudAssembly(
  dir: string,
  options: LoadOptions = {},
  display: (p: string) => string = (p) => p,
): AssemblyResult {
  const top = path.resolve(dir);
  let realTop = top;
  try {
    if (!options.ownOutput) realTop = realPath(top);
  } catch (error) {
    throw new InputError(messages.unreadable(describeFsError(error)), display(path.join(top, 'manifest.json')));
  }
  const r: Reading = {
    top,
    realTop,
    options,
    display,
    stacks: [],
    errors: [],
    stageDirs: new Set([realTop]),
    recorded: new Map(),
    loaded: 0,
    resources: 0,
    full: false,
  };
  const manifest = readManifest(r, top);
  readStacks(r, top, manifest, [], [realTop]);
  const inManifest = (document: ParsedDocument, file: string, at: JsonPath): AssemblyLocation => ({
    file,
    position: document.sourceMap.locate(document.value, at),
    path: at,
  });
  const locate = (stack: Stack | undefined, at: JsonPath): AssemblyLocation => {
    // a stack is located where a manifest declares it: for a stack in a Stage, the Stage's own manifest
    if (!stack) return inManifest(manifest, manifest.file, at);
    if (!stack.declaredIn) return inTemplate(stack, at);
    return inManifest(stack.declaredIn.manifest ?? manifest, stack.declaredIn.file, [...stack.declaredIn.path, ...at]);
  };
  return {
    assembly: {
      file: manifest.file,
      stacks: r.stacks,
      wholeApp: true,
      allEnvironments: true,
      scope: 'this cloud assembly',
      describeStacks: stacksOfCloudAssembly,
      locate,
      ...(r.recorded.size > 0 ? { acknowledgements: [...r.recorded.values()] } : {}),
    },
    errors: r.errors,
  };
}

function readManifest(r: Reading, dir: string): ParsedDocument {
  const file = path.join(dir, 'manifest.json');
  const shown = r.display(file);
  const real = resolveInside(r, dir, {
    what: 'the manifest of this folder',
    name: 'manifest.json',
    error: (message) => new InputError(message, shown),
  });
  if (real instanceof InputError) throw real;
  const parsed = readJsonDocument(real, shown, r.options);
  const root = parsed.value;
  if (!isPlainObject(root) || !isPlainObject(root.artifacts ?? {})) {
    throw new InputError(messages.manifest('expected an object with "artifacts"'), shown, { line: 1, column: 1 });
  }
  return parsed;
}

/**
 * The real path of `abs` when it is inside the assembly; undefined when it leads out of it. The manifests and
 * templates of an assembly name files by relative path: one that leads outside (`../../etc/passwd`) is refused
 * without touching it, and one that a symbolic link leads outside is refused before it is opened. Throws what
 * resolving the path throws (it does not exist). In the app's own output ({@link LoadOptions.ownOutput}), the path as
 * named.
 */
function containedPath(r: Reading, abs: string): string | undefined {
  if (!isWithin(r.top, abs)) return undefined;
  if (r.options.ownOutput) return abs;
  const real = realPath(abs);
  return isWithin(r.realTop, real) ? real : undefined;
}

/** The real path of what `ref` names from `dir`, to read, or the input error that says why it is not read. */
function resolveInside(r: Reading, dir: string, ref: Reference): string | InputError {
  const abs = path.resolve(dir, ref.name);
  try {
    return containedPath(r, abs) ?? ref.error(messages.outsideAssembly(ref.what, ref.name));
  } catch (error) {
    return new InputError(messages.unreadable(describeFsError(error)), r.display(abs));
  }
}

/** Makes errors located at `at` in a manifest. */
function inManifest(manifest: ParsedDocument, at: JsonPath): (message: string) => InputError {
  return (message) => new InputError(message, manifest.file, manifest.sourceMap.locate(manifest.value, at));
}

/** Reads the stacks and Stages of the manifest of `dir`; `chain` holds the real paths of the folders from the top down to it. */
function readStacks(
  r: Reading,
  dir: string,
  manifest: ParsedDocument,
  stages: readonly string[],
  chain: readonly string[],
): void {
  const root = manifest.value as Record<string, unknown>;
  const artifacts = (root.artifacts ?? {}) as Record<string, unknown>;
  readRecordedAcknowledgements(r, dir);
  // sorted, so that output does not depend on the order CDK wrote the manifest in
  for (const id of Object.keys(artifacts).sort()) {
    const artifact = artifacts[id];
    if (!isPlainObject(artifact)) continue;
    const props = isPlainObject(artifact.properties) ? artifact.properties : {};
    const malformed = (): InputError =>
      inManifest(manifest, ['artifacts', id])(messages.manifest(`artifact ${id} is malformed`));
    if (artifact.type === STACK) {
      if (typeof props.templateFile !== 'string') {
        r.errors.push(malformed());
        continue;
      }
      const environment = parseEnvironment(artifact.environment);
      const stackName = typeof props.stackName === 'string' ? props.stackName : id;
      const stack = {
        id,
        stackName,
        constructPath: typeof artifact.displayName === 'string' ? artifact.displayName : undefined,
        environment,
        stages,
        tags: stringRecord(props.tags),
        terminationProtection:
          typeof props.terminationProtection === 'boolean' ? props.terminationProtection : undefined,
        declaredIn: { file: manifest.file, path: ['artifacts', id], manifest },
      };
      const ref = {
        what: `the template of artifact ${id}`,
        name: props.templateFile,
        error: inManifest(manifest, ['artifacts', id, 'properties', 'templateFile']),
      };
      const metadata = readMetadataEntries(
        artifact,
        dir,
        r.display,
        (file) => readable(r, file),
        r.options.maxFileBytes,
        r.options.ownOutput,
      );
      // read into the stack's constructs: the manifest is kept to locate findings in, and in a large app its
      // metadata is most of it (the key stays, with its position)
      artifact.metadata = undefined;
      loadStack(r, dir, ref, stack, metadata, []);
    } else if (artifact.type === NESTED_ASSEMBLY) {
      const directoryName = props.directoryName;
      if (typeof directoryName !== 'string' || chain.length > MAX_STAGE_DEPTH) {
        r.errors.push(malformed());
        continue;
      }
      const ref = {
        what: `the folder of artifact ${id}`,
        name: directoryName,
        error: inManifest(manifest, ['artifacts', id, 'properties', 'directoryName']),
      };
      const real = resolveInside(r, dir, ref);
      if (real instanceof InputError) {
        r.errors.push(real);
        continue;
      }
      if (chain.includes(real) || r.stageDirs.has(real)) {
        r.errors.push(
          ref.error((chain.includes(real) ? messages.assemblyCycle : messages.stageReadTwice)(ref.what, ref.name)),
        );
        continue;
      }
      r.stageDirs.add(real);
      const stageDir = path.resolve(dir, directoryName);
      const name =
        typeof props.displayName === 'string'
          ? props.displayName.split('/').pop()!
          : directoryName.replace(/^assembly-/, '');
      try {
        readStacks(r, stageDir, readManifest(r, stageDir), [...stages, name], [...chain, real]);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        r.errors.push(error);
      }
    }
  }
}

/**
 * The acknowledgements the CDK integrations recorded in `dir` ({@link RECORDED_ACKNOWLEDGEMENTS}). Like metadata they
 * are supplementary: a file that is not inside the assembly is left out; one that is malformed is an input error.
 */
function readRecordedAcknowledgements(r: Reading, dir: string): void {
  const file = path.join(dir, RECORDED_ACKNOWLEDGEMENTS);
  if (!existsSync(file) || !readable(r, file)) return;
  const shown = r.display(file);
  try {
    const document = parseDocument(readText(file, r.options.maxFileBytes, shown), shown, 'json', r.options.limits);
    const list = isPlainObject(document.value) ? document.value.acknowledgements : undefined;
    if (!Array.isArray(list)) throw new InputError(messages.recordedAcknowledgements(), shown, { line: 1, column: 1 });
    list.forEach((entry: unknown, i) => {
      const { id, reason, at } = isPlainObject(entry) ? entry : {};
      if (typeof id !== 'string' || typeof reason !== 'string' || typeof at !== 'string') {
        const position = document.sourceMap.locate(document.value, ['acknowledgements', i]);
        throw new InputError(messages.recordedAcknowledgements(), shown, position);
      }
      const rule = acknowledgedRule(id);
      if (rule) r.recorded.set(`${rule.id}\u0000${at}`, { ...rule, reason, at });
    });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    r.errors.push(error);
  }
}

/** Metadata is supplementary: a file of it that is not inside the assembly is left out, without an error. */
function readable(r: Reading, file: string): boolean {
  try {
    return containedPath(r, file) !== undefined;
  } catch {
    return false;
  }
}

type StackBase = Omit<Stack, 'template' | 'constructs' | 'frameworkResources' | 'acknowledgements'>;

/**
 * Reads the stack whose template `ref` names from `dir`, then its nested stacks. `chain` holds the real paths
 * of the templates of the stacks that hold it: a nested stack whose template is one of them is a cycle.
 */
function loadStack(
  r: Reading,
  dir: string,
  ref: Reference,
  base: StackBase,
  metadata: readonly MetadataEntry[],
  chain: readonly string[],
): void {
  const real = resolveInside(r, dir, ref);
  if (real instanceof InputError) {
    r.errors.push(real);
    return;
  }
  if (chain.includes(real)) {
    r.errors.push(ref.error(messages.assemblyCycle(ref.what, ref.name)));
    return;
  }
  const max = r.options.maxStacks ?? DEFAULT_MAX_STACKS;
  if (r.loaded >= max) {
    if (!r.full) r.errors.push(ref.error(messages.tooManyStacks(max)));
    r.full = true;
    return;
  }
  r.loaded++;
  const shown = r.display(path.resolve(dir, ref.name));
  const { options } = r;
  const parameters: Record<string, string> = { ...(options.parameters ?? {}) };
  if (base.environment.region) parameters['AWS::Region'] = base.environment.region;
  if (base.environment.account) parameters['AWS::AccountId'] = base.environment.account;
  if (base.stackName && !base.parent) parameters['AWS::StackName'] = base.stackName;
  let template;
  try {
    template = loadTemplate(real, {
      ...options,
      displayName: shown,
      parameters,
      explicit: true,
      synthesized: true,
    });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    r.errors.push(error);
    return;
  }
  if (!template) return;
  const maxResources = r.options.maxResources ?? DEFAULT_MAX_ASSEMBLY_RESOURCES;
  r.resources += template.resources.size;
  if (r.resources > maxResources) {
    if (!r.full) r.errors.push(ref.error(messages.tooManyResources(maxResources)));
    r.full = true;
    return;
  }
  // nested stacks: found through the parent's AWS::CloudFormation::Stack resources and their asset path
  const byLogicalId = new Map(
    metadata
      .filter((e) => e.logicalId && base.constructPath && e.path.startsWith(`${base.constructPath}/`))
      .map((e) => [e.logicalId!, e.path]),
  );
  const nested: { base: StackBase; ref: Reference }[] = [];
  for (const resource of template.resourcesOfType('AWS::CloudFormation::Stack')) {
    const assetPath = resource.metadata?.['aws:asset:path'];
    if (typeof assetPath !== 'string' || !/\.template\.json$/.test(assetPath)) continue;
    if (chain.length >= MAX_STAGE_DEPTH) {
      r.errors.push(
        new InputError(
          messages.nestedTooDeep(resource.logicalId, MAX_STAGE_DEPTH),
          template.file,
          template.locateInResource(resource, ['Metadata', 'aws:asset:path']),
        ),
      );
      continue;
    }
    const resourcePath = byLogicalId.get(resource.logicalId) ?? resource.constructPath;
    nested.push({
      ref: {
        what: `the template of nested stack ${resource.logicalId}`,
        name: assetPath,
        error: (message) =>
          new InputError(message, template.file, template.locateInResource(resource, ['Metadata', 'aws:asset:path'])),
      },
      base: {
        ...base,
        id: `${base.id}/${resource.logicalId}`,
        // CDK names the resource `Parent/Child.NestedStack/Child.NestedStackResource`; the nested stack is `Parent/Child`
        constructPath: resourcePath?.replace(/\.NestedStack\/[^/]*\.NestedStackResource$/, '') ?? base.constructPath,
        parent: base.id,
      },
    });
  }
  const nestedPaths = nested
    .map((n) => n.base.constructPath)
    .filter((p): p is string => p !== undefined && p !== base.constructPath);
  const { constructs, framework } = base.constructPath
    ? stackConstructs(metadata, base.constructPath, nestedPaths)
    : { constructs: undefined, framework: undefined };
  const acknowledgements = base.constructPath ? stackAcknowledgements(metadata, base.constructPath, nestedPaths) : [];
  // the stack's own entry: where the app created it, for findings about the whole stack
  const source = base.constructPath ? metadata.find((e) => e.path === base.constructPath)?.source : undefined;
  r.stacks.push({
    ...base,
    ...(source ? { source } : {}),
    template,
    ...(constructs ? { constructs, frameworkResources: framework } : {}),
    ...(acknowledgements.length > 0 ? { acknowledgements } : {}),
  });
  for (const n of nested) loadStack(r, dir, n.ref, n.base, metadata, [...chain, real]);
}

/** `aws://123456789012/eu-west-1` → `{ account, region }`; `unknown-account` / `unknown-region` stay undefined. */
export function parseEnvironment(value: unknown): Environment {
  const m = typeof value === 'string' ? /^aws:\/\/([^/]*)\/(.*)$/.exec(value) : null;
  if (!m) return {};
  const concrete = (v: string, placeholder: string): string | undefined =>
    v === '' || v === placeholder || v.includes('${') ? undefined : v;
  return { account: concrete(m[1], 'unknown-account'), region: concrete(m[2], 'unknown-region') };
}

function stringRecord(value: unknown): Record<string, string> {
  if (!isPlainObject(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}
