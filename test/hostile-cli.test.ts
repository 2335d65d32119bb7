/**
 * Issue 16, the command line: hostile baselines, output paths, git refs and templates cannot hang `scan` or
 * `fix`, make them overwrite a template, run git options, or print terminal escapes; `fix` writes a template
 * whole or not at all, with the configured limits, and its dry-run patch applies.
 */
import {
  chmodSync,
  cpSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { ScanReport } from '../lib/engine/finding';
import { REPO, runCli } from '../scripts/support/cli';
import { workspace } from './helpers/workspace';

/** A log group without retention: log-group-retention reports it and its fix adds `RetentionInDays: 14`. */
const LOG_GROUP = 'Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n';
const FIXED_LOG_GROUP = `${LOG_GROUP}    Properties:\n      RetentionInDays: 14\n`;
const RETENTION = ['--no-config', '--rule', 'log-group-retention'];

const read = (dir: string, name: string): string => readFileSync(path.join(dir, name), 'utf8');

function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=opslint', '-c', 'user.email=opslint@example.com', '-c', 'commit.gpgsign=false', ...args],
    { cwd, encoding: 'utf8' },
  );
}

describe('#8 a baseline of 100,000 duplicate entries', () => {
  it('loads, matches one finding and lists the other entries as fixed', async () => {
    const entry = {
      ruleId: 'log-group-retention',
      file: 't.yaml',
      resource: 'Logs',
      path: 'Resources.Logs.Properties.RetentionInDays',
    };
    const dir = workspace({
      't.yaml': LOG_GROUP,
      'baseline.json': JSON.stringify({ version: 1, findings: Array.from({ length: 100_000 }, () => entry) }),
    });
    const { code, stdout } = await runCli(
      ['scan', ...RETENTION, '--baseline', 'baseline.json', '--format', 'json', 't.yaml'],
      { cwd: dir },
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as ScanReport;
    expect(report.findings).toEqual([]);
    expect(report.summary.baseline?.known).toBe(1);
    expect(report.summary.baseline?.fixed).toHaveLength(99_999);
  }, 60_000);
});

describe('#12 --output naming a folder', () => {
  it('is a usage error before the scan (no report printed, nothing written)', async () => {
    const dir = workspace({ 't.yaml': LOG_GROUP, 'reports/.keep': '' });
    const { code, stdout, stderr } = await runCli(
      ['scan', ...RETENTION, '--format', 'text', '--format', 'json', '--output', 'reports', 't.yaml'],
      { cwd: dir },
    );
    expect({ code, stdout, stderr }).toEqual({
      code: 2,
      stdout: '',
      stderr: 'opslint: --output reports is a folder: name a file\n',
    });
    expect(readdirSync(path.join(dir, 'reports'))).toEqual(['.keep']);
  });

  it('is a usage error for --write-baseline too, and for a path through a file', async () => {
    const dir = workspace({ 't.yaml': LOG_GROUP, 'notes.txt': 'kept\n' });
    mkdirSync(path.join(dir, 'baselines'));
    expect(await runCli(['scan', ...RETENTION, '--write-baseline', 'baselines', 't.yaml'], { cwd: dir })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'opslint: --write-baseline baselines is a folder: name a file\n',
    });
    expect(
      await runCli(['scan', ...RETENTION, '--format', 'json', '--output', 'notes.txt/report.json', 't.yaml'], {
        cwd: dir,
      }),
    ).toEqual({
      code: 2,
      stdout: '',
      stderr: 'opslint: --output notes.txt/report.json: a folder on its path is a file\n',
    });
    expect(read(dir, 'notes.txt')).toBe('kept\n');
  });
});

