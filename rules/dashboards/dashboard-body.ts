/**
 * Reading a dashboard's `DashboardBody`: a JSON document written as a string, usually built with `Fn::Join`
 * or `Fn::Sub` around references (the CDK always writes it that way). Shared by rules that look for metrics
 * or anomaly bands on dashboards. Not a rule.
 */
import { asIntrinsic, boundedJoin, isPlainObject, replacePlaceholders, type Resolver } from '../../lib/rule';

/** Stands for a value only known at deployment, inside the JSON text. */
export const TOKEN = '\uE000';

/**
 * The body as text, each value that cannot be known before deployment replaced by {@link TOKEN};
 * undefined when its shape cannot be followed (an `Fn::If` around it, an unresolvable list) or it would be longer
 * than the resolver builds a string.
 */
export function dashboardText(value: unknown, resolver: Resolver, depth = 0): string | undefined {
  if (depth > 16) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const fn = asIntrinsic(value);
  if (!fn) return undefined;
  const r = resolver.resolve(value);
  if (r.known) return typeof r.value === 'string' ? r.value : undefined;
  switch (fn.name) {
    case 'Fn::Join': {
      if (!Array.isArray(fn.arg) || typeof fn.arg[0] !== 'string' || !Array.isArray(fn.arg[1])) return undefined;
      const parts = (fn.arg[1] as unknown[]).map((p) => dashboardText(p, resolver, depth + 1) ?? TOKEN);
      return boundedJoin(parts, fn.arg[0]);
    }
    case 'Fn::Sub': {
      const template = Array.isArray(fn.arg) ? fn.arg[0] : fn.arg;
      return typeof template === 'string' ? replacePlaceholders(template, () => TOKEN, { literals: false }) : undefined;
    }
    case 'Ref':
    case 'Fn::GetAtt':
    case 'Fn::ImportValue':
    case 'Fn::Select':
    case 'Fn::FindInMap':
      return TOKEN;
    default:
      return undefined;
  }
}

/**
 * The text with each {@link TOKEN} outside a JSON string made a number (inside one, it stays in the string).
 * One pass: matching the strings with `/"(?:[^"\\]|\\.)*"/g` read to the end of the text from every quote of an
 * unterminated one. An unterminated string is left as it is: the text is not JSON anyway.
 */
function tokensAsNumbers(text: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === TOKEN) {
      out += `${text.slice(last, i)}0`;
      last = i + 1;
    } else if (text[i] === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    }
  }
  return out + text.slice(last);
}

/**
 * The namespaces of the metrics graphed on a dashboard (`widgets[].properties.metrics` rows, where `"."` repeats
 * the row above); {@link TOKEN} for a namespace known only at deployment. Undefined when the body is not JSON.
 */
export function dashboardNamespaces(text: string): string[] | undefined {
  let body: unknown;
  try {
    body = JSON.parse(tokensAsNumbers(text));
  } catch {
    return undefined;
  }
  const widgets = isPlainObject(body) && Array.isArray(body.widgets) ? body.widgets : [];
  const out: string[] = [];
  for (const widget of widgets) {
    const properties = isPlainObject(widget) ? widget.properties : undefined;
    const rows = isPlainObject(properties) && Array.isArray(properties.metrics) ? properties.metrics : [];
    let previous: string | undefined;
    for (const row of rows) {
      if (!Array.isArray(row) || typeof row[0] !== 'string') continue;
      const namespace = row[0] === '.' ? previous : row[0];
      if (namespace === undefined) continue;
      previous = namespace;
      out.push(namespace.includes(TOKEN) ? TOKEN : namespace);
    }
  }
  return out;
}
