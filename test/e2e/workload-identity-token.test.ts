/**
 * Workload identity through the built action, as the runner runs it, with the REAL
 * @1password/sdk 0.5.0 driven offline: an integration key (test/fixtures/integration-key.ts)
 * whose host is a loopback HTTPS stand-in for 1Password's token exchange
 * (test/fakes/token-exchange.ts, trusted through NODE_EXTRA_CA_CERTS), and the fake GitHub
 * ID-token endpoint (test/fakes/id-token-server.ts) behind ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN.
 * The step sees the SDK ask for the job's OIDC token for the key's host, post it to the
 * exchange, and the exchange refuse it; and every fault of the token endpoint reported as
 * SECRETS_PROVIDER_UNAVAILABLE before anything reaches 1Password. What 1Password's real
 * exchange answers a good token is not exercised.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, afterEach, before, describe, it } from 'node:test';
import { TLS } from '../fakes/connect-server.ts';
import {
  type FakeIdTokenServer,
  type IdTokenFault,
  startIdTokenServer,
} from '../fakes/id-token-server.ts';
import { type ExchangeStandIn, startExchangeStandIn } from '../fakes/token-exchange.ts';
import { ENVIRONMENT_IDS, WORKLOAD_ID } from '../fixtures/vault-data.ts';
import {
  EXCHANGE_TOKEN_PATH,
  INTEGRATION_KEY_ACCOUNT_ID,
  integrationKey,
} from '../fixtures/integration-key.ts';
import {
  assertFailedWith,
  assertNoLeak,
  errorsOf,
  Job,
  type StepResult,
} from '../harness/index.ts';
import { credentialForms } from '../harness/leak.ts';

let idTokens: FakeIdTokenServer;
let exchange: ExchangeStandIn;
/** A key the real SDK accepts, pointing at the stand-in. */
let key: string;

before(async () => {
  idTokens = await startIdTokenServer();
  exchange = await startExchangeStandIn();
  key = integrationKey({ host: exchange.host });
});
after(async () => {
  await idTokens.close();
  await exchange.close();
});

const jobs: Job[] = [];
afterEach(async () => {
  idTokens.requests.length = 0;
  exchange.requests.length = 0;
  for (const job of jobs.splice(0)) await job.cleanup();
});

/** The harness's own step timeout is 60 s: a step must end on its own well before this. */
const STEP_TIMEOUT_MS = 120_000;

interface Run {
  result: StepResult;
  elapsedMs: number;
}

/** The main step with 1Password's documented variables, in a job with `id-token: write`. */
async function run(): Promise<Run> {
  const job = new Job({
    // The key comes from `secrets.*`, as the workflow hands it over.
    secrets: [key],
    runnerEnv: {
      ACTIONS_ID_TOKEN_REQUEST_URL: idTokens.url,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: idTokens.requestToken,
    },
  });
  jobs.push(job);
  const started = performance.now();
  const result = await job.step({
    env: {
      OP_WORKLOAD_ID: WORKLOAD_ID,
      OP_INTEGRATION_KEY: key,
      OP_ENVIRONMENT_ID: ENVIRONMENT_IDS.staging,
      // The SDK's fetch must trust the stand-in's certificate (test/fixtures/tls/ca.pem).
      NODE_EXTRA_CA_CERTS: TLS.ca,
    },
    timeoutMs: STEP_TIMEOUT_MS,
  });
  return { result, elapsedMs: performance.now() - started };
}

/** The index of `::add-mask::<value>` among the step's stdout lines (-1: never masked). */
function maskLine(result: StepResult, value: string): number {
  return result.lines
    .filter((line) => line.stream === 'stdout')
    .findIndex((line) => line.text === `::add-mask::${value}`);
}

/** `::add-mask::<key>` is on stdout before anything but other masks. */
function assertKeyMaskedFirst(result: StepResult): void {
  const stdout = result.lines.filter((line) => line.stream === 'stdout');
  const at = maskLine(result, key);
  assert.ok(at >= 0, 'the integration key was not masked');
  assert.deepEqual(
    stdout.slice(0, at).filter((line) => line.command !== 'add-mask'),
    [],
    'something was printed before the integration key was masked',
  );
}

/** None of `credentials` (nor an encoded or cut form of one) anywhere the step wrote. */
function assertNoCredential(result: StepResult, credentials: readonly string[]): void {
  assertNoLeak(result, [...credentials, ...credentials.flatMap(credentialForms)]);
}

