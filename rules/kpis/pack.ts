import { definePack } from '../../lib/engine/rule';

export default definePack({
  id: 'kpis',
  title: 'Key performance indicators (OPS04-BP01 Identify key performance indicators)',
  rules: [],
});
