import { definePack } from '../../lib/engine/rule';

export default definePack({
  id: 'recovery',
  title: 'Plan for unsuccessful changes (OPS06-BP01)',
  rules: [],
});
