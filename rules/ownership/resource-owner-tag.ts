import { defineRule } from '../../lib/rule';
import {
  DEFAULT_RESOURCE_TYPES,
  DEFAULT_TAG_KEYS,
  OTHER_SUPPORTED_TYPES,
  TAG_KEYS_DOC,
  listKeys,
  ownerKeyMatcher,
  ownerTagVerdict,
  stackHasOwner,
  tagProperty,
  carriesOwnTags,
} from './tags';

export default defineRule({
  id: 'resource-owner-tag',
  title: 'Workload resources carry a tag that names their owner',
  bestPractice: 'OPS02-BP01',
  resourceTypes: [...DEFAULT_RESOURCE_TYPES, ...OTHER_SUPPORTED_TYPES],
  severity: 'warning',
  options: {
    tagKeys: [...DEFAULT_TAG_KEYS] as string[],
    resourceTypes: [...DEFAULT_RESOURCE_TYPES] as string[],
  },
  optionsSchema: {
    tagKeys: { type: 'array', items: { type: 'string' } },
    resourceTypes: { type: 'array', items: { enum: [...DEFAULT_RESOURCE_TYPES, ...OTHER_SUPPORTED_TYPES] } },
  },
  optionDocs: {
    tagKeys: TAG_KEYS_DOC,
    resourceTypes:
      'The resource types that must carry an owner tag. Default: functions, state machines, ECS/EKS clusters and services, ' +
      'instances and Auto Scaling groups, Beanstalk and App Runner, REST/HTTP/GraphQL APIs, load balancers, CloudFront ' +
      'distributions, DynamoDB tables, RDS instances and clusters, S3 buckets, EFS, ElastiCache, OpenSearch, SQS, SNS, ' +
      'Kinesis, Firehose, MSK, event buses and Cognito user pools (SAM forms included). Also supported: ' +
      `${OTHER_SUPPORTED_TYPES.join(', ')}.`,
  },
  messages: {
    untagged:
      '{{type}} {{name}} has no owner tag ({{keys}}); add one to {{property}}, or tag the stack it is deployed in.',
  },
  why:
    'Tags on a resource travel with it into Cost Explorer, the console, AWS Config and security findings, where the ' +
    'stack it came from is not always visible. An owner tag on each resource lets whoever meets it there (an on-call ' +
    'engineer, a cost review, a security team) reach the team that runs it without detective work. Off by default: a ' +
    'stack tag, which CloudFormation copies to the resources it creates, usually does the job (see stack-owner-tag). ' +
    'Turn it on when resources must carry their tags in the template itself; in a cloud assembly, stack tags count.',
  fix: {
    cloudformation:
      'Properties:\n  Tags:\n    - Key: Owner\n      Value: team-orders\n' +
      '# SAM resources take a map: Tags: { Owner: team-orders }, or once for all functions in Globals.Function.Tags\n' +
      '# EFS: FileSystemTags (a list); Cognito user pools: UserPoolTags and SSM parameters: Tags (maps)',
    cdk:
      "cdk.Tags.of(ordersStage).add('Owner', 'team-orders'); // every stack and taggable resource below the scope\n" +
      '// (tags added to the App itself do not reach stacks inside a Stage)',
  },
  roles: {
    machinery: {
      check: false,
      why: "CloudFormation calls it while deploying its stack; the stack's owner is who to call about it.",
    },
  },
  check(resource, ctx) {
    const types = ctx.options.resourceTypes;
    if (!Array.isArray(types) || !types.includes(resource.type) || !carriesOwnTags(resource))
      return ctx.notApplicable();
    const match = ctx.memo('matcher', () => ownerKeyMatcher(ctx.options.tagKeys));
    // stack tags of a cloud assembly are copied to the resources at deployment
    if (stackHasOwner(ctx.stack.tags, match)) return;
    const property = tagProperty(resource.type);
    if (ownerTagVerdict(resource.properties[property], ctx.template.resolver, match) !== false) return;
    ctx.report({
      messageId: 'untagged',
      path: `Properties.${property}`,
      data: { type: resource.type, name: resource.logicalId, keys: listKeys(ctx.options.tagKeys), property },
    });
  },
});
