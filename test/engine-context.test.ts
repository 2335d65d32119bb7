/**
 * The rule context (lib/engine/runner.ts): ctx.report, ctx.satisfies, ctx.memo and ctx.referrers. Rules here are
 * small and inline (test/helpers/engine.ts).
 */
import { singleTemplateAssembly } from '../lib/assembly/model';
import type { Finding } from '../lib/engine/finding';
import { defineRule, type ResourceContext, type ResourceRule, type RuleOptions, ruleDocsUrl } from '../lib/engine/rule';
import { shownTwoStages, META, load, lone, twoStages, run, resourceRule, SAMPLE } from './helpers/engine';
import { yaml } from './helpers/yaml';

describe('ctx.report', () => {
  const reportAt = (id: string, p?: string | (string | number)[]) =>
    resourceRule(`at-${id}`, ['AWS::Lambda::Function', 'AWS::SNS::Topic'], (r, ctx) => {
      if (r.logicalId === id) ctx.report({ messageId: 'set', data: { name: r.logicalId }, path: p });
    });
  const one = (id: string, p?: string | (string | number)[]): Finding => {
    const findings = run(lone(SAMPLE), reportAt(id, p));
    expect(findings).toHaveLength(1);
    return findings[0];
  };

  it('locates a path relative to the resource at the property', () => {
    const f = one('Fn', 'Properties.TracingConfig.Mode');
    expect(f).toMatchObject({
      resource: 'Fn',
      path: 'Resources.Fn.Properties.TracingConfig.Mode',
      line: 7,
      column: 9,
      file: 'template.yaml',
    });
  });

  it('accepts an array path', () => {
    const f = one('Fn', ['Properties', 'Runtime']);
    expect(f).toMatchObject({ path: 'Resources.Fn.Properties.Runtime', line: 5, column: 7 });
  });

  it('locates a missing property at its deepest existing parent, keeping the full path', () => {
    expect(one('Fn', 'Properties.TracingConfig.Other')).toMatchObject({
      path: 'Resources.Fn.Properties.TracingConfig.Other',
      line: 6,
      column: 7,
    });
    expect(one('Fn', 'Properties.Environment.Variables')).toMatchObject({
      path: 'Resources.Fn.Properties.Environment.Variables',
      line: 4,
      column: 5,
    });
    // a resource with no Properties at all: at its logical id
    expect(one('Topic', 'Properties.TopicName')).toMatchObject({
      path: 'Resources.Topic.Properties.TopicName',
      line: 8,
      column: 3,
    });
  });

  it('locates a report without a path at the logical id', () => {
    expect(one('Fn')).toMatchObject({ path: 'Resources.Fn', line: 2, column: 3, resource: 'Fn' });
  });

  it('fills {{name}} placeholders from data, numbers included, and leaves unknown ones', () => {
    const rule = resourceRule(
      'data',
      ['AWS::SQS::Queue'],
      (r, ctx) => ctx.report({ messageId: 'm', data: { name: r.logicalId, count: 3 } }),
      { m: 'Queue {{ name }} has {{count}} issues in {{missing}}.' },
    );
    expect(run(lone(SAMPLE), rule).map((f) => f.message)).toEqual(['Queue Queue has 3 issues in {{missing}}.']);
  });

  it('accepts a literal message, with data', () => {
    const rule = resourceRule('literal', ['AWS::SQS::Queue'], (r, ctx) =>
      ctx.report({ message: 'Queue {{name}} is plain.', data: { name: r.logicalId } }),
    );
    expect(run(lone(SAMPLE), rule)).toEqual([
      {
        ruleId: 'literal',
        pack: '',
        severity: 'warning',
        message: 'Queue Queue is plain.',
        bestPractice: 'OPS04-BP05',
        question: 'OPS04',
        file: 'template.yaml',
        line: 10,
        column: 3,
        resource: 'Queue',
        path: 'Resources.Queue',
        docs: ruleDocsUrl({ id: 'literal' }),
      },
    ]);
  });

  it('uses the question of the best practice, or its prefix when the id is unknown', () => {
    const rule = defineRule({
      ...META,
      bestPractice: 'OPS99-BP01',
      id: 'odd',
      resourceTypes: ['AWS::SQS::Queue'],
      messages: { m: 'M.' },
      check: (_r, ctx) => ctx.report({ messageId: 'm' }),
    });
    expect(run(lone(SAMPLE), rule)[0]).toMatchObject({ bestPractice: 'OPS99-BP01', question: 'OPS99' });
  });
});

