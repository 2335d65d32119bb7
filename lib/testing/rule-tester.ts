/**
 * RuleTester: runs one rule over valid and invalid templates and checks what it reports. Strict, like
 * ESLint's: an invalid case must list what it expects and the rule must report exactly that; message ids
 * must exist; options must be ones the rule declares; the same case twice is a mistake.
 *
 * It registers one test per case with `describe`/`it` (jest's and node:test's globals by default; set
 * `RuleTester.describe` / `RuleTester.it` for other runners).
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { readCloudAssembly } from '../assembly/read';
import { singleTemplateAssembly, type Assembly } from '../assembly/model';
import { compareFindings, INTERNAL_ERROR, type Assumption, type Finding } from '../engine/finding';
import { withEngineSentences } from '../engine/emit';
import { optionProblem } from '../engine/options';
import { evaluate } from '../engine/runner';
import type { Rule, RuleOptions } from '../engine/rule';
import { InputError } from '../template/errors';
import { loadTemplate, templateFromText } from '../template/load';
import { shorten } from '../util/words';

/** A case that must give no finding: a template inline (text or object), a file, or a cloud assembly folder. */
export interface ValidCase {
  /** shown as the test name (default: the file, or the template's first line) */
  readonly name?: string;
  /** template text (YAML or JSON) or a template object */
  readonly template?: string | Record<string, unknown>;
  /** a template file, or a cloud assembly folder */
  readonly file?: string;
  readonly options?: RuleOptions;
  readonly parameters?: Readonly<Record<string, string>>;
  /** run as the account baseline: rules that need account context are enforced instead of reported as info */
  readonly accountBaseline?: boolean;
  /**
   * `true`: the rule evaluated nothing in the case (no resource of its types, or its check said the practice
   * does not apply: `ctx.notApplicable()`), so the scorecard counts no pass; `false`: it evaluated something
   * and passed it. Not checked when not given.
   */
  readonly notApplicable?: boolean;
}

/** What an invalid case expects of one finding; only the fields given are compared. */
export interface ExpectedFinding {
  readonly messageId?: string;
  /** the exact message, or a regular expression it must match */
  readonly message?: string | RegExp;
  /** logical id */
  readonly resource?: string;
  /** document path, e.g. 'Resources.Fn.Properties.TracingConfig' */
  readonly path?: string;
  readonly line?: number;
  readonly column?: number;
  /** `info` for a finding that needs context the case does not give */
  readonly severity?: 'error' | 'warning' | 'info';
  /** whether the finding is a reminder for lack of context (its `needsContext`) */
  readonly needsContext?: boolean;
  /** the parameter defaults and conditions its verdict rests on, exactly (`[]`: none) */
  readonly assumptions?: readonly Assumption[];
}

/** A case that must give exactly the findings listed. */
export interface InvalidCase extends Omit<ValidCase, 'notApplicable'> {
  readonly errors: readonly ExpectedFinding[];
}

type TestFn = (name: string, fn: () => void) => void;

/** Runs a rule over valid and invalid cases, one test each, strictly. */
export class RuleTester {
  static describe: TestFn = (name, fn) => (globalThis as unknown as { describe: TestFn }).describe(name, fn);
  static it: TestFn = (name, fn) => (globalThis as unknown as { it: TestFn }).it(name, fn);

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any rule, whatever its options
  run(rule: Rule<any>, cases: { valid?: readonly ValidCase[]; invalid?: readonly InvalidCase[] }): void {
    const seen = new Set<string>();
    const unique = (c: ValidCase): string => {
      const key = JSON.stringify([c.template, c.file, c.options, c.parameters, c.accountBaseline]);
      if (seen.has(key)) throw new Error(`${rule.id}: duplicate test case ${caseName(c)}`);
      seen.add(key);
      return caseName(c);
    };
    RuleTester.describe(rule.id, () => {
      // a rule tested with nothing passes nothing
      if ((cases.valid ?? []).length + (cases.invalid ?? []).length === 0)
        RuleTester.it('has test cases', () => {
          throw new Error(`${rule.id} has no test cases: give it valid and invalid ones`);
        });
      for (const c of cases.valid ?? []) {
        RuleTester.it(`valid: ${unique(c)}`, () => {
          const { findings, evaluated } = runOn(rule, c);
          if (findings.length > 0) throw new Error(`expected no findings, got:\n${describe(findings)}`);
          if (c.notApplicable !== undefined && c.notApplicable !== (evaluated === 0))
            throw new Error(
              c.notApplicable
                ? `expected the rule to judge nothing (not applicable), but it passed ${evaluated}`
                : 'expected the rule to judge something and pass it, but it judged nothing (not applicable)',
            );
        });
      }
      for (const c of cases.invalid ?? []) {
        RuleTester.it(`invalid: ${unique(c)}`, () => checkInvalid(rule, c));
      }
    });
  }
}

/** Runs `rule` alone over one case. Throws when the input cannot be read or the rule fails internally. */
export function runCase(rule: Rule, c: ValidCase): Finding[] {
  return runOn(rule, c).findings;
}

