/** The post step: removes the files the main step wrote. Never fails the job. */
import { existsSync, rmSync } from 'node:fs';
import { describe } from './errors.ts';
import { isFilesDir } from './files.ts';
import type { Runner } from './runner.ts';
import { filesDir } from './state.ts';

export function cleanup(runner: Runner): void {
  const dir = filesDir(runner);
  if (dir === undefined) {
    runner.info('no secret files were written: nothing to remove');
    return;
  }
  // The state is only ever a directory this action made; refuse anything else.
  if (!isFilesDir(dir, runner.env)) {
    runner.warning(`not removing ${dir}: it is not a directory this action created`);
    return;
  }
  if (!existsSync(dir)) {
    runner.info(`secret files already removed (${dir})`);
    return;
  }
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    runner.info(`removed the secret files in ${dir}`);
  } catch (thrown) {
    runner.warning(`could not remove ${dir}: ${describe(thrown)}`);
  }
}
