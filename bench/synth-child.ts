/**
 * One process of the synthesis benchmark (bench/synth.ts), run as `node -r ts-node/register/transpile-only
 * bench/synth-child.ts '<Job as JSON>'`; prints its result as JSON on the last line of stdout.
 *
 * - `fresh`: what a `cdk synth` costs a user with a checker. The CDK is warmed with a throwaway app (its modules
 *   loaded, its CloudFormation validation engine started) and left to finish what that started in the
 *   background, then the clock runs from building the app through requiring the checker to the end of
 *   `app.synth()`.
 * - `warm`: every checker synthesizes the app in turn in this one process, after a warm-up, timing each
 *   checker's `validate()`; then the violations each returned are handed to CDK again by a plugin that does
 *   nothing else, which times what CDK itself spends on them (construct traces, validation-report.json).
 *
 * With BENCH_MARK_ENGINE set, a fresh process writes a line to stdout where CDK's validation engine starts and one
 * where it ends, to read beside what `node --trace-gc` writes there (whether a full collection fell inside it).
 *
 * The app is synthesized as `cdk synth` runs it: with the context the CLI gives (path and asset metadata; the
 * CLI, not the app, prints the report), and with CDK's default CloudFormation validation plugin, which every
 * synthesis of aws-cdk-lib ≥ 2.262 runs unless an app turns it off: the baseline without a checker is what users
 * pay today.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { App as AppType, IPolicyValidationContext, IPolicyValidationPlugin, PolicyViolation } from 'aws-cdk-lib';
import { buildApp, type AppShape } from './cdk-app';

export const CHECKERS = ['none', 'opslint', 'opslint Aspect', 'cdk-nag AwsSolutions'] as const;
export type Checker = (typeof CHECKERS)[number];

export type Job =
  | { readonly mode: 'fresh'; readonly shape: AppShape; readonly checker: Checker }
  | { readonly mode: 'warm'; readonly shape: AppShape; readonly runs: number; readonly checkers: readonly Checker[] };

export interface FreshResult {
  /** building the app, requiring the checker, `app.synth()` */
  readonly ms: number;
  /** the CPU time this process spent meanwhile (less sensitive than wall time to other work on the machine) */
  readonly cpuMs: number;
  /** requiring the checker and adding it to the app */
  readonly requireMs: number;
  /** creating the app's constructs (the checker's Aspects, if any, run later, in the synthesis) */
  readonly buildMs: number;
  /** CDK's synthesis up to the first validation plugin: Aspects, templates, manifests, all written */
  readonly synthesisMs: number;
  /** in the checker's validate() (the plugins) */
  readonly validateMs?: number;
  /** in CDK's own CloudFormation validation engine, which runs after the app's plugins: the same work in every run */
  readonly engineMs: number;
  /** CDK after the plugins: what it does with the violations (construct traces, report), the rest of the synthesis */
  readonly afterMs: number;
  /** violations and violating resources the checker handed CDK */
  readonly violations?: number;
  readonly resources?: number;
  readonly cfnResources: number;
}

export interface WarmResult {
  /** median validate() time per checker */
  readonly validateMs: Partial<Record<Checker, number>>;
  /** median `app.synth()` per checker */
  readonly synthMs: Partial<Record<Checker, number>>;
  /** what CDK spends on each checker's violations: ms in all, violations, violating resources */
  readonly cdk: Partial<Record<Checker, { ms: number; violations: number; resources: number }>>;
}

const REPO = path.resolve(__dirname, '..');
/**
 * Unmeasured syntheses before the measured ones of a warm process, so that each checker's code is optimized: about
 * 4,000 resources' worth, at least five. opslint's validate() of the ~100-resource app took, as medians of ten
 * syntheses in one process: 5.5, 3.2, 2.7, 2.6 ms, then 2.2–2.5 from the 40th on (cdk-nag's: 7.2, 5.3, then
 * 5.0–5.9 ms); on the ~2,000-resource app, 90, 80, 113, then 48 ms.
 */
export function warmUp(shape: AppShape): number {
  return Math.max(5, Math.ceil(400 / (shape.stacks * shape.services)));
}
/** the context `cdk synth` gives an app (aws-cdk's contextFromSettings) */
const CLI_CONTEXT = {
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:enable-asset-metadata': true,
  'aws:cdk:version-reporting': true,
  'aws:cdk:bundling-stacks': ['**'],
  '@aws-cdk/core:failSynthOnValidationErrors': false,
};

