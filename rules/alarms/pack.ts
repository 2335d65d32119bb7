import { definePack } from '../../lib/rule';
import alarmActions from './alarm-actions';
import alarmCoverage from './alarm-coverage';

export default definePack({
  id: 'alarms',
  title: 'Alarms attached to metrics (OPS08-BP04 Create actionable alerts)',
  description:
    'Every CloudWatch alarm notifies someone, and every function, API, load balancer, state machine, ECS service, ' +
    'table and dead-letter queue has an alarm on its metrics.',
  rules: [alarmActions, alarmCoverage],
});
