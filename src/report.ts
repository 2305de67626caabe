/** What the log and the job summary say about a run: annotations per failure, a table, never a value. */
import type { SecretsError } from './errors.ts';
import { redact } from './redact.ts';
import type { Runner } from './runner.ts';

export interface Row {
  readonly name: string;
  readonly ref: string;
  readonly exported: string;
  readonly result: string;
}

/** One annotation per failure, titled with its code: `NAME (ref): message`. */
export function annotate(runner: Runner, errors: readonly SecretsError[]): void {
  for (const error of errors) {
    const subject =
      error.secret === undefined
        ? ''
        : `${error.secret}${error.ref === undefined ? '' : ` (${error.ref})`}: `;
    runner.error(redact(`${subject}${error.message}`), error.code);
  }
}

/** Rows a summary lists in full; past them it lists the failures and counts the rest. */
export const SUMMARY_ROWS = 300;

/** What `rows` came to, counted: `10,200 resolved`. */
function counted(rows: readonly Row[]): string {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.result, (counts.get(row.result) ?? 0) + 1);
  return [...counts].map(([result, count]) => `${count.toLocaleString('en')} ${result}`).join(', ');
}

/**
 * A heading and a table of the secrets in the job summary. The runner drops a summary over 1 MiB:
 * past SUMMARY_ROWS rows, the failures are listed (at most SUMMARY_ROWS) and the rest counted.
 */
export function summarize(runner: Runner, heading: string, rows: readonly Row[]): Promise<void> {
  let listed = rows;
  if (rows.length > SUMMARY_ROWS) {
    listed = rows.filter((row) => row.result.startsWith('SECRETS_')).slice(0, SUMMARY_ROWS);
  }
  const shown = new Set(listed);
  const rest = rows.filter((row) => !shown.has(row));
  return runner.summary(heading, [
    ['Name', 'Reference', 'Exported as', 'Result'],
    ...listed.map((row) => [row.name, row.ref, row.exported, row.result].map(redact)),
    ...(rest.length > 0
      ? [[`${rest.length.toLocaleString('en')} more`, '', '', counted(rest)]]
      : []),
  ]);
}