/** The refused exchange, seen from the step: the token was asked for, masked, and sent. */
function assertRefusedExchange(result: StepResult): void {
  const audience = exchange.host;
  const token = idTokens.tokenFor(audience);
  // The last token request was the good one, for the key's host, with the runner's bearer.
  const last = idTokens.requests.at(-1);
  assert.ok(last);
  assert.deepEqual([last.audience, last.authorized, last.status], [audience, true, 200]);
  // One Connect (JSON) request to the key's host with the workload and that token.
  assert.equal(exchange.requests.length, 1, 'one exchange was expected');
  const [request] = exchange.requests;
  assert.ok(request);
  assert.equal(request.method, 'POST');
  assert.equal(request.path, EXCHANGE_TOKEN_PATH);
  assert.deepEqual(JSON.parse(request.body), {
    workload: `//${audience}/accounts/${INTEGRATION_KEY_ACCOUNT_ID}/workloads/${WORKLOAD_ID}`,
    subject_token: token,
  });
  assertFailedWith(
    result,
    'SECRETS_PROVIDER_UNAVAILABLE',
    /workload identity could not sign in: .*401/,
  );
  // Masked on stdout before anything that could carry it: only masks, the group's title and
  // core's debug line (the token URL, no token) precede its mask; the error annotation follows.
  const stdout = result.lines.filter((line) => line.stream === 'stdout');
  const at = maskLine(result, token);
  assert.ok(at >= 0, 'the OIDC token was not masked');
  assert.deepEqual(
    stdout
      .slice(0, at)
      .map((line) => line.command ?? 'plain text')
      .filter((command) => !['add-mask', 'debug', 'group'].includes(command)),
    [],
    'something was printed before the OIDC token was masked',
  );
  const errorAt = stdout.findIndex((line) => line.command === 'error');
  assert.ok(errorAt > at, 'the error annotation came before the OIDC token was masked');
  assertKeyMaskedFirst(result);
  assert.ok(maskLine(result, key) < at, 'the key is masked first');
  assertNoCredential(result, [token, idTokens.requestToken, key]);
}

describe('workload identity, the real SDK, to the loopback exchange', () => {
  it('asks the token endpoint once for the key host, posts that token, and reports the refusal', async (t) => {
    const { result, elapsedMs } = await run();
    t.diagnostic(`${elapsedMs.toFixed(0)} ms`);
    assert.deepEqual(
      idTokens.requests.map((request) => [request.audience, request.authorized, request.status]),
      [[exchange.host, true, 200]],
    );
    assertRefusedExchange(result);
  });
});

describe("workload identity, the real SDK: faults of GitHub's token endpoint", () => {
  const FAULTS: { what: string; fault: IdTokenFault; reason: RegExp }[] = [
    { what: '401', fault: { status: 401 }, reason: /Error Code : 401\b/ },
    { what: '403', fault: { status: 403 }, reason: /Error Code : 403\b/ },
    { what: '500', fault: { status: 500 }, reason: /Error Code : 500\b/ },
    { what: 'a connection reset', fault: { reset: true }, reason: /ECONNRESET|socket hang up/ },
    { what: 'a body without value', fault: { noValue: true }, reason: /ID Token field/ },
  ];
  for (const { what, fault, reason } of FAULTS) {
    it(`${what}: SECRETS_PROVIDER_UNAVAILABLE naming the OIDC token, nothing sent to 1Password`, async (t) => {
      idTokens.fail(fault);
      const { result, elapsedMs } = await run();
      t.diagnostic(`${elapsedMs.toFixed(0)} ms: ${errorsOf(result)[0]?.message ?? ''}`);
      assertFailedWith(result, 'SECRETS_PROVIDER_UNAVAILABLE', /OIDC token could not be fetched/);
      assert.match(errorsOf(result)[0]?.message ?? '', reason);
      // Not retried: by core (only 502/503/504) nor by the backend.
      assert.equal(idTokens.requests.length, 1);
      assert.equal(idTokens.requests[0]?.audience, exchange.host);
      assert.deepEqual(exchange.requests, [], 'a request reached the exchange');
      assertKeyMaskedFirst(result);
      assertNoCredential(result, [idTokens.requestToken, key]);
    });
  }

  it('503 once, then a token (core retries): the exchange happens and is refused', async (t) => {
    idTokens.fail({ status: 503 });
    const { result, elapsedMs } = await run();
    t.diagnostic(`${elapsedMs.toFixed(0)} ms`);
    assert.deepEqual(
      idTokens.requests.map((request) => [request.audience, request.status]),
      [
        [exchange.host, 503],
        [exchange.host, 200],
      ],
    );
    assertRefusedExchange(result);
  });

  it('a hang: bounded by the backend (no token within N ms), nothing sent to 1Password', async (t) => {
    idTokens.fail({ hang: true });
    const { result, elapsedMs } = await run();
    t.diagnostic(`${elapsedMs.toFixed(0)} ms: ${errorsOf(result)[0]?.message ?? ''}`);
    assertFailedWith(
      result,
      'SECRETS_PROVIDER_UNAVAILABLE',
      /OIDC token could not be fetched: no token within \d+ ms/,
    );
    // The step ended on its own, long before core's own 3-minute socket timeout.
    assert.ok(elapsedMs < 60_000, `${elapsedMs} ms`);
    assert.equal(idTokens.requests.length, 1);
    assert.deepEqual(exchange.requests, [], 'a request reached the exchange');
    assertKeyMaskedFirst(result);
    assertNoCredential(result, [idTokens.requestToken, key]);
  });
});
