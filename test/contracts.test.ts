/**
 * Contracts that catch mistakes (issue 17): rule options are checked against each rule's schema, message ids
 * are a compile-time type, and a third-party pack decides where its rules are documented.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Aspects, Stack, Validations } from 'aws-cdk-lib';
import type * as Sarif from 'sarif';
import { OpsAspect, OpsChecks } from '../lib/cdk';
import { OpsNagPack } from '../lib/cdk/nag';
import { BUILTIN_PACKS } from '../lib/compose';
import { configureRules } from '../lib/engine/config';
import { UsageError } from '../lib/errors';
import type { ScanReport } from '../lib/engine/finding';
import { describeOption, optionProblem } from '../lib/engine/options';
import { defineRule, definePack, ruleDocsUrl, type OptionSchema, type Pack } from '../lib/engine/rule';
import { loadPack } from '../lib/packs/load';
import { loadYamlPack } from '../lib/packs/yaml';
import { runCase } from '../lib/testing';
import { runCli } from '../scripts/support/cli';
import { workspace } from './helpers/workspace';
import { yaml } from './helpers/yaml';

const QUEUE = yaml`
  Resources:
    Orders:
      Type: AWS::SQS::Queue
      Properties:
        MessageRetentionPeriod: 1209600
`;

const META = {
  title: 'A rule',
  bestPractice: 'OPS04-BP05',
  severity: 'warning',
  resourceTypes: ['AWS::SQS::Queue'],
} as const;

/** A third-party pack: one rule with a schema, one without. */
const acmeRule = (id: string, docs?: string) =>
  defineRule({
    ...META,
    id,
    messages: { plain: 'Queue {{name}} is plain.' },
    ...(docs ? { docs } : {}),
    check: (r, ctx) => ctx.report({ messageId: 'plain', data: { name: r.logicalId } }),
  });
const typed = defineRule({
  ...META,
  id: 'acme/typed',
  options: { limit: 3 },
  optionsSchema: { limit: { type: 'integer', minimum: 1 } },
  check: () => undefined,
});
const loose = defineRule({ ...META, id: 'acme/loose', options: { limit: 3 }, check: () => undefined });
const ACME: Pack = definePack({
  id: 'acme',
  rules: [typed, loose, acmeRule('acme/plain'), acmeRule('acme/own', 'https://acme.example/own')],
});

function usageError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('no error');
}