describe('the helpers of ctx', () => {
  it('serve the resource being checked when a check takes them apart, one rule after another', () => {
    const seen: string[] = [];
    const names = (id: string) =>
      resourceRule(id, ['AWS::SNS::Topic', 'AWS::Lambda::Function'], (r, { get, satisfies, report, resource }) => {
        const name = get('Properties.TopicName');
        seen.push(`${id} ${resource.logicalId} ${r.logicalId} ${name.known ? String(name.value) : '?'}`);
        if (satisfies('Properties.TopicName', (v) => v === undefined)) report({ message: 'unnamed', path: [] });
      });
    const findings = run(
      lone(yaml`
        Resources:
          Named:
            Type: AWS::SNS::Topic
            Properties:
              TopicName: alerts
          Fn:
            Type: AWS::Lambda::Function
          Unnamed:
            Type: AWS::SNS::Topic
      `),
      names('first'),
      names('second'),
    );
    expect(seen).toEqual([
      'first Named Named alerts',
      'first Unnamed Unnamed undefined',
      'first Fn Fn undefined',
      'second Named Named alerts',
      'second Unnamed Unnamed undefined',
      'second Fn Fn undefined',
    ]);
    expect(findings.map((f) => `${f.ruleId} ${f.resource}`).sort()).toEqual([
      'first Fn',
      'first Unnamed',
      'second Fn',
      'second Unnamed',
    ]);
  });
});

describe('ctx.satisfies', () => {
  const template = yaml`
    Parameters:
      Env: {Type: String}
      Mode: {Type: String}
      KnownMode: {Type: String, Default: Active}
    Conditions:
      IsProd: !Equals [!Ref Env, prod]
      Always: !Equals [a, a]
    Resources:
      Known:
        Type: AWS::Lambda::Function
        Properties: {TracingConfig: {Mode: Active}}
      Failing:
        Type: AWS::Lambda::Function
        Properties: {TracingConfig: {Mode: PassThrough}}
      Missing:
        Type: AWS::Lambda::Function
      FromDefault:
        Type: AWS::Lambda::Function
        Properties: {TracingConfig: {Mode: !Ref KnownMode}}
      FromParameter:
        Type: AWS::Lambda::Function
        Properties: {TracingConfig: {Mode: !Ref Mode}}
      FromAttribute:
        Type: AWS::Lambda::Function
        Properties: {TracingConfig: {Mode: !GetAtt Known.Arn}}
      IfBothPass:
        Type: AWS::Lambda::Function
        Properties: {TracingConfig: {Mode: !If [IsProd, Active, ACTIVE]}}
      IfOneFails:
        Type: AWS::Lambda::Function
        Properties: {TracingConfig: {Mode: !If [IsProd, Active, PassThrough]}}
      IfWholeBlock:
        Type: AWS::Lambda::Function
        Properties:
          TracingConfig: !If [IsProd, {Mode: Active}, !Ref AWS::NoValue]
      IfUnknownBranch:
        Type: AWS::Lambda::Function
        Properties: {TracingConfig: {Mode: !If [IsProd, !Ref Mode, PassThrough]}}
      IfKnownCondition:
        Type: AWS::Lambda::Function
        Properties: {TracingConfig: {Mode: !If [Always, Active, PassThrough]}}
  `;

  function verdicts(parameters?: Record<string, string>): Record<string, boolean | undefined> {
    const out: Record<string, boolean | undefined> = {};
    const rule = resourceRule('traced', ['AWS::Lambda::Function'], (r, ctx) => {
      out[r.logicalId] = ctx.satisfies(
        'Properties.TracingConfig.Mode',
        (v) => typeof v === 'string' && v.toLowerCase() === 'active',
      );
    });
    run(singleTemplateAssembly(load(template, 'template.yaml', parameters)), rule);
    return out;
  }

  it('is true for a known passing value, false for a failing or missing one, undefined for an unknown one', () => {
    expect(verdicts()).toMatchObject({
      Known: true,
      Failing: false,
      Missing: false,
      FromDefault: true,
      FromParameter: undefined,
      FromAttribute: undefined,
    });
  });

  it('with an unknown condition: true when every branch passes, false when a known branch fails and all are known, else undefined', () => {
    expect(verdicts()).toMatchObject({
      IfBothPass: true,
      IfOneFails: false,
      IfWholeBlock: false,
      IfUnknownBranch: undefined,
      IfKnownCondition: true,
    });
  });

  it('follows the branch of a condition that becomes known through parameters', () => {
    const v = verdicts({ Env: 'dev', Mode: 'Active' });
    expect(v).toMatchObject({ IfOneFails: false, IfWholeBlock: false, IfUnknownBranch: false, FromParameter: true });
    expect(verdicts({ Env: 'prod', Mode: 'Active' })).toMatchObject({
      IfOneFails: true,
      IfWholeBlock: true,
      IfUnknownBranch: true,
    });
  });
});

