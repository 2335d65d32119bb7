/**
 * The neutral template model every rule runs over: resources by logical id and by type, the other
 * sections, the reference graph and the resolver, all built once per template.
 */
import { InputError, kindOf, messages } from './errors';
import {
  DEFAULT_MAX_FOREACH_ENTRIES,
  expandForEach,
  ForEachBudget,
  FOREACH_PREFIX,
  type ExpandedEntry,
  type UnexpandedLoop,
} from './foreach';
import { ReferenceGraph } from './graph';
import { isPlainObject } from './intrinsics';
import type { ParsedDocument, DocumentFormat, ParseNote } from './parse';
import { formatPath, parsePath, type JsonPath } from './path';
import { Resolver, type ResolverInputs, type Resolved } from './resolver';
import { implicitApis, mergeGlobals, SAM_GLOBAL_TYPES } from './sam';
import type { Position, SourceMap } from './source';

/** One resource of a template, as written (SAM resources merged with `Globals`). */
export interface Resource {
  readonly logicalId: string;
  readonly type: string;
  /** the properties as written (SAM resources: merged with `Globals`); `{}` when there are none */
  readonly properties: Readonly<Record<string, unknown>>;
  /** the whole resource entry: Type, Properties, Metadata, DependsOn, Condition, DeletionPolicy… */
  readonly definition: Readonly<Record<string, unknown>>;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly condition?: string;
  readonly dependsOn: readonly string[];
  /** the CDK construct path (`Metadata['aws:cdk:path']`), for synthesized templates */
  readonly constructPath?: string;
  /** where the logical id is written (for a resource SAM creates implicitly: the event that creates it) */
  readonly position: Position;
  /** a resource that SAM creates from other resources (the API of function events that name none) */
  readonly implicit?: ImplicitOrigin;
}

/** Where a resource that SAM creates implicitly comes from. */
export interface ImplicitOrigin {
  /** the document path of what configures it: `Globals.Api` */
  readonly configuredAt: JsonPath;
  /** the document path of what creates it: the first function event that does */
  readonly createdAt: JsonPath;
  /** what creates it, for findings about it: "SAM creates ServerlessRestApi for the Api event Get of function Fn" */
  readonly createdBy: string;
}

/**
 * Something the model could not work out statically, noted rather than guessed (e.g. a loop over an unknown
 * list), or read as CloudFormation reads it though YAML does not allow it (`path` empty).
 */
export interface Unresolved {
  readonly path: string;
  readonly position: Position;
  readonly message: string;
}

export interface TemplateOptions extends ResolverInputs {
  /** a file named explicitly must be a template; one found in a directory may be something else (then undefined is returned) */
  readonly explicit?: boolean;
  /**
   * a template the CDK synthesized for a stack: a mapping without Resources is a stack with no resources
   * (CDK writes only its Parameters and Rules), not something else
   */
  readonly synthesized?: boolean;
  /** the most entries the `Fn::ForEach` loops of the template may expand to, in all */
  readonly maxForEachEntries?: number;
}

type Section = Readonly<Record<string, Record<string, unknown>>>;

/** A parsed template: sections, resources by id and type, the reference graph and the resolver. */
export class Template {
  readonly file: string;
  readonly format: DocumentFormat;
  /** the document as parsed (short-form tags in long form) */
  readonly document: Readonly<Record<string, unknown>>;
  readonly sourceMap: SourceMap;
  readonly resources: ReadonlyMap<string, Resource>;
  readonly parameters: Section;
  readonly conditions: Readonly<Record<string, unknown>>;
  readonly mappings: Readonly<Record<string, unknown>>;
  readonly outputs: Section;
  readonly transforms: readonly string[];
  readonly resolver: Resolver;
  readonly unresolved: readonly Unresolved[];
  /**
   * false for a template whose Resources are valid only once a macro of the account's own has rewritten them:
   * it is read, with a note, and not checked (a macro template whose Resources are valid as written is checked)
   */
  readonly checked: boolean;
  private readonly byType = new Map<string, Resource[]>();
  private graphCache?: ReferenceGraph;