describe('#15 --output naming a template being scanned', () => {
  const refused = async (dir: string, args: string[], output: string, template: string): Promise<void> => {
    const before = read(dir, template);
    const result = await runCli(['scan', ...RETENTION, '--format', 'json', '--output', output, ...args], { cwd: dir });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `opslint: --output ${output} is the template ${template}, which is being scanned: name another file\n`,
    });
    expect(read(dir, template)).toBe(before);
  };

  it('is refused for a named template, and for one found in a folder or by a glob', async () => {
    const dir = workspace({
      'templates/a.yaml': LOG_GROUP,
      'templates/nested/b.json': JSON.stringify({ Resources: { Q: { Type: 'AWS::SQS::Queue' } } }),
    });
    await refused(dir, ['templates/a.yaml'], 'templates/a.yaml', 'templates/a.yaml');
    await refused(dir, ['templates'], 'templates/nested/b.json', 'templates/nested/b.json');
    await refused(dir, ['.'], './templates/a.yaml', 'templates/a.yaml');
    await refused(dir, ['templates/**/*.json'], 'templates/nested/b.json', 'templates/nested/b.json');
  });

  it('is refused through a symbolic or a hard link to the template', async () => {
    const dir = workspace({ 'templates/a.yaml': LOG_GROUP });
    symlinkSync(path.join(dir, 'templates/a.yaml'), path.join(dir, 'soft.json'));
    linkSync(path.join(dir, 'templates/a.yaml'), path.join(dir, 'hard.json'));
    await refused(dir, ['templates'], 'soft.json', 'templates/a.yaml');
    await refused(dir, ['templates'], 'hard.json', 'templates/a.yaml');
  });

  it('is refused for --write-baseline, and inside a cloud assembly being scanned', async () => {
    const dir = workspace({ 't.yaml': LOG_GROUP });
    expect((await runCli(['scan', ...RETENTION, '--write-baseline', 't.yaml', 't.yaml'], { cwd: dir })).stderr).toBe(
      'opslint: --write-baseline t.yaml is the template t.yaml, which is being scanned: name another file\n',
    );
    expect(read(dir, 't.yaml')).toBe(LOG_GROUP);
    cpSync(
      path.join(REPO, 'fixtures/configuration/config-recorder-present/fail-assembly-without-recorder'),
      path.join(dir, 'cdk.out'),
      { recursive: true },
    );
    const template = read(dir, 'cdk.out/Orders.template.json');
    expect(
      await runCli(['scan', '--no-config', '--format', 'json', '--output', 'cdk.out/Orders.template.json', 'cdk.out'], {
        cwd: dir,
      }),
    ).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'opslint: --output cdk.out/Orders.template.json is inside the cloud assembly cdk.out, which is being scanned: name another file\n',
    });
    expect(read(dir, 'cdk.out/Orders.template.json')).toBe(template);
  });

  it('still replaces a report of an earlier run found in the folder scanned (it is no template)', async () => {
    const dir = workspace({ 't.yaml': LOG_GROUP });
    const first = await runCli(['scan', ...RETENTION, '--format', 'json', '--output', 'report.json', '.'], {
      cwd: dir,
    });
    const second = await runCli(['scan', ...RETENTION, '--format', 'json', '--output', 'report.json', '.'], {
      cwd: dir,
    });
    expect([first.code, second.code]).toEqual([0, 0]);
    expect((JSON.parse(read(dir, 'report.json')) as ScanReport).findings.map((f) => f.file)).toEqual(['t.yaml']);
  });
});

describe('#16 --changed-since with a ref that git would take for an option', () => {
  const repo = (): string => {
    const dir = workspace({ 't.yaml': LOG_GROUP });
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'template');
    return dir;
  };

  it.each([['--changed-since=--output=written.txt'], ['--changed-since', '--output=written.txt']])(
    '%s is a usage error naming the ref, and writes no file',
    async (...flag) => {
      const dir = repo();
      const { code, stdout, stderr } = await runCli(['scan', ...RETENTION, ...flag, '.'], { cwd: dir });
      expect({ code, stdout, stderr }).toEqual({
        code: 2,
        stdout: '',
        stderr: 'opslint: --changed-since: unknown git ref "--output=written.txt"\n',
      });
      expect(existsSync(path.join(dir, 'written.txt'))).toBe(false);
      expect(git(dir, 'status', '--porcelain')).toBe('');
    },
  );

  it('a ref that does not resolve is a usage error naming it; a ref that does still selects the changed files', async () => {
    const dir = repo();
    expect(await runCli(['scan', ...RETENTION, '--changed-since', 'no-such-branch', '.'], { cwd: dir })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'opslint: --changed-since: unknown git ref "no-such-branch"\n',
    });
    writeFileSync(path.join(dir, 'new.yaml'), LOG_GROUP);
    const { code, stdout } = await runCli(['scan', ...RETENTION, '--changed-since', 'HEAD', '--format', 'json', '.'], {
      cwd: dir,
    });
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as ScanReport).findings.map((f) => f.file)).toEqual(['new.yaml']);
  });
});

