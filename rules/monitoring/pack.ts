import { definePack } from '../../lib/engine/rule';

export default definePack({
  id: 'monitoring',
  title: 'Service monitoring (OPS04-BP02 and BP04: metrics, insights, health checks)',
  rules: [],
});
