import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { HttpClient, HttpFailure, retryAfterMs } from '../../src/backends/http.ts';
import { type Clock, DEFAULT_POLICY, type RetryPolicy } from '../../src/backends/retry.ts';

describe('retryAfterMs', () => {
  const now = Date.UTC(2030, 0, 1, 12, 0, 0);
  const cases: [string | undefined, number | undefined][] = [
    [undefined, undefined],
    ['', undefined],
    ['   ', undefined],
    ['0', 0],
    ['1', 1000],
    ['5', 5000],
    [' 7 ', 7000],
    ['120', 120_000],
    [new Date(now + 10_000).toUTCString(), 10_000],
    [new Date(now + 90_000).toUTCString(), 90_000],
    ['Tue, 01 Jan 2030 12:00:03 GMT', 3000],
    [new Date(now - 60_000).toUTCString(), 0], // in the past: no wait
    ['garbage', undefined],
    ['soon', undefined],
    ['later please', undefined],
  ];
  for (const [header, expected] of cases) {
    it(`${JSON.stringify(header)} -> ${expected}`, () => {
      assert.equal(retryAfterMs(header, now), expected);
    });
  }
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

/** What the server does with one request. */
type Step =
  | { status: number; headers?: Record<string, string>; body?: string }
  | 'hang'
  | 'hang-body'
  | 'drip'
  | 'reset';

interface Scripted {
  origin: string;
  requests: string[];
  script(steps: Step[]): void;
  close(): Promise<void>;
}

/** A server on 127.0.0.1 that answers each request with the next scripted step (the last repeats). */
async function startServer(): Promise<Scripted> {
  let steps: Step[] = [];
  const requests: string[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    requests.push(request.url ?? '');
    const step = steps[Math.min(requests.length - 1, steps.length - 1)] ?? { status: 500 };
    if (step === 'hang') {
      hanging.push(response);
      return;
    }
    if (step === 'hang-body') {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      response.write('{"partial":');
      hanging.push(response);
      return;
    }
    if (step === 'drip') {
      response.writeHead(200, { 'content-type': 'application/json' });
      hanging.push(response);
      const timer = setInterval(() => {
        if (response.destroyed || response.writableEnded) clearInterval(timer);
        else response.write(' ');
      }, 50);
      response.on('close', () => clearInterval(timer));
      return;
    }
    if (step === 'reset') {
      request.socket.destroy();
      return;
    }
    response.writeHead(step.status, {
      'content-type': 'application/json',
      ...(step.headers ?? {}),
    });
    response.end(step.body ?? JSON.stringify({ status: step.status }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    script(next) {
      steps = next;
      requests.length = 0;
    },
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Time that passes only when the client sleeps; every sleep is recorded. */
function fakeClock(start = Date.UTC(2030, 0, 1)): { clock: Clock; sleeps: number[] } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    clock: {
      now: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
      random: () => 0.5,
    },
  };
}

describe('HttpClient retries', () => {
  let server: Scripted;
  const clients: HttpClient[] = [];

  before(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  after(async () => {
    await server.close();
  });

  function client(clock: Clock, policy: Partial<RetryPolicy> = {}): HttpClient {
    const created = new HttpClient({
      origin: server.origin,
      headers: { authorization: 'Bearer test-token' },
      policy: { ...DEFAULT_POLICY, ...policy },
      clock,
    });
    clients.push(created);
    return created;
  }

  it('503 then 200 succeeds after one retry', async () => {
    server.script([{ status: 503 }, { status: 200, body: '{"ok":true}' }]);
    const { clock, sleeps } = fakeClock();
    const response = await client(clock).get('/v1/vaults');
    assert.equal(response.status, 200);
    assert.equal(Buffer.from(response.body).toString(), '{"ok":true}');
    assert.match(response.contentType, /application\/json/);
    assert.equal(server.requests.length, 2);
    assert.deepEqual(server.requests, ['/v1/vaults', '/v1/vaults']);
    assert.equal(sleeps.length, 1);
    assert.ok((sleeps[0] ?? 0) > 0, 'backs off before retrying');
  });

  for (const status of [408, 429, 500, 502, 503, 504]) {
    it(`${status} is retried`, async () => {
      server.script([{ status }, { status: 200 }]);
      const { clock } = fakeClock();
      const response = await client(clock).get('/x');
      assert.equal(response.status, 200);
      assert.equal(server.requests.length, 2);
    });
  }

  it('a network error (connection reset) is retried', async () => {
    server.script(['reset', { status: 200 }]);
    const { clock } = fakeClock();
    const response = await client(clock).get('/x');
    assert.equal(response.status, 200);
    assert.equal(server.requests.length, 2);
  });

  for (const status of [400, 401, 403, 404]) {
    it(`${status} is not retried: exactly one request`, async () => {
      server.script([{ status }, { status: 200 }]);
      const { clock, sleeps } = fakeClock();
      const response = await client(clock).get('/x');
      assert.equal(response.status, status);
      assert.equal(server.requests.length, 1);
      assert.deepEqual(sleeps, []);
    });
  }

  it('the backoff grows between attempts', async () => {
    server.script([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 200 }]);
    const { clock, sleeps } = fakeClock();
    const response = await client(clock).get('/x');
    assert.equal(response.status, 200);
    assert.equal(sleeps.length, 3);
    const [a = 0, b = 0, c = 0] = sleeps;
    assert.ok(a < b && b < c, `backoff ${sleeps.join(', ')}`);
  });

  it('429 with Retry-After: 1 waits at least one second', async () => {
    server.script([{ status: 429, headers: { 'retry-after': '1' } }, { status: 200 }]);
    const { clock, sleeps } = fakeClock();
    const response = await client(clock).get('/x');
    assert.equal(response.status, 200);
    assert.equal(server.requests.length, 2);
    assert.equal(sleeps.length, 1);
    assert.ok((sleeps[0] ?? 0) >= 1000, `slept ${sleeps[0]} ms`);
  });

  it('503 with Retry-After as an HTTP date is honoured', async () => {
    const start = Date.UTC(2030, 0, 1, 0, 0, 0);
    const { clock, sleeps } = fakeClock(start);
    server.script([
      { status: 503, headers: { 'retry-after': new Date(start + 4000).toUTCString() } },
      { status: 200 },
    ]);
    const response = await client(clock).get('/x');
    assert.equal(response.status, 200);
    assert.ok((sleeps[0] ?? 0) >= 4000, `slept ${sleeps[0]} ms`);
  });

  it('a Retry-After beyond the budget fails at once with HttpFailure', async () => {
    server.script([{ status: 429, headers: { 'retry-after': '120' } }, { status: 200 }]);
    const { clock, sleeps } = fakeClock();
    const started = performance.now();
    await assert.rejects(client(clock).get('/x'), HttpFailure);
    assert.ok(performance.now() - started < 2000);
    assert.equal(server.requests.length, 1);
    assert.deepEqual(sleeps, []);
  });

  it('attempts are bounded', async () => {
    server.script([{ status: 503 }]);
    const { clock, sleeps } = fakeClock();
    await assert.rejects(client(clock).get('/x'), (thrown: unknown) => {
      assert.ok(thrown instanceof HttpFailure);
      assert.equal(thrown.status, 503);
      return true;
    });
    assert.equal(server.requests.length, DEFAULT_POLICY.attempts);
    assert.equal(sleeps.length, DEFAULT_POLICY.attempts - 1);
  });

  it('attempts are bounded by a custom policy', async () => {
    server.script([{ status: 500 }]);
    const { clock } = fakeClock();
    await assert.rejects(client(clock, { attempts: 3 }).get('/x'), HttpFailure);
    assert.equal(server.requests.length, 3);
  });

  it('waits stay within the budget', async () => {
    server.script([{ status: 503 }]);
    const { clock, sleeps } = fakeClock();
    await assert.rejects(
      client(clock, { attempts: 50, budgetMs: 5000, maxDelayMs: 2000 }).get('/x'),
      HttpFailure,
    );
    const total = sleeps.reduce((sum, ms) => sum + ms, 0);
    assert.ok(total <= 5000, `slept ${total} ms in all`);
    assert.ok(server.requests.length < 50);
  });

  it('a server that never answers: each attempt times out, and the request fails, bounded', async () => {
    server.script(['hang']);
    const { clock } = fakeClock();
    const started = performance.now();
    await assert.rejects(
      client(clock, { attempts: 3, attemptTimeoutMs: 200 }).get('/x'),
      HttpFailure,
    );
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 5000, `took ${elapsed} ms`);
    assert.ok(elapsed >= 200, 'the attempts did wait for their timeout');
    assert.equal(server.requests.length, 3);
  });

  it('a server that sends headers but never the body: rejects, bounded', async () => {
    server.script(['hang-body']);
    const { clock } = fakeClock();
    const started = performance.now();
    await assert.rejects(
      client(clock, { attempts: 2, attemptTimeoutMs: 200 }).get('/x'),
      HttpFailure,
    );
    assert.ok(performance.now() - started < 5000);
  });

  it('a server that drips its body forever: each attempt is bounded by its timeout', async () => {
    server.script(['drip']);
    const { clock } = fakeClock();
    const started = performance.now();
    await assert.rejects(
      client(clock, { attempts: 2, attemptTimeoutMs: 300 }).get('/x'),
      HttpFailure,
    );
    assert.ok(performance.now() - started < 5000);
  });

  it('the budget failure says what the server answered (status and Retry-After)', async () => {
    server.script([{ status: 429, headers: { 'retry-after': '120' } }]);
    const { clock } = fakeClock();
    await assert.rejects(client(clock).get('/x'), (thrown: unknown) => {
      assert.ok(thrown instanceof HttpFailure);
      assert.match(thrown.message, /429/);
      assert.match(thrown.message, /120/);
      // HttpFailure.status: "set when the last answer was an HTTP status rather than a network fault".
      assert.equal(thrown.status, 429);
      return true;
    });
  });

  it('an unreachable server fails with HttpFailure', async () => {
    const closed = await startServer();
    const origin = closed.origin;
    await closed.close();
    const { clock } = fakeClock();
    const unreachable = new HttpClient({
      origin,
      headers: {},
      policy: { ...DEFAULT_POLICY, attempts: 2 },
      clock,
    });
    clients.push(unreachable);
    await assert.rejects(unreachable.get('/x'), HttpFailure);
  });

  it('the failure message carries no credential', async () => {
    server.script([{ status: 503 }]);
    const { clock } = fakeClock();
    await assert.rejects(client(clock, { attempts: 2 }).get('/x'), (thrown: unknown) => {
      assert.ok(thrown instanceof HttpFailure);
      assert.ok(!thrown.message.includes('test-token'));
      return true;
    });
  });
});
