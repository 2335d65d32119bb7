/**
 * `opslint fix` round-trips on generated templates: functions, log groups, API stages, state machines and
 * queues with fixable findings, under hostile logical ids, values, comments and file names, written as JSON
 * (indented, compact, with tabs) or YAML (long or short forms, CRLF line ends, a byte order mark).
 *
 * The property, through the command line in a temporary folder: `fix --dry-run` and `fix` end without a
 * stack trace; the fixed file parses, with the same resources of the same types; a second `fix` changes
 * nothing and a second dry run prints no patch; and (one case in five) the dry run's patch applies with
 * `git apply --check` to the original, and applying it gives the bytes `fix` wrote.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { InputError } from '../../lib/template/errors';
import { templateFromText } from '../../lib/template/load';
import { decode } from '../../lib/template/parse';
import { runCli } from '../support/cli';
import { write, type Outcome } from './template';
import { fileNameOf, HOSTILE } from './hostile';

export interface FixCase {
  readonly file: string;
  readonly bytes: Uint8Array;
  readonly origin: string;
}

/** Resources with findings that `fix` fixes (tracing, retention, dead-letter queues), and a few values of their own. */
const FIXABLE: readonly ((value: string) => Record<string, unknown>)[] = [
  (v) => ({
    Type: 'AWS::Lambda::Function',
    Properties: {
      FunctionName: v,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: 'arn:aws:iam::123456789012:role/r',
      Code: { ZipFile: v },
    },
  }),
  (v) => ({
    Type: 'AWS::Lambda::Function',
    Properties: {
      Runtime: 'python3.12',
      Handler: 'app.handler',
      Role: 'arn:aws:iam::123456789012:role/r',
      Code: { ZipFile: 'x' },
      TracingConfig: { Mode: 'PassThrough' },
      Description: v,
    },
  }),
  (v) => ({ Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: v } }),
  (v) => ({ Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: v, RetentionInDays: 1 } }),
  (v) => ({
    Type: 'AWS::ApiGateway::Stage',
    Properties: { StageName: 'prod', RestApiId: 'abc', DeploymentId: 'def', Description: v },
  }),
  (v) => ({
    Type: 'AWS::StepFunctions::StateMachine',
    Properties: {
      StateMachineName: v,
      RoleArn: 'arn:aws:iam::123456789012:role/r',
      DefinitionString: '{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}',
    },
  }),
  (v) => ({ Type: 'AWS::SQS::Queue', Properties: { QueueName: v } }),
  (v) => ({ Type: 'AWS::SNS::Topic', Properties: { DisplayName: v } }),
];

export function fixCases(): fc.Arbitrary<FixCase> {
  const hostile = fc.constantFrom(...HOSTILE);
  const id = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom('Fn', 'Logs', 'Stage', 'Flow', 'Queue') },
    { weight: 1, arbitrary: hostile },
  );
  const resource = fc.tuple(fc.nat({ max: FIXABLE.length - 1 }), hostile).map(([i, v]) => FIXABLE[i](v));
  return fc
    .record({
      resources: fc.uniqueArray(fc.tuple(id, resource), { minLength: 1, maxLength: 5, selector: ([k]) => k }),
      format: fc.constantFrom('json', 'json-compact', 'json-tabs', 'yaml', 'yaml-short'),
      comments: fc.array(hostile, { maxLength: 3 }),
      crlf: fc.boolean(),
      bom: fc.boolean(),
      name: fc.oneof({ weight: 3, arbitrary: fc.constant('template') }, { weight: 1, arbitrary: hostile }),
    })
    .map((s) => {
      const resources: Record<string, unknown> = {};
      for (const [k, v] of s.resources)
        Object.defineProperty(resources, k, { value: v, enumerable: true, writable: true, configurable: true });
      const value = { AWSTemplateFormatVersion: '2010-09-09', Resources: resources };
      const yaml = s.format.startsWith('yaml');
      let text =
        s.format === 'json-tabs'
          ? JSON.stringify(value, null, '\t')
          : write(value, s.format as 'json' | 'json-compact' | 'yaml' | 'yaml-short');
      // comments (YAML only), made one line each: a line break in one would end it
      if (yaml && s.comments.length > 0)
        text = `${s.comments.map((c) => `# ${c.replace(/[\r\n\u0085\u2028\u2029]/g, ' ')}`).join('\n')}\n${text}`;
      if (s.crlf) text = text.replace(/\n/g, '\r\n');
      const file = fileNameOf(s.name, yaml ? 'yaml' : 'json');
      const bytes = Buffer.concat([Buffer.from(s.bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(text, 'utf8')]);
      return {
        file,
        bytes,
        origin: `${JSON.stringify(file)}: ${s.resources.length} resource(s) ${JSON.stringify(s.resources.map(([k]) => k))} as ${s.format}${s.crlf ? ', CRLF' : ''}${s.bom ? ', BOM' : ''}, ${s.comments.length} comment(s)`,
      };
    });
}

