import { stackLabel, type Stack, defineRule } from '../../lib/rule';
import {
  classifier,
  DEFAULT_ENVIRONMENT_TAG_KEYS,
  DEFAULT_NON_PRODUCTION_PATTERN,
  DEFAULT_PRODUCTION_PATTERN,
  deployedStacks,
  PATTERN_DOCS,
  PATTERN_SCHEMA,
  type Classification,
} from './classify';

export default defineRule({
  id: 'production-account-isolation',
  scope: 'assembly',
  title: 'Production stacks have an AWS account of their own',
  bestPractice: 'OPS05-BP08',
  severity: 'warning',
  messages: {
    sharedAccount:
      'Production stack {{name}} ({{reason}}) deploys to account {{account}}, which also holds non-production stack {{other}} ({{otherReason}}); give production its own account.',
  },
  options: {
    productionPattern: DEFAULT_PRODUCTION_PATTERN,
    nonProductionPattern: DEFAULT_NON_PRODUCTION_PATTERN,
    environmentTagKeys: DEFAULT_ENVIRONMENT_TAG_KEYS,
  },
  optionsSchema: PATTERN_SCHEMA,
  optionDocs: PATTERN_DOCS,
  why:
    'An account is the boundary that IAM permissions, service quotas and most blast radii stop at. When ' +
    'development or test stacks share the production account, an experiment, a load test or a clean-up script ' +
    'run by someone with test permissions can reach production data, exhaust its quotas or delete its resources, ' +
    'and production alarms fill with noise from test traffic. Only stacks whose names or tags clearly say ' +
    'production or non-production are compared, so shared services such as monitoring are not flagged.',
  fix: {
    cloudformation:
      '# Deploy each environment into its own account, e.g. one StackSet instance per account:\n' +
      'StackInstancesGroup:\n  - DeploymentTargets:\n      Accounts: ["111111111111"]   # dev\n    Regions: [eu-west-1]\n' +
      '  - DeploymentTargets:\n      Accounts: ["222222222222"]   # prod\n    Regions: [eu-west-1]',
    cdk:
      "new OrdersStage(app, 'Dev', { env: { account: '111111111111', region: 'eu-west-1' } });\n" +
      "new OrdersStage(app, 'Prod', { env: { account: '222222222222', region: 'eu-west-1' } });",
  },
  check(assembly, ctx) {
    const stacks = deployedStacks(assembly);
    if (stacks.length < 2) return ctx.notApplicable();
    const classify = classifier(ctx.options);
    const production: [Stack, Classification][] = [];
    const nonProductionByAccount = new Map<string, [Stack, Classification]>();
    for (const stack of stacks) {
      const account = stack.environment.account;
      if (account === undefined) continue;
      const c = classify(stack);
      if (c?.kind === 'production') production.push([stack, c]);
      else if (c?.kind === 'non-production' && !nonProductionByAccount.has(account))
        nonProductionByAccount.set(account, [stack, c]);
    }
    if (production.length === 0) return ctx.notApplicable();
    for (const [stack, c] of production) {
      const account = stack.environment.account!;
      const other = nonProductionByAccount.get(account);
      if (!other) continue;
      ctx.report({
        stack,
        messageId: 'sharedAccount',
        path: 'environment',
        data: {
          name: stackLabel(stack),
          reason: c.reason,
          account,
          other: stackLabel(other[0]),
          otherReason: other[1].reason,
        },
      });
    }
  },
});
