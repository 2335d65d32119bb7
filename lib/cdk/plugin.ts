/**
 * `OpsChecks`: a CDK policy validation plugin. `Validations.of(app).addPlugins(new OpsChecks())` runs the
 * OPS rules over every template the app synthesizes (all Stages, nested stacks, and app-level rules such as
 * multiple environments), and CDK prints the report, writes `cdk.out/validation-report.json`, and fails
 * synthesis when a finding is at or above `failOn`.
 */
import type {
  IPolicyValidationContext,
  IPolicyValidationPlugin,
  PolicyValidationPluginReport,
  PolicyViolation,
} from 'aws-cdk-lib';
import { bestPractice } from '../framework';
import type { IConstruct } from 'constructs';
import type { Assembly } from '../assembly/model';
import { INTERNAL_ERROR, type Finding } from '../engine/finding';
import type { ConfiguredRule } from '../engine/runner';
import { printable } from '../reporters/escape';
import { parsePath } from '../template/path';
import { packageVersion } from '../version';
import {
  acknowledgementFor,
  acknowledgementProblems,
  AppTree,
  configured,
  PLUGIN_NAME,
  recordAcknowledgements,
  withConfiguration,
  type Acknowledgement,
  type OpsCheckProps,
} from './common';
import {
  acknowledgementViolations,
  appReport,
  cdkFix,
  constructOf,
  describeFinding,
  describeUnreadable,
  findingsInStages,
  level,
  stackOf,
  staleRecords,
} from './report';
import { synthesizedStacks } from './source';

/** The opslint CDK validation plugin: `Validations.of(app).addPlugins(new OpsChecks({ failOn }))`. */
export class OpsChecks implements IPolicyValidationPlugin {
  readonly name = PLUGIN_NAME;
  readonly version = packageVersion();
  readonly ruleIds: string[];

  private readonly props: OpsCheckProps;
  private readonly rules: readonly ConfiguredRule[];

  constructor(props: OpsCheckProps = {}) {
    this.props = withConfiguration(props);
    // the selection is checked now, so a typo in a rule id fails where the plugin is created
    this.rules = configured(this.props);
    this.ruleIds = this.rules.map((c) => c.rule.id);
  }

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const tree = new AppTree(context.appConstruct);
    const stale = recordAcknowledgements(tree);
    const rules = this.rules;
    const read = synthesizedStacks(context.appConstruct, context.templatePaths, this.props.parameters);
    const assembly = read.assembly;
    const { findings, errors } = appReport(read, rules, this.props);
    const byId = new Map(rules.map((c) => [c.rule.id, c.rule]));
    // the CDK matches the ids it prints, not its alias of them (which it prints for OpsAspect's warnings): a finding
    // acknowledged so is left out here, and named in the summary of acknowledged findings, as OpsAspect does
    const byAlias = (f: Finding): boolean =>
      tree.hasAcknowledgements &&
      validAcknowledgement(constructOf(f, assembly, tree), f, this.props, tree)?.alias !== undefined;
    const violations: PolicyViolation[] = findings
      .filter((f) => !byAlias(f))
      .map((f) => ({
        ruleName: f.ruleId,
        description: describeFinding(f, assembly),
        fix: cdkFix(f, byId.get(f.ruleId)?.fix, assembly),
        // a rule that failed left its resource unchecked: nothing to acknowledge there, and CDK never excuses a fatal
        severity: f.ruleId === INTERNAL_ERROR ? 'fatal' : level(f, this.props),
        // what CDK does not show already: the description ends with the best practice, and CDK says how to
        // acknowledge (`Acknowledge with 'opslint::<rule>'`)
        ruleMetadata: { 'opslint severity': f.severity, Documentation: bestPractice(f.bestPractice)?.url ?? '' },
        violatingResources: [
          f.resource
            ? { resourceLogicalId: f.resource, templatePath: f.file, locations: locationInResource(f) }
            : {
                constructPath: stackOf(f, assembly)?.constructPath ?? '',
                locations: f.path ? [parsePath(f.path).join('.')] : [],
              },
        ],
      }));
    const inStages = findingsInStages(
      tree,
      assembly,
      findings,
      this.props,
      (f, at) => validAcknowledgement(at, f, this.props, tree) !== undefined,
    );
    if (inStages) violations.push({ ruleName: 'findings-in-stages', ...inStages });
    for (const e of errors) {
      violations.push({
        ruleName: 'unreadable-template',
        description: describeUnreadable(e),
        severity: 'error',
        violatingResources: [{ constructPath: '', locations: [] }],
      });
    }
    violations.push(...acknowledgementViolations(tree, this.props, 'opslint'), ...staleRecords(stale));
    const summary = acknowledgedSummary(tree, assembly, findings, this.props);
    if (summary) violations.push(summary);
    return {
      success: !violations.some((v) => v.severity === 'error' || v.severity === 'fatal'),
      violations,
      pluginVersion: this.version,
    };
  }
}

