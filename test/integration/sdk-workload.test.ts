/**
 * Workload identity and Environments through the SDK backend (src/backends/sdk.ts,
 * src/backends/sdk-oidc.ts): first against the fake client at the seam (the OIDC token asked
 * for, bounded, scrubbed; malformed integration keys; `readEnvironment` for both ways to sign
 * in), then with the REAL `@1password/sdk` offline (it checks the key before any request, so
 * nothing here leaves the process).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import tls from 'node:tls';
import { actionsRunner } from '../../src/actions-runner.ts';
import type { RetryPolicy } from '../../src/backends/retry.ts';
import type { SdkAuth } from '../../src/backends/sdk-client.ts';
import { classifySdkError, realConnector, SdkSource } from '../../src/backends/sdk.ts';
import { SourceError } from '../../src/backends/source.ts';
import { redact } from '../../src/redact.ts';
import { toSecretsError } from '../../src/resolve.ts';
import { TLS } from '../fakes/connect-server.ts';
import { type FakeIdTokenServer, startIdTokenServer } from '../fakes/id-token-server.ts';
import { type ExchangeStandIn, startExchangeStandIn } from '../fakes/token-exchange.ts';
import {
  createFakeSdkClient,
  DEFAULT_AUDIENCE,
  type FakeSdk,
  SDK_ERRORS,
} from '../fakes/sdk/fake-client.ts';
import {
  ENVIRONMENT_IDS,
  ENVIRONMENTS,
  INTEGRATION_KEY,
  INTEGRATION_KEY_PADDED,
  INTEGRATION_KEY_PAYLOAD,
  OIDC_TOKEN,
  SERVICE_ACCOUNT_TOKEN,
  WORKLOAD_ID,
} from '../fixtures/vault-data.ts';
import {
  EXCHANGE_TOKEN_PATH,
  INTEGRATION_KEY_ACCOUNT_ID,
  integrationKey,
} from '../fixtures/integration-key.ts';
import { rejectionOf } from '../support/rejection.ts';
import { caught, startCatching, stopCatching } from '../support/stdout-commands.ts';
import { fakeClock } from '../support/fake-clock.ts';
import { FAST_POLICY } from '../support/fast-policy.ts';

const POLICY = FAST_POLICY;

/** A fresh OIDC token look-alike: registered by nobody yet, so scrubbing it proves something. */
function freshToken(): string {
  const [header, payload] = OIDC_TOKEN.split('.');
  return `${header}.${payload}.${randomBytes(24).toString('base64url')}`;
}

/** The job's token endpoint as the door offers it: records the audiences, plays `answer`. */
function tokenEndpoint(answer: (audience: string) => Promise<string>) {
  const asked: string[] = [];
  return {
    asked,
    idToken: (audience: string) => {
      asked.push(audience);
      return answer(audience);
    },
  };
}

function workload(
  fake: FakeSdk,
  idToken: (audience: string) => Promise<string>,
  overrides: { integrationKey?: string; workloadId?: string; policy?: RetryPolicy } = {},
): SdkSource {
  return new SdkSource({
    auth: {
      kind: 'workload-identity',
      workloadId: overrides.workloadId ?? WORKLOAD_ID,
      integrationKey: overrides.integrationKey ?? INTEGRATION_KEY,
      idToken,
    },
    connect: fake.connector,
    policy: overrides.policy ?? POLICY,
    clock: fakeClock().clock,
  });
}

/** The SourceError a promise rejects with. */
const sourceError = (promise: Promise<unknown>) => rejectionOf(promise, SourceError);

const staging = ENVIRONMENTS.find((environment) => environment.id === ENVIRONMENT_IDS.staging);
assert.ok(staging);
const STAGING = staging.variables.map(({ name, value }) => ({ name, value }));

/** An integration key with `changes` made to the fixture's payload. */
function keyWith(changes: Record<string, unknown>): string {
  const json = JSON.stringify({ ...INTEGRATION_KEY_PAYLOAD, ...changes });
  return `ops_${Buffer.from(json).toString('base64').replace(/=+$/, '')}`;
}

// ---------------------------------------------------------------------------------------
// Signing in

