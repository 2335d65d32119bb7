/**
 * The same inputs give byte-identical output in every format: on a second run, whatever order the disk
 * lists the files in, and whatever order they are named in on the command line. Machine-readable output
 * carries no timestamps or durations.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FORMATS } from '../lib/reporters';
import { REPO, runCli } from '../scripts/support/cli';
import { yaml } from './helpers/yaml';

/** Templates with findings, suppressions, notes, a broken file, a file that is no template and a cloud assembly. */
const SOURCES: Record<string, string> = {
  'orders.yaml': 'fixtures/cli/workload/orders.yaml',
  'broken.json': 'fixtures/cli/workload/broken.json',
  'package.json': 'fixtures/cli/workload/package.json',
  'examples/orders-service.yaml': 'examples/templates/orders-service.yaml',
  'examples/audit-trail.yaml': 'examples/templates/audit-trail.yaml',
  'app.out': 'fixtures/configuration/config-recorder-present/fail-assembly-without-recorder',
};
const SUPPRESSED = yaml`
  Resources:
    Fn:
      Type: AWS::Lambda::Function
      Metadata:
        opslint:
          suppress:
            - {id: lambda-tracing, reason: Traced by the service mesh instead}
            - {id: alarm-coverage, reason: short}
      Properties:
        Runtime: nodejs20.x
        Handler: index.handler
        Role: arn:aws:iam::123456789012:role/fn
        Code: {ZipFile: 'exports.handler = async () => ({})'}
`;

let root: string;

/** A copy of the inputs, written in the given order of names. */
function workspace(name: string, order: 'forward' | 'backward'): string {
  const dir = path.join(root, name);
  mkdirSync(dir);
  const entries = Object.entries(SOURCES);
  if (order === 'backward') entries.reverse();
  const suppressed = (): void => writeFileSync(path.join(dir, 'suppressed.yaml'), SUPPRESSED, { flag: 'w' });
  if (order === 'backward') suppressed();
  for (const [to, from] of entries) cpSync(path.join(REPO, from), path.join(dir, to), { recursive: true });
  if (order === 'forward') suppressed();
  return dir;
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'opslint-determinism-'));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Every format's output of one scan. */
async function outputs(cwd: string, paths: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const format of FORMATS) {
    const { stdout, code } = await runCli(['scan', ...paths, '--format', format, '--no-config', '--scorecard'], {
      cwd,
    });
    out[format] = `${stdout}\nexit ${code}`;
  }
  return out;
}

describe('byte-identical output', () => {
  it('on a second run, and whatever order the disk lists files in', async () => {
    const forward = workspace('a', 'forward');
    const backward = workspace('b', 'backward');
    const first = await outputs(forward, ['.']);
    expect(await outputs(forward, ['.'])).toEqual(first);
    expect(await outputs(backward, ['.'])).toEqual(first);

    // every folder listed in the opposite order, whatever order the file system keeps
    const fs = require('node:fs') as typeof import('node:fs');
    const list = fs.readdirSync;
    const spy = jest
      .spyOn(fs, 'readdirSync')
      .mockImplementation(((dir: string, options?: object) =>
        (list(dir, options as never) as unknown[]).reverse()) as typeof list);
    let reversed;
    try {
      reversed = await outputs(forward, ['.']);
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
    expect(reversed).toEqual(first);

    // the scan did see the findings, the suppression, the broken file and the assembly
    expect(first.json).toContain('"suppressed"');
    expect(first.json).toContain('broken.json');
    expect(first.json).toContain('app.out/');
    expect(first.json).toMatch(/exit 2$/);
  }, 300_000);

  it('whatever order the paths are named in', async () => {
    const dir = workspace('c', 'forward');
    const named = ['orders.yaml', 'examples', 'suppressed.yaml', 'app.out', 'broken.json'];
    expect(await outputs(dir, [...named].reverse())).toEqual(await outputs(dir, named));
  }, 300_000);
});

describe('machine-readable output', () => {
  it('carries no timestamps or durations', async () => {
    const dir = workspace('d', 'forward');
    for (const [format, text] of Object.entries(await outputs(dir, ['.']))) {
      // a date and time, or a field for a time (SARIF's invocation times, JUnit's time attribute)
      expect([format, text.match(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/g)]).toEqual([format, null]);
      expect([
        format,
        text.match(
          /"(startTimeUtc|endTimeUtc|timestamp|duration\w*|elapsed\w*|generated\w*)"\s*:|\b(time|timestamp)="/g,
        ),
      ]).toEqual([format, null]);
    }
  }, 300_000);
});
