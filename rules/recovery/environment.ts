/**
 * Shared by the recovery and deployment rules (not a rule): which stacks a rule checks, by what their
 * names and tags say about their environment, and the values a setting can take across the branches of
 * an `Fn::If`.
 */
import type { ResourceContext, RuleOptions } from '../../lib/engine/rule';
import { asIntrinsic, isPlainObject } from '../../lib/template/intrinsics';
import { parsePath, type JsonPath } from '../../lib/template/path';
import { known, unknown, type Resolved } from '../../lib/template/resolver';
import {
  classifier,
  DEFAULT_ENVIRONMENT_TAG_KEYS,
  DEFAULT_NON_PRODUCTION_PATTERN,
  DEFAULT_PRODUCTION_PATTERN,
  PATTERN_DOCS,
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
 * Every value the setting at `path` can take: each branch of any `Fn::If` on the way is followed, whether or
 * not its condition can be evaluated, and each value is resolved (parameters take their default or given value).
 * Templates commonly switch a safety setting per environment (`!If [IsProd, true, false]`); a setting that is
 * safe in one of its branches shows the environment that needs it has it.
 */
export function possibleValues<O extends RuleOptions>(ctx: ResourceContext<O>, path: string | JsonPath): Resolved[] {
  const segments = parsePath(path);
  const out: Resolved[] = [];
  const walk = (value: unknown, i: number, depth: number): void => {
    if (depth > 32) {
      out.push(unknown('setting nested too deeply'));
      return;
    }
    const fn = asIntrinsic(value);
    if (fn?.name === 'Fn::If' && Array.isArray(fn.arg) && fn.arg.length === 3) {
      walk(fn.arg[1], i, depth + 1);
      walk(fn.arg[2], i, depth + 1);
      return;
    }
    const r = ctx.resolve(value);
    if (!r.known) {
      if (r.alternatives) for (const a of r.alternatives) walk(a, i, depth + 1);
      else out.push(r);
      return;
    }
    if (i === segments.length) {
      out.push(r);
      return;
    }
    const v = r.value;
    const seg = segments[i];
    if (Array.isArray(v) && typeof seg === 'number') walk(v[seg], i + 1, depth + 1);
    else if (isPlainObject(v) && Object.prototype.hasOwnProperty.call(v, String(seg))) walk(v[String(seg)], i + 1, depth + 1);
    else out.push(known(undefined));
  };
  walk(ctx.resource.definition, 0, 0);
  return out;
}

/**
 * `true` when some possible value of the setting is safe, `false` when every one is known and none is,
 * `undefined` when none is safe but some cannot be known.
 */
export function safeSomewhere<O extends RuleOptions>(ctx: ResourceContext<O>, path: string | JsonPath, safe: (value: unknown) => boolean): boolean | undefined {
  const values = possibleValues(ctx, path);
  if (values.some((r) => r.known && safe(r.value))) return true;
  return values.every((r) => r.known) ? false : undefined;
}

/** The known values of a setting that are not safe (for the message), when {@link safeSomewhere} is false. */
export function knownValues<O extends RuleOptions>(ctx: ResourceContext<O>, path: string | JsonPath): unknown[] {
  return possibleValues(ctx, path).flatMap((r) => (r.known ? [r.value] : []));
}

/** A number written as a number or a numeric string. */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}