/**
 * One info line at the app naming what the acknowledgements in the tree excuse, so that a reviewer sees it in
 * the output of `cdk synth` without opening validation-report.json: `3 finding(s) acknowledged:
 * opslint::alarm-actions at Dev ("reason") for 2 findings; …`. An acknowledgement with a problem excuses nothing.
 * Like every violation CDK offers to acknowledge it; an acknowledgement of it names no rule and is reported.
 */
function acknowledgedSummary(
  tree: AppTree,
  assembly: Assembly,
  findings: readonly Finding[],
  props: OpsCheckProps,
): PolicyViolation | undefined {
  // most apps acknowledge nothing: no finding need be placed in the tree
  if (!tree.hasAcknowledgements) return undefined;
  const used = new Map<string, { ack: Acknowledgement; count: number }>();
  for (const f of findings) {
    const ack = validAcknowledgement(constructOf(f, assembly, tree), f, props, tree);
    if (!ack) continue;
    const key = `${ack.id}\u0000${ack.at}`;
    const entry = used.get(key) ?? { ack, count: 0 };
    entry.count++;
    used.set(key, entry);
  }
  if (used.size === 0) return undefined;
  const total = [...used.values()].reduce((n, e) => n + e.count, 0);
  const list = [...used.values()].map(
    ({ ack, count }) =>
      `${ack.id} at ${ack.at === '' ? 'the app' : ack.at} ("${ack.reason.trim()}")${count > 1 ? ` for ${count} findings` : ''}`,
  );
  return {
    ruleName: 'acknowledged-findings',
    description: printable(`${total} finding(s) acknowledged: ${list.join('; ')}.`),
    severity: 'info',
    violatingResources: [{ constructPath: '', locations: [] }],
  };
}

/** The acknowledgement that excuses a finding at `at`: one of its rule, on it or an ancestor, with no problem. */
function validAcknowledgement(
  at: IConstruct | undefined,
  f: Finding,
  props: OpsCheckProps,
  tree: AppTree,
): Acknowledgement | undefined {
  const ack = at ? acknowledgementFor(at, f.ruleId, tree) : undefined;
  return ack && acknowledgementProblems([ack], props).length === 0 ? ack : undefined;
}

/**
 * `Resources.Fn.Properties.Tags[0]` → `['Properties.Tags.0']`, in the resource and in the form CDK documents
 * and matches (as `addPropertyOverride` writes paths): with `cdk synth --debug`, CDK adds where the app overrode
 * that property to the finding's source lines. None for a finding about the whole resource.
 */
function locationInResource(f: Finding): string[] {
  // most paths are `Resources.<id>.<key>.<key>…`, whose part in the resource is already written so
  const head = `Resources.${f.resource}`;
  if (f.path === head) return [];
  const rest = f.path.startsWith(`${head}.`) ? f.path.slice(head.length + 1) : undefined;
  const inResource = rest !== undefined && !rest.includes('[') ? rest : parsePath(f.path).slice(2).join('.');
  return inResource === '' ? [] : [inResource];
}
