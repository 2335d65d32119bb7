import { definePack } from '../../lib/engine/rule';

export default definePack({
  id: 'alarms',
  title: 'Alarms attached to metrics (OPS08-BP04 Create actionable alerts)',
  rules: [],
});
