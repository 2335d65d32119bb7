/**
 * Reads a cloud assembly (`cdk.out`): manifest.json, its stack artifacts, nested Stage assemblies
 * (`cdk:cloud-assembly` artifacts, recursively) and nested stacks (`*.nested.template.json`, found through
 * the parent's `AWS::CloudFormation::Stack` resources), into one {@link Assembly}.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { InputError, messages } from '../template/errors';
import { isPlainObject } from '../template/intrinsics';
import { readText, templateFromText, type LoadOptions } from '../template/load';
import { parseDocument, type ParsedDocument } from '../template/parse';
import type { JsonPath } from '../template/path';
import { readMetadataEntries, stackConstructs, type MetadataEntry } from './cdk-metadata';
import type { Assembly, Environment, Stack } from './model';

const STACK = 'aws:cloudformation:stack';
const NESTED_ASSEMBLY = 'cdk:cloud-assembly';
const MAX_STAGE_DEPTH = 16;

export interface AssemblyResult {
  readonly assembly: Assembly;
  /** stacks that could not be read; the others are in the assembly */
  readonly errors: readonly InputError[];
}

/** True when `dir` holds a cloud assembly manifest. */
export function isCloudAssembly(dir: string): boolean {
  return existsSync(path.join(dir, 'manifest.json'));
}

/**
 * Reads the assembly in `dir`. `display` turns absolute paths into the paths shown in findings. Throws an
 * {@link InputError} only when the top manifest itself cannot be read.
 */
export function readCloudAssembly(dir: string, options: LoadOptions = {}, display: (p: string) => string = (p) => p): AssemblyResult {
  const errors: InputError[] = [];
  const stacks: Stack[] = [];
  const top = readManifest(path.join(dir, 'manifest.json'), display, options);
  readStacks(dir, dir, top, [], stacks, errors, options, display, 0);
  return { assembly: { kind: 'cloud-assembly', file: top.file, stacks, manifest: top }, errors };
}

function readManifest(file: string, display: (p: string) => string, options: LoadOptions): ParsedDocument {
  const shown = display(file);
  const parsed = parseDocument(readText(file, options.maxFileBytes, shown), shown, 'json', options.limits);
  const root = parsed.value;
  if (!isPlainObject(root) || !isPlainObject(root.artifacts ?? {})) {
    throw new InputError(messages.manifest('expected an object with "artifacts"'), shown, { line: 1, column: 1 });
  }
  return parsed;
}

/**
 * Whether `file` is inside the assembly folder `root`. The manifests and templates of an assembly name files
 * by relative path; one that leads outside it (`../../etc/passwd`) is not read.
 */
function inside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

function readStacks(
  top: string,
  dir: string,
  manifest: ParsedDocument,
  stages: readonly string[],
  stacks: Stack[],
  errors: InputError[],
  options: LoadOptions,
  display: (p: string) => string,
  depth: number,
): void {
  const root = manifest.value as Record<string, unknown>;
  const artifacts = (root.artifacts ?? {}) as Record<string, unknown>;
  // sorted, so that output does not depend on the order CDK wrote the manifest in
  for (const id of Object.keys(artifacts).sort()) {
    const artifact = artifacts[id];
    if (!isPlainObject(artifact)) continue;
    const props = isPlainObject(artifact.properties) ? artifact.properties : {};
    const at = (): InputError =>
      new InputError(messages.manifest(`artifact ${id} is malformed`), manifest.file, manifest.sourceMap.locate(root, ['artifacts', id]));
    if (artifact.type === STACK) {
      if (typeof props.templateFile !== 'string') {
        errors.push(at());
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
        terminationProtection: typeof props.terminationProtection === 'boolean' ? props.terminationProtection : undefined,
        declaredIn: { file: manifest.file, path: ['artifacts', id], manifest },
      };
      if (!inside(top, path.resolve(dir, props.templateFile))) {
        errors.push(outside(`the template of artifact ${id}`, props.templateFile, manifest, ['artifacts', id, 'properties', 'templateFile']));
        continue;
      }
      const metadata = readMetadataEntries(artifact, dir, display, (file) => inside(top, file), options.maxFileBytes);
      loadStack(top, dir, props.templateFile, stack, metadata, stacks, errors, options, display, 0);
    } else if (artifact.type === NESTED_ASSEMBLY) {
      const directoryName = props.directoryName;
      if (typeof directoryName !== 'string' || depth >= MAX_STAGE_DEPTH) {
        errors.push(at());
        continue;
      }
      const stageDir = path.resolve(dir, directoryName);
      if (!inside(top, stageDir)) {
        errors.push(outside(`the folder of artifact ${id}`, directoryName, manifest, ['artifacts', id, 'properties', 'directoryName']));
        continue;
      }
      const name = typeof props.displayName === 'string' ? props.displayName.split('/').pop()! : directoryName.replace(/^assembly-/, '');
      try {
        readStacks(top, stageDir, readManifest(path.join(stageDir, 'manifest.json'), display, options), [...stages, name], stacks, errors, options, display, depth + 1);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        errors.push(error);
      }
    }
  }
}

