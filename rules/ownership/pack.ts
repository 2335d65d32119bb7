import { definePack } from '../../lib/engine/rule';

export default definePack({
  id: 'ownership',
  title: 'Ownership (OPS02-BP01 Resources have identified owners)',
  rules: [],
});
