import { defineRule, kindOf } from '../../lib/rule';

/** The values CloudWatch Logs accepts for a retention policy (PutRetentionPolicy, AWS::Logs::LogGroup). */
export const ALLOWED_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const PATH = 'Properties.RetentionInDays';

export default defineRule({
  id: 'log-group-retention',
  title: 'Log groups keep their logs for a set retention period, long enough to investigate incidents',
  bestPractice: 'OPS04-BP02',
  resourceTypes: ['AWS::Logs::LogGroup', 'Custom::LogRetention'],
  severity: 'warning',
  fixable: true,
  options: {
    minRetentionDays: 14,
  },
  optionsSchema: { minRetentionDays: { type: 'integer', minimum: 1 } },
  optionDocs: {
    minRetentionDays:
      'The shortest retention, in days, that does not get a finding. Default 14: two weeks covers an incident noticed late ' +
      '(over a weekend or a holiday), its post-incident review, and a week-over-week comparison. Raise it where audits or ' +
      'monthly cycles need older logs; set it to 1 to check only that a retention is set.',
  },
  messages: {
    noRetention:
      '{{kind}} {{name}} sets no RetentionInDays, so the logs are kept forever; set a retention of at least {{min}}.',
    tooShort:
      '{{kind}} {{name}} keeps logs for {{period}}, less than the {{min}} needed to look back at an incident; raise RetentionInDays.',
    notAllowed:
      '{{kind}} {{name}} sets RetentionInDays to {{days}}, which CloudWatch Logs rejects; use one of {{allowed}}.',
  },
  why:
    'A log group without a retention policy keeps every event forever: storage grows with every invocation and ' +
    'request, and nobody decides how long the data is needed. A retention that is too short is the opposite ' +
    'problem: by the time an incident is noticed and reviewed, the logs that explain it are gone. Set the retention ' +
    "on purpose, long enough for investigation and review. CDK's `logRetention` props create a `Custom::LogRetention` " +
    'resource that sets the retention of a log group after deployment; without RetentionInDays it removes the policy, ' +
    'so it is checked the same way. Log groups of the Delivery class, which only pass logs on to S3 or Firehose, are ' +
    'not checked.',
  fix: {
    cloudformation:
      'OrdersLogs:\n  Type: AWS::Logs::LogGroup\n  Properties:\n    LogGroupName: !Sub /aws/lambda/${OrdersFunction}\n    RetentionInDays: 30   # one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653',
    cdk:
      'import * as logs from "aws-cdk-lib/aws-logs";\n\n' +
      'const logGroup = new logs.LogGroup(this, "OrdersLogs", { retention: logs.RetentionDays.ONE_MONTH });\n' +
      '// a retention set through a construct\'s own prop, e.g. ECS: ecs.LogDrivers.awsLogs({ streamPrefix: "web", logRetention: logs.RetentionDays.ONE_MONTH })',
  },
  check(resource, ctx) {
    // a Delivery-class log group only passes Lambda logs on to S3 or Firehose; CloudWatch keeps them for a day, whatever is set
    if (
      ctx.satisfies('Properties.LogGroupClass', (v) => typeof v === 'string' && v.toUpperCase() === 'DELIVERY') === true
    )
      return ctx.notApplicable();
    const kind = resource.type === 'Custom::LogRetention' ? 'Log retention setting' : 'Log group';
    const min = Number(ctx.options.minRetentionDays);
    const minDays = Number.isFinite(min) ? min : 0;
    const data = { kind, name: resource.logicalId, min: period(minDays) };
    // the fix: the shortest retention CloudWatch Logs accepts that is at least the minimum
    const fixTo = (days: number): { fix?: { path: string; value: number } } => {
      const value = ALLOWED_RETENTION_DAYS.find(
        (d) => d >= (Number.isFinite(days) ? Math.max(days, minDays) : minDays),
      );
      return value === undefined ? {} : { fix: { path: PATH, value } };
    };
    if (ctx.satisfies(PATH, (v) => v !== undefined && v !== null && v !== '') === false) {
      ctx.report({ messageId: 'noRetention', path: PATH, data, ...fixTo(minDays) });
      return;
    }
    const r = ctx.get(PATH);
    // every value the property may take; none when it cannot be known before deployment
    const values = r.known ? [r.value] : (r.alternatives ?? []);
    const days = values.map(Number);
    const invalid = days.findIndex((d) => !ALLOWED_RETENTION_DAYS.includes(d));
    if (invalid >= 0) {
      // a list or mapping written there is a mistake to look at, not a number to replace
      const fix = typeof values[invalid] === 'object' && values[invalid] !== null ? {} : fixTo(days[invalid]);
      ctx.report({
        messageId: 'notAllowed',
        path: PATH,
        data: { ...data, days: shown(values[invalid]), allowed: ALLOWED_RETENTION_DAYS.join(', ') },
        ...fix,
      });
      return;
    }
    const short = days.find((d) => d < minDays);
    if (short !== undefined)
      ctx.report({ messageId: 'tooShort', path: PATH, data: { ...data, period: period(short) }, ...fixTo(minDays) });
  },
});

/** A retention as the message shows it: a number or text as written, a list or mapping by its kind. */
function shown(value: unknown): string {
  return typeof value === 'object' && value !== null ? kindOf(value) : String(value);
}

function period(days: number): string {
  return days === 1 ? '1 day' : `${days} days`;
}