describe('rule options are checked against the rule schema', () => {
  const allRules = BUILTIN_PACKS.flatMap((p) => p.rules);

  it('every built-in rule declares a schema for exactly its options, and its defaults satisfy it', () => {
    for (const rule of allRules) {
      expect([rule.id, Object.keys(rule.optionsSchema ?? { missing: true }).sort()]).toEqual([
        rule.id,
        Object.keys(rule.options ?? {}).sort(),
      ]);
      expect(optionProblem(rule, rule.options ?? {})).toBeUndefined();
    }
  });

  it('names the rule and the option: unknown (with the nearest name), of the wrong type, not allowed, a pattern that does not compile', () => {
    const rule = (id: string) => allRules.find((r) => r.id === id)!;
    expect(optionProblem(rule('alarm-coverage'), { resourceTypez: ['AWS::SQS::Queue'] })).toEqual({
      option: 'resourceTypez',
      message: 'rule "alarm-coverage" has no option "resourceTypez" (did you mean "resourceTypes"?)',
    });
    expect(optionProblem(rule('alarm-coverage'), { zzz: 1 })?.message).toBe(
      'rule "alarm-coverage" has no option "zzz"; its options are resourceTypes, queues',
    );
    expect(optionProblem(rule('lambda-tracing'), { mode: 'Active' })?.message).toBe(
      'rule "lambda-tracing" has no option "mode"; it takes no options',
    );
    expect(optionProblem(rule('alarm-coverage'), { queues: 'every' })?.message).toBe(
      'rule "alarm-coverage": option "queues" must be one of "dead-letter", "all"',
    );
    expect(optionProblem(rule('alarm-coverage'), { resourceTypes: ['AWS::Lambda::Functoin'] })?.message).toMatch(
      /^rule "alarm-coverage": option "resourceTypes" must be a list of any of "AWS::Lambda::Function", /,
    );
    expect(optionProblem(rule('log-group-retention'), { minRetentionDays: '30' })?.message).toBe(
      'rule "log-group-retention": option "minRetentionDays" must be a whole number of at least 1',
    );
    expect(optionProblem(rule('log-group-retention'), { minRetentionDays: 0 })?.option).toBe('minRetentionDays');
    expect(optionProblem(rule('alarm-runbook-link'), { runbookPattern: 'runbook(' })?.message).toBe(
      'rule "alarm-runbook-link": option "runbookPattern" must be a regular expression',
    );
    expect(optionProblem(rule('rds-log-exports'), { requiredLogTypes: { postgres: 'postgresql' } })?.message).toBe(
      'rule "rds-log-exports": option "requiredLogTypes" must be a mapping of names to lists of strings',
    );
    // well-typed values pass
    expect(
      optionProblem(rule('alarm-coverage'), { queues: 'all', resourceTypes: ['AWS::SNS::Topic'] }),
    ).toBeUndefined();
    expect(optionProblem(rule('rds-log-exports'), { requiredLogTypes: { postgres: ['postgresql'] } })).toBeUndefined();
  });

  it('describes every kind of schema in words', () => {
    const cases: [OptionSchema, string][] = [
      [{ type: 'boolean' }, 'true or false'],
      [{ type: 'number' }, 'a number'],
      [{ type: 'integer', minimum: 1 }, 'a whole number of at least 1'],
      [{ type: 'string' }, 'a string'],
      [{ type: 'string', format: 'regex' }, 'a regular expression'],
      [{ enum: ['a', 2, true] }, 'one of "a", 2, true'],
      [{ type: 'array', items: { type: 'array', items: { type: 'integer' } } }, 'a list of lists of whole numbers'],
      [{ type: 'object', additionalProperties: { type: 'boolean' } }, 'a mapping of names to true or false values'],
    ];
    for (const [schema, words] of cases) expect(describeOption(schema)).toBe(words);
  });

  it('configureRules throws a UsageError for a bad option, even of a rule that does not run; a rule without a schema takes the options it has defaults for', () => {
    expect(usageError(() => configureRules([ACME], { ruleSettings: { 'acme/typed': { options: { limt: 2 } } } }))).toBe(
      'rule "acme/typed" has no option "limt" (did you mean "limit"?)',
    );
    expect(
      usageError(() =>
        configureRules([ACME], { rules: ['acme/loose'], ruleSettings: { 'acme/typed': { options: { limit: 0 } } } }),
      ),
    ).toBe('rule "acme/typed": option "limit" must be a whole number of at least 1');
    expect(
      usageError(() => configureRules([ACME], { ruleSettings: { 'acme/loose': { options: { limt: 'x' } } } })),
    ).toBe('rule "acme/loose" has no option "limt" (did you mean "limit"?)');
    const [configured] = configureRules([ACME], {
      rules: ['acme/loose'],
      ruleSettings: { 'acme/loose': { options: { limit: 'x' } } },
    });
    expect(configured.options).toEqual({ limit: 'x' });
    // a setting is a severity and options, nothing else
    expect(
      usageError(() => configureRules([ACME], { ruleSettings: { 'acme/typed': { optionz: { limit: 2 } } as never } })),
    ).toBe('rule "acme/typed": a setting has a severity and options, not "optionz"');
    expect(usageError(() => configureRules([ACME], { ruleSettings: { 'acme/typed': { options: 5 } as never } }))).toBe(
      'rule "acme/typed": options must be a mapping of option names to values',
    );
    expect(usageError(() => configureRules([ACME], { ruleSettings: { 'acme/typed': null as never } }))).toBe(
      'rule "acme/typed": a setting is off, a severity, or { severity, options }',
    );
    expect(
      configureRules([ACME], { rules: ['acme/typed'], ruleSettings: { 'acme/typed': { options: { limit: 5 } } } })[0]
        .options,
    ).toEqual({ limit: 5 });
  });

  it('the RuleTester checks the options of a case as a configuration is checked', () => {
    expect(() => runCase(typed, { template: QUEUE, options: { limit: 'many' } })).toThrow(
      'rule "acme/typed": option "limit" must be a whole number of at least 1',
    );
    expect(runCase(typed, { template: QUEUE, options: { limit: 2 } })).toEqual([]);
  });

  it('a YAML rule takes no options', () => {
    const dir = workspace({
      'rules.yaml':
        'pack: team\nrules:\n  - {id: team/r, title: T, bestPractice: OPS02-BP01, severity: warning, resourceTypes: [AWS::SQS::Queue], path: Properties.Tags, condition: exists, message: M.}\n',
    });
    const pack = loadYamlPack(path.join(dir, 'rules.yaml'));
    expect(usageError(() => configureRules([pack], { ruleSettings: { 'team/r': { options: { x: 1 } } } }))).toBe(
      'rule "team/r" has no option "x"; it takes no options',
    );
  });

  it.each([
    [
      'an unknown option (YAML)',
      'opslint.config.yaml',
      'rules:\n  alarm-coverage:\n    options:\n      resourceTypez: [AWS::SQS::Queue]\n',
      'opslint.config.yaml:4:7: invalid configuration: rule "alarm-coverage" has no option "resourceTypez" (did you mean "resourceTypes"?)',
    ],
    [
      'a value not allowed (YAML)',
      'opslint.config.yaml',
      'failOn: error\nrules:\n  alarm-coverage: {severity: error, options: {queues: every}}\n',
      'opslint.config.yaml:3:47: invalid configuration: rule "alarm-coverage": option "queues" must be one of "dead-letter", "all"',
    ],
    [
      'a value of the wrong type (JSON)',
      'opslint.config.json',
      '{\n  "rules": {\n    "log-group-retention": { "options": { "minRetentionDays": "30" } }\n  }\n}\n',
      'opslint.config.json:3:43: invalid configuration: rule "log-group-retention": option "minRetentionDays" must be a whole number of at least 1',
    ],
    [
      'an option of a rule that takes none',
      'opslint.config.yaml',
      'rules:\n  lambda-tracing:\n    options: {mode: Active}\n',
      'opslint.config.yaml:3:15: invalid configuration: rule "lambda-tracing" has no option "mode"; it takes no options',
    ],
  ])('the configuration file: %s is one line with file:line:col, exit code 2', async (_what, name, text, message) => {
    const dir = workspace({ [name]: text, 'q.yaml': QUEUE });
    const { code, stdout, stderr } = await runCli(['scan', 'q.yaml'], { cwd: dir });
    expect({ code, stdout, stderr }).toEqual({ code: 2, stdout: '', stderr: `opslint: ${message}\n` });
  });

  it('the configuration file: well-typed options are used', async () => {
    const dir = workspace({
      'opslint.config.yaml': 'rules:\n  queue-dead-letter:\n    options: {queues: all}\n',
      'q.yaml': QUEUE,
    });
    const scan = async (args: string[]) =>
      JSON.parse(
        (await runCli(['scan', 'q.yaml', '--rule', 'queue-dead-letter', '--format', 'json', ...args], { cwd: dir }))
          .stdout,
      ) as ScanReport;
    // a queue nobody reads needs a dead-letter queue only with queues: all
    expect((await scan([])).findings.map((f) => f.ruleId)).toEqual(['queue-dead-letter']);
    expect((await scan(['--no-config'])).findings).toEqual([]);
  });

  it('the CDK integrations throw where they are constructed, naming the rule and the option', () => {
    const settings = { ruleSettings: { 'alarm-coverage': { options: { resourceTypez: [] } } } };
    const message = 'rule "alarm-coverage" has no option "resourceTypez" (did you mean "resourceTypes"?)';
    expect(usageError(() => new OpsChecks(settings))).toBe(message);
    expect(usageError(() => new OpsAspect(settings))).toBe(message);
    expect(usageError(() => new OpsNagPack(undefined, settings))).toBe(message);
    expect(
      usageError(
        () => new OpsChecks({ rulePacks: [ACME], ruleSettings: { 'acme/typed': { options: { limit: 'many' } } } }),
      ),
    ).toBe('rule "acme/typed": option "limit" must be a whole number of at least 1');
    // well-typed options construct
    const app = new App();
    new Stack(app, 'S');
    Validations.of(app).addPlugins(
      new OpsChecks({ ruleSettings: { 'alarm-coverage': { options: { queues: 'all' } } } }),
    );
    Aspects.of(app).add(
      new OpsAspect({ ruleSettings: { 'log-group-retention': { options: { minRetentionDays: 30 } } } }),
    );
  });

  it('the rule docs give each option its type', () => {
    const page = readFileSync(path.join(__dirname, '..', 'docs', 'rules', 'alarm-coverage.md'), 'utf8');
    expect(page).toContain('| option | type | default | what it changes |');
    expect(page).toContain('| `queues` | one of "dead-letter", "all" | `"dead-letter"` |');
  });
});

