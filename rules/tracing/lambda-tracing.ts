import { defineRule, asIntrinsic, getAttParts, isPlainObject, type Resource, type Template } from '../../lib/rule';

/** AWS managed policies that let a function write trace segments. */
const XRAY_POLICIES = /AWSXRayDaemonWriteAccess|AWSXrayWriteOnlyAccess|AWSXrayFullAccess/i;
/** IAM actions that include xray:PutTraceSegments. */
const PUT_TRACE_SEGMENTS = /^(\*|xray:\*|xray:Put\*|xray:PutTrace\*|xray:PutTraceSegments)$/i;

/** Whether a policy document (as written) has an Allow statement for xray:PutTraceSegments. */
function allowsTracing(document: unknown): boolean {
  if (!isPlainObject(document)) return false;
  return [document.Statement]
    .flat()
    .some(
      (s) =>
        isPlainObject(s) &&
        s.Effect === 'Allow' &&
        [s.Action].flat().some((a) => typeof a === 'string' && PUT_TRACE_SEGMENTS.test(a)),
    );
}

/**
 * Whether active tracing can be switched on as it is: Lambda refuses it unless the execution role may call
 * xray:PutTraceSegments. SAM adds that permission to the role it creates for a function without `Role`; a
 * role in the template must grant it (a managed X-Ray policy, or a policy of its own or attached to it).
 */
function roleAllowsTracing(template: Template, fn: Resource): boolean {
  const role = fn.properties.Role;
  if (fn.type === 'AWS::Serverless::Function' && role === undefined) return true;
  const getAtt = asIntrinsic(role);
  const parts = getAtt?.name === 'Fn::GetAtt' ? getAttParts(getAtt.arg) : undefined;
  const target = parts?.[1] === 'Arn' ? template.resources.get(parts[0]) : undefined;
  if (target?.type !== 'AWS::IAM::Role') return false;
  const { ManagedPolicyArns: managed, Policies: policies } = target.properties;
  if (XRAY_POLICIES.test(JSON.stringify(managed ?? []))) return true;
  if ([policies].flat().some((p) => isPlainObject(p) && allowsTracing(p.PolicyDocument))) return true;
  // an AWS::IAM::Policy (the CDK's DefaultPolicy) or AWS::IAM::ManagedPolicy that names the role
  return template.graph.incoming(target.logicalId).some((ref) => {
    const policy = template.resources.get(ref.from);
    return (
      (policy?.type === 'AWS::IAM::Policy' || policy?.type === 'AWS::IAM::ManagedPolicy') &&
      ref.path[1] === 'Roles' &&
      allowsTracing(policy.properties.PolicyDocument)
    );
  });
}

export default defineRule({
  id: 'lambda-tracing',
  title: 'Lambda functions send traces to AWS X-Ray',
  bestPractice: 'OPS04-BP05',
  resourceTypes: ['AWS::Lambda::Function', 'AWS::Serverless::Function'],
  severity: 'warning',
  fixable: true,
  optionsSchema: {},
  messages: {
    notActive: 'Lambda function {{name}} does not send traces to X-Ray; set {{property}} to Active.',
  },
  why:
    'Without active tracing a request that crosses this function leaves no trace segment, so a slow or ' +
    'failing call cannot be followed from the API or queue that started it to the dependency that caused it. ' +
    'PassThrough only forwards a trace header; it records nothing for the function itself.',
  fix: {
    cloudformation:
      'Properties:\n  TracingConfig:\n    Mode: Active\n# SAM: Tracing: Active on the function, or once for all functions in Globals.Function\n' +
      '# the execution role needs xray:PutTraceSegments and xray:PutTelemetryRecords (the AWSXRayDaemonWriteAccess\n' +
      '# managed policy); SAM adds them to the role it creates',
    cdk: 'new lambda.Function(this, "Fn", { /* … */ tracing: lambda.Tracing.ACTIVE });',
  },
  roles: {
    machinery: {
      check: false,
      why: 'CloudFormation or AWS Config invokes it once per deployment or evaluation, not on a request path, so there is no request to follow.',
    },
    edge: {
      check: false,
      why: 'active tracing applies to invocations in the Lambda service, and a Greengrass core runs it instead.',
    },
  },
  check(resource, ctx) {
    const sam = resource.type === 'AWS::Serverless::Function';
    const path = sam ? 'Properties.Tracing' : 'Properties.TracingConfig.Mode';
    if (ctx.satisfies(path, (mode) => mode === 'Active') === false) {
      // the fix only where the deployment will accept it: otherwise the role must change first, by hand
      const fix = roleAllowsTracing(ctx.template, resource) ? { fix: { path, value: 'Active' } } : {};
      ctx.report({
        messageId: 'notActive',
        path,
        data: { name: resource.logicalId, property: sam ? 'Tracing' : 'TracingConfig.Mode' },
        ...fix,
      });
    }
  },
});
