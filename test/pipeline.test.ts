/**
 * One scan loop over sources (lib/scan, lib/sources): the same report whichever thread scans a unit, a source
 * from outside opslint with its own reader, assemblies already in memory, and what a scan that reads nothing says.
 */
import * as path from 'node:path';
import { singleTemplateAssembly } from '../lib/assembly/model';
import { BUILTIN_PACKS, scanPaths, scanSources } from '../lib/compose';
import { defineRule, definePack } from '../lib/rule';
import { buildReport, scanNow } from '../lib/scan';
import { configureRules } from '../lib/engine/config';
import { filesSource } from '../lib/sources/files';
import { memorySource } from '../lib/sources/memory';
import type { Reader, Source } from '../lib/sources/source';
import { templateFromText } from '../lib/template/load';
import { workspace } from './helpers/workspace';

const REPO = path.join(__dirname, '..');
const TRACING = ['fixtures/tracing', 'fixtures/logging'];

describe('one scan loop', () => {
  it('runs the same rules on workers as on this thread when the scan uses some of the built-in packs', async () => {
    const packs = BUILTIN_PACKS.filter((p) => p.id === 'tracing');
    const one = scanPaths(TRACING, { cwd: REPO, packs });
    expect(new Set(one.findings.map((f) => f.pack))).toEqual(new Set(['tracing']));
    const two = await scanSources([filesSource(TRACING)], { cwd: REPO, packs, jobs: 2, bytesPerWorker: 1 });
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
  }, 60_000);

  it('refuses to scan on workers that would load other rules than this thread', async () => {
    const extra = definePack({
      id: 'acme',
      rules: [
        defineRule({
          id: 'acme/any',
          title: 'Any',
          bestPractice: 'OPS04-BP01',
          severity: 'info',
          resourceTypes: ['AWS::Lambda::Function'],
          messages: { any: 'Any.' },
          check: (_r, ctx) => ctx.report({ messageId: 'any' }),
        }),
      ],
    });
    // packSources says what workers load beside the built-in packs: here nothing, though the scan has one more pack
    const scanning = scanSources([filesSource(TRACING)], {
      cwd: REPO,
      packs: [...BUILTIN_PACKS, extra],
      packSources: [],
      jobs: 2,
      bytesPerWorker: 1,
    });
    await expect(scanning).rejects.toThrow('a worker thread configured other rules than the main thread');
    // without packSources, a pack given as an object keeps the scan on this thread
    const report = await scanSources([filesSource(TRACING)], {
      cwd: REPO,
      packs: [...BUILTIN_PACKS, extra],
      jobs: 2,
      bytesPerWorker: 1,
    });
    expect(report.findings.some((f) => f.ruleId === 'acme/any')).toBe(true);
  }, 60_000);

  it('reads the units of a source from outside opslint with the reader it brings, on this thread', async () => {
    const text =
      'Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties: {Runtime: nodejs22.x, Handler: i.h, Role: r, Code: {ZipFile: x}}\n';
    const reader: Reader<string> = {
      id: 'git-blob',
      portable: true,
      read: (blob) => ({
        assembly: singleTemplateAssembly(templateFromText(blob, 'HEAD:api.yaml', { explicit: true })!),
        errors: [],
      }),
    };
    const source: Source = {
      readers: [reader],
      list: () => ({
        units: [{ reader: 'git-blob', name: 'HEAD:api.yaml', bytes: text.length, data: text }],
        errors: [],
      }),
    };
    const report = await scanSources([source], {
      selection: { rules: ['lambda-tracing'] },
      jobs: 2,
      bytesPerWorker: 1,
    });
    expect(report.findings.map((f) => [f.ruleId, f.file, f.resource])).toEqual([
      ['lambda-tracing', 'HEAD:api.yaml', 'Fn'],
    ]);
    expect(report.errors).toEqual([]);
  });

  it('scans assemblies already in memory as buildReport reports them', () => {
    const template = templateFromText(
      'Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties: {Runtime: nodejs22.x}\n',
      'in-memory.yaml',
      { explicit: true },
    )!;
    const assembly = singleTemplateAssembly(template);
    const rules = configureRules(BUILTIN_PACKS, { packs: ['tracing'] });
    const report = scanNow([memorySource([{ assembly, errors: [] }])], { packs: [], rules, suppressions: false });
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report).toEqual(buildReport([assembly], rules));
  });

  it('says where it looked when it read no template, and not when another source read one', async () => {
    const empty = workspace({ 'notes.txt': 'no template here\n' });
    const nothing = await scanSources([filesSource(['.'])], { cwd: empty });
    expect(nothing.errors.map((e) => e.message)).toEqual([
      'no CloudFormation template or cloud assembly found here: nothing was scanned',
    ]);
    const template = templateFromText('Resources:\n  Q:\n    Type: AWS::SQS::Queue\n', 'q.yaml', { explicit: true })!;
    const both = await scanSources(
      [filesSource(['.']), memorySource([{ assembly: singleTemplateAssembly(template), errors: [] }])],
      { cwd: empty },
    );
    expect(both.errors).toEqual([]);
  });
});
