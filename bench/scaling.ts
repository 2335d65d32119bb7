/**
 * How opslint scales: synthetic inputs of 1k, 10k and 100k resources built from the corpus's real resources
 * (bench/synthetic.ts): folders of 500-resource templates in JSON and in YAML, and cloud assemblies of
 * 500-resource stacks. Whole process, default `--jobs`; wall time, peak RSS, time per resource.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import * as path from 'node:path';
import { fmtMb, fmtMs, median, repeat, runProcess, table, type ProcessRun } from './measure';
import type { Section, Target } from './section';
import { FORMATS } from '../lib/reporters';
import { parseDocument } from '../lib/template/parse';
import { corpusUnits, writeAssembly, writeTemplates } from './synthetic';

const SIZES = [1_000, 10_000, 100_000] as const;
const KINDS = [
  'JSON templates',
  'YAML templates',
  'cloud assembly',
  'JSON templates, many findings',
  'cloud assembly, many findings',
] as const;

export function benchScaling(corpus: string, runs: number, opslint: string): Section {
  const dir = mkdtempSync(path.join(tmpdir(), 'opslint-scaling-'));
  try {
    const units = corpusUnits(corpus);
    const out = path.join(dir, 'report.json');
    const results = new Map<string, { ms: number; peakMb?: number }>();
    for (const n of SIZES) {
      const inputs: Record<(typeof KINDS)[number], string> = {
        'JSON templates': writeTemplates(dir, units, n, 'json'),
        'YAML templates': writeTemplates(dir, units, n, 'yaml'),
        'cloud assembly': writeAssembly(dir, units, n),
        'JSON templates, many findings': writeTemplates(dir, units, n, 'json', 'findings'),
        'cloud assembly, many findings': writeAssembly(dir, units, n, 'findings'),
      };
      for (const kind of KINDS) {
        const r = repeat(runs, () =>
          runProcess(process.execPath, [
            opslint,
            'scan',
            inputs[kind],
            '--format',
            'json',
            '--output',
            out,
            '--fail-on',
            'none',
          ]),
        );
        if (r.last.status !== 0)
          throw new Error(`opslint failed on ${inputs[kind]} (${r.last.status}): ${r.last.stderr.slice(0, 500)}`);
        results.set(`${kind} ${n}`, r);
      }
    }
    // worker threads against the main thread alone, on the largest folder of templates
    const jsonDir = path.join(dir, 'templates-corpus-100000-json');
    const jobs = [1, 2, 4].map(
      (n) =>
        [
          n,
          repeat(runs, () =>
            runProcess(process.execPath, [
              opslint,
              'scan',
              jsonDir,
              '--jobs',
              String(n),
              '--format',
              'json',
              '--output',
              out,
              '--fail-on',
              'none',
            ]),
          ),
        ] as const,
    );
    const rows = KINDS.flatMap((kind) =>
      SIZES.map((n) => {
        const r = results.get(`${kind} ${n}`)!;
        return [kind, n.toLocaleString('en'), fmtMs(r.ms), fmtMb(r.peakMb), `${((r.ms * 1000) / n).toFixed(0)} µs`];
      }),
    );
    const targets: Target[] = [];
    for (const kind of [
      'JSON templates',
      'cloud assembly',
      'JSON templates, many findings',
      'cloud assembly, many findings',
    ] as const) {
      const big = results.get(`${kind} 100000`)!;
      const ten = results.get(`${kind} 10000`)!;
      targets.push({ name: `100k resources (${kind}) in under 5 s`, met: big.ms < 5000, detail: fmtMs(big.ms) });
      targets.push({
        name: `100k resources (${kind}) under 500 MB peak RSS`,
        met: (big.peakMb ?? Infinity) < 500,
        detail: fmtMb(big.peakMb),
      });
      targets.push({
        name: `10× the resources at most 11× the time (${kind}, 10k → 100k)`,
        met: big.ms / ten.ms <= 11,
        detail: `${(big.ms / ten.ms).toFixed(1)}×`,
      });
    }
    const yaml = results.get('YAML templates 100000')!;
    const yamlRatio = yaml.ms / results.get('YAML templates 10000')!.ms;
    targets.push({ name: '100k resources (YAML templates) in under 8 s', met: yaml.ms < 8000, detail: fmtMs(yaml.ms) });
    targets.push({
      name: '10× the resources at most 11× the time (YAML templates, 10k → 100k)',
      met: yamlRatio <= 11,
      detail: `${yamlRatio.toFixed(1)}×`,
    });
    const markdown = [
      `Synthetic inputs from ${units.length} corpus templates (plain CloudFormation, parsed cleanly), copied under renamed logical ids until the size is reached: folders of 500-resource templates (CloudFormation's limit per stack), and cloud assemblies of 500-resource stacks with construct-path metadata. Beside them, inputs with many findings (bench/synthetic.ts \`findingTemplates\`): 100-resource templates or stacks of small services whose functions, state machines, databases and stages lack their logs, traces and alarms, about 1.5 findings a resource. One process per run, default \`--jobs\`, JSON report to a file, median of ${runs} runs.`,
      '',
      table(['input', 'resources', 'wall (median)', 'peak RSS', 'per resource'], rows),
      '',
      `The 100k JSON templates with \`--jobs\` given (default: one fewer than the ${availableParallelism()} cores):`,
      '',
      table(
        ['--jobs', 'wall (median)', 'peak RSS'],
        jobs.map(([n, r]) => [String(n), fmtMs(r.ms), fmtMb(r.peakMb)]),
      ),
    ].join('\n');
    return { title: 'Scaling', markdown, targets };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The memory target: resources and findings of the input, and the most a scan may hold in any format. */
