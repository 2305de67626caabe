// File command parsing, as in actions/runner src/Runner.Worker/FileCommandManager.cs.

import { readFileSync } from 'node:fs';

/** The five standard file commands, in the order the runner processes them after a step. */
export const FILE_COMMANDS = [
  { contextName: 'path', prefix: 'add_path_', env: 'GITHUB_PATH' },
  { contextName: 'env', prefix: 'set_env_', env: 'GITHUB_ENV' },
  { contextName: 'step_summary', prefix: 'step_summary_', env: 'GITHUB_STEP_SUMMARY' },
  { contextName: 'state', prefix: 'save_state_', env: 'GITHUB_STATE' },
  { contextName: 'output', prefix: 'set_output_', env: 'GITHUB_OUTPUT' },
] as const;

/** The runner recognises CRLF as a line ending in these files only when it runs on Windows. */
const WINDOWS = process.platform === 'win32';

/** `File.ReadAllText`: UTF-8, a leading byte order mark dropped, invalid bytes as U+FFFD. */
export function readAllText(path: string): string {
  const text = readFileSync(path).toString('utf8');
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/** `File.ReadAllLines`: lines split on CRLF, CR or LF; no empty last line for a final newline. */
export function readAllLines(path: string): string[] {
  const text = readAllText(path);
  if (text === '') return [];
  const lines = text.split(/\r\n|\r|\n/);
  if (/[\r\n]$/.test(text)) lines.pop();
  return lines;
}

interface LineRead {
  line: string;
  newline: string | undefined;
}

/** `EnvFileKeyValuePairs.ReadLine`: LF ends a line; CRLF too, only on Windows. */
function readLine(text: string, cursor: { index: number }): LineRead | undefined {
  if (cursor.index >= text.length) return undefined;
  const start = cursor.index;
  const lfIndex = text.indexOf('\n', start);
  if (lfIndex < 0) {
    cursor.index = text.length;
    return { line: text.slice(start), newline: undefined };
  }
  if (WINDOWS) {
    const crlfIndex = text.indexOf('\r\n', start);
    if (crlfIndex >= 0 && crlfIndex < lfIndex) {
      cursor.index = crlfIndex + 2;
      return { line: text.slice(start, crlfIndex), newline: '\r\n' };
    }
  }
  cursor.index = lfIndex + 1;
  return { line: text.slice(start, lfIndex), newline: '\n' };
}

/**
 * `EnvFileKeyValuePairs`: the `name=value` and `name<<DELIMITER` entries of a GITHUB_ENV,
 * GITHUB_OUTPUT or GITHUB_STATE file. Lazy like the runner's enumerator: the pairs before a
 * malformed entry are yielded (and applied by the runner) before the error is thrown.
 */
function* envFilePairs(text: string): Generator<[string, string]> {
  const cursor = { index: 0 };
  let read = readLine(text, cursor);
  while (read !== undefined) {
    const line = read.line;
    if (line !== '') {
      let key: string;
      let output: string;
      const equalsIndex = line.indexOf('=');
      const heredocIndex = line.indexOf('<<');
      if (equalsIndex >= 0 && (heredocIndex < 0 || equalsIndex < heredocIndex)) {
        key = line.slice(0, equalsIndex);
        output = line.slice(equalsIndex + 1);
      } else if (heredocIndex >= 0 && (equalsIndex < 0 || heredocIndex < equalsIndex)) {
        key = line.slice(0, heredocIndex);
        const delimiter = line.slice(heredocIndex + 2);
        if (key === '' || delimiter === '') {
          throw new Error(
            `Invalid format '${line}'. Name must not be empty and delimiter must not be empty`,
          );
        }
        const startIndex = cursor.index;
        let endIndex = cursor.index;
        let temp = readLine(text, cursor);
        while (temp?.line !== delimiter) {
          if (temp === undefined) {
            throw new Error(`Invalid value. Matching delimiter not found '${delimiter}'`);
          }
          if (temp.newline === undefined) {
            throw new Error('Invalid value. EOF marker missing new line.');
          }
          endIndex = cursor.index - temp.newline.length;
          temp = readLine(text, cursor);
        }
        output = endIndex > startIndex ? text.slice(startIndex, endIndex) : '';
      } else {
        throw new Error(`Invalid format '${line}'`);
      }
      yield [key, output];
    }
    read = readLine(text, cursor);
  }
}

/** All pairs of a file's text, and the error that stopped the runner, if any. */
export function parseEnvFile(text: string): { pairs: [string, string][]; error?: Error } {
  const pairs: [string, string][] = [];
  try {
    for (const pair of envFilePairs(text)) pairs.push(pair);
    return { pairs };
  } catch (error) {
    return { pairs, error: error instanceof Error ? error : new Error(String(error)) };
  }
}
