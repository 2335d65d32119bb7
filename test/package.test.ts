/**
 * The packed package works where it is installed: `npm pack`, install the tarball into an empty project,
 * run the `opslint` binary from there. Also checks that the tarball ships only what runs.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { REPO } from './helpers/cli';

const pkg = require('../package.json') as { version: string; name: string };

// npm passes its own configuration to scripts through npm_* variables; the nested npm must not inherit them
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
const run = (cmd: string, args: string[], cwd: string): string => execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('the packed package', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'opslint-pack-'));
  let tarball = '';
  let files: string[] = [];

  beforeAll(() => {
    const out = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], REPO)) as { filename: string; files: { path: string }[] }[];
    tarball = path.join(work, out[0].filename);
    files = out[0].files.map((f) => f.path);
  }, 120_000);

  it('ships the compiled code and nothing of the development tree', () => {
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/bin/opslint.js', 'dist/lib/index.js', 'dist/lib/index.d.ts']));
    const strays = files.filter((f) => /^(test|fixtures|bench|examples|lib|rules|bin)\//.test(f) || (/\.ts$/.test(f) && !/\.d\.ts$/.test(f)) || /\.map$/.test(f));
    expect(strays).toEqual([]);
  });

  it('installs into an empty project and runs `opslint`', () => {
    const app = path.join(work, 'app');
    mkdirSync(app);
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    run('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline'], app);
    expect(run('npx', ['--no-install', 'opslint', '--version'], app).trim()).toBe(pkg.version);
    const template = path.join(app, 'template.yaml');
    writeFileSync(template, 'Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs20.x\n');
    let output = '';
    try {
      run('npx', ['--no-install', 'opslint', 'scan', 'template.yaml', '--rule', 'lambda-tracing', '--fail-on', 'warning', '--format', 'json'], app);
    } catch (error) {
      const e = error as { status: number; stdout: string };
      expect(e.status).toBe(1);
      output = e.stdout;
    }
    const report = JSON.parse(output) as { findings: { ruleId: string; line: number }[] };
    expect(report.findings.map((f) => [f.ruleId, f.line])).toEqual([['lambda-tracing', 4]]);
    // the public API loads from the installed package
    const api = run('node', ['-e', "const o = require('opslint'); console.log(typeof o.defineRule, typeof o.scanPaths, typeof require('opslint/testing').RuleTester)"], app);
    expect(api.trim()).toBe('function function function');
  }, 180_000);
});
