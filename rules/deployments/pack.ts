import { definePack } from '../../lib/rule';
import appconfigGradual from './appconfig-gradual';
import asgUpdatePolicy from './asg-update-policy';
import codedeployGradual from './codedeploy-gradual';
import ecsRollingCapacity from './ecs-rolling-capacity';
import samGradualDeployment from './sam-gradual-deployment';

export default definePack({
  id: 'deployments',
  title: 'Safe deployment strategies (OPS06-BP03 Employ safe deployment strategies)',
  description:
    'CodeDeploy, SAM and AppConfig deployments go in steps rather than all at once, Auto Scaling groups roll out launch changes with an update ' +
    'policy, and ECS rolling deployments keep tasks running and can make progress.',
  rules: [codedeployGradual, samGradualDeployment, ecsRollingCapacity, asgUpdatePolicy, appconfigGradual],
});
