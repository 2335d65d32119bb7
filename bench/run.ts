/**
 * `npm run bench`: opslint against cfn-guard on the corpus, against cdk-nag inside synthesis, how it scales,
 * and its start-up; prints each comparison, keeps it in bench/results.json and rewrites bench/RESULTS.md from it.
 *
 *   npm run bench [-- --runs N] [-- --only yaml,small-repo,cfn-guard,cfn-validate,synth,scaling,memory,startup,startup-cache,lenient-yaml,hook,lsp,fix]
 * Needs `npm run build` first (it runs the built CLI, as users do); `npm run bench` does that.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { benchCfnGuard, benchSmallRepo } from './cfn-guard';
import { benchCfnValidate } from './cfn-validate';
import { benchFix } from './fix';
import { benchHook } from './hook';
import { benchLsp } from './lsp';
import { machine } from './measure';
import { benchLenientYaml, benchReportMemory, benchScaling } from './scaling';
import type { Section } from './section';
import { benchStartup } from './startup';
import { benchStartupCache } from './startup-cache';
import { benchSynth } from './synth';
import { benchYaml } from './yaml';
import { corpusDir } from '../scripts/support/corpus';

const REPO = path.resolve(__dirname, '..');
const OPSLINT = path.join(REPO, 'dist', 'bin', 'opslint.js');
const CORPUS = corpusDir();

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const runs = Number(arg('runs') ?? 5);
const only = arg('only')?.split(',');
const wanted = (name: string): boolean => !only || only.includes(name);
if (!existsSync(OPSLINT)) throw new Error('run `npm run build` first');

const benches: [string, () => Section][] = [
  ['yaml', () => benchYaml(CORPUS, runs)],
  ['small-repo', () => benchSmallRepo(CORPUS, runs, OPSLINT)],
  ['cfn-guard', () => benchCfnGuard(CORPUS, runs, OPSLINT)],
  ['cfn-validate', () => benchCfnValidate(CORPUS, runs, OPSLINT)],
  ['synth', () => benchSynth(Math.max(runs, 9), Math.max(runs, 10))],
  ['scaling', () => benchScaling(CORPUS, runs, OPSLINT)],
  ['memory', () => benchReportMemory(Math.min(runs, 3), OPSLINT)],
  ['startup', () => benchStartup(Math.max(runs, 10), OPSLINT)],
  ['startup-cache', () => benchStartupCache(Math.max(runs, 10), OPSLINT)],
  ['lenient-yaml', () => benchLenientYaml(runs)],
  ['hook', () => benchHook(CORPUS, Math.max(runs, 10), OPSLINT)],
  ['lsp', () => benchLsp(CORPUS, Math.max(runs * 20, 100), OPSLINT)],
  ['fix', () => benchFix(runs, OPSLINT)],
];
const ran = new Map<string, Section>();
for (const [name, bench] of benches) {
  if (!wanted(name)) continue;
  process.stderr.write(`bench: ${name}…\n`);
  const section = bench();
  ran.set(name, section);
  process.stdout.write(
    `\n## ${section.title}\n\n${section.markdown}\n\n${section.targets.map((t) => `${t.met ? '✔' : '✘'} ${t.name}: ${t.detail}`).join('\n')}\n`,
  );
}

// every section's last result is kept (bench/results.json), so a run of some sections (`--only`) rewrites
// RESULTS.md with the others as they last ran, each saying when and where
const RESULTS = path.join(REPO, 'bench', 'results.json');
const kept = (existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : {}) as Record<string, Recorded>;
const ranAt = { at: new Date().toISOString().slice(0, 10), commit: commit(), machine: machine() };
for (const [name, section] of ran) kept[name] = { ...ranAt, section };
const ordered = benches.flatMap(([name]) => (kept[name] ? [[name, kept[name]] as const] : []));
writeFileSync(RESULTS, `${JSON.stringify(Object.fromEntries(ordered), null, 2)}\n`);
const md = [
  '# Benchmarks',
  '',
  'Written by `npm run bench` (bench/run.ts) from bench/results.json, which keeps the last run of each section; do not edit. `npm run bench -- --only <sections>` runs some again. Each section says when, at which commit and on which machine it ran.',
  '',
  '| target | measured | |',
  '|---|---|---|',
  ...ordered.flatMap(([, r]) =>
    r.section.targets.map((t) => `| ${t.name} | ${t.detail} | ${t.met ? 'met' : '**missed**'} |`),
  ),
  '',
  ...ordered.flatMap(([name, r]) => [
    `## ${r.section.title}`,
    '',
    `_\`${name}\`: ${r.at}, commit ${r.commit}, ${r.machine}._`,
    '',
    r.section.markdown,
    '',
  ]),
].join('\n');
writeFileSync(path.join(REPO, 'bench', 'RESULTS.md'), md);
process.stderr.write('bench: wrote bench/RESULTS.md\n');

interface Recorded {
  readonly at: string;
  readonly commit: string;
  readonly machine: string;
  readonly section: Section;
}

/** The commit measured, marked when the working tree differs from it. */
function commit(): string {
  const git = (args: string[]): string => spawnSync('git', args, { cwd: REPO, encoding: 'utf8' }).stdout?.trim() ?? '';
  const head = git(['rev-parse', '--short', 'HEAD']) || 'unknown';
  return git(['status', '--porcelain', '--untracked-files=no']) ? `${head} (with changes)` : head;
}
