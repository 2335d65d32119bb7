import { definePack } from '../../lib/rule';
import businessMetrics from './business-metrics';

export default definePack({
  id: 'kpis',
  title: 'Key performance indicators (OPS04-BP01 Identify key performance indicators)',
  description:
    'An app that runs code or serves requests defines metrics of its own (metric filters, custom namespaces, metrics ' +
    'published from code, service level objectives) to measure its key performance indicators. A heuristic, at info level.',
  rules: [businessMetrics],
});
