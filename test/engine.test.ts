/**
 * The engine (lib/engine/*): how rules are called, what a throwing rule becomes, where reports are
 * located, the rule context (satisfies, memo, referrers), assembly rules, rule configuration, the finding
 * helpers, and the report summary built by lib/scan. Rules here are small and inline.
 */
import * as path from 'node:path';
import { readCloudAssembly } from '../lib/assembly/read';
import { singleTemplateAssembly, type Assembly, type Stack } from '../lib/assembly/model';
import { regionAssembly } from '../lib/sources/deployed';
import { configureRules, type RuleSelection } from '../lib/engine/config';
import { UsageError } from '../lib/errors';
import { atOrAbove, compareFindings, INTERNAL_ERROR, type Finding } from '../lib/engine/finding';
import {
  defineRule,
  definePack,
  formatMessage,
  type AssemblyContext,
  type AssemblyRule,
  type Pack,
  type ResourceContext,
  type ResourceRule,
  type Rule,
  type RuleOptions,
  ruleDocsUrl,
} from '../lib/engine/rule';
import { runRules, type ConfiguredRule } from '../lib/engine/runner';
import { isEmpty, isFalse, isTrue } from '../lib/semantics';
import { buildReport, toDisplayPath } from '../lib/scan';
import { InputError } from '../lib/template/errors';
import { templateFromText } from '../lib/template/load';
import type { Resource, Template } from '../lib/template/model';
import { FIXTURES } from './helpers/fixtures';
import { yaml } from './helpers/yaml';

const ROOT = path.resolve(__dirname, '..');
const TWO_STAGES = path.join(FIXTURES, 'environments', 'multiple-environments', 'pass-two-stages');
const shownTwoStages = (...parts: string[]): string => ['fixtures', 'environments', 'multiple-environments', 'pass-two-stages', ...parts].join('/');

const META = {
  title: 'Something is set',
  bestPractice: 'OPS04-BP05',
  severity: 'warning' as const,
  why: 'A test rule.',
  fix: { cloudformation: 'Set it.', cdk: 'Set it.' },
};

function load(text: string, file = 'template.yaml', parameters?: Record<string, string>): Template {
  const template = templateFromText(text, file, { explicit: true, parameters });
  if (!template) throw new Error('not a template');
  return template;
}

function lone(text: string, file = 'template.yaml'): Assembly {
  return singleTemplateAssembly(load(text, file));
}

function twoStages(): Assembly {
  const { assembly, errors } = readCloudAssembly(TWO_STAGES, {}, (p) => toDisplayPath(p, ROOT));
  expect(errors).toEqual([]);
  return assembly;
}

function on(rule: Rule, severity = rule.severity, options: RuleOptions = rule.options ?? {}): ConfiguredRule {
  return { rule, severity, options };
}

function run(assembly: Assembly, ...rules: Rule[]): Finding[] {
  return runRules(assembly, rules.map((r) => on(r)));
}

/** A resource rule with the shared metadata. */
function resourceRule(
  id: string,
  resourceTypes: readonly string[],
  check: (resource: Resource, ctx: ResourceContext<RuleOptions>) => void,
  messages: Record<string, string> = { set: 'Resource {{name}} does not set it.' },
): ResourceRule {
  return defineRule({ ...META, id, resourceTypes, messages, check });
}

function assemblyRule(id: string, check: (assembly: Assembly, ctx: AssemblyContext<RuleOptions>) => void): AssemblyRule {
  return defineRule({ ...META, id, scope: 'assembly', messages: { app: 'The app {{what}}.' }, check });
}

const SAMPLE = yaml`
  Resources:
    Fn:
      Type: AWS::Lambda::Function
      Properties:
        Runtime: nodejs20.x
        TracingConfig:
          Mode: PassThrough
    Topic:
      Type: AWS::SNS::Topic
    Queue:
      Type: AWS::SQS::Queue
    Other:
      Type: AWS::SNS::Topic
      Properties:
        TopicName: other
`;

