/**
 * The CDK integrations are reporters: each reads the app into assemblies (./source.ts), takes the report every
 * opslint output is made from (`buildReport`), and shows its findings the CDK's way. What they show the same way
 * is here: a finding's text, its level, and the stack it is about.
 */
import type { Assembly, Stack } from '../assembly/model';
import { accountBaselineMatcher } from '../engine/account-baseline';
import { fullMessage, type Finding, type ScanReport } from '../engine/finding';
import type { ConfiguredRule } from '../engine/runner';
import { bestPractice } from '../framework';
import { printable } from '../reporters/escape';
import { buildReport } from '../scan/report';
import type { InputError } from '../template/errors';
import { blocks, type OpsCheckProps } from './common';

/** The report of `rules` over an assembly of the app; suppressions are acknowledgements in the construct tree, not template metadata. */
export function appReport(assembly: Assembly, errors: readonly InputError[], rules: readonly ConfiguredRule[], props: OpsCheckProps): ScanReport {
  return buildReport([assembly], rules, errors, { accountBaseline: accountBaselineMatcher(props.accountBaseline) });
}

/** A finding as the CDK shows it: the message (and what it needs), then its best practice with its title. */
export function describeFinding(f: Finding): string {
  // shown on the terminal of `cdk synth`: text from templates (an included template's logical ids) stays text
  return printable(`${fullMessage(f)} (${f.bestPractice} ${bestPractice(f.bestPractice)?.title ?? ''})`);
}

/**
 * CDK fails synthesis on errors, so `error` means "at or above failOn"; below it, an opslint error is a warning,
 * and a warning or info stays what it is.
 */
export function level(f: Finding, props: OpsCheckProps): 'error' | 'warning' | 'info' {
  if (blocks(f, props)) return 'error';
  return f.severity === 'error' ? 'warning' : f.severity;
}

/** The stack a finding about a whole stack names (by its stack name; nested stacks belong to their parent). */
export function stackOf(f: Finding, assembly: Assembly): Stack | undefined {
  return assembly.stacks.find((s) => !s.parent && s.stackName === f.stack);
}
