import { stackLabel, defineRule } from '../../lib/rule';
import { deployedStacks, describeEnvironment, environmentKey } from './classify';

const LISTED = 3;

export default defineRule({
  id: 'multiple-environments',
  scope: 'assembly',
  title: 'The CDK app deploys the workload to at least two environments',
  bestPractice: 'OPS05-BP08',
  severity: 'warning',
  optionsSchema: {},
  messages: {
    singleEnvironment:
      'The cloud assembly deploys {{stacks}} to a single environment ({{environment}}); define the workload in at least two environments, such as Dev and Prod Stages.',
  },
  why:
    'When a cloud assembly defines only one environment, every change goes straight to the place users depend on: ' +
    'there is nowhere to try a new service, run a load test or reproduce an incident without risking production. ' +
    'Defining the workload once as a Stage and instantiating it per environment keeps development, test and ' +
    'production built from the same code, with stricter controls as changes get closer to production. ' +
    'Stacks in different Stages count as different environments; stacks at the app level count by account and region. ' +
    'If each environment is synthesized separately (say, from a context value), turn this rule off.',
  fix: {
    cloudformation:
      '# One template, deployed once per environment, each into its own account:\n' +
      '#   aws cloudformation deploy --template-file template.yaml --stack-name orders-dev --parameter-overrides Stage=dev --profile dev\n' +
      '#   aws cloudformation deploy --template-file template.yaml --stack-name orders-prod --parameter-overrides Stage=prod --profile prod\n' +
      'Parameters:\n  Stage:\n    Type: String\n    AllowedValues: [dev, prod]',
    cdk:
      'class OrdersStage extends cdk.Stage {\n' +
      '  constructor(scope: Construct, id: string, props?: cdk.StageProps) {\n' +
      '    super(scope, id, props);\n' +
      "    new OrdersStack(this, 'Orders');\n" +
      '  }\n' +
      '}\n' +
      'const app = new cdk.App();\n' +
      "new OrdersStage(app, 'Dev', { env: { account: '111111111111', region: 'eu-west-1' } });\n" +
      "new OrdersStage(app, 'Prod', { env: { account: '222222222222', region: 'eu-west-1' } });",
  },
  check(assembly, ctx) {
    // a scan of deployed stacks sees one account's stacks: the app's other environments are out of its sight
    if (!assembly.allEnvironments) return ctx.notApplicable();
    const stacks = deployedStacks(assembly);
    if (stacks.length === 0) return ctx.notApplicable();
    const environments = new Set(stacks.map(environmentKey));
    if (environments.size > 1) return;
    const names = stacks.map(stackLabel);
    const listed = names.slice(0, LISTED).join(', ') + (names.length > LISTED ? ', …' : '');
    ctx.report({
      messageId: 'singleEnvironment',
      path: 'artifacts',
      data: {
        stacks: names.length === 1 ? `its only stack ${names[0]}` : `all ${names.length} stacks (${listed})`,
        environment: describeEnvironment(stacks[0]),
      },
    });
  },
});
