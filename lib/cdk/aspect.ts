/**
 * `OpsAspect`: the same rules through CDK Aspects and annotations, for apps that use Aspects rather than
 * validation plugins. Findings at or above `failOn` become errors (they fail `cdk synth`), those below become
 * acknowledgeable warnings, `info` stays info. Each annotation carries the CDK fix and the trace of the user code
 * that created its construct, so that `cdk synth` shows it at that line.
 *
 * Each stack is checked whole, so cross-resource rules (alarm coverage, flow logs) see every resource: the
 * aspect registers a validation on the stack, which CDK runs after all aspects and preparation, when the
 * template is final. App-level rules (multiple environments, a trail somewhere in the app) need the whole
 * app and are left to `OpsChecks` and `opslint scan cdk.out`.
 *
 * CDK Aspects stop at Stage boundaries: add the aspect with `OpsAspect.applyTo(app)`, which adds it to every
 * Stage too, those created after the call included. Added any other way, it refuses to run when a Stage below it
 * would go unchecked.
 */
import {
  Annotations,
  AspectPriority,
  Aspects,
  Stack,
  Stage,
  Validations,
  type IAspect,
  type IPolicyValidationPlugin,
} from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { CREATION_STACK, LOGICAL_ID } from '../assembly/cdk-metadata';
import { INTERNAL_ERROR } from '../engine/finding';
import { isAssemblyRule } from '../engine/rule';
import {
  acknowledgementFor,
  acknowledgementId,
  acknowledgementProblems,
  AppTree,
  configured,
  ownAcknowledgements,
  recordAcknowledgements,
  withConfiguration,
  type OpsCheckProps,
} from './common';
import {
  acknowledgementViolations,
  appReport,
  isTopLevel,
  cdkFix,
  describeFinding,
  level,
  stageGuard,
  staleRecords,
} from './report';
import { stackInTree } from './source';

/** Options of {@link OpsAspect.applyTo}: those of every CDK integration, and the Stage guard. */
export interface OpsAspectProps extends OpsCheckProps {
  /**
   * Fail synthesis of the app, with one `findings-in-stages` violation, when stacks inside Stages have findings
   * that fail it (default true): plain `cdk synth` lists only top-level stacks. False leaves them to `cdk synth '**'`
   * (and lets a test synthesize the app to read its annotations).
   */
  readonly stageGuard?: boolean;
}

/** The opslint rules as a CDK Aspect, reporting through annotations; add it with `OpsAspect.applyTo(app)`. */
export class OpsAspect implements IAspect {
  /**
   * Adds one aspect to `scope` and to every Stage below it, at READONLY priority, and returns it. Called on the
   * app right after `new App()`, it reaches the Stages made later too: they get it when the app synthesizes.
   */
  static applyTo(scope: IConstruct, props: OpsAspectProps = {}): OpsAspect {
    const aspect = new OpsAspect(props);
    aspect.reach(scope);
    if (Stage.isStage(scope) && scope.node.scope === undefined) {
      Validations.of(scope).addPlugins(aspect.plugin());
    }
    if (Stage.isStage(scope)) {
      // a Stage synthesizes the Stages below it before its own aspects run: they must have the aspect by then
      const stage = scope as Stage & { synth: Stage['synth'] };
      const synth = stage.synth.bind(stage);
      stage.synth = (options) => {
        aspect.reach(stage);
        return synth(options);
      };
    }
    return aspect;
  }

  /** Adds this aspect to `scope` and every Stage below it that does not have it yet. */
  private reach(scope: IConstruct): void {
    for (const c of [scope, ...scope.node.findAll().filter((n) => n !== scope && Stage.isStage(n))]) {
      if (!Aspects.of(c).all.includes(this)) Aspects.of(c).add(this, { priority: AspectPriority.READONLY });
    }
  }

  private readonly checked = new WeakSet<Stack>();
  /** stacks inside Stages with findings that fail synthesis, by stack name: how many */
  private readonly blockingInStages = new Map<string, number>();
  private readonly rules;

  private readonly props: OpsCheckProps;
  private readonly guardStages: boolean;

  constructor(props: OpsAspectProps = {}) {
    this.props = withConfiguration(props);
    this.guardStages = props.stageGuard !== false;
    this.rules = configured(this.props).filter((c) => !isAssemblyRule(c.rule));
  }

  visit(node: IConstruct): void {
    if (Stage.isStage(node)) this.requireOnNestedStages(node);
    if (Stack.isStack(node) && !this.checked.has(node)) {
      this.checked.add(node);
      node.node.addValidation({ validate: () => this.checkStack(node) });
    }
  }

  private requireOnNestedStages(stage: Stage): void {
    for (const inner of stage.node.findAll()) {
      if (inner === stage || !Stage.isStage(inner)) continue;
      if (!Aspects.of(inner).all.some((a) => a instanceof OpsAspect)) {
        throw new Error(
          `OpsAspect does not reach the stacks in Stage ${inner.node.path}: CDK Aspects stop at Stage boundaries. ` +
            'Add it with OpsAspect.applyTo(app, props), which covers every Stage, or use Validations.of(app).addPlugins(new OpsChecks()).',
        );
      }
    }
  }

