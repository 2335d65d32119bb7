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
import type { Finding } from '../engine/finding';
import { parsePath } from '../template/path';
import { packageVersion } from '../version';
import {
  acknowledgementFor,
  acknowledgementId,
  acknowledgementProblems,
  acknowledgements,
  blocks,
  configured,
  PLUGIN_NAME,
  withConfiguration,
  type OpsCheckProps,
} from './common';
import { appReport, bestPracticeLabel, describeFinding, describeUnreadable, level, stackOf } from './report';
import { synthesizedStacks } from './source';

/** The opslint CDK validation plugin: `Validations.of(app).addPlugins(new OpsChecks({ failOn }))`. */
export class OpsChecks implements IPolicyValidationPlugin {
  readonly name = PLUGIN_NAME;
  readonly version = packageVersion();
  readonly ruleIds: string[];

  private readonly props: OpsCheckProps;

  constructor(props: OpsCheckProps = {}) {
    this.props = withConfiguration(props);
    // the selection is checked now, so a typo in a rule id fails where the plugin is created
    this.ruleIds = configured(this.props).map((c) => c.rule.id);
  }

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const rules = configured(this.props);
    const read = synthesizedStacks(context.appConstruct, context.templatePaths, this.props.parameters);
    const assembly = read.assembly;
    const { findings, errors } = appReport(read, rules, this.props);
    const byId = new Map(rules.map((c) => [c.rule.id, c.rule]));
    const violations: PolicyViolation[] = findings.map((f) => {
      return {
        ruleName: f.ruleId,
        description: describeFinding(f),
        fix: byId.get(f.ruleId)?.fix?.cdk,
        severity: level(f, this.props),
        ruleMetadata: {
          'OPS best practice': bestPracticeLabel(f.bestPractice),
          'opslint severity': f.severity,
          Documentation: bestPractice(f.bestPractice)?.url ?? '',
          Acknowledge: `Validations.of(construct).acknowledge({ id: '${acknowledgementId(f.ruleId)}', reason: '…' })`,
        },
        violatingResources: [
          f.resource
            ? { resourceLogicalId: f.resource, templatePath: f.file, locations: locationInResource(f) }
            : {
                constructPath: stackOf(f, assembly)?.constructPath ?? '',
                locations: f.path ? [f.path.replace(/\./g, '/')] : [],
              },
        ],
      };
    });
    const inStages = blockingInStages(context.appConstruct, assembly, findings, this.props);
    if (inStages) violations.push(inStages);
    for (const e of errors) {
      violations.push({
        ruleName: 'unreadable-template',
        description: describeUnreadable(e),
        severity: 'error',
        violatingResources: [{ constructPath: '', locations: [] }],
      });
    }
    for (const p of acknowledgementProblems(acknowledgements(context.appConstruct), this.props)) {
      violations.push({
        ruleName: p.problem === 'reason' ? 'acknowledgement-reason' : 'acknowledgement-unknown-rule',
        description: p.message,
        // CDK never suppresses a fatal violation: a bad acknowledgement cannot excuse itself
        severity: p.problem === 'reason' ? 'fatal' : 'warning',
        violatingResources: [{ constructPath: p.ack.at, locations: [] }],
      });
    }
    return {
      success: !violations.some((v) => v.severity === 'error' || v.severity === 'fatal'),
      violations,
      pluginVersion: this.version,
    };
  }
}

/**
 * `cdk synth` without stack names shows only the violations of top-level stacks, and exits 0 when those
 * are clean: an app whose stacks all live in Stages would pass unseen. One app-level violation names the
 * blocking findings in Stages (those not acknowledged) and how to list them.
 */
function blockingInStages(
  app: IConstruct,
  assembly: Assembly,
  findings: readonly Finding[],
  props: OpsCheckProps,
): PolicyViolation | undefined {
  const byPath = new Map(app.node.findAll().map((c) => [c.node.path, c]));
  const hidden = findings.filter((f) => {
    // a resource finding is in its stack's template; a finding about a whole stack is in its Stage's manifest
    const stack =
      assembly.stacks.find((s) => s.template.file === f.file) ??
      assembly.stacks.find((s) => !s.parent && s.stackName === f.stack);
    if (!stack || stack.stages.length === 0 || !blocks(f, props)) return false;
    const at = f.constructPath ?? stack.constructPath;
    const construct = at !== undefined ? byPath.get(at) : undefined;
    const ack = construct ? acknowledgementFor(construct, f.ruleId) : undefined;
    return !ack || acknowledgementProblems([ack], props).length > 0;
  });
  if (hidden.length === 0) return undefined;
  const stacks = [...new Set(hidden.map((f) => f.stack))].join(', ');
  return {
    ruleName: 'findings-in-stages',
    description:
      `${hidden.length} finding(s) at or above "${props.failOn ?? 'error'}" in stacks inside Stages (${stacks}). ` +
      "`cdk synth` without stack names shows only top-level stacks: run `cdk synth '**'` to see each finding, or `npx opslint scan cdk.out`.",
    severity: 'error',
    violatingResources: [{ constructPath: '', locations: [] }],
  };
}

/**
 * `Resources.Fn.Properties.TracingConfig.Mode` → `['Properties/TracingConfig/Mode']`, the form CDK shows; none
 * for a finding about the whole resource.
 */
function locationInResource(f: Finding): string[] {
  const inResource = parsePath(f.path).slice(2).join('/');
  return inResource === '' ? [] : [inResource];
}
