import { definePack } from '../../lib/engine/rule';

export default definePack({
  id: 'rollback',
  title: 'Automated testing and rollback (OPS06-BP04 Automate testing and rollback)',
  rules: [],
});