  /**
   * A validation plugin on the app, run after every Stage is synthesized and checked. It records the
   * acknowledgements made above the stacks for `opslint scan cdk.out`, reports those of them with a problem (at the
   * app, where plain `cdk synth` shows them; the stacks annotate their own), and (the Stage guard) fails synthesis when
   * stacks inside Stages have findings that fail it, as OpsChecks' `findings-in-stages` does: `cdk synth` without
   * stack names lists only top-level stacks, so an error in a Stage would pass unseen.
   */
  private plugin(): IPolicyValidationPlugin {
    return {
      name: 'opslint-aspect',
      validate: (context) => {
        const tree = new AppTree(context.appConstruct);
        const stale = recordAcknowledgements(tree);
        const violations = [
          ...acknowledgementViolations(tree, this.props, 'opslint', { exceptTopLevelStacks: true }),
          ...staleRecords(stale),
        ];
        const count = [...this.blockingInStages.values()].reduce((sum, n) => sum + n, 0);
        if (count > 0 && this.guardStages) {
          violations.push({
            ruleName: 'findings-in-stages',
            ...stageGuard(count, [...this.blockingInStages.keys()], this.props),
          });
        }
        return { success: !violations.some((v) => v.severity === 'fatal'), violations };
      },
    };
  }

  /** Runs the rules over the stack's final template and annotates the constructs. Returns no validation errors. */
  private checkStack(stack: Stack): string[] {
    const { assembly, elements } = stackInTree(stack, this.props.parameters);
    for (const f of appReport({ assembly, errors: [] }, this.rules, this.props).findings) {
      const target: IConstruct = elements.get(f.resource) ?? stack;
      const annotate = (add: (annotations: Annotations) => void): void => annotateAsCreated(target, add);
      const described = describeFinding(f, assembly);
      const fix = cdkFix(f, this.rules.find((c) => c.rule.id === f.ruleId)?.rule.fix, assembly);
      // the CDK fix under the message, laid out as the CLI lays out OpsChecks' "Suggested fix": every line
      // indented, so that no empty line splits the block of the finding in its output
      const text = fix ? `${described}\n   Fix: ${fix.replace(/\n/g, '\n   ')}` : described;
      // CDK reads a trailing `(namespace::rule)` of an error or info annotation as its rule id (the form
      // `Validations.of(c).addError` writes), and a warning's id from addWarningV2: both are the acknowledgement id,
      // so the CLI shows `Rule opslint::<rule>` (errors) or `Acknowledge with 'opslint::<rule>'` (warnings) and the
      // message stays readable; any other trailing `(…::…)` would be mangled into a rule id
      const withId = `${text} (${acknowledgementId(f.ruleId)})`;
      const ack = acknowledgementFor(target, f.ruleId);
      const ackProblem = ack ? acknowledgementProblems([ack], this.props)[0] : undefined;
      if (ack && !ackProblem) {
        annotate((a) => a.addInfo(`Acknowledged (${ack.reason}): ${described} (${acknowledgementId(f.ruleId)})`));
      } else if (f.ruleId === INTERNAL_ERROR || level(f, this.props) === 'error') {
        // a rule that failed left the resource unchecked: an error, which CDK never offers to acknowledge
        annotate((a) => a.addError(withId));
        if (Stage.of(stack)?.node.scope !== undefined)
          this.blockingInStages.set(stack.stackName, (this.blockingInStages.get(stack.stackName) ?? 0) + 1);
      } else if (f.severity === 'info') {
        annotate((a) => a.addInfo(withId));
      } else if (ackProblem) {
        // CDK would hide an addWarningV2 warning acknowledged with any reason: this one stays
        annotate((a) => a.addWarning(withId));
      } else {
        annotate((a) => a.addWarningV2(acknowledgementId(f.ruleId), text));
      }
    }
    // an acknowledgement with a problem does not apply, and says so where plain `cdk synth` shows it: one in a
    // top-level stack here, where it was made; any other through the aspect's plugin, at the app
    if (!isTopLevel(stack)) return [];
    for (const c of stack.node.findAll().filter((n) => Stack.of(n) === stack)) {
      for (const p of acknowledgementProblems(ownAcknowledgements(c), this.props)) {
        const id = acknowledgementId(
          p.problem === 'reason' ? 'acknowledgement-reason' : 'acknowledgement-unknown-rule',
        );
        if (p.problem === 'reason') Annotations.of(c).addError(`${p.message} (${id})`);
        else Annotations.of(c).addWarningV2(id, p.message);
      }
    }
    return [];
  }
}

/**
 * Adds an annotation to `target` through `add`, so that the CDK's own handling of annotations applies, and gives
 * it the trace of where the user's code created the construct. `cdk synth` prints the first frame outside
 * node_modules of an annotation's trace, which would otherwise be this validation's own line. When the CDK
 * recorded no creation trace (turned off with `aws:cdk:disable-creation-stack-traces`), the annotation has none
 * and the CLI prints no line.
 */
function annotateAsCreated(target: IConstruct, add: (annotations: Annotations) => void): void {
  const before = target.node.metadata.length;
  add(Annotations.of(target));
  const created = creationTrace(target);
  // `node.metadata` copies the list, not its entries: the entry just added is the construct's own
  for (const entry of target.node.metadata.slice(before)) (entry as { trace?: string[] }).trace = created;
}

/**
 * Where user code created a construct, as frames the CDK CLI reads: the `aws:cdk:creationStack` entry that
 * aws-cdk-lib adds to every L1 and stack, else the trace of an L1's logical id (the creation trace of the versions
 * before it). The former folds library frames into `...new Function2 in aws-cdk-lib...`, which the CLI would take
 * for the user's frame and then show no line: only frames with a location are kept.
 */
function creationTrace(c: IConstruct): string[] | undefined {
  const metadata = c.node.metadata;
  const recorded: unknown =
    metadata.find((m) => m.type === CREATION_STACK)?.data ?? metadata.find((m) => m.type === LOGICAL_ID)?.trace;
  const frames = Array.isArray(recorded)
    ? recorded.filter((frame): frame is string => typeof frame === 'string' && /:\d+:\d+\)?$/.test(frame))
    : [];
  return frames.length > 0 ? frames : undefined;
}
