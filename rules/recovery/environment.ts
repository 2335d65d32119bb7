/**
 * Shared by the recovery and deployment rules (not a rule): which stacks a rule checks, by what their
 * names and tags say about their environment, and whether a setting is safe in some branch of an `Fn::If`.
 */
import { type ResourceContext, type RuleOptions, someValue, UNKNOWN, type JsonPath } from '../../lib/rule';
import {
  classifier,
  DEFAULT_ENVIRONMENT_TAG_KEYS,
  DEFAULT_NON_PRODUCTION_PATTERN,
  DEFAULT_PRODUCTION_PATTERN,
  PATTERN_DOCS,
  PATTERN_SCHEMA,
} from '../environments/classify';

export interface EnvironmentOptions {
  readonly onlyProduction: boolean;
  readonly includeNonProduction: boolean;
  readonly productionPattern: string;
  readonly nonProductionPattern: string;
  readonly environmentTagKeys: readonly string[];
}

/** The options of a rule that looks at a stack's environment, with their defaults. */
export const ENVIRONMENT_OPTIONS = {
  onlyProduction: false as boolean,
  includeNonProduction: false as boolean,
  productionPattern: DEFAULT_PRODUCTION_PATTERN as string,
  nonProductionPattern: DEFAULT_NON_PRODUCTION_PATTERN as string,
  environmentTagKeys: DEFAULT_ENVIRONMENT_TAG_KEYS as readonly string[],
};

export const ENVIRONMENT_OPTIONS_SCHEMA = {
  onlyProduction: { type: 'boolean' },
  includeNonProduction: { type: 'boolean' },
  ...PATTERN_SCHEMA,
} as const;

export const ENVIRONMENT_OPTION_DOCS = {
  onlyProduction:
    'When true, only stacks of a cloud assembly that look like production (by Stage, stack name or environment tag) are checked, so a lone template is never checked. ' +
    'Default false: every stack is checked except those that look like development, test or staging.',
  includeNonProduction:
    'When true, stacks of a cloud assembly that look like development, test or staging are checked too. Default false: those environments may deliberately trade safety for speed and cost.',
  ...PATTERN_DOCS,
} as const;

/**
 * Whether the rule checks the stack of this resource. Only stacks of a cloud assembly are classified: a lone
 * template's "stack" is a file path, which says nothing reliable about its environment.
 */
export function inScope<O extends RuleOptions & EnvironmentOptions>(ctx: ResourceContext<O>): boolean {
  const stack = ctx.stack;
  const kind = stack.declaredIn ? ctx.memo('environment-kind', () => classifier(ctx.options)(stack)?.kind) : undefined;
  if (kind === 'production') return true;
  if (ctx.options.onlyProduction) return false;
  return kind !== 'non-production' || ctx.options.includeNonProduction;
}

/**
 * `true` when some possible value of the setting is safe, `false` when every one is known and none is,
 * `undefined` when none is safe but some cannot be known. Every branch of every `Fn::If` on the way counts,
 * whether or not its condition can be evaluated: templates commonly switch a safety setting per environment
 * (`!If [IsProd, true, false]`), and a setting that is safe in one of its branches shows that the environment
 * that needs it has it.
 */
export function safeSomewhere<O extends RuleOptions>(
  ctx: ResourceContext<O>,
  path: string | JsonPath,
  safe: (value: unknown) => boolean,
): boolean | undefined {
  return someValue(ctx.values(path, { everyBranch: true }), safe);
}

/** The known values of a setting in any branch (for the message), when {@link safeSomewhere} is false. */
export function knownValues<O extends RuleOptions>(ctx: ResourceContext<O>, path: string | JsonPath): unknown[] {
  return ctx.values(path, { everyBranch: true }).filter((v) => v !== UNKNOWN);
}
