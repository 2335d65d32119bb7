/**
 * The one list of the resource types that make up a workload, by what they do. Rules pick the categories
 * they need (the owner-tag rules, the app-level observability rules) instead of keeping lists of their own.
 */

/** Lambda functions, as CloudFormation and SAM write them. */
export const FUNCTION_TYPES: readonly string[] = ['AWS::Lambda::Function', 'AWS::Serverless::Function'];

/** State machines. */
export const STATE_MACHINE_TYPES: readonly string[] = [
  'AWS::StepFunctions::StateMachine',
  'AWS::Serverless::StateMachine',
];

/** What runs the workload's code. */
export const COMPUTE_TYPES: readonly string[] = [
  ...FUNCTION_TYPES,
  'AWS::ECS::Service',
  'AWS::EC2::Instance',
  'AWS::AutoScaling::AutoScalingGroup',
  'AWS::ElasticBeanstalk::Environment',
  'AWS::AppRunner::Service',
  'AWS::EKS::Cluster',
  ...STATE_MACHINE_TYPES,
];

/** What takes the workload's requests. */
export const API_TYPES: readonly string[] = [
  'AWS::ApiGateway::RestApi',
  'AWS::Serverless::Api',
  'AWS::ApiGatewayV2::Api',
  'AWS::Serverless::HttpApi',
  'AWS::AppSync::GraphQLApi',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
];

/** What holds or moves the workload's data, and what serves it to users. */
export const DATA_TYPES: readonly string[] = [
  'AWS::CloudFront::Distribution',
  'AWS::DynamoDB::Table',
  'AWS::Serverless::SimpleTable',
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::OpenSearchService::Domain',
  'AWS::SQS::Queue',
  'AWS::Kinesis::Stream',
  'AWS::MSK::Cluster',
];

/** Further parts of a workload that a team owns and tags, beyond those above. */
export const SUPPORTING_TYPES: readonly string[] = [
  'AWS::ECS::Cluster',
  'AWS::S3::Bucket',
  'AWS::EFS::FileSystem',
  'AWS::SNS::Topic',
  'AWS::KinesisFirehose::DeliveryStream',
  'AWS::Events::EventBus',
  'AWS::Cognito::UserPool',
];

/** Compute and APIs: what makes a stack a workload for the app-level observability rules. */
export const COMPUTE_AND_API_TYPES: readonly string[] = [...COMPUTE_TYPES, ...API_TYPES];

/** Every workload type: compute, APIs, data. */
export const WORKLOAD_TYPES: readonly string[] = [...COMPUTE_AND_API_TYPES, ...DATA_TYPES];

/** Everything that runs, stores or serves the workload, and the parts that support it: what should name an owner. */
export const OWNED_TYPES: readonly string[] = [...WORKLOAD_TYPES, ...SUPPORTING_TYPES];