/** Resource ids and types of a template's text, in order; throws when it does not parse. */
function resourcesOf(bytes: Uint8Array, file: string): string[] {
  const template = templateFromText(decode(bytes, file), file, { explicit: true });
  if (!template) throw new Error('the file is not read as a template');
  return [...template.resources.values()].map((r) => `${r.logicalId} ${r.type}`);
}

function noStackTrace(stage: string, r: { stdout: string; stderr: string }): void {
  if (/^\s+at .*:\d+:\d+\)?$/m.test(r.stdout + r.stderr))
    throw new Error(`${stage}: a stack trace: ${(r.stderr || r.stdout).slice(0, 500)}`);
}

/** The property for one case (see the top of this file). */
export async function fixHolds(c: FixCase, index = 0): Promise<Outcome> {
  const dir = mkdtempSync(path.join(tmpdir(), 'opslint-fuzz-fix-'));
  try {
    const file = path.join(dir, c.file);
    writeFileSync(file, c.bytes);
    const args = ['fix', c.file, '--no-config', '--no-color'];
    let before: string[];
    try {
      before = resourcesOf(c.bytes, c.file);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      // a template that cannot be read is reported, and left as it is
      const unread = await runCli(args, { cwd: dir });
      noStackTrace('fix', unread);
      if (unread.code !== 2 || !readFileSync(file).equals(Buffer.from(c.bytes)))
        throw new Error(`fix of an unreadable template: exit ${unread.code}, or the file changed`, { cause: error });
      return { output: unread.stderr, inputError: true, findings: 0 };
    }
    const dry = await runCli([...args, '--dry-run'], { cwd: dir });
    noStackTrace('fix --dry-run', dry);
    if (!Buffer.from(readFileSync(file)).equals(Buffer.from(c.bytes)))
      throw new Error('fix --dry-run changed the file');
    const fixed = await runCli(args, { cwd: dir });
    noStackTrace('fix', fixed);
    if (fixed.code === 2) throw new Error(`fix could not read a template that parses: ${fixed.stderr}`);
    const after = readFileSync(file);
    const changed = !after.equals(Buffer.from(c.bytes));
    if (changed) {
      let resources: string[];
      try {
        resources = resourcesOf(after, c.file);
      } catch (error) {
        throw new Error(`the fixed file does not parse: ${(error as Error).message}`, { cause: error });
      }
      if (JSON.stringify(resources) !== JSON.stringify(before))
        throw new Error(
          `the fixed file has other resources: ${JSON.stringify(before)} became ${JSON.stringify(resources)}`,
        );
    }
    if (changed !== (dry.stdout !== ''))
      throw new Error(
        `the dry run ${dry.stdout === '' ? 'printed no patch, but fix changed the file' : 'printed a patch, but fix changed nothing'}`,
      );
    const again = await runCli([...args, '--dry-run'], { cwd: dir });
    if (again.stdout !== '')
      throw new Error(`a second fix would change the file again:\n${again.stdout.slice(0, 1000)}`);
    await runCli(args, { cwd: dir });
    if (!readFileSync(file).equals(after)) throw new Error('a second fix changed the file');
    if (changed && index % 5 === 0) applies(dry.stdout, c, after);
    return {
      output: dry.stdout + dry.stderr + fixed.stdout,
      inputError: false,
      findings: (fixed.stdout.match(/^ {2}\S/gm) ?? []).length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The dry run's patch applies to the original file with git, and gives what `fix` wrote. */
function applies(patch: string, c: FixCase, fixed: Buffer): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'opslint-fuzz-patch-'));
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, c.file), c.bytes);
    writeFileSync(path.join(dir, 'fix.patch'), patch);
    for (const check of [['--check'], []]) {
      try {
        execFileSync('git', ['apply', ...check, 'fix.patch'], { cwd: dir, stdio: 'pipe' });
      } catch (error) {
        throw new Error(
          `git apply ${check.join(' ')} refuses the dry run's patch: ${String((error as { stderr?: Buffer }).stderr ?? error)}`,
          { cause: error },
        );
      }
    }
    if (!readFileSync(path.join(dir, c.file)).equals(fixed))
      throw new Error("the dry run's patch, applied, gives other bytes than fix wrote");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
