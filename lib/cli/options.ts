/**
 * The options of `opslint scan` and `opslint fix`, declared once: {@link addOptions} gives them to commander,
 * and {@link ScanCliOptions} and {@link FixCliOptions} are read from the same tables. The order of a table is
 * the order of the help.
 */
import { Option, type Command } from 'commander';
import { LIMIT_OPTIONS } from '../config/limit-options';
import { SEVERITIES } from '../engine/finding';
import { FORMATS } from '../reporters';
import type { OptionSpec, OptionValues, OrderedValues } from '../util/option-spec';

/** What several commands take, as scan words it (others word some of them their own way). */
const SHARED = {
  failOn: {
    flags: '--fail-on <level>',
    help: 'exit with 1 when a finding is at or above this severity (default: error)',
    choices: [...SEVERITIES, 'none'],
  },
  parameters: {
    flags: '-p, --parameters <Key=Value|file>',
    help: 'parameter values: Key=Value, or a JSON/YAML parameter file (repeatable)',
    repeat: 'each',
  },
  pack: { flags: '--pack <id>', help: 'run only these packs (repeatable, or comma-separated)', repeat: 'list' },
  rule: { flags: '--rule <id>', help: 'run only these rules (repeatable, or comma-separated)', repeat: 'list' },
  excludeRule: {
    flags: '--exclude-rule <id>',
    help: 'do not run these rules (repeatable, or comma-separated)',
    repeat: 'list',
  },
  config: {
    flags: '-c, --config <file>',
    help: 'the configuration file (default: opslint.config.json|yaml|yml, found upward from here to the repository root)',
  },
  accountBaseline: {
    flags: '--account-baseline <pattern>',
    help: 'stacks or templates that hold the account baseline (CloudTrail, Config…): stack name, construct path or file glob (repeatable)',
    repeat: 'each',
  },
  noConfig: { flags: '--no-config', help: 'ignore configuration files' },
  loadPack: {
    flags: '--load-pack <module>',
    help: 'load a rule pack: an npm package, a JS module or a YAML rules file (repeatable; also `packs` in the configuration)',
    repeat: 'each',
  },
  noPacks: {
    flags: '--no-packs',
    help: 'run no JavaScript packs named in the configuration (YAML rule files still load): for untrusted checkouts',
  },
  noColor: { flags: '--no-color', help: 'no colours in text output (also: NO_COLOR)' },
  debug: {
    flags: '--debug',
    help: 'on stderr, the stack of a rule that failed (an internal-error finding) and of a pack that failed to load',
  },
} as const satisfies Readonly<Record<string, OptionSpec>>;

/** What to scan and how: the options of `opslint scan` that `opslint wa` takes too. */
const SCAN_SELECTION = [
  SHARED.parameters,
  SHARED.pack,
  SHARED.rule,
  SHARED.excludeRule,
  SHARED.accountBaseline,
  SHARED.config,
  SHARED.noConfig,
  SHARED.loadPack,
  SHARED.noPacks,
  {
    flags: '--jobs <n>',
    help: 'scan up to N files at a time on worker threads (default: one fewer than the CPUs), and fetch deployed stacks N at a time (default: the CPUs)',
  },
  {
    flags: '--rule-timeout <ms>',
    help: 'stop a rule that runs longer than this on one resource, and report it as an internal error (default: 10000)',
  },
] as const satisfies readonly OptionSpec[];

/** Deployed stacks to scan, and how they are read. */
const DEPLOYED_STACKS = [
  {
    flags: '--stack <name|arn>',
    help: 'scan a deployed stack, by name or ARN, and its nested stacks (repeatable, or comma-separated)',
    repeat: 'list',
  },
  { flags: '--all-stacks', help: 'scan every active stack of the region, nested stacks through their parents' },
] as const satisfies readonly OptionSpec[];

/** How AWS is called: for deployed stacks in `scan`, also for the Well-Architected Tool in `wa sync`. */
const AWS = {
  region: {
    flags: '--region <region>',
    help: "AWS region of the stacks (default: AWS_REGION, or the profile's region)",
  },
  profile: {
    flags: '--profile <name>',
    help: 'AWS profile for credentials and region (default: AWS_PROFILE, or the default credential chain)',
  },
  endpointUrl: { flags: '--endpoint-url <url>', help: 'CloudFormation endpoint to call instead of the default one' },
  requestTimeout: {
    flags: '--request-timeout <ms>',
    help: 'deployed stacks: how long one call to CloudFormation may wait to connect, for its answer, or between two parts of it (default: 30000)',
  },
  fetchTimeout: {
    flags: '--fetch-timeout <ms>',
    help: 'deployed stacks: how long fetching them all may take; the stacks fetched by then are scanned (default: 1800000, 30 minutes)',
  },
} as const satisfies Readonly<Record<string, OptionSpec>>;

