import { defineRule, isTrue } from '../../lib/rule';

export default defineRule({
  id: 'appsync-tracing',
  title: 'AppSync GraphQL APIs send traces to AWS X-Ray',
  bestPractice: 'OPS04-BP05',
  resourceTypes: ['AWS::AppSync::GraphQLApi'],
  severity: 'warning',
  fixable: true,
  optionsSchema: {},
  messages: {
    notEnabled: 'AppSync API {{name}} does not send traces to X-Ray; set XrayEnabled to true.',
  },
  why:
    'A GraphQL request fans out to several resolvers and data sources. X-Ray tracing shows each resolver ' +
    "call in the request's trace, so a slow field or failing data source can be found without guesswork.",
  fix: {
    cloudformation: 'Properties:\n  XrayEnabled: true',
    cdk: 'new appsync.GraphqlApi(this, "Api", { /* … */ xrayEnabled: true });',
  },
  check(resource, ctx) {
    if (ctx.satisfies('Properties.XrayEnabled', isTrue) === false) {
      ctx.report({
        messageId: 'notEnabled',
        path: 'Properties.XrayEnabled',
        data: { name: resource.logicalId },
        fix: { path: 'Properties.XrayEnabled', value: true },
      });
    }
  },
});
