/**
 * No-code rules: a YAML (or JSON) file that declares a pack of rules, each a resource type, a property path,
 * and a condition on the value found there. For teams that would rather not write TypeScript.
 *
 * ```yaml
 * pack: acme
 * rules:
 *   - id: acme/cost-center-tag
 *     title: Functions carry a CostCenter tag
 *     bestPractice: OPS02-BP01
 *     severity: warning
 *     resourceTypes: [AWS::Lambda::Function]
 *     path: Properties.Tags[Key=CostCenter].Value
 *     condition: exists
 *     message: '{{resource}} has no CostCenter tag.'
 *     docs: https://wiki.acme.example/opslint/cost-center-tag   # optional; default: the pack's `docs`
 * ```
 *
 * A pack-level `docs: https://wiki.acme.example/opslint/{{name}}` links each rule without `docs` of its own
 * (`{{name}}`: the rule id without the namespace); without either, a finding links to no page.
 *
 * Conditions: `exists`, `absent`, `{ equals: v }`, `{ oneOf: [...] }`, `{ matches: regex }`, `{ atLeast: n }`,
 * `{ atMost: n }` (numbers, or the length of a list), `{ references: AWS::SNS::Topic }` (the value refers to a
 * resource of that type). A path segment `[Field=value]` picks the list item whose field has that value (for
 * a mapping, such as SAM's Tags, `[Key=name]` picks the key `name`). A value that cannot be known before
 * deployment never gives a finding.
 *
 * `{{value}}` in `message` is the value found, as JSON; a rule whose condition fails when the property is not set
 * (all but `absent` and `atMost`) and whose message shows it needs `messageWhenAbsent` for that case (message id
 * `absent`), checked at load. The mistakes of a file are reported together, one line each.
 */
import { bestPractice } from '../framework';
import { SEVERITIES, type Severity } from '../engine/finding';
import { defineRule, type Pack, type ResourceRule, type Rule } from '../engine/rule';
import { InputError } from '../template/errors';
import { findReferences, isPlainObject } from '../template/intrinsics';
import type { Resource, Template } from '../template/model';
import { parseDocument } from '../template/parse';
import type { JsonPath } from '../template/path';
import type { Position } from '../template/source';
import { readText } from '../template/load';

/** A path segment: a key, an index, or `[Field=value]`. */
type Segment = string | number | { readonly field: string; readonly value: string };

type Condition =
  | { readonly kind: 'exists' }
  | { readonly kind: 'absent' }
  | { readonly kind: 'equals'; readonly value: unknown }
  | { readonly kind: 'oneOf'; readonly values: readonly unknown[] }
  | { readonly kind: 'matches'; readonly re: RegExp }
  | { readonly kind: 'atLeast' | 'atMost'; readonly n: number }
  | { readonly kind: 'references'; readonly type: string };

const CONDITIONS = ['exists', 'absent', 'equals', 'oneOf', 'matches', 'atLeast', 'atMost', 'references'];

/**
 * The mistakes of a rules file, every one found, in file order: one `file:line:col: message` line each, so that
 * an author fixes them in one go.
 */
export class RulesFileError extends Error {
  constructor(readonly problems: readonly InputError[]) {
    super(problems.map((p) => p.format()).join('\n'));
    this.name = 'RulesFileError';
  }
}

/** Where each pack and rule read from a rules file is defined (`rules.yaml:3:9`, its id), for messages about a clash. */
const definedAt = new WeakMap<Pack | Rule, string>();

/** Where a pack or rule read by {@link loadYamlPack} is defined, `file:line:col`; undefined for one written in code. */
export function yamlLocation(of: Pack | Rule): string | undefined {
  return definedAt.get(of);
}

/** What each rule read from a rules file checks: its `path` and `condition`, as the file wrote them. */
const checks = new WeakMap<Rule, { readonly path: string; readonly condition: string }>();

/** The `path` and `condition` of a rule read by {@link loadYamlPack} (`atLeast: 345600`); undefined for one written in code. */
export function yamlCheck(rule: Rule): { readonly path: string; readonly condition: string } | undefined {
  return checks.get(rule);
}

