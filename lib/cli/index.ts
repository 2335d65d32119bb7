/**
 * The command line: `opslint scan`, `opslint rules`. `main` returns the exit code instead of exiting, and
 * writes through the given streams, so tests run it in-process.
 */
import * as path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import type { OutputFlag, ScanCliOptions } from './scan';
import type { FixCliOptions } from './fix';
import { EXIT, InputError, UsageError } from '../errors';
import { FORMATS } from '../reporters';
import { printable } from '../reporters/escape';
import { packageVersion } from '../version';
import type { CliIO } from './io';

/** The bounds on what one input may make opslint do (lib/config/limits.ts), for each command that reads templates. */
function addLimitOptions(command: Command): void {
  command
    .option('--max-file-size <size>', 'largest file read, e.g. 512KB, 50MB (default 50MB; also limits.maxFileSize)')
    .option('--max-depth <n>', 'deepest nesting of mappings and lists read, at most 1000 (default 256; also limits.maxDepth)')
    .option('--max-alias-nodes <n>', 'most nodes the YAML aliases of one file may expand to (default 100000; also limits.maxAliasNodes)')
    .option('--max-foreach-entries <n>', 'most entries the Fn::ForEach loops of one template may expand to (default 5000; also limits.maxForEachEntries)')
    .option('--parse-timeout <ms>', 'longest time parsing one file may take (default 10000; also limits.parseTimeout)')
    .option('--max-stacks <n>', 'most stacks read from one cloud assembly, nested stacks included (default 10000; also limits.maxStacks)')
    .option('--max-resources <n>', 'most resources read from one cloud assembly, its stacks together (default 100000; also limits.maxResources)');
}

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

  const scan = program
    .command('scan')
    .description('scan templates, folders (searched recursively), globs and cloud assemblies (cdk.out)')
    .argument('[paths...]', 'files, folders, globs or cdk.out folders (default: the current folder, unless --stack or --all-stacks)')
    .option('-f, --format <format>', `output format: ${FORMATS.join(', ')} (repeatable; default text)`, collectRaw)
    .option('-o, --output <file>', 'write the report of the --format before it to a file (default: stdout)', collectRaw)
    .addOption(new Option('--fail-on <level>', 'exit with 1 when a finding is at or above this severity (default: error)').choices(['error', 'warning', 'info', 'none']))
    .option('-p, --parameters <Key=Value|file>', 'parameter values: Key=Value, or a JSON/YAML parameter file (repeatable)', collectRaw)
    .option('--pack <id>', 'run only these packs (repeatable, or comma-separated)', collect)
    .option('--rule <id>', 'run only these rules (repeatable, or comma-separated)', collect)
    .option('--exclude-rule <id>', 'do not run these rules (repeatable, or comma-separated)', collect)
    .option('--account-baseline <pattern>', 'stacks or templates that hold the account baseline (CloudTrail, Config…): stack name, construct path or file glob (repeatable)', collectRaw)
    .option('-c, --config <file>', 'the configuration file (default: opslint.config.json|yaml|yml, found upward from here to the repository root)')
    .option('--no-config', 'ignore configuration files')
    .option('--baseline <file>', 'report only findings that are not in this baseline file')
    .option('--write-baseline <file>', 'record the current findings as the baseline')
    .option('--changed-since <ref>', 'scan only templates (and cdk.out stacks) changed since this git ref')
    .option('--load-pack <module>', 'load a rule pack: an npm package, a JS module or a YAML rules file (repeatable; also `packs` in the configuration)', collectRaw)
    .option('--no-packs', 'run no JavaScript packs named in the configuration (YAML rule files still load): for untrusted checkouts')
    .option('--jobs <n>', 'scan up to N files at a time on worker threads (default: one fewer than the CPUs), and fetch deployed stacks N at a time (default: the CPUs)')
    .option('--rule-timeout <ms>', 'stop a rule that runs longer than this on one resource, and report it as an internal error (default: 10000)')
    .option('--stack <name|arn>', 'scan a deployed stack, by name or ARN, and its nested stacks (repeatable, or comma-separated)', collect)
    .option('--all-stacks', 'scan every active stack of the region, nested stacks through their parents')
    .option('--region <region>', "AWS region of the stacks (default: AWS_REGION, or the profile's region)")
    .option('--profile <name>', 'AWS profile for credentials and region (default: AWS_PROFILE, or the default credential chain)')
    .option('--endpoint-url <url>', 'CloudFormation endpoint to call instead of the default one')
    .option('--request-timeout <ms>', 'deployed stacks: how long one call to CloudFormation may wait to connect, for its answer, or between two parts of it (default: 30000)')
    .option('--fetch-timeout <ms>', 'deployed stacks: how long fetching them all may take; the stacks fetched by then are scanned (default: 1800000, 30 minutes)')
    .addOption(new Option('--template-stage <stage>', 'template of deployed stacks: as submitted, or with transforms such as SAM expanded (default: original)').choices(['original', 'processed']))
    .option('--ignore-non-templates', 'skip named files that are not templates instead of reporting them (for pre-commit hooks)')
    .option('--scorecard', 'text output: add the OPS scorecard, question by question')
    .option('--no-color', 'no colours in text output (also: NO_COLOR)')
    .action(async (paths: string[], opts: ScanCliOptions) => {
      const { runScan, outputsFrom } = await import('./scan');
      exitCode = await runScan(paths, opts, outputsFrom(outputFlags), io);
    });
  addLimitOptions(scan);
  // the order of --format and --output pairs them: recorded as the parser reads them, so a value of another
  // option that looks like one (`--account-baseline --output=x`) is not taken for it
  const outputFlags: OutputFlag[] = [];
  scan.on('option:format', (value: string) => outputFlags.push({ flag: 'format', value }));
  scan.on('option:output', (value: string) => outputFlags.push({ flag: 'output', value }));

  const fix = program
    .command('fix')
    .description('apply the fixes rules declare to YAML and JSON templates (never to cdk.out), and list what is left to fix by hand')
    .argument('[paths...]', 'files, folders or globs', ['.'])
    .option('--dry-run', 'change nothing: print the unified diff (stdout) and what would be fixed (stderr)')
    .option('--rule <id>', 'run and fix only these rules (repeatable, or comma-separated)', collect)
    .option('--exclude-rule <id>', 'do not run these rules (repeatable, or comma-separated)', collect)
    .addOption(new Option('--fail-on <level>', 'exit with 1 when a finding at or above this severity is left (default: error)').choices(['error', 'warning', 'info', 'none']))
    .option('-p, --parameters <Key=Value|file>', 'parameter values: Key=Value, or a JSON/YAML parameter file (repeatable)', collectRaw)
    .option('-c, --config <file>', 'the configuration file (default: opslint.config.json|yaml|yml, found upward from here to the repository root)')
    .option('--no-config', 'ignore configuration files')
    .option('--load-pack <module>', 'load a rule pack (repeatable; also `packs` in the configuration)', collectRaw)
    .option('--no-packs', 'run no JavaScript packs named in the configuration (YAML rule files still load)')
    .option('--no-color', 'no colours (also: NO_COLOR)')
    .action(async (paths: string[], opts: FixCliOptions) => {
      const { runFix } = await import('./fix');
      exitCode = await runFix(paths, opts, io);
    });
  addLimitOptions(fix);

  program
    .command('init')
    .description('write a commented starter configuration, opslint.config.yaml')
    .option('--force', 'overwrite an existing configuration')
    .action(async (opts: { force?: boolean }) => {
      const { initConfig } = await import('../config/init');
      const file = initConfig(io.cwd, opts.force === true);
      io.stdout(`wrote ${path.relative(io.cwd, file)}\n`);
    });

  program
    .command('new-pack')
    .description('create a rule pack: a TypeScript rule, a YAML rule, fixtures, tests and a README')
    .argument('<name>', 'npm package name, e.g. @acme/opslint-pack')
    .action(async (name: string) => {
      const { newPack } = await import('./new-pack');
      const { dir, id } = newPack(name, io.cwd);
      const rel = path.relative(io.cwd, dir);
      io.stdout(`created ${rel}/ (pack "${id}", rules ${id}/owner-tag and ${id}/log-retention)\n\n  cd ${rel}\n  npm install --save-dev opslint\n  npm test\n`);
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
      // a usage error may quote the command line, an input error a file name: neither drives the terminal
      io.stderr(`opslint: ${printable(error instanceof InputError ? error.format() : error.message)}\n`);
      return EXIT.error;
    }
    throw error;
  }
  return exitCode;
}
