/**
 * `OpsNagPack`: the OPS rules as a cdk-nag 3 `NagPack`, for teams that already register cdk-nag packs:
 * `Validations.of(app).addPlugins(new OpsNagPack(app))`. It runs the same engine as `OpsChecks` over the
 * synthesized templates, then reports each finding through cdk-nag on the construct it is about, so cdk-nag's
 * own acknowledgement handling applies (rule ids `Ops-<rule id>`). App-level findings are added to the report
 * as they are. Unlike cdk-nag's packs, it fails synthesis only at or above `failOn`.
 */
import { CfnResource, Stack, type IPolicyValidationContext, type PolicyValidationPluginReport } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { NagMessageLevel, NagPack, NagRuleCompliance, type NagPackProps } from 'cdk-nag';
import type { Finding } from '../engine/finding';
import { packageVersion } from '../version';
import { configured, withConfiguration, type OpsCheckProps } from './common';
import { appReport, describeFinding, describeUnreadable, level, stackOf } from './report';
import { synthesizedStacks } from './source';

const NAG_LEVEL = { error: NagMessageLevel.ERROR, warning: NagMessageLevel.WARN, info: NagMessageLevel.INFO } as const;

/** Options of {@link OpsNagPack}: cdk-nag's and opslint's. */
export interface OpsNagPackProps extends NagPackProps, OpsCheckProps {}

/** The opslint rules as a cdk-nag 3 pack: `Validations.of(app).addPlugins(new OpsNagPack(app))`. */
export class OpsNagPack extends NagPack {
  readonly name = 'opslint-nag';
  override readonly version = packageVersion();
  override readonly ruleIds: string[];
  private readonly opsProps: OpsCheckProps;
  private readonly rules: ReturnType<typeof configured>;
  /** findings by the construct path of their stack, then logical id; set while a validation runs */
  private byResource = new Map<string, Finding[]>();

  constructor(scope?: IConstruct, props: OpsNagPackProps = {}) {
    super(scope, props);
    this.packName = 'Ops';
    this.opsProps = withConfiguration(props);
    this.rules = configured(this.opsProps);
    this.ruleIds = this.rules.map((c) => `Ops-${c.rule.id}`);
  }

  override validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const read = synthesizedStacks(context.appConstruct, context.templatePaths, this.opsProps.parameters);
    const assembly = read.assembly;
    const { findings, errors } = appReport(read, this.rules, this.opsProps);
    this.byResource = new Map();
    const appLevel: Finding[] = [];
    for (const f of findings) {
      const stack = assembly.stacks.find((s) => s.template.file === f.file);
      if (!f.resource || !stack?.constructPath) {
        appLevel.push(f);
        continue;
      }
      const key = `${stack.constructPath}\u0000${f.resource}`;
      this.byResource.set(key, [...(this.byResource.get(key) ?? []), f]);
    }
    // cdk-nag walks the construct tree and calls checkResource for each CfnResource
    const report = super.validate(context);
    const violations = [
      ...report.violations,
      ...appLevel.map((f) => ({
        ruleName: `Ops-${f.ruleId}`,
        description: describeFinding(f),
        severity: level(f, this.opsProps),
        // a finding about a whole stack names the stack, as OpsChecks does; one about the app, the app
        violatingResources: [{ constructPath: stackOf(f, assembly)?.constructPath ?? '', locations: [] as string[] }],
      })),
      // a template that could not be read fails synthesis, as with OpsChecks: its stack was not checked
      ...errors.map((e) => ({
        ruleName: 'Ops-unreadable-template',
        description: describeUnreadable(e),
        severity: 'error',
        violatingResources: [{ constructPath: '', locations: [] as string[] }],
      })),
    ];
    return { ...report, violations, success: !violations.some((v) => v.severity === 'error') };
  }

  protected checkResource(node: CfnResource): void {
    const stack = Stack.of(node);
    const logicalId = stack.resolve(node.logicalId) as string;
    for (const f of this.byResource.get(`${stack.node.path}\u0000${logicalId}`) ?? []) {
      this.applyRule({
        ruleSuffixOverride: f.ruleId,
        info: describeFinding(f),
        explanation: this.rules.find((c) => c.rule.id === f.ruleId)?.rule.why ?? '',
        level: NAG_LEVEL[level(f, this.opsProps)],
        node,
        rule: () => NagRuleCompliance.NON_COMPLIANT,
      });
    }
  }
}
