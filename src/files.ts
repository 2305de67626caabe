/** Where the action writes: one fresh directory per step, under RUNNER_TEMP. */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path, { type PlatformPath } from 'node:path';
import { Code, SecretsError } from './errors.ts';
import type { Env, Runner } from './runner.ts';
import { saveFilesDir } from './state.ts';

export const FILES_PREFIX = 'op-secrets-';

/** The name of a directory this action makes: FILES_PREFIX and the six letters or digits mkdtemp adds. */
const FILES_DIR_NAME = /^op-secrets-[A-Za-z0-9]{6}$/;

/** RUNNER_TEMP; the system temp directory only where it is unset (runs outside a runner). */
export function filesRoot(env: Env): { readonly root: string; readonly fallback: boolean } {
  const runnerTemp = env['RUNNER_TEMP'];
  return runnerTemp === undefined || runnerTemp === ''
    ? { root: tmpdir(), fallback: true }
    : { root: runnerTemp, fallback: false };
}

/** Nothing was exported, because `what` cannot be written. */
export function cannotWrite(what: string, thrown: unknown): SecretsError {
  const code = (thrown as { code?: unknown }).code;
  return new SecretsError(
    Code.configInvalid,
    `nothing was exported: ${what} cannot be written${typeof code === 'string' ? ` (${code})` : ''}`,
  );
}

/** What the step's directory needs from the runner. */
export type DirectoryDoor = Pick<Runner, 'env' | 'saveState' | 'unwritable' | 'warning'>;

const directories = new WeakMap<DirectoryDoor, string>();

/**
 * The step's own 0700 directory, where everything the action writes lives (secret files,
 * rendered templates, the template handed to `op inject`). Made on first use (one per runner
 * door, so one per step) and saved as state at once, before anything is written in it: a main
 * step killed at any later point leaves nothing its post step does not remove.
 */
export function stepDirectory(door: DirectoryDoor): string {
  const made = directories.get(door);
  if (made !== undefined) return made;
  const problems = door.unwritable(['GITHUB_STATE']);
  if (problems.length > 0) {
    throw new SecretsError(Code.configInvalid, `nothing was exported: ${problems.join('; ')}`);
  }
  const { root, fallback } = filesRoot(door.env);
  if (fallback) {
    door.warning('RUNNER_TEMP is not set: writing secret files under the system temp directory');
  }
  let dir: string;
  try {
    dir = mkdtempSync(path.join(root, FILES_PREFIX));
  } catch (thrown) {
    throw cannotWrite(`the secret files directory under ${root}`, thrown);
  }
  let what = 'GITHUB_STATE';
  try {
    saveFilesDir(door, dir);
    what = `the secret files directory ${dir}`;
    chmodSync(dir, 0o700);
  } catch (thrown) {
    rmSync(dir, { recursive: true, force: true });
    throw cannotWrite(what, thrown);
  }
  directories.set(door, dir);
  return dir;
}

/**
 * Why `saved` is not, exactly as written, a directory path this action saves; undefined when it
 * is: an absolute path in its normal form (no trailing or doubled separator, no `.` or `..`), a
 * direct child of the files root, named as FILES_DIR_NAME. The state is input like any other (an
 * earlier step can set `STATE_*` through GITHUB_ENV): the post step then checks what is on disk.
 * On Windows (`paths` is path.win32 there) paths compare case-insensitively, drive letter included.
 */
export function filesDirProblem(
  saved: string,
  env: Env,
  paths: PlatformPath = path,
): string | undefined {
  if (!paths.isAbsolute(saved) || paths.resolve(saved) !== saved) {
    return 'it is not an absolute path in normal form';
  }
  if (!FILES_DIR_NAME.test(paths.basename(saved))) {
    return `its name is not ${FILES_PREFIX} and six letters or digits`;
  }
  const parent = paths.dirname(saved);
  const root = paths.resolve(filesRoot(env).root);
  const same = paths.sep === '\\' ? parent.toLowerCase() === root.toLowerCase() : parent === root;
  return same ? undefined : `it is not directly in ${root}`;
}

/** Names Windows gives to devices in every directory (with any extension, in any case). */
const WINDOWS_DEVICE = /^(CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|COM[0-9¹²³]|LPT[0-9¹²³])(\..*)?$/i;

/**
 * Why `name` cannot be the name of a secret file on `platform`, or undefined when it can. On
 * Windows a file named `NUL` or `COM1` can be written, but other programs given its path open
 * the device instead.
 */
export function fileNameProblem(
  name: string,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  if (platform !== 'win32' || !WINDOWS_DEVICE.test(name)) return undefined;
  return `"${name}" names a Windows device (as CON, NUL, COM1 and LPT1 do): a file: true secret needs another name on Windows`;
}