/**
 * Reads a YAML/JSON rules file into a pack; its mistakes, all of them, are one line each with file:line:col. `text`
 * is the file's, read before (a rules file baked into the Lambda Hook's bundle).
 */
export function loadYamlPack(file: string, shown = file, text = readText(file, undefined, shown)): Pack {
  const parsed = parseDocument(text, shown);
  const root = parsed.value;
  const at = (path: JsonPath): Position => parsed.sourceMap.locate(root, path);
  const problems: InputError[] = [];
  const problem = (message: string, path: JsonPath = []): void => {
    problems.push(new InputError(`invalid rules file: ${message}`, shown, at(path)));
  };
  const done = (): void => {
    if (problems.length === 0) return;
    problems.sort((a, b) => a.position!.line - b.position!.line || a.position!.column - b.position!.column);
    throw new RulesFileError(problems);
  };
  if (!isPlainObject(root)) problem('expected a mapping with `pack` and `rules`');
  done();
  const top = root as Record<string, unknown>;
  const id = top.pack;
  const validId = typeof id === 'string' && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(id);
  if (!validId) problem('`pack` must be a kebab-case id, the namespace of its rules', ['pack']);
  if (top.docs !== undefined && typeof top.docs !== 'string')
    problem('`docs` must be a URL, with {{name}} where the rule id goes', ['docs']);
  const rules: ResourceRule[] = [];
  if (!Array.isArray(top.rules) || top.rules.length === 0) {
    problem('`rules` must be a non-empty list', ['rules']);
  } else {
    const seen = new Map<string, Position>();
    top.rules.forEach((raw, i) => {
      const rule = yamlRule(raw, validId ? (id as string) : undefined, (message, key) =>
        problem(message, key === undefined ? ['rules', i] : ['rules', i, key]),
      );
      if (!rule) return;
      const where = at(['rules', i, 'id']);
      const first = seen.get(rule.id);
      if (first) {
        problem(`rule "${rule.id}" is defined twice (first at line ${first.line}, column ${first.column})`, [
          'rules',
          i,
          'id',
        ]);
      }
      seen.set(rule.id, first ?? where);
      definedAt.set(rule, `${shown}:${where.line}:${where.column}`);
      rules.push(rule);
    });
  }
  done();
  const pack: Pack = {
    id: id as string,
    title: typeof top.title === 'string' ? top.title : (id as string),
    rules,
    ...(top.docs !== undefined ? { docs: top.docs as string } : {}),
  };
  const where = at(['pack']);
  definedAt.set(pack, `${shown}:${where.line}:${where.column}`);
  return pack;
}

/**
 * One rule of a rules file, or undefined when it has mistakes (each told to `problem`, with the key it is at).
 * `pack` is the namespace its id must be in, undefined when the pack's own id is wrong.
 */
