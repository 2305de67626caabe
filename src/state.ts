/** What the main step hands to the post step, under typed keys. */
import type { Runner } from './runner.ts';

const FILES_DIR = 'files-dir';

export function saveFilesDir(runner: Pick<Runner, 'saveState'>, path: string): void {
  runner.saveState(FILES_DIR, path);
}

export function filesDir(runner: Pick<Runner, 'getState'>): string | undefined {
  const value = runner.getState(FILES_DIR);
  return value === '' ? undefined : value;
}
