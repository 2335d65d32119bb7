/**
 * `opslint scan`: options and configuration merged (the command line wins), the scan, every requested
 * report written, and the exit code.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { writeBaseline } from '../engine/baseline';
import { configureRules, UsageError } from '../engine/config';
import type { LimitsFlags } from '../config/limits';
import { INTERNAL_ERROR } from '../engine/runner';
import { atOrAbove, type FailOn } from '../engine/finding';
import { FORMATS, getReporter } from '../reporters';
import { ruleInfos } from '../engine/rule-info';
import { errorLine } from '../reporters/text';
import { changedFiles } from '../inputs/changed';
import { scanOnWorkers } from '../parallel/scan';
import { readSettings } from './settings';
import { packageVersion } from './version';
import type { CliIO } from './index';
import type { DeployedResult } from '../sources/deployed';
import type { LoadOptions } from '../template/load';

export const EXIT = { ok: 0, findings: 1, error: 2 } as const;

export interface ScanCliOptions extends LimitsFlags {
  format?: string[];
  output?: string[];
  failOn?: FailOn;
  parameters?: string[];
  pack?: string[];
  rule?: string[];
  excludeRule?: string[];
  accountBaseline?: string[];
  scorecard?: boolean;
  color: boolean;
  config?: string | false;
  baseline?: string;
  writeBaseline?: string;
  changedSince?: string;
  ignoreNonTemplates?: boolean;
  loadPack?: string[];
  stack?: string[];
  allStacks?: boolean;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  templateStage?: 'original' | 'processed';
  jobs?: string;
  ruleTimeout?: string;
  requestTimeout?: string;
  fetchTimeout?: string;
}

/** One report to write: a format, and a file (stdout when undefined). */
export interface Output {
  readonly format: string;
  readonly file?: string;
}

/**
 * `--format` and `--output` pair up in the order given: an `--output` belongs to the `--format` before it
 * (with one format, the order does not matter); `--format sarif=report.sarif` says both at once.
 */
export function outputsFromArgv(argv: readonly string[]): Output[] {
  const outputs: { format: string; file?: string }[] = [];
  const pendingFiles: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    if (flag === '-f' || flag === '--format') {
      const v = value();
      if (v === undefined) continue;
      const eq = v.indexOf('=');
      outputs.push(eq > 0 ? { format: v.slice(0, eq), file: v.slice(eq + 1) } : { format: v });
    } else if (flag === '-o' || flag === '--output') {
      const v = value();
      if (v === undefined) continue;
      const last = outputs[outputs.length - 1];
      if (last && last.file === undefined) last.file = v;
      else pendingFiles.push(v);
    } else if (arg === '--') {
      break;
    }
  }
  if (outputs.length === 0) outputs.push({ format: 'text' });
  // an --output given before any --format belongs to the first format without a file
  for (const file of pendingFiles) {
    const free = outputs.find((o) => o.file === undefined);
    if (!free) throw new UsageError(`--output ${file} has no --format to go with`);
    free.file = file;
  }
  for (const o of outputs) {
    if (!FORMATS.includes(o.format)) throw new UsageError(`unknown format "${o.format}"; formats: ${FORMATS.join(', ')}`);
  }
  if (outputs.filter((o) => o.file === undefined).length > 1) throw new UsageError('only one format can be written to stdout: give the others an --output');
  return outputs;
}

