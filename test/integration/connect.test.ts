/** The Connect backend and the shared resolver against the fake Connect server. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, beforeEach, describe, it } from 'node:test';
import { MockAgent } from 'undici';
import { ConnectSource, isJsonMediaType } from '../../src/backends/connect.ts';
import type { Clock, RetryPolicy } from '../../src/backends/retry.ts';
import { openSource } from '../../src/backends/select.ts';
import { SourceError } from '../../src/backends/source.ts';
import { Code, Hint, SecretsError } from '../../src/errors.ts';
import type { Inputs } from '../../src/inputs.ts';
import { parseRef } from '../../src/refs.ts';
import { type Outcome, Resolver } from '../../src/resolve.ts';
import {
  type FakeConnect,
  type FakeField,
  type FakeItem,
  startFakeConnect,
  TLS,
} from '../fakes/connect-server.ts';
import { totp } from '../fakes/totp.ts';
import { CONNECT_TOKEN, IDS, MFA_OTP_URI, VALUES, VAULTS } from '../fixtures/vault-data.ts';
import { inputsWith } from '../support/inputs.ts';
import { fakeClock } from '../support/fake-clock.ts';

/** The fake computes OTP codes for this instant: one expected code, whenever the test runs. */
const OTP_AT = Date.UTC(2030, 0, 1, 12, 0, 10);

const FAST: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 100,
  maxDelayMs: 1_000,
  budgetMs: 30_000,
  // Wide: a deadline is real time, and an attempt that outlives it on a busy machine is retried.
  attemptTimeoutMs: 30_000,
};

function source(
  server: FakeConnect,
  options: { clock?: Clock; policy?: RetryPolicy; token?: string } = {},
) {
  return new ConnectSource({
    host: new URL(server.url),
    token: options.token ?? CONNECT_TOKEN,
    policy: options.policy ?? FAST,
    clock: options.clock ?? fakeClock().clock,
  });
}

async function resolveAll(
  server: FakeConnect,
  refs: string[],
  options = {},
): Promise<Map<string, Outcome>> {
  const connect = source(server, options);
  try {
    return await new Resolver(connect).resolveAll(refs.map((ref) => parseRef(ref)));
  } finally {
    await connect.close();
  }
}

async function resolveOne(
  server: FakeConnect,
  ref: string,
  options = {},
): Promise<Outcome | undefined> {
  const outcomes = await resolveAll(server, [ref], options);
  return outcomes.get(parseRef(ref).text);
}

function expectValue(outcome: Outcome | undefined): string {
  assert.ok(
    outcome && !(outcome instanceof SecretsError),
    `expected a value, got ${outcome instanceof SecretsError ? outcome.message : 'nothing'}`,
  );
  assert.equal(outcome.kind, 'value');
  assert.equal(typeof outcome.value, 'string');
  return outcome.value as string;
}

function failure(outcome: Outcome | undefined): SecretsError {
  assert.ok(outcome instanceof SecretsError, 'expected a failure');
  return outcome;
}

