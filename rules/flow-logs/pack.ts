import { definePack } from '../../lib/rule';
import vpcFlowLogs from './vpc-flow-logs';

export default definePack({
  id: 'flow-logs',
  title: 'VPC Flow Logs (OPS04-BP04 Implement dependency telemetry)',
  description: "Each VPC has a flow log, so connections to and from the workload's dependencies can be traced.",
  rules: [vpcFlowLogs],
});
