import { definePack } from '../../lib/rule';
import asgElbHealthCheck from './asg-elb-health-check';
import beanstalkEnhancedHealth from './beanstalk-enhanced-health';
import ec2DetailedMonitoring from './ec2-detailed-monitoring';
import ecsContainerInsights from './ecs-container-insights';
import rdsEnhancedMonitoring from './rds-enhanced-monitoring';
import rdsLogExports from './rds-log-exports';
import rdsPerformanceInsights from './rds-performance-insights';

export default definePack({
  id: 'monitoring',
  title: 'Service monitoring (OPS04-BP02 and BP04: metrics, insights, health checks)',
  description:
    'ECS clusters collect Container Insights; RDS databases export logs and collect Enhanced Monitoring and Performance Insights; EC2 uses detailed monitoring; Beanstalk uses enhanced health; Auto Scaling groups behind a load balancer use its health checks.',
  rules: [
    ecsContainerInsights,
    rdsLogExports,
    rdsEnhancedMonitoring,
    rdsPerformanceInsights,
    ec2DetailedMonitoring,
    beanstalkEnhancedHealth,
    asgElbHealthCheck,
  ],
});
