import { defineRule } from '../../lib/rule';

/**
 * Lambda managed runtimes that AWS has deprecated, with the date each was deprecated (the date security
 * patches and technical support ended; creating and then updating functions is blocked some months later).
 *
 * Source: the "Supported runtimes" and "Deprecated runtimes" tables of
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html, with the AWS Health notices for
 * provided.al2 (2026-07-31) and python3.10 (2026-10-31). Compiled on TABLE_DATE; only runtimes deprecated on
 * or before that date are listed, so the output does not depend on the day of the scan. The table is
 * updated with opslint releases; runtimes deprecated since then can be added with the `retiredRuntimes`
 * option. Container-image-only runtimes (dotnet5.0, dotnet7, dotnet9) have no Runtime property and are left out.
 */
export const TABLE_DATE = '2026-11-27';
export const DEPRECATED_RUNTIMES: Readonly<Record<string, string>> = {
  nodejs: '2016-10-31',
  'nodejs4.3': '2020-03-05',
  'nodejs4.3-edge': '2020-03-05',
  'nodejs6.10': '2019-08-12',
  'nodejs8.10': '2020-03-06',
  'nodejs10.x': '2021-07-30',
  'nodejs12.x': '2023-03-31',
  'nodejs14.x': '2023-12-04',
  'nodejs16.x': '2024-06-12',
  'nodejs18.x': '2025-09-01',
  'nodejs20.x': '2026-04-30',
  'python2.7': '2021-07-15',
  'python3.6': '2022-07-18',
  'python3.7': '2023-12-04',
  'python3.8': '2024-10-14',
  'python3.9': '2025-12-15',
  'python3.10': '2026-10-31',
  java8: '2024-01-08',
  'dotnetcore1.0': '2019-06-27',
  'dotnetcore2.0': '2019-05-30',
  'dotnetcore2.1': '2022-01-05',
  'dotnetcore3.1': '2023-04-03',
  dotnet6: '2024-12-20',
  dotnet8: '2026-11-10',
  'ruby2.5': '2021-07-30',
  'ruby2.7': '2023-12-07',
  'ruby3.2': '2026-03-31',
  'go1.x': '2024-01-08',
  provided: '2024-01-08',
  'provided.al2': '2026-07-31',
};

/** What to move to, by runtime family. */
const SUCCESSORS: readonly [RegExp, string][] = [
  [/^nodejs/, 'nodejs24.x'],
  [/^python/, 'python3.14'],
  [/^java/, 'java25 (or java8.al2023, java11.al2023, java17.al2023 to stay on the same Java version)'],
  [/^dotnet/, 'dotnet10'],
  [/^ruby/, 'ruby3.4'],
  [/^(go|provided)/, 'provided.al2023'],
];

export default defineRule({
  id: 'lambda-runtime-supported',
  title: 'Lambda functions use a runtime that AWS still patches',
  bestPractice: 'OPS05-BP05',
  resourceTypes: ['AWS::Lambda::Function', 'AWS::Serverless::Function'],
  severity: 'warning',
  options: {
    retiredRuntimes: [] as string[],
  },
  optionsSchema: { retiredRuntimes: { type: 'array', items: { type: 'string' } } },
  optionDocs: {
    retiredRuntimes: `More runtime identifiers to flag, such as runtimes deprecated after ${TABLE_DATE} (the date of the built-in table) or ones your organization has retired early.`,
  },
  messages: {
    deprecated:
      'Lambda function {{name}} uses runtime {{runtime}}, which AWS Lambda deprecated on {{date}}; it no longer receives security patches. Move it to {{successor}}.',
    retired:
      'Lambda function {{name}} uses runtime {{runtime}}, which the retiredRuntimes option lists as retired; move it to {{successor}}.',
  },
  why:
    'Once a Lambda runtime is deprecated, AWS stops applying security patches to its language runtime and operating ' +
    'system, and functions on it lose technical support. Some months later AWS blocks creating functions on it and then ' +
    'updating them, so a stack that still uses it fails to deploy at the worst moment: during a fix. Moving to a supported ' +
    'runtime is routine maintenance that is cheapest while the code is fresh. The check uses a table of deprecation dates ' +
    `from the AWS Lambda documentation, compiled on ${TABLE_DATE} and updated with opslint releases, so that the same ` +
    'template gives the same findings on any day; the Runtime of a SAM function may come from Globals.',
  fix: {
    cloudformation:
      'OrdersFunction:\n  Type: AWS::Lambda::Function\n  Properties:\n    Runtime: nodejs24.x   # was nodejs18.x\n' +
      '# SAM: Runtime on the AWS::Serverless::Function, or once in Globals.Function.Runtime',
    cdk: 'new lambda.Function(this, "Orders", { runtime: lambda.Runtime.NODEJS_24_X, /* … */ });\n// NodejsFunction / PythonFunction: the same runtime prop',
  },
  roles: {
    machinery: {
      check: true,
      why: 'a deprecated runtime gets no security patches whatever invokes the function, and once AWS blocks updates to it the stack that holds it can no longer deploy.',
    },
    edge: {
      check: true,
      why: 'a Greengrass core runs the runtime the function names, and a deprecated one gets no patches there either.',
    },
  },
  check(resource, ctx) {
    const runtime = ctx.get('Properties.Runtime');
    // a container image function has no runtime of Lambda's to judge
    if (runtime.known && runtime.value === undefined) return ctx.notApplicable();
    const values = runtime.known ? [runtime.value] : (runtime.alternatives ?? []);
    const retired = new Set(ctx.options.retiredRuntimes);
    for (const value of values) {
      if (typeof value !== 'string') continue;
      const data = { name: resource.logicalId, runtime: value, successor: successorOf(value) };
      const date = Object.prototype.hasOwnProperty.call(DEPRECATED_RUNTIMES, value)
        ? DEPRECATED_RUNTIMES[value]
        : undefined;
      if (date !== undefined) {
        ctx.report({ messageId: 'deprecated', path: 'Properties.Runtime', data: { ...data, date } });
        return;
      }
      if (retired.has(value)) {
        ctx.report({ messageId: 'retired', path: 'Properties.Runtime', data });
        return;
      }
    }
  },
});

function successorOf(runtime: string): string {
  return SUCCESSORS.find(([family]) => family.test(runtime))?.[1] ?? 'a supported runtime';
}
