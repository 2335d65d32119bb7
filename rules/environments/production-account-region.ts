import { stackLabel, defineRule } from '../../lib/rule';
import {
  DEFAULT_ENVIRONMENT_TAG_KEYS,
  DEFAULT_NON_PRODUCTION_PATTERN,
  DEFAULT_PRODUCTION_PATTERN,
  productionStacks,
  PATTERN_DOCS,
  PATTERN_SCHEMA,
} from './classify';

export default defineRule({
  id: 'production-account-region',
  scope: 'assembly',
  title: 'Production stacks are pinned to a concrete account and region',
  bestPractice: 'OPS05-BP08',
  severity: 'error',
  messages: {
    notPinned:
      'Stack {{name}} looks like production ({{reason}}) but does not name a concrete {{missing}}; give it an env with an explicit account and region.',
  },
  options: {
    productionPattern: DEFAULT_PRODUCTION_PATTERN,
    nonProductionPattern: DEFAULT_NON_PRODUCTION_PATTERN,
    environmentTagKeys: DEFAULT_ENVIRONMENT_TAG_KEYS,
  },
  optionsSchema: PATTERN_SCHEMA,
  optionDocs: PATTERN_DOCS,
  why:
    'An environment-agnostic stack goes to whichever account and region the deploying credentials point at. ' +
    'For production that means a developer with the wrong profile selected can deploy test code over the live ' +
    'workload, or create a second copy of it somewhere nobody monitors. Naming the account and region in the ' +
    'stack makes the target part of the reviewed code, lets the CDK CLI refuse a deployment to any other ' +
    'account, and allows lookups (VPCs, AZs, hosted zones) to be resolved and recorded at synthesis.',
  fix: {
    cloudformation:
      '# CloudFormation templates carry no target account; pin it where the stack is deployed, e.g. a StackSet\n' +
      '# instance or a pipeline action whose RoleArn belongs to the production account:\n' +
      'DeployProd:\n  ActionTypeId: { Category: Deploy, Owner: AWS, Provider: CloudFormation, Version: "1" }\n' +
      '  Region: eu-west-1\n  RoleArn: arn:aws:iam::222222222222:role/pipeline-deploy',
    cdk:
      "new OrdersStage(app, 'Prod', { env: { account: '222222222222', region: 'eu-west-1' } });\n" +
      "// or, for a stack at the app level:\nnew OrdersStack(app, 'OrdersProd', { env: { account: '222222222222', region: 'eu-west-1' } });",
  },
  check(assembly, ctx) {
    const production = productionStacks(assembly, ctx.options);
    if (production.length === 0) return ctx.notApplicable();
    for (const { stack, reason } of production) {
      const { account, region } = stack.environment;
      if (account !== undefined && region !== undefined) continue;
      const missing =
        account === undefined && region === undefined
          ? 'account and region'
          : account === undefined
            ? 'account'
            : 'region';
      ctx.report({
        stack,
        messageId: 'notPinned',
        path: 'environment',
        data: { name: stackLabel(stack), reason, missing },
      });
    }
  },
});
