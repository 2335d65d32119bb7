import { definePack } from '../../lib/engine/rule';

export default definePack({
  id: 'deployments',
  title: 'Safe deployment strategies (OPS06-BP03 Employ safe deployment strategies)',
  rules: [],
});
