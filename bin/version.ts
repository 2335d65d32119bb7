/** `opslint --version`: answered before anything else loads, as scripts and prompts call it. */
import { writeSync } from 'node:fs';
import { EXIT } from '../lib/errors';
import { packageVersion } from '../lib/version';

/** Prints opslint's version and ends the process when `--version` (or `-v`) is all `argv` asks for. */
export function answerVersion(argv: readonly string[]): void {
  if (argv.length !== 1 || (argv[0] !== '--version' && argv[0] !== '-v')) return;
  // straight to the file descriptor: setting up process.stdout takes longer than the rest of this path
  try {
    writeSync(1, `${packageVersion()}\n`);
  } catch {
    // a reader that went away: nothing to tell it
  }
  process.exit(EXIT.ok);
}
