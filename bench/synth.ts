/**
 * opslint against cdk-nag 3 inside synthesis. The demo CDK app (examples/cdk-app: two Stages of the orders
 * service, the non-compliant draft) is synthesized in-process with no checker, with opslint's OpsChecks, and
 * with cdk-nag's AwsSolutionsChecks and ServerlessChecks, all as validation plugins; what each adds to
 * `app.synth()` is its cost to a CDK developer. Then the same through the `cdk synth` CLI (ts-node app).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stage, Validations, type IPolicyValidationContext, type IPolicyValidationPlugin } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { OpsChecks } from '../lib/cdk';
import { OrdersStack } from '../examples/cdk-app/orders-stack';
import { fmtMs, median, runProcess, table } from './measure';
import type { Section } from './section';

export const CHECKERS = ['none', 'empty plugin', 'opslint', 'cdk-nag AwsSolutions', 'cdk-nag Serverless'] as const;
export type Checker = (typeof CHECKERS)[number];

/** The checker as a validation plugin (none: undefined). */
export function plugin(checker: Checker, app: App): IPolicyValidationPlugin | undefined {
  switch (checker) {
    // a plugin that checks nothing: what CDK's validation framework itself costs any plugin
    case 'empty plugin':
      return { name: 'empty', validate: () => ({ success: true, violations: [] }) };
    case 'opslint':
      return new OpsChecks({ failOn: 'none' });
    case 'cdk-nag AwsSolutions':
      return new AwsSolutionsChecks(app);
    case 'cdk-nag Serverless':
      return new ServerlessChecks(app);
    default:
      return undefined;
  }
}

/** The demo app's two Stages, with `checker` added. */
export function demoApp(
  checker: Checker,
  outdir: string,
  context: Record<string, unknown> = {},
): { app: App; plugin?: IPolicyValidationPlugin } {
  // CDK's own CloudFormation validation (a WebAssembly engine, on by default) off: what is compared is each checker
  const app = new App({
    outdir,
    builtinCloudFormationValidation: false,
    context: { '@aws-cdk/aws-ec2:restrictDefaultSecurityGroup': true, ...context },
  });
  for (const [name, account] of [
    ['Dev', '111111111111'],
    ['Prod', '222222222222'],
  ]) {
    const stage = new Stage(app, name, { env: { account, region: 'eu-west-1' } });
    new OrdersStack(stage, 'Orders', { compliant: false });
  }
  const p = plugin(checker, app);
  if (p) Validations.of(app).addPlugins(p);
  return { app, plugin: p };
}

