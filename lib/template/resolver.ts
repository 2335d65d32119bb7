/**
 * The resolver answers "what is this value?" with a known value or Unknown (with the reason). It evaluates
 * parameters (defaults, or values given with --parameters), pseudo parameters, conditions, and the
 * intrinsic functions whose inputs are known. An `Fn::If` whose condition is unknown yields both branches
 * as `alternatives`, so that a rule can decide when every branch fails.
 */
import {
  asIntrinsic,
  boundedJoin,
  boundedReplace,
  getAttParts,
  isPlainObject,
  MAX_RESOLVED_STRING,
  own,
  subVariables,
  type Intrinsic,
} from './intrinsics';
import { parsePath, type JsonPath, type PathSegment } from './path';

/** A value known before deployment (`undefined`: absent). */
export type Known = { readonly known: true; readonly value: unknown };
/** A value that cannot be known before deployment, with the reason. */
export type Unknown = {
  readonly known: false;
  /** why the value cannot be known before deployment, e.g. "parameter Env has no default" */
  readonly reason: string;
  /** when the value depends only on unknown conditions: the value of each branch */
  readonly alternatives?: readonly unknown[];
};
/** A resolved value. `{ known: true, value: undefined }` means absent (not set, or `AWS::NoValue`). */
export type Resolved = Known | Unknown;

/**
 * Something a value was worked out from that the scan did not get from the user: a parameter's default, or a
 * condition evaluated from defaults. A finding whose verdict rests on one says so.
 */
export type Assumption =
  { readonly parameter: string; readonly value: string } | { readonly condition: string; readonly value: boolean };

/** A known value. */
export const known = (value: unknown): Known => ({ known: true, value });
/** An unknown value, with the reason (and the branches, when it depends only on unknown conditions). */
export const unknown = (reason: string, alternatives?: readonly unknown[]): Unknown =>
  alternatives ? { known: false, reason, alternatives } : { known: false, reason };

/** What the resolver knows about the template it works on. */
export interface ResolverScope {
  readonly parameters: Readonly<Record<string, Record<string, unknown>>>;
  readonly conditions: Readonly<Record<string, unknown>>;
  readonly mappings: Readonly<Record<string, unknown>>;
  readonly resourceIds: ReadonlySet<string>;
}

/** Values supplied from outside the template: `--parameters`, a parameter file, a cloud assembly's environment. */
export interface ResolverInputs {
  /** parameter values by name; pseudo parameters (`AWS::Region`, `AWS::AccountId`, `AWS::StackName`…) too */
  readonly parameters?: Readonly<Record<string, string>>;
  /** parameters that have a value that is not shown (NoEcho, in a deployed stack): unknown, not their default */
  readonly hiddenParameters?: readonly string[];
  /** the stack's notification topics, the value of `AWS::NotificationARNs` (a deployed stack) */
  readonly notificationArns?: readonly string[];
}

const LIST_PARAMETER = /^(CommaDelimitedList|List<.*>)$/;
const MAX_DEPTH = 64;
/**
 * The most distinct values an expression may be taken to have through `Fn::If`s on unknown conditions; beyond,
 * it is unknown. Real templates have a handful; a chain of mappings that branch at every step has 2^n.
 */
export const MAX_ALTERNATIVES = 256;
/**
 * The most parts (values, list items, mapping entries) one value resolved whole may have: a template of 1 MB has
 * far fewer, and mapping entries that name others twice over would otherwise make 2^n.
 */
export const MAX_VALUE_PARTS = 100_000;

/** The unknowns made by going past a bound (a string too long, too many possible values), to tell the model where. */
const LIMITED = new WeakSet<Unknown>();

function limited(reason: string): Unknown {
  const u = unknown(reason);
  LIMITED.add(u);
  return u;
}

/** A result with the assumptions it rests on. */
type Evaluated<T> = { readonly result: T; readonly assumptions: readonly Assumption[] };

/** A condition being evaluated: met again inside itself, it refers to itself. */
const IN_PROGRESS: Evaluated<boolean | Unknown> = { result: unknown('condition in progress'), assumptions: [] };

