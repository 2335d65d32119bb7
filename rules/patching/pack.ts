import { definePack } from '../../lib/rule';
import instancePatching from './instance-patching';
import lambdaRuntimeSupported from './lambda-runtime-supported';
import rdsAutoMinorVersionUpgrade from './rds-auto-minor-version-upgrade';

export default definePack({
  id: 'patching',
  title: 'Patch management (OPS05-BP05 Perform patch management)',
  description:
    'EC2 fleets are patched by Systems Manager, Lambda functions run on runtimes AWS still patches, and databases take minor engine upgrades automatically.',
  rules: [instancePatching, lambdaRuntimeSupported, rdsAutoMinorVersionUpgrade],
});
