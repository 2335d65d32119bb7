/**
 * The CDK integrations are reporters: each reads the app into assemblies (./source.ts), scans them as a source of
 * assemblies already made (the report every opslint output is made from), and shows the findings the CDK's way.
 * What they show the same way is here: the report, a finding's text, its level, the stack it is about, and an
 * input that could not be read.
 */
import * as path from 'node:path';
import { Stack as CdkStack, Stage, type PolicyViolation } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { constructLabel, type Assembly, type Stack } from '../assembly/model';
import { errorLocation, fullMessage, type Finding, type InputErrorEntry, type ScanReport } from '../engine/finding';
import type { RuleFix } from '../engine/rule';
import type { ConfiguredRule } from '../engine/runner';
import { bestPracticeLabel } from '../framework';
import { printable } from '../reporters/escape';
import { scanNow } from '../scan';
import { memorySource } from '../sources/memory';
import type { InputError } from '../template/errors';
import {
  acknowledgementProblems,
  acknowledgements,
  blocks,
  type AcknowledgementIds,
  type AppTree,
  type OpsCheckProps,
} from './common';

/** The report of `rules` over an assembly of the app; suppressions are acknowledgements in the construct tree, not template metadata. */
export function appReport(
  read: { readonly assembly: Assembly; readonly errors: readonly InputError[] },
  rules: readonly ConfiguredRule[],
  props: OpsCheckProps,
): ScanReport {
  return scanNow([memorySource([read])], {
    packs: [],
    rules,
    accountBaseline: props.accountBaseline,
    suppressions: false,
  });
}

/**
 * A finding as the CDK shows it: the message (and what it needs) in the words of a CDK app, then its best practice
 * with its title.
 */
export function describeFinding(f: Finding, assembly: Pick<Assembly, 'stacks'>): string {
  // shown on the terminal of `cdk synth`: text from templates (an included template's logical ids) stays text
  return printable(`${inCdkTerms(fullMessage(f), stackOfFinding(f, assembly))} (${bestPracticeLabel(f.bestPractice)})`);
}

/**
 * Rule messages are written for templates and the command line. In a CDK app a template is a stack, the cloud
 * assembly is the app and `--account-baseline` is `accountBaseline`,
 * and a resource is the construct the user named, not its hashed logical id: each logical id of `stack` with a
 * construct (the CDK's own resources excepted) that is a whole word of `text` becomes the construct's path in its
 * stack, without the `Resource` or `Default` that L2 constructs give their L1 (`Handler886CB40B` → `Handler`).
 */
function inCdkTerms(text: string, stack: Stack | undefined): string {
  // most messages name none of these: a search for a word is cheaper than a regular expression's replace
  let worded = text;
  if (worded.includes(' template')) worded = worded.replace(/\b([Tt]his|[Tt]he same|[Tt]he) template\b/g, '$1 stack');
  if (worded.includes(' cloud assembly')) worded = worded.replace(/\b([Tt]his|[Tt]he) cloud assembly\b/g, '$1 app');
  // the command line's option is the integrations' accountBaseline (a prop or a configuration key)
  if (worded.includes('(--account-baseline)')) worded = worded.replace(/\(--account-baseline\)/g, '(accountBaseline)');
  const constructs = stack?.constructs;
  if (!constructs || constructs.size === 0 || stack.constructPath === undefined) return worded;
  const prefix = `${stack.constructPath}/`;
  // each whole word of letters, digits and `_` (a run that `\w` matches) as long as a logical id of the stack, found
  // by a native search: every finding's text goes through here, in a fresh process (most syntheses) by V8's
  // interpreter, where a loop over its characters took most of the time of the plugin's report
  const words = longWords(shortestId(constructs));
  words.lastIndex = 0;
  let out = '';
  let copied = 0;
  for (let m = words.exec(worded); m !== null; m = words.exec(worded)) {
    const id = m[0];
    const at = id.includes('_') ? undefined : constructs.get(id)?.path;
    if (at !== undefined && at.startsWith(prefix) && !stack.frameworkResources?.has(id)) {
      out += worded.slice(copied, m.index) + constructLabel(at.slice(prefix.length));
      copied = m.index + id.length;
    }
  }
  return copied === 0 ? worded : out + worded.slice(copied);
}