  private constructor(parsed: ParsedDocument, root: Record<string, unknown>, options: TemplateOptions, checked = true) {
    this.checked = checked;
    this.file = parsed.file;
    this.format = parsed.format;
    this.document = root;
    this.sourceMap = parsed.sourceMap;
    const err = (message: string, path: JsonPath): InputError => new InputError(message, this.file, this.locate(path));

    this.parameters = section(root, 'Parameters', err, this.sourceMap) as Section;
    const rawConditions = section(root, 'Conditions', err, this.sourceMap);
    this.mappings = section(root, 'Mappings', err, this.sourceMap);
    const rawOutputs = section(root, 'Outputs', err, this.sourceMap);
    const transform = root.Transform;
    this.transforms = transformNames(transform).map((t) => t.name);

    const rawResources = root.Resources ?? {};
    if (!isPlainObject(rawResources))
      throw new InvalidResources(
        messages.sectionNotMapping('Resources', kindOf(rawResources)),
        this.file,
        this.locate(['Resources']),
      );

    const resourceIds = new Set<string>();
    const scope = { parameters: this.parameters, conditions: rawConditions, mappings: this.mappings, resourceIds };
    const unresolved: Unresolved[] = (parsed.notes ?? []).map((n) => ({
      path: '',
      position: n.position,
      message: n.message,
    }));
    // an expression past a bound of the resolver is noted once, where it is written (the first met, for each reason)
    const limits = new Set<string>();
    this.resolver = new Resolver(scope, options, (expression, reason) => {
      const message = `a value is taken as not known before deployment: ${reason}`;
      if (limits.has(message)) return;
      limits.add(message);
      const written =
        isPlainObject(expression) || Array.isArray(expression) ? this.sourceMap.get(expression)?.start : undefined;
      unresolved.push({ path: '', position: written ?? this.locate([]), message });
    });

    // AWS::LanguageExtensions loops, in the three sections that may hold them
    // CloudFormation rejects it, but placeholder templates have one: read, with a note (a macro's resources are not known)
    if (checked && 'Resources' in root && Object.keys(rawResources).length === 0)
      unresolved.push({ path: 'Resources', position: this.locate(['Resources']), message: messages.emptyResources() });
    const budget = new ForEachBudget(options.maxForEachEntries ?? DEFAULT_MAX_FOREACH_ENTRIES, this.file);
    const noteUnexpanded = (name: string, loops: readonly UnexpandedLoop[]): void => {
      for (const u of loops)
        unresolved.push({
          path: formatPath([name, u.key]),
          position: u.position ?? this.locate([name]),
          message: u.reason,
        });
    };
    const expandSection = (name: string, raw: Record<string, unknown>): Record<string, Record<string, unknown>> => {
      if (!Object.keys(raw).some((k) => k.startsWith(FOREACH_PREFIX)))
        return raw as Record<string, Record<string, unknown>>;
      const { entries, unexpanded } = expandForEach(raw, this.resolver, this.sourceMap, budget);
      noteUnexpanded(name, unexpanded);
      return sectionOf(entries, this.sourceMap.get(raw)?.start, this.sourceMap);
    };
    this.conditions = scope.conditions = expandSection('Conditions', rawConditions);
    const expansion = expandForEach(rawResources, this.resolver, this.sourceMap, budget);
    noteUnexpanded('Resources', expansion.unexpanded);
    this.unresolved = unresolved;
    const globals = isPlainObject(root.Globals) ? root.Globals : {};
    const resources = new Map<string, Resource>();
    for (const entry of expansion.entries) {
      const id = entry.key;
      const position = entry.position ?? this.locate(['Resources']);
      if (!isPlainObject(entry.value))
        throw new InvalidResources(messages.resourceNotMapping(id, kindOf(entry.value)), this.file, position);
      let definition = entry.value;
      const type = definition.Type;
      if (type === undefined) throw new InvalidResources(messages.resourceWithoutType(id), this.file, position);
      if (isPlainObject(type) && 'Rain::Module' in type) {
        unresolved.push({
          path: formatPath(['Resources', id]),
          position,
          message: `resource ${id} is a rain module, expanded by the rain CLI before deployment; it is not checked`,
        });
        continue;
      }
      if (typeof type !== 'string')
        throw new InvalidResources(
          messages.resourceTypeNotString(id),
          this.file,
          this.sourceMap.locate(definition, ['Type'], position),
        );
      definition = withGlobals(definition, type, globals, this.sourceMap);
      this.add(resources, makeResource(id, type, definition, position));
    }
    // the APIs SAM creates for function events that name no API are resources like the others
    for (const api of implicitApis(resources, globals, this.sourceMap)) this.add(resources, api);
    for (const id of resources.keys()) resourceIds.add(id);
    this.resources = resources;
    this.outputs = expandSection('Outputs', rawOutputs);
    // what was resolved while the model was built saw a scope still in the making (resources not yet known)
    this.resolver.forget();
  }

