import { defineRule, type ResourceContext } from '../../lib/rule';
import {
  actionPatterns,
  commandTexts,
  DEFAULT_DEPLOY_COMMAND_PATTERN,
  DEFAULT_TEST_COMMAND_PATTERN,
  DEFAULT_TEST_NAME_PATTERN,
  DEPLOY_COMMAND_DOCS,
  DEPLOY_HEURISTIC_DOC,
  deployments,
  isTest,
  pipelineStages,
  runsBefore,
  type ActionPatterns,
  type Deployment,
} from './stages';

type Options = { testNamePattern: string; testCommandPattern: string; deployCommandPattern: string };

export default defineRule({
  id: 'pipeline-test-action',
  title: 'Pipelines run tests before their last deployment',
  bestPractice: 'OPS05-BP10',
  resourceTypes: ['AWS::CodePipeline::Pipeline'],
  severity: 'warning',
  options: {
    testNamePattern: DEFAULT_TEST_NAME_PATTERN,
    testCommandPattern: DEFAULT_TEST_COMMAND_PATTERN,
    deployCommandPattern: DEFAULT_DEPLOY_COMMAND_PATTERN,
  },
  optionsSchema: {
    testNamePattern: { type: 'string', format: 'regex' },
    testCommandPattern: { type: 'string', format: 'regex' },
    deployCommandPattern: { type: 'string', format: 'regex' },
  },
  optionDocs: {
    testNamePattern:
      'Regular expression (source, matched ignoring case, camelCase split into words) that marks a Build, Invoke or Compute action as a test by its name, or else by its stage name; a name that also says deploy goes by its first word (SmokeTestDeployment tests, DeployToTest deploys).',
    testCommandPattern:
      "Regular expression (source, matched ignoring case) that marks a CodeBuild action as a test when its project's inline buildspec (or a Commands action) runs a matching command, such as npm test or pytest. Each line of commands is read up to its first 2048 characters.",
    deployCommandPattern: DEPLOY_COMMAND_DOCS,
  },
  messages: {
    noTest:
      'Pipeline {{name}} deploys in stage {{stage}} (action {{action}}) with no step before it that the template shows running tests; add a Test action, or a build action that runs the test suite, before that stage (name a build whose buildspec file runs them after what it does, such as BuildAndTest).',
  },
  why:
    'A pipeline that deploys without a test step turns every commit into an experiment on the environment it ' +
    'deploys to: a broken build is found by users or by an alarm, and the pipeline has nothing that could stop it. ' +
    'The check looks at the first deployment of the last stage that deploys and asks for a test that finishes before ' +
    'it: a Test-category action; a Build, Invoke or Compute action whose name or stage name says test (UnitTests, ' +
    'IntegTest, Smoke, Validate, QA…); or a CodeBuild action whose inline buildspec runs a test command (npm test, pytest, ' +
    'go test, mvn verify…), the deploying build itself included when it runs the tests before its deploy command. Tests ' +
    'that run after an earlier stage deploys to a test environment count, as in a Staging → integration tests → Prod ' +
    'pipeline. ' +
    DEPLOY_HEURISTIC_DOC +
    ' A buildspec kept in the source repository cannot be read from the template: ' +
    'name the action after what it does (BuildAndTest, DeployToProd) so that reviewers and this check can see it.',
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
    if (!stages) return ctx.notApplicable();
    const patterns = actionPatterns(ctx.options);
    const deploys = deployments(ctx, stages, patterns);
    if (deploys.length === 0) return ctx.notApplicable();
    // the first deployment of the last stage that deploys (deployments are in pipeline order)
    const lastStage = deploys[deploys.length - 1].action.stage;
    const target = deploys.filter((d) => d.action.stage === lastStage)[0];
    const tested = stages.some((s) =>
      s.actions.some((a) => runsBefore(a, target.action) && isTest(a, s, ctx, patterns)),
    );
    if (tested || testsFirst(target, ctx, patterns)) return;
    const { action, stage } = target;
    ctx.report({
      messageId: 'noTest',
      path: [...action.path, 'Name'],
      data: {
        name: resource.logicalId,
        stage: stage.name ?? `#${action.stage + 1}`,
        action: action.name ?? `#${action.index + 1}`,
      },
    });
  },
});

/**
 * A build that deploys counts as tested when its own commands run the test suite before the deploy command (or
 * anywhere, when the deployment is in a script it calls).
 */
function testsFirst(d: Deployment, ctx: ResourceContext<Options>, p: ActionPatterns): boolean {
  const commands = commandTexts(d.action, ctx).join('\n');
  const test = commands.search(p.testCommands);
  const deploy = commands.search(p.deployCommands);
  return test >= 0 && (deploy < 0 || test < deploy);
}