/** How templates are taken: deployed ones as submitted or processed; named files that are not templates. */
const TEMPLATE_READING = [
  {
    flags: '--template-stage <stage>',
    help: 'template of deployed stacks: as submitted, or with transforms such as SAM expanded (default: original)',
    choices: ['original', 'processed'],
  },
  {
    flags: '--ignore-non-templates',
    help: 'skip named files that are not templates instead of reporting them (for pre-commit hooks)',
  },
] as const satisfies readonly OptionSpec[];

/**
 * A scan of part of what is there: new findings only, changed templates only. `opslint wa` leaves them out, as
 * its evidence stands for the whole workload.
 */
const PARTIAL_SCAN = [
  { flags: '--baseline <file>', help: 'report only findings that are not in this baseline file' },
  { flags: '--changed-since <ref>', help: 'scan only templates (and cdk.out stacks) changed since this git ref' },
] as const satisfies readonly OptionSpec[];

/** How deployed stacks are fetched from CloudFormation. */
const CLOUDFORMATION_ACCESS = [
  AWS.region,
  AWS.profile,
  AWS.endpointUrl,
  AWS.requestTimeout,
  AWS.fetchTimeout,
] as const satisfies readonly OptionSpec[];

const SCAN_INPUTS = [
  ...SCAN_SELECTION,
  ...PARTIAL_SCAN,
  ...DEPLOYED_STACKS,
  ...CLOUDFORMATION_ACCESS,
  ...TEMPLATE_READING,
] as const satisfies readonly OptionSpec[];

export const SCAN_OPTIONS = [
  // the order of --format and --output pairs them (see outputsFrom)
  {
    flags: '-f, --format <format>',
    help: `output format: ${FORMATS.join(', ')} (repeatable; default text)`,
    repeat: 'each',
    ordered: true,
  },
  {
    flags: '-o, --output <file>',
    help: 'write the report of the --format before it to a file (default: stdout)',
    repeat: 'each',
    ordered: true,
  },
  SHARED.failOn,
  {
    flags: '--quiet',
    help: 'errors and warnings only: info findings (needs-context reminders among them) are neither reported nor counted toward --fail-on',
  },
  ...SCAN_INPUTS,
  { flags: '--write-baseline <file>', help: 'record the current findings as the baseline' },
  { flags: '--scorecard', help: 'text output: add the OPS scorecard, question by question' },
  SHARED.noColor,
  SHARED.debug,
  ...LIMIT_OPTIONS,
] as const satisfies readonly OptionSpec[];

const WA_REPORT_URL = {
  flags: '--report-url <url>',
  help: "where the full report is published (http or https), named in every question's note: give one that stays the same between runs, as a changed URL rewrites every note",
} as const satisfies OptionSpec;

/** `opslint wa report`: the evidence of a scan for a Well-Architected review, offline. */
export const WA_REPORT_OPTIONS = [
  {
    flags: '-f, --format <format>',
    help: 'output format: markdown or json (default markdown)',
    choices: ['markdown', 'json'],
  },
  { flags: '-o, --output <file>', help: 'write the evidence to a file (default: stdout)' },
  WA_REPORT_URL,
  ...SCAN_SELECTION,
  ...DEPLOYED_STACKS,
  ...CLOUDFORMATION_ACCESS,
  ...TEMPLATE_READING,
  SHARED.debug,
  ...LIMIT_OPTIONS,
] as const satisfies readonly OptionSpec[];

/** `opslint wa sync`: the evidence written into a workload's review in the Well-Architected Tool. */
export const WA_SYNC_OPTIONS = [
  { flags: '--workload-id <id>', help: 'the workload whose review is updated' },
  { flags: '--workload <name>', help: 'the workload whose review is updated, by name' },
  WA_REPORT_URL,
  {
    flags: '--select-passing',
    help: 'also select the choices whose checks all passed (never one with a failure; nothing is unselected)',
  },
  {
    flags: '--milestone <name>',
    help: 'record a milestone of the workload after the update (e.g. the release tag); a name the workload has already records nothing, and a warning says so',
  },
  { flags: '--dry-run', help: 'write nothing: print the updates it would make' },
  {
    flags: '-f, --format <format>',
    help: 'the output of --dry-run: text or json (default text)',
    choices: ['text', 'json'],
  },
  ...SCAN_SELECTION,
  ...DEPLOYED_STACKS,
  {
    ...AWS.region,
    help: "AWS region of the workload and of deployed stacks (default: AWS_REGION, or the profile's region)",
  },
  AWS.profile,
  { ...AWS.endpointUrl, help: 'Well-Architected Tool endpoint to call instead of the default one' },
  {
    ...AWS.requestTimeout,
    help: 'how long one call to AWS may wait to connect, for its answer, or between two parts of it (default: 30000)',
  },
  AWS.fetchTimeout,
  ...TEMPLATE_READING,
  SHARED.debug,
  ...LIMIT_OPTIONS,
] as const satisfies readonly OptionSpec[];

