/**
 * Shared by the API Gateway rules of the access-logs pack: SAM's implicit APIs. A function event of type
 * `Api` (or `HttpApi`) without `RestApiId` (or `ApiId`) makes SAM create one API for the whole template,
 * `ServerlessRestApi` (or `ServerlessHttpApi`), configured only by `Globals.Api` (or `Globals.HttpApi`).
 * Its findings are reported once per template, on the first function event that creates it. Not a rule.
 */
import type { ResourceContext, RuleOptions } from '../../lib/engine/rule';
import { isPlainObject } from '../../lib/template/intrinsics';
import type { Template } from '../../lib/template/model';
import type { JsonPath } from '../../lib/template/path';
import { valuesAt } from './values';

export interface ImplicitApi {
  readonly kind: 'Api' | 'HttpApi';
  /** the logical id SAM gives the API it creates */
  readonly logicalId: 'ServerlessRestApi' | 'ServerlessHttpApi';
  /** the function holding the first event that creates it */
  readonly functionId: string;
  readonly event: string;
}

const REFERENCE_PROPERTY = { Api: 'RestApiId', HttpApi: 'ApiId' } as const;

/** The implicit APIs of a template, each with the first function event that creates it. */
export function implicitApis(template: Template): ImplicitApi[] {
  const found = new Map<'Api' | 'HttpApi', ImplicitApi>();
  for (const fn of template.resourcesOfType('AWS::Serverless::Function')) {
    if (template.isExcluded(fn)) continue;
    const events = template.valueAt(fn, 'Properties.Events');
    if (!events.known || !isPlainObject(events.value)) continue;
    for (const [name, event] of Object.entries(events.value)) {
      if (!isPlainObject(event)) continue;
      const type = event.Type;
      if (type !== 'Api' && type !== 'HttpApi') continue;
      if (found.has(type)) continue;
      const props = isPlainObject(event.Properties) ? event.Properties : {};
      // an event naming its API (even through an unknown expression) attaches to that API
      if (props[REFERENCE_PROPERTY[type]] !== undefined) continue;
      // an explicit resource with the implicit API's logical id is that API
      const logicalId = type === 'Api' ? 'ServerlessRestApi' : 'ServerlessHttpApi';
      if (template.resources.has(logicalId)) continue;
      found.set(type, { kind: type, logicalId, functionId: fn.logicalId, event: name });
    }
  }
  return [...found.values()];
}

/** The implicit API of this kind whose findings belong on the function being checked, if any. */
export function implicitApiOf<O extends RuleOptions>(ctx: ResourceContext<O>, kind: 'Api' | 'HttpApi'): ImplicitApi | undefined {
  const apis = ctx.memo('sam-implicit-apis', () => implicitApis(ctx.template));
  return apis.find((a) => a.kind === kind && a.functionId === ctx.resource.logicalId);
}

/** The values a path of the template as written can take, e.g. `globalValues(ctx, ['Globals', 'Api', 'MethodSettings'])`. */
export function globalValues<O extends RuleOptions>(ctx: ResourceContext<O>, path: JsonPath): unknown[] {
  return valuesAt(ctx.resolve, ctx.template.document, path);
}
