/** Where secret files live: one fresh directory per run, under RUNNER_TEMP. */
import { tmpdir } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import type { Env } from './runner.ts';

export const FILES_PREFIX = 'op-secrets-';

/** RUNNER_TEMP; the system temp directory only where it is unset (runs outside a runner). */
export function filesRoot(env: Env): { readonly root: string; readonly fallback: boolean } {
  const runnerTemp = env['RUNNER_TEMP'];
  return runnerTemp === undefined || runnerTemp === ''
    ? { root: tmpdir(), fallback: true }
    : { root: runnerTemp, fallback: false };
}

/** Whether `dir` is a directory this action would have made: the post step removes nothing else. */
export function isFilesDir(dir: string, env: Env): boolean {
  return (
    basename(dir).startsWith(FILES_PREFIX) && resolve(dirname(dir)) === resolve(filesRoot(env).root)
  );
}
