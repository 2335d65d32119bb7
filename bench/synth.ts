/**
 * opslint against cdk-nag 3 inside `cdk synth`, as users pay it. Each synthesis runs in a fresh process
 * (bench/synth-child.ts): the CDK warmed with a throwaway app (and left to finish), then the clock runs from
 * building the app through requiring the checker to the end of `app.synth()`. Apps of ~100 and ~2,000 resources
 * (bench/cdk-app.ts), compliant and not, and the large one spread over Stages in environments of their own; no
 * checker, opslint's OpsChecks plugin, its OpsAspect, cdk-nag's AwsSolutionsChecks; interleaved, median of
 * `processes` runs. Then, in one warm process each, the checkers' own validate() and what CDK itself spends on the
 * violations each hands it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LARGE, SMALL, type AppShape } from './cdk-app';
import { fmtMs, median, table } from './measure';
import type { Section, Target } from './section';
import { CHECKERS, type Checker, type FreshResult, type Job, type WarmResult } from './synth-child';

const REPO = path.resolve(__dirname, '..');

interface Cell {
  readonly name: string;
  readonly shape: AppShape;
  readonly checkers: readonly Checker[];
}

const STAGES = 5;
/**
 * warm processes per app for the Stages comparison, taken in turn: the medians of three processes each of the same
 * ~2,000-resource app spread over 38–50 ms (flat) and 42–51 ms (5 Stages), too wide for a bound of 1.1×
 */
const STAGE_PROCESSES = 7;
/**
 * Warm processes per checker for the comparison of validate() with cdk-nag's, taken in turn; each checker's time is
 * the median of its processes' medians. A process's median moves more than the margin of the target from one process
 * to the next: at ~100 resources, over six processes each on the app not compliant, opslint 2.20–2.62 ms and cdk-nag
 * 4.24–4.63 ms, so that one pair could read anything from 1.6× to 2.1×; at ~2,000, opslint's took 40–52 ms in single
 * processes of four runs. Five at ~100; three at ~2,000, where each process takes about a minute.
 */
const SMALL_SHAPE: AppShape = { ...SMALL, compliant: false, stages: 0 };
const LARGE_SHAPE: AppShape = { ...LARGE, compliant: false, stages: 0 };
function warmProcesses(shape: AppShape): number {
  return shape.stacks * shape.services <= SMALL.stacks * SMALL.services ? 5 : 3;
}
const CELLS: readonly Cell[] = [
  { name: '~100, compliant', shape: { ...SMALL, compliant: true, stages: 0 }, checkers: CHECKERS },
  { name: '~100, not compliant', shape: { ...SMALL, compliant: false, stages: 0 }, checkers: CHECKERS },
  { name: '~2,000, compliant', shape: { ...LARGE, compliant: true, stages: 0 }, checkers: CHECKERS },
  { name: '~2,000, not compliant', shape: { ...LARGE, compliant: false, stages: 0 }, checkers: CHECKERS },
  {
    name: `~2,000, not compliant, ${STAGES} Stages`,
    shape: { ...LARGE, compliant: false, stages: STAGES },
    checkers: ['none', 'opslint'],
  },
];

/**
 * The temporary folder of the benchmark's processes, its own: opslint's code cache (bin/load.ts) is the one its
 * first synthesis writes, not one another process left (one that ran long writes a cache without the code that ran
 * only as opslint loaded: V8 had discarded it).
 */
let temporary: string | undefined;