describe('runRules: which rules are called for what', () => {
  it('calls a resource rule only for its resource types, once per resource, even when a type is listed twice', () => {
    const calls: string[] = [];
    const rule = resourceRule('topics-and-queues', ['AWS::SNS::Topic', 'AWS::SQS::Queue', 'AWS::SNS::Topic'], (r) => {
      calls.push(`${r.type} ${r.logicalId}`);
    });
    expect(run(lone(SAMPLE), rule)).toEqual([]);
    expect(calls.sort()).toEqual(['AWS::SNS::Topic Other', 'AWS::SNS::Topic Topic', 'AWS::SQS::Queue Queue']);
  });

  it('does not call a rule whose types are absent', () => {
    const check = jest.fn();
    run(lone(SAMPLE), resourceRule('buckets', ['AWS::S3::Bucket'], check));
    expect(check).not.toHaveBeenCalled();
  });

  it('gives the rule a context about the resource: options, template, stack, get, resolve', () => {
    const template = load(yaml`
      Parameters:
        Mode: {Type: String, Default: Active}
      Resources:
        Fn:
          Type: AWS::Lambda::Function
          Properties:
            TracingConfig: {Mode: !Ref Mode}
    `);
    const assembly = singleTemplateAssembly(template);
    const seen: unknown[] = [];
    const rule = resourceRule('ctx', ['AWS::Lambda::Function'], (r, ctx) => {
      seen.push(ctx.options, ctx.template === template, ctx.stack === assembly.stacks[0], ctx.resource === r, ctx.graph === template.graph);
      seen.push(ctx.get('Properties.TracingConfig.Mode'), ctx.get(['Properties', 'Nothing']), ctx.resolve({ Ref: 'Mode' }));
    });
    runRules(assembly, [on(rule, 'info', { limit: 3 })]);
    expect(seen).toEqual([{ limit: 3 }, true, true, true, true, { known: true, value: 'Active' }, { known: true, value: undefined }, { known: true, value: 'Active' }]);
  });

  it('calls an assembly rule once per assembly, after the resource rules, whatever the number of stacks', () => {
    const order: string[] = [];
    const appRule = assemblyRule('app', (a) => order.push(`app ${a.stacks.length}`));
    const topicRule = resourceRule('topic', ['AWS::SNS::Topic'], (r) => order.push(`topic ${r.logicalId}`));
    runRules(twoStages(), [on(appRule), on(topicRule)]);
    expect(order).toEqual(['topic Alerts91F83244', 'topic Alerts91F83244', 'app 2']);
    order.length = 0;
    runRules(lone(SAMPLE), [on(appRule)]);
    expect(order).toEqual(['app 1']);
  });

  it('uses the configured severity, not the rule default', () => {
    const rule = resourceRule('sev', ['AWS::SQS::Queue'], (r, ctx) => ctx.report({ messageId: 'set', data: { name: r.logicalId } }));
    const findings = runRules(lone(SAMPLE), [on(rule, 'error')]);
    expect(findings.map((f) => f.severity)).toEqual(['error']);
  });
});

