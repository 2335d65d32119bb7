/**
 * opslint against cfn-guard 3.1.1 on the shared corpus, whole process (start-up included): the same files,
 * opslint with the rules that have a Control Tower counterpart and with all its rules, cfn-guard with those
 * Control Tower rules. cfn-guard gives up on a whole run when one file does not parse, so the files it
 * cannot read are found first (one run per file) and left out for both tools.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fmtMb, fmtMs, ratio, repeat, runProcess, table } from './measure';
import type { Section } from './section';

const REPO = path.resolve(__dirname, '..');
const GUARD_PACKAGE = path.join(REPO, 'node_modules/@cdklabs/cdk-validator-cfnguard');
const CFN_GUARD = path.join(GUARD_PACKAGE, 'bin/ubuntu/x86_64/cfn-guard');
const CONTROL_TOWER = path.join(GUARD_PACKAGE, 'rules/control-tower/cfn-guard');

/** opslint rule ↔ the Control Tower guard rules that check the same thing. */
export const PAIRS: readonly (readonly [string, readonly string[]])[] = [
  ['apigateway-execution-logging', ['apigateway/ct-apigateway-pr-1']],
  ['apigateway-tracing', ['apigateway/ct-apigateway-pr-2']],
  ['apigateway-access-logs', ['apigateway/ct-apigateway-pr-4']],
  ['appsync-logging', ['appsync/ct-appsync-pr-1']],
  ['cloudfront-logging', ['cloudfront/ct-cloudfront-pr-5']],
  ['cloudtrail-log-validation', ['cloudtrail/ct-cloudtrail-pr-2']],
  ['cloudtrail-cloudwatch-logs', ['cloudtrail/ct-cloudtrail-pr-3']],
  ['alarm-actions', ['cloudwatch/ct-cloudwatch-pr-1', 'cloudwatch/ct-cloudwatch-pr-4']],
  ['log-group-retention', ['cloudwatch/ct-cloudwatch-pr-2']],
  ['codebuild-logs', ['codebuild/ct-codebuild-pr-3']],
  ['ec2-detailed-monitoring', ['ec2/ct-ec2-pr-13', 'ec2/ct-ec2-pr-10']],
  ['ecs-container-insights', ['ecs/ct-ecs-pr-2']],
  ['ecs-container-logging', ['ecs/ct-ecs-pr-5']],
  [
    'load-balancer-access-logs',
    ['elasticloadbalancing/ct-elasticloadbalancing-pr-6', 'elasticloadbalancing/ct-elasticloadbalancing-pr-10'],
  ],
  ['rds-enhanced-monitoring', ['rds/ct-rds-pr-2']],
  ['rds-log-exports', ['rds/ct-rds-pr-14', 'rds/ct-rds-pr-25']],
  ['s3-access-logging', ['s3/ct-s3-pr-2']],
  ['stepfunctions-logging', ['stepfunctions/ct-stepfunctions-pr-1']],
  ['stepfunctions-tracing', ['stepfunctions/ct-stepfunctions-pr-2']],
];

const guardRuleFiles = (): string[] =>
  PAIRS.flatMap(([, guards]) => guards.map((g) => path.join(CONTROL_TOWER, `${g}.guard`)));

/** cfn-guard's exit codes: 0 all compliant, 19 some non-compliant; anything else is a failed run. */
const guardOk = (status: number | null): boolean => status === 0 || status === 19;

