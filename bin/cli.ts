/**
 * The command line as a process runs it: argv to lib/cli, its output to stdout and stderr, its exit code. Run by
 * bin/opslint.ts from the sources and by the launcher (bin/launch.ts) from the bundle (bin/bundle.ts).
 */
import { once } from 'node:events';
import { EXIT } from '../lib/errors';
import { answerVersion } from './version';

export function runCli(): void {
  const argv = process.argv.slice(2);
  answerVersion(argv);

  // loaded after the `--version` fast path
  const { main } = require('../lib/cli') as typeof import('../lib/cli');

  // a reader that stops early (`opslint scan … | head`) is not an error: stop writing, quietly
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });

  main(argv, {
    stdout: (text) => process.stdout.write(text),
    drained: () => once(process.stdout, 'drain').then(() => undefined),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // a bug in opslint itself: one line, not a stack trace, unless asked for
      process.stderr.write(`opslint: internal error: ${describe(error)}\n`);
      if (process.env.OPSLINT_DEBUG) process.stderr.write(`${error instanceof Error ? error.stack : ''}\n`);
      process.exitCode = EXIT.error;
    },
  );
}

/** What went wrong, as text, even for a value that cannot be turned into text (an object without a prototype). */
function describe(error: unknown): string {
  try {
    const message = (error as { message?: unknown } | null | undefined)?.message;
    return typeof message === 'string' ? message : String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}
