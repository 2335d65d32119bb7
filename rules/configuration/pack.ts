import { definePack } from '../../lib/rule';
import configRecorderAllResources from './config-recorder-all-resources';
import configRecorderPresent from './config-recorder-present';

export default definePack({
  id: 'configuration',
  title: 'Configuration management (OPS05-BP03 Use configuration management systems)',
  description:
    'AWS Config records the configuration of the account the app deploys to (a recorder and a delivery channel, usually from the account baseline), and its recorders record every supported resource type.',
  rules: [configRecorderPresent, configRecorderAllResources],
});
