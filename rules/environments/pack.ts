import { definePack } from '../../lib/rule';
import multipleEnvironments from './multiple-environments';
import observabilityParity from './observability-parity';
import productionAccountIsolation from './production-account-isolation';
import productionAccountRegion from './production-account-region';

export default definePack({
  id: 'environments',
  title: 'Multiple environments (OPS05-BP08 Use multiple environments)',
  description:
    'Over a CDK cloud assembly: the workload is defined in at least two environments, production stacks name their account and region, production does not share an account with development or test, and production is observed at least as closely as the other Stages.',
  rules: [multipleEnvironments, productionAccountRegion, productionAccountIsolation, observabilityParity],
});
