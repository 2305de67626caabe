/**
 * Files named by inputs (OP_ENV_FILE, a connect-ca path, a template): regular files of at most
 * 1 MiB. Anything else is refused before it is opened, so a FIFO cannot block the step and a
 * device such as /dev/zero cannot be read without end. Nothing is read from /proc, /sys or /dev
 * (a symlink to /proc/self/environ would hand over the step's tokens), and a relative path must
 * stay inside the workspace once its symlinks are followed: a checked-out repository cannot
 * point the action at the runner's own files.
 */
import {
  type BigIntStats,
  closeSync,
  constants,
  fstatSync,
  openSync,
  readSync,
  realpathSync,
  statSync,
} from 'node:fs';
import path, { type PlatformPath } from 'node:path';
import { Code, describe, SecretsError } from './errors.ts';
import type { Runner } from './runner.ts';
import { printable } from './text.ts';

export const MAX_INPUT_FILE_BYTES = 1024 * 1024;

/** Where an input's path is read from: relative to `cwd`, inside the workspace. */
export type Place = Pick<Runner, 'env' | 'cwd'>;

/** Trees of the kernel and its devices: their files are not the user's configuration. */
const SYSTEM_TREES = ['/proc', '/sys', '/dev'];

/** The workspace: GITHUB_WORKSPACE when the runner sets it, else the step's working directory. */
export function workspaceOf(place: Place): string {
  return path.resolve(place.cwd, place.env['GITHUB_WORKSPACE'] || place.cwd);
}

/** Whether `target` is `dir` or inside it (both real paths); Windows compares without case. */
export function isInside(dir: string, target: string, paths: PlatformPath = path): boolean {
  const fold = (text: string) => (paths.sep === '\\' ? text.toLowerCase() : text);
  const relative = paths.relative(fold(dir), fold(target));
  const up = relative === '..' || relative.startsWith(`..${paths.sep}`);
  return !up && !paths.isAbsolute(relative);
}

/** Whether a real path lies under /proc, /sys or /dev. */
function inSystemTree(real: string): boolean {
  if (process.platform === 'win32') return false;
  return SYSTEM_TREES.some((tree) => real === tree || real.startsWith(`${tree}/`));
}

/** What a path names, for a message that tells the user why it was refused. */
function kind(stats: BigIntStats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Why `stats` cannot be read as an input file, or undefined when it can. */
function problem(stats: BigIntStats): string | undefined {
  if (!stats.isFile()) return `is ${kind(stats)}, not a regular file`;
  if (stats.size > MAX_INPUT_FILE_BYTES) {
    return `is ${stats.size} bytes, more than the 1 MiB (${MAX_INPUT_FILE_BYTES} bytes) allowed`;
  }
  return undefined;
}

/** The refusal, the path and any text from the system shown with control characters escaped. */
function refused(input: string, given: string, why: string): SecretsError {
  return new SecretsError(Code.configInvalid, `${input} "${printable(given)}" ${printable(why)}`);
}

function unreadable(input: string, given: string, thrown: unknown): SecretsError {
  return refused(input, given, `cannot be read: ${describe(thrown)}`);
}

/** The real path of the file `given` names, once checked: where it leads, and what it is. */
function checked(input: string, given: string, place: Place): { real: string; stats: BigIntStats } {
  let real: string;
  let stats: BigIntStats;
  try {
    real = realpathSync.native(path.resolve(place.cwd, given));
    stats = statSync(real, { bigint: true });
  } catch (thrown) {
    throw unreadable(input, given, thrown);
  }
  const what = problem(stats);
  if (what !== undefined) throw refused(input, given, what);
  if (inSystemTree(real)) {
    throw refused(input, given, `leads to ${real}: nothing is read from /proc, /sys or /dev`);
  }
  if (!path.isAbsolute(given)) {
    const workspace = workspaceOf(place);
    let realWorkspace: string;
    try {
      realWorkspace = realpathSync.native(workspace);
    } catch (thrown) {
      throw refused(input, given, `cannot be checked against the workspace: ${describe(thrown)}`);
    }
    if (!isInside(realWorkspace, real)) {
      throw refused(
        input,
        given,
        `leads to ${real}, outside the workspace (${realWorkspace}): a relative path must stay inside it once symlinks are followed; give an absolute path to read a file elsewhere`,
      );
    }
  }
  return { real, stats };
}

/**
 * The bytes of the file `given` (relative to place.cwd) names for `input`; SECRETS_CONFIG_INVALID,
 * naming the input and why, for anything but a regular file of at most 1 MiB, a file under /proc,
 * /sys or /dev, or a relative path that leaves the workspace.
 */
export function readInputBytes(input: string, given: string, place: Place): Buffer {
  const { real, stats } = checked(input, given, place);
  let fd: number;
  try {
    // The checked real path, its last step not followed: a symlink put there since is refused.
    // O_NONBLOCK (where the platform has it): a FIFO put there opens at once, and fstat refuses it.
    const flags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);
    fd = openSync(real, flags);
  } catch (thrown) {
    throw unreadable(input, given, thrown);
  }
  try {
    const opened = fstatSync(fd, { bigint: true });
    const after = problem(opened);
    if (after !== undefined) throw refused(input, given, after);
    if (opened.dev !== stats.dev || opened.ino !== stats.ino) {
      throw refused(
        input,
        given,
        'was replaced between its check and its opening: run the step again',
      );
    }
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
          given,
          `is more than the 1 MiB (${MAX_INPUT_FILE_BYTES} bytes) allowed`,
        );
      }
    }
    // A copy of just the bytes read: the view would hold the whole 1 MiB buffer alive.
    return Buffer.from(buffer.subarray(0, length));
  } catch (thrown) {
    if (thrown instanceof SecretsError) throw thrown;
    throw unreadable(input, given, thrown);
  } finally {
    closeSync(fd);
  }
}

/** The text of an input file, as `readInputBytes` reads it (invalid UTF-8 becomes U+FFFD). */
export function readInputFile(input: string, given: string, place: Place): string {
  return readInputBytes(input, given, place).toString('utf8');
}
