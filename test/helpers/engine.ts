/** What the engine tests (test/engine-*.test.ts) share: loading templates, small inline rules and running them. */
import * as path from 'node:path';
import { readCloudAssembly } from '../../lib/assembly/read';
import { singleTemplateAssembly, type Assembly } from '../../lib/assembly/model';
import type { Finding } from '../../lib/engine/finding';
import {
  defineRule,
  type AssemblyContext,
  type AssemblyRule,
  type ResourceContext,
  type ResourceRule,
  type Rule,
  type RuleOptions,
} from '../../lib/engine/rule';
import { runRules, type ConfiguredRule } from '../../lib/engine/runner';
import { toDisplayPath } from '../../lib/scan';
import { templateFromText } from '../../lib/template/load';
import type { Resource, Template } from '../../lib/template/model';
import { FIXTURES } from './fixtures';
import { yaml } from './yaml';

const ROOT = path.resolve(__dirname, '..', '..');
const TWO_STAGES = path.join(FIXTURES, 'environments', 'multiple-environments', 'pass-two-stages');
export const shownTwoStages = (...parts: string[]): string =>
  ['fixtures', 'environments', 'multiple-environments', 'pass-two-stages', ...parts].join('/');

export const META = {
  title: 'Something is set',
  bestPractice: 'OPS04-BP05',
  severity: 'warning' as const,
  why: 'A test rule.',
  fix: { cloudformation: 'Set it.', cdk: 'Set it.' },
};

export function load(text: string, file = 'template.yaml', parameters?: Record<string, string>): Template {
  const template = templateFromText(text, file, { explicit: true, parameters });
  if (!template) throw new Error('not a template');
  return template;
}

export function lone(text: string, file = 'template.yaml'): Assembly {
  return singleTemplateAssembly(load(text, file));
}

export function twoStages(): Assembly {
  const { assembly, errors } = readCloudAssembly(TWO_STAGES, {}, (p) => toDisplayPath(p, ROOT));
  expect(errors).toEqual([]);
  return assembly;
}

export function on(rule: Rule, severity = rule.severity, options: RuleOptions = rule.options ?? {}): ConfiguredRule {
  return { rule, severity, options };
}

export function run(assembly: Assembly, ...rules: Rule[]): Finding[] {
  return runRules(
    assembly,
    rules.map((r) => on(r)),
  );
}

/** A resource rule with the shared metadata. */
export function resourceRule(
  id: string,
  resourceTypes: readonly string[],
  check: (resource: Resource, ctx: ResourceContext<RuleOptions>) => void,
  messages: Record<string, string> = { set: 'Resource {{name}} does not set it.' },
): ResourceRule {
  return defineRule({ ...META, id, resourceTypes, messages, check });
}

export function assemblyRule(
  id: string,
  check: (assembly: Assembly, ctx: AssemblyContext<RuleOptions>) => void,
): AssemblyRule {
  return defineRule({ ...META, id, scope: 'assembly', messages: { app: 'The app {{what}}.' }, check });
}

export const SAMPLE = yaml`
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
