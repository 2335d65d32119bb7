/**
 * Long property-based runs (scripts/fuzz/run.ts), of one kind of case or of all:
 *
 *   npm run fuzz -- --runs 100000 [--kind template|hostile|assembly|fix|all] [--seed N] [--path P]
 *                   [--slow-ms 2000] [--hang-ms 60000] [--heap-mb 2048] [--no-shrink] [--keep-going]
 *
 * template: random and mutated corpus templates (scripts/fuzz/template.ts); hostile: templates with parameters,
 * conditions, chains, loops, directives, long and hostile strings (scripts/fuzz/hostile.ts); assembly:
 * cdk.out folders with cycles and links (scripts/fuzz/assembly.ts); fix: `opslint fix` round-trips
 * (scripts/fuzz/fix.ts). Every kind checks every reporter's output (scripts/fuzz/output.ts).
 *
 * The cases run on a worker thread, watched from the main one: a case that runs past --hang-ms or exhausts
 * --heap-mb stops the kind's run, reported with the seed and the case number that reproduce it; cases
 * slower than --slow-ms are listed. A failure is reported with fast-check's seed and path (`--seed S --path P`
 * replays exactly that case) and the case kept in a file. With --keep-going a kind's run goes on after a
 * failing or stopped case (not shrunk), and lists them all, each with the case number that replays it. Exit code: 0 when every case held, 1 otherwise, 2
 * for a usage mistake.
 */
import { describeResult, KINDS, runFuzz, type KindName, type RunOptions } from './fuzz/run';

const FLAGS = ['--runs', '--kind', '--seed', '--path', '--slow-ms', '--hang-ms', '--heap-mb'];

function parseArgs(argv: readonly string[]): { kinds: KindName[]; options: Omit<RunOptions, 'kind'> } {
  const values = new Map<string, string>();
  let shrink = true;
  let keepGoing = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--no-shrink' || argv[i] === '--keep-going') {
      if (argv[i] === '--no-shrink') shrink = false;
      else keepGoing = true;
      continue;
    }
    if (!FLAGS.includes(argv[i]) || argv[i + 1] === undefined)
      throw new Error(`unknown option or missing value: ${argv[i]}`);
    values.set(argv[i], argv[++i]);
  }
  const whole = (flag: string, fallback: number): number => {
    const n = Number(values.get(flag) ?? fallback);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${flag} must be a whole number, not "${values.get(flag)}"`);
    return n;
  };
  const kind = values.get('--kind') ?? 'all';
  if (kind !== 'all' && !Object.prototype.hasOwnProperty.call(KINDS, kind))
    throw new Error(`--kind must be all or one of ${Object.keys(KINDS).join(', ')}, not "${kind}"`);
  return {
    kinds: kind === 'all' ? (Object.keys(KINDS) as KindName[]) : [kind as KindName],
    options: {
      runs: whole('--runs', 1000),
      // fast-check seeds are 32-bit integers
      seed: whole('--seed', Math.floor(Math.random() * 0x7fffffff)),
      path: values.get('--path'),
      slowMs: whole('--slow-ms', 2000),
      hangMs: whole('--hang-ms', 60_000),
      heapMb: whole('--heap-mb', 2048),
      shrink,
      keepGoing,
      log: (line) => process.stdout.write(`${line}\n`),
    },
  };
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(
      `fuzz: ${(error as Error).message}\nusage: npm run fuzz -- --runs N [--kind K|all] [--seed N] [--path P] [--slow-ms N] [--hang-ms N] [--heap-mb N] [--no-shrink] [--keep-going]\n`,
    );
    process.exitCode = 2;
    return;
  }
  const { kinds, options } = parsed;
  for (const kind of kinds) {
    process.stdout.write(
      `fuzz ${kind}: ${options.runs} cases, seed ${options.seed}${options.path ? `, path ${options.path}` : ''}\n`,
    );
    const started = Date.now();
    const result = await runFuzz({ ...options, kind });
    for (const line of describeResult(result, options.seed, Math.round((Date.now() - started) / 1000)))
      process.stdout.write(`${line}\n`);
    if (result.failure || result.stopped || (result.failed ?? []).length > 0) process.exitCode = 1;
    else process.stdout.write(`fuzz ${kind}: every case held\n`);
  }
}

void main();