/** A parameter taken to have another value than the scan found (`undefined`: a value not known), to test what a verdict depends on. */
export interface Override {
  readonly parameter: string;
  readonly value: string | undefined;
}

/** Resolves intrinsic functions, parameters and conditions to known values, or Unknown with a reason. */
export class Resolver {
  private conditionCache = new Map<string, Evaluated<boolean | Unknown>>();
  /**
   * What each intrinsic function (by identity) resolved to, with the assumptions it rests on, for each of the two
   * ways parameter defaults are recorded (see {@link quiet}): a mapping entry reached from many places, or through
   * both branches of many `Fn::If`s, is resolved once, not once per path to it.
   */
  private memo = new WeakMap<object, [Evaluated<Resolved>?, Evaluated<Resolved>?]>();
  /** counts results that hold only where they were worked out (a depth cut, a condition met inside itself): not memoised */
  private situated = 0;
  /** how many more parts the value that {@link deep} resolves in progress may have */
  private partsLeft?: number;
  private overriding?: Override;
  /**
   * the assumptions recorded by each {@link track} call in progress, innermost last; made when the first comes (most
   * calls record none: every intrinsic function resolved is tracked)
   */
  private readonly trackers: (Map<string, Assumption> | undefined)[] = [];
  /**
   * how many {@link track} calls are in progress: the first entries of {@link trackers}, which keeps its length (an
   * array emptied by `pop` gives up its storage, and a check's resolver is tracked hundreds of times per scan)
   */
  private tracking = 0;
  /**
   * Inside a function that builds text (Fn::Sub, Fn::Join…) a parameter's default usually makes a name or an
   * ARN, which rarely decides a verdict: its use is not recorded there, except while a condition is evaluated.
   */
  private quiet = 0;
  private inCondition = 0;

  constructor(
    private readonly scope: ResolverScope,
    private readonly inputs: ResolverInputs = {},
    /** told of each expression taken as unknown because it goes past one of the bounds above, and why */
    private readonly onLimit?: (expression: unknown, reason: string) => void,
  ) {}

  /**
   * Runs `fn` and returns, with its result, the assumptions the values it resolved rest on (parameter
   * defaults, and conditions evaluated from them), in the order first met. Calls nest: an inner call's
   * assumptions are an outer call's too.
   */
  track<T>(fn: () => T): { readonly value: T; readonly assumptions: Assumption[] } {
    const at = this.tracking++;
    this.trackers[at] = undefined;
    try {
      const value = fn();
      // what fn recorded (TypeScript would take the entry for the undefined set above)
      const tracker = this.trackers[at] as Map<string, Assumption> | undefined;
      return { value, assumptions: tracker ? [...tracker.values()] : [] };
    } finally {
      this.trackers[at] = undefined;
      this.tracking--;
    }
  }

  /**
   * Runs `fn` with each resolver tracking what the values read rest on, as {@link track} does for one (an
   * assembly rule reads many stacks; one loop, not a call nested per stack, so thousands of stacks fit the stack).
   */
  static trackAll(resolvers: readonly Resolver[], fn: () => void): void {
    const each = [...new Set(resolvers)];
    for (const r of each) r.trackers[r.tracking++] = undefined;
    try {
      fn();
    } finally {
      for (const r of each) r.trackers[--r.tracking] = undefined;
    }
  }

  /**
   * Runs `fn` without telling the {@link track} calls in progress what its values rest on: for indexes built
   * once and shared by many checks, whose assumptions are not any one finding's.
   */
  untracked<T>(fn: () => T): T {
    if (this.tracking === 0) return fn();
    const saved = this.trackers.slice(0, this.tracking);
    this.tracking = 0;
    try {
      return fn();
    } finally {
      for (let i = 0; i < saved.length; i++) this.trackers[i] = saved[i];
      this.tracking = saved.length;
    }
  }

  private quietly(fn: () => Resolved): Resolved {
    this.quiet++;
    try {
      return fn();
    } finally {
      this.quiet--;
    }
  }

