/** Helpers for the tests of deployed stacks. */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { REPO } from '../../scripts/support/cli';

export const TEST_ACCESS_KEY = 'AKIAOPSLINTTEST00001';

/**
 * Each test sees only the AWS settings it sets (no credentials, region or profile of the machine running the
 * tests), starting from a test key pair and empty shared config and credentials files. Call at the top level of
 * a test file; returns the folder of those files.
 */
export function isolateAwsEnvironment(): { readonly dir: string } {
  const saved = { ...process.env };
  const current = { dir: '' };
  beforeEach(() => {
    for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
    current.dir = mkdtempSync(path.join(tmpdir(), 'opslint-aws-'));
    writeFileSync(path.join(current.dir, 'config'), '');
    writeFileSync(path.join(current.dir, 'credentials'), '');
    Object.assign(process.env, {
      AWS_CONFIG_FILE: path.join(current.dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(current.dir, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY,
      AWS_SECRET_ACCESS_KEY: 'opslint-test-secret',
    });
  });
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });
  return current;
}

/**
 * Node.js on `args` (a script and its arguments, or `-e code`) in its own process, as a user runs opslint: what
 * Node.js itself writes on stderr (warnings) shows, as it does not in-process under jest.
 */
export async function runNode(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code?: number; stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, ['-r', 'ts-node/register/transpile-only', ...args], {
    cwd: REPO,
    env,
    encoding: 'utf8',
  }).catch((e: { code: number; stdout: string; stderr: string }) => e);
}
