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

/** A heading and a table of every secret in the job summary. */
export function summarize(runner: Runner, heading: string, rows: readonly Row[]): Promise<void> {
  return runner.summary(heading, [
    ['Name', 'Reference', 'Exported as', 'Result'],
    ...rows.map((row) => [row.name, row.ref, row.exported, row.result].map(redact)),
  ]);
}