const now = (): number => Number(process.hrtime.bigint()) / 1e6;
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Required when the clock runs: loading the checker is part of what it costs. */
function attach(checker: Checker, app: AppType): IPolicyValidationPlugin | undefined {
  const { Validations } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  let plugin: IPolicyValidationPlugin | undefined;
  switch (checker) {
    case 'opslint': {
      // the built package, as an app requires `opslint/cdk`
      const { OpsChecks } = require(path.join(REPO, 'dist/lib/cdk')) as typeof import('../lib/cdk');
      plugin = new OpsChecks();
      break;
    }
    case 'opslint Aspect': {
      const { OpsAspect } = require(path.join(REPO, 'dist/lib/cdk')) as typeof import('../lib/cdk');
      OpsAspect.applyTo(app);
      return undefined;
    }
    case 'cdk-nag AwsSolutions': {
      const { AwsSolutionsChecks } = require('cdk-nag') as typeof import('cdk-nag');
      plugin = new AwsSolutionsChecks(app);
      break;
    }
    default:
      return undefined;
  }
  Validations.of(app).addPlugins(plugin);
  return plugin;
}

interface Seen {
  ms: number;
  violations: number;
  resources: number;
  readonly kept: PolicyViolation[];
}

/**
 * Wraps a plugin's validate() to time it, count what it returned and, when `keep`, keep a copy; `started` is told
 * when each call starts.
 */
function spy(plugin: IPolicyValidationPlugin, keep: boolean, started?: (at: number) => void): Seen {
  const seen: Seen = { ms: 0, violations: 0, resources: 0, kept: [] };
  const validate = plugin.validate.bind(plugin);
  plugin.validate = (context: IPolicyValidationContext) => {
    const start = now();
    started?.(start);
    const report = validate(context);
    seen.ms += now() - start;
    seen.violations += report.violations.length;
    for (const v of report.violations) seen.resources += v.violatingResources.length;
    // CDK changes the violations it is handed (construct paths, acknowledgements): keep a copy
    if (keep) seen.kept.push(...structuredClone(report.violations));
    return report;
  };
  return seen;
}

/**
 * `violations` as a plugin hands them to CDK for a synthesis into `outdir` (their templates moved there), made
 * before the clock runs: CDK changes the violations it is handed, so each synthesis gets copies of its own.
 */
function relocated(violations: readonly PolicyViolation[], from: string, outdir: string): PolicyViolation[] {
  return structuredClone(violations).map((v) => ({
    ...v,
    violatingResources: v.violatingResources.map((r) => ({
      ...r,
      ...(r.templatePath ? { templatePath: path.join(outdir, path.relative(from, r.templatePath)) } : {}),
    })),
  }));
}

/** A plugin that hands CDK `violations` and does nothing else; `returned` notes when it handed them over. */
function replay(violations: PolicyViolation[], returned: { at: number }): IPolicyValidationPlugin {
  return {
    name: 'replay',
    validate: () => {
      returned.at = now();
      return { success: true, violations };
    },
  };
}

const newOutdir = (): string => mkdtempSync(path.join(tmpdir(), 'opslint-bench-synth-'));

function synthesize(
  shape: AppShape,
  prepare: (app: AppType, outdir: string) => void,
  builtinCloudFormationValidation = true,
  outdir = newOutdir(),
): { ms: number; built: number; end: number; cpuMs: number; outdir: string; cfnResources: number } {
  const cpu = process.cpuUsage();
  const start = now();
  const { App } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const app = new App({ outdir, context: CLI_CONTEXT, builtinCloudFormationValidation });
  prepare(app, outdir);
  buildApp(app, shape);
  const built = now();
  const assembly = app.synth();
  const end = now();
  const ms = end - start;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  let cfnResources = 0;
  for (const stack of assembly.stacksRecursively) cfnResources += Object.keys(stack.template.Resources ?? {}).length;
  return { ms, built, end, cpuMs, outdir, cfnResources };
}

/**
 * Waits until this process's other threads are idle (5 s at most). The warm-up leaves CDK's validation engine
 * compiling its WebAssembly on background threads for ~0.5 s, on every core of this machine; a user's synthesis
 * has no such warm-up, and there the engine starts after the checkers' plugins (CDK runs an app's plugins first).
 */
function settle(): void {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const deadline = now() + 5000;
  for (;;) {
    const before = process.cpuUsage();
    Atomics.wait(cell, 0, 0, 50);
    const used = process.cpuUsage(before);
    if ((used.user + used.system) / 1000 < 5 || now() > deadline) return;
  }
}