  /**
   * Runs `fn` with a parameter given another value (`undefined`: a value not known), as if the scan had been
   * told so; conditions are evaluated anew.
   */
  override<T>(change: Override, fn: () => T): T {
    const [cache, memo, overriding] = [this.conditionCache, this.memo, this.overriding];
    this.forget();
    this.overriding = change;
    try {
      return fn();
    } finally {
      this.conditionCache = cache;
      this.memo = memo;
      this.overriding = overriding;
    }
  }

  /** The parameter value {@link override} puts in force, as a key; undefined when none is. */
  get overrideKey(): string | undefined {
    const o = this.overriding;
    return o && JSON.stringify([o.parameter, o.value ?? null]);
  }

  /** Drops what was worked out so far: for the model, once the scope it was built with is complete. */
  forget(): void {
    this.conditionCache = new Map();
    this.memo = new WeakMap();
  }

  /**
   * The values to try in place of a parameter's default to see whether a verdict depends on it: its other
   * allowed values (a few); or, when it allows any value, the values the Conditions compare it with, a value
   * unlike any of them (so that each such comparison turns false), and a value not known.
   */
  otherValues(name: string): (string | undefined)[] {
    const declared = own(this.scope.parameters, name);
    const current = isPlainObject(declared) ? scalarString(declared.Default) : undefined;
    const allowed =
      isPlainObject(declared) && Array.isArray(declared.AllowedValues) ? declared.AllowedValues.map(scalarString) : [];
    if (allowed.some((v) => v !== current)) return allowed.filter((v) => v !== current).slice(0, 4);
    const compared = [...comparedWith(name, this.scope.conditions)];
    const unlike = compared.length > 0 ? [`${[current, ...compared].join('')}-other`] : [];
    return [...compared.filter((v) => v !== current).slice(0, 4), ...unlike, undefined];
  }

  /** The assumptions recorded so far by the innermost {@link track} call in progress. */
  assumptionsSoFar(): Assumption[] {
    const tracker = this.tracking > 0 ? this.trackers[this.tracking - 1] : undefined;
    return tracker ? [...tracker.values()] : [];
  }

  /** Tells every {@link track} call in progress that a value rests on these assumptions. */
  assume(assumptions: Iterable<Assumption>): void {
    if (this.tracking === 0) return;
    for (const a of assumptions) {
      const key = 'parameter' in a ? `p:${a.parameter}` : `c:${a.condition}`;
      for (let i = 0; i < this.tracking; i++) {
        const t = (this.trackers[i] ??= new Map());
        if (!t.has(key)) t.set(key, a);
      }
    }
  }

  /**
   * Evaluates `value` when it is an intrinsic function; returns any other value as it is (objects and lists
   * are not searched: use {@link get} to walk into them, or {@link deep} for everything).
   */
  resolve(value: unknown, depth = 0): Resolved {
    if (depth > MAX_DEPTH) return this.cut('expression nested too deeply');
    const fn = asIntrinsic(value);
    if (!fn) return known(value);
    const mode = this.quiet > 0 && this.inCondition === 0 ? 1 : 0;
    const memo = this.memo.get(value as object) ?? [];
    const hit = memo[mode];
    if (hit) {
      this.assume(hit.assumptions);
      return hit.result;
    }
    const situated = this.situated;
    const { value: result, assumptions } = this.track(() => this.evaluate(fn, value, depth));
    if (!result.known && LIMITED.has(result)) this.onLimit?.(value, result.reason);
    if (this.situated === situated) {
      memo[mode] = { result, assumptions };
      this.memo.set(value as object, memo);
    }
    return result;
  }

  /** An unknown that holds only where it was met, not wherever its expression is. */
  private cut(reason: string): Unknown {
    this.situated++;
    return unknown(reason);
  }

