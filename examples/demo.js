#!/usr/bin/env node
// `npm run demo`: opslint on the demo CDK app (examples/cdk-app) and on the demo templates (examples/templates).
//   1. `cdk synth` of the first draft fails with OPS findings (the OpsChecks plugin in examples/cdk-app/app.ts);
//   2. `opslint scan cdk.out` lists the same findings from the cloud assembly;
//   3. `cdk synth -c compliant=true` synthesizes the variant that follows the practices, and passes;
//   4. `opslint scan examples/templates` checks plain CloudFormation/SAM templates.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const opslint = path.join(root, 'dist', 'bin', 'opslint.js');

function step(title, command, args) {
  process.stdout.write(`\n━━ ${title}\n$ ${[command, ...args].join(' ')}\n\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  process.stdout.write(`\n(exit code ${result.status})\n`);
  return result.status;
}

const draft = step('1. The first draft of the CDK app: synthesis fails on OPS findings', 'npx', [
  'cdk',
  'synth',
  '--no-notices',
  '-q',
  '**',
]);
step('2. The same findings from the cloud assembly', 'node', [opslint, 'scan', 'cdk.out']);
const compliant = step(
  '3. The compliant variant: traces, logs, alarms that reach people, a dashboard, a canary, owner tags, protected data',
  'npx',
  ['cdk', 'synth', '--no-notices', '-q', '-c', 'compliant=true', '**'],
);
step('4. Plain CloudFormation and SAM templates', 'node', [opslint, 'scan', 'examples/templates', '--fail-on', 'none']);

const ok = draft !== 0 && compliant === 0;
process.stdout.write(
  `\n${ok ? '✔' : '✖'} demo: the first draft ${draft !== 0 ? 'failed' : 'passed'} \`cdk synth\`, the compliant variant ${compliant === 0 ? 'passed' : 'failed'}.\n`,
);
process.exitCode = ok ? 0 : 1;