describe('runRules: a rule that throws', () => {
  it('becomes an internal-error finding naming the rule and the resource, and the other resources and rules still run', () => {
    const boom = resourceRule('boom', ['AWS::SNS::Topic'], (r, ctx) => {
      if (r.logicalId === 'Topic') throw new Error('cannot read property x of undefined');
      ctx.report({ messageId: 'set', data: { name: r.logicalId } });
    });
    const other = resourceRule('other', ['AWS::SQS::Queue'], (r, ctx) => ctx.report({ messageId: 'set', data: { name: r.logicalId } }));
    const findings = run(lone(SAMPLE), boom, other);
    expect(findings).toEqual([
      {
        ruleId: INTERNAL_ERROR,
        pack: '',
        severity: 'error',
        message: 'Rule boom failed on resource Topic: cannot read property x of undefined.',
        bestPractice: 'OPS04-BP05',
        question: 'OPS04',
        file: 'template.yaml',
        line: 8,
        column: 3,
        resource: 'Topic',
        path: 'Resources.Topic',
        // the page of the rule that failed
        docs: ruleDocsUrl({ id: 'boom' }),
      },
      expect.objectContaining({ ruleId: 'boom', resource: 'Other', message: 'Resource Other does not set it.' }),
      expect.objectContaining({ ruleId: 'other', resource: 'Queue', severity: 'warning' }),
    ]);
  });

  it('is an error whatever severity the rule is configured with, and keeps a message that already ends with a period', () => {
    const boom = resourceRule('boom', ['AWS::SQS::Queue'], () => {
      throw new Error('Bad input.');
    });
    const [f] = runRules(lone(SAMPLE), [on(boom, 'info')]);
    expect(f).toMatchObject({ ruleId: INTERNAL_ERROR, severity: 'error', message: 'Rule boom failed on resource Queue: Bad input.' });
  });

  it('reports a thrown value that is not an Error', () => {
    const boom = resourceRule('boom', ['AWS::SQS::Queue'], () => {
      throw 'nope';
    });
    expect(run(lone(SAMPLE), boom).map((f) => f.message)).toEqual(['Rule boom failed on resource Queue: nope.']);
  });

  it('reporting an unknown message id is an internal error too', () => {
    const typo = resourceRule('typo', ['AWS::SQS::Queue'], (r, ctx) => ctx.report({ messageId: 'sett', data: { name: r.logicalId } }));
    expect(run(lone(SAMPLE), typo)).toEqual([
      expect.objectContaining({
        ruleId: INTERNAL_ERROR,
        pack: '',
        severity: 'error',
        message: 'Rule typo failed on resource Queue: rule typo reported unknown message id "sett".',
        resource: 'Queue',
        path: 'Resources.Queue',
        line: 10,
        column: 3,
      }),
    ]);
  });

  it('a throwing assembly rule becomes an internal error at line 1 of the assembly, and the other rules still run', () => {
    const boom = assemblyRule('app-boom', () => {
      throw new Error('no stacks');
    });
    const typo = assemblyRule('app-typo', (_a, ctx) => ctx.report({ messageId: 'nope' }));
    const fine = assemblyRule('app-fine', (_a, ctx) => ctx.report({ messageId: 'app', data: { what: 'is fine' } }));
    const findings = run(lone(SAMPLE), boom, typo, fine);
    expect(findings).toEqual([
      {
        ruleId: INTERNAL_ERROR,
        pack: '',
        severity: 'error',
        message: 'Rule app-boom failed: no stacks.',
        bestPractice: 'OPS04-BP05',
        question: 'OPS04',
        file: 'template.yaml',
        line: 1,
        column: 1,
        resource: '',
        path: '',
        docs: ruleDocsUrl({ id: 'app-boom' }),
      },
      expect.objectContaining({ ruleId: INTERNAL_ERROR, message: 'Rule app-typo failed: rule app-typo reported unknown message id "nope".' }),
      expect.objectContaining({ ruleId: 'app-fine', message: 'The app is fine.' }),
    ]);
    // in a cloud assembly: line 1 of the top manifest
    const [f] = run(twoStages(), boom);
    expect(f).toMatchObject({ ruleId: INTERNAL_ERROR, file: shownTwoStages('manifest.json'), line: 1, column: 1 });
  });
});

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
    expect(f).toMatchObject({ resource: 'Fn', path: 'Resources.Fn.Properties.TracingConfig.Mode', line: 7, column: 9, file: 'template.yaml' });
  });

  it('accepts an array path', () => {
    const f = one('Fn', ['Properties', 'Runtime']);
    expect(f).toMatchObject({ path: 'Resources.Fn.Properties.Runtime', line: 5, column: 7 });
  });

  it('locates a missing property at its deepest existing parent, keeping the full path', () => {
    expect(one('Fn', 'Properties.TracingConfig.Other')).toMatchObject({ path: 'Resources.Fn.Properties.TracingConfig.Other', line: 6, column: 7 });
    expect(one('Fn', 'Properties.Environment.Variables')).toMatchObject({ path: 'Resources.Fn.Properties.Environment.Variables', line: 4, column: 5 });
    // a resource with no Properties at all: at its logical id
    expect(one('Topic', 'Properties.TopicName')).toMatchObject({ path: 'Resources.Topic.Properties.TopicName', line: 8, column: 3 });
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
    const rule = resourceRule('literal', ['AWS::SQS::Queue'], (r, ctx) => ctx.report({ message: 'Queue {{name}} is plain.', data: { name: r.logicalId } }));
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
    const rule = defineRule({ ...META, bestPractice: 'OPS99-BP01', id: 'odd', resourceTypes: ['AWS::SQS::Queue'], messages: { m: 'M.' }, check: (_r, ctx) => ctx.report({ messageId: 'm' }) });
    expect(run(lone(SAMPLE), rule)[0]).toMatchObject({ bestPractice: 'OPS99-BP01', question: 'OPS99' });
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
      out[r.logicalId] = ctx.satisfies('Properties.TracingConfig.Mode', (v) => typeof v === 'string' && v.toLowerCase() === 'active');
    });
    run(singleTemplateAssembly(load(template, 'template.yaml', parameters)), rule);
    return out;
  }

  it('is true for a known passing value, false for a failing or missing one, undefined for an unknown one', () => {
    expect(verdicts()).toMatchObject({ Known: true, Failing: false, Missing: false, FromDefault: true, FromParameter: undefined, FromAttribute: undefined });
  });

  it('with an unknown condition: true when every branch passes, false when a known branch fails and all are known, else undefined', () => {
    expect(verdicts()).toMatchObject({ IfBothPass: true, IfOneFails: false, IfWholeBlock: false, IfUnknownBranch: undefined, IfKnownCondition: true });
  });

  it('follows the branch of a condition that becomes known through parameters', () => {
    const v = verdicts({ Env: 'dev', Mode: 'Active' });
    expect(v).toMatchObject({ IfOneFails: false, IfWholeBlock: false, IfUnknownBranch: false, FromParameter: true });
    expect(verdicts({ Env: 'prod', Mode: 'Active' })).toMatchObject({ IfOneFails: true, IfWholeBlock: true, IfUnknownBranch: true });
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
    const rule = resourceRule('refs', ['AWS::Lambda::Function', 'AWS::IAM::Role', 'AWS::CloudWatch::Alarm'], (r, ctx) => {
      if (r.logicalId === id) result = ctx.referrers(types);
    });
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

describe('assembly rules over many stacks', () => {
  it('read every stack of a large app (5,000 stacks), with what each value rests on', () => {
    const stacks: Stack[] = Array.from({ length: 5000 }, (_, i) => {
      const template = templateFromText(`Parameters: {Retention: {Type: Number, Default: 3}}\nResources: {Logs${i}: {Type: AWS::Logs::LogGroup, Properties: {RetentionInDays: !Ref Retention}}}\n`, `s${i}.yaml`, { explicit: true })!;
      return { id: `S${i}`, environment: {}, stages: [], tags: {}, template };
    });
    const rule = assemblyRule('app', (a, ctx) => {
      const short = a.stacks.filter((st) => {
        const r = st.template.valueAt(st.template.resources.get(`Logs${st.id.slice(1)}`)!, 'Properties.RetentionInDays');
        return r.known && r.value === 3;
      });
      ctx.report({ messageId: 'app', data: { what: `keeps logs 3 days in ${short.length} stacks` }, stack: short[4999] });
    });
    const findings = run(regionAssembly('eu-west-1', stacks), rule);
    expect(findings.map((f) => [f.ruleId, f.message.split('.')[0], f.assumptions])).toEqual([
      ['app', 'The app keeps logs 3 days in 5000 stacks', [{ parameter: 'Retention', value: '3' }]],
    ]);
  });
});

describe('assembly rule reports', () => {
  const stackById = (a: Assembly, id: string): Stack => {
    const s = a.stacks.find((x) => x.id === id);
    if (!s) throw new Error(`no stack ${id}`);
    return s;
  };

  function reportWith(assembly: Assembly, make: (a: Assembly) => Parameters<AssemblyContext<RuleOptions>['report']>[0]): Finding {
    const rule = assemblyRule('app', (a, ctx) => ctx.report({ messageId: 'app', data: { what: 'is odd' }, ...make(a) }));
    const findings = run(assembly, rule);
    expect(findings).toHaveLength(1);
    return findings[0];
  }

  it('with a stack and a resource: in the stack template, at the resource path, with stack and construct path', () => {
    const f = reportWith(twoStages(), (a) => {
      const stack = stackById(a, 'DevOrders83D4F3FB');
      return { stack, resource: stack.template.resources.get('Alerts91F83244'), path: 'Properties.TopicName' };
    });
    expect(f).toEqual({
      ruleId: 'app',
      pack: '',
      severity: 'warning',
      message: 'The app is odd.',
      bestPractice: 'OPS04-BP05',
      question: 'OPS04',
      file: shownTwoStages('assembly-Dev', 'DevOrders83D4F3FB.template.json'),
      line: 3,
      column: 3,
      resource: 'Alerts91F83244',
      path: 'Resources.Alerts91F83244.Properties.TopicName',
      docs: ruleDocsUrl({ id: 'app' }),
      stack: 'Dev-Orders',
      environment: 'aws://111111111111/eu-west-1',
      constructPath: 'Dev/Orders/Alerts/Resource',
    });
    const existing = reportWith(twoStages(), (a) => {
      const stack = stackById(a, 'ProdOrders525171E2');
      return { stack, resource: stack.template.resources.get('Alerts91F83244'), path: 'Metadata' };
    });
    expect(existing).toMatchObject({ file: shownTwoStages('assembly-Prod', 'ProdOrders525171E2.template.json'), line: 5, column: 4, stack: 'Prod-Orders' });
  });

  it('with only a stack of a cloud assembly: at its entry in the manifest that declares it', () => {
    const f = reportWith(twoStages(), (a) => ({ stack: stackById(a, 'DevOrders83D4F3FB') }));
    expect(f).toEqual({
      ruleId: 'app',
      pack: '',
      severity: 'warning',
      message: 'The app is odd.',
      bestPractice: 'OPS04-BP05',
      question: 'OPS04',
      file: shownTwoStages('assembly-Dev', 'manifest.json'),
      line: 4,
      column: 5,
      resource: '',
      path: 'artifacts.DevOrders83D4F3FB',
      docs: ruleDocsUrl({ id: 'app' }),
      stack: 'Dev-Orders',
      environment: 'aws://111111111111/eu-west-1',
    });
    const deeper = reportWith(twoStages(), (a) => ({ stack: stackById(a, 'DevOrders83D4F3FB'), path: 'properties.stackName' }));
    expect(deeper).toMatchObject({ path: 'artifacts.DevOrders83D4F3FB.properties.stackName', line: 13, column: 9 });
  });

  it('with only the stack of a lone template: in the template, the path from its root', () => {
    const f = reportWith(lone(SAMPLE), (a) => ({ stack: a.stacks[0], path: 'Resources.Queue' }));
    expect(f).toMatchObject({ file: 'template.yaml', line: 10, column: 3, resource: '', path: 'Resources.Queue' });
    expect(f).not.toHaveProperty('stack');
    expect(f).not.toHaveProperty('constructPath');
    expect(reportWith(lone(SAMPLE), (a) => ({ stack: a.stacks[0] }))).toMatchObject({ line: 1, column: 1, path: '' });
  });

  it('with neither: the top manifest of a cloud assembly, or a lone template, at the path', () => {
    const f = reportWith(twoStages(), () => ({ path: 'artifacts' }));
    expect(f).toMatchObject({ file: shownTwoStages('manifest.json'), line: 3, column: 3, resource: '', path: 'artifacts' });
    expect(f).not.toHaveProperty('stack');
    expect(reportWith(twoStages(), () => ({}))).toMatchObject({ file: shownTwoStages('manifest.json'), line: 1, column: 1, path: '' });
    expect(reportWith(lone(SAMPLE, 'app.yaml'), () => ({}))).toEqual(expect.objectContaining({ file: 'app.yaml', line: 1, column: 1, resource: '', path: '' }));
    expect(reportWith(lone(SAMPLE, 'app.yaml'), () => ({ path: 'Resources.Queue' }))).toMatchObject({ file: 'app.yaml', line: 10, column: 3, resource: '', path: 'Resources.Queue' });
  });
});

describe('stack and construct path on findings', () => {
  const everyResource = resourceRule('every', ['AWS::SNS::Topic', 'AWS::SQS::Queue'], (r, ctx) => ctx.report({ messageId: 'set', data: { name: r.logicalId } }));

  it('are set for the resources of a cloud-assembly stack with aws:cdk:path metadata', () => {
    const findings = run(twoStages(), everyResource);
    expect(findings.map((f) => [f.stack, f.constructPath])).toEqual([
      ['Dev-Orders', 'Dev/Orders/Alerts/Resource'],
      ['Prod-Orders', 'Prod/Orders/Alerts/Resource'],
    ]);
  });

  it('are absent for a lone template without metadata', () => {
    const [f] = run(lone(SAMPLE), everyResource);
    expect(Object.keys(f)).toEqual(['ruleId', 'pack', 'severity', 'message', 'bestPractice', 'question', 'file', 'line', 'column', 'resource', 'path', 'docs']);
  });

  it('a cloud-assembly resource without aws:cdk:path has the stack but no construct path', () => {
    const assembly = twoStages();
    const dev = assembly.stacks[0];
    const template = load('Resources:\n  Plain: {Type: AWS::SQS::Queue}\n', 'plain.yaml');
    const withPlain: Assembly = { ...assembly, stacks: [{ ...dev, template }] };
    const [f] = run(withPlain, everyResource);
    expect(f.stack).toBe('Dev-Orders');
    expect(f).not.toHaveProperty('constructPath');
  });

  it('an internal error in a cloud-assembly stack names the stack and construct path too', () => {
    const boom = resourceRule('boom', ['AWS::SNS::Topic'], () => {
      throw new Error('x');
    });
    const [f] = run(twoStages(), boom);
    expect(f).toMatchObject({ ruleId: INTERNAL_ERROR, stack: 'Dev-Orders', constructPath: 'Dev/Orders/Alerts/Resource', line: 3, column: 3 });
  });
});

describe('configureRules', () => {
  const rule = (id: string, options?: RuleOptions): ResourceRule =>
    defineRule({ ...META, id, resourceTypes: ['AWS::SQS::Queue'], messages: { m: 'M.' }, options, check: () => undefined });
  const tracing = rule('lambda-tracing', { mode: 'Active', limit: 3 });
  const alarms = rule('lambda-alarms');
  const strict = rule('strict-alarms');
  const trail = rule('cloudtrail-enabled');
  const packs: Pack[] = [
    definePack({ id: 'tracing', title: 'Tracing', rules: [tracing, alarms, strict], off: ['strict-alarms'] }),
    definePack({ id: 'trail', title: 'Trail', rules: [trail] }),
  ];
  const ids = (selection?: RuleSelection): string[] => configureRules(packs, selection).map((c) => c.rule.id);

  it('turns on every rule by default, except those a pack has off, with the rule defaults', () => {
    expect(ids()).toEqual(['lambda-tracing', 'lambda-alarms', 'cloudtrail-enabled']);
    const [first] = configureRules(packs);
    expect(first).toEqual({ rule: tracing, severity: 'warning', options: { mode: 'Active', limit: 3 }, pack: 'tracing' });
    expect(configureRules(packs)[1].options).toEqual({});
  });

  it('selects packs, rules and exclusions', () => {
    expect(ids({ packs: ['trail'] })).toEqual(['cloudtrail-enabled']);
    expect(ids({ packs: [] })).toEqual(['lambda-tracing', 'lambda-alarms', 'cloudtrail-enabled']);
    // naming a rule turns it on even when its pack has it off
    expect(ids({ rules: ['strict-alarms'] })).toEqual(['strict-alarms']);
    expect(ids({ rules: ['cloudtrail-enabled', 'lambda-tracing'] })).toEqual(['lambda-tracing', 'cloudtrail-enabled']);
    expect(ids({ exclude: ['lambda-alarms'] })).toEqual(['lambda-tracing', 'cloudtrail-enabled']);
    expect(ids({ rules: ['strict-alarms', 'lambda-alarms'], exclude: ['lambda-alarms'] })).toEqual(['strict-alarms']);
    expect(ids({ packs: ['trail'], rules: ['lambda-tracing'] })).toEqual([]);
  });

  it('applies ruleSettings: off, a severity, or severity and options merged over the defaults', () => {
    const configured = configureRules(packs, {
      ruleSettings: {
        'lambda-alarms': 'off',
        'cloudtrail-enabled': 'info',
        'lambda-tracing': { options: { limit: 5 } },
        'strict-alarms': { severity: 'error', options: { extra: true } },
      },
    });
    expect(configured.map((c) => [c.rule.id, c.severity, c.options])).toEqual([
      ['lambda-tracing', 'warning', { mode: 'Active', limit: 5 }],
      ['strict-alarms', 'error', { extra: true }],
      ['cloudtrail-enabled', 'info', {}],
    ]);
    expect(ids({ ruleSettings: { 'strict-alarms': 'warning' } })).toContain('strict-alarms');
    // options alone do not turn on a rule that is off by default
    expect(ids({ ruleSettings: { 'strict-alarms': { options: { x: 1 } } } })).not.toContain('strict-alarms');
    expect(ids({ ruleSettings: { 'lambda-tracing': { severity: 'off' } } })).toEqual(['lambda-alarms', 'cloudtrail-enabled']);
    // 'off' wins over naming the rule
    expect(ids({ rules: ['lambda-tracing'], ruleSettings: { 'lambda-tracing': 'off' } })).toEqual([]);
    // the defaults are not changed by a merge
    expect(tracing.options).toEqual({ mode: 'Active', limit: 3 });
  });

  function usageError(selection: RuleSelection): string {
    try {
      configureRules(packs, selection);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).name).toBe('UsageError');
      return (error as Error).message;
    }
    throw new Error('expected a UsageError');
  }

  it('rejects unknown packs and rules with one-line messages', () => {
    expect(usageError({ packs: ['tracing', 'logs'] })).toBe('unknown pack "logs"; known packs: tracing, trail');
    expect(usageError({ rules: ['nope'] })).toBe('unknown rule "nope"; `opslint rules` lists them');
    expect(usageError({ rules: ['tracing'] })).toBe('unknown rule "tracing" (did you mean "lambda-tracing"?); `opslint rules` lists them');
    expect(usageError({ rules: ['lambda-trace'] })).toBe('unknown rule "lambda-trace" (did you mean "lambda-tracing"?); `opslint rules` lists them');
    expect(usageError({ exclude: ['nope'] })).toBe('unknown rule "nope"; `opslint rules` lists them');
    expect(usageError({ ruleSettings: { nope: 'off' } })).toBe('unknown rule "nope"; `opslint rules` lists them');
  });

  it('rejects a bad severity, in both forms, even for a rule that is not selected', () => {
    const message = 'rule "lambda-tracing": severity must be one of off, error, warning, info';
    expect(usageError({ ruleSettings: { 'lambda-tracing': 'fatal' as never } })).toBe(message);
    expect(usageError({ ruleSettings: { 'lambda-tracing': { severity: 'warn' as never } } })).toBe(message);
    expect(usageError({ packs: ['trail'], ruleSettings: { 'lambda-tracing': 'fatal' as never } })).toBe(message);
    expect(usageError({ exclude: ['lambda-tracing'], ruleSettings: { 'lambda-tracing': 'fatal' as never } })).toBe(message);
    expect(usageError({ ruleSettings: { 'strict-alarms': { severity: 'high' as never } } })).toBe('rule "strict-alarms": severity must be one of off, error, warning, info');
  });
});

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
    const base: Finding = { ruleId: 'b', pack: 'p', severity: 'warning', message: 'm', bestPractice: 'OPS04-BP05', question: 'OPS04', file: 'b.yaml', line: 5, column: 5, resource: 'R', path: 'p', docs: 'd' };
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
    expect(formatMessage('Function {{name}} has {{ count }} alarms.', { name: 'Fn', count: 0 })).toBe('Function Fn has 0 alarms.');
    expect(formatMessage('{{a}}{{a}} {{b}}.', { a: 'x' })).toBe('xx {{b}}.');
    expect(formatMessage('No data.')).toBe('No data.');
    expect(formatMessage('Value {{v}}.', { v: '$& {{v}}' })).toBe('Value $& {{v}}.');
  });

  it('isTrue / isFalse accept booleans and their strings in any case; isEmpty', () => {
    expect([true, 'true', 'TRUE', 'True'].map(isTrue)).toEqual([true, true, true, true]);
    expect([false, 'false', 'yes', 1, undefined, null, 'truex'].map(isTrue)).toEqual([false, false, false, false, false, false, false]);
    expect([false, 'false', 'FALSE'].map(isFalse)).toEqual([true, true, true]);
    expect([true, 'true', 0, '', undefined, null, 'no'].map(isFalse)).toEqual([false, false, false, false, false, false, false]);
    expect([undefined, null, '', [], {}].map(isEmpty)).toEqual([true, true, true, true, true]);
    expect([' ', 0, false, [0], { a: undefined }, 'x'].map(isEmpty)).toEqual([false, false, false, false, false, false]);
  });
});

