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
import { blocks, checkSynthesized, configured, describeFinding, type OpsCheckProps } from './common';

/** Options of {@link OpsNagPack}: cdk-nag's and opslint's. */
export interface OpsNagPackProps extends NagPackProps, OpsCheckProps {}

/** The opslint rules as a cdk-nag 3 pack: `Validations.of(app).addPlugins(new OpsNagPack(app))`. */
export class OpsNagPack extends NagPack {
  readonly name = 'opslint-nag';
  override readonly version = packageVersion();
  override readonly ruleIds: string[];
  private readonly opsProps: OpsCheckProps;
  private readonly rules: Map<string, { why?: string }>;
  /** findings by the construct path of their stack, then logical id; set while a validation runs */
  private byResource = new Map<string, Finding[]>();

  constructor(scope?: IConstruct, props: OpsNagPackProps = {}) {
    super(scope, props);
    this.packName = 'Ops';
    this.opsProps = props;
    const rules = configured(props);
    this.ruleIds = rules.map((c) => `Ops-${c.rule.id}`);
    this.rules = new Map(rules.map((c) => [c.rule.id, c.rule]));
  }

  override validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const { assembly, findings } = checkSynthesized(context.appConstruct, context.templatePaths, this.opsProps);
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
        severity: blocks(f, this.opsProps) ? 'error' : f.severity === 'info' ? 'info' : 'warning',
        // a finding about a whole stack names the stack, as OpsChecks does; one about the app, the app
        violatingResources: [{ constructPath: assembly.stacks.find((s) => !s.parent && s.stackName === f.stack)?.constructPath ?? '', locations: [] as string[] }],
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
        explanation: this.rules.get(f.ruleId)?.why ?? '',
        level: blocks(f, this.opsProps) ? NagMessageLevel.ERROR : f.severity === 'info' ? NagMessageLevel.INFO : NagMessageLevel.WARN,
        node,
        rule: () => NagRuleCompliance.NON_COMPLIANT,
      });
    }
  }
}


