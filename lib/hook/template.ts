/**
 * The CloudFormation template `opslint hook package` writes beside the handler: the function (its code is the
 * package folder, which `aws cloudformation package` zips and uploads), its execution role (its own log group and
 * X-Ray traces, nothing else: the template comes by a presigned URL, which needs no permission), the
 * `AWS::CloudFormation::LambdaHook` on stack and change-set operations, and the role the hook assumes to invoke
 * the function (trusted by `hooks.cloudformation.amazonaws.com`, allowed `lambda:InvokeFunction` on this function
 * only), as the Hooks User Guide describes a Lambda Hook's execution role. The template passes `opslint scan`.
 */

/** How long the function may run: a hook waits 30 seconds for its Lambda function, and fetching the template takes some. */
export const FUNCTION_TIMEOUT_SECONDS = 30;

/** The template, as YAML; `version` and `failOn` are said in its description. */
export function hookTemplate(version: string, failOn: string): string {
  return `AWSTemplateFormatVersion: '2010-09-09'
Description: >-
  opslint ${version} as a CloudFormation Lambda Hook: stack and change-set operations are checked against the
  Operational Excellence rules before they provision (failOn ${failOn}). Package with aws cloudformation package.

Parameters:
  FailureMode:
    Type: String
    AllowedValues: [FAIL, WARN]
    Default: WARN
    Description: FAIL stops an operation with findings at or above failOn; WARN lets it go on with them as a warning.
  HookAlias:
    Type: String
    Default: Private::Opslint::Checks
    AllowedPattern: '^(?!(?i)aws)[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}$'
    Description: The hook's type name, unique in the account and region (Name1::Name2::Name3, not starting with AWS).
  IncludedStacks:
    Type: CommaDelimitedList
    Default: ''
    Description: Only these stack names are checked (up to 50; empty for every stack).
  ExcludedStacks:
    Type: CommaDelimitedList
    Default: ''
    Description: These stack names are never checked (up to 50; empty for none).
  LogRetentionInDays:
    Type: Number
    Default: 90
    AllowedValues: [7, 14, 30, 60, 90, 180, 365, 731, 1827, 3653]
    Description: How long the function's logs are kept.

Conditions:
  HasIncludedStacks: !Not [!Equals [!Join ['', !Ref IncludedStacks], '']]
  HasExcludedStacks: !Not [!Equals [!Join ['', !Ref ExcludedStacks], '']]
  HasStackFilters: !Or [!Condition HasIncludedStacks, !Condition HasExcludedStacks]

Resources:
  FunctionLogGroup:
    Type: AWS::Logs::LogGroup
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
    Properties:
      RetentionInDays: !Ref LogRetentionInDays

  FunctionRole:
${role('lambda.amazonaws.com', 'logs-and-traces', [
  '{ Effect: Allow, Action: [logs:CreateLogStream, logs:PutLogEvents], Resource: !GetAtt FunctionLogGroup.Arn }',
  // X-Ray takes no resource-level permissions for these actions
  "{ Effect: Allow, Action: [xray:PutTraceSegments, xray:PutTelemetryRecords], Resource: '*' }",
])}

  Function:
    Type: AWS::Lambda::Function
    Properties:
      Description: opslint ${version}, a CloudFormation Lambda Hook
      Runtime: nodejs22.x
      Handler: handler.handler
      # the package folder (handler.js): aws cloudformation package zips it and writes its S3 location here
      Code: .
      MemorySize: 1024
      Timeout: ${FUNCTION_TIMEOUT_SECONDS}
      Role: !GetAtt FunctionRole.Arn
      TracingConfig:
        Mode: Active
      LoggingConfig:
        LogFormat: JSON
        LogGroup: !Ref FunctionLogGroup

  HookRole:
${role('hooks.cloudformation.amazonaws.com', 'invoke-the-function', [
  '{ Effect: Allow, Action: lambda:InvokeFunction, Resource: !GetAtt Function.Arn }',
])}

  Hook:
    Type: AWS::CloudFormation::LambdaHook
    Properties:
      Alias: !Ref HookAlias
      LambdaFunction: !GetAtt Function.Arn
      ExecutionRole: !GetAtt HookRole.Arn
      HookStatus: ENABLED
      FailureMode: !Ref FailureMode
      TargetOperations: [STACK, CHANGE_SET]
      StackFilters: !If
        - HasStackFilters
        - FilteringCriteria: ALL
          StackNames:
            Include: !If [HasIncludedStacks, !Ref IncludedStacks, !Ref AWS::NoValue]
            Exclude: !If [HasExcludedStacks, !Ref ExcludedStacks, !Ref AWS::NoValue]
        - !Ref AWS::NoValue

Outputs:
  HookArn:
    Description: The hook, enabled in this account and region.
    Value: !GetAtt Hook.HookArn
  FunctionName:
    Value: !Ref Function
`;
}

/** An IAM role that `service` assumes, with one inline policy of `statements` (YAML flow mappings). */
function role(service: string, policy: string, statements: readonly string[]): string {
  return [
    '    Type: AWS::IAM::Role',
    '    Properties:',
    '      AssumeRolePolicyDocument:',
    "        Version: '2012-10-17'",
    `        Statement: [{ Effect: Allow, Principal: { Service: ${service} }, Action: sts:AssumeRole }]`,
    '      Policies:',
    `        - PolicyName: ${policy}`,
    '          PolicyDocument:',
    "            Version: '2012-10-17'",
    '            Statement:',
    ...statements.map((statement) => `              - ${statement}`),
  ].join('\n');
}
