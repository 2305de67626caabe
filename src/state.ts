/** What the main step hands to the post step, under typed keys. */
import * as core from '@actions/core';
import { appendFileCommand } from './file-commands.ts';

const FILES_DIR = 'files-dir';

export function saveFilesDir(path: string): void {
  appendFileCommand('GITHUB_STATE', [[FILES_DIR, path]]);
}

export function filesDir(): string | undefined {
  const value = core.getState(FILES_DIR);
  return value === '' ? undefined : value;
}
