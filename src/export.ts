/**
 * The one way values leave the action: every value is registered with the masker, every target
 * is checked, then files, state, outputs and variables are written: all of them or none.
 */
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Code, SecretsError } from './errors.ts';
import { cannotWrite, stepDirectory } from './files.ts';
import { MANAGED_VARIABLES, nameProblem } from './names.ts';
import type { ExportTarget, Runner } from './runner.ts';
import { utf8 } from './text.ts';

/** One name to export: a secret, or one field of a whole item. */
export interface Entry {
  readonly name: string;
  readonly value: string | Uint8Array;
  readonly file: boolean;
  readonly mask: boolean;
  /** Values inside the entry to mask on their own (those placed in a rendered template). */
  readonly placed?: readonly string[] | undefined;
}

export interface ExportPlan {
  readonly entries: readonly Entry[];
  readonly exportEnv: boolean;
  /** Variables an earlier run exported, to set to '' (unset-previous); undefined without it. */
  readonly unset: readonly string[] | undefined;
  /** Variables earlier runs exported that stay managed (no unset-previous). */
  readonly stillManaged: readonly string[];
  readonly resolvedAt: Date;
  readonly refreshAfterSeconds: number;
  /** Mask everything, then write only the two timestamps. */
  readonly dryRun: boolean;
}

type Pair = readonly [string, string];

/** Names an earlier run exported, from OP_MANAGED_VARIABLES (as 1Password's own action keeps it). */
export function previouslyManaged(runner: Runner): string[] {
  const names = (runner.env[MANAGED_VARIABLES] ?? '').split(',').map((name) => name.trim());
  return names.filter((name) => {
    if (name === '') return false;
    const problem = nameProblem(name);
    if (problem) runner.warning(`${MANAGED_VARIABLES}: ignoring ${problem}`);
    return problem === undefined;
  });
}

/**
 * Every value, text written only to a file included: the runner then masks the whole value,
 * each line and their encoded forms. Blank values cannot be masked (the runner warns on them);
 * bytes that are not text cannot be either, and are only ever written to their file.
 */
function mask(runner: Runner, entries: readonly Entry[]): void {
  for (const entry of entries) {
    const text = typeof entry.value === 'string' ? entry.value : utf8(entry.value);
    const values = [...(entry.mask && text !== undefined ? [text] : []), ...(entry.placed ?? [])];
    for (const value of values) if (value.trim() !== '') runner.setSecret(value);
  }
}

function timestamps(plan: ExportPlan): Pair[] {
  const resolvedAt = plan.resolvedAt.getTime();
  return [
    ['resolved-at', new Date(resolvedAt).toISOString()],
    ['refresh-at', new Date(resolvedAt + plan.refreshAfterSeconds * 1000).toISOString()],
  ];
}

/**
 * Writes each file entry, 0600 in the step's 0700 directory; returns their paths by name. Names
 * the runner's OS refuses were reported before any request (entries.ts fileNameErrors, collect).
 */
function writeFiles(runner: Runner, files: readonly Entry[]): Map<string, string> {
  const paths = new Map<string, string>();
  if (files.length === 0) return paths;
  // Saved as state when it was made, before the first file: a killed step leaves none behind.
  const dir = stepDirectory(runner);
  try {
    for (const entry of files) {
      const path = join(dir, entry.name);
      writeFileSync(path, entry.value, { mode: 0o600, flag: 'wx' });
      chmodSync(path, 0o600);
      paths.set(entry.name, path);
    }
  } catch (thrown) {
    rmSync(dir, { recursive: true, force: true });
    throw cannotWrite(`the secret files in ${dir}`, thrown);
  }
  return paths;
}

/**
 * Linux's limit for one string of a process's environment (MAX_ARG_STRLEN): `NAME=value` and the
 * NUL that ends it. One longer variable in GITHUB_ENV and every later process of the job, the
 * post steps included, fails to start (E2BIG).
 */
export const MAX_ENV_BYTES = 128 * 1024;

/** The bytes `name=value` takes in a process's environment, its terminating NUL included. */
function envBytes(name: string, value: string): number {
  return Buffer.byteLength(name) + 1 + Buffer.byteLength(value) + 1;
}