describe('message ids are typed', () => {
  // `npm run lint` type-checks this file: each directive fails the build when the line after it compiles
  const rule = defineRule({
    ...META,
    id: 'typed-messages',
    messages: { plain: 'Queue {{name}} is plain.', odd: 'Queue {{name}} is odd.' },
    check(resource, ctx) {
      ctx.report({ messageId: 'plain', data: { name: resource.logicalId } });
      // @ts-expect-error -- not a key of messages
      ctx.report({ messageId: 'plian', data: { name: resource.logicalId } });
      // literal messages still work
      ctx.report({ message: `Queue ${resource.logicalId} is plain.` });
    },
  });
  defineRule({
    ...META,
    id: 'typed-app-messages',
    scope: 'assembly',
    messages: { none: 'No queue.' },
    check(_assembly, ctx) {
      // @ts-expect-error -- not a key of messages
      ctx.report({ messageId: 'nothing' });
    },
  });
  defineRule({
    ...META,
    id: 'no-messages',
    check(_resource, ctx) {
      // @ts-expect-error -- a rule without messages reports literal ones
      ctx.report({ messageId: 'plain' });
    },
  });
  defineRule({
    ...META,
    id: 'schema-keys',
    options: { limit: 3, name: 'x' },
    // @ts-expect-error -- the schema names every option
    optionsSchema: { limit: { type: 'integer' } },
    check: () => undefined,
  });

  it('a rule reports by id and by literal message, and ctx.options keeps its type', () => {
    expect(Object.keys(rule.messages ?? {})).toEqual(['plain', 'odd']);
    const reporting = defineRule({
      ...META,
      id: 'reporting',
      options: { limit: 3 },
      optionsSchema: { limit: { type: 'integer' } },
      messages: { over: 'Queue {{name}} is over {{limit}}.' },
      check(resource, ctx) {
        const limit: number = ctx.options.limit;
        ctx.report({ messageId: 'over', data: { name: resource.logicalId, limit } });
        ctx.report({ message: `Queue ${resource.logicalId} is plain.` });
      },
    });
    expect(runCase(reporting, { template: QUEUE, options: { limit: 4 } }).map((f) => f.message)).toEqual([
      'Queue Orders is over 4.',
      'Queue Orders is plain.',
    ]);
  });
});

