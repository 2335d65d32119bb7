/**
 * What `opslint/cdk` loads into a CDK app: a synthesis pays for every module it requires, so the CDK path loads
 * neither the command line, its YAML reader, the AWS SDK nor reporters, before or during `app.synth()`.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..');

/** The files a fresh process has loaded once an app with OpsChecks (or the Aspect) has synthesized. */
function loadedBySynthesis(integration: 'OpsChecks' | 'OpsAspect'): string[] {
  const script = `
    const { mkdtempSync } = require('node:fs');
    const { tmpdir } = require('node:os');
    const path = require('node:path');
    const { App, Stack, Validations } = require('aws-cdk-lib');
    const lambda = require('aws-cdk-lib/aws-lambda');
    const { OpsChecks, OpsAspect } = require('./lib/cdk');
    const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'opslint-modules-')), builtinCloudFormationValidation: false });
    if (${JSON.stringify(integration)} === 'OpsAspect') OpsAspect.applyTo(app, { failOn: 'none' });
    else Validations.of(app).addPlugins(new OpsChecks({ failOn: 'none' }));
    const stack = new Stack(app, 'Service');
    new lambda.Function(stack, 'Handler', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({});'),
    });
    app.synth();
    process.stdout.write(JSON.stringify(Object.keys(require.cache)));
  `;
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    cwd: REPO,
    env: { ...process.env, TS_NODE_PROJECT: path.join(REPO, 'tsconfig.json'), JSII_DEPRECATED: 'quiet' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return (JSON.parse(result.stdout) as string[]).map((f) => path.relative(REPO, f).split(path.sep).join('/'));
}

describe.each(['OpsChecks', 'OpsAspect'] as const)('%s in a synthesis', (integration) => {
  let loaded: string[];
  beforeAll(() => {
    loaded = loadedBySynthesis(integration);
  }, 120_000);

  it('runs the rules (the check that the list is the right one)', () => {
    expect(loaded).toContain('lib/cdk/index.ts');
    expect(loaded).toContain('rules/tracing/lambda-tracing.ts');
  });

  it('loads no part of the command line, no YAML reader, no AWS SDK and no reporter', () => {
    const unneeded = loaded.filter(
      (f) =>
        /^node_modules\/(yaml|commander|@aws-sdk|ajv)\//.test(f) ||
        /^lib\/(cli|fix)\//.test(f) ||
        (f.startsWith('lib/reporters/') && f !== 'lib/reporters/escape.ts'),
    );
    expect(unneeded).toEqual([]);
  });
});
