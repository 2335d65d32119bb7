import { definePack } from '../../lib/rule';
import alarmRunbookLink from './alarm-runbook-link';

export default definePack({
  id: 'runbooks',
  title: 'Runbooks (OPS07-BP03 Use runbooks to perform procedures)',
  description: 'Alarms that page people say what they mean and link the runbook to follow.',
  rules: [alarmRunbookLink],
});