/** Throws, naming them, when a variable to export is over MAX_ENV_BYTES; before anything is written. */
function checkEnvSizes(entries: readonly Entry[], managed: string): void {
  const over = entries.filter(
    (entry) =>
      !entry.file &&
      typeof entry.value === 'string' &&
      envBytes(entry.name, entry.value) > MAX_ENV_BYTES,
  );
  if (over.length > 0) {
    const names = over.map((entry) => entry.name);
    throw new SecretsError(
      Code.configInvalid,
      `nothing was exported: ${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} too large ` +
        `for an environment variable (NAME=value over ${MAX_ENV_BYTES / 1024} KiB, Linux's limit ` +
        'for one variable: every later process of the job would fail to start); give ' +
        `${names.length === 1 ? 'it' : 'them'} file: true (the variable then holds the path of ` +
        'the file), or read the step output instead of export-env',
      names.length === 1 ? names[0] : undefined,
    );
  }
  if (envBytes(MANAGED_VARIABLES, managed) > MAX_ENV_BYTES) {
    throw new SecretsError(
      Code.configInvalid,
      `nothing was exported: ${MANAGED_VARIABLES} would list more names than fit in one ` +
        `environment variable (${MAX_ENV_BYTES / 1024} KiB): export fewer variables ` +
        '(export-env), or set unset-previous to drop the names earlier steps exported',
    );
  }
}

/** Throws, naming them, when any of `targets` cannot be written. */
function checkTargets(runner: Runner, targets: readonly ExportTarget[]): void {
  const problems = runner.unwritable(targets);
  if (problems.length > 0) {
    throw new SecretsError(Code.configInvalid, `nothing was exported: ${problems.join('; ')}`);
  }
}

/** Names what unset-previous emptied (1Password's own action logs each), or why nothing. */
function reportUnset(runner: Runner, previous: readonly string[], unset: readonly string[]): void {
  runner.info(
    unset.length > 0
      ? `unset-previous: unset ${unset.join(', ')}`
      : previous.length > 0
        ? 'unset-previous: nothing to unset (every name an earlier run exported is exported again)'
        : `unset-previous: nothing to unset (${MANAGED_VARIABLES} names no variable of an earlier run)`,
  );
}

/** Masks and writes everything, or throws before the first write; returns the names exported to the environment. */
export function exportAll(runner: Runner, plan: ExportPlan): string[] {
  mask(runner, plan.entries);
  const exported = plan.exportEnv ? plan.entries.map((entry) => entry.name) : [];
  const managed = [...new Set([...plan.stillManaged, ...exported])];
  // A dry run fails where the real run would.
  if (plan.exportEnv) checkEnvSizes(plan.entries, managed.join(','));
  if (plan.dryRun) {
    checkTargets(runner, ['GITHUB_OUTPUT']);
    for (const [name, value] of timestamps(plan)) runner.setOutput(name, value);
    if (plan.unset !== undefined && plan.unset.length > 0) {
      runner.info(`unset-previous: dry run, left ${plan.unset.join(', ')} as they were`);
    }
    return [];
  }
  const files = plan.entries.filter((entry) => entry.file);
  const unset = (plan.unset ?? []).filter((name) => !exported.includes(name));
  const touchesEnv = unset.length > 0 || exported.length > 0;

  const targets: ExportTarget[] = ['GITHUB_OUTPUT'];
  if (touchesEnv) targets.push('GITHUB_ENV');
  if (files.length > 0) targets.push('GITHUB_STATE');
  checkTargets(runner, targets);

  const paths = writeFiles(runner, files);
  const shown: Pair[] = plan.entries.map((entry) => {
    const value = paths.get(entry.name) ?? entry.value;
    if (typeof value !== 'string') throw new Error(`${entry.name}: bytes go to a file only`);
    return [entry.name, value];
  });
  const outputs: Pair[] = [
    ...shown,
    ...timestamps(plan),
    ['managed-variables', exported.join(',')],
  ];
  const env: Pair[] = [
    ...unset.map((name): Pair => [name, '']),
    ...(plan.exportEnv ? shown : []),
    ...(touchesEnv ? [[MANAGED_VARIABLES, managed.join(',')] as const] : []),
  ];
  for (const [name, value] of outputs) runner.setOutput(name, value);
  for (const [name, value] of env) runner.exportVariable(name, value);
  if (plan.unset !== undefined) reportUnset(runner, plan.unset, unset);
  for (const entry of plan.entries) {
    const where = [
      'output',
      ...(plan.exportEnv ? ['env'] : []),
      ...(entry.file ? ['file'] : []),
      ...(entry.mask ? [] : ['unmasked']),
    ];
    runner.debug(`${entry.name} => ${where.join(', ')}`);
  }
  return exported;
}
