/**
 * The RuleTester (lib/testing/rule-tester.ts). `RuleTester.describe` / `RuleTester.it` are replaced by
 * collecting functions, so that each generated case can be run here and its outcome (passes, or throws
 * with which message) asserted. At the end, one real use with jest's own describe/it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { defineRule, type Rule } from '../lib/engine/rule';
import { loadCase, RuleTester, runCase, testPackFixtures, type InvalidCase, type ValidCase } from '../lib/testing';
import { FIXTURES } from './helpers/fixtures';
import { yaml } from './helpers/yaml';

const rule = defineRule({
  id: 'test-tracing',
  title: 'Functions send traces',
  bestPractice: 'OPS04-BP05',
  resourceTypes: ['AWS::Lambda::Function'],
  severity: 'warning',
  messages: {
    missing: 'Function {{name}} has no TracingConfig.',
    mode: 'Function {{name}} traces in mode {{mode}}, not {{expected}}.',
  },
  options: { expected: 'Active' },
  optionDocs: { expected: 'the tracing mode required' },
  why: 'Traces show where a request spends its time.',
  fix: { cloudformation: 'TracingConfig: {Mode: Active}', cdk: 'tracing: lambda.Tracing.ACTIVE' },
  check(resource, ctx) {
    const mode = ctx.get('Properties.TracingConfig.Mode');
    if (!mode.known) return;
    if (mode.value === undefined)
      ctx.report({ messageId: 'missing', data: { name: resource.logicalId }, path: 'Properties.TracingConfig' });
    else if (mode.value !== ctx.options.expected) {
      ctx.report({
        messageId: 'mode',
        data: { name: resource.logicalId, mode: String(mode.value), expected: ctx.options.expected },
        path: 'Properties.TracingConfig.Mode',
      });
    }
  },
});

const topicRule = defineRule({
  id: 'test-topic-name',
  title: 'Topics have a display name',
  bestPractice: 'OPS04-BP02',
  resourceTypes: ['AWS::SNS::Topic'],
  severity: 'info',
  messages: { noName: 'Topic {{name}} has no DisplayName.' },
  why: 'Names help.',
  fix: { cloudformation: 'DisplayName: x', cdk: 'displayName: "x"' },
  check(resource, ctx) {
    if (ctx.satisfies('Properties.DisplayName', (v) => typeof v === 'string') === false) {
      ctx.report({ messageId: 'noName', data: { name: resource.logicalId }, path: 'Properties.DisplayName' });
    }
  },
});

const ACTIVE = yaml`
  Resources:
    Fn:
      Type: AWS::Lambda::Function
      Properties:
        TracingConfig:
          Mode: Active
`;

const PASS_THROUGH = yaml`
  Resources:
    Fn:
      Type: AWS::Lambda::Function
      Properties:
        TracingConfig:
          Mode: PassThrough
    Plain:
      Type: AWS::Lambda::Function
`;

const PASS_THROUGH_FINDINGS = [
  { messageId: 'mode', resource: 'Fn', path: 'Resources.Fn.Properties.TracingConfig.Mode', line: 6, column: 9 },
  { messageId: 'missing', resource: 'Plain', path: 'Resources.Plain.Properties.TracingConfig', line: 7, column: 3 },
];

interface Collected {
  readonly name: string;
  readonly fn: () => void;
}

const original = { describe: RuleTester.describe, it: RuleTester.it };
afterEach(() => {
  RuleTester.describe = original.describe;
  RuleTester.it = original.it;
});

/** Runs `RuleTester.run` with collecting describe/it; returns the suite names and the generated cases. */
function collect(
  r: Rule,
  cases: { valid?: readonly ValidCase[]; invalid?: readonly InvalidCase[] },
): { suites: string[]; tests: Collected[] } {
  const suites: string[] = [];
  const tests: Collected[] = [];
  RuleTester.describe = (name, fn) => {
    suites.push(name);
    fn();
  };
  RuleTester.it = (name, fn) => {
    tests.push({ name, fn });
  };
  new RuleTester().run(r, cases);
  return { suites, tests };
}

