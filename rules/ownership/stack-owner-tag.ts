import { stackLabel, topLevelStacks, defineRule, listNames } from '../../lib/rule';
import {
  carriesOwnTags,
  DEFAULT_RESOURCE_TYPES,
  DEFAULT_TAG_KEYS,
  TAG_KEYS_DOC,
  listKeys,
  ownerKeyMatcher,
  ownerTagVerdict,
  stackHasOwner,
  tagProperty,
} from './tags';

export default defineRule({
  id: 'stack-owner-tag',
  title: 'Every stack carries a tag that names its owner',
  bestPractice: 'OPS02-BP01',
  scope: 'assembly',
  severity: 'warning',
  context: 'app',
  options: {
    tagKeys: [...DEFAULT_TAG_KEYS] as string[],
  },
  optionsSchema: { tagKeys: { type: 'array', items: { type: 'string' } } },
  optionDocs: {
    tagKeys: TAG_KEYS_DOC,
  },
  messages: {
    untaggedStack:
      'Stack {{stack}} has no owner tag ({{keys}}); tag the stack so that every resource in it names the team that runs it.',
    untaggedTemplate:
      'Nothing in this template names an owner ({{keys}}); pass an owner tag as a stack tag when deploying it, or tag its resources.',
    untaggedResource:
      '{{type}} {{name}} has no owner tag ({{keys}}), while other resources of this {{scope}} carry one ({{tagged}}); add one to its {{property}}, or tag the stack.',
  },
  why:
    'When an alarm fires, a bill spikes or a security finding lands on a resource, the first question is who runs it. ' +
    'A stack tag answers it for every resource at once: CloudFormation copies stack tags to the resources it creates ' +
    'that support tags, and the CDK writes the tags applied to a stack into the cloud assembly. The check passes for a ' +
    'stack whose own tags include an owner key, or whose taggable resources all carry one. A lone template cannot show ' +
    "the tags it will be deployed with, so there the finding is a reminder. When some of a stack's workload resources " +
    'carry an owner tag and others do not, the tagging was meant to be done in the template: each resource without one ' +
    'is reported where it is declared (a warning, whatever the context). An owner tag on a resource of any other ' +
    'type (a Neptune cluster, a role) counts as well: the template names its owner. Deployment machinery and the APIs ' +
    'SAM creates for function events are not counted.',
  fix: {
    cloudformation:
      '# stack tags are given at deployment and propagate to the resources:\n' +
      '#   aws cloudformation deploy --template-file template.yaml --stack-name orders --tags Owner=team-orders\n' +
      '#   sam deploy --tags Owner=team-orders   (or tags = "Owner=team-orders" in samconfig.toml)\n' +
      '# or on each resource:\nProperties:\n  Tags:\n    - Key: Owner\n      Value: team-orders\n' +
      '# SAM: Tags: { Owner: team-orders } on the resource, or once in Globals.Function / Globals.Api',
    cdk:
      "cdk.Tags.of(app).add('Owner', 'team-orders'); // the app's stacks and their resources\n" +
      '// tags added to the App do not reach stacks inside a Stage: tag each Stage (or stack) as well\n' +
      "cdk.Tags.of(prodStage).add('Owner', 'team-orders');",
  },
  roles: {
    machinery: {
      check: false,
      why: "CloudFormation calls it while deploying its stack; the stack's owner is who to call about it.",
    },
  },
  check(assembly, ctx) {
    const match = ownerKeyMatcher(ctx.options.tagKeys);
    const keys = listKeys(ctx.options.tagKeys);
    // nested stacks receive their parent's tags at deployment
    for (const stack of topLevelStacks(assembly)) {
      if (stackHasOwner(stack.tags, match)) continue;
      // the workload resources that could carry an owner tag
      const order = new Map([...stack.template.resources.keys()].map((id, i) => [id, i]));
      const resources = ctx
        .resources(stack, DEFAULT_RESOURCE_TYPES)
        .filter(carriesOwnTags)
        .sort((a, b) => order.get(a.logicalId)! - order.get(b.logicalId)!);
      const verdicts = resources.map((r) => ({
        resource: r,
        owned: ownerTagVerdict(r.properties[tagProperty(r.type)], stack.template.resolver, match),
      }));
      const untagged = verdicts.filter((v) => v.owned === false);
      // an owner tag on a resource of any other type (a Neptune cluster, a role) shows as well that the template
      // names its owner, and that its workload resources without one were left out
      const counted = new Set(DEFAULT_RESOURCE_TYPES);
      const otherTypes = [...stack.template.resourceTypes].filter((t) => !counted.has(t));
      const taggedOthers = ctx
        .resources(stack, otherTypes)
        .filter(
          (r) =>
            carriesOwnTags(r) &&
            ownerTagVerdict(r.properties[tagProperty(r.type)], stack.template.resolver, match) === true,
        );
      const tagged = [...verdicts.filter((v) => v.owned === true).map((v) => v.resource), ...taggedOthers].sort(
        (a, b) => order.get(a.logicalId)! - order.get(b.logicalId)!,
      );
      if (untagged.length === 0 && tagged.length > 0) continue;
      if (tagged.length > 0) {
        // some resources are tagged in the template: those left out were forgotten, whatever the stack's tags
        const taggedText = listNames(tagged.map((r) => r.logicalId));
        const scope = stack.declaredIn ? 'stack' : 'template';
        for (const { resource } of untagged) {
          const property = tagProperty(resource.type);
          ctx.report({
            stack,
            resource,
            path: `Properties.${property}`,
            messageId: 'untaggedResource',
            inContext: true,
            data: { type: resource.type, name: resource.logicalId, keys, tagged: taggedText, scope, property },
          });
        }
        continue;
      }
      if (untagged.length === 0 && resources.length > 0) continue;
      if (stack.declaredIn)
        ctx.report({
          stack,
          path: 'properties.tags',
          messageId: 'untaggedStack',
          data: { stack: stackLabel(stack), keys },
        });
      else ctx.report({ stack, path: 'Resources', messageId: 'untaggedTemplate', data: { keys } });
    }
  },
});
