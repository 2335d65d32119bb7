/**
 * Issue 16, inputs named by patterns and URLs: a glob from an untrusted configuration (`ignore:`), from
 * `--account-baseline` or from the command line is matched in linear time, and an `--endpoint-url` that does not parse, or holds a
 * secret in its query or fragment, shows that secret nowhere.
 */
import type * as Sarif from 'sarif';
import type { ScanReport } from '../lib/engine/finding';
import { compileGlob } from '../lib/util/glob';
import { redactUrl, redactUrls } from '../lib/sources/aws';
import { isolateAwsEnvironment } from './helpers/deployed';
import { runCli } from '../scripts/support/cli';
import { workspace } from './helpers/workspace';

// every `*` of the old regular expression could end at any of the name's characters: minutes of backtracking
const HOSTILE = '*a*a*a*a*a*a*a*a*b';
const A100 = 'a'.repeat(100);

describe('#5 a glob from configuration or --account-baseline is matched in linear time', () => {
  it('the hostile pattern against a name of 100 characters', () => {
    expect(compileGlob(HOSTILE).test(A100)).toBe(false);
    expect(compileGlob(HOSTILE).test(`${A100}b`)).toBe(true);
    expect(compileGlob(`${HOSTILE}.yaml`).test(`${A100}.yaml`)).toBe(false);
    expect(compileGlob('**a**a**a**a**a**a**a**a**b').test(`${'a/'.repeat(50)}c`)).toBe(false);
  }, 60_000);

  // written from what the regular expression the matcher replaces matched: [pattern, matched, not matched]
  const table: [string, string[], string[]][] = [
    ['*.yaml', ['a.yaml', '.yaml'], ['x/a.yaml', 'a.yml', 'a.yamlx']],
    ['src/*', ['src/a', 'src/'], ['src/a/b', 'src']],
    ['**', ['', 'a', 'a/b/c', '/'], []],
    ['**/*.json', ['a.json', 'x/a.json', 'x/y/a.json', '.json'], ['x/y/']],
    ['a/**/b', ['a/b', 'a/x/b', 'a/x/y/b', 'a//b'], ['ab', 'a/xb']],
    ['a/**', ['a/', 'a/b/c'], ['a']],
    ['a**b', ['ab', 'a/b', 'axx/yyb'], ['ba']],
    ['x**/y', ['xy', 'xz/y', 'x/y', 'xz/w/y'], ['xzy']],
    ['cdk.out/', ['cdk.out/'], ['cdk.out', 'cdkxout/']],
    ['build/**/', ['build/', 'build/x/', 'build/x/y/'], ['build/x']],
    ['?.yaml', ['a.yaml'], ['/.yaml', 'ab.yaml', '.yaml']],
    ['a?c', ['abc'], ['a/c', 'ac']],
    ['a.b', ['a.b'], ['axb']],
    ['(a|b)+[c]{1}$^\\', ['(a|b)+[c]{1}$^\\'], ['a']],
    ['Prod-*', ['Prod-Stack', 'Prod-'], ['Prod/Stack', 'prod-Stack']],
    ['*/*', ['a/b', '/'], ['a/b/c', 'ab']],
    ['*', ['', 'abc'], ['a/b']],
    ['***', ['abc', 'a/b'], []],
    ['', [''], ['a']],
  ];
  it.each(table)('%j matches as before', (pattern, matched, unmatched) => {
    const glob = compileGlob(pattern);
    expect(matched.filter((t) => !glob.test(t))).toEqual([]);
    expect(unmatched.filter((t) => glob.test(t))).toEqual([]);
  });

  it('from the ignore list of a configuration and from --account-baseline: the scan finishes', async () => {
    const template = 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n';
    const dir = workspace({
      [`${A100}.yaml`]: template,
      'hostile.yaml': `ignore:\n  - '${HOSTILE}.yaml'\n`,
      'matching.yaml': `ignore:\n  - '*a*a*a*a*a*a*a*a*.yaml'\n`,
    });
    const scan = async (config: string): Promise<ScanReport> => {
      const { stdout } = await runCli(
        ['scan', '--config', config, '--account-baseline', HOSTILE, '--format', 'json', '.'],
        { cwd: dir },
      );
      return JSON.parse(stdout) as ScanReport;
    };
    expect((await scan('hostile.yaml')).summary.templates).toBe(1);
    expect((await scan('matching.yaml')).summary.templates).toBe(0);
  }, 60_000);

  it('typed on the command line (where picomatch would backtrack as long)', async () => {
    const dir = workspace({
      [`${A100}.yaml`]: 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n',
      'sub/b.yaml': 'Resources: {}\n',
      '.hidden.yaml': 'Resources: {}\n',
    });
    const scan = (pattern: string) => runCli(['scan', '--no-config', '--format', 'json', pattern], { cwd: dir });
    const none = await scan(`${HOSTILE}.yaml`);
    expect(none.code).toBe(2);
    expect((JSON.parse(none.stdout) as ScanReport).errors).toEqual([
      { file: `${HOSTILE}.yaml`, message: 'no files match this pattern' },
    ]);
    const one = await scan('*a*a*a*a*a*a*a*a*.y?ml');
    expect((JSON.parse(one.stdout) as ScanReport).summary.files).toEqual([`${A100}.yaml`]);
    const deep = await scan('**/?.yaml');
    expect((JSON.parse(deep.stdout) as ScanReport).summary.files).toEqual(['sub/b.yaml']);
    // a segment that starts with a dot names dot files, as it does for picomatch
    const dotted = await scan('.h*n.yaml');
    expect((JSON.parse(dotted.stdout) as ScanReport).summary.files).toEqual(['.hidden.yaml']);
  }, 60_000);
});

