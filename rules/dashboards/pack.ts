import { definePack } from '../../lib/engine/rule';

export default definePack({
  id: 'dashboards',
  title: 'Dashboards (OPS08-BP05 Create dashboards)',
  rules: [],
});
