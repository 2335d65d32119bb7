/**
 * In-process validation time on the demo CDK app (examples/cdk-app): the time spent inside each validation
 * plugin's `validate()` — opslint's OpsChecks, and cdk-nag 3's AwsSolutionsChecks on the same app — and the
 * whole `app.synth()` with no plugin, with OpsChecks, and with AwsSolutionsChecks. Median of N runs.
 *
 *   npx ts-node --transpile-only bench/cdk-validation.ts [runs]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import * as path from 'node:path';
import { App, Stage, Validations, type IPolicyValidationContext, type IPolicyValidationPlugin } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { OpsChecks } from '../lib/cdk';
import { OrdersStack } from '../examples/cdk-app/orders-stack';

type Variant = 'none' | 'opslint' | 'cdk-nag';

/** Wraps a plugin so that the time spent in its validate() is recorded. */
function timed(plugin: IPolicyValidationPlugin, into: number[]): IPolicyValidationPlugin {
  const validate = plugin.validate.bind(plugin);
  plugin.validate = (context: IPolicyValidationContext) => {
    const start = process.hrtime.bigint();
    try {
      return validate(context);
    } finally {
      into.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  };
  return plugin;
}

function synthOnce(variant: Variant, validateTimes: number[]): number {
  const outdir = mkdtempSync(path.join(tmpdir(), 'opslint-bench-'));
  const app = new App({
    outdir,
    context: {
      '@aws-cdk/aws-ec2:restrictDefaultSecurityGroup': true,
      'aws:cdk:enable-path-metadata': true,
      'aws:cdk:enable-asset-metadata': true,
      // the app's own reporting would print the reports and set the exit code: measure, don't report
      '@aws-cdk/core:failSynthOnValidationErrors': false,
    },
  });
  for (const [name, account] of [['Dev', '111111111111'], ['Prod', '222222222222']]) {
    const stage = new Stage(app, name, { env: { account, region: 'eu-west-1' } });
    new OrdersStack(stage, 'Orders', { compliant: false });
  }
  if (variant === 'opslint') Validations.of(app).addPlugins(timed(new OpsChecks({ failOn: 'none' }), validateTimes));
  if (variant === 'cdk-nag') Validations.of(app).addPlugins(timed(new AwsSolutionsChecks(app), validateTimes));
  const start = process.hrtime.bigint();
  app.synth();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  rmSync(outdir, { recursive: true, force: true });
  return ms;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const runs = Number(process.argv[2] ?? 7);
// AZ lookups come from the repository's cdk.context.json when run from the root; set them here so any cwd works
process.env.CDK_CONTEXT_JSON = JSON.stringify({
  'availability-zones:account=111111111111:region=eu-west-1': ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
  'availability-zones:account=222222222222:region=eu-west-1': ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
});
process.env.CDK_VALIDATION = 'false'; // CDK's own default rules: not what is compared here

const results: Record<Variant, { synth: number[]; validate: number[] }> = { none: { synth: [], validate: [] }, opslint: { synth: [], validate: [] }, 'cdk-nag': { synth: [], validate: [] } };
synthOnce('opslint', []); // warm-up: module loading, JIT
synthOnce('cdk-nag', []);
for (let i = 0; i < runs; i++) {
  for (const variant of ['none', 'opslint', 'cdk-nag'] as Variant[]) results[variant].synth.push(synthOnce(variant, results[variant].validate));
}

const line = (label: string, value: string): string => `${label.padEnd(46)}${value}`;
const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;
const out = [
  `demo CDK app (2 Stages × OrdersStack, non-compliant), median of ${runs} runs`,
  `machine: ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
  line('app.synth(), no validation plugin', fmt(median(results.none.synth))),
  line('app.synth() with OpsChecks', fmt(median(results.opslint.synth))),
  line('app.synth() with AwsSolutionsChecks (cdk-nag)', fmt(median(results['cdk-nag'].synth))),
  line('OpsChecks.validate()', fmt(median(results.opslint.validate))),
  line('AwsSolutionsChecks.validate()', fmt(median(results['cdk-nag'].validate))),
];
process.stdout.write(`${out.join('\n')}\n`);
