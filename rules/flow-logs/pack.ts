import { definePack } from '../../lib/engine/rule';

export default definePack({
  id: 'flow-logs',
  title: 'VPC Flow Logs (OPS04-BP04 Implement dependency telemetry)',
  rules: [],
});
