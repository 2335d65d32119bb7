import { defineRule, isPlainObject, type Resource, type Template, isSetAt, scalarOptions } from '../../lib/rule';

const NAMESPACE = 'aws:elasticbeanstalk:healthreporting:system';
const ENVIRONMENT = 'AWS::ElasticBeanstalk::Environment';
const CONFIGURATION_TEMPLATE = 'AWS::ElasticBeanstalk::ConfigurationTemplate';

type SystemType = { kind: 'enhanced' } | { kind: 'basic'; path: string } | { kind: 'missing' } | { kind: 'unknown' };

/**
 * The health reporting system an environment or configuration template sets in its `OptionSettings`, with
 * conditions (`Fn::If`) followed: `basic` when a known branch sets anything but enhanced, `missing` when a
 * known branch does not set it, `unknown` when an entry that may be the one cannot be read.
 */
function systemType(template: Template, resource: Resource): SystemType {
  const resolver = template.resolver;
  const r = template.valueAt(resource, 'Properties.OptionSettings');
  const lists = r.known ? [r.value] : r.alternatives;
  if (!lists) return { kind: 'unknown' };
  const outcomes = lists.map((list): SystemType => {
    if (list === undefined) return { kind: 'missing' };
    if (!Array.isArray(list)) return { kind: 'unknown' };
    let enhanced = false;
    let partial = false;
    let unknownEntry = false;
    for (let i = 0; i < list.length; i++) {
      const item = resolver.resolve(list[i]);
      const branches = item.known ? [item.value] : item.alternatives;
      if (!branches) {
        unknownEntry = true;
        continue;
      }
      let matches = 0;
      for (const entry of branches) {
        if (!isPlainObject(entry)) continue;
        const namespace = resolver.deep(entry.Namespace);
        const option = resolver.deep(entry.OptionName);
        if (!namespace.known || !option.known) {
          unknownEntry = true;
          continue;
        }
        if (namespace.value !== NAMESPACE || option.value !== 'SystemType') continue;
        matches++;
        const values = scalarOptions(resolver, resolver.get(entry, 'Value'));
        if (!values) return { kind: 'unknown' };
        if (values.some((v) => v !== 'enhanced')) {
          const literal = r.known && item.known;
          return {
            kind: 'basic',
            path: literal ? `Properties.OptionSettings[${i}].Value` : 'Properties.OptionSettings',
          };
        }
        enhanced = true;
      }
      if (matches > 0 && matches < branches.length) partial = true;
    }
    if (enhanced && !partial) return { kind: 'enhanced' };
    return unknownEntry ? { kind: 'unknown' } : { kind: 'missing' };
  });
  return (
    outcomes.find((o) => o.kind === 'basic') ??
    outcomes.find((o) => o.kind === 'missing') ??
    outcomes.find((o) => o.kind === 'unknown') ??
    outcomes[0] ?? { kind: 'unknown' }
  );
}

/** The configuration template an environment names through `TemplateName`, when it is one of this template. */
function configurationTemplateOf(template: Template, environment: Resource): Resource | undefined {
  for (const ref of template.graph.outgoing(environment.logicalId)) {
    if (ref.path[0] !== 'Properties' || ref.path[1] !== 'TemplateName') continue;
    const target = template.resources.get(ref.to);
    if (target?.type === CONFIGURATION_TEMPLATE && !template.isExcluded(target)) return target;
  }
  return undefined;
}

export default defineRule({
  id: 'beanstalk-enhanced-health',
  title: 'Elastic Beanstalk environments use enhanced health reporting',
  bestPractice: 'OPS04-BP02',
  resourceTypes: [ENVIRONMENT, CONFIGURATION_TEMPLATE],
  severity: 'warning',
  optionsSchema: {},
  messages: {
    basic:
      'Elastic Beanstalk {{kind}} {{name}} uses basic health reporting; set SystemType to enhanced in namespace aws:elasticbeanstalk:healthreporting:system.',
    missing:
      'Elastic Beanstalk {{kind}} {{name}} does not turn on enhanced health reporting, and CloudFormation creates environments with basic reporting; add the option SystemType = enhanced in namespace aws:elasticbeanstalk:healthreporting:system.',
  },
  why:
    'Basic health reporting colours an environment from load balancer health checks and a few CloudWatch ' +
    'metrics. Enhanced health reporting runs an agent on every instance and reports request rates, HTTP ' +
    'status codes, latency percentiles, load and deployment state per instance, with causes for each status ' +
    'change, and can publish them as CloudWatch metrics. Environments created through the API (and so through ' +
    "CloudFormation) get basic reporting unless SystemType is set. A setting in the application bundle's " +
    '.ebextensions is not visible in the template: if that is where yours lives, suppress the finding there.',
  fix: {
    cloudformation:
      'Type: AWS::ElasticBeanstalk::Environment   # or the AWS::ElasticBeanstalk::ConfigurationTemplate it uses\nProperties:\n  OptionSettings:\n' +
      '    - Namespace: aws:elasticbeanstalk:healthreporting:system\n      OptionName: SystemType\n      Value: enhanced\n' +
      '    - Namespace: aws:elasticbeanstalk:environment\n      OptionName: ServiceRole\n      Value: !Ref BeanstalkServiceRole',
    cdk:
      'new elasticbeanstalk.CfnEnvironment(this, "Env", {\n  applicationName, solutionStackName,\n  optionSettings: [\n' +
      '    { namespace: "aws:elasticbeanstalk:healthreporting:system", optionName: "SystemType", value: "enhanced" },\n  ],\n});',
  },
  check(resource, ctx) {
    const template = ctx.template;
    const own = systemType(template, resource);
    const name = resource.logicalId;
    if (resource.type === CONFIGURATION_TEMPLATE) {
      const data = { kind: 'configuration template', name };
      if (own.kind === 'basic') ctx.report({ messageId: 'basic', path: own.path, data });
      else if (own.kind === 'missing') {
        // environments of this template that leave it out are reported themselves; a template copied from another may inherit it
        if (ctx.referrers([ENVIRONMENT]).some((e) => e.references.some((ref) => ref.path[1] === 'TemplateName')))
          return ctx.notApplicable();
        if (isSetAt(template, resource, 'Properties.SourceConfiguration').verdict !== false) return;
        ctx.report({ messageId: 'missing', path: 'Properties.OptionSettings', data });
      }
      return;
    }
    const data = { kind: 'environment', name };
    if (own.kind === 'basic') {
      ctx.report({ messageId: 'basic', path: own.path, data });
      return;
    }
    if (own.kind !== 'missing') return;
    const configuration = configurationTemplateOf(template, resource);
    if (configuration) {
      // the environment starts from a saved configuration of this template: its setting applies, and a missing one is reported here
      const inherited = systemType(template, configuration);
      if (inherited.kind !== 'missing') return;
      // a configuration copied from another one may inherit the setting
      if (isSetAt(template, configuration, 'Properties.SourceConfiguration').verdict !== false) return;
    } else if (isSetAt(template, resource, 'Properties.TemplateName').verdict !== false) {
      // a saved configuration defined elsewhere may set it
      return;
    }
    ctx.report({ messageId: 'missing', path: 'Properties.OptionSettings', data });
  },
});