  private evaluate(fn: Intrinsic, value: unknown, depth: number): Resolved {
    switch (fn.name) {
      case 'Ref':
        return this.ref(fn.arg);
      case 'Fn::If':
        return this.fnIf(fn.arg, depth);
      case 'Fn::Sub':
        return this.quietly(() => this.sub(fn.arg, depth));
      case 'Fn::Join':
        return this.quietly(() => this.join(fn.arg, depth));
      case 'Fn::Select':
        return this.select(fn.arg, depth);
      case 'Fn::Split':
        return this.split(fn.arg, depth);
      case 'Fn::FindInMap':
        return this.findInMap(fn.arg, depth);
      case 'Fn::Base64':
        return this.quietly(() =>
          this.map(this.deep(fn.arg, depth + 1), (v) =>
            typeof v === 'string' ? base64(v) : unknown('Fn::Base64 of a value that is not a string'),
          ),
        );
      case 'Fn::Length':
        return this.map(this.deep(fn.arg, depth + 1), (v) =>
          Array.isArray(v) ? known(v.length) : unknown('Fn::Length of a value that is not a list'),
        );
      case 'Fn::ToJsonString':
        return this.quietly(() =>
          this.map(this.deep(fn.arg, depth + 1), (v) =>
            v === undefined ? known(undefined) : bounded(boundedJson(v), 'Fn::ToJsonString'),
          ),
        );
      case 'Fn::Equals':
      case 'Fn::And':
      case 'Fn::Or':
      case 'Fn::Not':
      case 'Condition': {
        const c = this.evaluateCondition(value, depth);
        return typeof c === 'boolean' ? known(c) : c;
      }
      case 'Fn::GetAtt': {
        const parts = getAttParts(fn.arg);
        return unknown(
          parts ? `${parts[0]}.${parts[1] ?? ''} is an attribute known only after deployment` : 'malformed Fn::GetAtt',
        );
      }
      case 'Fn::ImportValue':
        return unknown('Fn::ImportValue is resolved from another stack at deployment');
      case 'Fn::GetAZs':
        return unknown('Fn::GetAZs depends on the account and region');
      default:
        return unknown(
          fn.name.startsWith('Rain::')
            ? `${fn.name} is expanded by the rain CLI before deployment`
            : `${fn.name} is not evaluated`,
        );
    }
  }

