import { definePack } from '../../lib/engine/rule';

export default definePack({
  id: 'failure-capture',
  title: 'Failure capture for asynchronous work (OPS10-BP01 Use a process for event, incident, and problem management)',
  rules: [],
});