type StackBase = Omit<Stack, 'template' | 'constructs' | 'frameworkResources'>;

function loadStack(
  top: string,
  dir: string,
  templateFile: string,
  base: StackBase,
  metadata: readonly MetadataEntry[],
  stacks: Stack[],
  errors: InputError[],
  options: LoadOptions,
  display: (p: string) => string,
  nesting: number,
): void {
  const abs = path.resolve(dir, templateFile);
  const shown = display(abs);
  const parameters: Record<string, string> = { ...(options.parameters ?? {}) };
  if (base.environment.region) parameters['AWS::Region'] = base.environment.region;
  if (base.environment.account) parameters['AWS::AccountId'] = base.environment.account;
  if (base.stackName && !base.parent) parameters['AWS::StackName'] = base.stackName;
  let template;
  try {
    template = templateFromText(readText(abs, options.maxFileBytes, shown), shown, { ...options, parameters, explicit: true, synthesized: true });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    errors.push(error);
    return;
  }
  if (!template) return;
  // nested stacks: found through the parent's AWS::CloudFormation::Stack resources and their asset path
  const byLogicalId = new Map(metadata.filter((e) => e.logicalId && base.constructPath && e.path.startsWith(`${base.constructPath}/`)).map((e) => [e.logicalId!, e.path]));
  const nested: { base: StackBase; templateFile: string }[] = [];
  if (nesting < MAX_STAGE_DEPTH) {
    for (const resource of template.resourcesOfType('AWS::CloudFormation::Stack')) {
      const assetPath = resource.metadata?.['aws:asset:path'];
      if (typeof assetPath !== 'string' || !/\.template\.json$/.test(assetPath)) continue;
      if (!inside(top, path.resolve(dir, assetPath))) {
        errors.push(new InputError(messages.outsideAssembly(`the template of nested stack ${resource.logicalId}`, assetPath), template.file, template.locateInResource(resource, ['Metadata', 'aws:asset:path'])));
        continue;
      }
      const resourcePath = byLogicalId.get(resource.logicalId) ?? resource.constructPath;
      nested.push({
        templateFile: assetPath,
        base: {
          ...base,
          id: `${base.id}/${resource.logicalId}`,
          // CDK names the resource `Parent/Child.NestedStack/Child.NestedStackResource`; the nested stack is `Parent/Child`
          constructPath: resourcePath?.replace(/\.NestedStack\/[^/]*\.NestedStackResource$/, '') ?? base.constructPath,
          parent: base.id,
        },
      });
    }
  }
  const { constructs, framework } = base.constructPath
    ? stackConstructs(metadata, base.constructPath, nested.map((n) => n.base.constructPath).filter((p): p is string => p !== undefined && p !== base.constructPath))
    : { constructs: undefined, framework: undefined };
  stacks.push({ ...base, template, ...(constructs ? { constructs, frameworkResources: framework } : {}) });
  for (const n of nested) loadStack(top, dir, n.templateFile, n.base, metadata, stacks, errors, options, display, nesting + 1);
}

function outside(what: string, file: string, manifest: ParsedDocument, at: JsonPath): InputError {
  return new InputError(messages.outsideAssembly(what, file), manifest.file, manifest.sourceMap.locate(manifest.value, at));
}

/** `aws://123456789012/eu-west-1` → `{ account, region }`; `unknown-account` / `unknown-region` stay undefined. */
export function parseEnvironment(value: unknown): Environment {
  const m = typeof value === 'string' ? /^aws:\/\/([^/]*)\/(.*)$/.exec(value) : null;
  if (!m) return {};
  const concrete = (v: string, placeholder: string): string | undefined => (v === '' || v === placeholder || v.includes('${') ? undefined : v);
  return { account: concrete(m[1], 'unknown-account'), region: concrete(m[2], 'unknown-region') };
}

function stringRecord(value: unknown): Record<string, string> {
  if (!isPlainObject(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}
