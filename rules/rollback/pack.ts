import { definePack } from '../../lib/rule';
import codedeployAutoRollback from './codedeploy-auto-rollback';
import ecsDeploymentRollback from './ecs-deployment-rollback';
import samDeploymentAlarms from './sam-deployment-alarms';

export default definePack({
  id: 'rollback',
  title: 'Automated testing and rollback (OPS06-BP04 Automate testing and rollback)',
  description:
    'ECS services, CodeDeploy deployment groups and SAM gradual deployments undo a failed or alarming deployment by themselves.',
  rules: [ecsDeploymentRollback, codedeployAutoRollback, samDeploymentAlarms],
});
