import { definePack } from '../../lib/engine/rule';

export default definePack({
  id: 'anomaly-detection',
  title: 'Anomaly detection (OPS08-BP01 Analyze workload metrics)',
  rules: [],
});