describe('ctx.memo', () => {
  const twoTopics = yaml`
    Resources:
      A: {Type: AWS::SNS::Topic}
      B: {Type: AWS::SNS::Topic}
      Q: {Type: AWS::SQS::Queue}
  `;

  function memoRule(id: string, counter: { n: number }, values: unknown[]): ResourceRule {
    return resourceRule(id, ['AWS::SNS::Topic', 'AWS::SQS::Queue'], (_r, ctx) => {
      values.push(
        ctx.memo('index', () => {
          counter.n++;
          return { resources: ctx.template.resources.size, file: ctx.template.file };
        }),
      );
    });
  }

  it('computes once per template and rule, and returns the same value to every resource', () => {
    const counter = { n: 0 };
    const values: unknown[] = [];
    run(lone(twoTopics), memoRule('memo', counter, values));
    expect(counter.n).toBe(1);
    expect(values).toHaveLength(3);
    expect(values[1]).toBe(values[0]);
    expect(values[2]).toBe(values[0]);
    expect(values[0]).toEqual({ resources: 3, file: 'template.yaml' });
  });

  it('keeps separate values for different keys, different rules and different templates', () => {
    const counter = { n: 0 };
    const rule = resourceRule('keys', ['AWS::SNS::Topic'], (_r, ctx) => {
      ctx.memo('one', () => counter.n++);
      ctx.memo('two', () => counter.n++);
    });
    run(lone(twoTopics), rule);
    expect(counter.n).toBe(2);

    const c1 = { n: 0 };
    const c2 = { n: 0 };
    run(lone(twoTopics), memoRule('first', c1, []), memoRule('second', c2, []));
    expect([c1.n, c2.n]).toEqual([1, 1]);

    // each stack of a cloud assembly is its own template
    const c3 = { n: 0 };
    const values: unknown[] = [];
    run(twoStages(), memoRule('stacks', c3, values));
    expect(c3.n).toBe(2);
    expect(values.map((v) => (v as { file: string }).file)).toEqual([
      shownTwoStages('assembly-Dev', 'DevOrders83D4F3FB.template.json'),
      shownTwoStages('assembly-Prod', 'ProdOrders525171E2.template.json'),
    ]);
  });
});

describe('ctx.referrers', () => {
  const template = yaml`
    Resources:
      Fn:
        Type: AWS::Lambda::Function
        Properties:
          Role: !GetAtt Role.Arn
      Role:
        Type: AWS::IAM::Role
      Errors:
        Type: AWS::CloudWatch::Alarm
        Properties:
          Dimensions:
            - Name: FunctionName
              Value: !Ref Fn
          AlarmDescription: !Sub 'errors of \${Fn}'
      Queue:
        Type: AWS::SQS::Queue
        Properties:
          QueueName: !Ref Fn
      Throttles:
        Type: AWS::CloudWatch::Alarm
        DependsOn: [Role, Fn]
      Unrelated:
        Type: AWS::CloudWatch::Alarm
  `;

  function referrersOf(id: string, types?: readonly string[]) {
    let result: ReturnType<ResourceContext<RuleOptions>['referrers']> = [];
    const rule = resourceRule(
      'refs',
      ['AWS::Lambda::Function', 'AWS::IAM::Role', 'AWS::CloudWatch::Alarm'],
      (r, ctx) => {
        if (r.logicalId === id) result = ctx.referrers(types);
      },
    );
    run(lone(template), rule);
    return result.map(({ resource, references }) => ({
      from: resource.logicalId,
      refs: references.map((ref) => `${ref.kind}${ref.attribute ? `.${ref.attribute}` : ''} ${ref.path.join('/')}`),
    }));
  }

  it('groups the references to a resource by referring resource, in template order', () => {
    expect(referrersOf('Fn')).toEqual([
      { from: 'Errors', refs: ['Ref Properties/Dimensions/0/Value', 'Sub Properties/AlarmDescription'] },
      { from: 'Queue', refs: ['Ref Properties/QueueName'] },
      { from: 'Throttles', refs: ['DependsOn DependsOn/1'] },
    ]);
  });

  it('keeps only referrers of the given types', () => {
    expect(referrersOf('Fn', ['AWS::CloudWatch::Alarm'])).toEqual([
      { from: 'Errors', refs: ['Ref Properties/Dimensions/0/Value', 'Sub Properties/AlarmDescription'] },
      { from: 'Throttles', refs: ['DependsOn DependsOn/1'] },
    ]);
    expect(referrersOf('Fn', ['AWS::SQS::Queue']).map((r) => r.from)).toEqual(['Queue']);
    expect(referrersOf('Fn', [])).toEqual([]);
  });

  it('gives attributes, and nothing for a resource nobody refers to', () => {
    expect(referrersOf('Role')).toEqual([
      { from: 'Fn', refs: ['GetAtt.Arn Properties/Role'] },
      { from: 'Throttles', refs: ['DependsOn DependsOn/0'] },
    ]);
    expect(referrersOf('Unrelated')).toEqual([]);
  });
});
