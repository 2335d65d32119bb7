/**
 * What the engine scans: an assembly of stacks. A cloud assembly (`cdk.out`) has many stacks, with their
 * environments and Stages; a lone template file is an assembly of one stack with no environment; the deployed
 * stacks of one scan are an assembly of stacks with their account, region and stack properties.
 */
import type { Resource, Template } from '../template/model';
import type { Acknowledgement, ConstructInfo } from './cdk-metadata';
import type { ParsedDocument } from '../template/parse';
import type { JsonPath } from '../template/path';
import type { Position } from '../template/source';

/** `aws://ACCOUNT/REGION`, split; `undefined` parts are unknown (`unknown-account`, `unknown-region`). */
export interface Environment {
  readonly account?: string;
  readonly region?: string;
}

/** One stack of an assembly: its template, environment, Stages and tags. */
export interface Stack {
  /** the artifact id (cloud assembly) or the file name (lone template) */
  readonly id: string;
  /** the CloudFormation stack name, when known */
  readonly stackName?: string;
  /** the construct path of the stack (cloud assembly) */
  readonly constructPath?: string;
  /** the user code that created the stack, `file:line:column`, when the cloud assembly recorded its creation stack */
  readonly source?: string;
  readonly environment: Environment;
  /** Stage names from the app down to the stack, e.g. `['Prod']`; empty for stacks at the app level */
  readonly stages: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly terminationProtection?: boolean;
  readonly template: Template;
  /** for a nested stack: the id of the stack that holds it */
  readonly parent?: string;
  /**
   * where the stack is declared: manifest.json and the artifact's path in it (cloud assembly); for a stack in
   * a Stage, the Stage's own manifest, parsed, to locate findings in it; for a deployed stack, the stack itself
   * (`stack://<region>/<name>`, path `[]`). Absent for a lone template, which is not a stack yet.
   */
  readonly declaredIn?: { readonly file: string; readonly path: JsonPath; readonly manifest?: ParsedDocument };
  /** synthesized stacks: each resource's construct path and the source line that created it, by logical id */
  readonly constructs?: ReadonlyMap<string, ConstructInfo>;
  /** cloud assembly and CDK aspect: resources its metadata says the CDK creates for itself (their role is cdk-internal) */
  readonly frameworkResources?: ReadonlySet<string>;
  /**
   * cloud assembly: the opslint rules acknowledged on the stack or on constructs in it (its nested stacks have
   * their own); absent when there are none
   */
  readonly acknowledgements?: readonly Acknowledgement[];
}

/**
 * What rules run over: a cloud assembly's stacks, a lone template as an assembly of one stack, or the deployed
 * stacks of one scan. The source that read it decides what only it knows: whether the stacks are a whole app,
 * how a message names several of them, and where a finding about the app or a whole stack is located. Nothing
 * downstream asks which source it was.
 */
export interface Assembly {
  /** the cloud assembly's manifest.json, the template file, or the region of deployed stacks (`stack://<region>`) */
  readonly file: string;
  readonly stacks: readonly Stack[];
  /**
   * whether the stacks are a whole app, so that app-level rules are enforced: a cloud assembly, the deployed stacks
   * of a scan (an app as far as one account and region show it); not a lone template
   */
  readonly wholeApp: boolean;
  /**
   * whether every environment the app deploys to is in sight (a cloud assembly); deployed stacks are those of one
   * account and region, a lone template has none
   */
  readonly allEnvironments: boolean;
  /** how a message names all of it: `this cloud assembly`, `the stacks scanned`, `this template` */
  readonly scope: string;
  /** how a message names `count` of its stacks: `3 stacks of this cloud assembly`, `3 stacks scanned` */
  readonly describeStacks: (count: number) => string;
  /**
   * where a finding about the whole app (`stack` undefined) or about a whole stack is located, at `path` within
   * it: in manifest.json, in a template, or at the region of deployed stacks
   */
  readonly locate: (stack: Stack | undefined, path: JsonPath) => AssemblyLocation;
  /**
   * cloud assembly: the opslint rules acknowledged above its stacks (on a Stage or the App), as the CDK integrations
   * recorded them during synthesis; absent when there are none
   */
  readonly acknowledgements?: readonly Acknowledgement[];
}

/** A place in an assembly's documents: the file (or the source's URI), the position, and the document path. */
export interface AssemblyLocation {
  readonly file: string;
  readonly position: Position;
  readonly path: JsonPath;
}

/** A place in a stack's own template. */
export function inTemplate(stack: Stack, path: JsonPath): AssemblyLocation {
  return { file: stack.template.file, position: stack.template.locate(path), path };
}

/** `aws://ACCOUNT/REGION` as the CDK writes it, with its placeholders for unknown parts. */
export function formatEnvironment(env: Environment): string {
  // one string per stack's environment, shared by the stack's findings
  let text = ENVIRONMENTS.get(env);
  if (text === undefined) {
    text = `aws://${env.account ?? 'unknown-account'}/${env.region ?? 'unknown-region'}`;
    ENVIRONMENTS.set(env, text);
  }
  return text;
}

const ENVIRONMENTS = new WeakMap<Environment, string>();

/** The name users know a stack by: its CloudFormation stack name, or else its id. */
export function stackLabel(stack: Stack): string {
  return stack.stackName ?? stack.id;
}

/** The stacks a user deploys (nested stacks belong to their parent). */
export function topLevelStacks(assembly: Assembly): Stack[] {
  return assembly.stacks.filter((s) => s.parent === undefined);
}

/** How a message names a resource: its construct path in a synthesized stack (`Prod/Orders/Api`), else its logical id. */
export function resourceLabel(resource: Resource, stack?: Stack): string {
  const path = stack?.constructs?.get(resource.logicalId)?.path ?? resource.constructPath;
  return path !== undefined ? constructLabel(path) : resource.logicalId;
}

/** A construct path as the user named it: without the `Resource` or `Default` that L2 constructs give their L1. */
export function constructLabel(path: string): string {
  return path.replace(/\/(Resource|Default)$/, '');
}

/** How a message names several stacks of an assembly (its source decides: see {@link Assembly.describeStacks}). */
export function severalStacks(assembly: Assembly, count: number): string {
  return assembly.describeStacks(count);
}

/** `3 stacks of this cloud assembly`: how a cloud assembly, or a template with no app around it, names its stacks. */
export function stacksOfCloudAssembly(count: number): string {
  return `${count} stacks of this cloud assembly`;
}

/** An assembly of one template with no environment, for a template scanned on its own. */
export function singleTemplateAssembly(template: Template): Assembly {
  // the CDK's own resources of a synthesized template are known from their construct paths (lib/semantics/roles.ts)
  return loneStackAssembly({ id: template.file, environment: {}, stages: [], tags: {}, template });
}

/** An assembly of one stack that is not a whole app (a lone template, a stack the CDK aspect checks): every location is in its template. */
export function loneStackAssembly(stack: Stack): Assembly {
  return {
    file: stack.template.file,
    stacks: [stack],
    wholeApp: false,
    allEnvironments: false,
    scope: 'this template',
    describeStacks: stacksOfCloudAssembly,
    locate: (s, path) => inTemplate(s ?? stack, path),
  };
}