/** The corpus files the manifest calls readable, and among them those cfn-guard reads. */
function corpusFiles(corpus: string): { files: string[]; guardFails: string[] } {
  const rows = readFileSync(path.join(corpus, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split('\t'));
  const listed = rows.filter((r) => r[9] === 'ok').map((r) => path.join(corpus, r[3]));
  const rule = path.join(CONTROL_TOWER, 'cloudwatch/ct-cloudwatch-pr-2.guard');
  const guardFails = listed.filter(
    (file) =>
      !guardOk(
        spawnSync(CFN_GUARD, ['validate', '-r', rule, '-d', file, '-o', 'json', '-S', 'none', '-z'], {
          stdio: 'ignore',
        }).status,
      ),
  );
  return { files: listed.filter((f) => !guardFails.includes(f)), guardFails };
}

export function benchCfnGuard(corpus: string, runs: number, opslint: string): Section {
  const { files, guardFails } = corpusFiles(corpus);
  const dataArgs = files.flatMap((f) => ['-d', f]);
  const guardArgs = [
    'validate',
    ...guardRuleFiles().flatMap((r) => ['-r', r]),
    ...dataArgs,
    '-o',
    'json',
    '-S',
    'none',
    '-z',
  ];
  const out = path.join(tmpdir(), 'opslint-bench-report.json');
  const opsArgs = (rules: string[]): string[] => [
    opslint,
    'scan',
    ...files,
    ...rules.flatMap((r) => ['--rule', r]),
    '--format',
    'json',
    '--output',
    out,
    '--fail-on',
    'none',
  ];

  const guard = repeat(runs, () => runProcess(CFN_GUARD, guardArgs));
  if (!guardOk(guard.last.status))
    throw new Error(`cfn-guard failed (${guard.last.status}): ${guard.last.stderr.slice(0, 500)}`);
  const paired = repeat(runs, () => runProcess(process.execPath, opsArgs(PAIRS.map(([r]) => r)), { cwd: corpus }));
  const all = repeat(runs, () => runProcess(process.execPath, opsArgs([]), { cwd: corpus }));
  // exit 2: some files could not be read (duplicate keys, which cfn-guard accepts); opslint reports them and scans the rest
  for (const r of [paired, all])
    if (r.last.status !== 0 && r.last.status !== 2)
      throw new Error(`opslint failed (${r.last.status}): ${r.last.stderr.slice(0, 500)}`);
  const unreadable = all.last.stderr.split('\n').filter((l) => /:\d+:\d+: /.test(l)).length;
  const speedup = guard.ms / paired.ms;

  const rows = [
    [`cfn-guard 3.1.1, ${guardRuleFiles().length} Control Tower rules`, fmtMs(guard.ms), fmtMb(guard.peakMb), '1.0×'],
    [
      `opslint, the ${PAIRS.length} corresponding rules`,
      fmtMs(paired.ms),
      fmtMb(paired.peakMb),
      ratio(guard.ms, paired.ms),
    ],
    ['opslint, all rules', fmtMs(all.ms), fmtMb(all.peakMb), ratio(guard.ms, all.ms)],
  ];
  const pairs = table(
    ['opslint rule', 'Control Tower guard rules'],
    PAIRS.map(([rule, guards]) => [`\`${rule}\``, guards.map((g) => `\`${path.basename(g)}\``).join(', ')]),
  );
  const markdown = [
    `${files.length} corpus templates (the manifest's readable ones; cfn-guard stops the whole run on ${guardFails.length} of them, left out for both: ${guardFails.map((f) => `\`${path.relative(corpus, f)}\``).join(', ') || 'none'}), one process per run, median of ${runs} runs, peak RSS the largest seen. opslint reports ${unreadable} of these files as input errors (duplicate keys, a list where CloudFormation wants a mapping) and scans the others. opslint with its default \`--jobs\` (one fewer than the cores), JSON report to a file; cfn-guard with JSON output.`,
    '',
    table(['', 'wall (median)', 'peak RSS', 'vs cfn-guard'], rows),
    '',
    '<details><summary>The rule pairs</summary>',
    '',
    pairs,
    '',
    '</details>',
  ].join('\n');
  return {
    title: 'Against cfn-guard on the corpus',
    markdown,
    targets: [
      {
        name: '≥5× faster than cfn-guard like-for-like',
        met: speedup >= 5,
        detail: `${speedup.toFixed(1)}× (target ≥ 5×)`,
      },
    ],
  };
}