function fresh(shape: AppShape, checker: Checker): FreshResult {
  // the CDK warmed: its modules and its validation engine, with a small app of the same constructs
  rmSync(synthesize({ ...shape, stacks: 1, services: 1, stages: 0 }, () => undefined).outdir, { recursive: true });
  settle();
  // CDK's validation engine timed, and when the first plugin (the checker's; the engine's without one) starts
  const { CloudFormationValidatePlugin } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const engine = { ms: 0 };
  const validateEngine = CloudFormationValidatePlugin.prototype.validate;
  let firstPlugin: number | undefined;
  const mark = process.env.BENCH_MARK_ENGINE !== undefined;
  CloudFormationValidatePlugin.prototype.validate = function (context) {
    const start = now();
    firstPlugin ??= start;
    if (mark) process.stdout.write('engine: start\n');
    try {
      return validateEngine.call(this, context);
    } finally {
      engine.ms += now() - start;
      if (mark) process.stdout.write(`engine: end, ${(now() - start).toFixed(1)} ms\n`);
    }
  };
  let seen: Seen | undefined;
  let requireMs = 0;
  const run = synthesize(shape, (app) => {
    const start = now();
    const plugin = attach(checker, app);
    requireMs = now() - start;
    if (plugin) seen = spy(plugin, false, (start) => (firstPlugin ??= start));
  });
  rmSync(run.outdir, { recursive: true, force: true });
  const synthesisMs = (firstPlugin ?? run.end) - run.built;
  const buildMs = run.built - (run.end - run.ms) - requireMs;
  return {
    ms: run.ms,
    cpuMs: run.cpuMs,
    requireMs,
    buildMs,
    synthesisMs,
    engineMs: engine.ms,
    afterMs: run.ms - requireMs - buildMs - synthesisMs - (seen?.ms ?? 0) - engine.ms,
    cfnResources: run.cfnResources,
    ...(seen
      ? {
          validateMs: seen.ms,
          violations: seen.violations,
          resources: seen.resources,
        }
      : {}),
  };
}

/**
 * Without CDK's own CloudFormation validation, which takes the same time whatever the checker and only adds to the
 * spread: what is compared here is each checker's validate() and what CDK does with what it returns.
 */
function warm(shape: AppShape, runs: number, checkers: readonly Checker[]): WarmResult {
  const plugins = ['none', ...checkers.filter((c) => c !== 'none' && c !== 'opslint Aspect')] as Checker[];
  const validate = new Map<Checker, number[]>(plugins.map((c) => [c, []]));
  const synth = new Map<Checker, number[]>(plugins.map((c) => [c, []]));
  const returned = new Map<Checker, { violations: PolicyViolation[]; outdir: string }>();
  for (let i = -warmUp(shape); i < runs; i++) {
    for (const checker of plugins) {
      let seen: Seen | undefined;
      const run = synthesize(
        shape,
        (app) => {
          const plugin = attach(checker, app);
          if (plugin) seen = spy(plugin, i === -1);
        },
        false,
      );
      if (i >= 0) synth.get(checker)!.push(run.ms);
      if (seen && i >= 0) validate.get(checker)!.push(seen.ms);
      if (seen && i === -1) returned.set(checker, { violations: seen.kept, outdir: run.outdir });
      else rmSync(run.outdir, { recursive: true, force: true });
    }
  }
  // CDK's own part: what follows the plugins in a synthesis (construct traces, acknowledgements, the report),
  // each checker's violations replayed against none; timed from when the replaying plugin returns, so that the
  // synthesis before it (the same for all) adds nothing to the spread
  const handled = new Map<Checker, number[]>([...returned.keys()].map((c) => [c, []]));
  const empty: number[] = [];
  const afterPlugins = (violations: readonly PolicyViolation[], from: string): number => {
    const outdir = newOutdir();
    const ready = relocated(violations, from, outdir);
    const returnedAt = { at: 0 };
    const run = synthesize(
      shape,
      (app) => {
        const { Validations } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
        Validations.of(app).addPlugins(replay(ready, returnedAt));
      },
      false,
      outdir,
    );
    rmSync(run.outdir, { recursive: true, force: true });
    return run.end - returnedAt.at;
  };
  for (let i = -1; i < runs; i++) {
    const base = afterPlugins([], '');
    if (i >= 0) empty.push(base);
    for (const [checker, { violations, outdir: from }] of returned) {
      const ms = afterPlugins(violations, from);
      if (i >= 0) handled.get(checker)!.push(ms);
    }
  }
  for (const { outdir } of returned.values()) rmSync(outdir, { recursive: true, force: true });
  return {
    validateMs: Object.fromEntries([...validate].filter(([, xs]) => xs.length > 0).map(([c, xs]) => [c, median(xs)])),
    synthMs: Object.fromEntries([...synth].map(([c, xs]) => [c, median(xs)])),
    cdk: Object.fromEntries(
      [...returned].map(([c, { violations }]) => [
        c,
        {
          ms: median(handled.get(c)!) - median(empty),
          violations: violations.length,
          resources: violations.reduce((n, v) => n + v.violatingResources.length, 0),
        },
      ]),
    ),
  };
}

if (require.main === module) {
  const job = JSON.parse(process.argv[2]) as Job;
  const result = job.mode === 'fresh' ? fresh(job.shape, job.checker) : warm(job.shape, job.runs, job.checkers);
  process.stdout.write(`\n${JSON.stringify(result)}\n`);
}
