/**
 * The command line: `opslint scan`, `opslint rules`. `main` returns the exit code instead of exiting, and
 * writes through the given streams, so tests run it in-process.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { UsageError } from '../engine/config';
import { atOrAbove, type FailOn } from '../engine/finding';
import { InputError } from '../template/errors';
import { FORMATS, getReporter } from '../reporters';
import { parseParameterArgs } from './parameters';
import { packageVersion } from './version';

export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** whether stdout is a terminal (colours by default) */
  readonly isTTY: boolean;
}

export const EXIT = { ok: 0, findings: 1, error: 2 } as const;

const collect = (value: string, previous: string[] = []): string[] => [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
const collectRaw = (value: string, previous: string[] = []): string[] => [...previous, value];

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('opslint')
    .description('Lint CloudFormation templates and CDK apps against the AWS Well-Architected Operational Excellence best practices.')
    .version(packageVersion(), '-v, --version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (text, write) => write(text) })
    .showHelpAfterError('(run opslint --help for usage)');

  program
    .command('scan')
    .description('scan templates, folders (searched recursively), globs and cloud assemblies (cdk.out)')
    .argument('[paths...]', 'files, folders, globs or cdk.out folders', ['.'])
    .addOption(new Option('-f, --format <format>', 'output format').choices([...FORMATS]).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <level>', 'exit with 1 when a finding is at or above this severity').choices(['error', 'warning', 'info', 'none']).default('error'))
    .option('-p, --parameters <Key=Value|file>', 'parameter values: Key=Value, or a JSON/YAML parameter file (repeatable)', collectRaw)
    .option('--pack <id>', 'run only these packs (repeatable, or comma-separated)', collect)
    .option('--rule <id>', 'run only these rules (repeatable, or comma-separated)', collect)
    .option('--exclude-rule <id>', 'do not run these rules (repeatable, or comma-separated)', collect)
    .option('--account-baseline <pattern>', 'stacks or templates that hold the account baseline (CloudTrail, Config…): stack name, construct path or file glob (repeatable)', collectRaw)
    .option('--scorecard', 'text output: add the OPS scorecard, question by question')
    .option('--no-color', 'no colours in text output (also: NO_COLOR)')
    .action(async (paths: string[], opts: ScanCliOptions) => {
      exitCode = await runScan(paths, opts, io);
    });

  program
    .command('rules')
    .description('list the rules with their OPS best practice')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (opts: { format: string }) => {
      const { listRules } = await import('./rules');
      io.stdout(listRules(opts.format));
    });

  program
    .command('explain')
    .description("print a rule's documentation: why it matters, how to fix it, examples")
    .argument('<rule>', 'rule id')
    .action(async (ruleId: string) => {
      const { explainRule } = await import('./explain');
      io.stdout(explainRule(ruleId));
    });

  try {
    await program.parseAsync(argv as string[], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.error;
    }
    if (error instanceof UsageError || error instanceof InputError) {
      io.stderr(`opslint: ${error instanceof InputError ? error.format() : error.message}\n`);
      return EXIT.error;
    }
    throw error;
  }
  return exitCode;
}

interface ScanCliOptions {
  format: string;
  output?: string;
  failOn: FailOn;
  parameters?: string[];
  pack?: string[];
  rule?: string[];
  excludeRule?: string[];
  accountBaseline?: string[];
  scorecard?: boolean;
  color: boolean;
}

async function runScan(paths: string[], opts: ScanCliOptions, io: CliIO): Promise<number> {
  const { scanPaths } = await import('../scan');
  const report = scanPaths(paths, {
    cwd: io.cwd,
    parameters: parseParameterArgs(opts.parameters ?? [], io.cwd),
    selection: { packs: opts.pack, rules: opts.rule, exclude: opts.excludeRule },
    accountBaseline: opts.accountBaseline,
  });
  const reporter = getReporter(opts.format)!;
  const toFile = opts.output !== undefined;
  const color = opts.color && !toFile && io.isTTY && io.env.NO_COLOR === undefined && opts.format === 'text';
  const text = reporter(report, { color, scorecard: opts.scorecard === true });
  if (toFile) {
    writeFileSync(path.resolve(io.cwd, opts.output!), text);
  } else {
    io.stdout(text);
  }
  // input errors always reach the terminal, whatever the format and destination
  if (toFile || opts.format !== 'text') {
    for (const e of report.errors) io.stderr(`${e.line !== undefined ? `${e.file}:${e.line}:${e.column}` : e.file}: ${e.message}\n`);
  }
  if (report.errors.length > 0) return EXIT.error;
  return report.findings.some((f) => atOrAbove(f.severity, opts.failOn)) ? EXIT.findings : EXIT.ok;
}