/** Records the time spent in a plugin's validate(). */
function timed(p: IPolicyValidationPlugin, into: number[]): void {
  const validate = p.validate.bind(p);
  p.validate = (context: IPolicyValidationContext) => {
    const start = process.hrtime.bigint();
    try {
      return validate(context);
    } finally {
      into.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  };
}

function synthOnce(checker: Checker, validateTimes: number[]): number {
  const outdir = mkdtempSync(path.join(tmpdir(), 'opslint-bench-'));
  // the app's own reporting would set the exit code: measure, don't fail
  const { app, plugin: p } = demoApp(checker, outdir, { '@aws-cdk/core:failSynthOnValidationErrors': false });
  if (p) timed(p, validateTimes);
  const start = process.hrtime.bigint();
  app.synth();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  rmSync(outdir, { recursive: true, force: true });
  return ms;
}

export function benchSynth(runs: number, cliRuns: number): Section {
  // AZ lookups: the demo's cdk.context.json is only read by the CLI
  process.env.CDK_CONTEXT_JSON = JSON.stringify({
    'availability-zones:account=111111111111:region=eu-west-1': ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    'availability-zones:account=222222222222:region=eu-west-1': ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
  });
  const times = new Map(CHECKERS.map((c) => [c, { synth: [] as number[], validate: [] as number[] }]));
  for (const c of CHECKERS) synthOnce(c, []); // warm-up: module loading, JIT
  for (let i = 0; i < runs; i++)
    for (const c of CHECKERS) times.get(c)!.synth.push(synthOnce(c, times.get(c)!.validate));
  const synth = (c: Checker): number => median(times.get(c)!.synth);
  const added = (c: Checker): number => synth(c) - synth('none');
  const validate = (c: Checker): string => (c === 'none' ? '–' : fmtMs(median(times.get(c)!.validate)));

  // through the CLI: the app compiled by ts-node, then synthesized, in a process of its own each time
  const repo = path.resolve(__dirname, '..');
  const cdk = path.join(repo, 'node_modules', '.bin', 'cdk');
  // interleaved like the in-process runs, so that a change in the machine's load falls on every checker alike
  const app = `npx ts-node --transpile-only bench/cdk-app.ts`;
  const cliRunsOf = new Map(CHECKERS.map((c) => [c, [] as number[]]));
  for (let i = 0; i < cliRuns; i++) {
    for (const c of CHECKERS) {
      const out = mkdtempSync(path.join(tmpdir(), 'opslint-bench-cli-'));
      cliRunsOf
        .get(c)!
        .push(runProcess(cdk, ['synth', '-q', '--app', app, '-o', out, '-c', `checker=${c}`], { cwd: repo }).ms);
      rmSync(out, { recursive: true, force: true });
    }
  }
  const cli = new Map(CHECKERS.map((c) => [c, median(cliRunsOf.get(c)!)]));
  const noneRuns = cliRunsOf.get('none')!;
  const cliSpread = Math.max(...noneRuns) - Math.min(...noneRuns);
  const cliAdded = (c: Checker): number => cli.get(c)! - cli.get('none')!;

  const rows = CHECKERS.map((c) => [
    c,
    fmtMs(synth(c)),
    c === 'none' ? '–' : fmtMs(added(c)),
    validate(c),
    fmtMs(cli.get(c)!),
    c === 'none' ? '–' : fmtMs(cliAdded(c)),
  ]);
  // the CLI adds ts-node's compile of each checker's modules, and prints the report
  const ratio = added('cdk-nag AwsSolutions') / added('opslint');
  const markdown = [
    `The demo CDK app (two Stages of the orders service, the non-compliant draft: every checker has findings to report), synthesized in one process with each checker as a validation plugin, interleaved, median of ${runs} runs after a warm-up; then \`cdk synth -q\` through the CLI (ts-node app, bench/cdk-app.ts), interleaved, median of ${cliRuns}.`,
    '',
    table(['checker', 'app.synth()', 'added', 'in validate()', '`cdk synth` CLI', 'added (CLI)'], rows),
    '',
    `AwsSolutions adds ${ratio.toFixed(1)}× the synthesis time opslint adds in-process. The empty plugin's line is CDK's validation framework alone (${fmtMs(added('empty plugin'))}: building its construct tree, loading nested assemblies, writing validation-report.json), which any plugin pays; beyond it, opslint adds ${fmtMs(added('opslint') - added('empty plugin'))} and AwsSolutions ${fmtMs(added('cdk-nag AwsSolutions') - added('empty plugin'))} (${((added('cdk-nag AwsSolutions') - added('empty plugin')) / (added('opslint') - added('empty plugin'))).toFixed(1)}×).`,
    '',
    `Through the CLI each run starts Node, compiles the app and the checker with ts-node and synthesizes once, and CDK prints its report with construct traces: the runs without a checker alone spread over ${fmtMs(cliSpread)} (fastest to slowest), so a CLI difference smaller than that is noise. The in-process numbers are the comparison.`,
  ].join('\n');
  return {
    title: 'Against cdk-nag inside synthesis',
    markdown,
    targets: [
      {
        name: '≥10× less added synthesis time than cdk-nag AwsSolutions (in-process)',
        met: ratio >= 10,
        detail: `${ratio.toFixed(1)}× (target ≥ 10×)`,
      },
    ],
  };
}
