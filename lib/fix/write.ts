/**
 * Writing a fixed template. The new bytes go to a temporary file beside the original and reach the disk
 * before that file is renamed over the original: until the rename the original is untouched, so a full disk
 * or a process stopped part-way leaves the template whole, never truncated.
 */
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import * as path from 'node:path';

/**
 * Replaces the content of `file` (through a symbolic link: its target) with `data`, keeping its mode. Throws
 * when it could not, and then the file is unchanged and the temporary file removed.
 */
export function replaceFile(file: string, data: Uint8Array): void {
  const target = realpathSync(file);
  // a file that may not be written stays so, although a rename in its folder could replace it
  accessSync(target, constants.W_OK);
  const { mode } = statSync(target);
  // a leftover of a stopped run is hidden and ends in .tmp, so no scan takes it for a template
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    try {
      fchmodSync(fd, mode & 0o7777);
      for (let written = 0; written < data.length;) written += writeSync(fd, data, written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
