/**
 * Runs `work`, asserting it took under 2 s of this process's CPU time (user + system): other
 * jobs on a busy machine do not count, while a blow-up still fails.
 */
import assert from 'node:assert/strict';

function check(start: NodeJS.CpuUsage): void {
  const used = process.cpuUsage(start);
  const ms = (used.user + used.system) / 1000;
  assert.ok(ms < 2000, `took ${ms.toFixed(0)} ms of CPU`);
}

export function cpuBounded<T>(work: () => T): T {
  const start = process.cpuUsage();
  const result = work();
  check(start);
  return result;
}

/** The same for work that awaits only in-process promises (nothing else runs meanwhile). */
export async function cpuBoundedAsync<T>(work: () => Promise<T>): Promise<T> {
  const start = process.cpuUsage();
  const result = await work();
  check(start);
  return result;
}
