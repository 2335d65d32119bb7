/**
 * Shared by the pipeline rules: a CodePipeline's stages and actions in order, with the values the rules
 * compare (names, categories, run order), resolved through parameters and conditions. Not a rule.
 */
import type { ResourceContext, RuleOptions } from '../../lib/engine/rule';
import { isPlainObject } from '../../lib/template/intrinsics';
import type { JsonPath } from '../../lib/template/path';

export interface PipelineAction {
  /** index of the stage in Stages */
  readonly stage: number;
  /** index of the action in the stage's Actions */
  readonly index: number;
  /** undefined when it cannot be known before deployment */
  readonly name?: string;
  readonly category: string;
  readonly provider?: string;
  /** RunOrder, 1 when not set */
  readonly runOrder: number;
  readonly configuration: Readonly<Record<string, unknown>>;
  /** the action declaration as written (Configuration values unresolved) */
  readonly definition: Readonly<Record<string, unknown>>;
  /** the action as written, relative to the resource */
  readonly path: JsonPath;
}

export interface PipelineStage {
  readonly index: number;
  readonly name?: string;
  /** every action that may be deployed (with an Fn::If, the actions of each branch) */
  readonly actions: readonly PipelineAction[];
  /** BeforeEntry as resolved: absent (undefined), a value, or UNKNOWN */
  readonly beforeEntry: unknown;
  readonly path: JsonPath;
}

export const UNKNOWN = Symbol('unknown');

/**
 * The stages of the pipeline, or undefined when their structure cannot be known (an unknown stage, action,
 * category or run order): the rules then report nothing rather than guess.
 */
export function pipelineStages<O extends RuleOptions>(ctx: ResourceContext<O>): PipelineStage[] | undefined {
  return ctx.memo(`stages:${ctx.resource.logicalId}`, () => readStages(ctx));
}

function readStages<O extends RuleOptions>(ctx: ResourceContext<O>): PipelineStage[] | undefined {
  const stagesR = ctx.get('Properties.Stages');
  if (!stagesR.known || !Array.isArray(stagesR.value)) return undefined;
  const stages: PipelineStage[] = [];
  for (let i = 0; i < stagesR.value.length; i++) {
    // a stage, or each branch of an Fn::If around it
    const variants = alternatives(ctx, stagesR.value[i]);
    if (variants === undefined) return undefined;
    for (const stage of variants) {
      if (stage === undefined) continue; // AWS::NoValue
      if (!isPlainObject(stage)) return undefined;
      const actions = readActions(ctx, i, stage.Actions);
      if (actions === undefined) return undefined;
      const beforeEntry = ctx.resolve(stage.BeforeEntry);
      stages.push({
        index: i,
        name: text(ctx, stage.Name),
        actions,
        beforeEntry: beforeEntry.known ? beforeEntry.value : UNKNOWN,
        path: ['Properties', 'Stages', i],
      });
    }
  }
  return stages;
}

function readActions<O extends RuleOptions>(ctx: ResourceContext<O>, stage: number, value: unknown): PipelineAction[] | undefined {
  const actionsR = ctx.resolve(value);
  if (!actionsR.known || !Array.isArray(actionsR.value)) return undefined;
  const actions: PipelineAction[] = [];
  for (let j = 0; j < actionsR.value.length; j++) {
    const variants = alternatives(ctx, actionsR.value[j]);
    if (variants === undefined) return undefined;
    for (const action of variants) {
      if (action === undefined) continue; // AWS::NoValue
      if (!isPlainObject(action)) return undefined;
      const typeId = ctx.resolve(action.ActionTypeId);
      if (!typeId.known || !isPlainObject(typeId.value)) return undefined;
      const category = ctx.resolve(typeId.value.Category);
      if (!category.known || typeof category.value !== 'string') return undefined;
      const runOrder = ctx.resolve(action.RunOrder);
      if (!runOrder.known) return undefined;
      const configuration = ctx.resolve(action.Configuration);
      actions.push({
        stage,
        index: j,
        name: text(ctx, action.Name),
        category: category.value,
        provider: text(ctx, typeId.value.Provider),
        runOrder: runOrder.value === undefined ? 1 : Number(runOrder.value),
        configuration: configuration.known && isPlainObject(configuration.value) ? configuration.value : {},
        definition: action,
        path: ['Properties', 'Stages', stage, 'Actions', j],
      });
    }
  }
  return actions;
}

/** The possible values of an item: itself, or each branch of an Fn::If; undefined when unknown. */
function alternatives<O extends RuleOptions>(ctx: ResourceContext<O>, value: unknown): readonly unknown[] | undefined {
  const r = ctx.resolve(value);
  if (r.known) return [r.value];
  return r.alternatives;
}

/** A string value, resolved; undefined when unknown or not a string. */
export function text<O extends RuleOptions>(ctx: ResourceContext<O>, value: unknown): string | undefined {
  const r = ctx.resolve(value);
  return r.known && typeof r.value === 'string' ? r.value : undefined;
}

/** Does `a` finish before `b` starts? Stages run in order; in a stage, actions with a lower RunOrder run first. */
export function runsBefore(a: PipelineAction, b: PipelineAction): boolean {
  return a.stage < b.stage || (a.stage === b.stage && a.runOrder < b.runOrder);
}

/** The deploy actions of a stage, earliest first. */
export function deployActions(stage: PipelineStage): PipelineAction[] {
  return stage.actions.filter((a) => a.category === 'Deploy').sort((a, b) => a.runOrder - b.runOrder || a.index - b.index);
}

/** `OrdersProd` → `Orders-Prod`, so that word patterns see camelCase words (as for Stage names). */
export { splitWords } from '../environments/classify';
