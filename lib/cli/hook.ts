/**
 * `opslint hook package`: the configuration and packs read as `opslint scan` reads them, checked now (a typo in a
 * rule id fails here, not in every deployment), and baked into a CloudFormation Lambda Hook's folder (lib/hook).
 */
import * as path from 'node:path';
import { configureRules } from '../engine/config';
import { EXIT, UsageError } from '../errors';
import type { HookSettings } from '../hook/handler';
import { packageHook } from '../hook/package';
import { packFile } from '../packs/load';
import { toDisplayPath } from '../scan/prepare';
import type { CliIO } from './io';
import type { HookPackageCliOptions } from './options';
import { readSettings } from './settings';

export async function runHookPackage(opts: HookPackageCliOptions, io: CliIO): Promise<number> {
  const { output, failOn, ...flags } = opts;
  if (output === undefined) throw new UsageError('name the folder to write the hook into: --output DIR');
  const { config, packSources, scan } = await readSettings(flags, io.cwd, {
    warn: (message) => io.stderr(`opslint: ${message}\n`),
  });
  // a baseline serves CI, where only new findings fail a build: the hook judges each deployment whole
  if (scan.baseline !== undefined)
    io.stderr(
      `opslint: note: the baseline ${scan.baseline} of the configuration is not applied by the hook: every finding at or above failOn counts\n`,
    );
  configureRules(scan.packs, scan.selection);
  const settings: HookSettings = {
    failOn: failOn ?? config.failOn ?? 'error',
    selection: scan.selection,
    parameters: scan.parameters,
    accountBaseline: scan.accountBaseline,
    suppressions: scan.suppressions === false ? undefined : scan.suppressions,
    load: scan.load,
  };
  const packFiles = [...new Set(packSources.flatMap((s) => s.specs.map((spec) => packFile(spec, s.baseDir))))];
  const dir = path.resolve(io.cwd, output);
  const written = await packageHook({ output: dir, settings, packFiles, cwd: io.cwd });
  const shown = (file: string): string => toDisplayPath(file, io.cwd);
  const template = shown(written.template);
  io.stdout(
    [
      `wrote ${shown(written.handler)} (${(written.bytes / 1024 / 1024).toFixed(1)} MB, failOn ${settings.failOn}) and ${template}; deploy it with:`,
      `  aws cloudformation package --template-file ${template} --s3-bucket BUCKET --output-template-file opslint-hook.packaged.yaml`,
      '  aws cloudformation deploy --template-file opslint-hook.packaged.yaml --stack-name opslint-hook --capabilities CAPABILITY_IAM',
      '',
    ].join('\n'),
  );
  return EXIT.ok;
}
