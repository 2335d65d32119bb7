/**
 * opslint against cfn-guard 3.1.1 on the shared corpus, whole process (start-up included): the same files,
 * opslint with the rules that have a Control Tower counterpart and with all its rules, cfn-guard with those
 * Control Tower rules; and the same on a small repository (the corpus's aws-cloudformation-templates) with the
 * one-to-one pairs, interleaved. cfn-guard gives up on a whole run when one file does not parse, so the files it
 * cannot read are found first (one run per file) and left out for both tools.
 */
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fmtMb, fmtMs, median, ratio, repeat, runProcess, table, type ProcessRun } from './measure';
import type { Section } from './section';
import { corpusTemplates } from '../scripts/support/corpus';

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

/**
 * The pairs of one opslint rule and one guard rule that check the same thing, for the small-repository
 * comparison. Of the one-to-one pairs above, three are left out as not like-for-like: `cloudtrail-log-validation`
 * (log file integrity, a security control), `log-group-retention` (the guard rule wants 365 days, opslint 14 by
 * default) and `apigateway-access-logs` (the guard rule checks only HTTP and WebSocket stages, opslint REST
 * stages too).
 */
export const SMALL_PAIRS: readonly (readonly [string, readonly string[]])[] = PAIRS.filter(
  ([rule, guards]) =>
    guards.length === 1 &&
    !['cloudtrail-log-validation', 'log-group-retention', 'apigateway-access-logs'].includes(rule),
);

/** The repository of the corpus whose templates stand for a small repository. */
const SMALL_REPO = 'aws-cloudformation-templates';

const guardRuleFiles = (pairs: typeof PAIRS): string[] =>
  pairs.flatMap(([, guards]) => guards.map((g) => path.join(CONTROL_TOWER, `${g}.guard`)));

/** cfn-guard's exit codes: 0 all compliant, 19 some non-compliant; anything else is a failed run. */
const guardOk = (status: number | null): boolean => status === 0 || status === 19;

