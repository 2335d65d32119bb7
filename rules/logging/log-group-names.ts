/**
 * Shared by the logging rules: names of log groups and functions as they are written, so that a log group
 * named `!Sub '/aws/lambda/${Fn}'`, `!Join ['', ['/aws/lambda/', !Ref Fn]]` or `/aws/lambda/orders` can be
 * matched with the function it belongs to before anything is deployed. Not a rule.
 *
 * A name is rendered to keys: known parts literally, a reference to a resource as `${Id}` (or `${Id.Attr}`),
 * and a part that cannot be known (a parameter without a default, a pseudo parameter, an import) as a
 * named wildcard: the same expression on both sides matches exactly, and a log group name with a wildcard
 * matches any known text in its place. An `Fn::If` whose condition is unknown gives one key per branch.
 */
import {
  type ResourceContext,
  type RuleOptions,
  asIntrinsic,
  getAttParts,
  isPlainObject,
  placeholders,
  subVariables,
  type Resource,
} from '../../lib/rule';

/** Delimits an unknowable part of a key; never appears in a real name. */
const WILD = '\u0000';
const wildcard = (what: string): string => `${WILD}${what}${WILD}`;
/** Keeps a pathological template from multiplying keys. */
const MAX_KEYS = 16;
const MAX_DEPTH = 16;

type Ctx = Pick<ResourceContext<RuleOptions>, 'resolve' | 'template'>;

/** The keys a name may take, or `[]` when it cannot be rendered at all. */
export function nameKeys(value: unknown, ctx: Ctx, depth = 0): string[] {
  if (depth > MAX_DEPTH || value === undefined || value === null) return [];
  const r = ctx.resolve(value);
  if (r.known) return isScalar(r.value) ? [String(r.value)] : [];
  if (r.alternatives) return r.alternatives.flatMap((a) => (isScalar(a) ? [String(a)] : nameKeys(a, ctx, depth + 1)));
  const fn = asIntrinsic(value);
  if (!fn) return [];
  const isResource = (id: string): boolean => ctx.template.resources.has(id);
  switch (fn.name) {
    case 'Ref':
      if (typeof fn.arg !== 'string') return [];
      return [isResource(fn.arg) ? `\${${fn.arg}}` : wildcard(fn.arg)];
    case 'Fn::GetAtt': {
      const parts = getAttParts(fn.arg);
      return parts && isResource(parts[0]) ? [`\${${parts[0]}.${parts[1] ?? ''}}`] : [wildcard(JSON.stringify(value))];
    }
    case 'Fn::Sub':
      return subKeys(fn.arg, ctx, depth);
    case 'Fn::Join': {
      if (!Array.isArray(fn.arg) || fn.arg.length !== 2) return [];
      const delimiter = ctx.resolve(fn.arg[0]);
      if (!delimiter.known || !isScalar(delimiter.value)) return [];
      const list = fn.arg[1];
      if (!Array.isArray(list)) return [wildcard(JSON.stringify(list))];
      return product(
        list.map((item) => nameKeys(item, ctx, depth + 1)),
        String(delimiter.value),
      );
    }
    case 'Fn::If':
      return Array.isArray(fn.arg) && fn.arg.length === 3
        ? [...nameKeys(fn.arg[1], ctx, depth + 1), ...nameKeys(fn.arg[2], ctx, depth + 1)].slice(0, MAX_KEYS)
        : [];
    default:
      // Fn::ImportValue, Fn::Select of an unknown list, Fn::FindInMap with an unknown key…
      return [wildcard(JSON.stringify(value))];
  }
}

function subKeys(arg: unknown, ctx: Ctx, depth: number): string[] {
  const [template, vars] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, undefined];
  if (typeof template !== 'string') return [];
  const pieces: string[][] = [];
  let last = 0;
  for (const { start, end, inner } of placeholders(template)) {
    pieces.push([template.slice(last, start)]);
    last = end;
    if (inner.startsWith('!')) {
      pieces.push([`\${${inner.slice(1)}}`]);
      continue;
    }
    const v = subVariables(template.slice(start, end))[0];
    if (isPlainObject(vars) && Object.prototype.hasOwnProperty.call(vars, v.raw))
      pieces.push(nameKeys(vars[v.raw], ctx, depth + 1));
    else if (v.attribute !== undefined) pieces.push(nameKeys({ 'Fn::GetAtt': [v.name, v.attribute] }, ctx, depth + 1));
    else pieces.push(nameKeys({ Ref: v.name }, ctx, depth + 1));
  }
  pieces.push([template.slice(last)]);
  return product(pieces, '');
}

/** Every combination of one key per part, joined; `[]` when a part cannot be rendered. */
function product(parts: readonly string[][], delimiter: string): string[] {
  let out = [''];
  parts.forEach((options, i) => {
    const next: string[] = [];
    for (const prefix of out) for (const o of options) next.push(i === 0 ? o : prefix + delimiter + o);
    out = next.slice(0, MAX_KEYS);
  });
  return parts.some((p) => p.length === 0) ? [] : out;
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/**
 * The names a set of log groups may take, indexed once per template: exact keys, and for the names that have
 * unknowable parts, the literal pieces between those parts.
 */
export class LogGroupNames {
  private readonly exact = new Set<string>();
  private readonly patterns: string[][] = [];

  add(keys: readonly string[]): void {
    for (const key of keys) {
      this.exact.add(key);
      // literal text at even positions, the names of unknowable parts at odd ones
      if (key.includes(WILD)) this.patterns.push(key.split(WILD).filter((_, i) => i % 2 === 0));
    }
  }

  /**
   * Whether one of the names may be `name` (a key of a function's log group name). A pattern is tried only
   * on a name written out in full: a generated name (`${Fn}`) is not something a parameter can spell.
   */
  has(name: string): boolean {
    return (
      this.exact.has(name) || (!name.includes(WILD) && !name.includes('${') && this.patterns.some((p) => fits(p, name)))
    );
  }
}

/**
 * Whether `name` is the literal `pieces` in order with at least one character in each gap (an unknowable
 * part): the first piece at the start, the last at the end, each other one at its earliest place after the
 * gap, which leaves the most room for the rest. Linear in the name; the regular expression `^a.+b.+c$` would
 * backtrack for minutes on a name with thousands of unknowable parts.
 */
function fits(pieces: readonly string[], name: string): boolean {
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  if (!name.startsWith(first)) return false;
  let end = first.length;
  for (const piece of pieces.slice(1, -1)) {
    const at = name.indexOf(piece, end + 1);
    if (at < 0 || at > name.length - 1) return false;
    end = at + piece.length;
  }
  return name.length - last.length > end && name.endsWith(last);
}

/** The default log group of a function: `/aws/lambda/` followed by its name, as keys. */
export function lambdaLogGroupKeys(fn: Resource, ctx: Ctx): string[] {
  const keys = [`/aws/lambda/\${${fn.logicalId}}`];
  const name = fn.properties.FunctionName;
  if (name !== undefined) for (const k of nameKeys(name, ctx)) keys.push(`/aws/lambda/${k}`);
  return keys;
}

/** Log group types whose LogGroupName names a log group the stack creates or manages. */
export const LOG_GROUP_TYPES: readonly string[] = ['AWS::Logs::LogGroup', 'Custom::LogRetention'];