  /** Resolves `value` and everything inside it; Unknown if any part is unknown. `AWS::NoValue` entries are dropped. */
  deep(value: unknown, depth = 0): Resolved {
    if (depth > MAX_DEPTH) return this.cut('expression nested too deeply');
    if (this.partsLeft === undefined) {
      this.partsLeft = MAX_VALUE_PARTS;
      try {
        const r = this.deep(value, depth);
        if (this.partsLeft < 0 && !r.known) this.onLimit?.(value, r.reason);
        return r;
      } finally {
        this.partsLeft = undefined;
      }
    }
    if (--this.partsLeft < 0) return this.cut(`value of more than ${MAX_VALUE_PARTS} parts`);
    const r = this.resolve(value, depth);
    if (!r.known) {
      if (!r.alternatives) return r;
      const alts: unknown[] = [];
      for (const a of r.alternatives) {
        const d = this.deep(a, depth + 1);
        if (!d.known) return d.alternatives ? unknown(r.reason) : d;
        alts.push(d.value);
      }
      return combine(alts.map(known), r.reason);
    }
    const v = r.value;
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      for (const item of v) {
        const d = this.deep(item, depth + 1);
        // an item's alternatives are not the list's: the whole list is unknown
        if (!d.known) return unknown(d.reason);
        if (d.value !== undefined) out.push(d.value);
      }
      return known(out);
    }
    if (isPlainObject(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) {
        const d = this.deep(item, depth + 1);
        if (!d.known) return unknown(d.reason);
        if (d.value !== undefined)
          Object.defineProperty(out, k, { value: d.value, enumerable: true, writable: true, configurable: true });
      }
      return known(out);
    }
    return r;
  }

  /**
   * The value at `path` under `root`, resolving intrinsic functions at every step (so a property set
   * through `Fn::If` or a parameter is followed). A missing key is known and absent (`undefined`).
   */
  get(root: unknown, path: string | JsonPath): Resolved {
    const segments = parsePath(path);
    // the usual case first: no intrinsic function on the way down, so nothing to resolve and one answer
    let start = root;
    let from = 0;
    for (; asIntrinsic(start) === undefined; from++) {
      if (from === segments.length) return known(start);
      start = childAt(start, segments[from]);
      if (start === ABSENT) return known(undefined);
    }
    const outcomes: Resolved[] = [];
    const walk = (value: unknown, i: number, depth: number): void => {
      const r = this.resolve(value, depth);
      if (!r.known) {
        if (r.alternatives) for (const a of r.alternatives) walk(a, i, depth + 1);
        else outcomes.push(r);
        return;
      }
      if (i === segments.length) {
        outcomes.push(r);
        return;
      }
      const child = childAt(r.value, segments[i]);
      if (child === ABSENT) outcomes.push(known(undefined));
      else walk(child, i + 1, depth);
    };
    walk(start, from, 0);
    return combine(outcomes, 'depends on a condition that cannot be evaluated');
  }

  /** A condition by name: true, false, or Unknown. */
  condition(name: string): boolean | Unknown {
    const cached = this.conditionCache.get(name);
    if (cached === IN_PROGRESS) return this.cut(`condition ${name} refers to itself`);
    if (cached !== undefined) {
      this.assume(cached.assumptions);
      return cached.result;
    }
    if (!Object.prototype.hasOwnProperty.call(this.scope.conditions, name))
      return unknown(`condition ${name} is not defined`);
    // each condition named starts its own nesting: a chain of them is bounded as a whole (2,000 exhausted the stack)
    if (this.inCondition >= MAX_DEPTH) {
      const reason = `conditions refer to one another more than ${MAX_DEPTH} deep`;
      this.onLimit?.(this.scope.conditions[name], reason);
      return this.cut(reason);
    }
    // guards against a condition that refers to itself
    this.conditionCache.set(name, IN_PROGRESS);
    this.inCondition++;
    let evaluated: { readonly value: boolean | Unknown; readonly assumptions: Assumption[] };
    try {
      evaluated = this.track(() => this.evaluateCondition(this.scope.conditions[name], 0));
    } finally {
      this.inCondition--;
    }
    const { value: result, assumptions: inner } = evaluated;
    // a condition decided by parameter defaults is itself an assumption, named before what it rests on
    const assumptions =
      typeof result === 'boolean' && inner.length > 0 ? [{ condition: name, value: result }, ...inner] : inner;
    this.conditionCache.set(name, { result, assumptions });
    this.assume(assumptions);
    return result;
  }

  private evaluateCondition(value: unknown, depth: number): boolean | Unknown {
    if (depth > MAX_DEPTH) return this.cut('condition nested too deeply');
    const fn = asIntrinsic(value);
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    if (!fn) return unknown('not a condition');
    const args = Array.isArray(fn.arg) ? fn.arg : [fn.arg];
    switch (fn.name) {
      case 'Condition':
        return typeof fn.arg === 'string' ? this.condition(fn.arg) : unknown('malformed Condition');
      case 'Fn::Equals': {
        const a = this.deep(args[0], depth + 1);
        const b = this.deep(args[1], depth + 1);
        if (!a.known) return unknown(a.reason);
        if (!b.known) return unknown(b.reason);
        return scalarString(a.value) === scalarString(b.value);
      }
      case 'Fn::Not': {
        const c = this.evaluateCondition(args[0], depth + 1);
        return typeof c === 'boolean' ? !c : c;
      }
      case 'Fn::And':
      case 'Fn::Or': {
        const decisive = fn.name === 'Fn::Or';
        let firstUnknown: Unknown | undefined;
        for (const a of args) {
          const c = this.evaluateCondition(a, depth + 1);
          if (c === decisive) return decisive;
          if (typeof c !== 'boolean') firstUnknown ??= c;
        }
        return firstUnknown ?? !decisive;
      }
      default: {
        const r = this.resolve(value, depth + 1);
        if (!r.known) return unknown(r.reason);
        return r.value === true || r.value === 'true'
          ? true
          : r.value === false || r.value === 'false'
            ? false
            : unknown('not a condition');
      }
    }
  }

  private ref(arg: unknown): Resolved {
    if (typeof arg !== 'string') return unknown('Ref to something that is not a name');
    if (arg === 'AWS::NoValue') return known(undefined);
    const o = this.overriding;
    // a malformed declaration (not a mapping) declares nothing
    const declared = own(this.scope.parameters, arg);
    if (o?.parameter === arg) {
      if (o.value === undefined) return unknown(`parameter ${arg} is taken as not known`);
      return known(isPlainObject(declared) && isListParameter(declared) ? splitList(o.value) : o.value);
    }
    const given = this.inputs.parameters && own(this.inputs.parameters, arg);
    const param = isPlainObject(declared) ? declared : undefined;
    if (given !== undefined) return known(param && isListParameter(param) ? splitList(given) : given);
    if (param && this.inputs.hiddenParameters?.includes(arg))
      return unknown(`parameter ${arg} is NoEcho: its deployed value is not shown`);
    if (param) {
      const type = String(param.Type ?? 'String');
      if (type.startsWith('AWS::SSM::Parameter::Value'))
        return unknown(`parameter ${arg} is read from SSM Parameter Store at deployment`);
      if (!('Default' in param)) return unknown(`parameter ${arg} has no default value`);
      const def = param.Default;
      if (this.quiet === 0 || this.inCondition > 0)
        this.assume([{ parameter: arg, value: Array.isArray(def) ? def.map(String).join(',') : scalarString(def) }]);
      if (isListParameter(param)) return known(Array.isArray(def) ? def : splitList(String(def)));
      return known(def);
    }
    if (arg.startsWith('AWS::')) return this.pseudo(arg);
    if (this.scope.resourceIds.has(arg)) return unknown(`Ref to resource ${arg} is known only after deployment`);
    return unknown(`Ref to ${arg}, which is not defined in the template`);
  }

  private pseudo(name: string): Resolved {
    const region = this.inputs.parameters && own(this.inputs.parameters, 'AWS::Region');
    switch (name) {
      case 'AWS::Partition':
        return region
          ? known(region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws')
          : unknown('AWS::Partition depends on the region');
      case 'AWS::URLSuffix':
        return region
          ? known(region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com')
          : unknown('AWS::URLSuffix depends on the region');
      case 'AWS::NotificationARNs':
        return this.inputs.notificationArns
          ? known([...this.inputs.notificationArns])
          : unknown('AWS::NotificationARNs is known only at deployment');
      default:
        return unknown(`pseudo parameter ${name} is known only at deployment`);
    }
  }

  private fnIf(arg: unknown, depth: number): Resolved {
    if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== 'string') return unknown('malformed Fn::If');
    const c = this.condition(arg[0]);
    if (typeof c === 'boolean') return this.resolve(c ? arg[1] : arg[2], depth + 1);
    const branches = [this.resolve(arg[1], depth + 1), this.resolve(arg[2], depth + 1)];
    return combine(branches, `depends on condition ${arg[0]}: ${c.reason}`);
  }

  private sub(arg: unknown, depth: number): Resolved {
    const [template, vars] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, undefined];
    if (typeof template !== 'string') return unknown('malformed Fn::Sub');
    const values = new Map<string, string>();
    for (const v of subVariables(template)) {
      if (values.has(v.raw)) continue;
      let r: Resolved;
      if (isPlainObject(vars) && Object.prototype.hasOwnProperty.call(vars, v.raw))
        r = this.deep(vars[v.raw], depth + 1);
      else if (v.attribute !== undefined) r = unknown(`${v.raw} is an attribute known only after deployment`);
      else r = this.ref(v.name);
      if (!r.known) return unknown(r.reason);
      if (!isScalar(r.value)) return unknown(`\${${v.raw}} is not a single value`);
      values.set(v.raw, scalarString(r.value));
    }
    // a short template may name a long value many times: the values put in are counted as they are
    return bounded(
      boundedReplace(template, ({ inner }) =>
        inner.startsWith('!') ? `\${${inner.slice(1)}}` : (values.get(inner.trim()) ?? `\${${inner}}`),
      ),
      'Fn::Sub',
    );
  }

  private join(arg: unknown, depth: number): Resolved {
    if (!Array.isArray(arg) || arg.length !== 2) return unknown('malformed Fn::Join');
    const list = this.deep(arg[1], depth + 1);
    const delimiter = this.deep(arg[0], depth + 1);
    if (!delimiter.known) return unknown(delimiter.reason);
    if (!list.known) return unknown(list.reason);
    if (!Array.isArray(list.value) || !list.value.every(isScalar))
      return unknown('Fn::Join of a value that is not a list of strings');
    const parts = list.value.map(scalarString);
    const separator = scalarString(delimiter.value);
    return bounded(boundedJoin(parts, separator), 'Fn::Join');
  }

  private select(arg: unknown, depth: number): Resolved {
    if (!Array.isArray(arg) || arg.length !== 2) return unknown('malformed Fn::Select');
    const index = this.deep(arg[0], depth + 1);
    if (!index.known) return unknown(index.reason);
    // the list may hold unknown items other than the one selected
    const listR = this.resolve(arg[1], depth + 1);
    if (!listR.known) return unknown(listR.reason);
    const i = Number(index.value);
    if (!Array.isArray(listR.value) || !Number.isInteger(i) || i < 0 || i >= listR.value.length)
      return unknown('Fn::Select index out of range');
    return this.resolve(listR.value[i], depth + 1);
  }

  private split(arg: unknown, depth: number): Resolved {
    if (!Array.isArray(arg) || arg.length !== 2) return unknown('malformed Fn::Split');
    const d = this.deep(arg, depth + 1);
    if (!d.known) return d;
    const [delimiter, source] = d.value as unknown[];
    if (typeof delimiter !== 'string' || typeof source !== 'string')
      return unknown('Fn::Split of a value that is not a string');
    return known(source.split(delimiter));
  }

  private findInMap(arg: unknown, depth: number): Resolved {
    if (!Array.isArray(arg) || arg.length < 3) return unknown('malformed Fn::FindInMap');
    const keys: string[] = [];
    for (const part of arg.slice(0, 3)) {
      const r = this.deep(part, depth + 1);
      if (!r.known) return unknown(r.reason);
      keys.push(scalarString(r.value));
    }
    const [mapName, top, second] = keys;
    const map = own(this.scope.mappings, mapName);
    const level = isPlainObject(map) ? own(map, top) : undefined;
    if (isPlainObject(level) && Object.prototype.hasOwnProperty.call(level, second))
      return this.resolve(level[second], depth + 1);
    // AWS::LanguageExtensions adds a fourth argument { DefaultValue: … }
    const fallback = arg[3];
    if (isPlainObject(fallback) && 'DefaultValue' in fallback) return this.resolve(fallback.DefaultValue, depth + 1);
    return unknown(`mapping ${mapName} has no entry ${top}.${second}`);
  }

  private map(r: Resolved, f: (value: unknown) => Resolved): Resolved {
    return r.known ? f(r.value) : unknown(r.reason);
  }
}

