/**
 * Recognising intrinsic functions and the resource references inside a value. Shared by the reference
 * graph, the resolver and rules, so that "what does this value point at" has one answer everywhere.
 */
import type { JsonPath, PathSegment } from './path';

export type Intrinsic = { readonly name: string; readonly arg: unknown };

// `Rain::*` are directives of the rain CLI, expanded before deployment; they are values nobody can know here
const FUNCTION_KEYS = /^(Ref|Condition|Fn::[A-Za-z0-9]+|Rain::[A-Za-z]+)$/;

/** `{ "Fn::Join": [...] }` → `{ name: 'Fn::Join', arg: [...] }`; anything else → undefined. */
export function asIntrinsic(value: unknown): Intrinsic | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || !FUNCTION_KEYS.test(keys[0])) return undefined;
  return { name: keys[0], arg: (value as Record<string, unknown>)[keys[0]] };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `table[key]` when `key` is the table's own: a name written in a template (`constructor`, `__proto__`,
 * `toString`…) must not find what every JavaScript object inherits.
 */
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

/** One reference from a value to a name: `Ref X`, `Fn::GetAtt [X, Attr]` or `${X}` / `${X.Attr}` in `Fn::Sub`. */
export interface ValueReference {
  readonly kind: 'Ref' | 'GetAtt' | 'Sub';
  readonly target: string;
  readonly attribute?: string;
  /** where the reference sits, relative to the value that was searched */
  readonly path: JsonPath;
}

/** `Fn::GetAtt` accepts `[id, attr]` and, from some writers, `"id.attr"`. */
export function getAttParts(arg: unknown): [string, string | undefined] | undefined {
  if (Array.isArray(arg) && typeof arg[0] === 'string')
    return [arg[0], typeof arg[1] === 'string' ? arg[1] : undefined];
  if (typeof arg === 'string') {
    const dot = arg.indexOf('.');
    return dot < 0 ? [arg, undefined] : [arg.slice(0, dot), arg.slice(dot + 1)];
  }
  return undefined;
}

/** One `${…}` of a text: where it starts and ends, its sigil (`$`, or `&` in a ForEach key) and what is inside. */
export interface Placeholder {
  readonly start: number;
  readonly end: number;
  readonly sigil: string;
  readonly inner: string;
}

/**
 * The `${…}` of a text, in order, as `/\$\{([^}]+)\}/g` finds them (`sigils`: the characters that may open one
 * instead of `$`; `empty`: `${}` counts, as with `[^}]*`; `literals: false`: `${!…}` does not, as with `(?!!)`),
 * found in one pass: that pattern reads to the end of the text from every `${` that no `}` follows, which on a
 * long hostile string takes minutes.
 */
export function placeholders(
  text: string,
  options: { readonly sigils?: string; readonly empty?: boolean; readonly literals?: boolean } = {},
): Placeholder[] {
  const { sigils = '$', empty = false, literals = true } = options;
  const out: Placeholder[] = [];
  let from = 0;
  for (let open = text.indexOf('{', from + 1); open > 0; open = text.indexOf('{', from + 1)) {
    const sigil = text[open - 1];
    const next = open + 1;
    if (!sigils.includes(sigil) || (!literals && text[next] === '!')) {
      from = open;
      continue;
    }
    const close = text.indexOf('}', next);
    // no `}` after this one: none after any later `${` either
    if (close < 0) break;
    if (close === next && !empty) {
      from = open;
      continue;
    }
    out.push({ start: open - 1, end: close + 1, sigil, inner: text.slice(next, close) });
    from = close + 1;
  }
  return out;
}

/** `text` with each of its {@link placeholders} replaced by what `replace` returns for it. */
export function replacePlaceholders(
  text: string,
  replace: (p: Placeholder) => string,
  options?: Parameters<typeof placeholders>[1],
): string {
  let out = '';
  let last = 0;
  for (const p of placeholders(text, options)) {
    out += text.slice(last, p.start) + replace(p);
    last = p.end;
  }
  return out + text.slice(last);
}

