import { definePack } from '../../lib/engine/rule';

export default definePack({
  id: 'logging',
  title: 'Logging (OPS04-BP02 Implement application telemetry)',
  rules: [],
});
