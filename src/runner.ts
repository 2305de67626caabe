/**
 * The one door to the runner: everything the pipeline touches outside itself. The entries pass
 * the real one (src/actions-runner.ts, built on @actions/core); tests pass an in-memory double.
 */

export type Env = Readonly<Record<string, string | undefined>>;

/** The runner's files that the export appends to. */
export type ExportTarget = 'GITHUB_OUTPUT' | 'GITHUB_ENV' | 'GITHUB_STATE';

export interface Runner {
  /** An input as the workflow gave it, trimmed; '' when not given. */
  input(name: string): string;
  /** The step's environment. */
  readonly env: Env;
  /** The step's working directory (the workspace). */
  readonly cwd: string;
  /** The runner's OS: which names a file may take. */
  readonly platform: NodeJS.Platform;
  now(): Date;

  /** Registers a value with the runner's masker, before it can appear anywhere. */
  setSecret(value: string): void;
  /** Why each of `targets` cannot be written; empty when all can. Writes nothing. */
  unwritable(targets: readonly ExportTarget[]): string[];
  setOutput(name: string, value: string): void;
  exportVariable(name: string, value: string): void;
  saveState(name: string, value: string): void;
  getState(name: string): string;
  /**
   * The job's GitHub OIDC token for `audience` (needs `permissions: id-token: write`); the
   * runner masks it. Rejects when the runner offers none or its endpoint fails.
   */
  idToken(audience: string): Promise<string>;
  /** Appends a heading and a table (first row: the header) to the job summary. Never throws. */
  summary(heading: string, table: readonly (readonly string[])[]): Promise<void>;

  info(message: string): void;
  debug(message: string): void;
  warning(message: string): void;
  /** An error annotation, titled with its code. */
  error(message: string, title: string): void;
  group<T>(name: string, work: () => Promise<T>): Promise<T>;
  /** Marks the step failed; what failed was already reported. */
  fail(): void;
}