/** Runs `rule` alone over one case: its findings, and how many resources (or apps) it evaluated. */
function runOn(rule: Rule, c: ValidCase): { assembly: Assembly; findings: Finding[]; evaluated: number } {
  for (const key of Object.keys(c.options ?? {})) {
    if (!(key in (rule.options ?? {}))) throw new Error(`${rule.id} has no option "${key}"`);
  }
  // and of the type its schema says, as in a configuration
  const problem = optionProblem(rule, c.options ?? {});
  if (problem) throw new Error(problem.message);
  const assembly = loadCase(c);
  const { findings, stats } = evaluate(
    assembly,
    [
      {
        rule,
        severity: rule.severity,
        options: { ...(rule.options ?? {}), ...(c.options ?? {}) },
        pack: rule.id.includes('/') ? rule.id.split('/')[0] : '',
      },
    ],
    {
      accountBaseline: () => c.accountBaseline === true,
    },
  );
  const internal = findings.find((f) => f.ruleId === INTERNAL_ERROR);
  if (internal) throw new Error(internal.message);
  return { assembly, findings: findings.sort(compareFindings), evaluated: stats.get(rule.id)?.evaluated.size ?? 0 };
}

function checkInvalid(rule: Rule, c: InvalidCase): void {
  if (c.errors.length === 0) throw new Error('an invalid case must list the findings it expects');
  for (const e of c.errors) {
    if (e.messageId !== undefined && !(e.messageId in (rule.messages ?? {})))
      throw new Error(`${rule.id} has no message "${e.messageId}"`);
  }
  const { assembly, findings } = runOn(rule, c);
  if (findings.length !== c.errors.length) {
    throw new Error(`expected ${c.errors.length} finding(s), got ${findings.length}:\n${describe(findings)}`);
  }
  c.errors.forEach((expected, i) => {
    const f = findings[i];
    const problems: string[] = [];
    if (expected.messageId !== undefined) {
      // declared: checked before the rule ran
      const template = rule.messages![expected.messageId]!;
      // after the rule's own words, exactly the sentences the engine adds to this finding
      const implicit = assembly.stacks
        .map((s) => s.template.resources.get(f.resource)?.implicit)
        .find((i) => i !== undefined);
      const added = escapeRegExp(withEngineSentences('', implicit, f.path, f.assumptions ?? []));
      const pattern = new RegExp(`^${escapeRegExp(template).replace(/\\\{\\\{\s*\w+\s*\\\}\\\}/g, '.*')}${added}$`);
      if (!pattern.test(f.message)) problems.push(`message id ${expected.messageId} (got "${f.message}")`);
    }
    if (typeof expected.message === 'string' && f.message !== expected.message)
      problems.push(`message "${expected.message}" (got "${f.message}")`);
    if (expected.message instanceof RegExp && !expected.message.test(f.message))
      problems.push(`message ${expected.message} (got "${f.message}")`);
    if (expected.resource !== undefined && f.resource !== expected.resource)
      problems.push(`resource ${expected.resource} (got ${f.resource})`);
    if (expected.path !== undefined && f.path !== expected.path) problems.push(`path ${expected.path} (got ${f.path})`);
    if (expected.line !== undefined && f.line !== expected.line) problems.push(`line ${expected.line} (got ${f.line})`);
    if (expected.column !== undefined && f.column !== expected.column)
      problems.push(`column ${expected.column} (got ${f.column})`);
    if (expected.severity !== undefined && f.severity !== expected.severity)
      problems.push(`severity ${expected.severity} (got ${f.severity})`);
    if (expected.needsContext !== undefined && (f.needsContext !== undefined) !== expected.needsContext)
      problems.push(`needsContext ${expected.needsContext} (got ${f.needsContext ?? 'none'})`);
    if (
      expected.assumptions !== undefined &&
      JSON.stringify(f.assumptions ?? []) !== JSON.stringify(expected.assumptions)
    ) {
      problems.push(`assumptions ${JSON.stringify(expected.assumptions)} (got ${JSON.stringify(f.assumptions ?? [])})`);
    }
    if (problems.length > 0) throw new Error(`finding ${i + 1}: expected ${problems.join(', ')}`);
  });
}

/** Reads a case's input into an assembly: inline text or object, a template file, or a cloud assembly folder. */
export function loadCase(c: ValidCase): Assembly {
  try {
    if (c.file !== undefined) {
      // a missing file is left to loadTemplate, which reports it as an input error
      if (statSync(c.file, { throwIfNoEntry: false })?.isDirectory()) {
        const { assembly, errors } = readCloudAssembly(c.file, { parameters: c.parameters });
        if (errors.length > 0) throw errors[0];
        return assembly;
      }
      const template = loadTemplate(c.file, { explicit: true, parameters: c.parameters });
      return singleTemplateAssembly(template!);
    }
    if (c.template === undefined) throw new Error('a case needs a template or a file');
    const text = typeof c.template === 'string' ? c.template : JSON.stringify(c.template, null, 2);
    const name = typeof c.template === 'string' && !/^\s*\{/.test(c.template) ? 'template.yaml' : 'template.json';
    return singleTemplateAssembly(templateFromText(text, name, { explicit: true, parameters: c.parameters })!);
  } catch (error) {
    if (error instanceof InputError) throw new Error(error.format(), { cause: error });
    throw error;
  }
}

function caseName(c: ValidCase): string {
  if (c.name) return c.name;
  if (c.file) return path.basename(c.file);
  // the template itself, compacted: test names stay distinct without a name for every case
  const text = typeof c.template === 'string' ? c.template : JSON.stringify(c.template);
  const compact = (text ?? '')
    .replace(/^AWSTemplateFormatVersion:.*$/m, '')
    .replace(/\s+/g, ' ')
    .trim();
  return shorten(compact, 100);
}

function describe(findings: readonly Finding[]): string {
  return findings.map((f) => `  ${f.line}:${f.column} ${f.ruleId} ${f.path} — ${f.message}`).join('\n') || '  (none)';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