describe('Connect backend over HTTP', () => {
  let server: FakeConnect;
  before(async () => {
    server = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN, now: () => OTP_AT });
  });
  after(() => server.close());
  beforeEach(() => server.reset());

  const cases: [string, string][] = [
    ['op://Engineering/deploy/password', VALUES.deployPassword],
    ['op://Engineering/deploy/username', VALUES.deployUsername],
    ['op://Engineering/deploy/notesPlain', VALUES.deployNotes],
    ['op://Engineering/services/loom/deploy/token', VALUES.loomDeployToken],
    ['op://Platform/db/staging/password', VALUES.dbStagingPassword],
    ['op://Platform/queue/eu/password', VALUES.queueEuPassword],
    ['op://Platform/api/key', VALUES.apiKeyUnsectioned],
    ['op://Platform/api/primary/key', VALUES.apiKeyPrimary],
    [`op://${IDS.vaults.engineering}/${IDS.items.deploy}/token`, VALUES.deployToken],
    [`op://Engineering/${IDS.items.idTarget}/token`, VALUES.idTargetToken],
    ["op://Engineering/Clé d'accès (prod)/token", VALUES.cleToken],
  ];
  for (const [ref, expected] of cases) {
    it(`resolves ${ref}`, async () => {
      assert.equal(expectValue(await resolveOne(server, ref)), expected);
    });
  }

  it("reads no website: an item's URL label is not a field (README, References)", async () => {
    const website = { label: 'website', primary: true, href: 'www.test.com' };
    const item = (fields: FakeField[]): FakeItem => ({
      id: 'websiteitem000000000000000',
      title: 'test-secret',
      urls: [website],
      fields,
    });
    const vault = { id: 'websitevault00000000000000', name: 'Sites', items: [item([])] };
    server.setVaults([vault]);
    try {
      const missing = failure(await resolveOne(server, 'op://Sites/test-secret/website'));
      assert.equal(missing.code, Code.refNotFound);
      const field: FakeField = {
        id: 'websitefield',
        type: 'STRING',
        label: 'website',
        value: 'a field',
      };
      server.setVaults([{ ...vault, items: [item([field])] }]);
      assert.equal(
        expectValue(await resolveOne(server, 'op://Sites/test-secret/website')),
        'a field',
      );
    } finally {
      server.setVaults(VAULTS);
    }
  });

  it('gives the current one-time code for ?attribute=otp, and the seed without it', async () => {
    const code = expectValue(
      await resolveOne(server, 'op://Engineering/mfa/one-time password?attribute=otp'),
    );
    assert.match(code, /^\d{6}$/);
    assert.equal(code, totp(MFA_OTP_URI, OTP_AT));
    assert.equal(
      expectValue(await resolveOne(server, 'op://Engineering/mfa/one-time password')),
      MFA_OTP_URI,
    );
  });

  it('converts an SSH key to OpenSSH format on request', async () => {
    const key = expectValue(
      await resolveOne(server, 'op://Engineering/ssh/private key?ssh-format=openssh'),
    );
    assert.match(
      key,
      /^-----BEGIN OPENSSH PRIVATE KEY-----\n[\s\S]+-----END OPENSSH PRIVATE KEY-----\n$/,
    );
    const otp = failure(await resolveOne(server, 'op://Engineering/deploy/password?attribute=otp'));
    assert.equal(otp.code, Code.refInvalid);
  });

  const failures: [string, string, RegExp][] = [
    ['op://Nowhere/deploy/password', Code.refNotFound, /vault "Nowhere" not found/],
    [
      'op://Engineering/nothing/password',
      Code.refNotFound,
      /item "nothing" not found in vault "Engineering"/,
    ],
    [
      'op://Engineering/deploy/nothing',
      Code.refNotFound,
      /field "nothing" not found in item "deploy"/,
    ],
    ['op://Engineering/twin/token', Code.refAmbiguous, /2 items are titled "twin"/],
    ['op://Shared/x/y', Code.refAmbiguous, /2 vaults are titled "Shared"/],
    ['op://Platform/cache/prod/url', Code.refAmbiguous, /both readings match/],
    ['op://Platform/dup-field/secret', Code.refAmbiguous, /fields are labelled "secret"/],
    [`op://${IDS.vaults.restricted}/x/y`, Code.accessDenied, /may not read vault/],
    [
      'op://Platform/nothing/here/password',
      Code.refNotFound,
      /item "nothing\/here" not found.*; and item "nothing" not found/,
    ],
  ];
  for (const [ref, code, message] of failures) {
    it(`reports ${ref} as ${code}`, async () => {
      const error = failure(await resolveOne(server, ref));
      assert.equal(error.code, code);
      assert.match(error.message, message);
    });
  }

  it('fetches each vault list, item list and item once, in parallel, on kept-alive connections', async () => {
    // Each vault's item list is held until both are asked for: they overlap on any machine.
    for (const vault of [IDS.vaults.engineering, IDS.vaults.platform]) {
      server.fault({ path: `/v1/vaults/${vault}/items` }, [{ holdUntilInFlight: 2 }]);
    }
    const refs = [
      'op://Engineering/deploy/password',
      'op://Engineering/deploy/username',
      'op://Engineering/deploy/token',
      'op://Engineering/mfa/username',
      'op://Platform/api/key',
      'op://Platform/api/primary/key',
      'op://Platform/queue/eu/password',
      'op://Engineering/deploy/password',
    ];
    const outcomes = await resolveAll(server, refs);
    assert.equal(outcomes.size, 7);
    for (const outcome of outcomes.values()) expectValue(outcome);
    const paths = server.requests.map((request) => request.path);
    assert.equal(paths.filter((path) => path === '/v1/vaults').length, 1);
    assert.equal(paths.filter((path) => /^\/v1\/vaults\/[^/]+\/items$/.test(path)).length, 2);
    const items = paths.filter((path) => /\/items\/[^/]+$/.test(path));
    assert.equal(new Set(items).size, items.length, 'an item was fetched twice');
    // deploy, mfa, api, queue; the four-segment ref reads "queue/eu" by title only, without a fetch.
    assert.equal(items.length, 4);
    assert.ok(
      server.maxConcurrency >= 2,
      `requests did not overlap (max ${server.maxConcurrency})`,
    );
    // Never more requests in flight than the four item fetches: seven requests on at most four
    // connections, however many of them the server happened to see at once.
    assert.ok(
      server.connections <= items.length,
      `connections were not reused: ${server.connections} for ${server.requests.length} requests`,
    );
    // And no fewer than the requests that overlapped (one each): the count is not stuck at 0.
    assert.ok(
      server.connections >= server.maxConcurrency,
      `${server.connections} connections for ${server.maxConcurrency} requests at once`,
    );
    for (const request of server.requests)
      assert.equal(request.authorization, `Bearer ${CONNECT_TOKEN}`);
  });

  it('asks one request after another on one kept-alive connection', async () => {
    // The vault list, then the item list, then the item: each waits for the answer before it.
    expectValue(await resolveOne(server, 'op://Engineering/deploy/password'));
    assert.equal(server.requests.length, 3);
    assert.equal(server.maxConcurrency, 1);
    assert.equal(server.connections, 1, 'a request after an answer opened a new connection');
  });

  it('fails the whole run when the token is rejected (401), without retrying or echoing it', async () => {
    const token = `${CONNECT_TOKEN.slice(0, -4)}AAAA`;
    await assert.rejects(
      resolveAll(server, ['op://Engineering/deploy/password'], { token }),
      (error) => {
        assert.ok(error instanceof SecretsError);
        assert.equal(error.code, Code.providerUnavailable);
        assert.equal(error.secret, undefined);
        assert.match(error.message, /rejected the token \(401/);
        assert.ok(!error.message.includes(token));
        return true;
      },
    );
    assert.equal(server.requests.length, 1);
  });

  it('retries 5xx, 408, 429 and dropped connections, honouring Retry-After', async () => {
    server.fault({ path: '/v1/vaults' }, [
      { status: 503 },
      { status: 429, headers: { 'retry-after': '2' } },
      { drop: true },
      { status: 408 },
    ]);
    const { clock, sleeps } = fakeClock();
    const policy = { ...FAST, attempts: 5 };
    assert.equal(
      expectValue(await resolveOne(server, 'op://Engineering/deploy/password', { clock, policy })),
      VALUES.deployPassword,
    );
    assert.equal(server.requests.filter((request) => request.path === '/v1/vaults').length, 5);
    assert.equal(sleeps.length, 4);
    assert.ok((sleeps[1] ?? 0) >= 2_000, `Retry-After ignored: ${sleeps.join(', ')}`);
    assert.ok(sleeps.every((ms) => ms > 0));
  });

  it('gives up on a 5xx storm with SECRETS_PROVIDER_UNAVAILABLE after the attempts', async () => {
    server.fault(
      { path: '/v1/vaults' },
      Array.from({ length: 10 }, () => ({ status: 500 })),
    );
    await assert.rejects(resolveAll(server, ['op://Engineering/deploy/password']), (error) => {
      assert.ok(error instanceof SecretsError);
      assert.equal(error.code, Code.providerUnavailable);
      assert.match(error.message, /HTTP 500 after 4 attempts/);
      return true;
    });
    assert.equal(server.requests.length, FAST.attempts);
  });

  const never: [string, number][] = [
    ['400', 400],
    ['403', 403],
    ['404', 404],
  ];
  for (const [name, status] of never) {
    it(`never retries ${name}`, async () => {
      server.fault({ path: `/v1/vaults/${IDS.vaults.engineering}/items` }, [{ status }]);
      const error = failure(await resolveOne(server, 'op://Engineering/deploy/password'));
      const expected = { 400: Code.refInvalid, 403: Code.accessDenied, 404: Code.refNotFound }[
        status
      ];
      assert.equal(error.code, expected);
      assert.equal(server.requests.filter((request) => request.path.endsWith('/items')).length, 1);
    });
  }

  it('refuses an answer that is not the API JSON (HTML with 200, malformed JSON)', async () => {
    server.fault({ path: '/v1/vaults' }, [
      { rawBody: '<html>login</html>', contentType: 'text/html' },
    ]);
    await assert.rejects(
      resolveAll(server, ['op://Engineering/deploy/password']),
      /something other than the API's JSON/,
    );
    server.fault({ path: '/v1/vaults' }, [{ rawBody: '[{"id": ' }]);
    await assert.rejects(
      resolveAll(server, ['op://Engineering/deploy/password']),
      /something other than the API's JSON/,
    );
  });

  it('parses the content type: "json" in a parameter is not JSON, a +json type is', async () => {
    server.fault({ path: '/v1/vaults' }, [{ rawBody: '[]', contentType: 'text/html; x=notjson' }]);
    await assert.rejects(
      resolveAll(server, ['op://Engineering/deploy/password']),
      /something other than the API's JSON/,
    );
    for (const contentType of ['Application/JSON; charset=utf-8', 'application/vnd.api+json']) {
      server.fault({ path: '/v1/vaults' }, [{ rawBody: '[]', contentType }]);
      // Read as JSON: an empty vault list, so the vault is not found.
      const outcome = await resolveOne(server, 'op://Engineering/deploy/password');
      assert.equal(failure(outcome).code, Code.refNotFound, contentType);
    }
  });

  it('bounds a server that never answers by the attempt timeout', async () => {
    server.fault({ path: '/v1/vaults' }, [{ hang: true }, { hang: true }]);
    const started = performance.now();
    const policy = { ...FAST, attempts: 2, attemptTimeoutMs: 200 };
    await assert.rejects(
      resolveAll(server, ['op://Engineering/deploy/password'], { policy }),
      (error) => {
        assert.ok(error instanceof SecretsError);
        assert.equal(error.code, Code.providerUnavailable);
        return true;
      },
    );
    // Wide: two 200 ms deadlines on a busy machine; a hang would never end.
    assert.ok(performance.now() - started < 20_000);
  });

  it('does not follow a redirect: unavailable, saying where it pointed', async () => {
    server.fault({ path: '/v1/vaults' }, [
      { status: 302, headers: { location: `${server.url}/v1/vaults?followed=1` } },
    ]);
    await assert.rejects(resolveAll(server, ['op://Engineering/deploy/password']), (error) => {
      assert.ok(error instanceof SecretsError);
      assert.equal(error.code, Code.providerUnavailable);
      assert.match(error.message, /redirect \(HTTP 302 to http:\/\/127\.0\.0\.1:\d+\)/);
      assert.match(error.message, /something other than the API's JSON/);
      return true;
    });
    assert.deepEqual(
      server.requests.map((request) => request.path),
      ['/v1/vaults'],
    );
  });

  it('abandons an answer over 64 MiB as the limit passes: coded, quick, not retried', async () => {
    const itemPath = `/v1/vaults/${IDS.vaults.engineering}/items/${IDS.items.deploy}`;
    server.fault({ path: itemPath }, [{ streamBytes: 1024 * 1024 * 1024 }]);
    // Streaming 64 MiB takes seconds on a busy machine: a deadline passed first would be
    // retried, and the retry would read the item. The limit, not a clock, must end it.
    const policy = { ...FAST, attemptTimeoutMs: 120_000, budgetMs: 120_000 };
    const refs = ['op://Engineering/deploy/password'];
    await assert.rejects(resolveAll(server, refs, { policy }), (error) => {
      assert.ok(error instanceof SecretsError);
      assert.equal(error.code, Code.providerUnavailable);
      assert.match(error.message, /answer for item \S+ of vault \S+ exceeded 64 MiB: abandoned/);
      return true;
    });
    assert.equal(server.requests.filter((request) => request.path === itemPath).length, 1);
    // Abandoned at the limit, however slowly: the server (which writes only as the client reads)
    // sent little more than the socket buffers hold, so no more ever reached the client's memory.
    assert.ok(server.streamed < 96 * 1024 * 1024, `${server.streamed} bytes sent`);
  });
});

