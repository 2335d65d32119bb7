import { defineRule, type ResourceContext } from '../../lib/engine/rule';
import { asIntrinsic, isPlainObject } from '../../lib/template/intrinsics';
import type { Resource } from '../../lib/template/model';
import { deployActions, pipelineStages, runsBefore, splitWords, type PipelineAction, type PipelineStage } from './stages';

/** Action and stage names that say the action runs tests: UnitTests, IntegTest, E2E, Smoke, Validate, QA… */
const DEFAULT_TEST_NAME_PATTERN = '(^|[^a-z])(tests?|testing|integ|integration|e2e|smoke|acceptance|qa|verify|verification|validate|validation)([^a-z]|$)';
/** Commands in an inline buildspec (or a CodePipeline Commands action) that run a test suite. */
const DEFAULT_TEST_COMMAND_PATTERN =
  '\\b(npm|yarn|pnpm|bun)[ \\t]+(run[ \\t]+)?test|\\b(jest|vitest|mocha|pytest|tox|nox|rspec|phpunit|cypress|playwright)\\b|' +
  '\\bpython3?[ \\t]+-m[ \\t]+(pytest|unittest)|\\bgo[ \\t]+test\\b|\\bcargo[ \\t]+test\\b|\\bdotnet[ \\t]+test\\b|' +
  '\\bmake[ \\t]+(test|check)\\b|\\bmvnw?\\b[^\\n]*\\b(test|verify)\\b|\\bgradlew?\\b[^\\n]*\\b(test|check)\\b';

/** Categories of actions that may run tests when their name or buildspec says so. */
const RUNNER_CATEGORIES = new Set(['Build', 'Invoke', 'Compute']);

type Options = { testNamePattern: string; testCommandPattern: string };

export default defineRule({
  id: 'pipeline-test-action',
  title: 'Pipelines run tests before their last deployment',
  bestPractice: 'OPS05-BP10',
  resourceTypes: ['AWS::CodePipeline::Pipeline'],
  severity: 'warning',
  options: {
    testNamePattern: DEFAULT_TEST_NAME_PATTERN,
    testCommandPattern: DEFAULT_TEST_COMMAND_PATTERN,
  },
  optionDocs: {
    testNamePattern:
      'Regular expression (source, matched ignoring case, camelCase split into words) that marks a Build, Invoke or Compute action as a test by its name or its stage name.',
    testCommandPattern:
      'Regular expression (source, matched ignoring case) that marks a CodeBuild action as a test when its project\'s inline buildspec (or a Commands action) runs a matching command, such as npm test or pytest.',
  },
  messages: {
    noTest:
      'Pipeline {{name}} deploys in stage {{stage}} (action {{action}}) without running tests first; add a Test action, or a build action that runs the test suite, before that stage.',
  },
  why:
    'A pipeline that deploys without a test step turns every commit into an experiment on the environment it ' +
    'deploys to: a broken build is found by users or by an alarm, and the pipeline has nothing that could stop it. ' +
    'The check looks at the last stage that deploys (CloudFormation, CodeDeploy, ECS, S3 and other Deploy actions) and ' +
    'asks for a test that finishes before it: a Test-category action; a Build, Invoke or Compute action whose name or ' +
    'stage name says test (UnitTests, IntegTest, Smoke, Validate, QA…); or a CodeBuild action whose inline buildspec runs ' +
    'a test command (npm test, pytest, go test, mvn verify…). Tests that run after an earlier stage deploys to a test ' +
    'environment count, as in a Staging → integration tests → Prod pipeline. A buildspec kept in the source repository ' +
    'cannot be read from the template: name the action after what it does (BuildAndTest) so that reviewers and this ' +
    'check can see it.',
  fix: {
    cloudformation:
      'Stages:\n  - Name: Source\n    Actions: [...]\n  - Name: Build\n    Actions:\n      - Name: BuildAndTest\n' +
      '        ActionTypeId: { Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1" }\n' +
      '        Configuration: { ProjectName: !Ref UnitTestProject }   # its buildspec runs the tests\n' +
      '        InputArtifacts: [{ Name: SourceOutput }]\n' +
      '  - Name: Deploy\n    Actions: [...]',
    cdk:
      'const pipeline = new pipelines.CodePipeline(this, "Pipeline", {\n' +
      '  synth: new pipelines.ShellStep("Synth", { input, commands: ["npm ci", "npm test", "npx cdk synth"] }),\n});\n' +
      'pipeline.addStage(new OrdersStage(this, "Staging"), {\n  post: [new pipelines.ShellStep("IntegTest", { commands: ["npm run integ"] })],\n});\n' +
      'pipeline.addStage(new OrdersStage(this, "Prod"));',
  },
  check(resource, ctx) {
    const stages = pipelineStages(ctx);
    if (!stages) return;
    const deploying = stages.filter((s) => deployActions(s).length > 0);
    if (deploying.length === 0) return;
    const lastIndex = Math.max(...deploying.map((s) => s.index));
    const target = deploying
      .filter((s) => s.index === lastIndex)
      .map((s) => deployActions(s)[0])
      .sort((a, b) => a.runOrder - b.runOrder)[0];
    const byIndex = new Map<number, PipelineStage>();
    for (const s of stages) if (!byIndex.has(s.index)) byIndex.set(s.index, s);
    const names = compile(ctx.options.testNamePattern);
    const commands = compile(ctx.options.testCommandPattern);
    const tested = stages.some((s) => s.actions.some((a) => runsBefore(a, target) && isTest(a, s, ctx, names, commands)));
    if (tested) return;
    const stage = byIndex.get(target.stage);
    ctx.report({
      messageId: 'noTest',
      path: [...target.path, 'Name'],
      data: { name: resource.logicalId, stage: stage?.name ?? `#${target.stage + 1}`, action: target.name ?? `#${target.index + 1}` },
    });
  },
});

