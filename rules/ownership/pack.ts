import { definePack } from '../../lib/rule';
import resourceOwnerTag from './resource-owner-tag';
import stackOwnerTag from './stack-owner-tag';

export default definePack({
  id: 'ownership',
  title: 'Ownership (OPS02-BP01 Resources have identified owners)',
  description:
    'Every stack carries a tag that names its owner (stack tags propagate to the resources); optionally, each workload ' +
    'resource carries one in the template itself.',
  rules: [stackOwnerTag, resourceOwnerTag],
  off: ['resource-owner-tag'],
});