describe('buildReport', () => {
  const error = resourceRule('zeta-rule', ['AWS::SNS::Topic'], (r, ctx) => ctx.report({ messageId: 'set', data: { name: r.logicalId } }));
  const warning = resourceRule('alpha-rule', ['AWS::SQS::Queue'], (r, ctx) => ctx.report({ messageId: 'set', data: { name: r.logicalId } }));
  const info = assemblyRule('middle-rule', (_a, ctx) => ctx.report({ messageId: 'app', data: { what: 'was scanned' } }));
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
    const report = buildReport(
      [withLoop('b.yaml', 'Names'), twoStages(), withLoop('a.yaml', 'Others')],
      rules,
      [
        new InputError('invalid YAML: x', 'z.yaml', { line: 5, column: 1 }),
        new InputError('cannot read file: permission denied', 'y.yaml'),
        new InputError('duplicate key', 'z.yaml', { line: 2, column: 3 }),
      ],
    );
    expect(report.summary).toEqual({
      templates: 4,
      resources: 2 + 1 + 1 + 2,
      findings: { error: 4, warning: 2, info: 3, total: 9 },
      rules: { 'alpha-rule': 2, 'middle-rule': 3, 'zeta-rule': 4 },
      errors: 3,
      notes: [
        { file: 'a.yaml', line: 7, column: 3, message: 'the collection of Fn::ForEach::Topics is unknown: parameter Others has no default value' },
        { file: 'b.yaml', line: 7, column: 3, message: 'the collection of Fn::ForEach::Topics is unknown: parameter Names has no default value' },
      ],
      scorecard: expect.any(Object),
      files: ['a.yaml', 'b.yaml', shownTwoStages('assembly-Dev', 'DevOrders83D4F3FB.template.json'), shownTwoStages('assembly-Prod', 'ProdOrders525171E2.template.json')],
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
      summary: { templates: 0, resources: 0, findings: { error: 0, warning: 0, info: 0, total: 0 }, rules: {}, errors: 0, notes: [], scorecard: expect.any(Object), files: [], suppressed: 0 },
    });
  });
});

