/**
 * The one retry mechanism every backend shares (src/backends/retry.ts): attempts, backoff,
 * server-requested waits and the budget, on a fake clock, so that no test waits in real time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Clock,
  DEFAULT_POLICY,
  Gate,
  type Limits,
  retried,
  type RetryPolicy,
  type Transient,
} from '../../src/backends/retry.ts';
import { SourceError } from '../../src/backends/source.ts';
import { fakeClock } from '../support/fake-clock.ts';

const POLICY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  budgetMs: 30_000,
  attemptTimeoutMs: 15_000,
};

function limitsOf(clock: Clock, policy: Partial<RetryPolicy> = {}, gate = 8): Limits {
  return {
    policy: { ...POLICY, ...policy },
    clock,
    gate: new Gate(gate),
    signal: new AbortController().signal,
  };
}

/** An attempt that plays the scripted outcomes in order (the last repeats), recording each `leftMs`. */
function scripted<T>(outcomes: (T | Transient)[]): {
  attempt: (leftMs: number) => Promise<T | Transient>;
  lefts: number[];
} {
  const lefts: number[] = [];
  return {
    lefts,
    attempt: (leftMs) => {
      lefts.push(leftMs);
      const outcome = outcomes[Math.min(lefts.length - 1, outcomes.length - 1)];
      return Promise.resolve(outcome as T | Transient);
    },
  };
}

const fault = (status: number, waitMs?: number): Transient => ({
  transient: `HTTP ${status}`,
  waitMs,
});

describe('DEFAULT_POLICY', () => {
  it('retries at least 3 times, within about 30 s, with a timeout on every attempt', () => {
    assert.ok(DEFAULT_POLICY.attempts >= 4, 'at least 3 retries');
    assert.ok(DEFAULT_POLICY.budgetMs > 0 && DEFAULT_POLICY.budgetMs <= 35_000, 'budget ~30 s');
    assert.ok(DEFAULT_POLICY.attemptTimeoutMs > 0);
    assert.ok(Number.isFinite(DEFAULT_POLICY.attemptTimeoutMs));
    assert.ok(DEFAULT_POLICY.attemptTimeoutMs <= DEFAULT_POLICY.budgetMs);
  });
});

describe('retried', () => {
  it('a transient fault, then success: one backoff, then the value', async () => {
    const { clock, sleeps } = fakeClock();
    const { attempt, lefts } = scripted([fault(503), 'ok']);
    assert.equal(await retried('reading', attempt, limitsOf(clock)), 'ok');
    assert.equal(lefts.length, 2);
    assert.equal(sleeps.length, 1);
    assert.ok((sleeps[0] ?? 0) > 0, 'backs off before retrying');
  });

  it('the backoff grows between attempts', async () => {
    const { clock, sleeps } = fakeClock();
    const { attempt } = scripted([fault(503), fault(503), fault(503), 'ok']);
    assert.equal(await retried('reading', attempt, limitsOf(clock)), 'ok');
    const [a = 0, b = 0, c = 0] = sleeps;
    assert.ok(a < b && b < c, `backoff ${sleeps.join(', ')}`);
  });

  it('honours a server-requested wait (Retry-After)', async () => {
    const { clock, sleeps } = fakeClock();
    const { attempt } = scripted([fault(429, 4_000), 'ok']);
    assert.equal(await retried('reading', attempt, limitsOf(clock)), 'ok');
    assert.ok((sleeps[0] ?? 0) >= 4_000, `slept ${sleeps[0]} ms`);
  });

  it('a wait beyond the budget fails at once, saying what the server asked', async () => {
    const { clock, sleeps } = fakeClock();
    const { attempt, lefts } = scripted([fault(429, 120_000), 'ok']);
    await assert.rejects(retried('reading', attempt, limitsOf(clock)), (thrown: unknown) => {
      assert.ok(thrown instanceof SourceError);
      assert.equal(thrown.failure, 'unavailable');
      assert.match(thrown.message, /^reading: HTTP 429 after 1 attempts \(retry budget spent/);
      assert.match(thrown.message, /server asked to wait 120 s/);
      return true;
    });
    assert.equal(lefts.length, 1);
    assert.deepEqual(sleeps, []);
  });

  it('attempts are bounded by the policy', async () => {
    const { clock, sleeps } = fakeClock();
    const { attempt, lefts } = scripted([fault(500)]);
    await assert.rejects(
      retried('reading', attempt, limitsOf(clock, { attempts: 3 })),
      /HTTP 500 after 3 attempts/,
    );
    assert.equal(lefts.length, 3);
    assert.equal(sleeps.length, 2);
  });

  it('waits stay within the budget', async () => {
    const { clock, sleeps } = fakeClock();
    const { attempt, lefts } = scripted([fault(503)]);
    const limits = limitsOf(clock, { attempts: 50, budgetMs: 5_000, maxDelayMs: 2_000 });
    await assert.rejects(retried('reading', attempt, limits), /retry budget spent/);
    const total = sleeps.reduce((sum, ms) => sum + ms, 0);
    assert.ok(total <= 5_000, `slept ${total} ms in all`);
    assert.ok(lefts.length < 50);
  });

  it('each attempt is given the time left, at most the attempt timeout', async () => {
    const { clock } = fakeClock();
    const { attempt, lefts } = scripted([fault(503), fault(503), 'ok']);
    const limits = limitsOf(clock, { budgetMs: 1_000, attemptTimeoutMs: 800, baseDelayMs: 100 });
    assert.equal(await retried('reading', attempt, limits), 'ok');
    assert.equal(lefts[0], 800);
    assert.ok((lefts[1] ?? 0) < 1_000 - 50, `second attempt had ${lefts[1]} ms`);
    assert.ok((lefts[2] ?? 0) < (lefts[1] ?? 0));
  });

  it('a final failure (SourceError) is passed on as it is, without another attempt', async () => {
    const { clock } = fakeClock();
    let attempts = 0;
    const denied = new SourceError('denied', 'no access');
    await assert.rejects(
      retried(
        'reading',
        () => {
          attempts++;
          return Promise.reject(denied);
        },
        limitsOf(clock),
      ),
      (thrown) => thrown === denied,
    );
    assert.equal(attempts, 1);
  });

  it("a request's budget counts from its first attempt, not from its wait behind the gate", async () => {
    const { clock, advance } = fakeClock();
    const limits = limitsOf(clock, {}, 1);
    // The first call holds the only place for longer than a whole budget.
    const { promise: released, resolve: release } = Promise.withResolvers<void>();
    const first = retried(
      'first',
      async () => {
        await released;
        advance(POLICY.budgetMs * 2);
        return 'first';
      },
      limits,
    );
    // The second waits behind it, then meets one transient fault.
    const { attempt, lefts } = scripted([fault(503), 'second']);
    const second = retried('second', attempt, limits);
    release();
    assert.equal(await first, 'first');
    assert.equal(await second, 'second');
    assert.equal(lefts.length, 2);
    assert.equal(lefts[0], POLICY.attemptTimeoutMs, 'the first attempt got its whole timeout');
  });

  it('the gate bounds how many calls run at once', async () => {
    const { clock } = fakeClock();
    const limits = limitsOf(clock, {}, 3);
    let running = 0;
    let peak = 0;
    const calls = Array.from({ length: 10 }, (_, index) =>
      retried(
        'reading',
        async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setImmediate(resolve));
          running--;
          return index;
        },
        limits,
      ),
    );
    assert.deepEqual(await Promise.all(calls), [...Array(10).keys()]);
    assert.equal(peak, 3);
  });
});
