/**
 * Not-applicable cases of built-in rules that a pass-* fixture cannot show (a pass fixture must be clean for the
 * whole catalogue, or the rule judges another resource of the same template): which resources a rule evaluated,
 * and inline RuleTester cases.
 */
import { evaluate } from '../lib/engine/runner';
import type { Rule } from '../lib/engine/rule';
import { loadCase, RuleTester } from '../lib/testing';
import { BUILTIN_PACKS } from '../rules';
import { yaml } from './helpers/yaml';

const ruleById = (id: string): Rule => BUILTIN_PACKS.flatMap((p) => p.rules).find((r) => r.id === id)!;

/** The logical ids of the resources `id` evaluated in a template, and its findings' resources. */
function judged(id: string, template: string): { evaluated: string[]; findings: string[] } {
  const rule = ruleById(id);
  const { findings, stats } = evaluate(loadCase({ template }), [
    { rule, severity: rule.severity, options: rule.options ?? {} },
  ]);
  return {
    evaluated: [...(stats.get(id)?.evaluated ?? [])].map((k) => k.slice(k.indexOf('#') + 1)).sort(),
    findings: findings.map((f) => f.resource),
  };
}

// [rule, what it shows, template, the only resource it judges]
const THROUGH: [string, string, string, string][] = [
  [
    'beanstalk-enhanced-health',
    'a configuration template that environments use is judged through them',
    yaml`
      Resources:
        Shared:
          Type: AWS::ElasticBeanstalk::ConfigurationTemplate
          Properties:
            ApplicationName: orders
            SolutionStackName: 64bit Amazon Linux 2023 v6.1.0 running Node.js 20
        OrdersEnv:
          Type: AWS::ElasticBeanstalk::Environment
          Properties:
            ApplicationName: orders
            TemplateName: !Ref Shared
            OptionSettings:
              - Namespace: aws:elasticbeanstalk:healthreporting:system
                OptionName: SystemType
                Value: enhanced
    `,
    'OrdersEnv',
  ],
  [
    'ec2-detailed-monitoring',
    'an instance launched from a launch template is judged through the launch template',
    yaml`
      Resources:
        Template:
          Type: AWS::EC2::LaunchTemplate
          Properties:
            LaunchTemplateData:
              Monitoring: {Enabled: true}
        Worker:
          Type: AWS::EC2::Instance
          Properties:
            LaunchTemplate:
              LaunchTemplateId: !Ref Template
              Version: !GetAtt Template.LatestVersionNumber
    `,
    'Template',
  ],
  [
    'rds-enhanced-monitoring',
    'an Aurora cluster without the setting is judged through its instances',
    yaml`
      Resources:
        Cluster:
          Type: AWS::RDS::DBCluster
          Properties:
            Engine: aurora-postgresql
        Writer:
          Type: AWS::RDS::DBInstance
          Properties:
            Engine: aurora-postgresql
            DBClusterIdentifier: !Ref Cluster
            DBInstanceClass: db.r6g.large
            MonitoringInterval: 60
            MonitoringRoleArn: arn:aws:iam::123456789012:role/rds-monitoring
    `,
    'Writer',
  ],
];

describe('rules judge the resource that holds a setting, not those that take it from it', () => {
  it.each(THROUGH)('%s: %s', (id, _shows, template, only) => {
    expect(judged(id, template)).toEqual({ evaluated: [only], findings: [] });
  });
});

// an untraced function is always a lambda-tracing finding, so no clean pass fixture can show this rule not applying
const report = (tracing: string): string => yaml`
  Resources:
    Report:
      Type: AWS::Lambda::Function
      Properties:
        Runtime: python3.12
        Handler: app.handler
        Role: arn:aws:iam::123456789012:role/report
        Code: {ZipFile: 'def handler(event, context): return None'}
        TracingConfig: {Mode: ${tracing}}
`;
new RuleTester().run(ruleById('traced-to-untraced'), {
  valid: [
    {
      name: 'an untraced function that no traced caller invokes: no trace to break',
      template: report('PassThrough'),
      notApplicable: true,
    },
    { name: 'a traced function: compliant', template: report('Active'), notApplicable: false },
  ],
});