describe('#22 an --endpoint-url that does not parse, or holds a secret in its query or fragment', () => {
  isolateAwsEnvironment();
  const PASSWORD = 'pw-S3cret';

  it.each([
    [`http://u:${PASSWORD}@[::1`, 'http://***@[::1'],
    [`http://u:${PASSWORD}@exa mple.com/`, 'http://***@exa mple.com/'],
    // not a password by the rules of URLs, but one by what was meant
    [`http://u:${PASSWORD}/x@[::1`, 'http://***@[::1'],
    [`http://[::1/?token=${PASSWORD}`, 'http://[::1/?token=***'],
  ])('%s is a usage error of one line without the secret', async (url, shown) => {
    const { code, stdout, stderr } = await runCli([
      'scan',
      '--no-config',
      '--stack',
      's',
      '--region',
      'eu-west-1',
      '--endpoint-url',
      url,
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`opslint: --endpoint-url must be an http:// or https:// URL, not "${shown}"\n`);
  });

  it('a secret in the query or the fragment of an endpoint that cannot be reached is shown in no format', async () => {
    process.env.AWS_MAX_ATTEMPTS = '1';
    const endpoint = `http://opslint:${PASSWORD}@127.0.0.1:1/?token=${PASSWORD}&debug#key=${PASSWORD}`;
    const message =
      'cannot reach CloudFormation at http://***@127.0.0.1:1/?token=***&***#key=*** (connect ECONNREFUSED 127.0.0.1:1)';
    const outputs: Record<string, string> = {};
    for (const format of ['text', 'json', 'sarif']) {
      const { code, stdout, stderr } = await runCli([
        'scan',
        '--no-config',
        '--format',
        format,
        '--endpoint-url',
        endpoint,
        '--region',
        'eu-west-1',
        '--stack',
        's',
      ]);
      expect(code).toBe(2);
      expect(stdout + stderr).not.toContain('S3cret');
      outputs[format] = stdout;
    }
    expect(outputs.text).toContain(`error  stack://eu-west-1/s: ${message}\n`);
    expect((JSON.parse(outputs.json) as ScanReport).errors).toEqual([{ file: 'stack://eu-west-1/s', message }]);
    const sarif = JSON.parse(outputs.sarif) as Sarif.Log;
    expect(sarif.runs[0].invocations![0].toolExecutionNotifications![0].message.text).toBe(message);
  }, 60_000);

  it('every URL in a message, and a URL given whole, white space and all', () => {
    expect(redactUrls('GET http://h/p?a=1&b=S3cret;c=2#S3cret failed; see https://u:S3cret@h2/')).toBe(
      'GET http://h/p?a=***&b=***#*** failed; see https://***@h2/',
    );
    expect(redactUrl('http://h/?token=S3 cret#x')).toBe('http://h/?token=***#***');
    expect(redactUrl('https://h:8443/path?')).toBe('https://h:8443/path?');
  });
});