function compile(source: string): RegExp {
  return new RegExp(source, 'i');
}

function isTest(action: PipelineAction, stage: PipelineStage, ctx: ResourceContext<Options>, names: RegExp, commands: RegExp): boolean {
  if (action.category === 'Test') return true;
  if (!RUNNER_CATEGORIES.has(action.category)) return false;
  for (const n of [action.name, stage.name]) if (n !== undefined && names.test(splitWords(n))) return true;
  // a CodePipeline Commands action lists its commands on the action
  if (stringsIn(action.definition.Commands).some((c) => commands.test(c))) return true;
  if (action.provider !== 'CodeBuild') return false;
  const project = projectOf(action, ctx);
  if (!project) return false;
  const buildSpec = ctx.template.valueAt(project, 'Properties.Source.BuildSpec');
  const source = project.properties.Source;
  const texts = stringsIn(buildSpec.known ? buildSpec.value : isPlainObject(source) ? source.BuildSpec : undefined);
  return texts.some((t) => commands.test(t) || (!t.includes('\n') && /test/i.test(t) && /\.ya?ml$/i.test(t)));
}

/** The CodeBuild project an action runs, when it is defined in the same template. */
function projectOf(action: PipelineAction, ctx: ResourceContext<Options>): Resource | undefined {
  const raw = isPlainObject(action.definition.Configuration) ? action.definition.Configuration.ProjectName : undefined;
  const fn = asIntrinsic(raw);
  if (!fn || fn.name !== 'Ref' || typeof fn.arg !== 'string') return undefined;
  const project = ctx.template.resources.get(fn.arg);
  return project && project.type === 'AWS::CodeBuild::Project' ? project : undefined;
}

/** Every string inside a value (literal parts of intrinsic functions included). */
function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (isPlainObject(value)) for (const v of Object.values(value)) stringsIn(v, out);
  return out;
}
