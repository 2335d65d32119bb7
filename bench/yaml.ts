/**
 * Reading the corpus's YAML templates with positions: opslint's reader against what it used before (the yaml
 * library's documents, still its fallback) and against the candidates for the job, in one process, the
 * readers interleaved, median of several passes over all the files.
 */
import { readFileSync } from 'node:fs';
import * as jsyaml from 'js-yaml';
import * as YAML from 'yaml';
import { Deadline, DEFAULT_PARSE_LIMITS } from '../lib/template/parse';
import { parseYaml, parseYamlExact } from '../lib/template/parse-yaml';
import { readYamlFast, SHORT_FORMS } from '../lib/template/yaml-fast';
import { fmtMs, median, table } from './measure';
import type { Section } from './section';
import { corpusYamlTemplates } from '../scripts/support/corpus';

/** js-yaml's core schema with CloudFormation's short-form tags, on scalars, sequences and mappings. */
function jsYamlSchema(): jsyaml.Schema {
  const kinds = ['scalar', 'sequence', 'mapping'] as const;
  return jsyaml.CORE_SCHEMA.extend(
    [...SHORT_FORMS].flatMap(([tag, longForm]) =>
      kinds.map((kind) => new jsyaml.Type(tag, { kind, construct: (data: unknown) => ({ [longForm]: data }) })),
    ),
  );
}

export function benchYaml(corpus: string, runs: number): Section {
  const files = corpusYamlTemplates(corpus).map((file) => readFileSync(file, 'utf8'));
  const bytes = files.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  const deadline = (): Deadline => new Deadline(DEFAULT_PARSE_LIMITS, 'template.yaml');
  const schema = jsYamlSchema();

  // each reader over every file; what it cannot read is counted, not timed apart
  const readers: [string, (text: string) => void][] = [
    [
      'before: the yaml library (`parseYamlExact`, its fallback now)',
      (t) => parseYamlExact(t, 'f', DEFAULT_PARSE_LIMITS, deadline()),
    ],
    [
      'the yaml library: lexer and CST parser only (no values)',
      (t) => {
        const lines = new YAML.LineCounter();
        for (const token of new YAML.Parser(lines.addNewLine).parse(t)) void token;
      },
    ],
    [
      'js-yaml 4 `load`, core schema and short-form tags, with a position listener (offsets only, no source map)',
      (t) => {
        const offsets: number[] = [];
        jsyaml.load(t, {
          schema,
          listener(event, state) {
            if (event === 'open') offsets.push(state.position);
          },
        });
      },
    ],
    [
      'opslint `parseYaml` (fast reader, yaml library on fallback)',
      (t) => parseYaml(t, 'f', DEFAULT_PARSE_LIMITS, deadline()),
    ],
  ];
  const failures = readers.map(() => 0);
  const pass = (k: number): number => {
    const started = process.hrtime.bigint();
    let failed = 0;
    for (const text of files) {
      try {
        readers[k][1](text);
      } catch {
        failed++;
      }
    }
    failures[k] = failed;
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  readers.forEach((_, k) => pass(k));
  const times: number[][] = readers.map(() => []);
  for (let r = 0; r < runs; r++) {
    // interleaved, starting each round with another reader, so that all see the machine alike
    for (let j = 0; j < readers.length; j++) {
      const k = (r + j) % readers.length;
      times[k].push(pass(k));
    }
  }
  const ms = times.map(median);
  const before = ms[0];
  const ours = ms[ms.length - 1];
  const accepted = files
    .filter((t) => readYamlFast(t, DEFAULT_PARSE_LIMITS.maxDepth, deadline()))
    .reduce((sum, t) => sum + Buffer.byteLength(t), 0);
  const mbs = (t: number): string => `${(bytes / 1e6 / (t / 1000)).toFixed(1)} MB/s`;
  const rows = readers.map(([name], k) => [
    name,
    fmtMs(ms[k]),
    mbs(ms[k]),
    `${(before / ms[k]).toFixed(1)}×`,
    String(failures[k]),
  ]);
  const ratio = before / ours;
  const markdown = [
    `The ${files.length} YAML templates of the corpus (${(bytes / 1e6).toFixed(1)} MB), each reader over all of them in one process, interleaved, median of ${runs} passes after one to warm up. opslint's reader reads CloudFormation's YAML (block and flow collections, plain, quoted and block scalars, comments, short-form tags) in one pass into the values and their source map, and leaves anything else (anchors, \`!!\` tags, tabs, CRLF, errors…) to the yaml library; it read ${((accepted / bytes) * 100).toFixed(1)}% of these bytes itself. js-yaml is faster than the yaml library but builds no source map (its listener gives offsets of nodes only), reads scalars by its own rules, and fails on some templates.`,
    '',
    table(['reader', 'pass (median)', 'speed', 'vs before', 'files failed'], rows),
  ].join('\n');
  return {
    title: 'YAML read with positions',
    markdown,
    targets: [
      {
        name: 'YAML read with positions ≥ 3× faster than today',
        met: ratio >= 3,
        detail: `${ratio.toFixed(1)}× (${mbs(ours)} against ${mbs(before)})`,
      },
    ],
  };
}
