/**
 * Retrying transient faults with jittered exponential backoff and server-requested waits,
 * within a bounded budget: shared by every backend that talks to a server.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe } from '../errors.ts';
import { redact } from '../redact.ts';
import { SourceError } from './source.ts';

export interface RetryPolicy {
  /** Attempts per call, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Time one call may take, its attempts and waits together. */
  readonly budgetMs: number;
  readonly attemptTimeoutMs: number;
}

export const DEFAULT_POLICY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  budgetMs: 30_000,
  attemptTimeoutMs: 15_000,
};

/** Time, injectable so that retry tests take no real time. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  random(): number;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }),
  random: Math.random,
};

/** A fault worth another attempt: a network error, a timeout, a rate limit, a server error. */
export interface Transient {
  readonly transient: string;
  /** What the server asked for (Retry-After), if anything. */
  readonly waitMs?: number | undefined;
}

export function isTransient(outcome: unknown): outcome is Transient {
  return typeof outcome === 'object' && outcome !== null && 'transient' in outcome;
}

/** The call kept failing: attempts or budget spent. */
export class RetriesExhausted extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetriesExhausted';
  }
}

/**
 * Runs `attempt` until it returns something other than a Transient, for at most
 * `policy.attempts` attempts and `policy.budgetMs` in all. `attempt` gets the time left.
 */
async function retrying<T>(
  attempt: (leftMs: number) => Promise<T | Transient>,
  policy: RetryPolicy,
  clock: Clock,
  signal: AbortSignal,
): Promise<T> {
  const started = clock.now();
  const left = () => policy.budgetMs - (clock.now() - started);
  for (let count = 1; ; count++) {
    const outcome = await attempt(Math.min(policy.attemptTimeoutMs, left()));
    if (!isTransient(outcome)) return outcome;
    const failed = `${outcome.transient} after ${count} attempts`;
    if (count >= policy.attempts) throw new RetriesExhausted(failed);
    const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (count - 1));
    const delay = Math.max(backoff / 2 + (clock.random() * backoff) / 2, outcome.waitMs ?? 0);
    if (delay >= left()) {
      const asked =
        outcome.waitMs === undefined
          ? ''
          : `, server asked to wait ${Math.ceil(outcome.waitMs / 1000)} s`;
      throw new RetriesExhausted(`${failed} (retry budget spent${asked})`);
    }
    await clock.sleep(delay, signal);
  }
}

/** Limits how many calls run at once, so that timeouts measure the call, not the queue. */
export class Gate {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#free = size;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    }
  }
}

/** What bounds a backend's calls: how it retries, its clock, how many at once, when to stop. */
export interface Limits {
  readonly policy: RetryPolicy;
  readonly clock: Clock;
  readonly gate: Gate;
  readonly signal: AbortSignal;
}

/**
 * `retrying` once the gate lets the call in. The call keeps its place through its attempts and
 * waits: its budget counts from its first attempt, and time queued behind other calls never
 * uses it up (queued first, 500 requests at 2.5 s each would spend the last ones' budgets).
 */
export function gated<T>(
  attempt: (leftMs: number) => Promise<T | Transient>,
  limits: Limits,
): Promise<T> {
  return limits.gate.run(() => retrying(attempt, limits.policy, limits.clock, limits.signal));
}

/**
 * `gated` for a backend call; a fault that outlasts the retries makes the provider
 * unavailable: `<failed>: <last fault>`.
 */
export async function retried<T>(
  failed: string,
  attempt: (leftMs: number) => Promise<T | Transient>,
  limits: Limits,
): Promise<T> {
  try {
    return await gated(attempt, limits);
  } catch (thrown) {
    if (thrown instanceof SourceError) throw thrown;
    const reason = thrown instanceof RetriesExhausted ? thrown.message : describe(thrown);
    throw new SourceError('unavailable', `${failed}: ${redact(reason)}`);
  }
}

export function limits(
  options: { readonly policy?: RetryPolicy; readonly clock?: Clock },
  concurrency: number,
  signal: AbortSignal,
): Limits {
  return {
    policy: options.policy ?? DEFAULT_POLICY,
    clock: options.clock ?? realClock,
    gate: new Gate(concurrency),
    signal,
  };
}
