/** Where secret files live: one fresh directory per run, under RUNNER_TEMP. */
import { tmpdir } from 'node:os';
import path, { type PlatformPath } from 'node:path';
import type { Env } from './runner.ts';

export const FILES_PREFIX = 'op-secrets-';

/** RUNNER_TEMP; the system temp directory only where it is unset (runs outside a runner). */
export function filesRoot(env: Env): { readonly root: string; readonly fallback: boolean } {
  const runnerTemp = env['RUNNER_TEMP'];
  return runnerTemp === undefined || runnerTemp === ''
    ? { root: tmpdir(), fallback: true }
    : { root: runnerTemp, fallback: false };
}

/**
 * Whether `dir` is a directory this action would have made: the post step removes nothing else.
 * On Windows (`paths` is path.win32 there) `/` and `\` are one separator and paths compare
 * case-insensitively, drive letter included: `d:\a\_temp` is `D:\a\_temp`.
 */
export function isFilesDir(dir: string, env: Env, paths: PlatformPath = path): boolean {
  if (!paths.basename(dir).startsWith(FILES_PREFIX)) return false;
  const parent = paths.resolve(paths.dirname(dir));
  const root = paths.resolve(filesRoot(env).root);
  return paths.sep === '\\' ? parent.toLowerCase() === root.toLowerCase() : parent === root;
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
