import { definePack } from '../../lib/engine/rule';

export default definePack({
  id: 'patching',
  title: 'Patch management (OPS05-BP05 Perform patch management)',
  rules: [],
});