/** The corpus files the manifest calls readable (of one source repository, if given), and among them those cfn-guard reads. */
function corpusFiles(corpus: string, repository?: string): { files: string[]; guardFails: string[] } {
  const listed = corpusTemplates(corpus, repository);
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

/** The command lines of both tools over the same files: cfn-guard with the guard rules of `pairs`, opslint with `rules` (all when empty). */
function commands(
  files: readonly string[],
  pairs: typeof PAIRS,
  opslint: string,
): { guard: string[]; opslint: (rules: readonly string[]) => string[] } {
  const out = path.join(tmpdir(), 'opslint-bench-report.json');
  return {
    guard: [
      'validate',
      ...guardRuleFiles(pairs).flatMap((r) => ['-r', r]),
      ...files.flatMap((f) => ['-d', f]),
      '-o',
      'json',
      '-S',
      'none',
      '-z',
    ],
    opslint: (rules) => [
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
    ],
  };
}

/** Fails the benchmark on a run that did not complete: its time would mean nothing. */
function checkRuns(guard: ProcessRun, opslintRuns: readonly ProcessRun[]): void {
  if (!guardOk(guard.status)) throw new Error(`cfn-guard failed (${guard.status}): ${guard.stderr.slice(0, 500)}`);
  // exit 2: some files could not be read (duplicate keys, which cfn-guard accepts); opslint reports them and scans the rest
  for (const r of opslintRuns)
    if (r.status !== 0 && r.status !== 2) throw new Error(`opslint failed (${r.status}): ${r.stderr.slice(0, 500)}`);
}

/** The files left out because cfn-guard stops on them, as Markdown. */
const leftOut = (corpus: string, guardFails: readonly string[]): string =>
  guardFails.map((f) => `\`${path.relative(corpus, f)}\``).join(', ') || 'none';

/** How many files opslint reported as unreadable, from the text errors it writes to stderr. */
const unreadableCount = (run: ProcessRun): number => run.stderr.split('\n').filter((l) => /:\d+:\d+: /.test(l)).length;

const pairTable = (pairs: typeof PAIRS): string =>
  table(
    ['opslint rule', 'Control Tower guard rules'],
    pairs.map(([rule, guards]) => [`\`${rule}\``, guards.map((g) => `\`${path.basename(g)}\``).join(', ')]),
  );

export function benchCfnGuard(corpus: string, runs: number, opslint: string): Section {
  const { files, guardFails } = corpusFiles(corpus);
  const cmd = commands(files, PAIRS, opslint);
  const guard = repeat(runs, () => runProcess(CFN_GUARD, cmd.guard));
  const paired = repeat(runs, () => runProcess(process.execPath, cmd.opslint(PAIRS.map(([r]) => r)), { cwd: corpus }));
  const all = repeat(runs, () => runProcess(process.execPath, cmd.opslint([]), { cwd: corpus }));
  checkRuns(guard.last, [paired.last, all.last]);
  const speedup = guard.ms / paired.ms;

  const rows = [
    [
      `cfn-guard 3.1.1, ${guardRuleFiles(PAIRS).length} Control Tower rules`,
      fmtMs(guard.ms),
      fmtMb(guard.peakMb),
      '1.0×',
    ],
    [
      `opslint, the ${PAIRS.length} corresponding rules`,
      fmtMs(paired.ms),
      fmtMb(paired.peakMb),
      ratio(guard.ms, paired.ms),
    ],
    ['opslint, all rules', fmtMs(all.ms), fmtMb(all.peakMb), ratio(guard.ms, all.ms)],
  ];
  const markdown = [
    `${files.length} corpus templates (the manifest's readable ones; cfn-guard stops the whole run on ${guardFails.length} of them, left out for both: ${leftOut(corpus, guardFails)}), one process per run, median of ${runs} runs, peak RSS the largest seen. opslint reports ${unreadableCount(all.last)} of these files as input errors (duplicate keys, a list where CloudFormation wants a mapping) and scans the others. opslint with its default \`--jobs\` (one fewer than the cores), JSON report to a file; cfn-guard with JSON output.`,
    '',
    table(['', 'wall (median)', 'peak RSS', 'vs cfn-guard'], rows),
    '',
    '<details><summary>The rule pairs</summary>',
    '',
    pairTable(PAIRS),
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

/**
 * A small repository: the corpus's templates from aws-cloudformation-templates, cfn-guard with the Control Tower
 * rule of each one-to-one pair ({@link SMALL_PAIRS}) and opslint with the corresponding rules (`--rule …`), one
 * process each, interleaved so that both see the machine alike. Here start-up weighs as much as the checks.
 */
export function benchSmallRepo(corpus: string, runs: number, opslint: string): Section {
  const { files, guardFails } = corpusFiles(corpus, SMALL_REPO);
  const cmd = commands(files, SMALL_PAIRS, opslint);
  const guard: ProcessRun[] = [];
  const paired: ProcessRun[] = [];
  for (let i = 0; i < runs; i++) {
    guard.push(runProcess(CFN_GUARD, cmd.guard));
    paired.push(runProcess(process.execPath, cmd.opslint(SMALL_PAIRS.map(([r]) => r)), { cwd: corpus }));
  }
  checkRuns(guard[runs - 1], paired);
  const guardMs = median(guard.map((r) => r.ms));
  const pairedMs = median(paired.map((r) => r.ms));
  const speedup = guardMs / pairedMs;
  const peak = (rs: readonly ProcessRun[]): number | undefined =>
    rs.some((r) => r.peakMb !== undefined) ? Math.max(...rs.map((r) => r.peakMb ?? 0)) : undefined;

  const rows = [
    [`cfn-guard 3.1.1, ${SMALL_PAIRS.length} Control Tower rules`, fmtMs(guardMs), fmtMb(peak(guard)), '1.0×'],
    [
      `opslint, the ${SMALL_PAIRS.length} corresponding rules`,
      fmtMs(pairedMs),
      fmtMb(peak(paired)),
      ratio(guardMs, pairedMs),
    ],
  ];
  const markdown = [
    `The ${files.length} templates of the corpus from ${SMALL_REPO} (cfn-guard stops the whole run on ${guardFails.length} of them, left out for both: ${leftOut(corpus, guardFails)}), one process per run, process start included, the two tools interleaved, median of ${runs} runs, peak RSS the largest seen. opslint reports ${unreadableCount(paired[runs - 1])} of these files as input errors. The pairs are the one-to-one ones of the corpus comparison less three that check different things (see \`SMALL_PAIRS\` in bench/cfn-guard.ts).`,
    '',
    table(['', 'wall (median)', 'peak RSS', 'vs cfn-guard'], rows),
    '',
    '<details><summary>The rule pairs</summary>',
    '',
    pairTable(SMALL_PAIRS),
    '',
    '</details>',
  ].join('\n');
  return {
    title: 'Against cfn-guard on a small repository',
    markdown,
    targets: [
      {
        name: '≥3× faster than cfn-guard on a small repository (12 paired rules)',
        met: speedup >= 3,
        detail: `${speedup.toFixed(1)}× (target ≥ 3×)`,
      },
    ],
  };
}
