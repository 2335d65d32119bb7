import { definePack } from '../../lib/engine/rule';

export default definePack({
  id: 'runbooks',
  title: 'Runbooks (OPS07-BP03 Use runbooks to perform procedures)',
  rules: [],
});
