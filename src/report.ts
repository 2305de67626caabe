/** What the log and the job summary say about a run: annotations per failure, a table, never a value. */
import * as core from '@actions/core';
import type { SecretsError } from './errors.ts';
import { redact } from './redact.ts';

export interface Row {
  readonly name: string;
  readonly ref: string;
  readonly exported: string;
  readonly result: string;
}

/** One annotation per failure, titled with its code: `NAME (ref): message`. */
export function annotate(errors: readonly SecretsError[]): void {
  for (const error of errors) {
    const subject =
      error.secret === undefined
        ? ''
        : `${error.secret}${error.ref === undefined ? '' : ` (${error.ref})`}: `;
    core.error(redact(`${subject}${error.message}`), { title: error.code });
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

export async function writeSummary(heading: string, rows: readonly Row[]): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) return;
  const cell = (text: string) => escapeHtml(redact(text));
  try {
    await core.summary
      .addHeading(escapeHtml(heading), 3)
      .addTable([
        [
          { data: 'Name', header: true },
          { data: 'Reference', header: true },
          { data: 'Exported as', header: true },
          { data: 'Result', header: true },
        ],
        ...rows.map((row) => [
          cell(row.name),
          `<code>${cell(row.ref)}</code>`,
          cell(row.exported),
          cell(row.result),
        ]),
      ])
      .write();
  } catch (thrown) {
    core.debug(
      `the job summary could not be written: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
    );
  }
}
