import { stackLabel, defineRule } from '../../lib/rule';
import {
  DEFAULT_ENVIRONMENT_TAG_KEYS,
  DEFAULT_NON_PRODUCTION_PATTERN,
  DEFAULT_PRODUCTION_PATTERN,
  productionStacks,
  PATTERN_DOCS,
  PATTERN_SCHEMA,
} from '../environments/classify';

export default defineRule({
  id: 'production-termination-protection',
  scope: 'assembly',
  title: 'Production stacks have termination protection on',
  bestPractice: 'OPS06-BP01',
  severity: 'warning',
  messages: {
    notProtected:
      'Stack {{name}} looks like production ({{reason}}) but has termination protection off; set terminationProtection: true on the stack.',
  },
  options: {
    productionPattern: DEFAULT_PRODUCTION_PATTERN,
    nonProductionPattern: DEFAULT_NON_PRODUCTION_PATTERN,
    environmentTagKeys: DEFAULT_ENVIRONMENT_TAG_KEYS,
  },
  optionsSchema: PATTERN_SCHEMA,
  optionDocs: PATTERN_DOCS,
  why:
    'Deleting a production stack removes every resource in it that has no retain policy, and a single command against the wrong stack name ' +
    'or profile is enough. Termination protection makes CloudFormation refuse to delete the stack until someone turns it off, which turns an ' +
    'accident into a deliberate two-step act. It is a property of the deployed stack, not of its template: a CDK app sets it per stack and ' +
    'the cloud assembly records it, so this rule checks cloud assemblies only; a lone template gives no finding.',
  fix: {
    cloudformation:
      '# Termination protection belongs to the stack, not the template; turn it on where the stack is deployed:\n' +
      'aws cloudformation update-termination-protection --enable-termination-protection --stack-name orders-prod\n' +
      '# or when creating it: aws cloudformation create-stack --enable-termination-protection …',
    cdk:
      "new OrdersStack(app, 'OrdersProd', { env: { account: '222222222222', region: 'eu-west-1' }, terminationProtection: true });\n" +
      "// in a Stage: new OrdersStack(this, 'Orders', { terminationProtection: true });",
  },
  check(assembly, ctx) {
    const production = productionStacks(assembly, ctx.options);
    if (production.length === 0) return ctx.notApplicable();
    for (const { stack, reason } of production) {
      if (stack.terminationProtection === true) continue;
      ctx.report({
        stack,
        messageId: 'notProtected',
        path: 'properties.terminationProtection',
        data: { name: stackLabel(stack), reason },
      });
    }
  },
});
