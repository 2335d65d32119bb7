import { defineRule } from '../../lib/rule';

export default defineRule({
  id: 'ecs-container-logging',
  title: 'Every container of an ECS task definition sends its output to a log driver',
  bestPractice: 'OPS04-BP02',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  severity: 'warning',
  optionsSchema: {},
  messages: {
    noLogDriver:
      'Container {{container}} of task definition {{name}} has no LogConfiguration.LogDriver, so its output is not kept when the task stops; send it to CloudWatch Logs with the awslogs driver (or to FireLens).',
  },
  why:
    'A container without a log configuration writes its standard output and error nowhere that outlives the task: ' +
    'on Fargate the output is simply lost, and on EC2 it stays on the instance only until the container is cleaned ' +
    'up. When a task crashes or is replaced, the lines that explain why are gone. Give every container, sidecars ' +
    'and init containers included, a log driver such as `awslogs` (CloudWatch Logs), `awsfirelens` or `splunk`.',
  fix: {
    cloudformation:
      'ContainerDefinitions:\n  - Name: web\n    Image: public.ecr.aws/nginx/nginx:latest\n    LogConfiguration:\n      LogDriver: awslogs\n' +
      '      Options:\n        awslogs-group: !Ref WebLogs\n        awslogs-region: !Ref AWS::Region\n        awslogs-stream-prefix: web',
    cdk:
      'taskDefinition.addContainer("Web", {\n  image: ecs.ContainerImage.fromRegistry("public.ecr.aws/nginx/nginx:latest"),\n' +
      '  logging: ecs.LogDrivers.awsLogs({ streamPrefix: "web", logRetention: logs.RetentionDays.ONE_MONTH }),\n});',
  },
  check(resource, ctx) {
    const containers = ctx.get('Properties.ContainerDefinitions');
    // a list that is unknown, or chosen by a condition, is not checked container by container
    if (!containers.known || !Array.isArray(containers.value)) return ctx.notApplicable();
    containers.value.forEach((_container, i) => {
      const base = `Properties.ContainerDefinitions[${i}]`;
      const container = ctx.get(base);
      if (container.known ? container.value === undefined : !container.alternatives) return;
      if (ctx.satisfies(`${base}.LogConfiguration.LogDriver`, (v) => typeof v === 'string' && v !== '') !== false)
        return;
      const name = ctx.get(`${base}.Name`);
      const label = name.known && typeof name.value === 'string' ? name.value : `#${i + 1}`;
      ctx.report({
        messageId: 'noLogDriver',
        path: `${base}.LogConfiguration`,
        data: { name: resource.logicalId, container: label },
      });
    });
  },
});
