import { definePack } from '../../lib/rule';
import dashboardPresent from './dashboard-present';

export default definePack({
  id: 'dashboards',
  title: 'Dashboards (OPS08-BP05 Create dashboards)',
  description:
    'Each environment of the app that runs workload resources has a CloudWatch dashboard (or a managed Grafana workspace).',
  rules: [dashboardPresent],
});
