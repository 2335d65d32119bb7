/**
 * `OpsNagPack`: the OPS rules as a cdk-nag 3 `NagPack`, for teams that already register cdk-nag packs:
 * `Validations.of(app).addPlugins(new OpsNagPack(app))`. It runs the same engine as `OpsChecks` over the
 * synthesized templates, then reports each finding through cdk-nag on the construct it is about, so cdk-nag's
 * own acknowledgement handling applies: `Ops-<rule id>` for every finding of the rule at or below a construct,
 * `Ops-<rule id>[<logical id>]` for one resource (as `AwsSolutions-IAM5[Action::s3:*]` names one finding).
 * App-level findings are added to the report as they are, and so is the Stage guard of `OpsChecks`
 * (`Ops-findings-in-stages`). Unlike cdk-nag's packs, it fails synthesis only at or above `failOn`.
 *
 * cdk-nag 3 makes one violation per rule id, with the text of its first finding, and reports every level
 * below ERROR as a warning: each violation is rebuilt here from its own finding, at its own level, with the CDK fix
 * for its resource, which cdk-nag has no place for and the CDK prints as the suggested fix.
 */
import {
  CfnResource,
  Stack,
  type IPolicyValidationContext,
  type PolicyValidationPluginReport,
  type PolicyViolation,
} from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { NagMessageLevel, NagPack, type NagPackProps } from 'cdk-nag';
import type { Assembly } from '../assembly/model';
import { INTERNAL_ERROR, type Finding } from '../engine/finding';
import { isReason } from '../engine/suppress';
import { packageVersion } from '../version';
import { acknowledgedRule } from '../assembly/cdk-metadata';
import {
  DEFAULT_MIN_REASON_LENGTH,
  acknowledgedOn,
  AppTree,
  configured,
  recordAcknowledgements,
  withConfiguration,
  type OpsCheckProps,
} from './common';
import {
  acknowledgementViolations,
  appReport,
  cdkFix,
  describeFinding,
  describeUnreadable,
  findingsInStages,
  level,
  stackOf,
  staleRecords,
} from './report';
import { synthesizedStacks } from './source';

const NAG_PLUGIN_NAME = 'opslint-nag';
const NAG_LEVEL = { error: NagMessageLevel.ERROR, warning: NagMessageLevel.WARN, info: NagMessageLevel.INFO } as const;

/** Options of {@link OpsNagPack}: cdk-nag's and opslint's. */
export interface OpsNagPackProps extends NagPackProps, OpsCheckProps {}

/** The opslint rules as a cdk-nag 3 pack: `Validations.of(app).addPlugins(new OpsNagPack(app))`. */
export class OpsNagPack extends NagPack {
  readonly name = NAG_PLUGIN_NAME;
  override readonly version = packageVersion();
  override readonly ruleIds: string[];
  private readonly opsProps: OpsCheckProps;
  /** the shortest reason an acknowledgement may give */
  private readonly minReason: number;
  private readonly rules: ReturnType<typeof configured>;
  /** cdk-nag's `verbose` (private to NagPack): each finding's text goes on with its rule's explanation */
  private readonly explain: boolean;
  /** the stacks being validated; set while a validation runs */
  private assembly?: Assembly;
  /** findings by the construct path of their stack, then logical id; set while a validation runs */
  private byResource = new Map<string, Finding[]>();
  /** the findings cdk-nag reported, by rule id and construct path, in the order it reported them */
  private reported = new Map<string, Finding[]>();

  constructor(scope?: IConstruct, props: OpsNagPackProps = {}) {
    super(scope, props);
    this.packName = 'Ops';
    this.opsProps = withConfiguration(props);
    this.minReason = this.opsProps.minReasonLength ?? DEFAULT_MIN_REASON_LENGTH;
    this.explain = props.verbose ?? false;
    this.rules = configured(this.opsProps);
    this.ruleIds = this.rules.map((c) => `Ops-${c.rule.id}`);
  }