/**
 * A pattern that finds each whole word of at least `length` characters (`\w` runs): tried only where a word starts
 * (`\b`, rather than again at each character inside a shorter word), greedily, it takes every run that long from
 * its start to its end and no shorter one.
 */
const LONG_WORDS = new Map<number, RegExp>();
function longWords(length: number): RegExp {
  const n = Math.max(1, length);
  let pattern = LONG_WORDS.get(n);
  if (!pattern) LONG_WORDS.set(n, (pattern = new RegExp(`\\b\\w{${n},}`, 'g')));
  return pattern;
}

/** The length of the shortest logical id of a stack, worked out once per stack: shorter words need no lookup. */
const SHORTEST = new WeakMap<ReadonlyMap<string, unknown>, number>();
function shortestId(constructs: ReadonlyMap<string, unknown>): number {
  let shortest = SHORTEST.get(constructs);
  if (shortest === undefined) {
    shortest = Infinity;
    for (const id of constructs.keys()) shortest = Math.min(shortest, id.length);
    SHORTEST.set(constructs, shortest);
  }
  return shortest;
}

/** A template of the app that could not be read: its stack was not checked. */
export function describeUnreadable(e: InputErrorEntry): string {
  return `opslint could not read ${errorLocation(e)}: ${e.message}; its stack was not checked.`;
}

/**
 * CDK fails synthesis on errors, so `error` means "at or above failOn"; below it, an opslint error is a warning,
 * and a warning or info stays what it is.
 */
export function level(f: Finding, props: OpsCheckProps): 'error' | 'warning' | 'info' {
  if (blocks(f, props)) return 'error';
  return f.severity === 'error' ? 'warning' : f.severity;
}

/** The CDK fix to show for a finding: the one for its resource's type (read from its template), else the rule's. */
export function cdkFix(f: Finding, fix: RuleFix | undefined, assembly: Assembly): string | undefined {
  const type = assembly.stacks.find((s) => s.template.file === f.file)?.template.resources.get(f.resource)?.type;
  return (type !== undefined ? fix?.cdkFor?.[type] : undefined) ?? fix?.cdk;
}

/** The stack a finding about a whole stack names (by its stack name; nested stacks belong to their parent). */
export function stackOf(f: Finding, assembly: Pick<Assembly, 'stacks'>): Stack | undefined {
  return assembly.stacks.find((s) => !s.parent && s.stackName === f.stack);
}

/** The stack a finding is in: a resource finding by its template, one about a whole stack by its stack name. */
function stackOfFinding(f: Finding, assembly: Pick<Assembly, 'stacks'>): Stack | undefined {
  return assembly.stacks.find((s) => s.template.file === f.file) ?? stackOf(f, assembly);
}

/** The construct a finding is about (its resource, or its stack for a finding about a whole stack). */
export function constructOf(f: Finding, assembly: Assembly, tree: AppTree): IConstruct | undefined {
  const at = f.constructPath ?? stackOfFinding(f, assembly)?.constructPath;
  return at !== undefined ? tree.construct(at) : undefined;
}

/**
 * `cdk synth` without stack names shows only the violations of top-level stacks, and exits 0 when those are
 * clean: an app whose stacks all live in Stages would pass unseen. One app-level violation names the blocking
 * findings in Stages that `acknowledged` does not excuse. The plugin cannot know which stacks the command
 * selected, so the text fits both `cdk synth` and `cdk synth '**'`. It is fatal: CDK never suppresses a fatal
 * violation, so one acknowledgement cannot hide every blocking finding in every Stage.
 */
