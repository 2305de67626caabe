/**
 * Runs `work`, asserting it took under `limitMs` (2 s unless said) of this process's CPU time
 * (user + system), whether it returned or threw: other jobs on a busy machine do not count,
 * while a blow-up still fails.
 */
import assert from 'node:assert/strict';

function check(start: NodeJS.CpuUsage, limitMs: number): void {
  const used = process.cpuUsage(start);
  const ms = (used.user + used.system) / 1000;
  assert.ok(ms < limitMs, `took ${ms.toFixed(1)} ms of CPU, limit ${limitMs} ms`);
}

export function cpuBounded<T>(work: () => T, limitMs = 2000): T {
  const start = process.cpuUsage();
  try {
    return work();
  } finally {
    check(start, limitMs);
  }
}

/** The same for work that awaits only in-process promises (nothing else runs meanwhile). */
export async function cpuBoundedAsync<T>(work: () => Promise<T>, limitMs = 2000): Promise<T> {
  const start = process.cpuUsage();
  try {
    return await work();
  } finally {
    check(start, limitMs);
  }
}
