/** Runs the real `cdk` CLI (the repository's aws-cdk devDependency) and reads what it prints and writes. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO } from '../../scripts/support/cli';

export const CDK = path.join(REPO, 'node_modules', '.bin', 'cdk');

/**
 * The environment of nested `npm`/`cdk` runs. npm passes its own configuration to scripts through npm_*
 * variables, which a nested npm must not inherit; with CI set, the CDK CLI prints its report to stdout
 * instead of stderr; colours (FORCE_COLOR comes from jest's workers) would split the text being checked;
 * and the CLI's telemetry would try to reach AWS.
 */
export const childEnv: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|CI$|FORCE_COLOR$)/i.test(k))),
  NO_COLOR: '1',
  CDK_DISABLE_CLI_TELEMETRY: 'true',
};

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** Runs a command to its end without throwing on a non-zero exit; output without colour codes. */
export function runCommand(command: string, args: readonly string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: stdout.replace(ANSI, ''), stderr: stderr.replace(ANSI, '') }));
  });
}

/** `cdk synth --no-notices <args>` in `cwd`. */
export function cdkSynth(args: readonly string[], cwd: string): Promise<RunResult> {
  return runCommand(CDK, ['synth', '--no-notices', ...args], cwd);
}

/**
 * The blocks of the CDK CLI's validation output (one per violation, separated by an empty line; the lines of a
 * suggested fix are indented, never empty) that contain every one of `needles`.
 */
export function reportBlocks(output: string, ...needles: string[]): string[] {
  return output.split('\n\n').filter((block) => needles.every((n) => block.includes(n)));
}

export interface ViolatingConstruct {
  readonly constructPath: string;
  readonly cloudFormationResource?: {
    readonly templatePath: string;
    readonly logicalId: string;
    readonly propertyPaths?: string[];
  };
  readonly stackTraces?: string[];
}

export interface ReportViolation {
  readonly ruleName: string;
  readonly description: string;
  readonly severity: string;
  readonly violatingConstructs: ViolatingConstruct[];
  readonly acknowledgedId?: string;
  readonly acknowledgedAt?: string;
  readonly reason?: string;
}

export interface PluginReport {
  readonly pluginName: string;
  readonly conclusion: 'success' | 'failure';
  readonly violations: ReportViolation[];
  readonly suppressedViolations?: ReportViolation[];
}

/** The report of `pluginName` in `<outdir>/validation-report.json`, which CDK writes when a plugin ran. */
export function pluginReport(outdir: string, pluginName = 'opslint'): PluginReport {
  const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: PluginReport[];
  };
  const found = report.pluginReports.find((p) => p.pluginName === pluginName);
  if (!found)
    throw new Error(
      `no ${pluginName} report in ${outdir}/validation-report.json (plugins: ${report.pluginReports.map((p) => p.pluginName).join(', ')})`,
    );
  return found;
}

/** The 1-based number of the first line of `file` (relative to the repository) that contains `text`. */
export function lineOf(file: string, text: string): number {
  const index = readFileSync(path.join(REPO, file), 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text));
  if (index < 0) throw new Error(`"${text}" not found in ${file}`);
  return index + 1;
}
