import { definePack } from '../../lib/engine/rule';

export default definePack({
  id: 'pipelines',
  title: 'Pipelines (OPS05-BP04 and BP10: build, test, approve, deploy)',
  rules: [],
});
