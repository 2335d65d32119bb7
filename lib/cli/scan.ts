/**
 * `opslint scan`: options and configuration merged (the command line wins), the scan, every requested
 * report written, and the exit code.
 */
import { closeSync, mkdirSync, openSync, realpathSync, statSync, writeSync, type BigIntStats } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { writeBaseline } from '../engine/baseline';
import type { ScanReport } from '../engine/finding';
import { configureRules } from '../engine/config';
import { UsageError } from '../errors';
import { FORMATS, getStreamingReporter } from '../reporters';
import { ruleInfos } from '../engine/rule-info';
import { errorLine } from '../reporters/text';
import { changedFiles } from '../inputs/changed';
import { discoverInputs } from '../inputs/discover';
import { isWithin, repositoryRoot } from '../util/within';
import { InputError } from '../template/errors';
import { describeFsError, loadTemplate } from '../template/load';
import { scanSources } from '../compose';
import { quietReport } from '../scan/report';
import { filesSource } from '../sources/files';
import type { Source } from '../sources/source';
import { readSettings, type Settings } from './settings';
import { parameterFile } from './parameters';
import { toDisplayPath } from '../scan/prepare';
import { packageVersion } from '../version';
import { failedRules } from './debug';
import { colorWanted, exitCode, progressLine, type CliIO } from './io';
import type { SCAN_OPTIONS, ScanCliOptions } from './options';
import type { OrderedValues } from '../util/option-spec';

/** One report to write: a format, and a file (stdout when undefined). */
export interface Output {
  readonly format: string;
  readonly file?: string;
}

/** A `--format` or `--output` value, in command-line order as the argument parser read it. */
export type OutputFlag = OrderedValues<typeof SCAN_OPTIONS>[number];

/**
 * `--format` and `--output` pair up in the order given: an `--output` belongs to the `--format` before it
 * (with one format, the order does not matter); `--format sarif=report.sarif` says both at once.
 */
