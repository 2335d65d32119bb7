/**
 * The CDK app being synthesized, as assemblies: the stacks a validation plugin is shown (read from the cloud
 * assembly the app is writing), or one stack an aspect checks (its template as the CDK will write it, read from
 * the construct tree). File names are absolute: the app's output folder is not where `cdk synth` runs.
 */
import * as path from 'node:path';
import { CfnElement, Stack, Stage, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { isFrameworkConstruct, type ConstructInfo } from '../assembly/cdk-metadata';
import { loneStackAssembly, type Assembly } from '../assembly/model';
import { readCloudAssembly } from '../assembly/read';
import type { Reading } from '../sources/source';
import { Template } from '../template/model';
import { SourceMap } from '../template/source';

const FRAMEWORK_MARKER = 'aws:cdk:is-custom-resource-handler-';

/**
 * The stacks of a synthesized app whose templates are in `templatePaths` (a plugin registered on a Stage sees only
 * that Stage's stacks), with their nested stacks, as one assembly.
 */
export function synthesizedStacks(
  app: IConstruct,
  templatePaths: readonly string[],
  parameters?: Readonly<Record<string, string>>,
): Reading & { readonly assembly: Assembly } {
  const outdir = (app as unknown as { outdir: string }).outdir;
  // written by this process just now: read without positions (findings are shown at their constructs)
  const { assembly: whole, errors } = readCloudAssembly(outdir, { parameters, ownOutput: true });
  const wanted = new Set(templatePaths.map((p) => path.resolve(p)));
  const ids = new Set(whole.stacks.filter((s) => wanted.has(path.resolve(s.template.file))).map((s) => s.id));
  // nested stacks follow their parent (listed after it)
  for (const s of whole.stacks) if (s.parent && ids.has(s.parent)) ids.add(s.id);
  return { assembly: { ...whole, stacks: whole.stacks.filter((s) => ids.has(s.id)) }, errors };
}

/** One stack of the app, from its final template, with each resource's construct and the CDK's own resources marked. */
export function stackInTree(
  stack: Stack,
  parameters?: Readonly<Record<string, string>>,
): { readonly assembly: Assembly; readonly elements: ReadonlyMap<string, CfnElement> } {
  const elements = new Map<string, CfnElement>();
  const markers: string[] = [];
  for (const c of stack.node.findAll()) {
    if (c.node.metadata.some((m) => m.type.startsWith(FRAMEWORK_MARKER))) markers.push(c.node.path);
    if (CfnElement.isCfnElement(c) && Stack.of(c) === stack) elements.set(stack.resolve(c.logicalId) as string, c);
  }
  const constructs = new Map<string, ConstructInfo>();
  const framework = new Set<string>();
  for (const [id, el] of elements) {
    constructs.set(id, { path: el.node.path });
    if (isFrameworkConstruct(el.node.path, stack.node.path, markers)) framework.add(id);
  }
  // the template as CDK will write it (internal API, stable across CDK 2: what the synthesizer itself calls), as
  // JSON values; no file holds it yet, so it has no positions (its findings are shown at their constructs)
  const document = (stack as unknown as { _toCloudFormation(): unknown })._toCloudFormation();
  const file = `${stack.node.path}.template.json`;
  const value: unknown = JSON.parse(JSON.stringify(document));
  const template = Template.from(
    { file, format: 'json', value, sourceMap: new SourceMap() },
    { explicit: true, synthesized: true, parameters },
  )!;
  // what the cloud assembly would say of the stack: rules judge its environment, Stages and tags (a development
  // stack needs no deletion protection)
  const known = (value: string): string | undefined => (Token.isUnresolved(value) ? undefined : value);
  const stages: string[] = [];
  for (let s = Stage.of(stack); s?.node.scope; s = Stage.of(s.node.scope)) stages.unshift(s.node.id);
  const assembly = loneStackAssembly({
    id: stack.node.path,
    stackName: stack.stackName,
    constructPath: stack.node.path,
    environment: { account: known(stack.account), region: known(stack.region) },
    stages,
    tags: stack.tags.tagValues(),
    template,
    constructs,
    frameworkResources: framework,
  });
  return { assembly, elements };
}