describe('#13 opslint fix and the configured limits', () => {
  /** JSON nested `depth` levels below a log group's Metadata (deeper than the default limit of 256). */
  const deep = (depth: number): string => {
    let value: unknown = 'x';
    for (let i = 0; i < depth; i++) value = { a: value };
    return JSON.stringify({ Resources: { Logs: { Type: 'AWS::Logs::LogGroup', Metadata: { deep: value } } } });
  };

  it.each([
    [
      'limits in the configuration',
      ['--rule', 'log-group-retention'],
      { 'opslint.config.json': JSON.stringify({ limits: { maxDepth: 400 } }) },
    ],
    ['--max-depth', [...RETENTION, '--max-depth', '400'], {}],
  ])('reads and fixes a template the scan accepts under %s, and the other files too', async (_, args, config) => {
    const dir = workspace({ 'deep.json': deep(300), 'other.yaml': LOG_GROUP, ...config });
    const { code, stdout, stderr } = await runCli(['fix', ...args, '.'], { cwd: dir });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('Fixed 2 findings in 2 files');
    expect(JSON.parse(read(dir, 'deep.json')).Resources.Logs.Properties).toEqual({ RetentionInDays: 14 });
    expect(read(dir, 'other.yaml')).toBe(FIXED_LOG_GROUP);
  });

  const gone = (): Error =>
    Object.assign(new Error('ENOENT: no such file or directory, open'), { code: 'ENOENT', syscall: 'open' });
  it.each([
    ['binary', () => Buffer.from('Resources:\u0000'), 'binary file, not a JSON or YAML template'],
    [
      'deleted',
      () => {
        throw gone();
      },
      'no such file or directory',
    ],
  ])(
    'a template that is %s when fix reads it again is listed as not fixed, and the other files are fixed',
    async (_, reread, reason) => {
      const dir = workspace({ 'a.yaml': LOG_GROUP, 'b.yaml': LOG_GROUP });
      const fs = require('node:fs') as typeof import('node:fs');
      const readFile = fs.readFileSync;
      const changed = path.join(dir, 'a.yaml');
      // the scan reads templates with readSync, fix reads each one again with readFileSync: a.yaml changed in between
      const spy = jest
        .spyOn(fs, 'readFileSync')
        .mockImplementation(((file: string, options?: never) =>
          file === changed ? reread() : readFile(file, options)) as typeof readFile);
      let result;
      try {
        result = await runCli(['fix', ...RETENTION, '.'], { cwd: dir });
      } finally {
        spy.mockRestore();
      }
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(
        `  log-group-retention  (not fixed: the file cannot be read again: ${reason})\n\nb.yaml\n  fixed   Resources.Logs.Properties.RetentionInDays: 14  log-group-retention\n`,
      );
      expect(result.stdout).toMatch(/^a\.yaml\n {2}manual {2}2:3 {2}warning /);
      expect(read(dir, 'a.yaml')).toBe(LOG_GROUP);
      expect(read(dir, 'b.yaml')).toBe(FIXED_LOG_GROUP);
    },
  );

  it('a template replaced by a FIFO when fix reads it again is not read (it would block) and is listed as not fixed', async () => {
    const dir = workspace({ 'a.yaml': LOG_GROUP, 'b.yaml': LOG_GROUP });
    execFileSync('mkfifo', [path.join(dir, 'pipe')]);
    const fs = require('node:fs') as typeof import('node:fs');
    const stat = fs.statSync;
    const changed = path.join(dir, 'a.yaml');
    // fix looks at a.yaml last, after the scan: a dry run counts the looks, and the last one sees the FIFO
    const looksAt = async (fifoAt: number): Promise<{ looks: number; result: Awaited<ReturnType<typeof runCli>> }> => {
      let looks = 0;
      const spy = jest.spyOn(fs, 'statSync').mockImplementation(((file: string, options?: never) => {
        if (file === changed && ++looks === fifoAt) return stat(path.join(dir, 'pipe'), options);
        return stat(file, options);
      }) as typeof stat);
      try {
        const result = await runCli(['fix', ...RETENTION, '--dry-run', 'a.yaml', 'b.yaml'], { cwd: dir });
        return { looks, result };
      } finally {
        spy.mockRestore();
      }
    };
    const { looks } = await looksAt(0);
    const { result } = await looksAt(looks);
    expect(result.stderr).toContain('(not fixed: the file cannot be read again: it is no longer a regular file)');
    expect(result.stdout).toContain('+++ b/b.yaml');
  }, 60_000);
});

