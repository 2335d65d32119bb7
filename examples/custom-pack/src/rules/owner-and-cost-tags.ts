import { defineRule, type ResourceContext } from 'opslint/rule';

/** Taggable types ACME bills and pages on; teams add theirs with the `resourceTypes` option. */
const TYPES = [
  'AWS::Lambda::Function',
  'AWS::Serverless::Function',
  'AWS::DynamoDB::Table',
  'AWS::SQS::Queue',
  'AWS::SNS::Topic',
  'AWS::S3::Bucket',
  'AWS::StepFunctions::StateMachine',
  'AWS::ECS::Service',
];

export default defineRule({
  id: 'acme/owner-and-cost-tags',
  title: 'Resources carry ACME Owner and CostCenter tags',
  bestPractice: 'OPS02-BP01',
  resourceTypes: TYPES,
  severity: 'error',
  options: { tags: ['Owner', 'CostCenter'], resourceTypes: TYPES },
  optionsSchema: {
    tags: { type: 'array', items: { type: 'string' } },
    resourceTypes: { type: 'array', items: { type: 'string' } },
  },
  optionDocs: { tags: 'The tag keys every resource needs.', resourceTypes: 'The resource types that must be tagged.' },
  messages: { missing: '{{name}} has no {{tags}} tag; ACME routes pages and bills by them.' },
  why: 'ACME routes incidents to the owning team and charges costs to the cost center from these tags.',
  fix: {
    cloudformation: 'Tags:\n  - { Key: Owner, Value: orders-team }\n  - { Key: CostCenter, Value: "4711" }',
    cdk: "Tags.of(stage).add('Owner', 'orders-team'); Tags.of(stage).add('CostCenter', '4711');",
  },
  check(resource, ctx) {
    if (!ctx.options.resourceTypes.includes(resource.type)) return;
    const tags = tagKeys(ctx);
    if (tags === undefined) return; // tags that cannot be known before deployment
    const missing = ctx.options.tags.filter((t) => !tags.has(t));
    if (missing.length > 0)
      ctx.report({
        messageId: 'missing',
        path: 'Properties.Tags',
        data: { name: resource.logicalId, tags: missing.join(' or ') },
      });
  },
});

/** The tag keys of a resource, as a list of {Key, Value} or (SAM) a map; undefined when unknown. */
function tagKeys(ctx: ResourceContext<{ tags: string[]; resourceTypes: string[] }>): Set<string> | undefined {
  const tags = ctx.get('Properties.Tags');
  if (!tags.known) return undefined;
  const value = tags.value;
  if (value === undefined) return new Set();
  if (Array.isArray(value)) {
    const keys = new Set<string>();
    for (let i = 0; i < value.length; i++) {
      const key = ctx.get(['Properties', 'Tags', i, 'Key']);
      if (!key.known) return undefined;
      if (typeof key.value === 'string') keys.add(key.value);
    }
    return keys;
  }
  return typeof value === 'object' && value !== null ? new Set(Object.keys(value)) : new Set();
}
