/**
 * The runner's file commands (GITHUB_OUTPUT, GITHUB_ENV), written as @actions/core writes
 * them but in a single append per file, so that a run exports all of its values or none.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';

export type FileCommand = 'GITHUB_OUTPUT' | 'GITHUB_ENV';

export function heredoc(name: string, value: string): string {
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`the value of ${name} contains the file-command delimiter`);
  }
  return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`;
}

export function appendFileCommand(
  command: FileCommand,
  entries: readonly (readonly [string, string])[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): void {
  if (entries.length === 0) return;
  const path = env[command];
  if (path === undefined || path === '') {
    throw new Error(
      `${command} is not set: this action needs a runner that supports file commands`,
    );
  }
  appendFileSync(path, entries.map(([name, value]) => heredoc(name, value)).join(''), 'utf8');
}