describe('a third-party pack decides where its rules are documented', () => {
  it('built-in rules keep their page; a namespaced rule has its own docs, its pack docs, or none', () => {
    expect(ruleDocsUrl({ id: 'lambda-tracing' })).toBe(
      'https://github.com/opslint/opslint/blob/main/docs/rules/lambda-tracing.md',
    );
    expect(ruleDocsUrl({ id: 'acme/plain' })).toBe('');
    expect(ruleDocsUrl({ id: 'acme/own', docs: 'https://acme.example/own' })).toBe('https://acme.example/own');
    const docsOf = (pack: Pack) =>
      configureRules([pack], { rules: ['acme/plain', 'acme/own'] }).map((c) => ruleDocsUrl(c.rule));
    expect(docsOf(ACME)).toEqual(['', 'https://acme.example/own']);
    expect(docsOf({ ...ACME, docs: 'https://acme.example/opslint/{{name}}.html?id={{id}}' })).toEqual([
      'https://acme.example/opslint/plain.html?id=acme/plain',
      'https://acme.example/own',
    ]);
    expect(docsOf({ ...ACME, docs: (id) => `https://acme.example/${id}` })).toEqual([
      'https://acme.example/acme/plain',
      'https://acme.example/own',
    ]);
    // the built-in packs are not copied
    const builtIn = configureRules(BUILTIN_PACKS, { rules: ['lambda-tracing'] })[0].rule;
    expect(BUILTIN_PACKS.some((p) => p.rules.includes(builtIn))).toBe(true);
  });

  const RULES = (docs: string) =>
    `pack: team\n${docs}rules:\n  - {id: team/tagged, title: Queues are tagged, bestPractice: OPS02-BP01, severity: warning, resourceTypes: [AWS::SQS::Queue], path: Properties.Tags, condition: exists, message: 'Queue {{resource}} has no tags.'}\n`;
  /** One scan of the queue with the YAML pack, written as SARIF, JSON, Markdown and HTML. */
  const scan = async (
    docs: string,
  ): Promise<{ sarif: Sarif.ReportingDescriptor; json: ScanReport; markdown: string; html: string }> => {
    const dir = workspace({
      'opslint.config.yaml': 'packs: [./rules.yaml]\n',
      'rules.yaml': RULES(docs),
      'q.yaml': QUEUE,
    });
    const formats = ['sarif=r.sarif', 'json=r.json', 'markdown=r.md', 'html=r.html'].flatMap((f) => ['--format', f]);
    const { code } = await runCli(
      ['scan', 'q.yaml', '--rule', 'team/tagged', ...formats, '--fail-on', 'warning', '--jobs', '1'],
      { cwd: dir },
    );
    expect(code).toBe(1);
    const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');
    const sarif = (JSON.parse(read('r.sarif')) as Sarif.Log).runs[0].tool.driver.rules!.find(
      (r) => r.id === 'team/tagged',
    )!;
    return { sarif, json: JSON.parse(read('r.json')) as ScanReport, markdown: read('r.md'), html: read('r.html') };
  };

  it('without docs: no link in SARIF, JSON, Markdown, HTML', async () => {
    const { sarif, json, markdown, html } = await scan('');
    expect(sarif.helpUri).toBeUndefined();
    expect(sarif.help!.text).not.toContain('Documentation');
    expect(sarif.help!.markdown).not.toContain('Rule documentation');
    expect(json.findings).toEqual([expect.objectContaining({ ruleId: 'team/tagged', docs: '' })]);
    expect(markdown).toContain('- **Rule:** team/tagged\n');
    expect(html).toContain('<td role="cell" class="rule"><span title="Queues are tagged">team/tagged</span>');
  });

  it('with the pack docs: its address in SARIF, JSON, Markdown, HTML', async () => {
    const url = 'https://wiki.acme.example/opslint/tagged';
    const { sarif, json, markdown, html } = await scan('docs: https://wiki.acme.example/opslint/{{name}}\n');
    expect(sarif.helpUri).toBe(url);
    expect(sarif.help!.markdown).toContain(`[Rule documentation](${url})`);
    expect(json.findings.map((f) => f.docs)).toEqual([url]);
    expect(markdown).toContain(`- **Rule:** [team/tagged](${url})\n`);
    expect(html).toContain(`<td role="cell" class="rule"><a href="${url}" title="Queues are tagged">team/tagged</a>`);
  });

  it('a JavaScript pack whose docs or optionsSchema is of the wrong kind is refused, naming the pack and the rule', async () => {
    const rule =
      "{ id: 'acme/r', title: 'T', bestPractice: 'OPS02-BP01', severity: 'warning', resourceTypes: ['AWS::SQS::Queue'], check() {} }";
    const dir = workspace({
      'docs.js': `module.exports = { id: 'acme', docs: 5, rules: [${rule}] };`,
      'schema.js': `module.exports = { id: 'acme', rules: [{ ...${rule}, optionsSchema: ['limit'] }] };`,
    });
    await expect(loadPack('./docs.js', dir)).rejects.toThrow(
      'pack "./docs.js": its `docs` must be a URL (with {{name}} where the rule id goes) or a function of the rule id',
    );
    await expect(loadPack('./schema.js', dir)).rejects.toThrow(
      'pack "./schema.js": rule "acme/r" has an `optionsSchema` that is not a mapping from option names to JSON Schemas',
    );
  });

  it('a pack docs that is neither a string nor a function is refused', async () => {
    const dir = workspace({
      'opslint.config.yaml': 'packs: [./rules.yaml]\n',
      'rules.yaml': RULES('docs: [a]\n'),
      'q.yaml': QUEUE,
    });
    const { code, stderr } = await runCli(['scan', 'q.yaml'], { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toContain(
      'rules.yaml:2:1: invalid rules file: `docs` must be a URL, with {{name}} where the rule id goes',
    );
  });
});