function yamlRule(
  raw: unknown,
  pack: string | undefined,
  problem: (message: string, key?: string) => void,
): ResourceRule | undefined {
  if (!isPlainObject(raw)) {
    problem('each rule must be a mapping');
    return undefined;
  }
  let ok = true;
  const wrong = (message: string, key: string): undefined => {
    ok = false;
    problem(message, key);
    return undefined;
  };
  const str = (key: string, required = true): string | undefined => {
    const v = raw[key];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || v.trim() === '') return wrong(`\`${key}\` must be a string`, key);
    return v;
  };
  const id = str('id');
  if (id !== undefined && pack !== undefined && !id.startsWith(`${pack}/`))
    wrong(`rule id "${id}" must start with the pack's namespace "${pack}/"`, 'id');
  const title = str('title');
  const bp = str('bestPractice');
  if (bp !== undefined && !bestPractice(bp))
    wrong(`unknown best practice "${bp}" (expected an id such as OPS04-BP05)`, 'bestPractice');
  const severity = str('severity') as Severity | undefined;
  if (severity !== undefined && !SEVERITIES.includes(severity))
    wrong(`\`severity\` must be one of ${SEVERITIES.join(', ')}`, 'severity');
  const types = raw.resourceTypes;
  if (!Array.isArray(types) || types.length === 0 || !types.every((t) => typeof t === 'string'))
    wrong('`resourceTypes` must be a list of resource types', 'resourceTypes');
  const pathText = str('path');
  const path = pathText === undefined ? undefined : parseRulePath(pathText, (m) => wrong(m, 'path'));
  const condition = parseCondition(raw.condition, (m) => wrong(m, 'condition'));
  const message = str('message');
  const whenAbsent = str('messageWhenAbsent', false);
  if (condition && message !== undefined)
    checkValuePlaceholder(condition, message, whenAbsent, (m, key) => wrong(m, key));
  const why = str('why', false);
  const docs = str('docs', false);
  if (!ok) return undefined;
  const fix = isPlainObject(raw.fix)
    ? { cloudformation: String(raw.fix.cloudformation ?? ''), cdk: String(raw.fix.cdk ?? '') }
    : undefined;
  // a finding points at the path up to its first selector: where the missing item would be added
  const selectorAt = path!.findIndex((s) => typeof s === 'object');
  const reportPath = (selectorAt === -1 ? path! : path!.slice(0, selectorAt)) as (string | number)[];

  const rule = defineRule({
    id: id!,
    title: title!,
    bestPractice: bp!,
    severity: severity!,
    resourceTypes: types as string[],
    messages: { failed: message!, ...(whenAbsent !== undefined ? { absent: whenAbsent } : {}) },
    // a YAML rule has no options: one given in the configuration is a mistake
    optionsSchema: {},
    why,
    docs,
    fix,
    check(resource, ctx) {
      const outcome = evaluate(ctx.template, resource, path!, condition!);
      if (outcome === undefined || outcome.pass) return;
      const absent = outcome.value === undefined;
      ctx.report({
        messageId: absent && whenAbsent !== undefined ? 'absent' : 'failed',
        path: reportPath,
        data: {
          resource: resource.logicalId,
          type: resource.type,
          path: pathText!,
          // only a message that cannot meet an absent value uses it (checked at load)
          ...(absent ? {} : { value: JSON.stringify(outcome.value) }),
        },
      });
    },
  });
  checks.set(rule, { path: pathText!, condition: conditionText(raw.condition) });
  return rule;
}

/** A valid condition as the file wrote it, on one line: `exists`, `atLeast: 345600`, `oneOf: ["a","b"]`. */
function conditionText(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  const [kind, arg] = Object.entries(raw as object)[0] as [string, unknown];
  if (arg === null || arg === undefined) return kind;
  return `${kind}: ${typeof arg === 'string' ? arg : JSON.stringify(arg)}`;
}

const VALUE = /\{\{\s*value\s*\}\}/;

/**
 * `{{value}}` in a message must have a value to show whenever that message is used: a rule whose condition fails
 * when the property is not set (all but `absent` and `atMost`) says so with `messageWhenAbsent`, which cannot
 * show a value, and a rule that fails only then (`exists`) has no value to show at all.
 */
function checkValuePlaceholder(
  condition: Condition,
  message: string,
  whenAbsent: string | undefined,
  wrong: (message: string, key: string) => void,
): void {
  if (whenAbsent !== undefined && VALUE.test(whenAbsent))
    wrong(
      '`messageWhenAbsent` is used when the property is not set, so it has no {{value}} to show',
      'messageWhenAbsent',
    );
  if (!VALUE.test(message)) {
    if (whenAbsent !== undefined && condition.kind === 'exists')
      wrong('an `exists` rule fails only when the property is not set: `message` alone says so', 'messageWhenAbsent');
    return;
  }
  if (condition.kind === 'exists')
    wrong(
      '`message` uses {{value}}, but an `exists` rule fails only when the property is not set: there is no value to show',
      'message',
    );
  else if (whenAbsent === undefined && condition.kind !== 'absent' && condition.kind !== 'atMost')
    wrong(
      `\`message\` uses {{value}}, but ${/^[aeiou]/.test(condition.kind) ? 'an' : 'a'} \`${condition.kind}\` rule also fails when the property is not set: add \`messageWhenAbsent\` for that case`,
      'message',
    );
}

