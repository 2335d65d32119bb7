import { definePack } from '../../lib/rule';
import apigatewayAccessLogs from './apigateway-access-logs';
import apigatewayExecutionLogging from './apigateway-execution-logging';
import cloudfrontLogging from './cloudfront-logging';
import loadBalancerAccessLogs from './load-balancer-access-logs';
import s3AccessLogging from './s3-access-logging';

export default definePack({
  id: 'access-logs',
  title: 'Access and execution logs (OPS04-BP02 Implement application telemetry)',
  description:
    'Entry points record each request: API Gateway execution and access logs, load balancer and CloudFront access logs, S3 server access logs.',
  rules: [apigatewayExecutionLogging, apigatewayAccessLogs, loadBalancerAccessLogs, cloudfrontLogging, s3AccessLogging],
});
