/** API Gateway: what a REST API deployment creates. */
import type { Resource, Template } from '../template/model';
import { verdictAt, type Verdict } from './verdict';

/**
 * Whether an `AWS::ApiGateway::Deployment` creates a stage (it names one in `StageName`; its settings are then
 * in `StageDescription`). Whether a stage exists is not what a finding about the stage rests on, so what its
 * name is read from is not recorded as an assumption of the finding.
 */
export function createsStage(template: Template, deployment: Resource): Verdict {
  return template.resolver.untracked(() =>
    verdictAt(template, deployment, 'Properties.StageName', (v) => typeof v === 'string' && v !== ''),
  );
}