/**
 * The most characters a string the resolver builds (Fn::Join, Fn::Sub, Fn::ToJsonString…) may have: a template
 * body is at most 1 MB, and no property value is longer. A longer result is unknown, so that a template that
 * joins a large string hundreds of times cannot exhaust memory.
 */
export const MAX_RESOLVED_STRING = 1024 * 1024;

/** `parts` joined by `separator`, as rules spell out values the resolver cannot; undefined past {@link MAX_RESOLVED_STRING}. */
export function boundedJoin(parts: readonly string[], separator: string): string | undefined {
  let length = 0;
  for (const p of parts) length += p.length + separator.length;
  return length > MAX_RESOLVED_STRING ? undefined : parts.join(separator);
}
/** {@link replacePlaceholders}, as rules spell out a `Fn::Sub`; undefined past {@link MAX_RESOLVED_STRING}. */
export function boundedReplace(
  text: string,
  replace: (p: Placeholder) => string,
  options?: Parameters<typeof placeholders>[1],
): string | undefined {
  let length = text.length;
  const out = replacePlaceholders(
    text,
    (p) => {
      const part = replace(p);
      length += part.length;
      return length > MAX_RESOLVED_STRING ? '' : part;
    },
    options,
  );
  return length > MAX_RESOLVED_STRING ? undefined : out;
}

/** Variables named in a `Fn::Sub` template string: `${X}` and `${X.Attr}`; `${!Literal}` is not one. */
export function subVariables(template: string): { name: string; attribute?: string; raw: string }[] {
  const out: { name: string; attribute?: string; raw: string }[] = [];
  for (const m of placeholders(template, { literals: false })) {
    const raw = m.inner.trim();
    const dot = raw.indexOf('.');
    out.push(dot < 0 ? { name: raw, raw } : { name: raw.slice(0, dot), attribute: raw.slice(dot + 1), raw });
  }
  return out;
}

/**
 * Every Ref, GetAtt and Sub variable inside `value`, at any depth (both branches of an `Fn::If`).
 * Names are reported as written; callers keep those that name resources. Paths start with `prefix`.
 */
export function findReferences(value: unknown, prefix: readonly PathSegment[] = []): ValueReference[] {
  const out: ValueReference[] = [];
  // one mutable path, copied only when a reference is recorded (this runs over every value of a template)
  const path: PathSegment[] = [...prefix];
  const visit = (v: unknown): void => {
    if (typeof v !== 'object' || v === null) return;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        visit(v[i]);
        path.pop();
      }
      return;
    }
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const name = keys[0];
      const arg = (v as Record<string, unknown>)[name];
      if (name === 'Ref' && typeof arg === 'string') {
        out.push({ kind: 'Ref', target: arg, path: [...path] });
        return;
      }
      if (name === 'Fn::GetAtt') {
        const parts = getAttParts(arg);
        if (parts)
          out.push(
            parts[1] === undefined
              ? { kind: 'GetAtt', target: parts[0], path: [...path] }
              : { kind: 'GetAtt', target: parts[0], attribute: parts[1], path: [...path] },
          );
        // the attribute name may itself be an intrinsic (rare)
        if (Array.isArray(arg) && typeof arg[1] === 'object') {
          path.push(name, 1);
          visit(arg[1]);
          path.length -= 2;
        }
        return;
      }
      if (name === 'Fn::Sub') {
        const [template, vars] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, undefined];
        const local = isPlainObject(vars) ? new Set(Object.keys(vars)) : undefined;
        if (typeof template === 'string' && template.includes('${')) {
          for (const sv of subVariables(template)) {
            if (local?.has(sv.raw) || local?.has(sv.name)) continue;
            out.push(
              sv.attribute === undefined
                ? { kind: 'Sub', target: sv.name, path: [...path] }
                : { kind: 'Sub', target: sv.name, attribute: sv.attribute, path: [...path] },
            );
          }
        }
        if (isPlainObject(vars)) {
          for (const k of Object.keys(vars)) {
            path.push(name, 1, k);
            visit(vars[k]);
            path.length -= 3;
          }
        }
        return;
      }
    }
    for (const k of keys) {
      path.push(k);
      visit((v as Record<string, unknown>)[k]);
      path.pop();
    }
  };
  visit(value);
  return out;
}