export function findingsInStages(
  tree: AppTree,
  assembly: Assembly,
  findings: readonly Finding[],
  props: OpsCheckProps,
  acknowledged: (f: Finding, construct: IConstruct | undefined) => boolean,
): Omit<PolicyViolation, 'ruleName'> | undefined {
  const hidden = findings.filter((f) => {
    const stack = stackOfFinding(f, assembly);
    if (!stack || stack.stages.length === 0 || !blocks(f, props)) return false;
    // an app without acknowledgements excuses nothing: its findings need not be found in the tree
    return !tree.hasAcknowledgements || !acknowledged(f, constructOf(f, assembly, tree));
  });
  return hidden.length === 0
    ? undefined
    : stageGuard(hidden.length, [...new Set(hidden.map((f) => f.stack ?? ''))], props);
}

/** The Stage guard's violation: `count` blocking findings in the stacks named, which plain `cdk synth` does not list. */
export function stageGuard(
  count: number,
  stacks: readonly string[],
  props: OpsCheckProps,
): Omit<PolicyViolation, 'ruleName'> {
  return {
    description:
      `${count} finding(s) at or above "${props.failOn ?? 'error'}" in stacks inside Stages (${stacks.join(', ')}). ` +
      "`cdk synth` without stack names lists only top-level stacks; `cdk synth '**'` lists each of these findings " +
      'under its stack, as does `npx opslint scan cdk.out`. Acknowledge the findings themselves: this summary cannot be acknowledged.',
    severity: 'fatal',
    violatingResources: [{ constructPath: '', locations: [] }],
  };
}

/**
 * The problems with the acknowledgements in the app, as violations CDK prints. Plain `cdk synth` shows only the app
 * and its top-level stacks: one made in a top-level stack is at its construct, any other (in a Stage, or on a Stage
 * or the app) at the app, so that it is seen without `'**'`. A short reason is fatal, which CDK never lets an
 * acknowledgement excuse; a rule that does not exist is a warning. `prefix` is that of the integration's rule names
 * (`Ops-` for the nag pack); `exceptTopLevelStacks` leaves out those the Aspect annotates itself.
 */
export function acknowledgementViolations(
  tree: AppTree,
  props: OpsCheckProps,
  ids: AcknowledgementIds,
  { prefix = '', exceptTopLevelStacks = false }: { prefix?: string; exceptTopLevelStacks?: boolean } = {},
): PolicyViolation[] {
  const problems = acknowledgementProblems(acknowledgements(tree, ids), props);
  const inTopLevelStack = (at: string): boolean => {
    const c = tree.construct(at);
    return c !== undefined && isTopLevel(c);
  };
  return problems
    .filter((p) => !exceptTopLevelStacks || !inTopLevelStack(p.ack.at))
    .map((p) => ({
      ruleName: `${prefix}${p.problem === 'reason' ? 'acknowledgement-reason' : 'acknowledgement-unknown-rule'}`,
      description: p.message,
      severity: p.problem === 'reason' ? 'fatal' : 'warning',
      violatingResources: [{ constructPath: inTopLevelStack(p.ack.at) ? p.ack.at : '', locations: [] }],
    }));
}

/**
 * The records of acknowledgements that synthesis had to leave as an earlier one wrote them (see
 * recordAcknowledgements), each a warning at the app. `prefix` is that of the integration's rule names.
 */
export function staleRecords(files: readonly string[], prefix = ''): PolicyViolation[] {
  return files.map((file) => ({
    ruleName: `${prefix}acknowledgements-not-recorded`,
    description:
      `${path.relative(process.cwd(), file) || file} holds the acknowledgements made above the stacks in an earlier ` +
      'synthesis, which `opslint scan cdk.out` reads, not those of this one: the app sets ' +
      'confirmValidationPluginsDoNotMutate, under which the CDK fails synthesis if a validation plugin changes a file ' +
      'already in its output folder. Delete the file (or synthesize into an empty folder), then synthesize again.',
    severity: 'warning',
    violatingResources: [{ constructPath: '', locations: [] }],
  }));
}

/** Whether a construct is in a stack that plain `cdk synth` lists: one (or nested in one) outside every Stage. */
export function isTopLevel(c: IConstruct): boolean {
  for (let s: IConstruct | undefined = c; s; s = s.node.scope) {
    if (CdkStack.isStack(s)) return Stage.of(s)?.node.scope === undefined;
  }
  return false;
}
