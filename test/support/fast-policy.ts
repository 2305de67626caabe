/** A retry policy for tests of a backend in-process: short waits, a budget well inside a test's time. */
import type { RetryPolicy } from '../../src/backends/retry.ts';

export const FAST_POLICY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 10,
  maxDelayMs: 50,
  budgetMs: 5_000,
  attemptTimeoutMs: 1_000,
};
