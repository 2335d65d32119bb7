import { definePack } from '../../lib/rule';
import alarmTopicSubscribed from './alarm-topic-subscribed';
import automatedRemediation from './automated-remediation';
import healthEventNotifications from './health-event-notifications';
import incidentResponsePlan from './incident-response-plan';

export default definePack({
  id: 'incident-response',
  title: 'Alert routing, escalation and automated response (OPS10-BP02, BP04, BP05, BP07)',
  description:
    'Alarm topics reach someone, alerts escalate through a response plan or paging service, AWS Health events are routed ' +
    'to operators, and some operational events start an automated response.',
  rules: [alarmTopicSubscribed, incidentResponsePlan, healthEventNotifications, automatedRemediation],
});