/** Runs one job in a process of its own and returns what it printed last. */
function child<T>(job: Job): T {
  const result = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', 'bench/synth-child.ts', JSON.stringify(job)],
    {
      cwd: REPO,
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', ...(temporary ? { TMPDIR: temporary } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  const last = result.stdout?.toString().trim().split('\n').pop();
  if (result.status !== 0 || !last) {
    throw new Error(`synth benchmark child failed (${JSON.stringify(job)}): ${result.stderr?.toString().slice(-2000)}`);
  }
  return JSON.parse(last) as T;
}

const fmtX = (x: number): string => `${x.toFixed(1)}×`;
/** A ratio held against a bound close to it (2×, 1.1×): one decimal can round a miss onto the bound. */
const fmtXX = (x: number): string => `${x.toFixed(2)}×`;

export function benchSynth(processes: number, warmRuns: number): Section {
  temporary = mkdtempSync(path.join(tmpdir(), 'opslint-bench-synth-'));
  try {
    return measureSynth(processes, warmRuns);
  } finally {
    rmSync(temporary, { recursive: true, force: true });
    temporary = undefined;
  }
}

function measureSynth(processes: number, warmRuns: number): Section {
  // a synthesis first, unmeasured, so that every measured one finds the code cache as a user's second does (the
  // first after an install or upgrade writes it: bin/load.ts)
  child<FreshResult>({ mode: 'fresh', shape: CELLS[0].shape, checker: 'opslint' });
  // fresh processes, interleaved: a change in the machine's load falls on every checker alike
  const fresh = new Map<string, FreshResult[]>();
  const key = (cell: Cell, checker: Checker): string => `${cell.name}\u0000${checker}`;
  for (let i = 0; i < processes; i++) {
    for (const cell of CELLS) {
      for (const checker of cell.checkers) {
        const list = fresh.get(key(cell, checker)) ?? [];
        list.push(child<FreshResult>({ mode: 'fresh', shape: cell.shape, checker }));
        fresh.set(key(cell, checker), list);
      }
    }
  }
  const ms = (cell: Cell, checker: Checker): number => median(fresh.get(key(cell, checker))!.map((r) => r.ms));
  const added = (cell: Cell, checker: Checker): number => ms(cell, checker) - ms(cell, 'none');
  const cpu = (cell: Cell, checker: Checker): number => median(fresh.get(key(cell, checker))!.map((r) => r.cpuMs));
  const last = (cell: Cell, checker: Checker): FreshResult => fresh.get(key(cell, checker))!.at(-1)!;
  const phase = (cell: Cell, checker: Checker, of: (r: FreshResult) => number): number =>
    median(fresh.get(key(cell, checker))!.map(of));
  // the same comparison with CDK's validation engine taken out of each run: it does the same work after every
  // checker (and without one), but its time moves the most from one process to the next
  const addedBesideEngine = (cell: Cell, checker: Checker): number =>
    phase(cell, checker, (r) => r.ms - r.engineMs) - phase(cell, 'none', (r) => r.ms - r.engineMs);

  const freshRows = CELLS.flatMap((cell) =>
    cell.checkers.map((checker) => {
      const r = last(cell, checker);
      const spread = fresh.get(key(cell, checker))!.map((x) => x.ms);
      return [
        checker === 'none' ? `${cell.name} (${r.cfnResources} resources)` : '',
        checker,
        fmtMs(ms(cell, checker)),
        `${fmtMs(Math.min(...spread))}–${fmtMs(Math.max(...spread))}`,
        checker === 'none' ? '–' : fmtMs(added(cell, checker)),
        checker === 'none'
          ? fmtMs(cpu(cell, checker))
          : `${fmtMs(cpu(cell, checker))} (+${fmtMs(cpu(cell, checker) - cpu(cell, 'none'))})`,
        checker === 'none' ? '–' : fmtMs(median(fresh.get(key(cell, checker))!.map((x) => x.requireMs))),
        r.validateMs === undefined ? '–' : fmtMs(median(fresh.get(key(cell, checker))!.map((x) => x.validateMs!))),
        r.violations === undefined ? '–' : `${r.violations} / ${r.resources}`,
      ];
    }),
  );

  // the engine's time is bimodal at ~100 resources (~30 or 75–125 ms): past twice the cell's fastest, a run is slow
  const slowEngine = (cell: Cell, checker: Checker): string => {
    const fastest = Math.min(...cell.checkers.flatMap((c) => fresh.get(key(cell, c))!.map((r) => r.engineMs)));
    const runs = fresh.get(key(cell, checker))!;
    return `${runs.filter((r) => r.engineMs > 2 * fastest).length} of ${runs.length}`;
  };
  const phaseRows = CELLS.flatMap((cell) =>
    cell.checkers.map((checker) => [
      checker === 'none' ? cell.name : '',
      checker,
      fmtMs(phase(cell, checker, (r) => r.requireMs)),
      fmtMs(phase(cell, checker, (r) => r.buildMs)),
      fmtMs(phase(cell, checker, (r) => r.synthesisMs)),
      last(cell, checker).validateMs === undefined ? '–' : fmtMs(phase(cell, checker, (r) => r.validateMs!)),
      fmtMs(phase(cell, checker, (r) => r.engineMs)),
      slowEngine(cell, checker),
      fmtMs(phase(cell, checker, (r) => r.afterMs)),
      checker === 'none' ? '–' : fmtMs(addedBesideEngine(cell, checker)),
    ]),
  );

  // warm: each checker's validate(), and CDK's own part, in a process of its own per app (a user's process has one
  // checker; in a shared one, each checker's validate() also pays for collecting the other's garbage)
  const warmCells = CELLS.filter((c) => c.checkers.includes('cdk-nag AwsSolutions'));
  const warm = new Map(
    warmCells.map((cell) => {
      const checkers = ['opslint', 'cdk-nag AwsSolutions'] as const;
      const runs = new Map<Checker, WarmResult[]>(checkers.map((c) => [c, []]));
      // the checkers' processes taken in turn
      for (let i = 0; i < warmProcesses(cell.shape); i++) {
        for (const checker of checkers)
          runs
            .get(checker)!
            .push(child<WarmResult>({ mode: 'warm', shape: cell.shape, runs: warmRuns, checkers: [checker] }));
      }
      // each checker's medians over its processes
      const of = <T>(pick: (r: WarmResult, c: Checker) => T | undefined, merge: (xs: T[]) => T) =>
        Object.fromEntries(
          checkers.flatMap((c) => {
            const xs = runs
              .get(c)!
              .map((r) => pick(r, c))
              .filter((x): x is T => x !== undefined);
            // a checker no process measured stays out, as a single process left it out
            return xs.length > 0 ? [[c, merge(xs)]] : [];
          }),
        ) as Partial<Record<Checker, T>>;
      const merged: WarmResult = {
        validateMs: of((r, c) => r.validateMs[c], median),
        synthMs: of((r, c) => r.synthMs[c], median),
        cdk: of(
          (r, c) => r.cdk[c],
          (xs) => ({ ...xs[0], ms: median(xs.map((x) => x.ms)) }),
        ),
      };
      return [cell.name, merged];
    }),
  );
  const staged = CELLS.find((c) => c.shape.stages > 0)!;
  const flat = CELLS.find((c) => c.shape.stages === 0 && c.shape.stacks === staged.shape.stacks && !c.shape.compliant)!;
  // opslint alone on both apps, in processes taken in turn: a process that also ran cdk-nag is not comparable
  const stagedRuns: number[] = [];
  const flatRuns: number[] = [];
  for (let i = 0; i < STAGE_PROCESSES; i++) {
    for (const [cell, into] of [
      [flat, flatRuns],
      [staged, stagedRuns],
    ] as const)
      into.push(
        child<WarmResult>({ mode: 'warm', shape: cell.shape, runs: warmRuns, checkers: ['opslint'] }).validateMs
          .opslint!,
      );
  }
  const warmRows = warmCells.map((cell) => {
    const w = warm.get(cell.name)!;
    const cdk = (c: Checker): string => {
      const x = w.cdk[c];
      if (!x || x.resources === 0) return '–';
      // less than the spread between runs: nothing to divide
      return x.ms > 0 ? `${fmtMs(x.ms)} (${((x.ms / x.resources) * 1000).toFixed(0)} µs each)` : 'not measurable';
    };
    return [
      cell.name,
      fmtMs(w.validateMs.opslint!),
      fmtMs(w.validateMs['cdk-nag AwsSolutions']!),
      fmtXX(w.validateMs['cdk-nag AwsSolutions']! / w.validateMs.opslint!),
      cdk('opslint'),
      cdk('cdk-nag AwsSolutions'),
    ];
  });

  const targets: Target[] = [];
  for (const cell of CELLS.filter((c) => c.checkers.includes('cdk-nag AwsSolutions'))) {
    const ops = added(cell, 'opslint');
    const nag = added(cell, 'cdk-nag AwsSolutions');
    const none = fresh.get(key(cell, 'none'))!.map((r) => r.ms);
    const spread = Math.max(...none) - Math.min(...none);
    const addedCpu = (c: Checker): number => cpu(cell, c) - cpu(cell, 'none');
    const [opsBeside, nagBeside] = [
      addedBesideEngine(cell, 'opslint'),
      addedBesideEngine(cell, 'cdk-nag AwsSolutions'),
    ];
    targets.push({
      name: `cdk synth, ${cell.name}: opslint adds at most 1/10 of what cdk-nag AwsSolutions adds (fresh process)`,
      // an addition lost in the spread of the runs (zero or less) is not measured, so not met
      met: nag > 0 && ops > 0 && ops * 10 <= nag,
      // a difference within the spread of the runs without a checker is the machine's, not the checker's
      detail:
        `${fmtMs(ops)} against ${fmtMs(nag)}: ${nag > 0 && ops > 0 ? fmtX(nag / ops) : 'not measurable'} (target ≥ 10×)` +
        `; CPU time added ${fmtMs(addedCpu('opslint'))} against ${fmtMs(addedCpu('cdk-nag AwsSolutions'))}` +
        `; beside CDK's validation engine ${fmtMs(opsBeside)} against ${fmtMs(nagBeside)}` +
        (nagBeside > 0 && opsBeside > 0 ? ` (${fmtX(nagBeside / opsBeside)})` : '') +
        (spread > Math.min(Math.abs(ops), Math.abs(nag))
          ? `; the runs without a checker spread over ${fmtMs(spread)}`
          : '') +
        // the least opslint could add, with nothing to load and its code optimized: against the budget
        `; a tenth of cdk-nag's is ${fmtMs(nag / 10)}, opslint's warm validate() alone ${fmtMs(warm.get(cell.name)!.validateMs.opslint!)}`,
    });
  }
  for (const cell of warmCells) {
    const w = warm.get(cell.name)!;
    const ratio = w.validateMs['cdk-nag AwsSolutions']! / w.validateMs.opslint!;
    targets.push({
      name: `cdk synth, ${cell.name}: opslint's validate() at most half of cdk-nag's (warm)`,
      met: ratio >= 2,
      detail: `${fmtMs(w.validateMs.opslint!)} against ${fmtMs(w.validateMs['cdk-nag AwsSolutions']!)}: ${fmtXX(ratio)} (target ≥ 2×)`,
    });
  }
  const flatValidate = median(flatRuns);
  const stagedValidate = median(stagedRuns);
  targets.push({
    name: `cdk synth: opslint's time does not grow with Stages and environments (${STAGES} Stages against none, same stacks, warm validate(), median of ${STAGE_PROCESSES} processes each, taken in turn)`,
    met: stagedValidate <= flatValidate * 1.1,
    detail: `${fmtMs(stagedValidate)} against ${fmtMs(flatValidate)} (${fmtXX(stagedValidate / flatValidate)}; target ≤ 1.1×); added in a fresh process: ${fmtMs(added(staged, 'opslint'))} against ${fmtMs(added(flat, 'opslint'))}`,
  });

  const markdown = [
    `Synthetic apps (bench/cdk-app.ts): stacks of services (a queue with its dead-letter queue, a Lambda function, a DynamoDB table, a log group, three alarms), ~100 resources in one stack and ~2,000 in ten; compliant: what opslint's default rules pass at every resource and stack (traced functions with JSON logs, retention, alarms that notify and name a runbook, a KPI metric filter, an Owner tag; left: that the app has one environment, and reminders that need the account baseline), while cdk-nag AwsSolutions still finds its own issues; not compliant: seven opslint findings per service. The ${STAGES}-Stage app holds the same ten stacks in ${STAGES} Stages, each its own account and region.`,
    '',
    `**Fresh process per synthesis**, as users pay it: the CDK warmed with a throwaway app and left to finish the WebAssembly compilation its validation engine started on background threads (~0.5 s on every core here; in a user's synthesis that engine starts after the checkers, which CDK runs first), then the clock runs from building the app through requiring the checker (the built package) to the end of \`app.synth()\`; context as \`cdk synth\` gives it (the CLI prints the report); interleaved, median of ${processes} processes. Every synthesis runs CDK's default \`CloudFormationValidatePlugin\` (@aws/cloudformation-validate, on unless an app turns it off since aws-cdk-lib 2.262): the baseline "none" is what users have without a checker, and its spread is mostly that plugin's.`,
    '',
    table(
      [
        'app',
        'checker',
        'synth (median)',
        'spread',
        'added',
        'CPU (added)',
        'require and add',
        'in validate()',
        'violations / resources',
      ],
      freshRows,
    ),
    '',
    `Where the time of those syntheses goes (medians of each part, so they need not add up to the median above): requiring the checker; building the app's constructs; CDK's synthesis up to the first validation plugin (Aspects, cdk-nag's included, and the templates and manifests written); the checker's validate(); CDK's validation engine, which runs after the app's plugins; CDK after the plugins (what it does with the violations, the report). Last, what the checker adds when each run's time in the engine, the same work after every checker, is taken out: the engine's time moves the most from one process to the next. At ~100 resources it takes either ~30 ms or 75–125 ms, the longer when V8 collects the heap's garbage in full while it runs: the collection marks on worker threads that share the two cores with the engine (in 16 processes under node --trace-gc, a mark-compact inside each of the 7 runs of the engine that took 80–125 ms and in none of the 9 that took 28–60 ms; with --no-concurrent-marking 5 of 6 runs took under 50 ms, with --no-wasm-tier-up 2 of 6 were still slow, each with its mark-compact). Where that collection falls depends on what the process allocated before the engine: CDK's synthesis, and any checker's loading and validate(). The column "engine runs slow" counts this run's processes past twice the cell's fastest engine time: at ~100 resources the longer time is common with and without a checker, so a median of nine can fall on either side, which moves the "added" column above by tens of milliseconds from one run to the next; "added beside the engine" does not move with it. Loading a checker also moves V8's next full garbage collection earlier: with opslint loaded and not run, one or two full collections fell in CDK's synthesis where none did without it (node --trace-gc), which shows as a longer synthesis.`,
    '',
    table(
      [
        'app',
        'checker',
        'require and add',
        'build',
        'CDK synthesis',
        'in validate()',
        'CDK validation engine',
        'engine runs slow',
        'CDK after the plugins',
        'added beside the engine',
      ],
      phaseRows,
    ),
    '',
    `**Warm**, processes of their own per app and checker (as a user's: another checker's garbage, collected in a shared process, would slow this one's validate()): the checker synthesizes the app ${warmRuns} times after unmeasured syntheses of about 4,000 resources in all (at least five; opslint's validate() of the ~100-resource app was still getting faster until the 40th), without CDK's CloudFormation validation (the same for every checker); median time in its validate(). ${warmProcesses(SMALL_SHAPE)} such processes per checker at ~100 resources and ${warmProcesses(LARGE_SHAPE)} at ~2,000, the checkers' taken in turn, and the median of their medians (a process's median moves by up to a fifth from one process to the next). Then CDK's own part: the violations each checker returned handed to CDK again by a plugin that does nothing else, against one that returns none, timed from the moment that plugin returns to the end of the synthesis (construct traces, acknowledgements, validation-report.json and the report's text; the CLI prints it after the app exits). cdk-nag hands one violation per rule with every resource in it, opslint one per finding.`,
    '',
    table(
      [
        'app',
        'opslint validate()',
        'AwsSolutions validate()',
        'ratio',
        "CDK's part, opslint's violations",
        "CDK's part, AwsSolutions'",
      ],
      warmRows,
    ),
  ].join('\n');
  return { title: 'Inside cdk synth, against cdk-nag', markdown, targets };
}
