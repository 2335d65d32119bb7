import { definePack } from '../../lib/rule';
import entryPointCanary from './entry-point-canary';

export default definePack({
  id: 'user-experience',
  title: 'User experience telemetry (OPS04-BP03 Implement user experience telemetry)',
  description:
    'Internet-facing entry points (CloudFront distributions, internet-facing Application Load Balancers, public REST ' +
    'and HTTP APIs) are watched by a CloudWatch Synthetics canary or CloudWatch RUM somewhere in the app.',
  rules: [entryPointCanary],
});
