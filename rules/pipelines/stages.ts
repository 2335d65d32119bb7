/**
 * Shared by the pipeline rules: a CodePipeline's stages and actions in order, with the values the rules
 * compare (names, categories, run order), resolved through parameters and conditions. Not a rule.
 */
import {
  type ResourceContext,
  type RuleOptions,
  branches,
  knownString,
  referencedResource,
  UNKNOWN,
  isPlainObject,
  type Resource,
  type JsonPath,
} from '../../lib/rule';
import {
  DEFAULT_NON_PRODUCTION_PATTERN,
  DEFAULT_PRODUCTION_PATTERN,
  environmentKind,
  splitWords,
  type EnvironmentKind,
} from '../environments/classify';

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
    const variants = branches(ctx.resolve(stagesR.value[i]));
    if (variants === undefined) return undefined;
    for (const stage of variants) {
      if (stage === undefined) continue; // AWS::NoValue
      if (!isPlainObject(stage)) return undefined;
      const actions = readActions(ctx, i, stage.Actions);
      if (actions === undefined) return undefined;
      const beforeEntry = ctx.resolve(stage.BeforeEntry);
      stages.push({
        index: i,
        name: knownString(ctx.template.resolver, stage.Name),
        actions,
        beforeEntry: beforeEntry.known ? beforeEntry.value : UNKNOWN,
        path: ['Properties', 'Stages', i],
      });
    }
  }
  return stages;
}

function readActions<O extends RuleOptions>(
  ctx: ResourceContext<O>,
  stage: number,
  value: unknown,
): PipelineAction[] | undefined {
  const actionsR = ctx.resolve(value);
  if (!actionsR.known || !Array.isArray(actionsR.value)) return undefined;
  const actions: PipelineAction[] = [];
  for (let j = 0; j < actionsR.value.length; j++) {
    const variants = branches(ctx.resolve(actionsR.value[j]));
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
        name: knownString(ctx.template.resolver, action.Name),
        category: category.value,
        provider: knownString(ctx.template.resolver, typeId.value.Provider),
        runOrder: runOrder.value === undefined ? 1 : Number(runOrder.value),
        configuration: configuration.known && isPlainObject(configuration.value) ? configuration.value : {},
        definition: action,
        path: ['Properties', 'Stages', stage, 'Actions', j],
      });
    }
  }
  return actions;
}

/** Does `a` finish before `b` starts? Stages run in order; in a stage, actions with a lower RunOrder run first. */
export function runsBefore(a: PipelineAction, b: PipelineAction): boolean {
  return a.stage < b.stage || (a.stage === b.stage && a.runOrder < b.runOrder);
}

/** Action and stage names that say the action runs tests: UnitTests, IntegTest, E2E, Smoke, Validate, QA… */
export const DEFAULT_TEST_NAME_PATTERN =
  '(^|[^a-z])(tests?|testing|integ|integration|e2e|smoke|acceptance|qa|verify|verification|validate|validation)([^a-z]|$)';
/** Commands in an inline buildspec (or a CodePipeline Commands action) that run a test suite. */
export const DEFAULT_TEST_COMMAND_PATTERN =
  '\\b(npm|yarn|pnpm|bun)[ \\t]+(run[ \\t]+)?test|\\b(jest|vitest|mocha|pytest|tox|nox|rspec|phpunit|cypress|playwright)\\b|' +
  '\\bpython3?[ \\t]+-m[ \\t]+(pytest|unittest)|\\bgo[ \\t]+test\\b|\\bcargo[ \\t]+test\\b|\\bdotnet[ \\t]+test\\b|' +
  '\\bmake[ \\t]+(test|check)\\b|\\bmvnw?\\b[^\\n]*\\b(test|verify)\\b|\\bgradlew?\\b[^\\n]*\\b(test|check)\\b';
/**
 * Commands that deploy. `cdk deploy` must follow `cdk` directly: CDK Pipelines' self-mutation
 * (`cdk -a . deploy <pipeline stack>`) updates the pipeline, not the workload.
 */