describe('the scorecard', () => {
  const tracing = resourceRule('tracing', ['AWS::Lambda::Function'], (r, ctx) => {
    if (ctx.satisfies('Properties.TracingConfig.Mode', (m) => m === 'Active') === false) ctx.report({ messageId: 'set', data: { name: r.logicalId } });
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
    expect(questions.map((q) => q.id)).toEqual(['OPS01', 'OPS02', 'OPS03', 'OPS04', 'OPS05', 'OPS06', 'OPS07', 'OPS08', 'OPS09', 'OPS10', 'OPS11']);
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
    expect(bps.find((bp) => bp.id === 'OPS04-BP02')).toMatchObject({ rules: ['trail'], resources: 2, passed: 0, failed: 0, needsContext: 2 });
    expect(bps.find((bp) => bp.id === 'OPS01-BP01')).toMatchObject({ checkable: false, rules: [], resources: 0, url: expect.stringContaining('ops_priorities_ext_cust_needs') });
  });

  it('counts an account-context rule as failed where the account baseline is marked', () => {
    const report = buildReport([template('a.yaml')], [on(trail)], [], { accountBaseline: () => true });
    const trailBp = report.summary.scorecard.questions.flatMap((q) => q.bestPractices).find((bp) => bp.id === 'OPS04-BP02');
    expect(trailBp).toMatchObject({ rules: ['trail'], resources: 1, passed: 0, failed: 1, needsContext: 0 });
    expect(report.findings.map((f) => f.severity)).toEqual(['warning']);
  });
});

describe("CDK's own resources in a synthesized template read on its own", () => {
  it('are not checked: singletons (32 hex digits) and custom resource providers, found by their aws:cdk:path', () => {
    const tracing = resourceRule('tracing', ['AWS::Lambda::Function'], (r, ctx) => ctx.report({ messageId: 'set', data: { name: r.logicalId } }));
    const findings = run(
      lone(yaml`
        Resources:
          Handler:
            Type: AWS::Lambda::Function
            Metadata: {aws:cdk:path: Api/Handler/Resource}
          LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8aFD4BFC8A:
            Type: AWS::Lambda::Function
            Metadata: {aws:cdk:path: Api/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/Resource}
          CustomVpcRestrictDefaultSGCustomResourceProviderHandlerDC833E5E:
            Type: AWS::Lambda::Function
            Metadata: {aws:cdk:path: Api/Custom::VpcRestrictDefaultSGCustomResourceProvider/Handler}
      `),
      tracing,
    );
    expect(findings.map((f) => f.resource)).toEqual(['Handler']);
  });
});
