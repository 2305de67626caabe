/**
 * TLS verification stays on for the action's own requests whatever NODE_TLS_REJECT_UNAUTHORIZED
 * says (SPEC "Secrecy"), in-process: the REAL @1password/sdk signing in with a service account
 * and with workload identity (its token exchange), and the OIDC token request through
 * @actions/core, each to a loopback HTTPS stand-in whose certificate nothing trusts, with the
 * variable set to 0. The stand-in must see no request and no completed handshake; the failure
 * is SECRETS_PROVIDER_UNAVAILABLE, says TLS, and is not retried. The same through dist/ in a
 * real process: test/e2e/tls.test.ts.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { actionsRunner } from '../../src/actions-runner.ts';
import type { RetryPolicy } from '../../src/backends/retry.ts';
import type { SdkAuth } from '../../src/backends/sdk-client.ts';
import { realConnector, SdkSource } from '../../src/backends/sdk.ts';
import { Code } from '../../src/errors.ts';
import { run } from '../../src/main.ts';
import { parseRef } from '../../src/refs.ts';
import { Resolver } from '../../src/resolve.ts';
import { IGNORED_WARNING } from '../../src/tls.ts';
import { type FakeIdTokenServer, startIdTokenServer } from '../fakes/id-token-server.ts';
import { makeServiceAccountToken } from '../fakes/sdk/signin-server.ts';
import { startUntrustedServer, type UntrustedServer } from '../fakes/untrusted-https.ts';
import { integrationKey } from '../fixtures/integration-key.ts';
import { WORKLOAD_ID } from '../fixtures/vault-data.ts';
import { MemoryRunner } from '../support/memory-runner.ts';
import { rejection } from '../support/rejection.ts';
import { startCatching, stopCatching } from '../support/stdout-commands.ts';

/** Several attempts allowed: the TLS failure must use one. */
const POLICY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 10,
  maxDelayMs: 50,
  budgetMs: 20_000,
  attemptTimeoutMs: 5_000,
};
const VARIABLES = [
  'NODE_TLS_REJECT_UNAUTHORIZED',
  'ACTIONS_ID_TOKEN_REQUEST_URL',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
] as const;
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));

let untrusted: UntrustedServer;
let idTokens: FakeIdTokenServer;

before(async () => {
  await import('@1password/sdk');
  idTokens = await startIdTokenServer();
});
after(() => idTokens.close());
beforeEach(async () => {
  untrusted = await startUntrustedServer();
  idTokens.requests.length = 0;
  process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = '0';
  process.env['ACTIONS_ID_TOKEN_REQUEST_URL'] = idTokens.url;
  process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] = idTokens.requestToken;
  startCatching();
});
afterEach(async () => {
  stopCatching();
  for (const name of VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  await untrusted.close();
});

async function signInFailure(auth: SdkAuth) {
  const source = new SdkSource({
    auth,
    connect: realConnector(POLICY.attemptTimeoutMs),
    policy: POLICY,
  });
  try {
    return await rejection(new Resolver(source).resolveAll([parseRef('op://V/I/F')]));
  } finally {
    await source.close();
  }
}

function workload(host: string): SdkAuth {
  return {
    kind: 'workload-identity',
    workloadId: WORKLOAD_ID,
    integrationKey: integrationKey({ host }),
    idToken: (audience) => actionsRunner().idToken(audience),
  };
}

/** Refused before any request, on the first attempt, and said to be TLS. */
function assertRefused(error: { code: string; message: string }): void {
  assert.equal(error.code, Code.providerUnavailable, error.message);
  assert.match(error.message, new RegExp(`TLS verification failed for ${untrusted.host}`));
  assert.match(error.message, /NODE_EXTRA_CA_CERTS/);
  assert.deepEqual(untrusted.requests, [], 'the untrusted server received a request');
  assert.equal(untrusted.handshakes, 0, 'a TLS handshake with the untrusted server completed');
  assert.equal(untrusted.connections, 1, 'the TLS failure was retried');
}

describe('NODE_TLS_REJECT_UNAUTHORIZED=0 turns no verification off, in-process', () => {
  it('the service-account sign-in: refused, one attempt, said to be TLS', async () => {
    const error = await signInFailure({
      kind: 'service-account',
      token: makeServiceAccountToken(untrusted.url),
    });
    assertRefused(error);
    assert.match(
      error.message,
      /while signing in: TLS failure \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/,
    );
  });

  it('the workload-identity token exchange: refused, one attempt, the OIDC token never sent', async () => {
    const error = await signInFailure(workload(untrusted.host));
    // The token was had (plain http, loopback), and went nowhere.
    assert.equal(idTokens.requests.length, 1);
    assertRefused(error);
    assert.match(error.message, /TLS failure \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/);
  });

  it('the OIDC token request: refused, said to be TLS, the exchange never reached', async () => {
    process.env['ACTIONS_ID_TOKEN_REQUEST_URL'] = `${untrusted.url}/idtoken?api-version=2.0`;
    const error = await signInFailure(workload('127.0.0.1:9'));
    assert.match(error.message, /^the job's GitHub OIDC token could not be fetched: /);
    assertRefused(error);
    assert.match(error.message, /unable to verify the first certificate/);
    assert.doesNotMatch(error.message, /Error Code/);
  });

  it('the main step removes the variable before anything connects, and says so once', async () => {
    const runner = new MemoryRunner({ inputs: { secrets: '' } });
    await run(runner);
    assert.equal(process.env['NODE_TLS_REJECT_UNAUTHORIZED'], undefined);
    assert.deepEqual(
      runner.warnings.filter((warning) => warning.includes('NODE_TLS_REJECT_UNAUTHORIZED')),
      [IGNORED_WARNING],
    );
  });

  it('the main step says nothing when the variable does not turn verification off', async () => {
    process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = '1';
    const runner = new MemoryRunner({ inputs: { secrets: '' } });
    await run(runner);
    assert.equal(
      runner.warnings.some((warning) => warning.includes('NODE_TLS_REJECT_UNAUTHORIZED')),
      false,
    );
  });
});
