/**
 * The facts rules ask about a stack, worked out once per stack of a run and shared by every rule: the role
 * of each resource, the resources that count, the alarm index, who invokes a function. Rules get them as
 * `ctx.facts` (resource rules) or `ctx.facts.of(stack)` (app-level rules).
 */
import type { Assembly, Stack } from '../assembly/model';
import type { Resource, Template } from '../template/model';
import type { Assumption } from '../template/resolver';
import { AlarmIndex } from './alarms';
import { invokersOf, type Invoker } from './invocation';
import { Roles, type Role, type RoleOf } from './roles';

/** The facts of one stack. */
export class StackFacts {
  private alarmIndex?: AlarmIndex;
  private readonly invokers = new Map<Resource, Remembered<Invoker[]>>();
  private readonly deployedByType = new Map<string, readonly Resource[]>();

  constructor(
    readonly stack: Stack,
    private readonly roles: Roles,
  ) {}

  get template(): Template {
    return this.stack.template;
  }

  /** What the resource is for: workload, deployment machinery, CDK internal or account baseline, and why. */
  role(resource: Resource): RoleOf {
    return this.roles.of(this.stack, resource);
  }

  /**
   * The resources of a type that count: deployed (their Condition is not known to be false) and not the
   * CDK's own, in template order.
   */
  deployed(type: string): readonly Resource[] {
    let list = this.deployedByType.get(type);
    if (!list) {
      const t = this.template;
      list = t.resolver.untracked(() =>
        t.resourcesOfType(type).filter((r) => !t.isExcluded(r) && this.role(r).role !== 'cdk-internal'),
      );
      this.deployedByType.set(type, list);
    }
    return list;
  }

  /** The deployed resources of these types whose role is one of `roles`, in the order of the types. */
  withRoles(types: readonly string[], roles: readonly Role[]): Resource[] {
    return types.flatMap((type) => this.deployed(type).filter((r) => roles.includes(this.role(r).role)));
  }

  /** Some resource of these types is deployed by the stack. */
  hasAny(types: readonly string[]): boolean {
    return types.some((type) => this.deployed(type).length > 0);
  }

  /** Which alarms of the stack watch which resource's metrics, and what they do when they fire. */
  get alarms(): AlarmIndex {
    const t = this.template;
    this.alarmIndex ??= t.resolver.untracked(() => new AlarmIndex(t));
    return this.alarmIndex;
  }

  /** Who invokes a function or state machine of the stack, and how. */
  invokersOf(resource: Resource): readonly Invoker[] {
    return remember(this.template, this.invokers, resource, () => invokersOf(this.template, resource));
  }
}

/** A value worked out once, with the assumptions it rests on. */
export interface Remembered<T> {
  readonly value: T;
  readonly assumptions: readonly Assumption[];
}

/**
 * The cached value for `key`, computed on first use; each use tells the checks in progress what it rests on,
 * as computing it again would.
 */
export function remember<K, T>(template: Template, cache: Map<K, Remembered<T>>, key: K, compute: () => T): T {
  let entry = cache.get(key);
  if (!entry) cache.set(key, (entry = template.resolver.untracked(() => template.resolver.track(compute))));
  template.resolver.assume(entry.assumptions);
  return entry.value;
}

/** The facts of every stack of an assembly, for one run. */
export class AppFacts {
  private readonly stacks = new Map<Stack, StackFacts>();
  private readonly roles: Roles;

  /**
   * For a check run again with an assumption changed in one stack's template (`changed`): `others`, the facts of
   * the same assembly with no assumption changed, give those of every other stack, whose templates are the same
   * (see {@link Roles}). Computing every stack's facts again for each finding made cloud assemblies quadratic.
   */
  constructor(
    readonly assembly: Assembly,
    isBaseline: (stack: Stack) => boolean = () => false,
    private readonly others?: AppFacts,
    private readonly changed?: Stack,
  ) {
    this.roles = new Roles(assembly, isBaseline, others?.roles);
  }

  /** The resources of a type that count (see {@link StackFacts.deployed}) in every stack, with their stack. */
  deployed(type: string): { stack: Stack; resource: Resource }[] {
    return this.assembly.stacks.flatMap((stack) =>
      this.of(stack)
        .deployed(type)
        .map((resource) => ({ stack, resource })),
    );
  }

  /** The facts of one stack of the assembly. */
  of(stack: Stack): StackFacts {
    if (this.others && stack !== this.changed) return this.others.of(stack);
    let f = this.stacks.get(stack);
    if (!f) this.stacks.set(stack, (f = new StackFacts(stack, this.roles)));
    return f;
  }
}
