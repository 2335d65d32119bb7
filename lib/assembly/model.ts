/**
 * What the engine scans: an assembly of stacks. A cloud assembly (`cdk.out`) has many stacks, with their
 * environments and Stages; a lone template file is an assembly of one stack with no environment.
 */
import type { Template } from '../template/model';
import { isFrameworkPath, type ConstructInfo } from './cdk-metadata';
import type { ParsedDocument } from '../template/parse';
import type { JsonPath } from '../template/path';

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
  readonly environment: Environment;
  /** Stage names from the app down to the stack, e.g. `['Prod']`; empty for stacks at the app level */
  readonly stages: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly terminationProtection?: boolean;
  readonly template: Template;
  /** for a nested stack: the id of the stack that holds it */
  readonly parent?: string;
  /**
   * where the stack is declared: manifest.json and the artifact's path in it (cloud assembly only); for a
   * stack in a Stage, the Stage's own manifest, parsed, to locate findings in it
   */
  readonly declaredIn?: { readonly file: string; readonly path: JsonPath; readonly manifest?: ParsedDocument };
  /** synthesized stacks: each resource's construct path and the source line that created it, by logical id */
  readonly constructs?: ReadonlyMap<string, ConstructInfo>;
  /** synthesized stacks: resources the CDK creates for itself (custom resource providers); they are not checked */
  readonly frameworkResources?: ReadonlySet<string>;
}

/** What rules run over: a cloud assembly's stacks, or a lone template as an assembly of one stack. */
export interface Assembly {
  readonly kind: 'cloud-assembly' | 'template';
  /** the cloud assembly's manifest.json, or the template file */
  readonly file: string;
  readonly stacks: readonly Stack[];
  /** the parsed manifest.json (cloud assembly only), to locate findings about stacks and the app */
  readonly manifest?: ParsedDocument;
}

/** `aws://ACCOUNT/REGION` as the CDK writes it, with its placeholders for unknown parts. */
export function formatEnvironment(env: Environment): string {
  return `aws://${env.account ?? 'unknown-account'}/${env.region ?? 'unknown-region'}`;
}

/** An assembly of one template with no environment, for a template scanned on its own. */
export function singleTemplateAssembly(template: Template): Assembly {
  // a template CDK synthesized, scanned on its own: its own resources still come from their construct paths
  const framework = new Set([...template.resources.values()].filter((r) => r.constructPath && isFrameworkPath(r.constructPath)).map((r) => r.logicalId));
  return {
    kind: 'template',
    file: template.file,
    stacks: [{ id: template.file, environment: {}, stages: [], tags: {}, template, ...(framework.size > 0 ? { frameworkResources: framework } : {}) }],
  };
}
