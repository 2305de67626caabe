/** Small helpers shared by the scenarios: timing, child processes, steps, formatting. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Job, StepOptions, StepResult } from '../test/harness/index.ts';
import type { BenchSecret } from './data.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
export const MAIN_ENTRY = fileURLToPath(new URL('../dist/index.js', import.meta.url));
export const POST_ENTRY = fileURLToPath(new URL('../dist/post.js', import.meta.url));

/** One line of the results table. */
export interface Row {
  readonly scenario: string;
  readonly ours: string;
  readonly baseline: string;
  readonly ratio: string;
  readonly target: string;
  /** undefined: information only, no target. */
  readonly met: boolean | undefined;
}

export interface ScenarioResult {
  readonly rows: Row[];
  /** Lines printed under the table (Markdown). */
  readonly details: string[];
}

export const now = (): number => performance.now();

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export function ms(value: number): string {
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

export function mib(kib: number): string {
  return `${(kib / 1024).toFixed(1)} MiB`;
}

export function kib(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(2)} MiB`
    : `${(bytes / 1024).toFixed(1)} KiB`;
}

export function times(ratio: number): string {
  return `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1)}×`;
}

/** `12× faster` (baseline / ours), or `1.4× slower` when ours is the larger. */
export function compared(baseline: number, ours: number, better: string, worse: string): string {
  return baseline >= ours
    ? `${times(baseline / ours)} ${better}`
    : `${times(ours / baseline)} ${worse}`;
}

/** Runs one main step (no post step); throws unless it succeeded. */
export async function runStep(job: Job, options: StepOptions): Promise<StepResult> {
  const result = await job.step({ postEntry: null, timeoutMs: 60_000, ...options });
  if (result.failed) {
    const annotations = result.annotations
      .map((annotation) => `${annotation.title ?? annotation.level}: ${annotation.message}`)
      .join('\n');
    throw new Error(
      `the step failed (exit ${String(result.exitCode)}${result.timedOut ? ', timed out' : ''}):\n` +
        (annotations || result.log.slice(-20).join('\n')),
    );
  }
  return result;
}

/** Throws unless every secret came out as its step output, byte for byte (never shows a value). */
export function checkOutputs(result: StepResult, secrets: readonly BenchSecret[]): void {
  const wrong = secrets.filter((secret) => result.outputs[secret.name] !== secret.value);
  if (wrong.length > 0) {
    throw new Error(
      `${wrong.length} of ${secrets.length} outputs are wrong or missing (${wrong
        .slice(0, 5)
        .map((secret) => secret.name)
        .join(', ')}...)`,
    );
  }
}

export interface Spawned {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** From spawn() to the end of the process and of its output. */
  readonly wallMs: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program (no shell), collecting its output; killed after `timeoutMs`. */
export function spawnTimed(
  file: string,
  args: readonly string[],
  options: { env: Record<string, string>; cwd?: string; timeoutMs?: number },
): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const started = now();
    const child = spawn(file, args, {
      env: options.env,
      cwd: options.cwd ?? ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        wallMs: now() - started,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}

/** A process environment without undefined entries. */
export function definedEnv(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/** The results as one Markdown table. */
export function markdownTable(rows: readonly Row[]): string {
  const header = ['scenario', 'ours', 'baseline', 'ratio', 'target', 'met?'];
  const body = rows.map((row) => [
    row.scenario,
    row.ours,
    row.baseline,
    row.ratio,
    row.target,
    row.met === undefined ? '—' : row.met ? 'yes' : '**no**',
  ]);
  const lines = [header, header.map(() => '---'), ...body].map(
    (columns) => `| ${columns.map(cell).join(' | ')} |`,
  );
  return lines.join('\n');
}
