import {
  formatEnvironment,
  resourceLabel,
  stackLabel,
  type Stack,
  defineRule,
  listNames,
  WORKLOAD_TYPES,
  type Resource,
} from '../../lib/rule';
import { environmentKey } from '../environments/classify';

/** A CloudWatch dashboard, or a managed Grafana workspace where the team keeps its dashboards. */
const DASHBOARD_TYPES = ['AWS::CloudWatch::Dashboard', 'AWS::Grafana::Workspace'];

export default defineRule({
  id: 'dashboard-present',
  title: 'Each environment of the app has a CloudWatch dashboard',
  bestPractice: 'OPS08-BP05',
  scope: 'assembly',
  resourceTypes: [...DASHBOARD_TYPES, ...WORKLOAD_TYPES],
  severity: 'warning',
  optionsSchema: {},
  context: 'app',
  messages: {
    missing:
      'No CloudWatch dashboard in {{environment}}, which runs {{resources}}; add one that graphs the key metrics.',
    missingTemplate:
      'No CloudWatch dashboard in this template, which runs {{resources}}; add one that graphs the key metrics.',
  },
  why:
    'During an incident the on-call engineer needs one place that shows the workload at a glance: request rates, ' +
    'errors, latency, queue depth and saturation of the components side by side, so that what changed and where is ' +
    "obvious in seconds rather than pieced together from each service console. A dashboard kept in the app's code is " +
    'reviewed and deployed with it, so it follows the workload as components are added. Each environment (each Stage, ' +
    'or each account and region for stacks outside Stages) that runs functions, containers, APIs, load balancers, ' +
    'tables, queues or streams should have one; a dashboard in any stack of that environment counts, and so does an ' +
    'Amazon Managed Grafana workspace.',
  fix: {
    cloudformation:
      'OrdersDashboard:\n  Type: AWS::CloudWatch::Dashboard\n  Properties:\n    DashboardName: !Sub "${AWS::StackName}-orders"\n' +
      '    DashboardBody: !Sub |\n      {"widgets": [{"type": "metric", "width": 12, "height": 6, "properties": {\n' +
      '        "region": "${AWS::Region}", "title": "Orders function", "stat": "Sum", "period": 60,\n' +
      '        "metrics": [["AWS/Lambda", "Invocations", "FunctionName", "${OrdersFunction}"],\n' +
      '                    [".", "Errors", ".", "."]]}}]}',
    cdk:
      'const dashboard = new cloudwatch.Dashboard(this, "OrdersDashboard");\n' +
      'dashboard.addWidgets(new cloudwatch.GraphWidget({\n' +
      '  title: "Orders function",\n  left: [fn.metricInvocations(), fn.metricErrors()],\n  right: [fn.metricDuration()],\n}));',
  },
  roles: {
    machinery: { check: false, why: 'it serves deployments; nobody watches it during an incident.' },
    'account-baseline': { check: false, why: 'an account baseline holds no workload to graph.' },
  },
  check(assembly, ctx) {
    const groups = new Map<string, Stack[]>();
    for (const stack of assembly.stacks) {
      const key = environmentKey(stack);
      const list = groups.get(key);
      if (list) list.push(stack);
      else groups.set(key, [stack]);
    }
    // an environment with a dashboard passes; one without workload resources has nothing to watch
    let judged = false;
    for (const stacks of groups.values()) {
      if (stacks.some((s) => ctx.facts.of(s).hasAny(DASHBOARD_TYPES))) {
        judged = true;
        continue;
      }
      const found: { stack: Stack; resource: Resource }[] = stacks.flatMap((stack) =>
        ctx.resources(stack, WORKLOAD_TYPES).map((resource) => ({ stack, resource })),
      );
      if (found.length === 0) continue;
      judged = true;
      const resources = listNames(found.map((f) => resourceLabel(f.resource, f.stack)));
      const first = found[0].stack;
      if (!first.declaredIn) {
        ctx.report({ stack: first, path: 'Resources', messageId: 'missingTemplate', data: { resources } });
        continue;
      }
      // the finding sits on the deployed stack that holds the first workload resource
      let target = first;
      while (target.parent !== undefined)
        target = stacks.find((s) => s.id === target.parent) ?? { ...target, parent: undefined };
      ctx.report({
        stack: target,
        messageId: 'missing',
        data: {
          environment: describe(
            target,
            stacks.filter((s) => s.parent === undefined),
          ),
          resources,
        },
      });
    }
    if (!judged) ctx.notApplicable();
  },
});

/** `Stage Prod`, `stack Orders`, or `the 3 stacks deployed to aws://111111111111/eu-west-1`. */
function describe(stack: Stack, stacks: readonly Stack[]): string {
  if (stack.stages.length > 0) return `Stage ${stack.stages.join('/')}`;
  if (stacks.length <= 1) return `stack ${stackLabel(stack)}`;
  const { account, region } = stack.environment;
  if (account === undefined && region === undefined) return `the ${stacks.length} environment-agnostic stacks`;
  return `the ${stacks.length} stacks deployed to ${formatEnvironment(stack.environment)}`;
}
