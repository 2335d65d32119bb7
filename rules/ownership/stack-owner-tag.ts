import type { Stack } from '../../lib/assembly/model';
import { defineRule } from '../../lib/engine/rule';
import { DEFAULT_RESOURCE_TYPES, DEFAULT_TAG_KEYS, TAG_KEYS_DOC, listKeys, ownerKeyMatcher, ownerTagVerdict, stackHasOwner, tagProperty } from './tags';

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
  optionDocs: {
    tagKeys: TAG_KEYS_DOC,
  },
  messages: {
    untaggedStack: 'Stack {{stack}} has no owner tag ({{keys}}); tag the stack so that every resource in it names the team that runs it.',
    untaggedTemplate:
      'Nothing in this template names an owner ({{keys}}); pass an owner tag as a stack tag when deploying it, or tag its resources.',
  },
  why:
    'When an alarm fires, a bill spikes or a security finding lands on a resource, the first question is who runs it. ' +
    'A stack tag answers it for every resource at once: CloudFormation copies stack tags to the resources it creates ' +
    'that support tags, and the CDK writes the tags applied to a stack into the cloud assembly. The check passes for a ' +
    'stack whose own tags include an owner key, or whose taggable resources all carry one. A lone template cannot show ' +
    'the tags it will be deployed with, so there the finding is a reminder.',
  fix: {
    cloudformation:
      '# stack tags are given at deployment and propagate to the resources:\n' +
      '#   aws cloudformation deploy --template-file template.yaml --stack-name orders --tags Owner=team-orders\n' +
      '#   sam deploy --tags Owner=team-orders   (or tags = "Owner=team-orders" in samconfig.toml)\n' +
      '# or on each resource:\nProperties:\n  Tags:\n    - Key: Owner\n      Value: team-orders\n' +
      '# SAM: Tags: { Owner: team-orders } on the resource, or once in Globals.Function / Globals.Api',
    cdk:
      "cdk.Tags.of(app).add('Owner', 'team-orders'); // the app's stacks and their resources\n" +
      "// tags added to the App do not reach stacks inside a Stage: tag each Stage (or stack) as well\n" +
      "cdk.Tags.of(prodStage).add('Owner', 'team-orders');",
  },
  check(assembly, ctx) {
    const match = ownerKeyMatcher(ctx.options.tagKeys);
    const keys = listKeys(ctx.options.tagKeys);
    // nested stacks receive their parent's tags at deployment
    for (const stack of assembly.stacks.filter((s) => s.parent === undefined)) {
      if (stackHasOwner(stack.tags, match) || resourcesOwned(stack, match)) continue;
      if (stack.declaredIn) ctx.report({ stack, path: 'properties.tags', messageId: 'untaggedStack', data: { stack: stack.stackName ?? stack.id, keys } });
      else ctx.report({ stack, path: 'Resources', messageId: 'untaggedTemplate', data: { keys } });
    }
  },
});

/** Every resource of the usual taggable types in the stack carries an owner tag itself (and there is at least one). */
function resourcesOwned(stack: Stack, match: (key: string) => boolean): boolean {
  const template = stack.template;
  let seen = 0;
  for (const type of DEFAULT_RESOURCE_TYPES) {
    for (const resource of template.resourcesOfType(type)) {
      if (template.isExcluded(resource) || stack.frameworkResources?.has(resource.logicalId)) continue;
      seen++;
      if (ownerTagVerdict(resource.properties[tagProperty(type)], template.resolver, match) === false) return false;
    }
  }
  return seen > 0;
}
