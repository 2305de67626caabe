/** What the log and the job summary say about a run: annotations per failure, a table, never a value. */
import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';
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

/** Appends a heading and a table to the job summary, as @actions/core's summary would write them. */
export function writeSummary(heading: string, rows: readonly Row[]): void {
  const path = process.env['GITHUB_STEP_SUMMARY'];
  if (!path) return;
  const cell = (text: string) => escapeHtml(redact(text));
  const tableRow = (cells: readonly string[], tag: 'th' | 'td') =>
    `<tr>${cells.map((text) => `<${tag}>${text}</${tag}>`).join('')}</tr>`;
  const table = [
    tableRow(['Name', 'Reference', 'Exported as', 'Result'], 'th'),
    ...rows.map((row) =>
      tableRow(
        [cell(row.name), `<code>${cell(row.ref)}</code>`, cell(row.exported), cell(row.result)],
        'td',
      ),
    ),
  ].join('');
  try {
    appendFileSync(path, `<h3>${escapeHtml(heading)}</h3>${EOL}<table>${table}</table>${EOL}`);
  } catch (thrown) {
    core.debug(
      `the job summary could not be written: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
    );
  }
}
