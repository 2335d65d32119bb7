import { definePack } from '../../lib/engine/rule';

export default definePack({
  id: 'user-experience',
  title: 'User experience telemetry (OPS04-BP03 Implement user experience telemetry)',
  rules: [],
});
