/**
 * `npm run bench`: opslint against cfn-guard on the corpus, against cdk-nag inside synthesis, how it scales,
 * and its start-up; prints each comparison and rewrites bench/RESULTS.md with the machine it ran on.
 *
 *   npm run bench [-- --runs N] [-- --only yaml,small-repo,cfn-guard,cfn-validate,synth,scaling,memory,startup,startup-cache,lenient-yaml,hook]
 * Needs `npm run build` first (it runs the built CLI, as users do); `npm run bench` does that.
 */
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { benchCfnGuard, benchSmallRepo } from './cfn-guard';
import { benchCfnValidate } from './cfn-validate';
import { benchHook } from './hook';
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
  ['synth', () => benchSynth(runs, Math.max(runs, 10))],
  ['scaling', () => benchScaling(CORPUS, runs, OPSLINT)],
  ['memory', () => benchReportMemory(Math.min(runs, 3), OPSLINT)],
  ['startup', () => benchStartup(Math.max(runs, 10), OPSLINT)],
  ['startup-cache', () => benchStartupCache(Math.max(runs, 10), OPSLINT)],
  ['lenient-yaml', () => benchLenientYaml(runs)],
  ['hook', () => benchHook(CORPUS, Math.max(runs, 10), OPSLINT)],
];
const sections: Section[] = [];
for (const [name, bench] of benches) {
  if (!wanted(name)) continue;
  process.stderr.write(`bench: ${name}…\n`);
  const section = bench();
  sections.push(section);
  process.stdout.write(
    `\n## ${section.title}\n\n${section.markdown}\n\n${section.targets.map((t) => `${t.met ? '✔' : '✘'} ${t.name}: ${t.detail}`).join('\n')}\n`,
  );
}

if (!only) {
  const targets = sections.flatMap((s) => s.targets);
  const md = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` (bench/run.ts); do not edit. Machine: ${machine()}.`,
    '',
    '| target | measured | |',
    '|---|---|---|',
    ...targets.map((t) => `| ${t.name} | ${t.detail} | ${t.met ? 'met' : '**missed**'} |`),
    '',
    ...sections.flatMap((s) => [`## ${s.title}`, '', s.markdown, '']),
  ].join('\n');
  writeFileSync(path.join(REPO, 'bench', 'RESULTS.md'), md);
  process.stderr.write('bench: wrote bench/RESULTS.md\n');
}
