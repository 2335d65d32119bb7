import { definePack } from '../../lib/engine/rule';

export default definePack({
  id: 'environments',
  title: 'Multiple environments (OPS05-BP08 Use multiple environments)',
  rules: [],
});