describe('workload identity through the fake SDK', () => {
  it('asks the door for the audience the SDK names, hands the token over, then reads the Environment', async () => {
    const fake = createFakeSdkClient();
    const token = freshToken();
    const endpoint = tokenEndpoint(() => Promise.resolve(token));
    const source = workload(fake, endpoint.idToken);
    assert.deepEqual(await source.readEnvironment(ENVIRONMENT_IDS.staging), STAGING);
    assert.deepEqual(endpoint.asked, [DEFAULT_AUDIENCE]);
    assert.deepEqual(fake.audiences, [DEFAULT_AUDIENCE]);
    assert.deepEqual(fake.idTokens, [token]);
    assert.equal(fake.count('connect'), 1);
    // Signed in once: a second read reuses the client.
    await source.readEnvironment(ENVIRONMENT_IDS.empty);
    assert.equal(fake.count('connect'), 1);
    assert.deepEqual(endpoint.asked, [DEFAULT_AUDIENCE]);
    await source.close();
  });

  it('registers the OIDC token and the integration key as credentials: no message shows them', async () => {
    // Opaque, not a JWT: only its registration can hide it (any JWT is scrubbed by its shape).
    const token = `ghs-like-${randomBytes(24).toString('hex')}`;
    const key = keyWith({ key: randomBytes(32).toString('hex') });
    const aesKey = String((JSON.parse(atob(key.slice(4))) as { key: string }).key);
    const fake = createFakeSdkClient({ integrationKey: key });
    const text = (value: string) => `server said: ${value} (${value.slice(10, 40)})`;
    for (const value of [token, aesKey]) {
      assert.equal(redact(text(value)), text(value), 'registered before the test');
    }
    const source = workload(fake, () => Promise.resolve(token), { integrationKey: key });
    await source.readEnvironment(ENVIRONMENT_IDS.staging);
    for (const value of [token, key, key.slice(4), aesKey]) {
      const shown = redact(text(value));
      assert.ok(!shown.includes(value.slice(10, 40)), shown);
    }
    // A JWT-shaped token (what GitHub hands out) is scrubbed as well.
    const jwt = freshToken();
    assert.ok(!redact(text(jwt)).includes(jwt.slice(-20)));
  });

  it('takes an integration key with base64 padding (the SDK refuses padding)', async () => {
    assert.notEqual(INTEGRATION_KEY_PADDED, INTEGRATION_KEY);
    const fake = createFakeSdkClient();
    // The SDK itself, as the fake plays it, refuses the padded key...
    await assert.rejects(
      fake.connector({
        kind: 'workload-identity',
        workloadId: WORKLOAD_ID,
        integrationKey: INTEGRATION_KEY_PADDED,
        idToken: () => Promise.resolve(OIDC_TOKEN),
      }),
      { message: SDK_ERRORS.keyBase64 },
    );
    fake.reset();
    // ...the backend hands it over unpadded.
    const source = workload(fake, () => Promise.resolve(OIDC_TOKEN), {
      integrationKey: INTEGRATION_KEY_PADDED,
    });
    assert.deepEqual(await source.readEnvironment(ENVIRONMENT_IDS.staging), STAGING);
    assert.deepEqual(fake.calls[0]?.args, [INTEGRATION_KEY]);
  });

  it('a token endpoint that refuses (401): said as such, once, not retried, no "service account"', async () => {
    const fake = createFakeSdkClient();
    const endpoint = tokenEndpoint(() =>
      Promise.reject(
        new Error('Failed to get ID Token. \n Error Code : 401\n Error Message: Unauthorized'),
      ),
    );
    const error = await sourceError(
      workload(fake, endpoint.idToken).readEnvironment(ENVIRONMENT_IDS.staging),
    );
    assert.equal(error.failure, 'unavailable');
    assert.match(error.message, /^the job's GitHub OIDC token could not be fetched: /);
    assert.match(error.message, /Error Code : 401/);
    assert.doesNotMatch(error.message, /OIDC token fetcher failed/, 'the SDK wrapping is dropped');
    assert.doesNotMatch(error.message, /service account/i);
    assert.equal(endpoint.asked.length, 1, 'not retried');
    assert.equal(fake.count('connect'), 1);
    assert.equal(fake.count('environments.getVariables'), 0);
  });

  it('a refusal that echoes a credential: the reason is shown scrubbed', async () => {
    const fake = createFakeSdkClient();
    const leaked = freshToken();
    const error = await sourceError(
      workload(fake, () =>
        Promise.reject(new Error(`403 for token ${leaked} / ${INTEGRATION_KEY}`)),
      ).readEnvironment(ENVIRONMENT_IDS.staging),
    );
    assert.match(error.message, /could not be fetched: 403 for token/);
    assert.ok(!error.message.includes(leaked.split('.')[0] ?? leaked), error.message);
    assert.ok(!error.message.includes(INTEGRATION_KEY.slice(4, 24)), error.message);
  });

  it('a token endpoint that never answers: bounded by half the attempt, said as such', async () => {
    const fake = createFakeSdkClient();
    const policy = { ...POLICY, attemptTimeoutMs: 400 };
    const endpoint = tokenEndpoint(() => new Promise<string>(() => {}));
    const started = performance.now();
    const error = await sourceError(
      workload(fake, endpoint.idToken, { policy }).readEnvironment(ENVIRONMENT_IDS.staging),
    );
    const elapsed = performance.now() - started;
    assert.equal(error.failure, 'unavailable');
    assert.equal(
      error.message,
      "the job's GitHub OIDC token could not be fetched: no token within 200 ms",
    );
    assert.equal(endpoint.asked.length, 1, 'not retried');
    assert.ok(elapsed >= 190, `${elapsed} ms`);
    // Does not hang: far above 200 ms, so that a loaded machine cannot fail it.
    assert.ok(elapsed < 10_000, `${elapsed} ms`);
  });

  it('a token endpoint that answers no token: said as such', async () => {
    const fake = createFakeSdkClient();
    for (const answer of ['', undefined, 42]) {
      fake.reset();
      const error = await sourceError(
        workload(fake, () => Promise.resolve(answer as string)).readEnvironment(
          ENVIRONMENT_IDS.staging,
        ),
      );
      assert.equal(
        error.message,
        "the job's GitHub OIDC token could not be fetched: the runner returned no token",
      );
      assert.deepEqual(fake.idTokens, [], 'nothing handed to the SDK');
    }
  });

  it('a hung sign-in (after the token) is bounded and retried like any call', async () => {
    const fake = createFakeSdkClient({ faults: { connect: ['hang', 'hang', 'hang'] } });
    const policy = { ...POLICY, attemptTimeoutMs: 200 };
    const error = await sourceError(
      workload(fake, () => Promise.resolve(OIDC_TOKEN), { policy }).readEnvironment(
        ENVIRONMENT_IDS.staging,
      ),
    );
    assert.equal(error.failure, 'unavailable');
    assert.match(error.message, /did not answer signing in: no answer within/);
    assert.equal(fake.count('connect'), policy.attempts);
  });

  const MALFORMED: readonly (readonly [string, string, string])[] = [
    ['no ops_ prefix', 'abc', SDK_ERRORS.keyPrefix],
    ['leading space', ` ${INTEGRATION_KEY}`, SDK_ERRORS.keyPrefix],
    ['not base64', 'ops_!!!notbase64', SDK_ERRORS.keyBase64],
    [
      'the base64url alphabet',
      `ops_${Buffer.from(JSON.stringify({ ...INTEGRATION_KEY_PAYLOAD, typ: '>>>??>' })).toString('base64url')}`,
      SDK_ERRORS.keyBase64,
    ],
    ['ops_ alone', 'ops_', SDK_ERRORS.keyJson],
    ['not JSON', `ops_${Buffer.from('not json').toString('base64')}`, SDK_ERRORS.keyJson],
    ['a service-account token', SERVICE_ACCOUNT_TOKEN, SDK_ERRORS.keyJson],
    ['no path', keyWith({ path: undefined }), SDK_ERRORS.keyJson],
    ['version 2', keyWith({ ver: 2 }), `${SDK_ERRORS.keyVersion}2`],
    ['another key type', keyWith({ typ: 'rot13' }), SDK_ERRORS.keyType],
    ['a key not in hex', keyWith({ key: 'zz'.repeat(32) }), SDK_ERRORS.keyHex],
    ['a key of 5 bytes', keyWith({ key: 'ab'.repeat(5) }), SDK_ERRORS.keyAes],
    ['a path without //', keyWith({ path: 'host/accounts/x' }), `${SDK_ERRORS.keyPath}missing`],
  ];
  for (const [label, key, sdkText] of MALFORMED) {
    it(`a malformed integration key (${label}): unavailable, names the input, never the key`, async () => {
      const fake = createFakeSdkClient();
      const endpoint = tokenEndpoint(() => Promise.resolve(OIDC_TOKEN));
      const error = await sourceError(
        workload(fake, endpoint.idToken, { integrationKey: key }).readEnvironment(
          ENVIRONMENT_IDS.staging,
        ),
      );
      assert.equal(error.failure, 'unavailable');
      assert.match(error.message, /^the integration key is malformed: /);
      assert.match(error.message, /integration-key or OP_INTEGRATION_KEY/);
      // Redacted as the message is: a short key registered earlier (`ops_`) is scrubbed too.
      const reason = redact(sdkText.replace('invalid customer managed secret: ', ''));
      assert.ok(error.message.includes(reason), error.message);
      assert.doesNotMatch(error.message, /service account/i);
      if (key.length > 8) {
        assert.ok(!error.message.includes(key.trim()), error.message);
        assert.ok(!error.message.includes(key.trim().slice(4, 20)), error.message);
      }
      assert.deepEqual(endpoint.asked, [], 'no token asked for');
      assert.equal(fake.count('connect'), 1, 'not retried');
    });
  }

  it('a well-formed key of another workload, or another workload ID: unavailable with the hint', async () => {
    const other = keyWith({ key: 'cd'.repeat(32) });
    for (const [overrides, sdkText] of [
      [{ integrationKey: other }, SDK_ERRORS.keysetMismatch],
      [{ workloadId: 'otherworkload0000000000000' }, SDK_ERRORS.workloadRejected],
    ] as const) {
      const fake = createFakeSdkClient();
      const error = await sourceError(
        workload(fake, () => Promise.resolve(OIDC_TOKEN), overrides).readEnvironment(
          ENVIRONMENT_IDS.staging,
        ),
      );
      assert.equal(error.failure, 'unavailable');
      assert.ok(error.message.includes(sdkText), error.message);
      assert.match(error.message, /workload-id or OP_WORKLOAD_ID/);
      assert.match(error.message, /integration-key or OP_INTEGRATION_KEY/);
      assert.doesNotMatch(error.message, /service account/i);
      assert.equal(fake.count('connect'), 1, 'not retried');
    }
  });
});

// ---------------------------------------------------------------------------------------
// Reading Environments

describe('readEnvironment through the fake SDK', () => {
  const signIns: readonly (readonly [string, (fake: FakeSdk) => SdkSource])[] = [
    ['workload identity', (fake) => workload(fake, () => Promise.resolve(OIDC_TOKEN))],
    [
      'a service account',
      (fake) =>
        new SdkSource({
          auth: { kind: 'service-account', token: SERVICE_ACCOUNT_TOKEN },
          connect: fake.connector,
          policy: POLICY,
          clock: fakeClock().clock,
        }),
    ],
  ];
  for (const [how, open] of signIns) {
    it(`${how}: every variable, in order, names and values only`, async () => {
      const fake = createFakeSdkClient();
      const variables = await open(fake).readEnvironment(ENVIRONMENT_IDS.staging);
      assert.deepEqual(variables, STAGING);
      assert.deepEqual(
        variables.map((variable) => Object.keys(variable).sort()),
        STAGING.map(() => ['name', 'value']),
        'the display flag is not handed on',
      );
      assert.deepEqual(await open(fake).readEnvironment(ENVIRONMENT_IDS.empty), []);
    });

    it(`${how}: an unknown, malformed or unshared Environment is not-found, with its ID`, async () => {
      const fake = createFakeSdkClient({
        environmentVisible: (id) => id !== ENVIRONMENT_IDS.clash,
      });
      const source = open(fake);
      for (const [id, sdkText] of [
        [ENVIRONMENT_IDS.unknown, SDK_ERRORS.environmentNotFound],
        [ENVIRONMENT_IDS.clash, SDK_ERRORS.environmentNotFound],
        ['not an id', SDK_ERRORS.environmentInvalid],
      ] as const) {
        const error = await sourceError(source.readEnvironment(id));
        assert.equal(error.failure, 'not-found', error.message);
        assert.ok(error.message.includes(`Environment ${id}`), error.message);
        assert.ok(error.message.includes(sdkText), error.message);
        if (how === 'workload identity') assert.doesNotMatch(error.message, /service account/i);
      }
      assert.equal(fake.count('environments.getVariables'), 3, 'not-found is not retried');
    });

    it(`${how}: a rate limit and a 503 are retried, then the variables come`, async () => {
      const fake = createFakeSdkClient();
      fake.fail('environments.getVariables', [
        new Error('rate limit exceeded'),
        new Error('unexpected status code in response: 503 Service Unavailable'),
      ]);
      assert.deepEqual(await open(fake).readEnvironment(ENVIRONMENT_IDS.staging), STAGING);
      assert.equal(fake.count('environments.getVariables'), 3);
    });

    it(`${how}: a fault that outlasts the attempts is unavailable`, async () => {
      const fake = createFakeSdkClient();
      fake.fail(
        'environments.getVariables',
        [1, 2, 3].map(() => new Error('error sending request')),
      );
      const error = await sourceError(open(fake).readEnvironment(ENVIRONMENT_IDS.staging));
      assert.equal(error.failure, 'unavailable');
      assert.match(error.message, /reading Environment stagingenv/);
      assert.equal(fake.count('environments.getVariables'), POLICY.attempts);
    });

    it(`${how}: a permission refusal is denied`, async () => {
      const fake = createFakeSdkClient();
      fake.fail('environments.getVariables', [
        new Error("you don't have the right permissions to access this resource"),
      ]);
      const error = await sourceError(open(fake).readEnvironment(ENVIRONMENT_IDS.staging));
      assert.equal(error.failure, 'denied', error.message);
      assert.match(error.message, /^Environment stagingenv/);
    });
  }

  it('an empty name is handed over (the pipeline refuses it by name); a name or value that is not a string is unavailable', async () => {
    const fake = createFakeSdkClient();
    const source = (variables: unknown) =>
      new SdkSource({
        auth: { kind: 'service-account', token: SERVICE_ACCOUNT_TOKEN },
        connect: async (auth) => ({
          ...(await fake.connector(auth)),
          environments: {
            getVariables: () => Promise.resolve({ variables } as never),
          },
        }),
        policy: POLICY,
        clock: fakeClock().clock,
      });
    assert.deepEqual(
      await source([{ name: '', value: 'v', masked: true }]).readEnvironment(
        ENVIRONMENT_IDS.staging,
      ),
      [{ name: '', value: 'v' }],
    );
    for (const odd of [{ name: 7, value: 'v' }, { name: 'N', value: null }, { value: 'v' }]) {
      const error = await sourceError(source([odd]).readEnvironment(ENVIRONMENT_IDS.staging));
      assert.equal(error.failure, 'unavailable');
      assert.match(error.message, /malformed environment variable/);
    }
  });

  it('a hung getVariables is bounded by attemptTimeoutMs', async () => {
    const fake = createFakeSdkClient();
    fake.fail('environments.getVariables', ['hang', 'hang', 'hang']);
    const policy = { ...POLICY, attemptTimeoutMs: 150 };
    const error = await sourceError(
      workload(fake, () => Promise.resolve(OIDC_TOKEN), { policy }).readEnvironment(
        ENVIRONMENT_IDS.staging,
      ),
    );
    assert.match(error.message, /no answer within/);
    assert.equal(fake.count('environments.getVariables'), policy.attempts);
  });
});

// ---------------------------------------------------------------------------------------
// Classifying the SDK's texts for each way to sign in

describe('classifySdkError by way of signing in', () => {
  const final = (text: string, auth: SdkAuth['kind']) => {
    const sorted = classifySdkError(new Error(text), auth);
    assert.ok(sorted instanceof SourceError, `${text}: ${JSON.stringify(sorted)}`);
    return sorted;
  };

  it('workload identity never hears about a service account', () => {
    for (const text of [
      SDK_ERRORS.tokenRejected,
      SDK_ERRORS.keyEmpty,
      SDK_ERRORS.workloadIdEmpty,
      SDK_ERRORS.keyJson,
      SDK_ERRORS.keysetMismatch,
      SDK_ERRORS.workloadRejected,
      'no credential broker configuration found for environment',
      `${SDK_ERRORS.oidcFailed}boom`,
      'OIDC token fetcher threw',
      SDK_ERRORS.oidcNotString,
    ]) {
      const error = final(text, 'workload-identity');
      assert.equal(error.failure, 'unavailable', text);
      assert.doesNotMatch(error.message, /service account/i, text);
      assert.match(error.message, /integration-key|workload-id|OIDC token/, text);
    }
  });

  it("the SDK's own OIDC wording becomes the action's", () => {
    assert.equal(
      final(`${SDK_ERRORS.oidcFailed}Error: nope`, 'workload-identity').message,
      "the job's GitHub OIDC token could not be fetched: Error: nope",
    );
    assert.equal(
      final(SDK_ERRORS.oidcNotString, 'workload-identity').message,
      "the job's GitHub OIDC token could not be fetched: the fetcher did not return a string",
    );
  });

  it('a service account still hears about its token', () => {
    assert.match(final(SDK_ERRORS.tokenRejected, 'service-account').message, /service account/);
  });

  it('Environment texts: not-found for both', () => {
    for (const auth of ['service-account', 'workload-identity'] as const) {
      for (const text of [
        SDK_ERRORS.environmentInvalid,
        SDK_ERRORS.environmentNotFound,
        'provided ID does not correspond to an Environment',
      ]) {
        assert.equal(final(text, auth).failure, 'not-found', `${auth}: ${text}`);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------
// The real SDK, offline: it refuses a malformed integration key before any request

describe('workload identity with the real @1password/sdk, offline', () => {
  before(async () => {
    await import('@1password/sdk');
  });

  const realFailure = async (integrationKey: string, workloadId = WORKLOAD_ID) => {
    const endpoint = tokenEndpoint(() => Promise.resolve(OIDC_TOKEN));
    const source = new SdkSource({
      auth: { kind: 'workload-identity', workloadId, integrationKey, idToken: endpoint.idToken },
      connect: realConnector(2_000),
      // Wide: the SDK's checks take a while on a busy machine, and a deadline passed first
      // would end the attempt with another message.
      policy: { ...POLICY, attemptTimeoutMs: 60_000, budgetMs: 120_000 },
    });
    const started = performance.now();
    try {
      const error = await sourceError(source.readEnvironment(ENVIRONMENT_IDS.staging));
      return { error, elapsedMs: performance.now() - started, asked: endpoint.asked };
    } finally {
      await source.close();
    }
  };

  // Every key here stops at the SDK's checks; a well-formed key (the fixture's, or one from
  // test/fixtures/integration-key.ts) reaches the token fetcher: see below and the next block.
  const REAL_MALFORMED: readonly (readonly [string, string, RegExp])[] = [
    ['empty', '', /customer_managed_secret must not be empty/],
    // `'ops_'` may read `'***'`: the fake cases registered the key `ops_` as a credential.
    ['no ops_ prefix', 'abc', /missing the '(ops_|\*\*\*)' prefix/],
    ['not base64', 'ops_!!!', /base64 decoding failed/],
    [
      'the base64url alphabet',
      `ops_${Buffer.from(JSON.stringify({ ...INTEGRATION_KEY_PAYLOAD, typ: '>>>??>' })).toString('base64url')}`,
      /base64 decoding failed/,
    ],
    ['a service-account token', SERVICE_ACCOUNT_TOKEN, /JSON deserialization failed/],
    ['version 2', keyWith({ ver: 2 }), /unsupported customer managed secret version: 2/],
    [
      'a made-up typ',
      keyWith({ typ: 'fixture-aes-256' }),
      /unsupported customer managed secret key type/,
    ],
    // Padded: the backend strips the padding, so the SDK gets as far as the key type.
    [
      'a made-up typ, padded',
      `ops_${Buffer.from(JSON.stringify({ ...INTEGRATION_KEY_PAYLOAD, typ: 'fixture-aes-256' })).toString('base64')}`,
      /key type/,
    ],
    ['a 16-byte AES key', keyWith({ key: 'ab'.repeat(16) }), /AES key construction failed/],
    ['a key not hex', keyWith({ key: 'xy'.repeat(32) }), /key hex decoding failed/],
    [
      'a path without //',
      keyWith({ path: 'fixtures.1password.com/accounts/a' }),
      /missing '\/\/' prefix/,
    ],
  ];
  for (const [label, key, expected] of REAL_MALFORMED) {
    it(`${label}: unavailable at once, names the input, never the key, asks no token`, async (t) => {
      const { error, elapsedMs, asked } = await realFailure(key);
      t.diagnostic(`${label}: ${elapsedMs.toFixed(1)} ms: ${error.message}`);
      assert.equal(error.failure, 'unavailable');
      assert.match(error.message, expected);
      assert.match(error.message, /integration-key or OP_INTEGRATION_KEY/);
      assert.doesNotMatch(error.message, /service account/i);
      if (key.length > 8) assert.ok(!error.message.includes(key.slice(4, 20)), error.message);
      assert.deepEqual(asked, []);
      // Fails by itself (a few ms when quiet), not by waiting out an attempt.
      assert.doesNotMatch(error.message, /no answer within/);
    });
  }

  it('the fixture key is accepted: the SDK asks the fetcher for its host (a refusal keeps it offline)', async () => {
    const endpoint = tokenEndpoint(() => Promise.reject(new Error('fixture: no token here')));
    const source = new SdkSource({
      auth: {
        kind: 'workload-identity',
        workloadId: WORKLOAD_ID,
        // Padded: the backend strips it for the SDK.
        integrationKey: INTEGRATION_KEY_PADDED,
        idToken: endpoint.idToken,
      },
      connect: realConnector(2_000),
      policy: { ...POLICY, attemptTimeoutMs: 2_000 },
    });
    try {
      const error = await sourceError(source.readEnvironment(ENVIRONMENT_IDS.staging));
      assert.deepEqual(endpoint.asked, [DEFAULT_AUDIENCE]);
      assert.equal(DEFAULT_AUDIENCE, 'fixtures.1password.com');
      assert.equal(error.failure, 'unavailable');
      assert.match(
        error.message,
        /^the job's GitHub OIDC token could not be fetched: fixture: no token here/,
      );
    } finally {
      await source.close();
    }
    assert.notEqual(INTEGRATION_KEY_PADDED, INTEGRATION_KEY);
  });
});

// ---------------------------------------------------------------------------------------
// The real SDK's workload-identity path, to a loopback stand-in

describe('workload identity with the real @1password/sdk, to a loopback stand-in', () => {
  const ID_VARIABLES = ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'] as const;
  const savedEnv = Object.fromEntries(ID_VARIABLES.map((name) => [name, process.env[name]]));
  const savedCas = tls.getCACertificates('default');
  let idServer: FakeIdTokenServer;
  let exchange: ExchangeStandIn;
  /** Workflow commands (`::add-mask::...`) the door wrote: kept off the test protocol. */
  const commands = caught;

  before(async () => {
    await import('@1password/sdk');
    // The SDK's requests go through the global fetch, which trusts the default CAs.
    tls.setDefaultCACertificates([...savedCas, readFileSync(TLS.ca, 'utf8')]);
    idServer = await startIdTokenServer();
  });
  after(async () => {
    tls.setDefaultCACertificates(savedCas);
    await idServer.close();
  });
  beforeEach(async () => {
    idServer.requests.length = 0;
    process.env['ACTIONS_ID_TOKEN_REQUEST_URL'] = idServer.url;
    process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] = idServer.requestToken;
    // A refused exchange (401): what 1Password answers a token it does not accept.
    exchange = await startExchangeStandIn();
    startCatching();
  });
  afterEach(async () => {
    stopCatching();
    for (const name of ID_VARIABLES) {
      if (savedEnv[name] === undefined) delete process.env[name];
      else process.env[name] = savedEnv[name];
    }
    await exchange.close();
  });

  /** Signs in through realConnector + SdkSource with the real door's token fetcher. */
  const signIn = async (host: string) => {
    const source = new SdkSource({
      auth: {
        kind: 'workload-identity',
        workloadId: WORKLOAD_ID,
        // Padded, as keys may be handed out: the backend strips it for the SDK.
        integrationKey: integrationKey({ host, padded: true }),
        idToken: (audience) => actionsRunner().idToken(audience),
      },
      connect: realConnector(2_000),
      policy: { ...POLICY, attemptTimeoutMs: 2_000 },
    });
    try {
      return await sourceError(source.readEnvironment(ENVIRONMENT_IDS.staging));
    } finally {
      await source.close();
    }
  };

  for (const hostname of ['127.0.0.1', 'localhost']) {
    it(`${hostname}: asks for the audience the SDK names (the key's host), exchanges that token there`, async () => {
      const host = `${hostname}:${exchange.port}`;
      const error = await signIn(host);
      // The audience: the host and port of the key's path, no scheme.
      assert.deepEqual(
        idServer.requests.map((request) => request.audience),
        [host],
      );
      const token = idServer.tokenFor(host);
      assert.ok(commands.includes(`::add-mask::${token}`), 'the door masks the token');
      // One Connect (JSON) request to the key's host, always over https.
      assert.equal(exchange.requests.length, 1);
      const [request] = exchange.requests;
      assert.ok(request);
      assert.equal(request.method, 'POST');
      assert.equal(request.path, EXCHANGE_TOKEN_PATH);
      assert.equal(request.headers['content-type'], 'application/json');
      assert.equal(request.headers['connect-protocol-version'], '1');
      assert.deepEqual(JSON.parse(request.body), {
        workload: `//${host}/accounts/${INTEGRATION_KEY_ACCOUNT_ID}/workloads/${WORKLOAD_ID}`,
        subject_token: token,
      });
      // A refused exchange: final, in workload wording, no token shown.
      assert.equal(error.failure, 'unavailable');
      assert.match(
        error.message,
        /^workload identity could not sign in: authn token service returned status 401/,
      );
      assert.doesNotMatch(error.message, /service account/i);
      assert.ok(!error.message.includes(token.slice(-20)), error.message);
    });
  }

  it("a 401 from GitHub's token endpoint: SECRETS_PROVIDER_UNAVAILABLE in the OIDC wording, nothing sent to 1Password", async () => {
    idServer.fail({ status: 401 });
    const host = `127.0.0.1:${exchange.port}`;
    const error = await signIn(host);
    assert.deepEqual(
      idServer.requests.map((request) => [request.audience, request.status]),
      [[host, 401]],
    );
    assert.equal(error.failure, 'unavailable');
    assert.equal(toSecretsError(error).code, 'SECRETS_PROVIDER_UNAVAILABLE');
    assert.match(error.message, /^the job's GitHub OIDC token could not be fetched: /);
    assert.match(error.message, /Error Code : 401/);
    // Not the SDK's wrapping ("OIDC token fetcher failed: OIDC token fetcher promise rejected").
    assert.doesNotMatch(error.message, /promise rejected/);
    assert.deepEqual(exchange.requests, []);
  });

  it('a hung token endpoint: bounded (the SDK would wait for ever), nothing sent to 1Password', async () => {
    idServer.fail({ hang: true });
    const error = await signIn(`127.0.0.1:${exchange.port}`);
    assert.equal(error.failure, 'unavailable');
    assert.match(
      error.message,
      /^the job's GitHub OIDC token could not be fetched: no token within \d+ ms/,
    );
    assert.equal(idServer.requests.length, 1);
    assert.deepEqual(exchange.requests, []);
  });
});
