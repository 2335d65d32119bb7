import { definePack } from '../../lib/engine/rule';

export default definePack({
  id: 'configuration',
  title: 'Configuration management (OPS05-BP03 Use configuration management systems)',
  rules: [],
});