  /**
   * Builds the model of a parsed document. Returns undefined for a document that is not a template when it
   * was found in a directory; throws an {@link InputError} for anything that cannot be read as one.
   */
  static from(parsed: ParsedDocument, options: TemplateOptions = {}): Template | undefined {
    const root = parsed.value;
    if (!isPlainObject(root)) {
      if (!options.explicit) return undefined;
      throw new InputError(messages.rootNotMapping(kindOf(root)), parsed.file, parsed.sourceMap.locate(root, []));
    }
    if (!looksLikeTemplate(root) && !options.synthesized) {
      if (!options.explicit) return undefined;
      throw new InputError(messages.notTemplate(), parsed.file, { line: 1, column: 1 });
    }
    const macros = customMacros(root.Transform);
    // what a macro makes of the template is not known here: a note at the first one says how it was read
    const note = (read: string): ParseNote => {
      const names = macros.map((m) => m.name).join(', ');
      const [s, verb] = macros.length > 1 ? ['s', 'rewrite'] : ['', 'rewrites'];
      const message = `the template uses the macro${s} ${names}, which ${verb} Resources before deployment; ${read}`;
      return { position: parsed.sourceMap.locate(root, macros[0].path), message };
    };
    try {
      if (macros.length === 0) return new Template(parsed, root, options);
      const asWritten = note('the template is checked as written');
      return new Template({ ...parsed, notes: [...(parsed.notes ?? []), asWritten] }, root, options);
    } catch (error) {
      if (!(error instanceof InvalidResources) || macros.length === 0) throw error;
      // nor what it makes of Resources: the template is read without them, not checked
      const notChecked = note(`the template is not checked (as written: ${error.message})`);
      const withoutResources = { ...root, Resources: {} };
      const record = parsed.sourceMap.get(root);
      if (record) parsed.sourceMap.set(withoutResources, record);
      return new Template(
        { ...parsed, notes: [...(parsed.notes ?? []), notChecked] },
        withoutResources,
        options,
        false,
      );
    }
  }

  private add(resources: Map<string, Resource>, resource: Resource): void {
    resources.set(resource.logicalId, resource);
    const list = this.byType.get(resource.type);
    if (list) list.push(resource);
    else this.byType.set(resource.type, [resource]);
  }

  /**
   * Where a path of a resource is written in the document: `Resources.<id>.<path>`, or for a resource SAM
   * creates implicitly, its properties in Globals (and the resource itself at the event that creates it).
   */
  documentPath(resource: Resource, path: string | JsonPath): JsonPath {
    const rel = parsePath(path);
    const implicit = resource.implicit;
    if (!implicit) return ['Resources', resource.logicalId, ...rel];
    if (rel[0] === 'Properties') return [...implicit.configuredAt, ...rel.slice(1)];
    return rel.length === 0 ? [...implicit.createdAt] : ['Resources', resource.logicalId, ...rel];
  }

  /** Resources of one type, in template order. */
  resourcesOfType(type: string): readonly Resource[] {
    return this.byType.get(type) ?? [];
  }

  /**
   * True when the resource's `Condition` is known to be false: it is not deployed, so rules do not check it
   * and it does not count as, say, the alarm or flow log of another resource.
   */
  isExcluded(resource: Resource): boolean {
    return resource.condition !== undefined && this.resolver.condition(resource.condition) === false;
  }

  /** The resource types present, in order of first appearance. */
  get resourceTypes(): Iterable<string> {
    return this.byType.keys();
  }

  get graph(): ReferenceGraph {
    this.graphCache ??= new ReferenceGraph(this.resources.values(), new Set(this.resources.keys()));
    return this.graphCache;
  }

  /** Where a document path is written (or its deepest existing part). */
  locate(path: string | JsonPath): Position {
    return this.sourceMap.locate(this.document, parsePath(path));
  }

  /** Where a path inside a resource (e.g. `Properties.TracingConfig`) is written, or its deepest existing part. */
  locateInResource(resource: Resource, path: string | JsonPath): Position {
    return this.sourceMap.locate(resource.definition, parsePath(path), resource.position);
  }

  /** The resolved value at a path inside a resource, e.g. `Properties.TracingConfig.Mode`. */
  valueAt(resource: Resource, path: string | JsonPath): Resolved {
    return this.resolver.get(resource.definition, path);
  }
}

/** An input error in Resources, which a macro named in Transform may rewrite into valid resources. */
class InvalidResources extends InputError {}

/**
 * The transforms CloudFormation hosts
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/transform-reference.html); any other
 * name in Transform is a macro of the account's own.
 */
const AWS_TRANSFORMS: ReadonlySet<string> = new Set([
  'AWS::CodeDeployBlueGreen',
  'AWS::Include',
  'AWS::LanguageExtensions',
  'AWS::SecretsManager-2020-07-23',
  'AWS::SecretsManager-2024-09-16',
  'AWS::Serverless-2016-10-31',
  'AWS::ServiceCatalog',
]);