describe('#21 usage and input errors on stderr', () => {
  it('escape control characters from the command line', async () => {
    const r = await runCli(['scan', '.', '--rule', 'x\u001b[31mred', '--no-config']);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('\u001b');
    expect(r.stderr).toContain('x\\u001b[31mred');
  });
});

describe('#14 opslint fix writes a template whole or not at all', () => {
  const fs = require('node:fs') as typeof import('node:fs');
  const enospc = (): Error => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

  it.each(['writeSync', 'fsyncSync', 'renameSync'] as const)(
    'a failure in %s leaves the template as it was, removes the temporary file and says so',
    async (step) => {
      const dir = workspace({ 'a.yaml': LOG_GROUP, 'b.yaml': LOG_GROUP });
      const original = fs[step] as (...args: unknown[]) => unknown;
      const seen: string[] = [];
      // the first write of a fixed file fails part-way, as on a full disk: at that moment its new text is in a
      // temporary file beside it, and the template itself is whole
      const spy = jest.spyOn(fs, step).mockImplementation(((...args: unknown[]) => {
        if (seen.length > 0 || !readdirSync(dir).some((name) => name.endsWith('.tmp'))) return original(...args);
        if (step === 'writeSync') original(args[0], Buffer.from('Resources:\n  Lo'));
        seen.push(read(dir, 'a.yaml'));
        throw enospc();
      }) as never);
      let result;
      try {
        result = await runCli(['fix', ...RETENTION, '.'], { cwd: dir });
      } finally {
        spy.mockRestore();
      }
      expect(seen).toEqual([LOG_GROUP]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe('a.yaml: cannot write the fixes (ENOSPC); the file is unchanged\n');
      expect(read(dir, 'a.yaml')).toBe(LOG_GROUP);
      expect(read(dir, 'b.yaml')).toBe(FIXED_LOG_GROUP);
      expect(readdirSync(dir).sort()).toEqual(['a.yaml', 'b.yaml']);
    },
  );

  it('keeps the mode of the template, and a symbolic link stays one (its target is fixed)', async () => {
    const dir = workspace({ 'real/t.yaml': LOG_GROUP });
    chmodSync(path.join(dir, 'real/t.yaml'), 0o640);
    symlinkSync(path.join(dir, 'real/t.yaml'), path.join(dir, 'link.yaml'));
    const { code } = await runCli(['fix', ...RETENTION, 'link.yaml'], { cwd: dir });
    expect(code).toBe(0);
    expect(lstatSync(path.join(dir, 'link.yaml')).isSymbolicLink()).toBe(true);
    expect(read(dir, 'real/t.yaml')).toBe(FIXED_LOG_GROUP);
    expect(statSync(path.join(dir, 'real/t.yaml')).mode & 0o777).toBe(0o640);
    expect(readdirSync(path.join(dir, 'real'))).toEqual(['t.yaml']);
  });
});

describe('#21 opslint fix shows text from templates without terminal escapes', () => {
  it('escapes control characters of logical ids, values and file names in its listing', async () => {
    // the key is Logs ESC ] 0;owned BEL ESC [2J CSI 31m, written with YAML's escapes
    const text = 'Resources:\n  "Logs\\e]0;owned\\a\\e[2J\\x9b31m":\n    Type: AWS::Logs::LogGroup\n';
    const file = 'in\u001b[31mred.yaml';
    for (const dryRun of [[], ['--dry-run']]) {
      const dir = workspace({ [file]: text });
      const { stdout, stderr } = await runCli(['fix', '--no-config', ...dryRun, file], { cwd: dir });
      const listing = dryRun.length > 0 ? stderr : stdout;
      const shown = 'Logs\\u001b]0;owned\\u0007\\u001b[2J\\u009b31m';
      expect(listing).toContain(
        `in\\u001b[31mred.yaml\n  ${dryRun.length > 0 ? 'fix   ' : 'fixed '}  Resources["${shown}"].Properties.RetentionInDays: 14  log-group-retention\n`,
      );
      // eslint-disable-next-line no-control-regex
      expect(listing).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    }
  });
});

describe('#28 the fix --dry-run patch of a file with a byte order mark', () => {
  it.each([
    ['LF', `\ufeff${LOG_GROUP}`],
    ['CRLF', `\ufeff${LOG_GROUP.replace(/\n/g, '\r\n')}`],
  ])('is one git apply takes (%s line endings), giving what fix writes', async (_, text) => {
    const dir = workspace({ 't.yaml': text });
    git(dir, 'init', '-q');
    const { code, stdout } = await runCli(['fix', ...RETENTION, '--dry-run', 't.yaml'], { cwd: dir });
    expect(code).toBe(0);
    const patchFile = `${dir}.patch`;
    writeFileSync(patchFile, stdout);
    git(dir, 'apply', '--check', patchFile);
    git(dir, 'apply', patchFile);
    const applied = readFileSync(path.join(dir, 't.yaml'));
    writeFileSync(path.join(dir, 't.yaml'), text);
    expect((await runCli(['fix', ...RETENTION, 't.yaml'], { cwd: dir })).code).toBe(0);
    expect(applied).toEqual(readFileSync(path.join(dir, 't.yaml')));
    expect(applied.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });
});

describe('--format and --output pair up as the argument parser reads them', () => {
  it('a value of another option that looks like --output is not taken for one', async () => {
    const dir = workspace({ 'a.yaml': 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n' });
    const r = await runCli(['scan', 'a.yaml', '--account-baseline', '--output=r.txt', '--format', 'json'], {
      cwd: dir,
    });
    expect(existsSync(path.join(dir, 'r.txt'))).toBe(false);
    expect(JSON.parse(r.stdout)).toHaveProperty('findings');
  });

  it('an --output after its --format, and one given before any format, still pair up', async () => {
    const dir = workspace({ 'a.yaml': 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n' });
    await runCli(
      ['scan', 'a.yaml', '-o', 'first.json', '-f', 'json', '--format', 'sarif', '--output=r.sarif', '-f', 'text'],
      { cwd: dir },
    );
    expect(JSON.parse(readFileSync(path.join(dir, 'first.json'), 'utf8'))).toHaveProperty('findings');
    expect(JSON.parse(readFileSync(path.join(dir, 'r.sarif'), 'utf8'))).toHaveProperty('runs');
  });
});

describe('#7 a FIFO named as the baseline is not read', () => {
  it('is one input error, and the scan does not block', async () => {
    const dir = workspace({ 'a.yaml': 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n' });
    execFileSync('mkfifo', [path.join(dir, 'baseline.json')]);
    const r = await runCli(['scan', 'a.yaml', '--baseline', 'baseline.json'], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([
      2,
      'opslint: baseline.json: cannot read file: is a FIFO (named pipe), not a regular file\n',
    ]);
  }, 60_000);
});

describe('a file whose name has glob syntax, named on the command line, is that file', () => {
  it('is scanned and fixed as named, not expanded as a pattern', async () => {
    const names = ['[draft](x).yaml', '![x]*.yaml', 'a{b,c}.yaml'];
    const dir = workspace(
      Object.fromEntries(names.map((n) => [n, 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n'])),
    );
    const r = await runCli(['scan', ...names, '--format', 'json'], { cwd: dir });
    expect((JSON.parse(r.stdout) as ScanReport).summary.files).toEqual([...names].sort());
    expect(r.stderr).toBe('');
    // a pattern that names no file is still a pattern
    const g = await runCli(['scan', '*.yaml', '--format', 'json'], { cwd: dir });
    expect((JSON.parse(g.stdout) as ScanReport).summary.files).toEqual([...names].sort());
  });
});

describe('#24 parameters named like what JavaScript objects inherit, given on the command line', () => {
  it('-p __proto__=… and -p constructor=… are parameter values like any other', async () => {
    const template = [
      'Parameters:',
      '  __proto__: { Type: String }',
      '  constructor: { Type: String }',
      'Conditions:',
      '  Retained: !And [!Equals [!Ref __proto__, keep], !Equals [!Ref constructor, keep]]',
      'Resources:',
      '  Logs:',
      '    Type: AWS::Logs::LogGroup',
      '    Properties:',
      '      RetentionInDays: !If [Retained, 30, 1]',
      '',
    ].join('\n');
    const dir = workspace({ 't.yaml': template });
    const retention = async (...args: string[]) => {
      const r = await runCli(['scan', 't.yaml', '--format', 'json', '--rule', 'log-group-retention', ...args], {
        cwd: dir,
      });
      return (JSON.parse(r.stdout) as ScanReport).findings.map((f) => f.message);
    };
    expect(await retention('-p', '__proto__=keep', '-p', 'constructor=keep')).toEqual([]);
    expect(await retention('-p', '__proto__=drop', '-p', 'constructor=keep')).toEqual([
      expect.stringContaining('keeps logs for 1 day') as string,
    ]);
  });
});

describe('#15 --output does not overwrite what the scan reads, nor another report', () => {
  const TOPIC = 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n';
  it.each([
    ['a parameter file', ['-p', 'params.json', '-o', 'params.json'], 'params.json', 'parameter file params.json'],
    [
      'the configuration',
      ['-c', 'opslint.config.yaml', '-o', 'opslint.config.yaml'],
      'opslint.config.yaml',
      'configuration opslint.config.yaml',
    ],
    ['the baseline', ['--baseline', 'base.json', '-o', 'base.json'], 'base.json', 'baseline base.json'],
  ])('%s', async (_what, args, file, named) => {
    const dir = workspace({
      'tpl/a.yaml': TOPIC,
      'params.json': '{"Env": "prod"}',
      'opslint.config.yaml': 'rules:\n  lambda-tracing: warning\n',
      'base.json': '{"version": 1, "findings": []}',
    });
    const before = readFileSync(path.join(dir, file), 'utf8');
    const r = await runCli(['scan', 'tpl', ...args], { cwd: dir });
    expect([r.code, r.stdout, r.stderr]).toEqual([
      2,
      '',
      `opslint: --output ${file} is the ${named}, which opslint reads: name another file\n`,
    ]);
    expect(readFileSync(path.join(dir, file), 'utf8')).toBe(before);
  });

  it('two reports named to the same file', async () => {
    const dir = workspace({ 'a.yaml': TOPIC });
    const r = await runCli(['scan', 'a.yaml', '-f', 'json', '-o', 'same.out', '-f', 'sarif', '-o', 'same.out'], {
      cwd: dir,
    });
    expect([r.code, r.stderr]).toEqual([
      2,
      'opslint: --output same.out is also named by --output: each report needs a file of its own\n',
    ]);
    const b = await runCli(['scan', 'a.yaml', '-o', 'r.out', '--write-baseline', 'r.out'], { cwd: dir });
    expect([b.code, b.stderr]).toEqual([
      2,
      'opslint: --write-baseline r.out is also named by --output: each report needs a file of its own\n',
    ]);
    expect(existsSync(path.join(dir, 'same.out')) || existsSync(path.join(dir, 'r.out'))).toBe(false);
  });
});
