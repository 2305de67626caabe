/**
 * Self-tests of the fake GitHub Actions ID-token endpoint (test/fakes/id-token-server.ts): it
 * answers as documented, refuses a bad bearer, and plays each fault. Its own small HTTP client,
 * so that the fake is tested apart from @actions/core and src/.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type FakeIdTokenServer,
  ID_TOKEN_PATH,
  ISSUER,
  REQUEST_TOKEN,
  startIdTokenServer,
} from '../fakes/id-token-server.ts';

interface Response {
  status: number;
  text: string;
  json: unknown;
}

/** Requests `url` with the bearer `token` (default the right one; null: no Authorization). */
function get(
  url: string,
  { token = REQUEST_TOKEN, method = 'GET' }: { token?: string | null; method?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = {};
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method, headers, signal: AbortSignal.timeout(20_000) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function payloadOf(jwt: string): Record<string, unknown> {
  const parts = jwt.split('.');
  assert.equal(parts.length, 3, jwt);
  return JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
}

let server: FakeIdTokenServer;
before(async () => {
  server = await startIdTokenServer({ issuedAt: 1_700_000_000 });
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const withAudience = (audience: string): string =>
  `${server.url}&audience=${encodeURIComponent(audience)}`;

describe('fake ID-token endpoint: answers', () => {
  it('gives a runner-shaped URL: loopback, the idtoken path, a query with api-version=2.0', () => {
    const url = new URL(server.url);
    assert.equal(url.hostname, '127.0.0.1');
    assert.equal(url.pathname, ID_TOKEN_PATH);
    assert.match(
      url.pathname,
      /^\/[\w-]+\/_apis\/distributedtask\/hubs\/\w+\/plans\/[\w-]+\/jobs\/[\w-]+\/idtoken$/,
    );
    assert.equal(url.search, '?api-version=2.0');
    assert.equal(server.requestToken, REQUEST_TOKEN);
  });

  it('answers {count, value} with the JWT for the audience asked for, and records the request', async () => {
    const response = await get(withAudience('https://my.1password.com'));
    assert.equal(response.status, 200);
    const value = server.tokenFor('https://my.1password.com');
    assert.deepEqual(response.json, { count: value.length, value });
    assert.deepEqual(server.requests, [
      {
        method: 'GET',
        path: `${ID_TOKEN_PATH}?api-version=2.0&audience=https%3A%2F%2Fmy.1password.com`,
        audience: 'https://my.1password.com',
        authorized: true,
        status: 200,
      },
    ]);
  });

  it('the JWT carries GitHub claims: aud, iss, sub, iat/nbf/exp', () => {
    const claims = payloadOf(server.tokenFor('op-audience'));
    assert.equal(claims['aud'], 'op-audience');
    assert.equal(claims['iss'], ISSUER);
    assert.equal(claims['sub'], 'repo:owner/repo:ref:refs/heads/main');
    assert.equal(claims['iat'], 1_700_000_000);
    assert.equal(claims['nbf'], 1_700_000_000 - 600);
    assert.equal(claims['exp'], 1_700_000_000 + 300);
    assert.deepEqual(claims, server.claimsFor('op-audience'));
    const header = JSON.parse(
      Buffer.from(server.tokenFor('op-audience').split('.')[0] ?? '', 'base64url').toString(),
    ) as unknown;
    assert.deepEqual(header, { typ: 'JWT', alg: 'RS256', x5t: 'fake-x5t', kid: 'fake-kid' });
  });

  it('tokens are deterministic per audience and differ between audiences', () => {
    assert.equal(server.tokenFor('a'), server.tokenFor('a'));
    assert.notEqual(server.tokenFor('a'), server.tokenFor('b'));
    assert.match(server.tokenFor('a'), /^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('decodes an audience with reserved characters', async () => {
    const audience = 'https://example.com/a b?c=d&e=f#g';
    const response = await get(withAudience(audience));
    assert.equal(response.status, 200);
    assert.equal((response.json as { value: string }).value, server.tokenFor(audience));
    assert.equal(server.requests[0]?.audience, audience);
    assert.equal(payloadOf(server.tokenFor(audience))['aud'], audience);
  });

  it('no audience: GitHub default, the owner URL', async () => {
    const response = await get(server.url);
    assert.equal(response.status, 200);
    assert.equal((response.json as { value: string }).value, server.tokenFor());
    assert.equal(payloadOf(server.tokenFor())['aud'], 'https://github.com/owner');
    assert.equal(server.requests[0]?.audience, null);
  });

  it('repository, ref and request token are options', async () => {
    const other = await startIdTokenServer({
      requestToken: 'other-token',
      repository: 'acme/app',
      ref: 'refs/tags/v1',
    });
    try {
      assert.equal(other.requestToken, 'other-token');
      const claims = payloadOf(other.tokenFor('x'));
      assert.equal(claims['sub'], 'repo:acme/app:ref:refs/tags/v1');
      assert.equal(other.claimsFor()['aud'], 'https://github.com/acme');
      assert.equal((await get(`${other.url}&audience=x`)).status, 401);
      assert.equal((await get(`${other.url}&audience=x`, { token: 'other-token' })).status, 200);
    } finally {
      await other.close();
    }
  });
});

describe('fake ID-token endpoint: refusals', () => {
  it('a wrong bearer: 401 with a JSON message, no value, recorded as not authorized', async () => {
    const response = await get(withAudience('a'), { token: 'wrong' });
    assert.equal(response.status, 401);
    assert.equal(typeof (response.json as { message?: unknown }).message, 'string');
    assert.ok(!response.text.includes('"value"'));
    assert.ok(!response.text.includes(REQUEST_TOKEN));
    assert.equal(server.requests[0]?.authorized, false);
    assert.equal(server.requests[0]?.status, 401);
  });

  it('no Authorization header: 401', async () => {
    assert.equal((await get(withAudience('a'), { token: null })).status, 401);
  });

  it('a bearer of the right token with another scheme: 401', async () => {
    const response = await new Promise<number>((resolve, reject) => {
      http
        .get(withAudience('a'), { headers: { authorization: `Basic ${REQUEST_TOKEN}` } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject);
    });
    assert.equal(response, 401);
  });

  it('another path: 404; another method: 405; no api-version: 400', async () => {
    const url = new URL(server.url);
    assert.equal((await get(`${url.origin}/_apis/other?api-version=2.0`)).status, 404);
    assert.equal((await get(withAudience('a'), { method: 'POST' })).status, 405);
    assert.equal((await get(`${url.origin}${ID_TOKEN_PATH}?audience=a`)).status, 400);
  });
});

describe('fake ID-token endpoint: faults, one per request, in order', () => {
  it('statuses 401, 403, 500, 503 with JSON error bodies, then normal service', async () => {
    server.fail({ status: 401 }, { status: 403 }, { status: 500 }, { status: 503 });
    for (const status of [401, 403, 500, 503]) {
      const response = await get(withAudience('a'));
      assert.equal(response.status, status);
      assert.equal(typeof (response.json as { message?: unknown }).message, 'string');
    }
    assert.equal((await get(withAudience('a'))).status, 200);
    assert.deepEqual(
      server.requests.map((request) => [request.status, request.fault]),
      [
        [401, { status: 401 }],
        [403, { status: 403 }],
        [500, { status: 500 }],
        [503, { status: 503 }],
        [200, undefined],
      ],
    );
  });

  it('a status with a body of its own', async () => {
    server.fail({ status: 502, body: 'Bad Gateway from the edge' });
    const response = await get(withAudience('a'));
    assert.equal(response.status, 502);
    assert.equal(response.text, 'Bad Gateway from the edge');
  });

  it('reset: the socket is destroyed without an answer', async () => {
    server.fail({ reset: true });
    await assert.rejects(get(withAudience('a')), { code: 'ECONNRESET' });
    assert.equal(server.requests[0]?.status, 0);
    assert.equal((await get(withAudience('a'))).status, 200);
  });

  it('noValue and rawBody: 200 without a token', async () => {
    server.fail({ noValue: true }, { rawBody: 'not json' });
    const noValue = await get(withAudience('a'));
    assert.equal(noValue.status, 200);
    assert.deepEqual(noValue.json, { count: 0 });
    const raw = await get(withAudience('a'));
    assert.equal(raw.status, 200);
    assert.equal(raw.text, 'not json');
  });

  it('hang: no answer until close(), which ends the request', async () => {
    const hanging = await startIdTokenServer();
    hanging.fail({ hang: true });
    let settled = false;
    const pending = get(`${hanging.url}&audience=a`).finally(() => {
      settled = true;
    });
    while (hanging.requests.length === 0) await sleep(5);
    await sleep(200);
    assert.equal(settled, false);
    await hanging.close();
    await assert.rejects(pending);
    assert.equal(hanging.requests[0]?.status, 0);
    assert.deepEqual(hanging.requests[0]?.fault, { hang: true });
  });
});
