import { definePack } from '../../lib/rule';
import anomalyDetection from './anomaly-detection';

export default definePack({
  id: 'anomaly-detection',
  title: 'Anomaly detection (OPS08-BP01 Analyze workload metrics)',
  description:
    'An app that alarms on traffic and latency metrics with static thresholds also uses anomaly detection somewhere ' +
    '(an anomaly detector, an ANOMALY_DETECTION_BAND alarm or graph, DevOps Guru). A heuristic, at info level.',
  rules: [anomalyDetection],
});
