import { defineRule, type Reference } from '../../lib/rule';

const FLOW_LOG = 'AWS::EC2::FlowLog';

export default defineRule({
  id: 'vpc-flow-logs',
  title: 'VPCs record their traffic with a VPC flow log',
  bestPractice: 'OPS04-BP04',
  resourceTypes: ['AWS::EC2::VPC'],
  severity: 'warning',
  optionsSchema: {},
  messages: {
    noFlowLog:
      'VPC {{name}} has no flow log; add an AWS::EC2::FlowLog with ResourceType VPC and ResourceId !Ref {{name}}.',
    wrongResourceType:
      'VPC {{name}} has no flow log: {{flowLog}} names it in ResourceId but its ResourceType is {{type}}; set ResourceType to VPC.',
  },
  why:
    'Flow logs record the connections between the workload and what it depends on: databases, other services, ' +
    'endpoints and the internet. When a dependency times out or refuses connections, they show whether traffic ' +
    'left, was rejected by a security group or network ACL, or never got an answer. A flow log on the VPC covers ' +
    'every subnet and network interface in it, including ones created later.',
  fix: {
    cloudformation:
      'VpcFlowLog:\n  Type: AWS::EC2::FlowLog\n  Properties:\n    ResourceType: VPC\n    ResourceId: !Ref Vpc\n    TrafficType: ALL\n' +
      '    LogDestinationType: cloud-watch-logs\n    LogGroupName: !Ref FlowLogGroup\n    DeliverLogsPermissionArn: !GetAtt FlowLogRole.Arn',
    cdk: 'new ec2.Vpc(this, "Vpc", { flowLogs: { all: {} } });\n// or: vpc.addFlowLog("FlowLog", { destination: ec2.FlowLogDestination.toCloudWatchLogs(logGroup) });',
  },
  check(resource, ctx) {
    const template = ctx.template;
    let wrongType: { flowLog: string; type: string } | undefined;
    for (const { resource: flowLog, references } of ctx.referrers([FLOW_LOG])) {
      if (!references.some(namesVpcId)) continue;
      const type = template.valueAt(flowLog, 'Properties.ResourceType');
      // an unknown ResourceType (a parameter without default) may well be VPC: no finding
      if (type.known ? type.value === 'VPC' : (type.alternatives?.some((v) => v === 'VPC') ?? true)) return;
      const types = type.known ? [type.value] : type.alternatives!;
      wrongType ??= {
        flowLog: flowLog.logicalId,
        type: types.map((t) => (t === undefined ? 'not set' : String(t))).join(' or '),
      };
    }
    const data = { name: resource.logicalId };
    if (wrongType) ctx.report({ messageId: 'wrongResourceType', data: { ...data, ...wrongType } });
    else ctx.report({ messageId: 'noFlowLog', data });
  },
});

/** `ResourceId: !Ref Vpc`, `!GetAtt Vpc.VpcId` (either form), `!Sub '${Vpc}'`, also inside an `Fn::If` branch. */
function namesVpcId(ref: Reference): boolean {
  if (ref.path[0] !== 'Properties' || ref.path[1] !== 'ResourceId') return false;
  return (
    ref.kind === 'Ref' ||
    ((ref.kind === 'GetAtt' || ref.kind === 'Sub') && (ref.attribute === undefined || ref.attribute === 'VpcId'))
  );
}
