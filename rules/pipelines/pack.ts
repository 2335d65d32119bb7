import { definePack } from '../../lib/rule';
import pipelineApprovalBeforeProduction from './pipeline-approval-before-production';
import pipelineTestAction from './pipeline-test-action';

export default definePack({
  id: 'pipelines',
  title: 'Pipelines (OPS05-BP04 and BP10: build, test, approve, deploy)',
  description:
    'CodePipeline pipelines (including those CDK Pipelines synthesize) run tests before their last deployment and put a manual approval in front of production.',
  rules: [pipelineTestAction, pipelineApprovalBeforeProduction],
});