function parseRulePath(text: string, fail: (m: string) => undefined): Segment[] | undefined {
  const out: Segment[] = [];
  const re = /\[(\d+)\]|\[([^=\]]+)=([^\]]*)\]|\.?([^.[\]]+)/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(text)) !== null) {
    if (m.index !== consumed) break;
    consumed = re.lastIndex;
    if (m[1] !== undefined) out.push(Number(m[1]));
    else if (m[2] !== undefined) out.push({ field: m[2].trim(), value: m[3].trim() });
    else out.push(m[4]);
  }
  if (consumed !== text.length || out.length === 0)
    return fail(`cannot read the path "${text}"; write it like Properties.Tags[Key=Owner].Value`);
  return out;
}

function parseCondition(raw: unknown, fail: (m: string) => undefined): Condition | undefined {
  if (raw === 'exists' || raw === 'absent') return { kind: raw };
  if (!isPlainObject(raw) || Object.keys(raw).length !== 1 || !CONDITIONS.includes(Object.keys(raw)[0])) {
    return fail(`\`condition\` must be exists, absent, or one of { ${CONDITIONS.slice(2).join(' | ')}: … }`);
  }
  const [kind, arg] = Object.entries(raw)[0];
  switch (kind) {
    case 'exists':
    case 'absent':
      return { kind };
    case 'equals':
      return { kind, value: arg };
    case 'oneOf':
      if (!Array.isArray(arg)) return fail('`oneOf` takes a list');
      return { kind, values: arg };
    case 'matches':
      try {
        return { kind, re: new RegExp(String(arg)) };
      } catch {
        return fail(`\`matches\` is not a valid regular expression: ${String(arg)}`);
      }
    case 'atLeast':
    case 'atMost':
      if (typeof arg !== 'number') return fail(`\`${kind}\` takes a number`);
      return { kind, n: arg };
    default:
      if (typeof arg !== 'string') return fail('`references` takes a resource type');
      return { kind: 'references', type: arg };
  }
}

/** Follows the path through intrinsic functions; undefined when a step cannot be known. */
function evaluate(
  template: Template,
  resource: Resource,
  path: readonly Segment[],
  condition: Condition,
): { pass: boolean; value: unknown } | undefined {
  let current: unknown = resource.definition;
  let raw: unknown = current;
  for (const seg of path) {
    const r = template.resolver.resolve(current);
    if (!r.known) return undefined;
    const v = r.value;
    if (typeof seg === 'object') {
      if (Array.isArray(v)) {
        const match = v.find((item) => {
          const field = template.resolver.get(item, [seg.field]);
          return field.known && String(field.value) === seg.value;
        });
        current = match;
      } else if (isPlainObject(v) && seg.field === 'Key') {
        // a mapping of tags (SAM): the key is the item, its value is `Value`
        current = Object.prototype.hasOwnProperty.call(v, seg.value)
          ? { Key: seg.value, Value: v[seg.value] }
          : undefined;
      } else {
        current = undefined;
      }
    } else if (Array.isArray(v) && typeof seg === 'number') {
      current = v[seg];
    } else if (isPlainObject(v) && Object.prototype.hasOwnProperty.call(v, String(seg))) {
      current = v[String(seg)];
    } else {
      current = undefined;
    }
    raw = current;
    if (current === undefined) break;
  }
  if (condition.kind === 'references') {
    const types = findReferences(raw).map((ref) => template.resources.get(ref.target)?.type);
    return { pass: types.includes(condition.type), value: raw };
  }
  const r = template.resolver.deep(current);
  if (!r.known) return undefined;
  const value = r.value;
  const present = value !== undefined && value !== null && value !== '';
  const count = Array.isArray(value) ? value.length : Number(value);
  switch (condition.kind) {
    case 'exists':
      return { pass: present, value };
    case 'absent':
      return { pass: !present, value };
    case 'equals':
      return { pass: present && String(value) === String(condition.value), value };
    case 'oneOf':
      return { pass: present && condition.values.some((x) => String(x) === String(value)), value };
    case 'matches':
      return { pass: typeof value === 'string' && condition.re.test(value), value };
    case 'atLeast':
      return { pass: present && !Number.isNaN(count) && count >= condition.n, value };
    case 'atMost':
      return { pass: !present || (!Number.isNaN(count) && count <= condition.n), value };
  }
}