/** The transforms a template's Transform names (`Name`, or `{Name, Parameters}`, or a list of them), each with its path. */
function transformNames(transform: unknown): { name: string; path: JsonPath }[] {
  if (transform === undefined) return [];
  const list = Array.isArray(transform) ? transform : [transform];
  const out: { name: string; path: JsonPath }[] = [];
  list.forEach((t, i) => {
    const at: JsonPath = Array.isArray(transform) ? ['Transform', i] : ['Transform'];
    const [name, path] = isPlainObject(t) ? [t.Name, [...at, 'Name']] : [t, at];
    if (typeof name === 'string') out.push({ name, path });
  });
  return out;
}

/** The macros of the account's own that a template's Transform names (not AWS transforms). */
function customMacros(transform: unknown): { name: string; path: JsonPath }[] {
  return transformNames(transform).filter((t) => !AWS_TRANSFORMS.has(t.name));
}

/** A mapping with `Resources` is a template; so is one that declares its format version (and then lacks Resources). */
export function looksLikeTemplate(root: Record<string, unknown>): boolean {
  return 'Resources' in root || 'AWSTemplateFormatVersion' in root;
}

/**
 * A section of names (Parameters, Mappings, Conditions, Outputs) as a table without a prototype, where it is
 * written: a template may name a parameter `constructor` or a condition `__proto__`.
 */
function section(
  root: Record<string, unknown>,
  name: string,
  err: (m: string, p: JsonPath) => InputError,
  sourceMap: SourceMap,
): Record<string, Record<string, unknown>> {
  const value = root[name];
  if (value === undefined || value === null) return nameTable([]);
  if (!isPlainObject(value)) throw err(messages.sectionNotMapping(name, kindOf(value)), [name]);
  const table = nameTable(Object.entries(value) as [string, Record<string, unknown>][]);
  const record = sourceMap.get(value);
  if (record) sourceMap.set(table, record);
  return table;
}

function nameTable<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  // defined, not assigned: a key `__proto__` is an entry like the others
  for (const [k, v] of entries)
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

/** A section made of expanded entries, with the positions of their keys. */
function sectionOf(
  entries: readonly ExpandedEntry[],
  start: Position | undefined,
  sourceMap: SourceMap,
): Record<string, Record<string, unknown>> {
  const out = nameTable(entries.map((e) => [e.key, e.value as Record<string, unknown>] as const));
  const keys = new Map<string, Position>();
  for (const e of entries) if (e.position) keys.set(e.key, e.position);
  if (start) sourceMap.set(out, { start, keys });
  return out;
}

function withGlobals(
  definition: Record<string, unknown>,
  type: string,
  globals: Record<string, unknown>,
  sourceMap: SourceMap,
): Record<string, unknown> {
  const key = Object.keys(SAM_GLOBAL_TYPES).find((k) => SAM_GLOBAL_TYPES[k] === type);
  let global = key === undefined ? undefined : globals[key];
  if (!isPlainObject(global)) return definition;
  // `IgnoreGlobals: '*'` (or a list of property names) opts a resource out of Globals
  const ignore = isPlainObject(definition.Properties) ? definition.Properties.IgnoreGlobals : undefined;
  if (ignore === '*') return definition;
  if (Array.isArray(ignore)) {
    const skipped = new Set(ignore.filter((i): i is string => typeof i === 'string'));
    const kept = nameTable(Object.entries(global).filter(([k]) => !skipped.has(k)));
    const record = sourceMap.get(global);
    if (record) sourceMap.set(kept, record);
    global = kept;
  }
  const properties = mergeGlobals(global, definition.Properties ?? {}, sourceMap);
  const merged = { ...definition, Properties: properties };
  const record = sourceMap.get(definition);
  if (record) sourceMap.set(merged, record);
  return merged;
}

/** The DependsOn of the many resources without one, shared. */
const NO_DEPENDENCIES: readonly string[] = Object.freeze([]);

function makeResource(
  logicalId: string,
  type: string,
  definition: Record<string, unknown>,
  position: Position,
): Resource {
  const properties = isPlainObject(definition.Properties) ? definition.Properties : {};
  const metadata = isPlainObject(definition.Metadata) ? definition.Metadata : undefined;
  const dependsOn = definition.DependsOn;
  const cdkPath = metadata?.['aws:cdk:path'];
  return {
    logicalId,
    type,
    properties,
    definition,
    metadata,
    condition: typeof definition.Condition === 'string' ? definition.Condition : undefined,
    dependsOn:
      dependsOn === undefined
        ? NO_DEPENDENCIES
        : (Array.isArray(dependsOn) ? dependsOn : [dependsOn]).filter((d): d is string => typeof d === 'string'),
    constructPath: typeof cdkPath === 'string' ? cdkPath : undefined,
    position,
  };
}
