/**
 * The Connect backend's HTTP client (undici underneath): which answers and faults are retried,
 * the deadline on every attempt, the 64 MiB limit, redirects, against a scripted loopback server.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { MockAgent } from 'undici';
import { HttpClient, HttpFailure, retryAfterMs } from '../../src/backends/http.ts';
import { MAX_RESPONSE_BYTES } from '../../src/backends/source.ts';
import { type Clock, DEFAULT_POLICY, type RetryPolicy } from '../../src/backends/retry.ts';
import { fakeClock } from '../support/fake-clock.ts';

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

/** What the server does with one request. */
type Step =
  | { status: number; headers?: Record<string, string>; body?: string }
  | 'hang'
  | 'hang-body'
  | 'drip'
  | 'reset'
  /** 200, then filler until the client goes away (or `bytes` are sent), with backpressure. */
  | { stream: number; announce?: boolean };

interface Scripted {
  origin: string;
  requests: string[];
  /** Bytes of filler written by `stream` steps. */
  streamed: number;
  script(steps: Step[]): void;
  close(): Promise<void>;
}

/** A server on 127.0.0.1 that answers each request with the next scripted step (the last repeats). */
async function startServer(): Promise<Scripted> {
  let steps: Step[] = [];
  const requests: string[] = [];
  let streamed = 0;
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
    if ('stream' in step) {
      response.writeHead(200, {
        'content-type': 'application/json',
        ...(step.announce ? { 'content-length': String(step.stream) } : {}),
      });
      hanging.push(response);
      void (async () => {
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        for (let left = step.stream; left > 0 && !response.destroyed; left -= chunk.length) {
          streamed += Math.min(left, chunk.length);
          if (!response.write(chunk.subarray(0, left))) {
            await Promise.race([once(response, 'drain'), once(response, 'close')]);
          }
        }
        response.end();
      })();
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
    get streamed() {
      return streamed;
    },
    script(next) {
      steps = next;
      requests.length = 0;
      streamed = 0;
    },
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
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
    // At once, not after 120 s (a wide margin for a busy machine); the fake clock slept never.
    assert.ok(performance.now() - started < 10_000);
    assert.equal(server.requests.length, 1);
    assert.deepEqual(sleeps, []);
  });

  it('attempts are bounded', async () => {
    server.script([{ status: 503 }]);
    const { clock, sleeps } = fakeClock();
    await assert.rejects(client(clock).get('/x'), (thrown: unknown) => {
      assert.ok(thrown instanceof HttpFailure);
      assert.equal(thrown.kind, 'unanswered');
      assert.match(
        thrown.message,
        new RegExp(`^HTTP 503 after ${DEFAULT_POLICY.attempts} attempts`),
      );
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

  it('a server that never answers: each attempt times out, and the request fails, bounded', async () => {
    server.script(['hang']);
    const { clock } = fakeClock();
    const started = performance.now();
    await assert.rejects(
      client(clock, { attempts: 3, attemptTimeoutMs: 200 }).get('/x'),
      (thrown: unknown) => {
        assert.ok(thrown instanceof HttpFailure);
        assert.match(thrown.message, /^no answer within \d+ ms after 3 attempts/);
        return true;
      },
    );
    const elapsed = performance.now() - started;
    // Wide: three 200 ms deadlines on a busy machine; a hang would never end.
    assert.ok(elapsed < 20_000, `took ${elapsed} ms`);
    assert.ok(elapsed >= 200, 'the attempts did wait for their timeout');
    // On a busy machine an attempt may time out before its request reaches the server.
    assert.ok(server.requests.length <= 3, `${server.requests.length} requests`);
  });

  it('a server that sends headers but never the body: rejects, bounded', async () => {
    server.script(['hang-body']);
    const { clock } = fakeClock();
    const started = performance.now();
    await assert.rejects(
      client(clock, { attempts: 2, attemptTimeoutMs: 200 }).get('/x'),
      HttpFailure,
    );
    assert.ok(performance.now() - started < 20_000); // wide, for a busy machine
  });

  it('a server that drips its body forever: each attempt is bounded by its timeout', async () => {
    server.script(['drip']);
    const { clock } = fakeClock();
    const started = performance.now();
    await assert.rejects(
      client(clock, { attempts: 2, attemptTimeoutMs: 300 }).get('/x'),
      HttpFailure,
    );
    assert.ok(performance.now() - started < 20_000); // wide, for a busy machine
  });

  it('the budget failure says what the server answered (status and Retry-After)', async () => {
    server.script([{ status: 429, headers: { 'retry-after': '120' } }]);
    const { clock } = fakeClock();
    await assert.rejects(client(clock).get('/x'), (thrown: unknown) => {
      assert.ok(thrown instanceof HttpFailure);
      assert.match(thrown.message, /^HTTP 429 after 1 attempts/);
      assert.match(thrown.message, /server asked to wait 120 s/);
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

  it('a redirect is returned as it is, never followed', async () => {
    server.script([{ status: 302, headers: { location: '/followed' } }, { status: 200 }]);
    const { clock } = fakeClock();
    const response = await client(clock).get('/x');
    assert.equal(response.status, 302);
    assert.equal(response.location, '/followed');
    assert.deepEqual(server.requests, ['/x']);
  });

  it('an answer past 64 MiB is abandoned as the limit passes: one request, never retried', async () => {
    server.script([{ stream: 4 * MAX_RESPONSE_BYTES }, { status: 200 }]);
    const { clock, sleeps } = fakeClock();
    // Streaming 64 MiB takes seconds on a busy machine: a deadline passed first would be
    // retried, and the retry would read the 200. The limit, not a clock, must end it.
    const patient = { attemptTimeoutMs: 120_000, budgetMs: 120_000 };
    await assert.rejects(client(clock, patient).get('/x'), (thrown: unknown) => {
      assert.ok(thrown instanceof HttpFailure);
      assert.equal(thrown.kind, 'too-large');
      assert.match(thrown.message, /exceeded 64 MiB/);
      return true;
    });
    assert.deepEqual(server.requests, ['/x']);
    assert.deepEqual(sleeps, []);
    // Abandoned: what was sent past the limit is what the socket buffers held, not the rest.
    assert.ok(server.streamed < MAX_RESPONSE_BYTES * 1.5, `${server.streamed} bytes sent`);
  });

  it('an answer announced (Content-Length) past 64 MiB is not read at all', async () => {
    server.script([{ stream: MAX_RESPONSE_BYTES + 1, announce: true }]);
    const { clock } = fakeClock();
    await assert.rejects(client(clock).get('/x'), (thrown: unknown) => {
      assert.ok(thrown instanceof HttpFailure);
      assert.equal(thrown.kind, 'too-large');
      return true;
    });
    assert.equal(server.requests.length, 1);
    assert.ok(server.streamed < MAX_RESPONSE_BYTES / 2, `${server.streamed} bytes sent`);
  });

  it('an answer of exactly 64 MiB is read whole', async () => {
    server.script([{ stream: MAX_RESPONSE_BYTES }]);
    const { clock } = fakeClock();
    const response = await client(clock).get('/x');
    assert.equal(response.status, 200);
    assert.equal(response.body.length, MAX_RESPONSE_BYTES);
  });
});

describe('HttpClient with an injected dispatcher', () => {
  it('sends its requests there, with the same retries', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    // Loopback, port 9 (discard): were the dispatcher ignored, nothing would answer there.
    const origin = 'http://127.0.0.1:9';
    const seen: (string | undefined)[] = [];
    const pool = agent.get(origin);
    const reply = (status: number) => (request: { headers?: unknown }) => {
      seen.push((request.headers as Record<string, string> | undefined)?.['authorization']);
      return {
        statusCode: status,
        data: '{"ok":true}',
        responseOptions: { headers: { 'content-type': 'application/json' } },
      };
    };
    pool.intercept({ path: '/v1/vaults', method: 'GET' }).reply(reply(503));
    pool.intercept({ path: '/v1/vaults', method: 'GET' }).reply(reply(200));
    const { clock, sleeps } = fakeClock();
    const http = new HttpClient({
      origin,
      headers: { authorization: 'Bearer test-token' },
      clock,
      dispatcher: agent,
    });
    try {
      const response = await http.get('/v1/vaults');
      assert.equal(response.status, 200);
      assert.equal(Buffer.from(response.body).toString(), '{"ok":true}');
      assert.deepEqual(seen, ['Bearer test-token', 'Bearer test-token']);
      assert.equal(sleeps.length, 1);
      agent.assertNoPendingInterceptors();
    } finally {
      await http.close();
      await agent.close();
    }
  });
});