const MEMORY = { resources: 100_000, limitMb: 500 } as const;

/**
 * Peak memory by report format: 100k resources with many findings (bench/synthetic.ts `findingTemplates`), as 1,000
 * templates of 100 resources and as a cloud assembly of 1,000 such stacks, scanned once per format and run, each
 * report written to a file; then the JSON report to stdout, which the scan writes as it is made too. The assembly is
 * the harder case: one unit, whose stacks and findings are all held until its app-level rules have run.
 */
export function benchReportMemory(runs: number, opslint: string): Section {
  const dir = mkdtempSync(path.join(tmpdir(), 'opslint-memory-'));
  try {
    const inputs = [
      { name: 'templates', dir: writeTemplates(dir, [], MEMORY.resources, 'json', 'findings') },
      { name: 'cloud assembly', dir: writeAssembly(dir, [], MEMORY.resources, 'findings') },
    ];
    const scan = (input: string, format: string, file?: string): ProcessRun =>
      runProcess(process.execPath, [
        opslint,
        'scan',
        input,
        '--format',
        format,
        ...(file ? ['--output', file] : []),
        '--fail-on',
        'none',
      ]);
    const outputs = inputs.flatMap((input) => [
      ...FORMATS.map((format) => ({ input, format, file: path.join(dir, `report.${format}`) })),
      { input, format: 'json', file: undefined },
    ]);
    // interleaved: each run scans each input once in every format
    const all: ProcessRun[][] = outputs.map(() => []);
    const sizes: string[] = outputs.map(() => '–');
    const findings = new Map<string, number>();
    for (let i = 0; i < runs; i++) {
      outputs.forEach((o, j) => {
        const r = scan(o.input.dir, o.format, o.file);
        if (r.status !== 0) throw new Error(`opslint failed with ${o.format} (${r.status}): ${r.stderr.slice(0, 500)}`);
        all[j].push(r);
        if (!o.file) return;
        sizes[j] = `${(statSync(o.file).size / 2 ** 20).toFixed(1)} MB`;
        if (o.format === 'json')
          findings.set(
            o.input.name,
            (JSON.parse(readFileSync(o.file, 'utf8')) as { findings: unknown[] }).findings.length,
          );
      });
    }
    const rows = outputs.map((o, j) => {
      const peak = Math.max(...all[j].map((r) => r.peakMb ?? NaN));
      return {
        input: o.input.name,
        format: o.file ? o.format : `${o.format} to stdout`,
        peak,
        ms: median(all[j].map((r) => r.ms)),
        size: sizes[j],
      };
    });
    const count = (name: string): string => (findings.get(name) ?? 0).toLocaleString('en');
    const markdown = [
      `${MEMORY.resources.toLocaleString('en')} resources of small services with many findings, as 1,000 JSON templates (${count('templates')} findings) and as a cloud assembly of 1,000 stacks (${count('cloud assembly')} findings), each scanned in every format, one process per scan, interleaved, ${runs} runs; peak RSS the largest seen (GNU time), wall time the median. Each report is written as it is made (a streaming reporter), to a file, and to stdout for JSON. The assembly is one unit: its stacks and findings are all held until its app-level rules have run.`,
      '',
      table(
        ['input', 'format', 'peak RSS', 'wall (median)', 'report'],
        rows.map((r) => [r.input, r.format, fmtMb(Number.isFinite(r.peak) ? r.peak : undefined), fmtMs(r.ms), r.size]),
      ),
    ].join('\n');
    return {
      title: 'Memory by report format',
      markdown,
      targets: rows.map((r) => ({
        name: `100k resources with ${Math.round((findings.get(r.input) ?? 0) / 1000)}k findings under ${MEMORY.limitMb} MB peak RSS (${r.input}, ${r.format})`,
        met: r.peak < MEMORY.limitMb,
        detail: fmtMb(Number.isFinite(r.peak) ? r.peak : undefined),
      })),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * YAML that CloudFormation accepts but the yaml library rejects (a quoted scalar continued at its key's
 * indentation, a flow sequence not indented past its key) is read by re-parsing with the offending lines
 * indented: that must stay linear in the number of such constructs.
 */
export function benchLenientYaml(runs: number): Section {
  const role = (n: number): string =>
    `  Role${n}:\n    Type: AWS::IAM::Role\n    Properties:\n      ManagedPolicyArns: [\n      !Sub "arn:\${AWS::Partition}:iam::aws:policy/P${n}",\n      ]\n      Description: 'role\n      ${n}'\n`;
  const time = (n: number): number => {
    const text = `Resources:\n${Array.from({ length: n }, (_, i) => role(i)).join('')}`;
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = process.hrtime.bigint();
      parseDocument(text, 'template.yaml');
      ms.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    return median(ms);
  };
  const small = time(1_000);
  const large = time(10_000);
  return {
    title: 'YAML read leniently',
    markdown: `Templates of 1,000 and 10,000 IAM roles, each with a flow sequence and a quoted scalar that need leniency (2 notes per role), parsed in-process, median of ${runs} runs: ${fmtMs(small)} and ${fmtMs(large)}.`,
    targets: [
      {
        name: '10× the lenient constructs at most 11× the time (1k → 10k)',
        met: large / small <= 11,
        detail: `${(large / small).toFixed(1)}×`,
      },
    ],
  };
}
