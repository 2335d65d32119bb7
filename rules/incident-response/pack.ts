import { definePack } from '../../lib/engine/rule';

export default definePack({
  id: 'incident-response',
  title: 'Alert routing, escalation and automated response (OPS10-BP02, BP04, BP05, BP07)',
  rules: [],
});
