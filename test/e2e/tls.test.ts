/**
 * TLS verification through the built action, as the runner runs it, with
 * NODE_TLS_REJECT_UNAUTHORIZED=0 in the step's environment: the REAL @1password/sdk signing in
 * with a service account and with workload identity (its token exchange), and the OIDC token
 * request, each to a loopback HTTPS stand-in whose certificate nothing trusts. Nothing reaches
 * the stand-in, the step fails with SECRETS_PROVIDER_UNAVAILABLE saying TLS after one attempt,
 * and the variable is said to be ignored. Connect with the variable set:
 * test/e2e/connect.test.ts. The same in-process: test/integration/tls.test.ts.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { type FakeIdTokenServer, startIdTokenServer } from '../fakes/id-token-server.ts';
import { makeServiceAccountToken } from '../fakes/sdk/signin-server.ts';
import { startUntrustedServer, type UntrustedServer } from '../fakes/untrusted-https.ts';
import { integrationKey } from '../fixtures/integration-key.ts';
import { ENVIRONMENT_IDS, WORKLOAD_ID } from '../fixtures/vault-data.ts';
import { assertFailedWith, assertNoLeak, Job, type StepResult } from '../harness/index.ts';

const OFF = { NODE_TLS_REJECT_UNAUTHORIZED: '0' };

let idTokens: FakeIdTokenServer;
let untrusted: UntrustedServer;
const jobs: Job[] = [];

before(async () => {
  idTokens = await startIdTokenServer();
});
after(() => idTokens.close());
beforeEach(async () => {
  untrusted = await startUntrustedServer();
  idTokens.requests.length = 0;
});
afterEach(async () => {
  for (const job of jobs.splice(0)) await job.cleanup();
  await untrusted.close();
});

function newJob(options: ConstructorParameters<typeof Job>[0] = {}): Job {
  const job = new Job(options);
  jobs.push(job);
  return job;
}

/** Refused: nothing received, one attempt, said to be TLS, the variable said to be ignored. */
function assertRefused(result: StepResult, detail: RegExp): void {
  assertFailedWith(
    result,
    'SECRETS_PROVIDER_UNAVAILABLE',
    new RegExp(`TLS verification failed for ${untrusted.host}`),
  );
  assertFailedWith(result, 'SECRETS_PROVIDER_UNAVAILABLE', detail);
  assert.deepEqual(untrusted.requests, [], 'the untrusted server received a request');
  assert.equal(untrusted.handshakes, 0, 'a TLS handshake with the untrusted server completed');
  assert.equal(untrusted.connections, 1, 'the TLS failure was retried');
  const warnings = result.annotations.filter((annotation) => annotation.level === 'warning');
  assert.equal(
    warnings.filter((warning) => warning.message.includes('NODE_TLS_REJECT_UNAUTHORIZED=0')).length,
    1,
  );
}

/** Workload identity with `id-token: write`; the ID-token endpoint at `idTokenUrl`. */
async function workloadStep(host: string, idTokenUrl: string): Promise<StepResult> {
  const key = integrationKey({ host });
  const job = newJob({
    secrets: [key],
    runnerEnv: {
      ACTIONS_ID_TOKEN_REQUEST_URL: idTokenUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: idTokens.requestToken,
    },
  });
  const result = await job.step({
    env: {
      OP_WORKLOAD_ID: WORKLOAD_ID,
      OP_INTEGRATION_KEY: key,
      OP_ENVIRONMENT_ID: ENVIRONMENT_IDS.staging,
      ...OFF,
    },
  });
  assertNoLeak(result, [key, idTokens.requestToken]);
  return result;
}

describe('NODE_TLS_REJECT_UNAUTHORIZED=0 turns no verification off, through dist/', () => {
  it('the service-account sign-in: refused, one attempt, said to be TLS', async () => {
    const token = makeServiceAccountToken(untrusted.url);
    const result = await newJob().step({
      inputs: { secrets: 'TOKEN: op://Engineering/deploy/token' },
      env: { OP_SERVICE_ACCOUNT_TOKEN: token, ...OFF },
    });
    assertRefused(result, /while signing in: TLS failure \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/);
    assertNoLeak(result, [token]);
  });

  it('the workload-identity token exchange: refused, one attempt, the OIDC token never sent', async () => {
    const result = await workloadStep(untrusted.host, idTokens.url);
    assert.equal(idTokens.requests.length, 1);
    assertRefused(result, /TLS failure \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/);
    assertNoLeak(result, [idTokens.tokenFor(untrusted.host)]);
  });

  it('the OIDC token request: refused, said to be TLS, the exchange never reached', async () => {
    const result = await workloadStep('127.0.0.1:9', `${untrusted.url}/idtoken?api-version=2.0`);
    assertRefused(
      result,
      /OIDC token could not be fetched: .*unable to verify the first certificate/,
    );
  });
});
