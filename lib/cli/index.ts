/**
 * The command line: `opslint scan`, `fix`, `rules`, `explain`… `main` returns the exit code instead of exiting, and
 * writes through the given streams, so tests run it in-process.
 */
import * as path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import {
  addOptions,
  FIX_OPTIONS,
  CATALOGUE_OPTIONS,
  HOOK_PACKAGE_OPTIONS,
  SCAN_OPTIONS,
  WA_REPORT_OPTIONS,
  WA_SYNC_OPTIONS,
  type FixCliOptions,
  type CatalogueCliOptions,
  type HookPackageCliOptions,
  type ScanCliOptions,
  type WaReportCliOptions,
  type WaSyncCliOptions,
} from './options';
import { EXIT, InputError, UsageError } from '../errors';
import { printable } from '../reporters/escape';
import { debugStack } from './debug';
import { packageVersion } from '../version';
import { colorsFor, type CliIO } from './io';

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('opslint')
    .description(
      'Lint CloudFormation templates and CDK apps against the AWS Well-Architected Operational Excellence best practices.',
    )
    .version(packageVersion(), '-v, --version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (text, write) => write(text) })
    .showHelpAfterError('(run opslint --help for usage)');

  const scan = program
    .command('scan')
    .description('scan templates, folders (searched recursively), globs and cloud assemblies (cdk.out)')
    .argument(
      '[paths...]',
      'files, folders, globs or cdk.out folders (default: the current folder, unless --stack or --all-stacks)',
    )
    .action(async (paths: string[], opts: ScanCliOptions) => {
      const { runScan, outputsFrom } = await import('./scan');
      exitCode = await runScan(paths, opts, outputsFrom(outputFlags), io);
    });
  const outputFlags = addOptions(scan, SCAN_OPTIONS);

  const fix = program
    .command('fix')
    .description(
      'apply the fixes rules declare to YAML and JSON templates (never to cdk.out), and list what is left to fix by hand',
    )
    .argument('[paths...]', 'files, folders or globs', ['.'])
    .action(async (paths: string[], opts: FixCliOptions) => {
      const { runFix } = await import('./fix');
      exitCode = await runFix(paths, opts, io);
    });
  addOptions(fix, FIX_OPTIONS);

  const wa = program
    .command('wa')
    .description('evidence for the Operational Excellence questions of a Well-Architected review');
  const waReport = wa
    .command('report')
    .description('the evidence of a scan, question by question and best practice by best practice, offline')
    .argument('[paths...]', 'files, folders, globs or cdk.out folders, as for scan')
    .action(async (paths: string[], opts: WaReportCliOptions) => {
      const { runWaReport } = await import('./wa');
      exitCode = await runWaReport(paths, opts, io);
    });
  addOptions(waReport, WA_REPORT_OPTIONS);
  const waSync = wa
    .command('sync')
    .description(
      "write the evidence of a scan into a workload's review: notes per question and best practice; a choice is selected only with --select-passing",
    )
    .argument('[paths...]', 'files, folders, globs or cdk.out folders, as for scan')
    .action(async (paths: string[], opts: WaSyncCliOptions) => {
      const { runWaSync } = await import('./wa');
      exitCode = await runWaSync(paths, opts, io);
    });
  addOptions(waSync, WA_SYNC_OPTIONS);

  const hook = program
    .command('hook')
    .description(
      'opslint as a CloudFormation Lambda Hook: every stack and change-set operation checked before it provisions',
    );
  const hookPackage = hook
    .command('package')
    .description(
      'write a deployable hook: handler.js (opslint, its packs and the configuration in one file) and template.yaml (the function, its roles and the hook)',
    )
    .action(async (opts: HookPackageCliOptions) => {
      const { runHookPackage } = await import('./hook');
      exitCode = await runHookPackage(opts, io);
    });
  addOptions(hookPackage, HOOK_PACKAGE_OPTIONS);

  program
    .command('lsp')
    .description(
      'a language server for editors: findings on CloudFormation and SAM templates as you type, quick fixes, hovers',
    )
    .option('--stdio', 'talk over standard input and output (the only transport, what LSP clients pass)')
    .action(async () => {
      const { runLsp } = await import('./lsp');
      await runLsp(io.env);
    });

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
      io.stdout(
        `created ${rel}/ (pack "${id}", rules ${id}/owner-tag and ${id}/log-retention)\n\n  cd ${rel}\n  npm install --save-dev opslint\n  npm test\n  npx opslint new-rule <name>    # another rule, with its fixtures\n`,
      );
    });

  program
    .command('new-rule')
    .description(
      'add a rule to the pack in this folder (made by new-pack): the rule, a pass and a fail fixture, and an expected.json to fill in',
    )
    .argument('<id>', "rule id, with or without the pack's namespace, e.g. queue-dlq")
    .option(
      '--yaml',
      'a YAML rule in rules.yaml (default: TypeScript in src/rules, unless the pack has only rules.yaml)',
    )
    .action(async (id: string, opts: { yaml?: boolean }) => {
      const { newRule } = await import('./new-rule');
      const added = newRule(id, io.cwd, opts);
      io.stdout(
        `added ${added.id} (${added.language === 'yaml' ? 'YAML' : 'TypeScript'}): ${added.files.join(', ')}\n\n  write the findings of fail-example.yaml in ${path.posix.join('fixtures', added.id.split('/')[1], 'expected.json')}, then npm test\n`,
      );
    });

  const rules = program
    .command('rules')
    .description(
      'list the rules, those of the packs the configuration and --load-pack name too: pack, severity, OPS best practice, whether off by default and fixed by opslint fix',
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (opts: CatalogueCliOptions & { format: string }) => {
      const { listRules, loadCatalogue } = await import('./rules');
      io.stdout(listRules(await loadCatalogue(opts, io), opts.format, colorsFor(io, opts.color)));
    });
  addOptions(rules, CATALOGUE_OPTIONS);

  const explain = program
    .command('explain')
    .description("print a rule's documentation (a rule of a pack too): why it matters, how to fix it, examples")
    .argument('<rule>', 'rule id')
    .addOption(
      new Option('-f, --format <format>', 'text for the terminal, or the Markdown page')
        .choices(['text', 'markdown'])
        .default('text'),
    )
    .action(async (ruleId: string, opts: CatalogueCliOptions & { format: string }) => {
      const [{ explainRule }, { loadCatalogue }] = await Promise.all([import('./explain'), import('./rules')]);
      const packs = await loadCatalogue(opts, io);
      io.stdout(explainRule(ruleId, packs, opts.format === 'text' ? colorsFor(io, opts.color) : undefined));
    });
  addOptions(explain, CATALOGUE_OPTIONS);

  try {
    await program.parseAsync(argv as string[], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.error;
    }
    if (error instanceof UsageError || error instanceof InputError) {
      // a usage error may quote the command line, an input error a file name: neither drives the terminal
      for (const line of error instanceof InputError ? [error.format()] : error.lines)
        io.stderr(`opslint: ${printable(line)}\n`);
      // what failed inside (a pack that threw as it loaded), for whoever debugs it
      if (error.cause instanceof Error && [scan, fix].some((c) => c.opts().debug === true))
        io.stderr(`${debugStack(error.cause)}\n`);
      return EXIT.error;
    }
    throw error;
  }
  return exitCode;
}
