#!/usr/bin/env node
/** The `opslint` command: a thin entry that hands argv to lib/cli. */
import { main } from '../lib/cli';

main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
  isTTY: Boolean(process.stdout.isTTY),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // a bug in opslint itself: one line, not a stack trace, unless asked for
    process.stderr.write(`opslint: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.OPSLINT_DEBUG) process.stderr.write(`${error instanceof Error ? error.stack : ''}\n`);
    process.exitCode = 2;
  },
);
