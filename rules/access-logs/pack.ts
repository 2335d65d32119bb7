import { definePack } from '../../lib/engine/rule';

export default definePack({
  id: 'access-logs',
  title: 'Access and execution logs (OPS04-BP02 Implement application telemetry)',
  rules: [],
});
