/** Masks every value, then hands all of them over at once: files, outputs, environment. */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { appendFileCommand } from './file-commands.ts';
import { nameProblem } from './names.ts';
import { saveFilesDir } from './state.ts';

/** One name to export: a secret, or one field of a whole item. */
export interface Entry {
  readonly name: string;
  readonly value: string | Uint8Array;
  readonly file: boolean;
  readonly mask: boolean;
}

export interface ExportPlan {
  readonly entries: readonly Entry[];
  readonly exportEnv: boolean;
  /** Variables an earlier run exported, to set to '' (unset-previous). */
  readonly unset: readonly string[];
  /** Variables earlier runs exported that stay managed (no unset-previous). */
  readonly stillManaged: readonly string[];
  readonly resolvedAt: Date;
  readonly refreshAfterSeconds: number;
}

export const MANAGED_VARIABLES = 'OP_MANAGED_VARIABLES';
export const FILES_PREFIX = 'op-secrets-';

/** Names an earlier run exported, from OP_MANAGED_VARIABLES (as 1Password's own action keeps it). */
export function previouslyManaged(env: Readonly<Record<string, string | undefined>>): string[] {
  const names = (env[MANAGED_VARIABLES] ?? '').split(',').map((name) => name.trim());
  return names.filter((name) => {
    if (name === '') return false;
    const problem = nameProblem(name);
    if (problem) core.warning(`${MANAGED_VARIABLES}: ignoring ${problem}`);
    return problem === undefined;
  });
}

/** The runner masks the whole value, each line, and their encoded forms. */
export function maskEntries(entries: readonly Entry[]): void {
  for (const entry of entries) {
    // Blank values cannot be masked (the runner warns on them); bytes that are not text are never printed.
    if (!entry.mask || typeof entry.value !== 'string' || entry.value.trim() === '') continue;
    core.setSecret(entry.value);
  }
}

function writeFiles(entries: readonly Entry[]): Map<string, string> {
  const paths = new Map<string, string>();
  const files = entries.filter((entry) => entry.file);
  if (files.length === 0) return paths;
  let base = process.env['RUNNER_TEMP'];
  if (base === undefined || base === '') {
    core.warning('RUNNER_TEMP is not set: writing secret files under the system temp directory');
    base = tmpdir();
  }
  const dir = mkdtempSync(join(base, FILES_PREFIX));
  // Recorded first, so that the post step removes the directory even if a write below fails.
  saveFilesDir(dir);
  try {
    chmodSync(dir, 0o700);
    for (const entry of files) {
      const path = join(dir, entry.name);
      writeFileSync(path, entry.value, { mode: 0o600, flag: 'wx' });
      chmodSync(path, 0o600);
      paths.set(entry.name, path);
    }
  } catch (thrown) {
    rmSync(dir, { recursive: true, force: true });
    throw thrown;
  }
  return paths;
}

/** Writes everything; returns the names exported to the environment. */
export function exportAll(plan: ExportPlan): string[] {
  const paths = writeFiles(plan.entries);
  const shown = plan.entries.map((entry) => {
    const value = paths.get(entry.name) ?? entry.value;
    if (typeof value !== 'string')
      throw new Error(`${entry.name}: bytes can only be written to a file`);
    return [entry.name, value] as const;
  });
  const exported = plan.exportEnv ? shown.map(([name]) => name) : [];
  const env: (readonly [string, string])[] = plan.unset
    .filter((name) => !exported.includes(name))
    .map((name) => [name, ''] as const);
  if (plan.exportEnv) env.push(...shown);
  const managed = [...new Set([...plan.stillManaged, ...exported])];
  if (plan.unset.length > 0 || exported.length > 0)
    env.push([MANAGED_VARIABLES, managed.join(',')]);

  const resolvedAt = plan.resolvedAt.toISOString();
  const refreshAt = new Date(
    plan.resolvedAt.getTime() + plan.refreshAfterSeconds * 1000,
  ).toISOString();
  const outputs: (readonly [string, string])[] = [
    ...shown,
    ['resolved-at', resolvedAt],
    ['refresh-at', refreshAt],
    ['managed-variables', exported.join(',')],
  ];
  appendFileCommand('GITHUB_OUTPUT', outputs);
  appendFileCommand('GITHUB_ENV', env);
  for (const entry of plan.entries) {
    const where = [
      'output',
      ...(plan.exportEnv ? ['env'] : []),
      ...(entry.file ? ['file'] : []),
      ...(entry.mask ? [] : ['unmasked']),
    ];
    core.debug(`${entry.name} => ${where.join(', ')}`);
  }
  return exported;
}