describe('Connect backend on an injected undici dispatcher', () => {
  it('sends its requests there: a 401 is the token hint, never retried', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    // Loopback, port 9 (discard): were the dispatcher ignored, nothing would answer there.
    const origin = 'http://127.0.0.1:9';
    agent
      .get(origin)
      .intercept({ path: '/v1/vaults', method: 'GET' })
      .reply(401, { status: 401, message: 'Invalid token signature' });
    const connect = new ConnectSource({
      host: new URL(origin),
      token: CONNECT_TOKEN,
      policy: FAST,
      clock: fakeClock().clock,
      dispatcher: agent,
    });
    try {
      await assert.rejects(connect.listVaults(), (error) => {
        assert.ok(error instanceof SourceError);
        assert.equal(error.failure, 'unavailable');
        assert.match(error.message, /rejected the token \(401: "Invalid token signature"\)/);
        assert.ok(error.message.includes(Hint.connectToken));
        return true;
      });
      agent.assertNoPendingInterceptors();
    } finally {
      await connect.close();
      await agent.close();
    }
  });
});

describe('Connect backend over HTTPS', () => {
  const inputs = (server: FakeConnect, connectCa?: string): Inputs =>
    inputsWith({
      authMode: 'connect',
      connectHost: server.url,
      connectToken: CONNECT_TOKEN,
      connectCa,
    });

  async function viaInputs(server: FakeConnect, connectCa?: string): Promise<Outcome | undefined> {
    const { source: opened } = await openSource('connect', inputs(server, connectCa));
    try {
      const ref = parseRef('op://Engineering/deploy/token');
      return (await new Resolver(opened).resolveAll([ref])).get(ref.text);
    } finally {
      await opened.close();
    }
  }

  it('trusts connect-ca given as a file path and as PEM text', async () => {
    const server = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN, tls: true });
    try {
      assert.match(server.url, /^https:/);
      assert.equal(expectValue(await viaInputs(server, TLS.ca)), VALUES.deployToken);
      assert.equal(
        expectValue(await viaInputs(server, readFileSync(TLS.ca, 'utf8'))),
        VALUES.deployToken,
      );
    } finally {
      await server.close();
    }
  });

  it('reaches a server on the IPv6 loopback ([::1])', async () => {
    const server = await startFakeConnect({
      vaults: VAULTS,
      token: CONNECT_TOKEN,
      tls: true,
      host: '::1',
    });
    try {
      assert.match(server.url, /^https:\/\/\[::1\]:\d+$/);
      assert.equal(expectValue(await viaInputs(server, TLS.ca)), VALUES.deployToken);
      assert.ok(server.requests.length > 0);
    } finally {
      await server.close();
    }
  });

  it('refuses a certificate it does not trust, even with NODE_TLS_REJECT_UNAUTHORIZED=0', async () => {
    const server = await startFakeConnect({
      vaults: VAULTS,
      token: CONNECT_TOKEN,
      tls: 'untrusted',
    });
    const previous = process.env['NODE_TLS_REJECT_UNAUTHORIZED'];
    process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = '0';
    try {
      await assert.rejects(viaInputs(server, TLS.ca), (error) => {
        assert.ok(error instanceof SecretsError);
        assert.equal(error.code, Code.providerUnavailable);
        assert.match(error.message, /TLS failure/);
        return true;
      });
      await assert.rejects(viaInputs(server), /TLS failure/);
      assert.equal(server.requests.length, 0, 'a request crossed an untrusted connection');
    } finally {
      if (previous === undefined) delete process.env['NODE_TLS_REJECT_UNAUTHORIZED'];
      else process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = previous;
      await server.close();
    }
  });
});

describe('isJsonMediaType', () => {
  const cases: [string, boolean][] = [
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['  Application/JSON ;charset=UTF-8', true],
    ['application/problem+json', true],
    ['application/vnd.api+json; charset=utf-8', true],
    ['text/html; x=notjson', false],
    ['text/html; charset=json', false],
    ['text/json-ish', false],
    ['application/jsonp', false],
    ['application/json-seq', false],
    ['application/x-json-stream', false],
    ['json', false],
    ['+json', false],
    ['/+json', false],
    ['text/html, application/json', false],
    ['', false],
  ];
  for (const [contentType, expected] of cases) {
    it(`${JSON.stringify(contentType)}: ${expected ? 'JSON' : 'not JSON'}`, () => {
      assert.equal(isJsonMediaType(contentType), expected);
    });
  }
});