export const DEFAULT_DEPLOY_COMMAND_PATTERN =
  '\\bcdk(@\\S+)?[ \\t]+deploy\\b|\\bsam[ \\t]+(deploy|sync)\\b|\\baws[ \\t]+cloudformation[ \\t]+(deploy|create-stack|update-stack|execute-change-set)\\b|' +
  '\\b(serverless|sls|eb|copilot([ \\t]+(svc|job|env))?)[ \\t]+deploy\\b|\\b(terraform|terragrunt|tofu)[ \\t]+apply\\b|\\bpulumi[ \\t]+up\\b|' +
  '\\baws[ \\t]+(ecs[ \\t]+update-service|lambda[ \\t]+(update-function-code|update-alias)|deploy[ \\t]+create-deployment|elasticbeanstalk[ \\t]+update-environment)\\b|' +
  '\\bkubectl[ \\t]+(apply|set[ \\t]+image)\\b|\\bhelm[ \\t]+(upgrade|install)\\b|\\b(npm|yarn|pnpm|bun)[ \\t]+(run[ \\t]+)?deploy\\b|\\bmake[ \\t]+deploy\\b';

export const DEPLOY_COMMAND_DOCS =
  "Regular expression (source, matched ignoring case) that marks a command as a deployment when a CodeBuild action's inline buildspec (or a Commands action) runs it: cdk deploy, sam deploy, aws cloudformation deploy, terraform apply, kubectl apply… " +
  'A command with --no-execute-changeset, --no-execute, --method=prepare-change-set or --dry-run only prepares and does not count. Each line of commands is read up to its first 2048 characters.';

/** The heuristic, for the rules' `why` (docs are generated from it). */
export const DEPLOY_HEURISTIC_DOC =
  'An action deploys when it is a Deploy action (CloudFormation, CodeDeploy, ECS, S3…), except a CloudFormation action ' +
  'that only creates a change set (ActionMode CHANGE_SET_REPLACE: the CHANGE_SET_EXECUTE after it deploys; DELETE_ONLY ' +
  'changes an environment and counts). A Build or Compute action (CodeBuild, Commands) deploys when its name says deploy, ' +
  "release or promote (DeployProd, PromoteImage), when its project's inline buildspec or its commands run a deploy " +
  'command (cdk deploy, sam deploy, aws cloudformation deploy, terraform apply, kubectl apply…; not with ' +
  '--no-execute-changeset or --dry-run), or when its buildspec is a file named for deploying (buildspec_deploy.yml). ' +
  'In a stage that deploys in none of these ways, it also deploys when the stage name says deploy, release or promote, ' +
  'when its name or the stage name says production, or when it runs after a manual approval, unless its name says it ' +
  'builds (Build, Synth, Package, Publish, Assets) or it runs tests. A name that says test is a test, never a ' +
  'deployment; when a name says both, the first word decides (DeployToTest deploys, SmokeTestDeployment tests), and an ' +
  'action whose own name says neither goes by its stage name (anything in an IntegTest stage is a test). CamelCase names ' +
  'are split into words first.';

/** Names that say an action deploys: DeployApi, Release, PromoteToProd, Rollout. */
const DEPLOY_NAME = /(^|[^a-z])(deploy(s|ing|ment|ments)?|releases?|promote|promotion|roll-?out)([^a-z]|$)/i;
/** Names of build steps: being after an approval or in a Deploy stage does not make them deployments. */
const BUILD_NAME =
  /(^|[^a-z])(builds?|synth|synthesi[sz]e|compile|package|packaging|bundle|assets?|publish|lint)([^a-z]|$)/i;
/** CloudFormation action modes that change no stack: a change set is only created, for the CHANGE_SET_EXECUTE after it. */
const PREPARE_MODES = new Set(['CHANGE_SET_REPLACE']);
/** Deploy commands that only prepare a change set or try the change. */
const PREPARE_ONLY = /--no-execute(-changeset)?\b|--method[= ]+prepare-change-set\b|--dry-?run\b/i;
/** Categories of actions that may run tests when their name or commands say so. */
const TEST_RUNNERS = new Set(['Build', 'Invoke', 'Compute']);
/** Categories of actions that may deploy from a build: CodeBuild, Commands, Jenkins… */
const DEPLOY_RUNNERS = new Set(['Build', 'Compute']);
/** Configuration keys of deploy actions whose value usually names the environment: a stack, deployment group, service or bucket. */
const TARGET_KEYS = [
  'StackName',
  'StackSetName',
  'DeploymentGroupName',
  'ApplicationName',
  'ClusterName',
  'ServiceName',
  'BucketName',
  'EnvironmentName',
];

export interface PatternOptions {
  readonly testNamePattern: string;
  readonly testCommandPattern: string;
  readonly deployCommandPattern: string;
  readonly productionPattern: string;
  readonly nonProductionPattern: string;
}