/** 'pass', or the message the case throws. */
function outcome(test: Collected): string {
  try {
    test.fn();
    return 'pass';
  } catch (error) {
    return (error as Error).message;
  }
}

/** The outcome of a single generated case. */
function only(r: Rule, cases: { valid?: readonly ValidCase[]; invalid?: readonly InvalidCase[] }): string {
  const { tests } = collect(r, cases);
  expect(tests).toHaveLength(1);
  return outcome(tests[0]);
}

describe('RuleTester with collecting describe/it', () => {
  it('registers one suite named after the rule and one test per case, named from the case', () => {
    const { suites, tests } = collect(rule, {
      valid: [{ template: ACTIVE }, { name: 'named case', template: `# active\n${ACTIVE}` }],
      invalid: [{ template: PASS_THROUGH, errors: PASS_THROUGH_FINDINGS }],
    });
    expect(suites).toEqual(['test-tracing']);
    expect(tests.map((t) => t.name)).toEqual([
      'valid: Resources: Fn: Type: AWS::Lambda::Function Properties: TracingConfig: Mode: Active',
      'valid: named case',
      'invalid: Resources: Fn: Type: AWS::Lambda::Function Properties: TracingConfig: Mode: PassThrough Plain: Type…',
    ]);
    expect(tests.map(outcome)).toEqual(['pass', 'pass', 'pass']);
  });

  it('a valid case with findings fails, listing them', () => {
    expect(only(rule, { valid: [{ template: PASS_THROUGH }] })).toBe(
      [
        'expected no findings, got:',
        '  6:9 test-tracing Resources.Fn.Properties.TracingConfig.Mode — Function Fn traces in mode PassThrough, not Active.',
        '  7:3 test-tracing Resources.Plain.Properties.TracingConfig — Function Plain has no TracingConfig.',
      ].join('\n'),
    );
  });

  it('an invalid case that expects no findings fails', () => {
    expect(only(rule, { invalid: [{ template: PASS_THROUGH, errors: [] }] })).toBe(
      'an invalid case must list the findings it expects',
    );
  });

  it('an invalid case fails when the rule reports nothing, or a different number of findings', () => {
    expect(only(rule, { invalid: [{ template: ACTIVE, errors: [{ messageId: 'mode' }] }] })).toBe(
      'expected 1 finding(s), got 0:\n  (none)',
    );
    expect(only(rule, { invalid: [{ template: PASS_THROUGH, errors: [{ messageId: 'mode' }] }] })).toBe(
      [
        'expected 1 finding(s), got 2:',
        '  6:9 test-tracing Resources.Fn.Properties.TracingConfig.Mode — Function Fn traces in mode PassThrough, not Active.',
        '  7:3 test-tracing Resources.Plain.Properties.TracingConfig — Function Plain has no TracingConfig.',
      ].join('\n'),
    );
  });

  it('compares each expected field, in the order of the findings, and names the field that differs', () => {
    const check = (i: number, field: Record<string, unknown>): string => {
      const errors = PASS_THROUGH_FINDINGS.map((e, j) => (j === i ? { ...e, ...field } : e));
      return only(rule, { invalid: [{ template: PASS_THROUGH, errors }] });
    };
    const fnMessage = 'Function Fn traces in mode PassThrough, not Active.';
    expect(check(0, { messageId: 'missing' })).toBe(`finding 1: expected message id missing (got "${fnMessage}")`);
    expect(check(1, { messageId: 'mode' })).toBe(
      'finding 2: expected message id mode (got "Function Plain has no TracingConfig.")',
    );
    expect(check(0, { message: 'Function Fn traces.' })).toBe(
      `finding 1: expected message "Function Fn traces." (got "${fnMessage}")`,
    );
    expect(check(0, { message: /mode Active/ })).toBe(`finding 1: expected message /mode Active/ (got "${fnMessage}")`);
    expect(check(0, { resource: 'Plain' })).toBe('finding 1: expected resource Plain (got Fn)');
    expect(check(1, { path: 'Resources.Plain.Properties' })).toBe(
      'finding 2: expected path Resources.Plain.Properties (got Resources.Plain.Properties.TracingConfig)',
    );
    expect(check(0, { line: 5 })).toBe('finding 1: expected line 5 (got 6)');
    expect(check(1, { column: 1 })).toBe('finding 2: expected column 1 (got 3)');
    // several fields at once are all named
    expect(check(0, { line: 1, column: 1 })).toBe('finding 1: expected line 1 (got 6), column 1 (got 9)');
    // the right values pass, the message given exactly or as a regular expression
    expect(check(0, { message: fnMessage })).toBe('pass');
    expect(check(0, { message: /^Function Fn traces in mode PassThrough/ })).toBe('pass');
    // only the fields given are compared
    expect(only(rule, { invalid: [{ template: PASS_THROUGH, errors: [{ resource: 'Fn' }, { line: 7 }] }] })).toBe(
      'pass',
    );
  });

  it('a message id matches the words of the rule and exactly the sentences the engine adds; assumptions and needsContext are compared', () => {
    const assumed = yaml`
      Parameters:
        Mode: {Type: String, Default: PassThrough, AllowedValues: [PassThrough, Active]}
      Resources:
        Fn:
          Type: AWS::Lambda::Function
          Properties:
            TracingConfig: {Mode: !Ref Mode}
    `;
    const sentence =
      "Function Fn traces in mode PassThrough, not Active. This verdict rests on the default Mode='PassThrough'; pass -p Mode=… to check other values.";
    const assumptions = [{ parameter: 'Mode', value: 'PassThrough' }];
    const check = (expected: Record<string, unknown>): string =>
      only(rule, { invalid: [{ template: assumed, errors: [{ messageId: 'mode', ...expected }] }] });
    expect(check({ message: sentence, assumptions })).toBe('pass');
    expect(check({ assumptions: [] })).toBe(`finding 1: expected assumptions [] (got ${JSON.stringify(assumptions)})`);
    expect(check({ needsContext: true })).toBe('finding 1: expected needsContext true (got none)');
    // a message id whose words are only the start of the message does not match
    const prefix = defineRule({
      ...rule,
      id: 'test-prefix',
      messages: { ...rule.messages, start: 'Function {{name}} has' },
      check: (r, ctx) => ctx.report({ messageId: 'missing', data: { name: r.logicalId } }),
    });
    expect(only(prefix, { invalid: [{ template: ACTIVE, errors: [{ messageId: 'start' }] }] })).toBe(
      'finding 1: expected message id start (got "Function Fn has no TracingConfig.")',
    );
  });

  it('an expected message id the rule does not declare fails, before the rule runs', () => {
    expect(
      only(rule, { invalid: [{ template: PASS_THROUGH, errors: [{ messageId: 'mode' }, { messageId: 'absent' }] }] }),
    ).toBe('test-tracing has no message "absent"');
  });

  it('an option the rule does not declare fails; declared options are merged over the defaults', () => {
    expect(only(rule, { valid: [{ template: ACTIVE, options: { expectd: 'Active' } }] })).toBe(
      'test-tracing has no option "expectd"',
    );
    expect(only(topicRule, { valid: [{ template: 'Resources: {}', options: { any: 1 } }] })).toBe(
      'test-topic-name has no option "any"',
    );
    expect(
      only(rule, {
        valid: [{ template: PASS_THROUGH.replace(/\n {2}Plain:[^]*$/, '\n'), options: { expected: 'PassThrough' } }],
      }),
    ).toBe('pass');
    expect(
      only(rule, {
        invalid: [
          {
            template: ACTIVE,
            options: { expected: 'PassThrough' },
            errors: [{ message: 'Function Fn traces in mode Active, not PassThrough.' }],
          },
        ],
      }),
    ).toBe('pass');
  });

  it('rejects the same case twice, whatever its name, and the same input as valid and invalid', () => {
    expect(() => collect(rule, { valid: [{ template: ACTIVE }, { name: 'again', template: ACTIVE }] })).toThrow(
      'test-tracing: duplicate test case again',
    );
    expect(() =>
      collect(rule, {
        valid: [{ template: PASS_THROUGH }],
        invalid: [{ template: PASS_THROUGH, errors: PASS_THROUGH_FINDINGS }],
      }),
    ).toThrow('test-tracing: duplicate test case Resources:');
    // different options or parameters make different cases
    expect(
      collect(rule, {
        valid: [
          { template: ACTIVE },
          { template: ACTIVE, options: { expected: 'Active' } },
          { template: ACTIVE, parameters: { A: 'b' } },
        ],
      }).tests,
    ).toHaveLength(3);
  });

  it('a rule that fails internally fails the case with the internal error', () => {
    const broken = defineRule({
      ...topicRule,
      id: 'broken',
      check: () => {
        throw new Error('bad index');
      },
    });
    expect(only(broken, { valid: [{ template: 'Resources:\n  T: {Type: AWS::SNS::Topic}\n' }] })).toBe(
      'Rule broken failed on resource T: bad index.',
    );
  });

  it('a case without a template or a file fails', () => {
    expect(only(rule, { valid: [{ name: 'empty' }] })).toBe('a case needs a template or a file');
  });

  // a rule that judges only functions with a TracingConfig: the others are not applicable
  const configured = defineRule({
    ...rule,
    id: 'test-configured-tracing',
    check(resource, ctx) {
      if (ctx.satisfies('Properties.TracingConfig', (v) => v !== undefined) !== true) return ctx.notApplicable();
      rule.check(resource, ctx);
    },
  });
  const PLAIN = yaml`
    Resources:
      Plain:
        Type: AWS::Lambda::Function
  `;

  it('a valid case may say whether the rule judges anything in it (notApplicable), and fails when it does not agree', () => {
    expect(only(configured, { valid: [{ template: PLAIN, notApplicable: true }] })).toBe('pass');
    expect(only(configured, { valid: [{ template: ACTIVE, notApplicable: false }] })).toBe('pass');
    expect(only(configured, { valid: [{ template: PLAIN, notApplicable: false }] })).toBe(
      'expected the rule to judge something and pass it, but it judged nothing (not applicable)',
    );
    expect(only(configured, { valid: [{ template: ACTIVE, notApplicable: true }] })).toBe(
      'expected the rule to judge nothing (not applicable), but it passed 1',
    );
    // a template without a resource of the rule's types is judged nothing too
    expect(
      only(configured, { valid: [{ template: 'Resources: {Q: {Type: AWS::SQS::Queue}}', notApplicable: false }] }),
    ).toBe('expected the rule to judge something and pass it, but it judged nothing (not applicable)');
    // not said: not checked
    expect(only(configured, { valid: [{ template: PLAIN }] })).toBe('pass');
    expect(only(configured, { valid: [{ template: ACTIVE }] })).toBe('pass');
  });

  it('a pack fixture says so in expected.json, and testPackFixtures checks it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'opslint-na-fixtures-'));
    try {
      const fixtures = path.join(dir, 'test-configured-tracing');
      mkdirSync(fixtures);
      writeFileSync(path.join(fixtures, 'pass-plain.yaml'), PLAIN);
      writeFileSync(path.join(fixtures, 'pass-active.yaml'), ACTIVE);
      writeFileSync(path.join(fixtures, 'fail-pass-through.yaml'), PASS_THROUGH.replace(/\n {4}Plain:[^]*$/, '\n'));
      const expected = (plain: boolean, active: boolean) =>
        writeFileSync(
          path.join(fixtures, 'expected.json'),
          JSON.stringify({
            'pass-plain.yaml': { notApplicable: plain },
            'pass-active.yaml': { notApplicable: active },
            'fail-pass-through.yaml': { errors: [{ messageId: 'mode' }] },
          }),
        );
      const results = (): string[] => {
        const tests: Collected[] = [];
        RuleTester.describe = (_name, fn) => fn();
        RuleTester.it = (name, fn) => {
          tests.push({ name, fn });
        };
        testPackFixtures({ id: 'test', rules: [configured] }, dir);
        return tests.map((t) => `${t.name}: ${outcome(t)}`);
      };
      expected(true, false);
      expect(results()).toEqual([
        'valid: pass-active.yaml: pass',
        'valid: pass-plain.yaml: pass',
        'invalid: fail-pass-through.yaml: pass',
      ]);
      expected(false, true);
      expect(results()).toEqual([
        'valid: pass-active.yaml: expected the rule to judge nothing (not applicable), but it passed 1',
        'valid: pass-plain.yaml: expected the rule to judge something and pass it, but it judged nothing (not applicable)',
        'invalid: fail-pass-through.yaml: pass',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('RuleTester inputs', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'opslint-rule-tester-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const PASS_THROUGH_JSON = JSON.stringify(
    { Resources: { Fn: { Type: 'AWS::Lambda::Function', Properties: { TracingConfig: { Mode: 'PassThrough' } } } } },
    null,
    2,
  );
  // JSON.stringify(…, null, 2): "Mode" is on line 7, indented by 10
  const jsonFinding = {
    messageId: 'mode',
    resource: 'Fn',
    path: 'Resources.Fn.Properties.TracingConfig.Mode',
    line: 7,
    column: 11,
  };

  it('loads a template given as YAML text, JSON text and an object, each with its own line numbers', () => {
    const { tests } = collect(rule, {
      valid: [
        { template: ACTIVE },
        {
          template: {
            Resources: { Fn: { Type: 'AWS::Lambda::Function', Properties: { TracingConfig: { Mode: 'Active' } } } },
          },
        },
      ],
      invalid: [
        { name: 'yaml', template: PASS_THROUGH, errors: PASS_THROUGH_FINDINGS },
        { name: 'json', template: PASS_THROUGH_JSON, errors: [jsonFinding] },
        {
          name: 'json, indented',
          template: `\n  ${PASS_THROUGH_JSON.replace(/\n/g, '\n  ')}`,
          errors: [{ ...jsonFinding, line: 8, column: 13 }],
        },
        { name: 'object', template: JSON.parse(PASS_THROUGH_JSON) as Record<string, unknown>, errors: [jsonFinding] },
      ],
    });
    expect(tests.map((t) => [t.name, outcome(t)])).toEqual([
      ['valid: Resources: Fn: Type: AWS::Lambda::Function Properties: TracingConfig: Mode: Active', 'pass'],
      // an object case is named from its JSON, cut at 100 characters
      [
        'valid: {"Resources":{"Fn":{"Type":"AWS::Lambda::Function","Properties":{"TracingConfig":{"Mode":"Active"}}…',
        'pass',
      ],
      ['invalid: yaml', 'pass'],
      ['invalid: json', 'pass'],
      ['invalid: json, indented', 'pass'],
      ['invalid: object', 'pass'],
    ]);
    expect(loadCase({ template: PASS_THROUGH_JSON }).file).toBe('template.json');
    expect(loadCase({ template: { Resources: {} } }).file).toBe('template.json');
    expect(loadCase({ template: ACTIVE }).file).toBe('template.yaml');
  });

  it('loads a template file, named after the file, with findings in that file', () => {
    const file = path.join(dir, 'fn.yaml');
    writeFileSync(file, PASS_THROUGH);
    const { tests } = collect(rule, { invalid: [{ file, errors: PASS_THROUGH_FINDINGS }] });
    expect(tests.map((t) => [t.name, outcome(t)])).toEqual([['invalid: fn.yaml', 'pass']]);
    expect(runCase(rule, { file }).map((f) => f.file)).toEqual([file, file]);
  });

  it('loads a cloud assembly folder, with every stack of every Stage', () => {
    const folder = path.join(FIXTURES, 'environments', 'multiple-environments', 'pass-two-stages');
    const { tests } = collect(topicRule, {
      invalid: [
        {
          file: folder,
          errors: [
            {
              messageId: 'noName',
              resource: 'Alerts91F83244',
              path: 'Resources.Alerts91F83244.Properties.DisplayName',
              line: 3,
              column: 3,
            },
            { messageId: 'noName', resource: 'Alerts91F83244', line: 3 },
          ],
        },
      ],
    });
    expect(tests.map((t) => [t.name, outcome(t)])).toEqual([['invalid: pass-two-stages', 'pass']]);
    expect(runCase(topicRule, { file: folder }).map((f) => [path.basename(f.file), f.stack, f.constructPath])).toEqual([
      ['DevOrders83D4F3FB.template.json', 'Dev-Orders', 'Dev/Orders/Alerts/Resource'],
      ['ProdOrders525171E2.template.json', 'Prod-Orders', 'Prod/Orders/Alerts/Resource'],
    ]);
  });

  it('passes parameters to the template', () => {
    const template = yaml`
      Parameters:
        Mode: {Type: String}
      Resources:
        Fn:
          Type: AWS::Lambda::Function
          Properties:
            TracingConfig:
              Mode: !Ref Mode
    `;
    const file = path.join(dir, 'param.yaml');
    writeFileSync(file, template);
    const { tests } = collect(rule, {
      valid: [{ template }, { template, parameters: { Mode: 'Active' } }],
      invalid: [
        {
          template,
          parameters: { Mode: 'PassThrough' },
          errors: [{ message: 'Function Fn traces in mode PassThrough, not Active.', line: 8, column: 9 }],
        },
        { file, parameters: { Mode: 'Off' }, errors: [{ message: 'Function Fn traces in mode Off, not Active.' }] },
      ],
    });
    expect(tests.map(outcome)).toEqual(['pass', 'pass', 'pass', 'pass']);
  });

  it('reports an input error in a case as file:line:col: message', () => {
    const duplicate = 'Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n  Fn:\n    Type: AWS::Lambda::Function\n';
    const file = path.join(dir, 'broken.yaml');
    writeFileSync(file, 'Resources:\n  Fn:\n    Properties: {}\n');
    const { tests } = collect(rule, {
      valid: [
        { template: duplicate },
        { file },
        { template: '{"Resources": {"Fn": 3}}' },
        { file: path.join(dir, 'absent.yaml') },
      ],
    });
    expect(tests.map(outcome)).toEqual([
      'template.yaml:4:3: duplicate key "Fn" (first defined at line 2, column 3)',
      `${file}:2:3: resource Fn has no Type`,
      'template.json:1:16: resource Fn must be a mapping, found a number',
      `${path.join(dir, 'absent.yaml')}: cannot read file: no such file or directory`,
    ]);
  });

  it('reports the first input error of a cloud assembly folder', () => {
    const folder = path.join(FIXTURES, 'environments', '_assembly-samples', 'bad-manifest');
    expect(only(topicRule, { valid: [{ file: folder }] })).toBe(
      `${path.join(folder, 'manifest.json')}:1:1: invalid cloud assembly manifest: expected an object with "artifacts"`,
    );
  });
});

// One real use, with jest's describe/it (the default): these cases are tests of this file.
new RuleTester().run(rule, {
  valid: [
    { name: 'active', template: ACTIVE },
    {
      name: 'unknown mode',
      template:
        'Parameters:\n  M: {Type: String}\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties: {TracingConfig: {Mode: !Ref M}}\n',
    },
    { name: 'other types', template: 'Resources:\n  T: {Type: AWS::SNS::Topic}\n' },
  ],
  invalid: [
    { name: 'pass-through and missing', template: PASS_THROUGH, errors: PASS_THROUGH_FINDINGS },
    {
      name: 'option',
      template: ACTIVE,
      options: { expected: 'PassThrough' },
      errors: [{ messageId: 'mode', line: 6 }],
    },
  ],
});
