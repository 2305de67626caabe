/**
 * Files named by inputs (OP_ENV_FILE, a connect-ca path, a template): regular files of at most
 * 1 MiB. Anything else is refused before it is opened, so a FIFO cannot block the step and a
 * device such as /dev/zero cannot be read without end.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Code, describe, SecretsError } from './errors.ts';

export const MAX_INPUT_FILE_BYTES = 1024 * 1024;

/** What a path names, for a message that tells the user why it was refused. */
function kind(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Why `stats` cannot be read as an input file, or undefined when it can. */
function problem(stats: Stats): string | undefined {
  if (!stats.isFile()) return `is ${kind(stats)}, not a regular file`;
  if (stats.size > MAX_INPUT_FILE_BYTES) {
    return `is ${stats.size} bytes, more than the 1 MiB (${MAX_INPUT_FILE_BYTES} bytes) allowed`;
  }
  return undefined;
}

function refused(input: string, path: string, why: string): SecretsError {
  return new SecretsError(Code.configInvalid, `${input} "${path}" ${why}`);
}

/**
 * The bytes of the file `path` (relative to `cwd`) named by `input`; SECRETS_CONFIG_INVALID,
 * naming the input and what the path is, for anything but a regular file of at most 1 MiB.
 */
export function readInputBytes(input: string, path: string, cwd: string): Buffer {
  const full = resolve(cwd, path);
  let stats: Stats;
  try {
    // statSync follows symlinks: a link to a regular file is fine, a link to a FIFO is not.
    stats = statSync(full);
  } catch (thrown) {
    throw refused(input, path, `cannot be read: ${describe(thrown)}`);
  }
  const before = problem(stats);
  if (before !== undefined) throw refused(input, path, before);
  let fd: number;
  try {
    // O_NONBLOCK (where the platform has it): should the path be swapped for a FIFO after the
    // stat, opening it still returns at once, and the fstat below refuses it.
    fd = openSync(full, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (thrown) {
    throw refused(input, path, `cannot be read: ${describe(thrown)}`);
  }
  try {
    const after = problem(fstatSync(fd));
    if (after !== undefined) throw refused(input, path, after);
    // Read at most one byte past the limit: a file that grew since the stat is refused too.
    const buffer = Buffer.alloc(MAX_INPUT_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > MAX_INPUT_FILE_BYTES) {
        throw refused(
          input,
          path,
          `is more than the 1 MiB (${MAX_INPUT_FILE_BYTES} bytes) allowed`,
        );
      }
    }
    // A copy of just the bytes read: the view would hold the whole 1 MiB buffer alive.
    return Buffer.from(buffer.subarray(0, length));
  } catch (thrown) {
    if (thrown instanceof SecretsError) throw thrown;
    throw refused(input, path, `cannot be read: ${describe(thrown)}`);
  } finally {
    closeSync(fd);
  }
}

/** The text of an input file, as `readInputBytes` reads it (invalid UTF-8 becomes U+FFFD). */
export function readInputFile(input: string, path: string, cwd: string): string {
  return readInputBytes(input, path, cwd).toString('utf8');
}
