/**
 * The finding helpers (lib/engine/finding.ts) and the report summary and scorecard built by lib/scan. Rules
 * here are small and inline (test/helpers/engine.ts).
 */
import { atOrAbove, compareFindings, type Finding } from '../lib/engine/finding';
import { defineRule, formatMessage } from '../lib/engine/rule';
import { isEmpty, isFalse, isTrue } from '../lib/semantics';
import { getReporter } from '../lib/reporters';
import { buildReport } from '../lib/scan';
import healthEventNotifications from '../rules/incident-response/health-event-notifications';
import { InputError } from '../lib/template/errors';
import { shownTwoStages, lone, twoStages, on, resourceRule, assemblyRule } from './helpers/engine';
import { yaml } from './helpers/yaml';

describe('finding helpers', () => {
  it('atOrAbove compares severities with the fail threshold', () => {
    expect(atOrAbove('error', 'error')).toBe(true);
    expect(atOrAbove('error', 'info')).toBe(true);
    expect(atOrAbove('warning', 'warning')).toBe(true);
    expect(atOrAbove('warning', 'error')).toBe(false);
    expect(atOrAbove('info', 'warning')).toBe(false);
    expect(atOrAbove('info', 'info')).toBe(true);
    expect(atOrAbove('error', 'none')).toBe(false);
  });

  it('compareFindings orders by file, line, column, rule, resource, path, then message', () => {
    const base: Finding = {
      ruleId: 'b',
      pack: 'p',
      severity: 'warning',
      message: 'm',
      bestPractice: 'OPS04-BP05',
      question: 'OPS04',
      file: 'b.yaml',
      line: 5,
      column: 5,
      resource: 'R',
      path: 'p',
      docs: 'd',
    };
    const variants: Finding[] = [
      { ...base, message: 'z' },
      { ...base, path: 'q' },
      { ...base, resource: 'S' },
      { ...base, ruleId: 'c' },
      { ...base, column: 9 },
      { ...base, line: 10, column: 1 },
      { ...base, line: 4, column: 99 },
      { ...base, file: 'a.yaml', line: 99 },
      { ...base, file: 'c.yaml', line: 1 },
      base,
    ];
    const sorted = [...variants].sort(compareFindings);
    expect(sorted).toEqual([
      { ...base, file: 'a.yaml', line: 99 },
      { ...base, line: 4, column: 99 },
      base,
      { ...base, message: 'z' },
      { ...base, path: 'q' },
      { ...base, resource: 'S' },
      { ...base, ruleId: 'c' },
      { ...base, column: 9 },
      { ...base, line: 10, column: 1 },
      { ...base, file: 'c.yaml', line: 1 },
    ]);
    expect(compareFindings(base, { ...base })).toBe(0);
    // line numbers compare as numbers, not text
    expect(compareFindings({ ...base, line: 9 }, { ...base, line: 10 })).toBeLessThan(0);
  });

  it('formatMessage fills placeholders, with or without spaces, and keeps unknown ones', () => {
    expect(formatMessage('Function {{name}} has {{ count }} alarms.', { name: 'Fn', count: 0 })).toBe(
      'Function Fn has 0 alarms.',
    );
    expect(formatMessage('{{a}}{{a}} {{b}}.', { a: 'x' })).toBe('xx {{b}}.');
    expect(formatMessage('No data.')).toBe('No data.');
    expect(formatMessage('Value {{v}}.', { v: '$& {{v}}' })).toBe('Value $& {{v}}.');
  });

  it('isTrue / isFalse accept booleans and their strings in any case; isEmpty', () => {
    expect([true, 'true', 'TRUE', 'True'].map(isTrue)).toEqual([true, true, true, true]);
    expect([false, 'false', 'yes', 1, undefined, null, 'truex'].map(isTrue)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect([false, 'false', 'FALSE'].map(isFalse)).toEqual([true, true, true]);
    expect([true, 'true', 0, '', undefined, null, 'no'].map(isFalse)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect([undefined, null, '', [], {}].map(isEmpty)).toEqual([true, true, true, true, true]);
    expect([' ', 0, false, [0], { a: undefined }, 'x'].map(isEmpty)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('buildReport', () => {
  const error = resourceRule('zeta-rule', ['AWS::SNS::Topic'], (r, ctx) =>
    ctx.report({ messageId: 'set', data: { name: r.logicalId } }),
  );
  const warning = resourceRule('alpha-rule', ['AWS::SQS::Queue'], (r, ctx) =>
    ctx.report({ messageId: 'set', data: { name: r.logicalId } }),
  );
  const info = assemblyRule('middle-rule', (_a, ctx) =>
    ctx.report({ messageId: 'app', data: { what: 'was scanned' } }),
  );
  const rules = [on(error, 'error'), on(warning, 'warning'), on(info, 'info')];

  const withLoop = (file: string, parameter: string) =>
    lone(
      yaml`
        Transform: AWS::LanguageExtensions
        Parameters:
          ${parameter}: {Type: CommaDelimitedList}
        Resources:
          Queue:
            Type: AWS::SQS::Queue
          Fn::ForEach::Topics:
            - Name
            - !Ref ${parameter}
            - Topic\${Name}:
                Type: AWS::SNS::Topic
          Topic:
            Type: AWS::SNS::Topic
      `,
      file,
    );

  it('counts findings per severity and per rule (sorted), templates, resources; sorts findings, errors and notes', () => {
    const report = buildReport([withLoop('b.yaml', 'Names'), twoStages(), withLoop('a.yaml', 'Others')], rules, [
      new InputError('invalid YAML: x', 'z.yaml', { line: 5, column: 1 }),
      new InputError('cannot read file: permission denied', 'y.yaml'),
      new InputError('duplicate key', 'z.yaml', { line: 2, column: 3 }),
    ]);
    expect(report.summary).toEqual({
      templates: 4,
      resources: 2 + 1 + 1 + 2,
      findings: { error: 4, warning: 2, info: 3, total: 9 },
      rules: { 'alpha-rule': 2, 'middle-rule': 3, 'zeta-rule': 4 },
      errors: 3,
      notes: [
        {
          file: 'a.yaml',
          line: 7,
          column: 3,
          message: 'the collection of Fn::ForEach::Topics is unknown: parameter Others has no default value',
        },
        {
          file: 'b.yaml',
          line: 7,
          column: 3,
          message: 'the collection of Fn::ForEach::Topics is unknown: parameter Names has no default value',
        },
      ],
      scorecard: expect.any(Object),
      files: [
        'a.yaml',
        'b.yaml',
        shownTwoStages('assembly-Dev', 'DevOrders83D4F3FB.template.json'),
        shownTwoStages('assembly-Prod', 'ProdOrders525171E2.template.json'),
      ],
      suppressed: 0,
    });
    expect(Object.keys(report.summary.rules)).toEqual(['alpha-rule', 'middle-rule', 'zeta-rule']);
    expect(report.errors).toEqual([
      { file: 'y.yaml', message: 'cannot read file: permission denied' },
      { file: 'z.yaml', line: 2, column: 3, message: 'duplicate key' },
      { file: 'z.yaml', line: 5, column: 1, message: 'invalid YAML: x' },
    ]);
    expect(report.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`)).toEqual([
      'a.yaml:1 middle-rule',
      'a.yaml:5 alpha-rule',
      'a.yaml:12 zeta-rule',
      'b.yaml:1 middle-rule',
      'b.yaml:5 alpha-rule',
      'b.yaml:12 zeta-rule',
      `${shownTwoStages('assembly-Dev', 'DevOrders83D4F3FB.template.json')}:3 zeta-rule`,
      `${shownTwoStages('assembly-Prod', 'ProdOrders525171E2.template.json')}:3 zeta-rule`,
      `${shownTwoStages('manifest.json')}:1 middle-rule`,
    ]);
    expect([...report.findings].sort(compareFindings)).toEqual(report.findings);
  });

  it('gives an empty summary for nothing scanned', () => {
    expect(buildReport([], rules)).toEqual({
      findings: [],
      errors: [],
      summary: {
        templates: 0,
        resources: 0,
        findings: { error: 0, warning: 0, info: 0, total: 0 },
        rules: {},
        errors: 0,
        notes: [],
        scorecard: expect.any(Object),
        files: [],
        suppressed: 0,
      },
    });
  });
});

describe('the scorecard', () => {
  const tracing = resourceRule('tracing', ['AWS::Lambda::Function'], (r, ctx) => {
    if (ctx.satisfies('Properties.TracingConfig.Mode', (m) => m === 'Active') === false)
      ctx.report({ messageId: 'set', data: { name: r.logicalId } });
  });
  const trail = defineRule({
    ...assemblyRule('trail', (_a, ctx) => ctx.report({ messageId: 'app', data: { what: 'untrailed' } })),
    bestPractice: 'OPS04-BP02',
    context: 'account' as const,
  });
  const template = (file: string) =>
    lone(
      yaml`
        Resources:
          Traced:
            Type: AWS::Lambda::Function
            Properties: {TracingConfig: {Mode: Active}}
          Untraced:
            Type: AWS::Lambda::Function
          AlsoUntraced:
            Type: AWS::Lambda::Function
            Properties: {TracingConfig: {Mode: PassThrough}}
      `,
      file,
    );

  it('lists all 11 questions and their best practices, counting the resources each checked one evaluated, passed and failed', () => {
    const report = buildReport([template('a.yaml'), template('b.yaml')], [on(tracing), on(trail)]);
    const questions = report.summary.scorecard.questions;
    expect(questions.map((q) => q.id)).toEqual([
      'OPS01',
      'OPS02',
      'OPS03',
      'OPS04',
      'OPS05',
      'OPS06',
      'OPS07',
      'OPS08',
      'OPS09',
      'OPS10',
      'OPS11',
    ]);
    const bps = questions.flatMap((q) => q.bestPractices);
    expect(bps).toHaveLength(68);
    expect(bps.find((bp) => bp.id === 'OPS04-BP05')).toEqual({
      id: 'OPS04-BP05',
      title: 'Implement distributed tracing',
      url: 'https://docs.aws.amazon.com/wellarchitected/latest/operational-excellence-pillar/ops_observability_dist_trace.html',
      checkable: true,
      rules: ['tracing'],
      resources: 6,
      passed: 2,
      failed: 4,
      suppressed: 0,
      needsContext: 0,
    });
    // the app-level rule needs the account baseline it did not get: evaluated, but neither passed nor failed
    expect(bps.find((bp) => bp.id === 'OPS04-BP02')).toMatchObject({
      rules: ['trail'],
      resources: 2,
      passed: 0,
      failed: 0,
      needsContext: 2,
    });
    expect(bps.find((bp) => bp.id === 'OPS01-BP01')).toMatchObject({
      checkable: false,
      rules: [],
      resources: 0,
      url: expect.stringContaining('ops_priorities_ext_cust_needs'),
    });
  });

  it('counts an account-context rule as failed where the account baseline is marked', () => {
    const report = buildReport([template('a.yaml')], [on(trail)], [], { accountBaseline: () => true });
    const trailBp = report.summary.scorecard.questions
      .flatMap((q) => q.bestPractices)
      .find((bp) => bp.id === 'OPS04-BP02');
    expect(trailBp).toMatchObject({ rules: ['trail'], resources: 1, passed: 0, failed: 1, needsContext: 0 });
    expect(report.findings.map((f) => f.severity)).toEqual(['warning']);
  });

  it('shows a best practice whose rules judged nothing (not applicable) as nothing to check, not as passed', () => {
    // an app without alarms notifies nobody: it has no customer communication of service events to check
    const report = buildReport([template('a.yaml')], [on(healthEventNotifications), on(tracing)]);
    const bps = report.summary.scorecard.questions.flatMap((q) => q.bestPractices);
    expect(bps.find((bp) => bp.id === 'OPS10-BP05')).toMatchObject({
      checkable: true,
      rules: ['health-event-notifications'],
      resources: 0,
      passed: 0,
    });
    const lines = getReporter('text')!(report, { color: false, scorecard: true }).split('\n');
    expect(lines.find((l) => l.startsWith('  OPS10-BP05'))).toMatch(/ {2}nothing to check in this scan$/);
    expect(lines.find((l) => l.startsWith('  OPS04-BP05'))).toMatch(/ {2}3 checked: 1 passed, 2 failed$/);
  });
});