export function outputsFrom(given: readonly OutputFlag[]): Output[] {
  const outputs: { format: string; file?: string }[] = [];
  const pendingFiles: string[] = [];
  for (const { flag, value: v } of given) {
    if (flag === 'format') {
      const eq = v.indexOf('=');
      outputs.push(eq > 0 ? { format: v.slice(0, eq), file: v.slice(eq + 1) } : { format: v });
    } else {
      const last = outputs[outputs.length - 1];
      if (last && last.file === undefined) last.file = v;
      else pendingFiles.push(v);
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
    if (!FORMATS.includes(o.format))
      throw new UsageError(`unknown format "${o.format}"; formats: ${FORMATS.join(', ')}`);
  }
  if (outputs.filter((o) => o.file === undefined).length > 1)
    throw new UsageError('only one format can be written to stdout: give the others an --output');
  return outputs;
}

export async function runScan(
  paths: string[],
  opts: ScanCliOptions,
  outputs: readonly Output[],
  io: CliIO,
): Promise<number> {
  const cwd = io.cwd;
  const destinations = [
    ...outputs.flatMap((o) => (o.file === undefined ? [] : [{ flag: '--output', file: o.file }])),
    ...(opts.writeBaseline ? [{ flag: '--write-baseline', file: opts.writeBaseline }] : []),
  ];
  const { scanned, config, scan } = await scanAsAsked(paths, opts, destinations, io);

  if (opts.writeBaseline) {
    // a partial scan (some files, some rules) keeps the entries it could not judge
    const n = writeBaseline(opts.writeBaseline, scanned.findings, cwd, {
      files: [...scanned.summary.files, ...scanned.findings.map((f) => f.file)],
      rules: scanned.summary.scorecard.questions.flatMap((q) => q.bestPractices.flatMap((bp) => bp.rules)),
    });
    io.stderr(`opslint: wrote ${n} finding(s) to the baseline ${opts.writeBaseline}\n`);
  }
  // the baseline records every finding; --quiet is what the reports show and the exit code counts
  const report = opts.quiet === true ? quietReport(scanned) : scanned;

  const failOn = opts.failOn ?? config.failOn ?? 'error';
  const rules = ruleInfos(configureRules(scan.packs, scan.selection));
  const repoRoot = repositoryRoot(cwd) ?? path.resolve(cwd);
  for (const output of outputs) {
    const color = output.file === undefined && output.format === 'text' && colorWanted(io, opts.color);
    const pieces = getStreamingReporter(output.format)!(report, {
      color,
      scorecard: opts.scorecard === true,
      rules,
      cwd,
      repoRoot,
      toolVersion: packageVersion(),
      failOn,
    });
    if (output.file === undefined) await writeStdout(pieces, io);
    else writeReport(pieces, path.resolve(cwd, output.file), output.file);
  }
  // input errors always reach the terminal, whatever the formats and destinations
  if (!outputs.some((o) => o.format === 'text' && o.file === undefined)) {
    for (const e of report.errors) io.stderr(`${errorLine(e)}\n`);
  }
  for (const text of failedRules(report.findings)) io.stderr(`${text}\n`);
  // writing a baseline accepts the findings it records: only an incomplete scan fails it
  return exitCode({ errors: report.errors.length, findings: report.findings }, opts.writeBaseline ? 'none' : failOn);
}

/**
 * The scan the command line asks for: settings from the flags and the configuration, the paths (the current folder
 * by default) and deployed stacks, with a progress line on a terminal. `destinations` are the files the command
 * will write, refused when the scan reads them. `opslint scan` and `opslint wa` scan alike, but for `whole`
 * (`opslint wa`, whose evidence stands for the whole workload): the configuration's baseline is not applied.
 */
export async function scanAsAsked(
  paths: readonly string[],
  opts: Partial<ScanCliOptions>,
  destinations: readonly { readonly flag: string; readonly file: string }[],
  io: CliIO,
  whole = false,
): Promise<{ scanned: ScanReport; config: Settings['config']; scan: Settings['scan'] }> {
  const cwd = io.cwd;
  const { config, configFile, packSources, scan } = await readSettings(opts, cwd, {
    warn: (message) => io.stderr(`opslint: ${message}\n`),
  });
  const jobs = parseJobs(opts.jobs);
  const targets = paths.length > 0 ? [...paths] : (opts.stack ?? []).length > 0 || opts.allStacks === true ? [] : ['.'];
  // what the scan reads besides templates: a report written over one would destroy it
  const read = [
    ...(configFile ? [{ what: 'configuration', file: configFile }] : []),
    ...(opts.parameters ?? [])
      .flatMap((v) => parameterFile(v) ?? [])
      .map((file) => ({ what: 'parameter file', file: path.resolve(cwd, file) })),
    ...(scan.baseline && !whole ? [{ what: 'baseline', file: path.resolve(cwd, scan.baseline) }] : []),
    ...packSources.flatMap((s) => s.specs.map((spec) => ({ what: 'rule pack', file: path.resolve(s.baseDir, spec) }))),
  ];
  checkDestinations(destinations, targets, read, scan, cwd);
  const deployed = await deployedStacks(opts, jobs ?? availableParallelism());
  const ruleTimeoutMs = parseMs('--rule-timeout', opts.ruleTimeout);
  const progress = progressLine(io);
  try {
    const scanned = await scanSources([filesSource(targets, scan.ignore), ...(deployed ? [deployed] : [])], {
      ...scan,
      jobs,
      ruleTimeoutMs,
      packSources,
      // writing a baseline records every current finding, whatever the baseline in use
      baseline: opts.writeBaseline || whole ? undefined : scan.baseline,
      changed: opts.changedSince !== undefined ? changedFiles(opts.changedSince, cwd) : undefined,
      lenient: opts.ignoreNonTemplates === true,
      debug: opts.debug === true,
      onProgress: progress?.update,
    });
    return { scanned, config, scan };
  } finally {
    progress?.end();
  }
}

/** How much of a report is written at a time, in characters: a large report is written as it is made, never held whole. */
const WRITE_SIZE = 64 * 1024;

/** A report's pieces gathered into writes of about {@link WRITE_SIZE}. */
function* writes(pieces: Iterable<string>): Generator<string> {
  let text = '';
  for (const piece of pieces) {
    text += piece;
    if (text.length >= WRITE_SIZE) {
      yield text;
      text = '';
    }
  }
  if (text !== '') yield text;
}

/** A report to stdout as it is made, waiting whenever stdout has more queued than it takes. */
async function writeStdout(pieces: Iterable<string>, io: CliIO): Promise<void> {
  for (const text of writes(pieces)) {
    try {
      if (io.stdout(text) === false) await io.drained?.();
    } catch (error) {
      throw new UsageError(`cannot write the report to stdout: ${describeFsError(error)}`, { cause: error });
    }
  }
}

/** A report to a file (its folders made) as it is made. */
function writeReport(pieces: Iterable<string>, file: string, given: string): void {
  const failed = (error: unknown): UsageError =>
    new UsageError(`cannot write the report to ${given}: ${describeFsError(error)}`, { cause: error });
  let fd: number;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    fd = openSync(file, 'w');
  } catch (error) {
    throw failed(error);
  }
  // the pieces are encoded side by side into one buffer, written when the next might not fit: neither a string
  // joined from them nor a buffer per write is made (a 125 MB report spent a third of its writing on both)
  const buffer = Buffer.allocUnsafe(FILE_WRITE_BYTES);
  let used = 0;
  const put = (bytes: Buffer, length: number): void => {
    try {
      for (let at = 0; at < length;) at += writeSync(fd, bytes, at, length - at);
    } catch (error) {
      throw failed(error);
    }
  };
  try {
    for (const piece of pieces) {
      // a UTF-16 code unit is at most 3 bytes of UTF-8
      if (used + piece.length * 3 > buffer.length) {
        put(buffer, used);
        used = 0;
      }
      if (piece.length * 3 > buffer.length) {
        const bytes = Buffer.from(piece);
        put(bytes, bytes.length);
      } else used += buffer.write(piece, used);
    }
    put(buffer, used);
  } finally {
    closeSync(fd);
  }
}

/** The buffer a report file is written from. */
const FILE_WRITE_BYTES = 1024 * 1024;

