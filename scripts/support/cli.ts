/**
 * Runs the CLI in-process with captured output. With corpus.ts and sarif.ts, support that the tests and the
 * fuzzing (scripts/fuzz/) share: it lives on the scripts side because scripts do not import from test/.
 */
import * as path from 'node:path';
import { main } from '../../lib/cli';

export const REPO = path.resolve(__dirname, '../..');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; isTTY?: boolean; stderrIsTTY?: boolean } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    cwd: options.cwd ?? REPO,
    env: options.env ?? {},
    isTTY: options.isTTY ?? false,
    stderrIsTTY: options.stderrIsTTY ?? false,
  });
  return { code, stdout, stderr };
}
