/**
 * What `opslint` does for a person at a terminal (issue 19, item 15): a progress line on stderr during a scan,
 * only when stderr is a terminal and not in CI, cleared at the end; colours as picocolors and ESLint users expect
 * (`--no-color`, `NO_COLOR`, `FORCE_COLOR`, `TERM=dumb`). The terminal is faked through the CLI's injected I/O.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { colorWanted, type CliIO } from '../lib/cli/io';
import { scanSources } from '../lib/compose';
import { filesSource } from '../lib/sources/files';
import { runCli } from '../scripts/support/cli';
import { workspace } from './helpers/workspace';

const CLEAR = '\r\u001b[2K';
const QUEUE = (name: string): string => `Resources:\n  ${name}:\n    Type: AWS::SQS::Queue\n`;
const project = (): string => workspace({ 'a.yaml': QUEUE('A'), 'b.yaml': QUEUE('B'), 'c/d.yaml': QUEUE('D') });

describe('the progress line of a scan', () => {
  it('counts the inputs scanned on stderr when it is a terminal, rewritten in place and cleared at the end', async () => {
    const { code, stdout, stderr } = await runCli(['scan', '.', '--format', 'json'], {
      cwd: project(),
      stderrIsTTY: true,
    });
    expect(code).toBe(0);
    expect(stderr).toBe([0, 1, 2, 3].map((n) => `${CLEAR}opslint: ${n}/3 scanned`).join('') + CLEAR);
    // stdout is the report alone
    expect(JSON.parse(stdout)).toMatchObject({ summary: { templates: 3 } });
  });

  it.each([
    ['stderr is not a terminal (a pipe, a log file)', {}, false],
    ['in CI', { CI: 'true' }, true],
    ['in CI, as some services set it', { CI: '1' }, true],
    ['on a terminal that cannot move the cursor', { TERM: 'dumb' }, true],
  ])('is never shown when %s', async (_when, env, stderrIsTTY) => {
    const run = await runCli(['scan', '.', '--format', 'json'], { cwd: project(), env, stderrIsTTY });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
  });

  it('is shown with CI=false, and cleared before the report and the lines of input errors', async () => {
    const cwd = workspace({ 'a.yaml': QUEUE('A'), 'bad.yaml': 'Resources: [' });
    const run = await runCli(['scan', '.', '--format', 'json'], { cwd, env: { CI: 'false' }, stderrIsTTY: true });
    expect(run.code).toBe(2);
    expect(run.stderr.startsWith(`${CLEAR}opslint: 0/2 scanned${CLEAR}opslint: 1/2 scanned`)).toBe(true);
    // the error line starts on a cleared line, not after the count
    expect(run.stderr).toMatch(new RegExp(`opslint: 2/2 scanned${CLEAR.replace('[', '\\[')}bad\\.yaml:1:\\d+: `));
  });

  it('is told by the one scan loop on worker threads too: from 0 to every unit, of the same total', async () => {
    const cwd = project();
    const seen: [number, number][] = [];
    const report = await scanSources([filesSource(['.'])], {
      cwd,
      jobs: 2,
      bytesPerWorker: 1,
      onProgress: (done, total) => seen.push([done, total]),
    });
    expect(report.summary.templates).toBe(3);
    // and without anyone to tell, the scan ends all the same, with the same report
    const untold = await scanSources([filesSource(['.'])], { cwd, jobs: 2, bytesPerWorker: 1 });
    expect(JSON.stringify(untold)).toBe(JSON.stringify(report));
    expect(seen[0]).toEqual([0, 3]);
    expect(seen.at(-1)).toEqual([3, 3]);
    expect(seen.every(([, total]) => total === 3)).toBe(true);
  }, 120_000);
});

describe('colours', () => {
  const io = (isTTY: boolean, env: Record<string, string> = {}): CliIO => ({
    stdout: () => {},
    stderr: () => {},
    cwd: '.',
    env,
    isTTY,
  });

  it.each([
    ['a terminal', true, {}, true, true],
    ['a pipe', false, {}, true, false],
    ['--no-color', true, {}, false, false],
    ['NO_COLOR', true, { NO_COLOR: '1' }, true, false],
    ['an empty NO_COLOR, which does not count', true, { NO_COLOR: '' }, true, true],
    ['FORCE_COLOR to a pipe', false, { FORCE_COLOR: '1' }, true, true],
    ['an empty FORCE_COLOR to a pipe', false, { FORCE_COLOR: '' }, true, true],
    ['FORCE_COLOR=0 on a terminal', true, { FORCE_COLOR: '0' }, true, false],
    ['FORCE_COLOR=false on a terminal', true, { FORCE_COLOR: 'false' }, true, false],
    ['NO_COLOR over FORCE_COLOR, as picocolors', false, { FORCE_COLOR: '1', NO_COLOR: '1' }, true, false],
    ['--no-color over FORCE_COLOR', false, { FORCE_COLOR: '1' }, false, false],
    ['TERM=dumb', true, { TERM: 'dumb' }, true, false],
    ['FORCE_COLOR with TERM=dumb', true, { TERM: 'dumb', FORCE_COLOR: '1' }, true, true],
  ])('%s', (_what, isTTY, env, flag, wanted) => {
    expect(colorWanted(io(isTTY, env), flag)).toBe(wanted);
  });

  const ORDERS = (): string =>
    workspace({
      'orders.yaml': 'Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties: {Runtime: nodejs20.x}\n',
    });

  it('scan: FORCE_COLOR colours text to a pipe, but never a report written to a file nor another format', async () => {
    const cwd = ORDERS();
    expect((await runCli(['scan', '.'], { cwd })).stdout).not.toContain('\u001b[');
    const forced = await runCli(['scan', '.', '--format', 'text', '--format', 'json', '--output', 'r.json'], {
      cwd,
      env: { FORCE_COLOR: '1' },
    });
    expect(forced.stdout).toContain('\u001b[');
    expect(readFileSync(path.join(cwd, 'r.json'), 'utf8')).not.toContain('\u001b[');
    const toFile = await runCli(['scan', '.', '--output', 'r.txt'], { cwd, env: { FORCE_COLOR: '1' } });
    expect(toFile.code).toBe(forced.code);
    expect(readFileSync(path.join(cwd, 'r.txt'), 'utf8')).not.toContain('\u001b[');
    expect((await runCli(['scan', '.', '--format', 'json'], { cwd, env: { FORCE_COLOR: '1' } })).stdout).not.toContain(
      '\u001b[',
    );
    expect((await runCli(['scan', '.'], { cwd, isTTY: true, env: { FORCE_COLOR: '0' } })).stdout).not.toContain(
      '\u001b[',
    );
  });

  it('fix and explain follow the same rules', async () => {
    const cwd = ORDERS();
    const fix = async (env: Record<string, string>): Promise<string> =>
      (await runCli(['fix', '.', '--dry-run'], { cwd, env })).stderr;
    expect(await fix({})).not.toContain('\u001b[');
    expect(await fix({ FORCE_COLOR: '1' })).toContain('\u001b[');
    expect((await runCli(['explain', 'lambda-tracing'], { env: { FORCE_COLOR: '1' } })).stdout).toContain('\u001b[');
    expect((await runCli(['explain', 'lambda-tracing'], { isTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toContain(
      '\u001b[',
    );
  });
});
