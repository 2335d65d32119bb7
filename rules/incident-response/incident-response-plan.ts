import { defineRule, ALARM, alarmActionKinds, COMPOSITE_ALARM, type AppFacts } from '../../lib/rule';
import { notifyingAlarms, reportOnApp } from './actions';

const PLAN_TYPES = ['AWS::SSMIncidents::ResponsePlan', 'AWS::SSMContacts::Contact'];
const DEFAULT_PAGING = '(pagerduty\\.com|opsgenie\\.com|victorops\\.com|xmatters\\.com)';

export default defineRule({
  id: 'incident-response-plan',
  title: 'Alerts escalate through an incident response plan or an on-call escalation path',
  bestPractice: 'OPS10-BP04',
  scope: 'assembly',
  resourceTypes: [...PLAN_TYPES, 'AWS::SNS::Subscription', ALARM, COMPOSITE_ALARM],
  severity: 'info',
  context: 'account',
  options: {
    pagingEndpointPattern: DEFAULT_PAGING,
  },
  optionsSchema: { pagingEndpointPattern: { type: 'string', format: 'regex' } },
  optionDocs: {
    pagingEndpointPattern:
      'Regular expression (source, matched ignoring case) for SNS subscription endpoints that deliver to a paging service with its own ' +
      'escalation policies; such a subscription counts as an escalation path. Default: PagerDuty, Opsgenie, VictorOps and xMatters hosts.',
  },
  messages: {
    missing:
      '{{alarms}} people in {{scope}}, but nothing escalates an alert that nobody acknowledges: no Incident Manager response plan or escalation contact, no alarm action that opens an incident, and no SNS subscription to a paging service.',
  },
  why:
    'An alert that the first responder does not acknowledge, or cannot resolve, must reach the next person ' +
    'without someone having to decide it at 3 a.m. Incident Manager response plans engage on-call contacts and ' +
    'escalation plans (AWS::SSMContacts::Contact) with acknowledgement timeouts; paging services do the same ' +
    'with their own policies. The check passes when the app or account defines a response plan or a contact, ' +
    'when an alarm action opens an incident through a response plan ARN, or when an SNS subscription goes to a ' +
    'paging service. Escalation is usually set up once per account or organization, so the finding is a reminder ' +
    'unless the stack that holds it is marked as the account baseline; apps without alarms are not checked.',
  fix: {
    cloudformation:
      'OnCallEscalation:\n  Type: AWS::SSMContacts::Contact\n  Properties:\n    Alias: orders-escalation\n    DisplayName: Orders escalation\n' +
      '    Type: ESCALATION\n    Plan:\n      - DurationInMinutes: 15\n        Targets:\n          - ContactTargetInfo:\n' +
      '              ContactId: !Ref PrimaryOnCallContactArn\n              IsEssential: true\n' +
      'OrdersResponsePlan:\n  Type: AWS::SSMIncidents::ResponsePlan\n  Properties:\n    Name: orders-outage\n' +
      '    IncidentTemplate:\n      Title: Orders outage\n      Impact: 2\n    Engagements:\n      - !Ref OnCallEscalation\n' +
      '# then: AlarmActions: [!Sub "arn:${AWS::Partition}:ssm-incidents::${AWS::AccountId}:response-plan/orders-outage"]',
    cdk:
      'import * as ssmcontacts from "aws-cdk-lib/aws-ssmcontacts";\nimport * as ssmincidents from "aws-cdk-lib/aws-ssmincidents";\n' +
      'import * as cw_actions from "aws-cdk-lib/aws-cloudwatch-actions";\n\n' +
      'const escalation = new ssmcontacts.CfnContact(this, "Escalation", {\n  alias: "orders-escalation", displayName: "Orders escalation", type: "ESCALATION",\n' +
      '  plan: [{ durationInMinutes: 15, targets: [{ contactTargetInfo: { contactId: primaryContactArn, isEssential: true } }] }],\n});\n' +
      'new ssmincidents.CfnResponsePlan(this, "OrdersPlan", {\n  name: "orders-outage",\n  incidentTemplate: { title: "Orders outage", impact: 2 },\n' +
      '  engagements: [escalation.attrArn],\n});\nalarm.addAlarmAction(new cw_actions.SsmIncidentAction("orders-outage"));',
  },
  check(assembly, ctx) {
    const count = notifyingAlarms(ctx.facts);
    if (count === 0) return ctx.notApplicable();
    if (PLAN_TYPES.some((type) => ctx.facts.deployed(type).length > 0)) return;
    if (opensIncidents(ctx.facts)) return;
    const paging = new RegExp(String(ctx.options.pagingEndpointPattern), 'i');
    for (const { stack, resource } of ctx.facts.deployed('AWS::SNS::Subscription')) {
      // an endpoint known only at deployment may be a paging service's: it is not taken for one that is not
      const endpoint = stack.template.resolver.deep(resource.properties.Endpoint);
      if (!endpoint.known || (typeof endpoint.value === 'string' && paging.test(endpoint.value))) return;
    }
    reportOnApp(assembly, ctx, 'missing', { alarms: count === 1 ? '1 alarm notifies' : `${count} alarms notify` });
  },
});

function opensIncidents(facts: AppFacts): boolean {
  return [ALARM, COMPOSITE_ALARM].some((type) =>
    facts.deployed(type).some(({ stack, resource }) => alarmActionKinds(resource, stack.template)?.has('incident')),
  );
}
