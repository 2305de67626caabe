/** The post step: removes the directory the main step wrote in. Never fails the job. */
import { lstatSync, realpathSync, rmSync, type Stats } from 'node:fs';
import path from 'node:path';
import { describe } from './errors.ts';
import { filesDirProblem, filesRoot } from './files.ts';
import type { Runner } from './runner.ts';
import { filesDir } from './state.ts';

/** Why what is at `dir` is not a directory this action made, as the disk shows it. */
function onDiskProblem(dir: string, stats: Stats, runner: Runner): string | undefined {
  if (stats.isSymbolicLink()) return 'it is a link';
  if (!stats.isDirectory()) return 'it is not a directory';
  // Belt and braces against links along the way: its real path must lie in RUNNER_TEMP's.
  const real = path.join(realpathSync(filesRoot(runner.env).root), path.basename(dir));
  return realpathSync(dir) === real ? undefined : `its real path is not ${real}`;
}

function refuse(runner: Runner, dir: string, why: string): void {
  runner.warning(`not removing ${dir}: it is not a directory this action created (${why})`);
}

export function cleanup(runner: Runner): void {
  const dir = filesDir(runner);
  if (dir === undefined) {
    runner.info('no secret files were written: nothing to remove');
    return;
  }
  // The state is input (an earlier step can set STATE_* through GITHUB_ENV): only a real
  // directory of the action's own name, directly in RUNNER_TEMP, exactly as saved, is removed.
  const problem = filesDirProblem(dir, runner.env);
  if (problem !== undefined) {
    refuse(runner, dir, problem);
    return;
  }
  let stats: Stats;
  try {
    stats = lstatSync(dir);
  } catch (thrown) {
    if ((thrown as { code?: unknown }).code === 'ENOENT') {
      runner.info(`secret files already removed (${dir})`);
    } else {
      runner.warning(`could not remove ${dir}: ${describe(thrown)}`);
    }
    return;
  }
  try {
    const found = onDiskProblem(dir, stats, runner);
    if (found !== undefined) {
      refuse(runner, dir, found);
      return;
    }
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    runner.info(`removed the secret files in ${dir}`);
  } catch (thrown) {
    runner.warning(`could not remove ${dir}: ${describe(thrown)}`);
  }
}
