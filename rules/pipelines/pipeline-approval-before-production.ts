import { defineRule, knownString, UNKNOWN, isPlainObject } from '../../lib/rule';
import { DEFAULT_NON_PRODUCTION_PATTERN, DEFAULT_PRODUCTION_PATTERN, PATTERN_DOCS } from '../environments/classify';
import {
  actionPatterns,
  DEFAULT_DEPLOY_COMMAND_PATTERN,
  DEPLOY_COMMAND_DOCS,
  DEPLOY_HEURISTIC_DOC,
  deployments,
  deployTargets,
  environmentKindOf,
  pipelineStages,
  runsBefore,
  type Deployment,
  type PipelineAction,
  type PipelineStage,
} from './stages';

export default defineRule({
  id: 'pipeline-approval-before-production',
  title: 'Pipelines gate production deployments behind a manual approval',
  bestPractice: 'OPS05-BP04',
  resourceTypes: ['AWS::CodePipeline::Pipeline'],
  severity: 'warning',
  options: {
    productionPattern: DEFAULT_PRODUCTION_PATTERN,
    nonProductionPattern: DEFAULT_NON_PRODUCTION_PATTERN,
    deployCommandPattern: DEFAULT_DEPLOY_COMMAND_PATTERN,
  },
  optionsSchema: {
    productionPattern: { type: 'string', format: 'regex' },
    nonProductionPattern: { type: 'string', format: 'regex' },
    deployCommandPattern: { type: 'string', format: 'regex' },
  },
  optionDocs: {
    productionPattern:
      'Regular expression (source, matched ignoring case) that marks a stage name, a deploy action name or its target (stack, deployment group, service, bucket, deploy command) as production. CamelCase names are split first, so DeployProd is read as Deploy-Prod.',
    nonProductionPattern: PATTERN_DOCS.nonProductionPattern,
    deployCommandPattern: DEPLOY_COMMAND_DOCS,
  },
  messages: {
    noApproval:
      'Pipeline {{name}} deploys to production in {{where}} with no manual approval before it; add an Approval action (Provider Manual) before the production deployment.',
  },
  why:
    'A production deployment is the change most likely to hurt customers. A manual approval before it gives a person ' +
    'the chance to check the results of earlier stages, the change window and the current state of production, and ' +
    'to stop the release; without it, whatever passes the automated steps reaches users at once. A stage deploys to ' +
    'production when its name says so (Prod, Production, PRD; not PreProd or NonProd), or else when one of its ' +
    'deployments or their stack, deployment group, service name or deploy command (cdk deploy Orders-Prod) does. ' +
    DEPLOY_HEURISTIC_DOC +
    ' An Approval action in an earlier stage, or earlier in the same stage than the first ' +
    'deployment, counts (a change set created before the approval and executed after it is gated); so does an automated ' +
    'gate on the stage (BeforeEntry conditions) or a stage transition that is disabled until someone enables it. ' +
    'Pipelines with no stage that looks like production are not checked. CDK Pipelines name each stage after its Stage ' +
    'construct (Prod), and a ManualApprovalStep becomes such an Approval action.',
  fix: {
    cloudformation:
      '  - Name: Prod\n    Actions:\n      - Name: PromoteToProd\n' +
      '        ActionTypeId: { Category: Approval, Owner: AWS, Provider: Manual, Version: "1" }\n' +
      '        Configuration: { NotificationArn: !Ref ReleaseTopic, CustomData: "Check the staging dashboard before approving." }\n' +
      '        RunOrder: 1\n      - Name: Deploy\n        ActionTypeId: { Category: Deploy, Owner: AWS, Provider: CloudFormation, Version: "1" }\n' +
      '        RunOrder: 2\n        Configuration: { ... }',
    cdk:
      'pipeline.addStage(new OrdersStage(this, "Prod", { env: prodEnv }), {\n' +
      '  pre: [new pipelines.ManualApprovalStep("PromoteToProd", { comment: "Check the staging dashboard first." })],\n});\n' +
      '// with aws-codepipeline: new codepipeline_actions.ManualApprovalAction({ actionName: "PromoteToProd", runOrder: 1 })',
  },
  check(resource, ctx) {
    const stages = pipelineStages(ctx);
    if (!stages) return ctx.notApplicable();
    const patterns = actionPatterns(ctx.options);
    const kindOf = (value: string) => environmentKindOf(patterns, value);
    const transitions = ctx.get('Properties.DisableInboundStageTransitions');
    const disabled = transitions.known
      ? disabledTransitions(transitions.value, (v) => knownString(ctx.template.resolver, v))
      : 'unknown';

    const approvals = stages.flatMap((s) => s.actions.filter((a) => a.category === 'Approval'));
    const all = deployments(ctx, stages, patterns);
    for (const stage of [...stages].sort((a, b) => a.index - b.index)) {
      const deploys = all.filter((d) => d.stage === stage);
      if (deploys.length === 0) continue;
      const reason = productionReason(stage, deploys, kindOf, (d) => deployTargets(ctx, d));
      if (!reason) continue;
      if (gated(stage, deploys[0].action, approvals, disabled)) return;
      const label = `stage ${stage.name ?? `#${stage.index + 1}`}`;
      const where = reason === 'stage name' ? label : `${label} (${reason})`;
      ctx.report({ messageId: 'noApproval', path: [...stage.path, 'Name'], data: { name: resource.logicalId, where } });
      // later production stages come after this one: one finding says it
      return;
    }
    // no stage deploys to production
    ctx.notApplicable();
  },
});

/** Why a deploying stage looks like production, or undefined when it does not. */
function productionReason(
  stage: PipelineStage,
  deploys: readonly Deployment[],
  kindOf: (v: string) => 'production' | 'non-production' | undefined,
  targets: (d: Deployment) => [string, string][],
): string | undefined {
  // the stage name decides when it names an environment at all
  if (stage.name !== undefined) {
    const kind = kindOf(stage.name);
    if (kind) return kind === 'production' ? 'stage name' : undefined;
  }
  for (const d of deploys) {
    if (d.action.name !== undefined && kindOf(d.action.name) === 'production') return `action ${d.action.name}`;
    for (const [key, value] of targets(d)) if (kindOf(value) === 'production') return `${key} ${value}`;
  }
  return undefined;
}

/** An approval before the deployment, an automated gate on entering the stage, or a disabled transition into it. */
function gated(
  stage: PipelineStage,
  deploy: PipelineAction,
  approvals: readonly PipelineAction[],
  disabled: ReadonlySet<string> | 'unknown',
): boolean {
  if (approvals.some((a) => runsBefore(a, deploy))) return true;
  if (stage.beforeEntry === UNKNOWN) return true;
  if (isPlainObject(stage.beforeEntry) && stage.beforeEntry.Conditions !== undefined) return true;
  if (disabled === 'unknown') return true;
  return stage.name !== undefined && disabled.has(stage.name);
}

/** The stage names in DisableInboundStageTransitions, or 'unknown'. */
function disabledTransitions(
  value: unknown,
  text: (v: unknown) => string | undefined,
): ReadonlySet<string> | 'unknown' {
  if (value === undefined) return new Set();
  if (!Array.isArray(value)) return 'unknown';
  const names = new Set<string>();
  for (const item of value) {
    if (!isPlainObject(item)) return 'unknown';
    const name = text(item.StageName);
    if (name === undefined) return 'unknown';
    names.add(name);
  }
  return names;
}
