/**
 * Shared by the environment rules: which stacks of a cloud assembly count, what environment each one
 * targets, and whether its names and tags say it is production or not. Not a rule.
 */
import { formatEnvironment, type Assembly, type Stack } from '../../lib/rule';

/** Matches prod, production, prd as a word: `Prod`, `orders-prod`, `OrdersProd`; not `product` or `reproduce`. */
export const DEFAULT_PRODUCTION_PATTERN = '(^|[^a-z])(prod|production|prd)([^a-z]|$)';
/** Matches the usual names of the environments before production, including pre-prod and non-prod. */
export const DEFAULT_NON_PRODUCTION_PATTERN =
  '(^|[^a-z])(dev|development|test|testing|qa|uat|staging|stg|sandbox|(pre|non)[-_]?(prod|production))([^a-z]|$)';
export const DEFAULT_ENVIRONMENT_TAG_KEYS: readonly string[] = ['Environment', 'Stage', 'Env'];

export const PATTERN_DOCS = {
  productionPattern:
    'Regular expression (source, matched ignoring case) that marks a Stage name, stack name, artifact id or environment tag value as production. CamelCase names are split first, so OrdersProd is read as Orders-Prod.',
  nonProductionPattern:
    'Regular expression (source, matched ignoring case) that marks a name or tag value as an environment before production; it is tried first, so pre-prod and non-prod are never production.',
  environmentTagKeys:
    'Stack tag keys (compared ignoring case) whose values name the environment, such as Environment=production.',
} as const;

export const PATTERN_SCHEMA = {
  productionPattern: { type: 'string', format: 'regex' },
  nonProductionPattern: { type: 'string', format: 'regex' },
  environmentTagKeys: { type: 'array', items: { type: 'string' } },
} as const;

/** The stacks a cloud assembly deploys, or the deployed stacks scanned; nested stacks share their parent's environment and are left out. */
export function deployedStacks(assembly: Assembly): Stack[] {
  return assembly.wholeApp ? assembly.stacks.filter((s) => s.parent === undefined) : [];
}

/** One key per environment: the Stage path for stacks in a Stage, the account/region pair for the others. */
export function environmentKey(stack: Stack): string {
  return stack.stages.length > 0 ? `stage:${stack.stages.join('/')}` : `env:${formatEnvironment(stack.environment)}`;
}

/** How an environment key reads in a message. */
export function describeEnvironment(stack: Stack): string {
  if (stack.stages.length > 0) return `Stage ${stack.stages.join('/')}`;
  const { account, region } = stack.environment;
  return account === undefined && region === undefined
    ? 'environment-agnostic, aws://unknown-account/unknown-region'
    : formatEnvironment(stack.environment);
}

export type EnvironmentKind = 'production' | 'non-production';

export interface Classification {
  readonly kind: EnvironmentKind;
  /** what gave it away, for messages: `Stage Prod`, `stack name orders-prd`, `tag Environment=production` */
  readonly reason: string;
}

export interface ClassifyOptions {
  readonly productionPattern: string;
  readonly nonProductionPattern: string;
  readonly environmentTagKeys: readonly string[];
}

/** The deployed stacks classified as production, with what gave each away. */
export function productionStacks(assembly: Assembly, options: ClassifyOptions): { stack: Stack; reason: string }[] {
  const stacks = deployedStacks(assembly);
  if (stacks.length === 0) return [];
  const classify = classifier(options);
  return stacks.flatMap((stack) => {
    const c = classify(stack);
    return c?.kind === 'production' ? [{ stack, reason: c.reason }] : [];
  });
}

/** Compiles the patterns once per rule run, and classifies each stack once (rules ask for each of its resources). */
export function classifier(options: ClassifyOptions): (stack: Stack) => Classification | undefined {
  const production = new RegExp(options.productionPattern, 'i');
  const nonProduction = new RegExp(options.nonProductionPattern, 'i');
  const tagKeys = new Set(options.environmentTagKeys.map((k) => k.toLowerCase()));
  const kindOf = (text: string): EnvironmentKind | undefined => environmentKind(text, production, nonProduction);
  const known = new Map<Stack, Classification | undefined>();
  return (stack) => {
    if (!known.has(stack)) known.set(stack, classify(stack));
    return known.get(stack);
  };
  function classify(stack: Stack): Classification | undefined {
    // the most explicit signal first: an environment tag, then the Stages from the innermost out, then the names
    const sources: [string, string][] = [];
    for (const key of Object.keys(stack.tags).sort()) {
      if (tagKeys.has(key.toLowerCase())) sources.push([stack.tags[key], `tag ${key}=${stack.tags[key]}`]);
    }
    for (const stage of [...stack.stages].reverse()) sources.push([stage, `Stage ${stage}`]);
    if (stack.stackName !== undefined) sources.push([stack.stackName, `stack name ${stack.stackName}`]);
    if (stack.id !== stack.stackName) sources.push([stack.id, `stack id ${stack.id}`]);
    for (const [text, reason] of sources) {
      const kind = kindOf(text);
      if (kind) return { kind, reason };
    }
    return undefined;
  }
}

/** What a name says of its environment, by its words (`ProdEu` → production); a non-production word wins. */
export function environmentKind(text: string, production: RegExp, nonProduction: RegExp): EnvironmentKind | undefined {
  const words = splitWords(text);
  if (nonProduction.test(words)) return 'non-production';
  return production.test(words) ? 'production' : undefined;
}

/**
 * The capital before a capitalised word, in a run of capitals (`PRODOrders`); as `([A-Z]+)([A-Z][a-z])` it took
 * a time that grows with the square of a long run of capitals.
 */
const UPPER_THEN_WORD = /([A-Z])(?=[A-Z][a-z])/g;

/** `OrdersProd` → `Orders-Prod`, `PRODOrders` → `PROD-Orders`: camelCase words apart, so word patterns see them. */
export function splitWords(text: string): string {
  return text.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(UPPER_THEN_WORD, '$1-');
}
