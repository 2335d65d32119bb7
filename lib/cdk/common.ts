/**
 * What the CDK integrations share: their options (the configuration file's, overridden by props), the rules
 * they configure, and reading acknowledgements (`Validations.of(c).acknowledge({ id: 'opslint::<rule>', reason })`)
 * from the construct tree.
 */
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Stack, Stage } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import {
  ACKNOWLEDGED_RULES,
  ACKNOWLEDGEMENT_PREFIX,
  META_RULES,
  PLUGIN_NAME,
  RECORDED_ACKNOWLEDGEMENTS,
  acknowledgedRule,
} from '../assembly/cdk-metadata';
import { configParameters, configSelection, readConfig } from '../config/read';
import { configureRules, type RuleSelection } from '../engine/config';
import { suggest } from '../engine/suggest';
import { isReason } from '../engine/suppress';
import { InputError, UsageError } from '../errors';
import { BUILT_IN_ID, loadPacksSync } from '../packs/load';
import { atOrAbove, type FailOn, type Finding } from '../engine/finding';
import type { ConfiguredRule } from '../engine/runner';
import type { Pack } from '../engine/rule';
import { BUILTIN_PACKS } from '../compose';

export { PLUGIN_NAME };

/** The shortest acknowledgement reason accepted by default. */
export const DEFAULT_MIN_REASON_LENGTH = 10;

/** Options of the CDK integrations (OpsChecks, OpsAspect, OpsNagPack). */
export interface OpsCheckProps extends RuleSelection {
  /**
   * The lowest severity that fails synthesis: `error` (default), `warning`, `info`, or `none` to report
   * without failing.
   */
  readonly failOn?: FailOn;
  /** parameter values, for stacks with CloudFormation parameters */
  readonly parameters?: Readonly<Record<string, string>>;
  /** the shortest reason an acknowledgement may give (default 10 characters) */
  readonly minReasonLength?: number;
  /**
   * more rule packs, run beside the built-in ones (e.g. a platform team's `require('@acme/opslint-pack')`);
   * their rule ids are namespaced (`acme/…`)
   */
  readonly rulePacks?: readonly Pack[];
  /**
   * stacks that hold the account baseline (CloudTrail, Config, patching), by stack name or construct path
   * (globs): account-level checks are enforced when the app contains one, and "need context" otherwise
   */
  readonly accountBaseline?: readonly string[];
  /**
   * the configuration file (`opslint.config.json|yaml|yml`), as `opslint scan` reads it: by default the one
   * found from the working directory (where `cdk synth` runs the app) up to the repository root; a path names
   * one (relative to the working directory), `false` reads none. Props override what it says.
   */
  readonly config?: string | false;
}

/** The id to acknowledge a rule with: `opslint::<rule id>`. */
export function acknowledgementId(ruleId: string): string {
  return `${PLUGIN_NAME}::${ruleId}`;
}

/**
 * `props` over the configuration file they name (see {@link OpsCheckProps.config}), read now. A mistake in
 * the file, or in a pack it names, is one line: `opslint.config.yaml:3:5: invalid configuration: …`.
 */
export function withConfiguration(props: OpsCheckProps): OpsCheckProps {
  const cwd = process.cwd();
  try {
    const read = readConfig(props.config, cwd, {
      warn: (message) => process.stderr.write(`opslint: ${message}\n`),
      nameIt: 'the config prop',
    });
    if (!read.loaded) return props;
    const { config } = read;
    const own = new Set((props.rulePacks ?? []).map((p) => p.id));
    // a pack passed in props replaces the one of the same id the file names
    const filePacks = loadPacksSync(read.packs, read.packsDir, BUILTIN_PACKS).filter((p) => !own.has(p.id));
    const rulePacks = [...filePacks, ...(props.rulePacks ?? [])];
    // a rule props name is on, though the file disables it
    const named = [
      ...(props.rules ?? []),
      ...Object.entries(props.ruleSettings ?? {})
        .filter(([, setting]) => (typeof setting === 'string' ? setting : setting.severity) !== 'off')
        .map(([id]) => id),
    ];
    const fromFile = configSelection(read, [...BUILTIN_PACKS, ...rulePacks], named);
    return {
      ...props,
      failOn: props.failOn ?? config.failOn,
      minReasonLength: props.minReasonLength ?? config.suppressions?.minReasonLength,
      rulePacks,
      exclude: [...(fromFile.exclude ?? []), ...(props.exclude ?? [])],
      ruleSettings: { ...fromFile.ruleSettings, ...props.ruleSettings },
      parameters: { ...configParameters(config), ...props.parameters },
      accountBaseline: [...(config.accountBaseline ?? []), ...(props.accountBaseline ?? [])],
    };
  } catch (error) {
    if (error instanceof InputError) throw new UsageError(error.format());
    throw error;
  }
}