function isListParameter(param: Record<string, unknown>): boolean {
  return LIST_PARAMETER.test(String(param.Type ?? ''));
}

/** A list parameter's value: split at commas, each member space trimmed (as CloudFormation does). */
function splitList(value: string): string[] {
  return value.split(',').map((s) => s.trim());
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function scalarString(v: unknown): string {
  if (isScalar(v)) return String(v);
  // an absent value (`AWS::NoValue`) equals only another; a value too large to write out, none that can be written
  return v === undefined ? 'AWS::NoValue' : (boundedJson(v) ?? '\u0000too large');
}

/** A string the resolver built, or Unknown when it would be longer than {@link MAX_RESOLVED_STRING} (`undefined`). */
function bounded(text: string | undefined, what: string): Resolved {
  return text === undefined
    ? limited(`${what} makes a string of more than ${MAX_RESOLVED_STRING} characters, more than a template can hold`)
    : known(text);
}

/** `Fn::Base64` of a text: a third longer, so bounded too (nested, it would grow without end). */
function base64(text: string): Resolved {
  const bytes = Buffer.from(text);
  return bounded(
    Math.ceil(bytes.length / 3) * 4 > MAX_RESOLVED_STRING ? undefined : bytes.toString('base64'),
    'Fn::Base64',
  );
}

/**
 * `JSON.stringify(value)`, or undefined when that is longer than {@link MAX_RESOLVED_STRING}: a list that
 * repeats one large value (YAML aliases) is small in memory and too large to write out. The length is
 * counted from below first, so that what is written out is at most a few times the bound.
 */
function boundedJson(value: unknown): string | undefined {
  let least = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && least <= MAX_RESOLVED_STRING) {
    const v = stack.pop();
    if (typeof v === 'string') least += v.length + 2;
    else if (Array.isArray(v)) {
      least += 1 + v.length;
      for (const item of v) stack.push(item);
    } else if (isPlainObject(v)) {
      for (const [k, item] of Object.entries(v)) {
        least += k.length + 4;
        stack.push(item);
      }
    } else least += 1;
  }
  if (least > MAX_RESOLVED_STRING) return undefined;
  // JSON.stringify gives nothing for `undefined`; callers ask only about values that are there
  const text = JSON.stringify(value) as string | undefined;
  return text === undefined || text.length > MAX_RESOLVED_STRING ? undefined : text;
}

