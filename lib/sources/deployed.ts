/**
 * Deployed stacks as an {@link Assembly}, so that the engine, reporters, suppressions and the baseline treat
 * them as they treat a cloud assembly. Each stack's template is parsed from the text CloudFormation returned,
 * located at `stack://<region>/<name>`; its environment is the account and region of its ARN; its tags and
 * termination protection are the stack's; its deployed parameter values (and pseudo parameters, notification
 * topics) are the resolver's inputs, winning over `--parameters`. A nested stack is attributed to the stack at
 * the top, as in a cloud assembly. All the stacks of one scan are one assembly: app-level rules see them
 * together.
 */
import { inTemplate, type Assembly, type AssemblyLocation, type Stack } from '../assembly/model';
import type { JsonPath } from '../template/path';
import { InputError } from '../template/errors';
import { templateFromText, type LoadOptions } from '../template/load';
import type { DeployedStack, StackSource } from './cloudformation';
import type { Reader, Source, Unit } from './source';
import { stackLocation } from './location';

export type { StackSource, TemplateStage } from './cloudformation';

export interface DeployedResult {
  /** undefined when no stack could be read */
  readonly assembly?: Assembly;
  /** stacks that could not be parsed, one line each */
  readonly errors: readonly InputError[];
}

/** The stacks `request` asks for, fetched when the scan lists its units (the AWS SDK is loaded only then): one unit, read as one app. */
export function deployedSource(request: StackSource): Source {
  return {
    list: async ({ load }) => {
      // the client (and the AWS SDK it loads) only for a scan that fetches; no answer is read past the largest file read
      const { fetchDeployedStacks } = await import('./cloudformation');
      const fetched = await fetchDeployedStacks({ maxBytes: load.maxFileBytes, ...request });
      const units: Unit<FetchedStacks>[] = [];
      if (fetched.stacks.length > 0) {
        const bytes = (s: DeployedStack): number =>
          s.templateBody.length + s.nested.reduce((sum, n) => sum + bytes(n.stack), 0);
        const data = { stacks: fetched.stacks, region: fetched.region };
        units.push({
          reader: deployedReader.id,
          name: stackLocation(fetched.region ?? fetched.stacks[0].region),
          bytes: fetched.stacks.reduce((sum, s) => sum + bytes(s), 0),
          data,
        });
      }
      return { units, errors: fetched.errors };
    },
  };
}

/** What a deployed source's unit holds: the stacks fetched (plain data), and the region names were looked up in. */
export interface FetchedStacks {
  readonly stacks: readonly DeployedStack[];
  readonly region?: string;
}

/** Reads fetched stacks into one assembly; their deployed parameter values win over `--parameters`. */
export const deployedReader: Reader<FetchedStacks> = {
  id: 'deployed',
  portable: true,
  read: ({ stacks, region }, { load }) => deployedAssembly(stacks, region, load),
};

/** Reads fetched stacks (nested ones after their parent) into one assembly. */
export function deployedAssembly(
  stacks: readonly DeployedStack[],
  region: string | undefined,
  options: LoadOptions = {},
): DeployedResult {
  const out: Stack[] = [];
  const errors: InputError[] = [];
  const add = (deployed: DeployedStack, top: DeployedStack, parent: string | undefined): void => {
    const file = stackLocation(deployed.region, deployed.name);
    const parameters: Record<string, string> = {
      ...options.parameters,
      'AWS::Region': deployed.region,
      'AWS::AccountId': deployed.account,
      'AWS::StackName': deployed.name,
      'AWS::StackId': deployed.arn,
      ...deployed.parameters,
    };
    try {
      const template = templateFromText(deployed.templateBody, file, {
        ...options,
        parameters,
        hiddenParameters: deployed.hiddenParameters,
        notificationArns: deployed.notificationArns,
        explicit: true,
      });
      if (template) {
        out.push({
          id: deployed.arn,
          stackName: top.name,
          environment: { account: deployed.account, region: deployed.region },
          stages: [],
          tags: deployed.tags,
          ...(deployed.terminationProtection !== undefined
            ? { terminationProtection: deployed.terminationProtection }
            : {}),
          template,
          ...(parent !== undefined ? { parent } : {}),
          declaredIn: { file, path: [] },
        });
      }
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      errors.push(error);
    }
    // a nested stack is scanned even when its parent's template could not be read: it was fetched on its own
    for (const n of deployed.nested) add(n.stack, top, deployed.arn);
  };
  for (const s of stacks) add(s, s, undefined);
  if (out.length === 0) return { errors };
  return { assembly: regionAssembly(region ?? out[0].environment.region, out), errors };
}

/**
 * The deployed stacks of one region as an app: all of its stacks that one account and region show. They have no
 * document of the app: a finding about the app is about the region scanned.
 */
export function regionAssembly(region: string | undefined, stacks: readonly Stack[]): Assembly {
  const file = stackLocation(region);
  const locate = (stack: Stack | undefined, at: JsonPath): AssemblyLocation =>
    stack ? inTemplate(stack, at) : { file, position: { line: 1, column: 1 }, path: at };
  return {
    file,
    stacks,
    wholeApp: true,
    allEnvironments: false,
    scope: 'the stacks scanned',
    describeStacks: (count) => `${count} stacks scanned`,
    locate,
  };
}