export function configured(props: OpsCheckProps): ConfiguredRule[] {
  return configureRules(allPacks(props), props);
}

/** The built-in packs and the team's own. */
export function allPacks(props: OpsCheckProps): readonly Pack[] {
  const clash = props.rulePacks?.find((p) => BUILTIN_PACKS.some((b) => b.id === p.id && b !== p));
  if (clash) throw new UsageError(`rulePacks: pack "${clash.id}": ${BUILT_IN_ID(clash.id)}`);
  return [...BUILTIN_PACKS, ...(props.rulePacks ?? [])];
}

export function blocks(finding: Finding, props: OpsCheckProps): boolean {
  return atOrAbove(finding.severity, props.failOn ?? 'error');
}

export interface Acknowledgement {
  /** e.g. `opslint::lambda-tracing` */
  readonly id: string;
  readonly reason: string;
  /** the construct path it was made at ('' for the app) */
  readonly at: string;
  /** the id as written, where it is the CDK's alias of `id` (`Annotation::opslint_<rule>`), which the CDK does not match */
  readonly alias?: string;
}

/** The acknowledgement ids an integration reads: `opslint::<rule>` (OpsChecks, OpsAspect), `Ops-<rule>[…]` (the nag pack). */
export type AcknowledgementIds = 'opslint' | 'nag';

/**
 * The construct tree of an app being validated, walked once: each Stage (the app included) with its stacks that are
 * neither nested nor in an inner Stage, and the acknowledgements made on each construct. What a validation reads of
 * the tree comes from here, so that its cost does not grow with the number of Stages. The walk keeps no list or map
 * of every construct (thousands in a large app): a construct is found by its path through its scopes' children.
 */
export class AppTree {
  readonly stacksOfStage: ReadonlyMap<Stage, readonly Stack[]>;
  /** the constructs with acknowledgements (of any plugin), in preorder, each with them */
  private readonly acknowledged = new Map<IConstruct, readonly Acknowledgement[]>();

  constructor(readonly app: IConstruct) {
    const stages = new Map<Stage, Stack[]>();
    // `stage`: the innermost Stage holding `c` (what Stage.of says of it)
    const visit = (c: IConstruct, stage: Stage | undefined): void => {
      const acks = acknowledgedOn(c);
      if (acks.length > 0) this.acknowledged.set(c, acks);
      if (Stack.isStack(c)) {
        if (!c.nested && stage) stages.get(stage)?.push(c);
      } else if (Stage.isStage(c)) {
        stages.set(c, []);
        stage = c;
      }
      for (const child of c.node.children) visit(child, stage);
    };
    visit(app, undefined);
    this.stacksOfStage = stages;
  }

  /** The construct at a construct path (`node.path`; '' is the app), if the app has one there. */
  construct(at: string): IConstruct | undefined {
    if (at === this.app.node.path) return this.app;
    const prefix = this.app.node.path === '' ? '' : `${this.app.node.path}/`;
    if (!at.startsWith(prefix)) return undefined;
    let c: IConstruct | undefined = this.app;
    // construct ids never hold the separator (the constructs library replaces it)
    for (const id of at.slice(prefix.length).split('/')) {
      c = c.node.tryFindChild(id);
      if (!c) return undefined;
    }
    return c;
  }

