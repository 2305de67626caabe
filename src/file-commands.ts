/**
 * The runner's file commands (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_STATE), written as
 * @actions/core writes them but in a single append per file, so that a run exports all of its
 * values or none.
 */
import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';

export type FileCommand = 'GITHUB_OUTPUT' | 'GITHUB_ENV' | 'GITHUB_STATE';

/**
 * The delimiter has only to be absent from the name and the value, which is checked, so it
 * needs no secrecy: Math.random serves, and node:crypto (~4 ms to load) stays unloaded.
 */
function randomDelimiter(): string {
  const word = () =>
    Math.floor(Math.random() * 2 ** 32)
      .toString(16)
      .padStart(8, '0');
  return `ghadelimiter_${word()}${word()}${word()}${word()}`;
}

export function heredoc(name: string, value: string): string {
  const delimiter = randomDelimiter();
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
