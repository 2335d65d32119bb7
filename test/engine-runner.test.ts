/**
 * The rule runner (lib/engine/runner.ts): which rules are called for what, what a throwing rule becomes,
 * assembly rules and where their reports are located, stack and construct paths, and the CDK's own resources
 * left alone. Rules here are small and inline (test/helpers/engine.ts).
 */
import { singleTemplateAssembly, type Assembly, type Stack } from '../lib/assembly/model';
import { regionAssembly } from '../lib/sources/deployed';
import { INTERNAL_ERROR, type Finding } from '../lib/engine/finding';
import { type AssemblyContext, type Rule, type RuleOptions, ruleDocsUrl } from '../lib/engine/rule';
import { evaluate, runRules } from '../lib/engine/runner';
import { buildScorecard } from '../lib/engine/scorecard';
import { templateFromText } from '../lib/template/load';
import { shownTwoStages, load, lone, twoStages, on, run, resourceRule, assemblyRule, SAMPLE } from './helpers/engine';
import { yaml } from './helpers/yaml';

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
      seen.push(
        ctx.options,
        ctx.template === template,
        ctx.stack === assembly.stacks[0],
        ctx.resource === r,
        ctx.graph === template.graph,
      );
      seen.push(
        ctx.get('Properties.TracingConfig.Mode'),
        ctx.get(['Properties', 'Nothing']),
        ctx.resolve({ Ref: 'Mode' }),
      );
    });
    runRules(assembly, [on(rule, 'info', { limit: 3 })]);
    expect(seen).toEqual([
      { limit: 3 },
      true,
      true,
      true,
      true,
      { known: true, value: 'Active' },
      { known: true, value: undefined },
      { known: true, value: 'Active' },
    ]);
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
    const rule = resourceRule('sev', ['AWS::SQS::Queue'], (r, ctx) =>
      ctx.report({ messageId: 'set', data: { name: r.logicalId } }),
    );
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
    const other = resourceRule('other', ['AWS::SQS::Queue'], (r, ctx) =>
      ctx.report({ messageId: 'set', data: { name: r.logicalId } }),
    );
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
    expect(f).toMatchObject({
      ruleId: INTERNAL_ERROR,
      severity: 'error',
      message: 'Rule boom failed on resource Queue: Bad input.',
    });
  });

  it('reports a thrown value that is not an Error', () => {
    const boom = resourceRule('boom', ['AWS::SQS::Queue'], () => {
      throw 'nope';
    });
    expect(run(lone(SAMPLE), boom).map((f) => f.message)).toEqual(['Rule boom failed on resource Queue: nope.']);
  });

  it('reporting an unknown message id is an internal error too', () => {
    const typo = resourceRule('typo', ['AWS::SQS::Queue'], (r, ctx) =>
      ctx.report({ messageId: 'sett', data: { name: r.logicalId } }),
    );
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
      expect.objectContaining({
        ruleId: INTERNAL_ERROR,
        message: 'Rule app-typo failed: rule app-typo reported unknown message id "nope".',
      }),
      expect.objectContaining({ ruleId: 'app-fine', message: 'The app is fine.' }),
    ]);
    // in a cloud assembly: line 1 of the top manifest
    const [f] = run(twoStages(), boom);
    expect(f).toMatchObject({ ruleId: INTERNAL_ERROR, file: shownTwoStages('manifest.json'), line: 1, column: 1 });
  });
});