/**
 * Where reports and the baseline go, checked before the scan: each must name a file (not a folder, nor a
 * path through a file), and none a template or cloud assembly being scanned, which writing would replace.
 */
function checkDestinations(
  destinations: readonly { flag: string; file: string }[],
  targets: readonly string[],
  read: readonly { what: string; file: string }[],
  scan: Settings['scan'],
  cwd: string,
): void {
  const existing: { flag: string; file: string; id: string }[] = [];
  const seen = new Map<string, string>();
  for (const { flag, file } of destinations) {
    const earlier = seen.get(path.resolve(cwd, file));
    if (earlier !== undefined)
      throw new UsageError(`${flag} ${file} is also named by ${earlier}: each report needs a file of its own`);
    seen.set(path.resolve(cwd, file), flag);
    let stat;
    try {
      stat = statSync(path.resolve(cwd, file), { bigint: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOTDIR')
        throw new UsageError(`${flag} ${file}: a folder on its path is a file`);
      // a new file (its folders are made); other failures show when writing
      continue;
    }
    if (stat.isDirectory()) throw new UsageError(`${flag} ${file} is a folder: name a file`);
    if (stat.isFile()) existing.push({ flag, file, id: fileId(stat) });
  }
  if (existing.length === 0) return;
  const display = (p: string): string => toDisplayPath(p, cwd);
  for (const { what, file } of read) {
    const stat = statSync(file, { bigint: true, throwIfNoEntry: false });
    const clash = stat && existing.find((d) => d.id === fileId(stat));
    if (clash)
      throw new UsageError(
        `${clash.flag} ${clash.file} is the ${what} ${display(file)}, which opslint reads: name another file`,
      );
  }
  for (const input of discoverInputs(targets, cwd, display, scan.ignore).inputs) {
    if (input.kind === 'cloud-assembly') {
      const clash = existing.find((d) => isWithin(realpathSync(input.dir), realpathSync(path.resolve(cwd, d.file))));
      if (clash)
        throw new UsageError(
          `${clash.flag} ${clash.file} is inside the cloud assembly ${display(input.dir)}, which is being scanned: name another file`,
        );
      continue;
    }
    const stat = statSync(input.file, { bigint: true, throwIfNoEntry: false });
    const clash = stat && existing.find((d) => d.id === fileId(stat));
    // a file found in a folder is an input only when it is a template (a report from an earlier run is not)
    if (clash && (input.explicit || isTemplate(input.file, scan.load)))
      throw new UsageError(
        `${clash.flag} ${clash.file} is the template ${display(input.file)}, which is being scanned: name another file`,
      );
  }
}

/** A file's identity: the same through symbolic and hard links. */
function fileId(stat: BigIntStats): string {
  return `${stat.dev}:${stat.ino}`;
}

/** Whether the scan reads a file found in a folder as a template (one it cannot read counts: it may be one). */
function isTemplate(file: string, load: Settings['scan']['load']): boolean {
  try {
    return loadTemplate(file, { ...load, explicit: false }) !== undefined;
  } catch (error) {
    if (error instanceof InputError) return true;
    throw error;
  }
}

/** `--jobs N`: how much of the scan runs at the same time (undefined: each part's own default). */
function parseJobs(value: string | undefined): number | undefined {
  return wholeNumber('--jobs', value, 'of 1 or more');
}

/** A duration flag in milliseconds (undefined: its default). */
export function parseMs(flag: string, value: string | undefined): number | undefined {
  return wholeNumber(flag, value, 'of milliseconds');
}

function wholeNumber(flag: string, value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a whole number ${what}, not "${value}"`);
  return n;
}

/** A usage error unless `url` (the value of `flag`) is an absolute http:// or https:// URL; its secrets left out. */
export async function requireHttpUrl(flag: string, url: string | undefined): Promise<void> {
  if (url === undefined || (/^https?:\/\/[^/]/.test(url) && URL.canParse(url))) return;
  const { redactUrl } = await import('../sources/aws');
  throw new UsageError(`${flag} must be an http:// or https:// URL, not "${redactUrl(url)}"`);
}

/**
 * The source of deployed stacks, when `--stack` or `--all-stacks` asks for them (the AWS SDK is loaded only when
 * the scan fetches them), `jobs` fetched at a time.
 */
async function deployedStacks(opts: Partial<ScanCliOptions>, jobs: number): Promise<Source | undefined> {
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
  // the SDK parses the endpoint when it makes a client: one it cannot parse would be an internal error
  await requireHttpUrl('--endpoint-url', opts.endpointUrl);
  const { deployedSource } = await import('../sources/deployed');
  return deployedSource({
    stacks: opts.stack,
    allStacks: opts.allStacks === true,
    region: opts.region,
    profile: opts.profile,
    endpointUrl: opts.endpointUrl,
    templateStage: opts.templateStage === 'processed' ? 'Processed' : 'Original',
    jobs,
    requestTimeoutMs: parseMs('--request-timeout', opts.requestTimeout),
    fetchTimeoutMs: parseMs('--fetch-timeout', opts.fetchTimeout),
  });
}