export async function runScan(paths: string[], opts: ScanCliOptions, outputs: readonly Output[], io: CliIO): Promise<number> {
  const cwd = io.cwd;
  const { config, packSources, scan } = await readSettings(opts, cwd);
  const jobs = parseJobs(opts.jobs);
  const deployed = await readDeployed(opts, { parameters: scan.parameters, ...scan.load }, jobs ?? availableParallelism());
  const ruleTimeoutMs = parseMs('--rule-timeout', opts.ruleTimeout);
  const report = await scanOnWorkers(paths.length > 0 ? paths : deployed ? [] : ['.'], {
    ...scan,
    jobs,
    ruleTimeoutMs,
    packSources,
    // writing a baseline records every current finding, whatever the baseline in use
    baseline: opts.writeBaseline ? undefined : scan.baseline,
    changed: opts.changedSince ? changedFiles(opts.changedSince, cwd) : undefined,
    lenient: opts.ignoreNonTemplates === true,
    deployed,
  });

  if (opts.writeBaseline) {
    const n = writeBaseline(opts.writeBaseline, report.findings, cwd);
    io.stderr(`opslint: wrote ${n} finding(s) to the baseline ${opts.writeBaseline}\n`);
  }

  const rules = ruleInfos(configureRules(scan.packs, scan.selection));
  const repoRoot = findRepoRoot(cwd);
  for (const output of outputs) {
    const color = opts.color && output.file === undefined && io.isTTY && io.env.NO_COLOR === undefined && output.format === 'text';
    const text = getReporter(output.format)!(report, { color, scorecard: opts.scorecard === true, rules, cwd, repoRoot, toolVersion: packageVersion() });
    if (output.file === undefined) {
      io.stdout(text);
    } else {
      const file = path.resolve(cwd, output.file);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
  }
  // input errors always reach the terminal, whatever the formats and destinations
  if (!outputs.some((o) => o.format === 'text' && o.file === undefined)) {
    for (const e of report.errors) io.stderr(`${errorLine(e)}\n`);
  }
  const failOn = opts.failOn ?? config.failOn ?? 'error';
  // a rule that failed leaves its part of the scan unchecked, whatever --fail-on says
  if (report.errors.length > 0 || report.findings.some((f) => f.ruleId === INTERNAL_ERROR)) return EXIT.error;
  return report.findings.some((f) => !f.suppressed && atOrAbove(f.severity, failOn)) ? EXIT.findings : EXIT.ok;
}

/** `--jobs N`: how much of the scan runs at the same time (undefined: each part's own default). */
function parseJobs(value: string | undefined): number | undefined {
  return wholeNumber('--jobs', value, 'of 1 or more');
}

/** A duration flag in milliseconds (undefined: its default). */
function parseMs(flag: string, value: string | undefined): number | undefined {
  return wholeNumber(flag, value, 'of milliseconds');
}

function wholeNumber(flag: string, value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a whole number ${what}, not "${value}"`);
  return n;
}

/**
 * Deployed stacks, when `--stack` or `--all-stacks` asks for them (the AWS SDK is loaded only then), `jobs`
 * fetched at a time; their deployed parameter values win over `--parameters`.
 */
async function readDeployed(opts: ScanCliOptions, load: LoadOptions, jobs: number): Promise<DeployedResult | undefined> {
  if ((opts.stack ?? []).length === 0 && opts.allStacks !== true) {
    const flags: [string, unknown][] = [
      ['--region', opts.region],
      ['--profile', opts.profile],
      ['--endpoint-url', opts.endpointUrl],
      ['--template-stage', opts.templateStage],
      ['--request-timeout', opts.requestTimeout],
      ['--fetch-timeout', opts.fetchTimeout],
    ];
    const stray = flags.find(([, v]) => v !== undefined);
    if (stray) throw new UsageError(`${stray[0]} is for deployed stacks: add --stack NAME or --all-stacks`);
    return undefined;
  }
  const { readDeployedStacks, redactUrls } = await import('../sources/deployed');
  if (opts.endpointUrl !== undefined && !/^https?:\/\/[^/]/.test(opts.endpointUrl)) throw new UsageError(`--endpoint-url must be an http:// or https:// URL, not "${redactUrls(opts.endpointUrl)}"`);
  return readDeployedStacks(
    {
      stacks: opts.stack,
      allStacks: opts.allStacks === true,
      region: opts.region,
      profile: opts.profile,
      endpointUrl: opts.endpointUrl,
      templateStage: opts.templateStage === 'processed' ? 'Processed' : 'Original',
      jobs,
      requestTimeoutMs: parseMs('--request-timeout', opts.requestTimeout),
      fetchTimeoutMs: parseMs('--fetch-timeout', opts.fetchTimeout),
    },
    load,
  );
}

/** The git repository root above `cwd` (for repository-relative paths), or cwd itself. */
function findRepoRoot(cwd: string): string {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(cwd);
  }
}
