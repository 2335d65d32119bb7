/**
 * Smoke test over the shared corpus of 822 real templates: the scan completes, no rule fails internally,
 * only the known-broken files are input errors (each for the reason listed), and the output is stable.
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { INTERNAL_ERROR } from '../lib/engine/finding';
import { scanPaths } from '../lib/compose';
import { corpusDir } from '../scripts/support/corpus';

const CORPUS = corpusDir();

/** Files that cannot be read, and why. Anything else failing to parse is a regression. */
const KNOWN_INPUT_ERRORS: Record<string, RegExp> = {
  // deliberately broken test fixtures of cfn-lint and cfn-guard
  'cfn-lint/test__fixtures__templates__bad__core__conditions_list.yaml': /^Conditions must be a mapping, found a list$/,
  'cfn-lint/test__fixtures__templates__bad__core__config_invalid_json.json': /^invalid JSON: expected ','/,
  'cfn-lint/test__fixtures__templates__bad__core__config_invalid_yaml.yaml': /^invalid YAML: /,
  'cfn-lint/test__fixtures__templates__bad__duplicate.json': /^duplicate key "MySNSTopic"/,
  'cfn-lint/test__fixtures__templates__bad__duplicate.yaml': /^duplicate key "mySnsTopic"/,
  'cfn-lint/test__fixtures__templates__bad__json_parse.json': /^invalid JSON: expected ':'/,
  'cfn-lint/test__fixtures__templates__bad__resources__primary_identifiers.yaml':
    /^resource BadType has a Type that is not a string$/,
  'cfn-lint/test__fixtures__templates__bad__template.yaml': /^invalid YAML: /,
  'cloudformation-guard/guard__resources__validate__malformed-template.yaml': /^invalid YAML: /,
  'cloudformation-guard/guard__resources__validate__template_where_resources_isnt_root.json':
    /^Resources must be a mapping, found a list$/,
  // a cfn-guard rule test file: a template with an `expectations` entry among its resources
  'guard-rules-registry/rules__aws__validation_test_data__policy_doc_mix.yml': /^resource expectations has no Type$/,
  // a real template that is broken: a quoted scalar followed by more text on its line (PyYAML rejects it too)
  'serverless-patterns/rds-sns-event-notification__template.yaml': /^invalid YAML: unexpected scalar at node end$/,
  // real templates with duplicate keys: which value CloudFormation would use is unspecified
  'serverless-patterns/apigw-ec2__template.yaml': /^duplicate key "eu-west-3"/,
  'serverless-patterns/cloudfront-apigw-http-api-lambda-rust__template.yml': /^duplicate key "Name"/,
  'serverless-patterns/cloudfront-lambda-url-rust__template.yml': /^duplicate key "Name"/,
  'serverless-patterns/lambda-streaming-sdk-sam__template.yaml': /^duplicate key "MidstreamErrorFunction"/,
  'serverless-patterns/sam-webapp-cognito__template.yaml': /^duplicate key "Name"/,
};

describe('the shared corpus', () => {
  const report = scanPaths([CORPUS], { cwd: CORPUS });

  it('reads every template but the known-broken ones, each for its known reason', () => {
    const errors = Object.fromEntries(report.errors.map((e) => [e.file, e.message]));
    expect(Object.keys(errors).sort()).toEqual(Object.keys(KNOWN_INPUT_ERRORS).sort());
    for (const [file, pattern] of Object.entries(KNOWN_INPUT_ERRORS)) expect(errors[file]).toMatch(pattern);
    for (const e of report.errors) {
      expect(e.line).toBeGreaterThanOrEqual(1);
      expect(e.column).toBeGreaterThanOrEqual(1);
    }
    const templateFiles = readdirSync(CORPUS, { recursive: true, encoding: 'utf8' }).filter(
      (f) => /\.(json|ya?ml)$/.test(f) && !f.startsWith('LICENSES'),
    );
    expect(report.summary.templates).toBe(templateFiles.length - report.errors.length);
  });

  it('reads YAML as CloudFormation does where YAML 1.2 is stricter, with a note', () => {
    // a flow list not indented past its key, which PyYAML and CloudFormation accept
    const file = 'serverless-patterns/systems-manager-automation-to-stepfunctions__template.yaml';
    expect(report.summary.files).toContain(file);
    expect(report.summary.notes.filter((n) => n.file === file)).toEqual([
      {
        file,
        line: 114,
        column: 23,
        message: 'flow sequence not indented past its key, read as CloudFormation reads it',
      },
    ]);
    expect(
      report.findings
        .filter((f) => f.file === file && f.resource === 'Iterate' && f.ruleId === 'lambda-tracing')
        .map((f) => `${f.line}:${f.column}`),
    ).toEqual(['120:5']);
  });

  it('has no rule failing internally', () => {
    expect(report.findings.filter((f) => f.ruleId === INTERNAL_ERROR)).toEqual([]);
  });

  it('puts every finding at a real position of a scanned file', () => {
    for (const f of report.findings) {
      expect(f.line).toBeGreaterThanOrEqual(1);
      expect(f.column).toBeGreaterThanOrEqual(1);
      expect(path.isAbsolute(f.file)).toBe(false);
    }
  });

  it('gives the same report on a second run', () => {
    expect(JSON.stringify(scanPaths([CORPUS], { cwd: CORPUS }))).toBe(JSON.stringify(report));
  });
});