/** `opslint hook package`: the Lambda Hook's folder, with the configuration and packs as a scan reads them. */
export const HOOK_PACKAGE_OPTIONS = [
  { flags: '-o, --output <dir>', help: 'the folder to write handler.js and template.yaml into (required)' },
  {
    ...SHARED.failOn,
    help: 'the lowest severity that fails an operation (default: error, or failOn in the configuration)',
  },
  SHARED.pack,
  SHARED.rule,
  SHARED.excludeRule,
  SHARED.parameters,
  SHARED.accountBaseline,
  SHARED.config,
  SHARED.noConfig,
  { ...SHARED.loadPack, help: 'bundle a rule pack into the handler (repeatable; also `packs` in the configuration)' },
] as const satisfies readonly OptionSpec[];

export const FIX_OPTIONS = [
  { flags: '--dry-run', help: 'change nothing: print the unified diff (stdout) and what would be fixed (stderr)' },
  { ...SHARED.rule, help: 'run and fix only these rules (repeatable, or comma-separated)' },
  SHARED.excludeRule,
  { ...SHARED.failOn, help: 'exit with 1 when a finding at or above this severity is left (default: error)' },
  SHARED.parameters,
  SHARED.config,
  SHARED.noConfig,
  { ...SHARED.loadPack, help: 'load a rule pack (repeatable; also `packs` in the configuration)' },
  { ...SHARED.noPacks, help: 'run no JavaScript packs named in the configuration (YAML rule files still load)' },
  { ...SHARED.noColor, help: 'no colours (also: NO_COLOR)' },
  SHARED.debug,
  ...LIMIT_OPTIONS,
] as const satisfies readonly OptionSpec[];

/** What `opslint rules` and `opslint explain` take: where the packs beyond the built-in ones come from, as for scan. */
export const CATALOGUE_OPTIONS = [
  SHARED.config,
  SHARED.noConfig,
  { ...SHARED.loadPack, help: 'load a rule pack (repeatable; also `packs` in the configuration)' },
  SHARED.noPacks,
  { ...SHARED.noColor, help: 'no colours (also: NO_COLOR)' },
] as const satisfies readonly OptionSpec[];

/** The options of `opslint scan`, as commander parses them. */
export type ScanCliOptions = OptionValues<typeof SCAN_OPTIONS>;
/** The options of `opslint wa report`, as commander parses them. */
export type WaReportCliOptions = OptionValues<typeof WA_REPORT_OPTIONS>;
/** The options of `opslint wa sync`, as commander parses them. */
export type WaSyncCliOptions = OptionValues<typeof WA_SYNC_OPTIONS>;
/** The options of `opslint hook package`, as commander parses them. */
export type HookPackageCliOptions = OptionValues<typeof HOOK_PACKAGE_OPTIONS>;
/** The options of `opslint fix`, as commander parses them. */
export type FixCliOptions = OptionValues<typeof FIX_OPTIONS>;
/** The options that `opslint rules` and `opslint explain` share. */
export type CatalogueCliOptions = OptionValues<typeof CATALOGUE_OPTIONS>;

const each = (value: string, previous: string[] = []): string[] => [...previous, value];
const list = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];

/**
 * Declares `specs` to `command`, in order. Returns the values of its `ordered` options, filled in the order the
 * parser reads them: so a value of another option that looks like one (`--account-baseline --output=x`) is not
 * taken for it.
 */
export function addOptions<const Specs extends readonly OptionSpec[]>(
  command: Command,
  specs: Specs,
): OrderedValues<Specs> {
  const ordered: { flag: string; value: string }[] = [];
  for (const spec of specs) {
    const option = new Option(spec.flags, spec.help);
    if (spec.repeat) option.argParser(spec.repeat === 'each' ? each : list);
    if (spec.choices) option.choices(spec.choices);
    command.addOption(option);
    if (spec.ordered)
      command.on(`option:${option.name()}`, (value: string) => ordered.push({ flag: option.attributeName(), value }));
  }
  return ordered as OrderedValues<Specs>;
}
