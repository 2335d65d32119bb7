import { definePack } from '../../lib/engine/rule';

export default definePack({
  id: 'cloudtrail',
  title: 'CloudTrail (OPS04-BP02 Implement application telemetry)',
  rules: [],
});