  /** Whether any construct of the app has an acknowledgement, of any plugin. */
  get hasAcknowledgements(): boolean {
    return this.acknowledged.size > 0;
  }

  /** The constructs with acknowledgements, in preorder, each with them. */
  withAcknowledgements(): Iterable<[IConstruct, readonly Acknowledgement[]]> {
    return this.acknowledged.entries();
  }

  /** The acknowledgements made on `c`, of any plugin: read from the tree's metadata once, for every finding to ask. */
  acknowledgedOn(c: IConstruct): readonly Acknowledgement[] {
    return this.acknowledged.get(c) ?? NONE;
  }
}

const NONE: readonly Acknowledgement[] = Object.freeze([]);

/** Every acknowledgement of the `ids` kind in the app; a nag pack id as written, less the CDK's prefix. */
export function acknowledgements(tree: AppTree, ids: AcknowledgementIds = 'opslint'): Acknowledgement[] {
  const out: Acknowledgement[] = [];
  for (const [, acks] of tree.withAcknowledgements()) {
    for (const ack of acks) {
      const own = ack.id.startsWith(ACKNOWLEDGEMENT_PREFIX);
      if (ids === 'opslint') {
        if (own) out.push(ack);
        continue;
      }
      const rule = own ? undefined : acknowledgedRule(ack.id);
      if (rule) out.push({ ...ack, id: rule.id });
    }
  }
  return out;
}

/**
 * The opslint acknowledgement of `ruleId` that applies to `construct` (made on it or an ancestor), if any; read
 * through `tree` when there is one.
 */
export function acknowledgementFor(construct: IConstruct, ruleId: string, tree?: AppTree): Acknowledgement | undefined {
  if (tree && !tree.hasAcknowledgements) return undefined;
  const id = acknowledgementId(ruleId);
  for (let c: IConstruct | undefined = construct; c; c = c.node.scope) {
    // an id of this form is an opslint acknowledgement
    const found = (tree ? tree.acknowledgedOn(c) : acknowledgedOn(c)).find((a) => a.id === id);
    if (found) return found;
  }
  return undefined;
}

/**
 * Records, in the cloud assembly folder of every Stage (the App's included), the opslint acknowledgements (the
 * nag pack's included) made above its stacks (on the Stage, the App, or a construct holding stacks): the CDK writes only those made on a stack
 * or in it, and `opslint scan cdk.out` must excuse what synthesis excused. A folder with none has no record, so that
 * one left by an earlier synthesis does not outlive its acknowledgements. Runs once the assembly is written (a
 * validation plugin); a folder that cannot be written is said on stderr and does not stop synthesis.
 *
 * Under `App({ confirmValidationPluginsDoNotMutate: true })` the CDK fails synthesis when a plugin changed or removed
 * a file that was in the output folder before the plugins ran: a record is then written only where there was none,
 * and the files of earlier records that no longer hold the app's acknowledgements are returned, to be reported.
 */
export function recordAcknowledgements(tree: AppTree): string[] {
  // read as aws-cdk-lib's synthesis reads it (a field of the App, not part of its API)
  const unchanging =
    (tree.app as { _confirmValidationPluginsDoNotMutate?: unknown })._confirmValidationPluginsDoNotMutate === true;
  const stale: string[] = [];
  for (const [stage, stacks] of tree.stacksOfStage) {
    const above = new Map<string, Acknowledgement>();
    for (const stack of stacks) {
      for (let c = stack.node.scope; c; c = c.node.scope) {
        for (const ack of tree.acknowledgedOn(c))
          if (acknowledgedRule(ack.id)) above.set(`${ack.id}\u0000${ack.at}`, ack);
      }
    }
    const file = path.join(stage.outdir, RECORDED_ACKNOWLEDGEMENTS);
    const sorted = [...above.values()].sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
    const text = sorted.length === 0 ? undefined : `${JSON.stringify({ acknowledgements: sorted }, null, 2)}\n`;
    try {
      if (unchanging && existsSync(file)) {
        if (readFileSync(file, 'utf8') !== text) stale.push(file);
      } else if (text === undefined) removeIfThere(file);
      else writeFileSync(file, text);
    } catch (error) {
      process.stderr.write(`opslint: could not record the acknowledgements of ${file}: ${(error as Error).message}\n`);
    }
  }
  return stale;
}