/** The compiled patterns that tell what an action does. */
export interface ActionPatterns {
  readonly testNames: RegExp;
  readonly testCommands: RegExp;
  readonly deployCommands: RegExp;
  readonly production: RegExp;
  readonly nonProduction: RegExp;
}

const PATTERN_DEFAULTS: PatternOptions = {
  testNamePattern: DEFAULT_TEST_NAME_PATTERN,
  testCommandPattern: DEFAULT_TEST_COMMAND_PATTERN,
  deployCommandPattern: DEFAULT_DEPLOY_COMMAND_PATTERN,
  productionPattern: DEFAULT_PRODUCTION_PATTERN,
  nonProductionPattern: DEFAULT_NON_PRODUCTION_PATTERN,
};

/** Compiles a rule's patterns; those the rule has no option for keep their defaults. */
export function actionPatterns(options: Partial<PatternOptions>): ActionPatterns {
  const o = { ...PATTERN_DEFAULTS, ...options };
  const re = (source: string) => new RegExp(source, 'i');
  return {
    testNames: re(o.testNamePattern),
    testCommands: re(o.testCommandPattern),
    deployCommands: re(o.deployCommandPattern),
    production: re(o.productionPattern),
    nonProduction: re(o.nonProductionPattern),
  };
}

/** Does a name say production (Prod, orders-prd) or an environment before it (PreProd, Staging)? Non-production is tried first. */
export function environmentKindOf(p: ActionPatterns, value: string): EnvironmentKind | undefined {
  return environmentKind(value, p.production, p.nonProduction);
}

function isProduction(p: ActionPatterns, name: string | undefined): boolean {
  return name !== undefined && environmentKindOf(p, name) === 'production';
}

export interface Deployment {
  readonly action: PipelineAction;
  readonly stage: PipelineStage;
  /** for a build that deploys: the commands that do, `npx cdk deploy Orders-Prod` */
  readonly commands: readonly string[];
}

/** The actions of the pipeline that deploy (see DEPLOY_HEURISTIC_DOC), in pipeline order. */
export function deployments<O extends RuleOptions>(
  ctx: ResourceContext<O>,
  stages: readonly PipelineStage[],
  p: ActionPatterns,
): Deployment[] {
  const approvals = stages.flatMap((s) => s.actions.filter((a) => a.category === 'Approval'));
  const out: Deployment[] = [];
  for (const stage of stages) {
    const explicit: Deployment[] = [];
    const opaque: PipelineAction[] = [];
    for (const action of stage.actions) {
      if (action.category === 'Deploy') {
        if (!PREPARE_MODES.has(knownString(ctx.template.resolver, action.configuration.ActionMode) ?? ''))
          explicit.push({ action, stage, commands: [] });
        continue;
      }
      const own = nameSays(action.name, p);
      if (!DEPLOY_RUNNERS.has(action.category) || (own ?? nameSays(stage.name, p)) === 'test') continue;
      const texts = commandTexts(action, ctx);
      const commands = deployCommands(texts, p);
      const deploying = commands.filter((c) => !PREPARE_ONLY.test(c));
      if (own === 'deploy' || deploying.length > 0 || nameSays(buildspecFile(texts), p) === 'deploy')
        explicit.push({ action, stage, commands: deploying });
      // a build whose deploy commands only prepare (a change set, a dry run) is known not to deploy: no guessing from its stage
      else if (commands.length === 0) opaque.push(action);
    }
    out.push(...explicit);
    // what the stage and an approval before it say counts only for a stage that deploys in no clearer way
    if (explicit.length > 0) continue;
    const deployStage = nameSays(stage.name, p) === 'deploy' || isProduction(p, stage.name);
    for (const action of opaque) {
      if (buildNamed(action.name) || isTest(action, stage, ctx, p)) continue;
      const approved = approvals.some((a) => runsBefore(a, action)) && !buildNamed(stage.name);
      if (deployStage || isProduction(p, action.name) || approved) out.push({ action, stage, commands: [] });
    }
  }
  return out.sort(
    (a, b) =>
      a.action.stage - b.action.stage || a.action.runOrder - b.action.runOrder || a.action.index - b.action.index,
  );
}

/** What a deployment names as its target, for telling production apart: [label, value]. */
export function deployTargets<O extends RuleOptions>(ctx: ResourceContext<O>, d: Deployment): [string, string][] {
  const targets: [string, string][] = d.commands.map((c) => ['command', c]);
  if (d.action.category !== 'Deploy') return targets;
  for (const key of TARGET_KEYS) {
    const value = knownString(ctx.template.resolver, d.action.configuration[key]);
    if (value !== undefined) targets.push([key, value]);
  }
  return targets;
}

