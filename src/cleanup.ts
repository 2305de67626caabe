/** The post step: removes the files the main step wrote. Never fails the job. */
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import * as core from '@actions/core';
import { FILES_PREFIX } from './export.ts';
import { filesDir } from './state.ts';

export function cleanup(env: Readonly<Record<string, string | undefined>> = process.env): void {
  const dir = filesDir();
  if (dir === undefined) {
    core.info('no secret files were written: nothing to remove');
    return;
  }
  // The state is only ever a directory this action made; refuse anything else.
  if (!basename(dir).startsWith(FILES_PREFIX) || !isUnderTemp(dir, env)) {
    core.warning(`not removing ${dir}: it is not a directory this action created`);
    return;
  }
  if (!existsSync(dir)) {
    core.info(`secret files already removed (${dir})`);
    return;
  }
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    core.info(`removed the secret files in ${dir}`);
  } catch (thrown) {
    core.warning(
      `could not remove ${dir}: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
    );
  }
}

function isUnderTemp(dir: string, env: Readonly<Record<string, string | undefined>>): boolean {
  // The system temp directory only where the main step fell back to it: RUNNER_TEMP unset.
  const runnerTemp = env['RUNNER_TEMP'];
  const roots = runnerTemp === undefined || runnerTemp === '' ? [tmpdir()] : [runnerTemp];
  return roots.some(
    (root) => root !== undefined && root !== '' && resolve(dirname(dir)) === resolve(root),
  );
}