/**
 * Removes `file` if it exists, at every synthesis: a `stat` when it does not (the usual case), where `rmSync` makes
 * several calls and a failed `unlinkSync` builds an error.
 */
function removeIfThere(file: string): void {
  if (existsSync(file)) unlinkSync(file);
}

/** The opslint acknowledgements made on one construct. */
export function ownAcknowledgements(c: IConstruct): Acknowledgement[] {
  return acknowledgedOn(c).filter((a) => a.id.startsWith(`${PLUGIN_NAME}::`));
}

/**
 * Every acknowledgement made on one construct (`Validations.of(c).acknowledge`), of any plugin. Most constructs have
 * none, and each validation asks of every construct of the app: those share one empty list.
 */
export function acknowledgedOn(c: IConstruct): readonly Acknowledgement[] {
  let out: Acknowledgement[] | undefined;
  for (const entry of c.node.metadata) {
    if (entry.type !== ACKNOWLEDGED_RULES || typeof entry.data !== 'object' || entry.data === null) continue;
    for (const [written, reason] of Object.entries(entry.data as Record<string, unknown>)) {
      // the CDK's alias of an opslint id is that id
      const rule = written.startsWith(ACKNOWLEDGEMENT_PREFIX) ? undefined : acknowledgedRule(written);
      const alias = rule?.id.startsWith(ACKNOWLEDGEMENT_PREFIX) ? { id: rule.id, alias: written } : { id: written };
      (out ??= []).push({ ...alias, reason: typeof reason === 'string' ? reason : '', at: c.node.path });
    }
  }
  return out ?? NONE;
}

/** The ids an acknowledgement may name, once per integration's props: the plugins ask for each finding acknowledged. */
const KNOWN_RULES = new WeakMap<OpsCheckProps, ReadonlySet<string>>();
function knownRules(props: OpsCheckProps): ReadonlySet<string> {
  let known = KNOWN_RULES.get(props);
  if (!known) {
    known = new Set([...allPacks(props).flatMap((p) => p.rules.map((r) => r.id)), ...META_RULES]);
    KNOWN_RULES.set(props, known);
  }
  return known;
}

/** Problems with acknowledgements themselves: a reason that is too short or a placeholder, a rule that does not exist. */
export function acknowledgementProblems(
  acks: readonly Acknowledgement[],
  props: OpsCheckProps,
): { ack: Acknowledgement; problem: 'reason' | 'unknown-rule'; message: string }[] {
  // the Aspect asks of every construct of a stack, most of which have none
  if (acks.length === 0) return [];
  const min = props.minReasonLength ?? DEFAULT_MIN_REASON_LENGTH;
  const known = knownRules(props);
  const out: { ack: Acknowledgement; problem: 'reason' | 'unknown-rule'; message: string }[] = [];
  for (const ack of acks) {
    const where = ack.at === '' ? 'the app' : ack.at;
    const rule = acknowledgedRule(ack.id);
    if (!rule || !known.has(rule.ruleId)) {
      out.push({
        ack,
        problem: 'unknown-rule',
        message: `Acknowledgement of ${ack.id} at ${where} names no opslint rule${suggest(rule?.ruleId ?? ack.id, [...known])}; \`opslint rules\` lists them.`,
      });
    } else if (!isReason(ack.reason, min)) {
      const got = ack.reason.trim();
      out.push({
        ack,
        problem: 'reason',
        message: `Acknowledgement of ${ack.id} at ${where} ${got.length < min ? `needs a reason of at least ${min} characters` : 'has a placeholder for a reason'} (got "${got}"); say why the finding does not apply.`,
      });
    }
  }
  return out;
}
