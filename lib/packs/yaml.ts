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
 */
import { bestPractice } from '../framework';
import { SEVERITIES, type Severity } from '../engine/finding';
import { defineRule, type Pack, type ResourceRule } from '../engine/rule';
import { InputError } from '../template/errors';
import { findReferences, isPlainObject } from '../template/intrinsics';
import type { Resource, Template } from '../template/model';
import { parseDocument } from '../template/parse';
import type { JsonPath } from '../template/path';
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

/** Reads a YAML/JSON rules file into a pack; mistakes are one line with file:line:col. */
export function loadYamlPack(file: string, shown = file): Pack {
  const parsed = parseDocument(readText(file, undefined, shown), shown);
  const root = parsed.value;
  const fail = (message: string, at: JsonPath = []): InputError =>
    new InputError(`invalid rules file: ${message}`, shown, parsed.sourceMap.locate(root, at));
  if (!isPlainObject(root)) throw fail('expected a mapping with `pack` and `rules`');
  const id = root.pack;
  if (typeof id !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id))
    throw fail('`pack` must be a kebab-case id, the namespace of its rules', ['pack']);
  if (!Array.isArray(root.rules) || root.rules.length === 0) throw fail('`rules` must be a non-empty list', ['rules']);
  const rules = root.rules.map((raw, i) =>
    yamlRule(raw, id, (message, key) => fail(message, key === undefined ? ['rules', i] : ['rules', i, key])),
  );
  if (root.docs !== undefined && typeof root.docs !== 'string')
    throw fail('`docs` must be a URL, with {{name}} where the rule id goes', ['docs']);
  return {
    id,
    title: typeof root.title === 'string' ? root.title : id,
    rules,
    ...(root.docs !== undefined ? { docs: root.docs } : {}),
  };
}

function yamlRule(raw: unknown, pack: string, fail: (message: string, key?: string) => InputError): ResourceRule {
  if (!isPlainObject(raw)) throw fail('each rule must be a mapping');
  const str = (key: string, required = true): string | undefined => {
    const v = raw[key];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || v.trim() === '') throw fail(`\`${key}\` must be a string`, key);
    return v;
  };
  const id = str('id')!;
  if (!id.startsWith(`${pack}/`)) throw fail(`rule id "${id}" must start with the pack's namespace "${pack}/"`, 'id');
  const bp = str('bestPractice')!;
  if (!bestPractice(bp))
    throw fail(`unknown best practice "${bp}" (expected an id such as OPS04-BP05)`, 'bestPractice');
  const severity = str('severity')! as Severity;
  if (!SEVERITIES.includes(severity)) throw fail(`\`severity\` must be one of ${SEVERITIES.join(', ')}`, 'severity');
  const types = raw.resourceTypes;
  if (!Array.isArray(types) || types.length === 0 || !types.every((t) => typeof t === 'string'))
    throw fail('`resourceTypes` must be a list of resource types', 'resourceTypes');
  const path = parseRulePath(str('path')!, (m) => fail(m, 'path'));
  const condition = parseCondition(raw.condition, (m) => fail(m, 'condition'));
  const message = str('message')!;
  const fix = isPlainObject(raw.fix)
    ? { cloudformation: String(raw.fix.cloudformation ?? ''), cdk: String(raw.fix.cdk ?? '') }
    : undefined;
  // a finding points at the path up to its first selector: where the missing item would be added
  const selectorAt = path.findIndex((s) => typeof s === 'object');
  const reportPath = (selectorAt === -1 ? path : path.slice(0, selectorAt)) as (string | number)[];

  return defineRule({
    id,
    title: str('title')!,
    bestPractice: bp,
    severity,
    resourceTypes: types as string[],
    messages: { failed: message },
    // a YAML rule has no options: one given in the configuration is a mistake
    optionsSchema: {},
    why: str('why', false),
    docs: str('docs', false),
    fix,
    check(resource, ctx) {
      const outcome = evaluate(ctx.template, resource, path, condition);
      if (outcome === undefined || outcome.pass) return;
      ctx.report({
        messageId: 'failed',
        path: reportPath,
        data: {
          resource: resource.logicalId,
          type: resource.type,
          path: str('path')!,
          value: outcome.value === undefined ? 'nothing' : JSON.stringify(outcome.value),
        },
      });
    },
  });
}

function parseRulePath(text: string, fail: (m: string) => InputError): Segment[] {
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
    throw fail(`cannot read the path "${text}"; write it like Properties.Tags[Key=Owner].Value`);
  return out;
}

function parseCondition(raw: unknown, fail: (m: string) => InputError): Condition {
  if (raw === 'exists' || raw === 'absent') return { kind: raw };
  if (!isPlainObject(raw) || Object.keys(raw).length !== 1 || !CONDITIONS.includes(Object.keys(raw)[0])) {
    throw fail(`\`condition\` must be exists, absent, or one of { ${CONDITIONS.slice(2).join(' | ')}: … }`);
  }
  const [kind, arg] = Object.entries(raw)[0];
  switch (kind) {
    case 'exists':
    case 'absent':
      return { kind };
    case 'equals':
      return { kind, value: arg };
    case 'oneOf':
      if (!Array.isArray(arg)) throw fail('`oneOf` takes a list');
      return { kind, values: arg };
    case 'matches':
      try {
        return { kind, re: new RegExp(String(arg)) };
      } catch {
        throw fail(`\`matches\` is not a valid regular expression: ${String(arg)}`);
      }
    case 'atLeast':
    case 'atMost':
      if (typeof arg !== 'number') throw fail(`\`${kind}\` takes a number`);
      return { kind, n: arg };
    default:
      if (typeof arg !== 'string') throw fail('`references` takes a resource type');
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
