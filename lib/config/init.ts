/** `opslint init`: a commented starter configuration. */
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../errors';
import { CONFIG_FILES } from './load';

export const STARTER = `# opslint configuration: https://github.com/opslint/opslint#configuration
# Validated against the schema below (editors with YAML support complete and check the keys).
# yaml-language-server: $schema=./node_modules/opslint/schema/opslint.config.schema.json

# Exit with 1 when a finding is at or above this severity: error (default), warning, info or none.
failOn: error

# Per rule: off, a severity (error, warning, info), or { severity, options }.
# \`npx opslint rules\` lists the rules; \`npx opslint explain <rule>\` shows a rule's options.
rules:
  # log-group-retention:
  #   options:
  #     minRetentionDays: 90
  # lambda-structured-logs: off

# Packs or rules to turn off, and rules that are off by default to turn on.
disable: []
enable: []

# Paths not to scan when found in a folder (globs, relative to this file).
ignore:
  - cdk.out/asset.*/**
  - node_modules/**

# The stacks or templates that hold the account baseline (CloudTrail, AWS Config, patching):
# account-level checks are enforced there and are reminders ("needs context") elsewhere.
accountBaseline: []

# CloudFormation parameter values used to resolve templates.
parameters: {}

# Suppressions in templates: Metadata: { opslint: { suppress: [ { id, reason, expires } ] } }
suppressions:
  minReasonLength: 10
  unsuppressible: []

# Only report findings that are not in this file (write it with --write-baseline).
# baseline: .opslint-baseline.json

# Rule packs to load: npm package names or paths relative to this file.
packs: []

# Limits on one input; an input beyond one is an input error (exit code 2).
# limits:
#   maxFileSize: 50MB      # largest file read
#   maxDepth: 256          # deepest nesting of mappings and lists (at most 1000)
#   maxAliasNodes: 100000  # most nodes the YAML aliases of one file expand to
#   maxForEachEntries: 5000  # most entries the Fn::ForEach loops of one template expand to
#   parseTimeout: 10000    # longest time parsing one file may take, in milliseconds
#   maxStacks: 10000       # most stacks of one cloud assembly, nested stacks included
#   maxResources: 100000   # most resources of one cloud assembly, its stacks together
`;

export function initConfig(cwd: string, force: boolean): string {
  const existing = CONFIG_FILES.map((f) => path.join(cwd, f)).find((f) => existsSync(f));
  if (existing && !force)
    throw new UsageError(`${path.relative(cwd, existing) || existing} already exists; use --force to overwrite it`);
  const file = path.join(cwd, 'opslint.config.yaml');
  writeFileSync(file, STARTER);
  return file;
}