/** What {@link childAt} gives for a segment the value has not (a key absent is not a key set to `undefined`). */
const ABSENT = Symbol('absent');

/** An item of a list by index, or a mapping's own key (never what every object inherits); ABSENT otherwise. */
function childAt(value: unknown, seg: PathSegment): unknown {
  if (Array.isArray(value) && typeof seg === 'number') return value[seg];
  if (isPlainObject(value) && Object.prototype.hasOwnProperty.call(value, String(seg))) return value[String(seg)];
  return ABSENT;
}

/**
 * One answer from several possible ones: known when they all agree, Unknown with `alternatives` when they
 * are all known but differ, the first Unknown otherwise.
 */
function combine(outcomes: readonly Resolved[], reason: string): Resolved {
  // one answer, the usual case: nothing to compare it with (writing out a large value to compare it costs)
  if (outcomes.length === 1 && (outcomes[0].known || !outcomes[0].alternatives)) return outcomes[0];
  const firstUnknown = outcomes.find((o): o is Unknown => !o.known && !o.alternatives);
  if (firstUnknown) return firstUnknown;
  // each value once (branches often agree), in the order met
  const values = new Map<unknown, unknown>();
  const add = (v: unknown): void => {
    // a value too large to write out is its own key
    const key = typeof v === 'string' ? `s${v}` : v === undefined || v === null ? v : (boundedJson(v) ?? v);
    if (!values.has(key)) values.set(key, v);
  };
  for (const o of outcomes) {
    if (o.known) add(o.value);
    else for (const a of o.alternatives!) add(a);
  }
  if (values.size === 1) return known(values.values().next().value);
  if (values.size > MAX_ALTERNATIVES) return limited(`${reason}, with more than ${MAX_ALTERNATIVES} possible values`);
  return unknown(reason, [...values.values()]);
}

/** The literal values the Conditions compare a parameter with (`Fn::Equals` of `Ref` it and a scalar). */
function comparedWith(parameter: string, conditions: Readonly<Record<string, unknown>>): Set<string> {
  const found = new Set<string>();
  const walk = (value: unknown, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (Array.isArray(value)) value.forEach((v) => walk(v, depth + 1));
    if (!isPlainObject(value)) return;
    const fn = asIntrinsic(value);
    if (fn?.name === 'Fn::Equals' && Array.isArray(fn.arg) && fn.arg.length === 2) {
      const [a, b] = fn.arg;
      const refs = (v: unknown): boolean => asIntrinsic(v)?.name === 'Ref' && asIntrinsic(v)?.arg === parameter;
      const literal = refs(a) ? b : refs(b) ? a : undefined;
      if (typeof literal === 'string' || typeof literal === 'number' || typeof literal === 'boolean')
        found.add(String(literal));
    }
    Object.values(value).forEach((v) => walk(v, depth + 1));
  };
  walk(Object.values(conditions), 0);
  return found;
}
