import { definePack } from '../../lib/rule';
import cloudtrailCloudwatchLogs from './cloudtrail-cloudwatch-logs';
import cloudtrailLogValidation from './cloudtrail-log-validation';
import cloudtrailLogging from './cloudtrail-logging';
import cloudtrailMultiRegion from './cloudtrail-multi-region';
import cloudtrailPresent from './cloudtrail-present';

export default definePack({
  id: 'cloudtrail',
  title: 'CloudTrail (OPS04-BP02 Implement application telemetry)',
  description:
    'A trail records the API activity of the account (an account-baseline check that needs context), and any trail ' +
    'the app defines is logging, multi-region, validates its log files and delivers to CloudWatch Logs.',
  rules: [
    cloudtrailPresent,
    cloudtrailLogging,
    cloudtrailMultiRegion,
    cloudtrailLogValidation,
    cloudtrailCloudwatchLogs,
  ],
});