describe('assembly rules over many stacks', () => {
  it('read every stack of a large app (5,000 stacks), with what each value rests on', () => {
    const stacks: Stack[] = Array.from({ length: 5000 }, (_, i) => {
      const template = templateFromText(
        `Parameters: {Retention: {Type: Number, Default: 3}}\nResources: {Logs${i}: {Type: AWS::Logs::LogGroup, Properties: {RetentionInDays: !Ref Retention}}}\n`,
        `s${i}.yaml`,
        { explicit: true },
      )!;
      return { id: `S${i}`, environment: {}, stages: [], tags: {}, template };
    });
    const rule = assemblyRule('app', (a, ctx) => {
      const short = a.stacks.filter((st) => {
        const r = st.template.valueAt(
          st.template.resources.get(`Logs${st.id.slice(1)}`)!,
          'Properties.RetentionInDays',
        );
        return r.known && r.value === 3;
      });
      ctx.report({
        messageId: 'app',
        data: { what: `keeps logs 3 days in ${short.length} stacks` },
        stack: short[4999],
      });
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

  function reportWith(
    assembly: Assembly,
    make: (a: Assembly) => Parameters<AssemblyContext<RuleOptions>['report']>[0],
  ): Finding {
    const rule = assemblyRule('app', (a, ctx) =>
      ctx.report({ messageId: 'app', data: { what: 'is odd' }, ...make(a) }),
    );
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
    expect(existing).toMatchObject({
      file: shownTwoStages('assembly-Prod', 'ProdOrders525171E2.template.json'),
      line: 5,
      column: 4,
      stack: 'Prod-Orders',
    });
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
      // a finding about a whole stack is on the stack's construct
      constructPath: 'Dev/Orders',
    });
    const deeper = reportWith(twoStages(), (a) => ({
      stack: stackById(a, 'DevOrders83D4F3FB'),
      path: 'properties.stackName',
    }));
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
    expect(f).toMatchObject({
      file: shownTwoStages('manifest.json'),
      line: 3,
      column: 3,
      resource: '',
      path: 'artifacts',
    });
    expect(f).not.toHaveProperty('stack');
    expect(reportWith(twoStages(), () => ({}))).toMatchObject({
      file: shownTwoStages('manifest.json'),
      line: 1,
      column: 1,
      path: '',
    });
    expect(reportWith(lone(SAMPLE, 'app.yaml'), () => ({}))).toEqual(
      expect.objectContaining({ file: 'app.yaml', line: 1, column: 1, resource: '', path: '' }),
    );
    expect(reportWith(lone(SAMPLE, 'app.yaml'), () => ({ path: 'Resources.Queue' }))).toMatchObject({
      file: 'app.yaml',
      line: 10,
      column: 3,
      resource: '',
      path: 'Resources.Queue',
    });
  });
});

describe('stack and construct path on findings', () => {
  const everyResource = resourceRule('every', ['AWS::SNS::Topic', 'AWS::SQS::Queue'], (r, ctx) =>
    ctx.report({ messageId: 'set', data: { name: r.logicalId } }),
  );

  it('are set for the resources of a cloud-assembly stack with aws:cdk:path metadata', () => {
    const findings = run(twoStages(), everyResource);
    expect(findings.map((f) => [f.stack, f.constructPath])).toEqual([
      ['Dev-Orders', 'Dev/Orders/Alerts/Resource'],
      ['Prod-Orders', 'Prod/Orders/Alerts/Resource'],
    ]);
  });

  it('are absent for a lone template without metadata', () => {
    const [f] = run(lone(SAMPLE), everyResource);
    expect(Object.keys(f)).toEqual([
      'ruleId',
      'pack',
      'severity',
      'message',
      'bestPractice',
      'question',
      'file',
      'line',
      'column',
      'resource',
      'path',
      'docs',
    ]);
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
    expect(f).toMatchObject({
      ruleId: INTERNAL_ERROR,
      stack: 'Dev-Orders',
      constructPath: 'Dev/Orders/Alerts/Resource',
      line: 3,
      column: 3,
    });
  });
});

describe("CDK's own resources in a synthesized template read on its own", () => {
  it('are not checked: singletons (32 hex digits) and custom resource providers, found by their aws:cdk:path', () => {
    const tracing = resourceRule('tracing', ['AWS::Lambda::Function'], (r, ctx) =>
      ctx.report({ messageId: 'set', data: { name: r.logicalId } }),
    );
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

describe('a check that says the practice does not apply (ctx.notApplicable)', () => {
  const scorecardOf = (assembly: Assembly, rule: Rule) => {
    const rules = [on(rule)];
    const { findings, stats } = evaluate(assembly, rules);
    const bp = buildScorecard(rules, stats)
      .questions.flatMap((q) => q.bestPractices)
      .find((b) => b.id === rule.bestPractice)!;
    return { findings, evaluated: [...(stats.get(rule.id)?.evaluated ?? [])].sort(), bp };
  };

  it('leaves a resource whose check said so and reported nothing out of the evaluated, so not passed', () => {
    const rule = resourceRule('topics', ['AWS::SNS::Topic'], (r, ctx) => {
      if (r.properties.TopicName === undefined) ctx.notApplicable();
    });
    const { findings, evaluated, bp } = scorecardOf(lone(SAMPLE), rule);
    expect(findings).toEqual([]);
    expect(evaluated).toEqual(['template.yaml#Other']);
    expect(bp).toMatchObject({ resources: 1, passed: 1, failed: 0 });
  });

  it('counts a check that reports and says so as evaluated and failed: the report wins', () => {
    const rule = resourceRule('topics', ['AWS::SNS::Topic'], (r, ctx) => {
      ctx.notApplicable();
      if (r.logicalId === 'Topic') ctx.report({ messageId: 'set', data: { name: r.logicalId } });
    });
    const { findings, evaluated, bp } = scorecardOf(lone(SAMPLE), rule);
    expect(findings.map((f) => f.resource)).toEqual(['Topic']);
    expect(evaluated).toEqual(['template.yaml#Topic']);
    expect(bp).toMatchObject({ resources: 1, passed: 0, failed: 1 });
  });

  it('leaves the app out for an assembly rule, and shows the best practice with nothing evaluated', () => {
    const rule = assemblyRule('app', (_a, ctx) => ctx.notApplicable());
    const { findings, evaluated, bp } = scorecardOf(lone(SAMPLE), rule);
    expect(findings).toEqual([]);
    expect(evaluated).toEqual([]);
    expect(bp).toMatchObject({ checkable: true, rules: ['app'], resources: 0, passed: 0 });
  });

  it('keeps a finding, and what it rests on, when the check run again with the assumption changed says the practice does not apply', () => {
    // with the default the check reports; run again with the parameter's value unknown, it says the practice does not apply
    const rule = resourceRule('mode', ['AWS::Lambda::Function'], (r, ctx) => {
      const mode = ctx.get('Properties.TracingConfig.Mode');
      if (mode.known && mode.value === 'PassThrough') ctx.report({ messageId: 'set', data: { name: r.logicalId } });
      else ctx.notApplicable();
    });
    const assembly = lone(yaml`
      Parameters:
        Mode: {Type: String, Default: PassThrough}
      Resources:
        Fn:
          Type: AWS::Lambda::Function
          Properties:
            TracingConfig: {Mode: !Ref Mode}
    `);
    const { findings, evaluated, bp } = scorecardOf(assembly, rule);
    expect(findings.map((f) => f.assumptions)).toEqual([[{ parameter: 'Mode', value: 'PassThrough' }]]);
    expect(evaluated).toEqual(['template.yaml#Fn']);
    expect(bp).toMatchObject({ resources: 1, failed: 1 });
  });

  it('counts a check that says so and then throws as evaluated and failed (an internal error)', () => {
    const rule = resourceRule('throws', ['AWS::SQS::Queue'], (_r, ctx) => {
      ctx.notApplicable();
      throw new Error('boom');
    });
    const { findings, evaluated, bp } = scorecardOf(lone(SAMPLE), rule);
    expect(findings.map((f) => f.ruleId)).toEqual([INTERNAL_ERROR]);
    expect(evaluated).toEqual(['template.yaml#Queue']);
    expect(bp).toMatchObject({ resources: 1, failed: 1 });
  });
});
