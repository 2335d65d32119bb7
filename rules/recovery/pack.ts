import { definePack } from '../../lib/rule';
import deletionProtection from './deletion-protection';
import productionTerminationProtection from './production-termination-protection';
import statefulResourceRetention from './stateful-resource-retention';

export default definePack({
  id: 'recovery',
  title: 'Plan for unsuccessful changes (OPS06-BP01)',
  description:
    'Stateful resources keep their data when a stack change deletes or replaces them, databases and tables have deletion protection, ' +
    'and production stacks of a cloud assembly have termination protection.',
  rules: [statefulResourceRetention, deletionProtection, productionTerminationProtection],
});