/**
 * Does the action run tests? A Test action; a Build, Invoke or Compute action whose name (or else its stage name)
 * says test, or whose inline buildspec (or commands) runs a test command or is a file named for tests.
 */
export function isTest<O extends RuleOptions>(
  action: PipelineAction,
  stage: PipelineStage,
  ctx: ResourceContext<O>,
  p: ActionPatterns,
): boolean {
  if (action.category === 'Test') return true;
  if (!TEST_RUNNERS.has(action.category)) return false;
  if ((nameSays(action.name, p) ?? nameSays(stage.name, p)) === 'test') return true;
  const texts = commandTexts(action, ctx);
  return texts.some((t) => p.testCommands.test(t)) || /test/i.test(buildspecFile(texts) ?? '');
}

/** What a name says the action does; when it says both, the first word decides: DeployToTest deploys, SmokeTestDeployment tests. */
function nameSays(name: string | undefined, p: ActionPatterns): 'deploy' | 'test' | undefined {
  if (name === undefined) return undefined;
  const words = splitWords(name);
  const deploy = words.search(DEPLOY_NAME);
  const test = words.search(p.testNames);
  if (deploy < 0) return test < 0 ? undefined : 'test';
  return test >= 0 && test < deploy ? 'test' : 'deploy';
}

/** A name of a build step; an action named after its provider (CodeBuild) says nothing. */
function buildNamed(name: string | undefined): boolean {
  return name !== undefined && BUILD_NAME.test(splitWords(name.replace(/code-?build/gi, '')));
}

/** A buildspec kept in the source repository, named by the project: `pipeline/buildspec_deploy.yml`. */
function buildspecFile(texts: readonly string[]): string | undefined {
  return texts.find((t) => !t.includes('\n') && /\.ya?ml$/i.test(t));
}

/** The deploy commands an action runs (those that only prepare included), one per shell command, trimmed of YAML and JSON punctuation. */
function deployCommands(texts: readonly string[], p: ActionPatterns): string[] {
  return texts
    .flatMap((t) => t.split(/\r?\n|&&|\|\||;/))
    .filter((c) => p.deployCommands.test(c))
    .map((c) => c.trim().replace(/^[-\s"']+|[\s"',]+$/g, ''));
}

/** The commands of a Commands action, or the inline buildspec of the CodeBuild project an action runs (a file name when it names one). */
export function commandTexts<O extends RuleOptions>(action: PipelineAction, ctx: ResourceContext<O>): string[] {
  const commands = stringsIn(action.definition.Commands);
  if (action.provider !== 'CodeBuild') return commands.map(shortLines);
  const project = projectOf(action, ctx);
  if (!project) return commands.map(shortLines);
  const buildSpec = ctx.template.valueAt(project, 'Properties.Source.BuildSpec');
  const source = project.properties.Source;
  return [
    ...commands,
    ...stringsIn(buildSpec.known ? buildSpec.value : isPlainObject(source) ? source.BuildSpec : undefined),
  ].map(shortLines);
}

/**
 * Each line of a command text up to its first {@link MAX_COMMAND_LINE} characters. The command patterns (the
 * configurable ones too) may take time quadratic in a line's length; real command lines are far shorter.
 */
export const MAX_COMMAND_LINE = 2048;

function shortLines(text: string): string {
  return text.length <= MAX_COMMAND_LINE
    ? text
    : text
        .split('\n')
        .map((line) => line.slice(0, MAX_COMMAND_LINE))
        .join('\n');
}

/** The CodeBuild project an action runs, when it is defined in the same template. */
function projectOf<O extends RuleOptions>(action: PipelineAction, ctx: ResourceContext<O>): Resource | undefined {
  const raw = isPlainObject(action.definition.Configuration) ? action.definition.Configuration.ProjectName : undefined;
  const project = referencedResource(raw, ctx.template);
  return project?.type === 'AWS::CodeBuild::Project' ? project : undefined;
}

/** Every string inside a value (literal parts of intrinsic functions included). */
function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (isPlainObject(value)) for (const v of Object.values(value)) stringsIn(v, out);
  return out;
}

/** `OrdersProd` → `Orders-Prod`, so that word patterns see camelCase words (as for Stage names). */