  override validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const tree = new AppTree(context.appConstruct);
    const stale = recordAcknowledgements(tree);
    const read = synthesizedStacks(context.appConstruct, context.templatePaths, this.opsProps.parameters);
    const assembly = read.assembly;
    this.assembly = assembly;
    const { findings, errors } = appReport(read, this.rules, this.opsProps);
    this.byResource = new Map();
    const appLevel: Finding[] = [];
    for (const f of findings) {
      const stack = assembly.stacks.find((s) => s.template.file === f.file);
      // a rule that failed is not left to cdk-nag, which would let a suppression of it excuse it
      if (!f.resource || !stack?.constructPath || f.ruleId === INTERNAL_ERROR) {
        appLevel.push(f);
        continue;
      }
      const key = `${stack.constructPath}\u0000${f.resource}`;
      this.byResource.set(key, [...(this.byResource.get(key) ?? []), f]);
    }
    // cdk-nag walks the construct tree and calls checkResource for each CfnResource
    this.reported = new Map();
    const report = super.validate(context);
    const inStages = findingsInStages(tree, assembly, findings, this.opsProps, (f, at) =>
      at ? acknowledged(at, f, this.minReason, tree) : false,
    );
    const violations: PolicyViolation[] = [
      ...report.violations.flatMap((v) => this.perFinding(v)),
      ...appLevel.map((f) => ({
        ruleName: `Ops-${f.ruleId}`,
        ...this.described(f),
        // fatal: CDK never offers to acknowledge it
        severity: f.ruleId === INTERNAL_ERROR ? 'fatal' : level(f, this.opsProps),
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
      ...(inStages ? [{ ruleName: 'Ops-findings-in-stages', ...inStages }] : []),
      ...acknowledgementViolations(tree, this.opsProps, 'nag', { prefix: 'Ops-' }),
      ...staleRecords(stale, 'Ops-'),
    ];
    return {
      ...report,
      violations,
      success: !violations.some((v) => v.severity === 'error' || v.severity === 'fatal'),
    };
  }

  /** One violation of cdk-nag (one finding id, its resources) as one violation per finding, with its text and level. */
  private perFinding(v: PolicyViolation): PolicyViolation[] {
    return v.violatingResources.flatMap((resource) =>
      (this.reported.get(`${v.ruleName}\u0000${resource.constructPath}`) ?? []).map((f) => ({
        ...v,
        // the rule id, as OpsChecks names it: the text tells the resources apart
        ruleName: `Ops-${f.ruleId}`,
        ...this.described(f),
        severity: level(f, this.opsProps),
        violatingResources: [resource],
      })),
    );
  }

  /**
   * A finding's text as every opslint integration shows it (with the rule's explanation when cdk-nag is verbose),
   * and the CDK fix for its resource, which the CDK prints under it as OpsChecks' "Suggested fix".
   */
  private described(f: Finding): Pick<PolicyViolation, 'description' | 'fix'> {
    const rule = this.rules.find((c) => c.rule.id === f.ruleId)?.rule;
    const description = describeFinding(f, this.assembly!);
    return {
      description: this.explain && rule?.why ? `${description} ${rule.why}` : description,
      fix: cdkFix(f, rule?.fix, this.assembly!),
    };
  }

  protected checkResource(node: CfnResource): void {
    const stack = Stack.of(node);
    const logicalId = stack.resolve(node.logicalId) as string;
    const findings = this.byResource.get(`${stack.node.path}\u0000${logicalId}`) ?? [];
    for (const ruleId of new Set(findings.map((f) => f.ruleId))) {
      const id = `Ops-${ruleId}`;
      // an acknowledgement of the whole rule covers the resource; cdk-nag checks the one of `Ops-<rule>[<logical id>]`
      if (isAcknowledged(node, id, this.minReason)) continue;
      const ofRule = findings.filter((f) => f.ruleId === ruleId);
      this.reported.set(`${id}[${logicalId}]\u0000${node.node.path}`, ofRule);
      this.applyRule({
        ruleSuffixOverride: ruleId,
        info: describeFinding(ofRule[0], this.assembly!),
        explanation: this.rules.find((c) => c.rule.id === ruleId)?.rule.why ?? '',
        level: NAG_LEVEL[level(ofRule[0], this.opsProps)],
        node,
        rule: () => [logicalId],
      });
    }
  }
}

/**
 * Whether `id` is acknowledged on the construct or an ancestor, as cdk-nag reads acknowledgements, with a reason of
 * at least `min` characters that is not a placeholder (as `opslint scan cdk.out` requires: one without is reported, see acknowledgementViolations).
 * aws-cdk-lib writes an id without a prefix as `Annotation::…`; CDK prints ours as `opslint-nag::Ops-…`, which it
 * honours itself, so the Stage guard honours it too: acknowledgedRule reads every form.
 */
function isAcknowledged(construct: IConstruct, id: string, min: number, tree?: AppTree): boolean {
  for (let c: IConstruct | undefined = construct; c; c = c.node.scope) {
    if (
      (tree ? tree.acknowledgedOn(c) : acknowledgedOn(c)).some(
        (a) => acknowledgedRule(a.id)?.id === id && isReason(a.reason, min),
      )
    )
      return true;
  }
  return false;
}

/** Whether a finding is acknowledged for cdk-nag: by its rule id, or by its rule id for its resource. */
function acknowledged(at: IConstruct, f: Finding, min: number, tree: AppTree): boolean {
  return (
    isAcknowledged(at, `Ops-${f.ruleId}`, min, tree) ||
    (f.resource !== '' && isAcknowledged(at, `Ops-${f.ruleId}[${f.resource}]`, min, tree))
  );
}
