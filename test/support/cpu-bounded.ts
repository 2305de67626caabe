/**
 * Runs `work`, asserting it took under 2 s of this process's CPU time (user + system): other
 * jobs on a busy machine do not count, while a blow-up still fails.
 */
import assert from 'node:assert/strict';

export function cpuBounded<T>(work: () => T): T {
  const start = process.cpuUsage();
  const result = work();
  const used = process.cpuUsage(start);
  const ms = (used.user + used.system) / 1000;
  assert.ok(ms < 2000, `took ${ms.toFixed(0)} ms of CPU`);
  return result;
}
