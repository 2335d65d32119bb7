/**
 * opslint beside `@aws/cloudformation-validate`, the engine aws-cdk-lib runs in every synthesis (its default
 * `CloudFormationValidatePlugin`), on the same corpus templates, whole process (start-up included). It checks
 * other things (every property against the resource schemas, cfn-lint's rules), but it is what users already
 * pay, and opslint is judged beside it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fmtMb, fmtMs, median, ratio, runProcess, table, type ProcessRun } from './measure';
import type { Section } from './section';
import { corpusTemplates } from '../scripts/support/corpus';

/** The package as aws-cdk-lib resolves it: the version users' synths run. */
function validatePackage(): string {
  const cdk = path.dirname(require.resolve('aws-cdk-lib/package.json'));
  return path.dirname(require.resolve('@aws/cloudformation-validate/package.json', { paths: [cdk] }));
}

/**
 * One process: load the package, build its Rego engine (all built-in rules), validate each template as the CDK
 * plugin does (standard detail, warnings and up), and write the engine's build time, the median time per
 * template and the count of diagnostics to `out`.
 */
const VALIDATE_SCRIPT = `
const [mod, list, out] = process.argv.slice(1);
const { RegoEngine, TemplateFile } = require(mod);
const fs = require('fs');
const files = fs.readFileSync(list, 'utf8').split('\\n').filter(Boolean);
const t0 = performance.now();
const engine = new RegoEngine();
const built = performance.now() - t0;
const per = [];
let diagnostics = 0, failed = 0;
for (const f of files) {
  const s = performance.now();
  try { diagnostics += engine.validateTemplate(new TemplateFile(f), { detailLevel: 'STANDARD', severityLevel: 'WARN' }).diagnostics.length; }
  catch { failed++; }
  per.push(performance.now() - s);
}
engine.free();
per.sort((a, b) => a - b);
fs.writeFileSync(out, JSON.stringify({ built, perTemplate: per[per.length >> 1], diagnostics, failed }));
`;

interface ValidateStats {
  readonly built: number;
  readonly perTemplate: number;
  readonly diagnostics: number;
  readonly failed: number;
}

export function benchCfnValidate(corpus: string, runs: number, opslint: string): Section {
  const pkg = validatePackage();
  const version = (require(path.join(pkg, 'package.json')) as { version: string }).version;
  // the small repository of the cfn-guard comparison; the whole corpus would take minutes a run
  const files = corpusTemplates(corpus, 'aws-cloudformation-templates');
  const sets = [{ name: 'aws-cloudformation-templates', files }];
  const rows: string[][] = [];
  const ratios: number[] = [];
  let notes = '';
  for (const set of sets) {
    const list = path.join(tmpdir(), 'opslint-bench-validate-files.txt');
    const stats = path.join(tmpdir(), 'opslint-bench-validate-stats.json');
    const report = path.join(tmpdir(), 'opslint-bench-validate-report.json');
    writeFileSync(list, set.files.join('\n'));
    const validate: ProcessRun[] = [];
    const ops: ProcessRun[] = [];
    const perTemplate: number[] = [];
    let last: ValidateStats | undefined;
    // interleaved, so that a busy moment of the machine falls on both
    for (let i = 0; i < runs; i++) {
      validate.push(runProcess(process.execPath, ['-e', VALIDATE_SCRIPT, pkg, list, stats]));
      last = JSON.parse(readFileSync(stats, 'utf8')) as ValidateStats;
      perTemplate.push(last.perTemplate);
      ops.push(
        runProcess(process.execPath, [opslint, 'scan', ...set.files, '-f', 'json', '-o', report, '--fail-on', 'none']),
      );
    }
    for (const r of [...validate, ...ops])
      if (r.status !== 0 && r.status !== 2) throw new Error(`a run failed (${r.status}): ${r.stderr.slice(0, 500)}`);
    const v = median(validate.map((r) => r.ms));
    const o = median(ops.map((r) => r.ms));
    const peak = (rs: ProcessRun[]): number | undefined => Math.max(...rs.map((r) => r.peakMb ?? 0)) || undefined;
    ratios.push(v / o);
    rows.push(
      [
        `${set.name} (${set.files.length})`,
        `@aws/cloudformation-validate ${version}, Rego engine, built-in rules`,
        fmtMs(v),
        fmtMb(peak(validate)),
        `${fmtMs(median(perTemplate))} per template`,
      ],
      [`${set.name} (${set.files.length})`, 'opslint, all rules', fmtMs(o), fmtMb(peak(ops)), `${ratio(v, o)} faster`],
    );
    if (last)
      notes += ` On ${set.name}: ${last.diagnostics} diagnostics, ${last.failed} templates it could not validate, its engine built in ${fmtMs(last.built)}.`;
  }
  const markdown = [
    `The engine aws-cdk-lib (≥ 2.262) runs in every \`cdk synth\`, as its default validation plugin: WebAssembly, offline, validating every property against the resource schemas and cfn-lint's rules. Different checks from opslint's, but it is what users already pay. One process per run (start-up included), interleaved with opslint's, median of ${runs} runs, peak RSS the largest seen; it validates each template as the CDK plugin does (standard detail, warnings and up), opslint scans them with its default \`--jobs\` and a JSON report to a file.${notes}`,
    '',
    table(['templates', 'tool', 'wall (median)', 'peak RSS', ''], rows),
  ].join('\n');
  const worst = Math.min(...ratios);
  return {
    title: 'Beside @aws/cloudformation-validate',
    markdown,
    targets: [
      {
        name: '≥10× faster than @aws/cloudformation-validate, opslint with all rules',
        met: worst >= 10,
        detail: `${worst.toFixed(1)}× (target ≥ 10×)`,
      },
    ],
  };
}
