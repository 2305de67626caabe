/**
 * The real door's OIDC token (src/actions-runner.ts: `idToken` is `core.getIDToken`) against the
 * fake GitHub Actions ID-token endpoint (test/fakes/id-token-server.ts): what it asks, what it
 * returns and masks, and how it fails. These pin @actions/core's behaviour that the SDK backend's
 * fetcher and the README rely on (see the retry facts below).
 *
 * @actions/core 3.x / @actions/http-client 4.x facts checked here:
 * - One GET of `${ACTIONS_ID_TOKEN_REQUEST_URL}&audience=${encodeURIComponent(audience)}`; an empty
 *   audience adds no parameter (GitHub then uses its default audience).
 * - Retried: only 502, 503 and 504, up to 10 retries with a backoff of 5 * 2^n ms (10 ms, 20 ms,
 *   ... 5120 ms; about 10.2 s in all before giving up). Not retried: 401, 403, 500, a reset, a bad
 *   body. A hang ends only at http-client's 3-minute socket timeout: the caller must bound it.
 * - 404 is not an error to http-client: it ends as "Response json body do not have ID Token field".
 * Not tested (too slow for this suite): 503 on every try, which rejects after 11 requests and
 * about 10.2 s; and a hang.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { actionsRunner } from '../../src/actions-runner.ts';
import {
  type FakeIdTokenServer,
  ID_TOKEN_PATH,
  startIdTokenServer,
} from '../fakes/id-token-server.ts';
import { rejectionOf } from '../support/rejection.ts';
import { caught, startCatching, stopCatching } from '../support/stdout-commands.ts';

const VARIABLES = ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'] as const;
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));

let server: FakeIdTokenServer;
before(async () => {
  server = await startIdTokenServer();
});
after(() => server.close());

/** Workflow-command lines (`::...`) written to stdout during the test; the rest passes through. */
const commands = caught;

beforeEach(() => {
  server.requests.length = 0;
  process.env['ACTIONS_ID_TOKEN_REQUEST_URL'] = server.url;
  process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] = server.requestToken;
  startCatching();
});

afterEach(() => {
  stopCatching();
  for (const name of VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

/** The error a promise rejects with; fails the test if it resolves or rejects with a non-Error. */
const failure = (promise: Promise<unknown>) => rejectionOf(promise, Error);

const masks = (): string[] =>
  commands.filter((line) => line.startsWith('::add-mask::')).map((line) => line.slice(12));

describe('actionsRunner().idToken: a token', () => {
  it('asks once for the audience, returns the token and masks it', async () => {
    const token = await actionsRunner().idToken('https://my.1password.com');
    assert.equal(token, server.tokenFor('https://my.1password.com'));
    assert.deepEqual(
      server.requests.map(({ path, audience, authorized }) => ({ path, audience, authorized })),
      [
        {
          path: `${ID_TOKEN_PATH}?api-version=2.0&audience=https%3A%2F%2Fmy.1password.com`,
          audience: 'https://my.1password.com',
          authorized: true,
        },
      ],
    );
    assert.deepEqual(masks(), [token]);
  });

  it('URL-encodes an audience with reserved characters', async () => {
    const audience = 'urn:op:a b&c=d?e#f/é';
    const token = await actionsRunner().idToken(audience);
    assert.equal(token, server.tokenFor(audience));
    assert.equal(server.requests[0]?.audience, audience);
    assert.ok(server.requests[0]?.path.endsWith(`&audience=${encodeURIComponent(audience)}`));
  });

  it('an empty audience adds no parameter: the default audience', async () => {
    const token = await actionsRunner().idToken('');
    assert.equal(token, server.tokenFor());
    assert.equal(server.requests[0]?.path, `${ID_TOKEN_PATH}?api-version=2.0`);
  });

  it('logs the URL it asks (a debug line) but never the request token', async () => {
    await actionsRunner().idToken('aud');
    assert.ok(
      commands.some((line) => line.startsWith('::debug::ID token url is http://127.0.0.1')),
    );
    assert.ok(!commands.some((line) => line.includes(server.requestToken)));
  });

  it('retries 502, 503 and 504, quickly at first (10, 20, 40 ms), then gets the token', async () => {
    server.fail({ status: 503 }, { status: 502 }, { status: 504 });
    const started = performance.now();
    const token = await actionsRunner().idToken('aud');
    assert.equal(token, server.tokenFor('aud'));
    assert.deepEqual(
      server.requests.map((request) => request.status),
      [503, 502, 504, 200],
    );
    assert.ok(performance.now() - started >= 70);
    assert.deepEqual(masks(), [token]);
  });
});

describe('actionsRunner().idToken: failures reject, mask nothing and keep the request token out', () => {
  const cases = [
    { name: '401', fault: { status: 401 }, message: /Error Code : 401/ },
    { name: '403', fault: { status: 403 }, message: /Error Code : 403[\s\S]*id-token: write/ },
    { name: '500, not retried', fault: { status: 500 }, message: /Error Code : 500/ },
    { name: 'a reset, not retried', fault: { reset: true }, message: /socket hang up|ECONNRESET/ },
    {
      name: 'a body without value',
      fault: { noValue: true },
      message: /Response json body do not have ID Token field/,
    },
    {
      name: 'a body that is not JSON',
      fault: { rawBody: '<html>oops</html>' },
      message: /Response json body do not have ID Token field/,
    },
  ] as const;
  for (const { name, fault, message } of cases) {
    it(`${name}: one request`, async () => {
      server.fail(fault);
      const error = await failure(actionsRunner().idToken('aud'));
      assert.doesNotMatch(error.message, /^Error message: |\n/, 'one tidy line');
      assert.match(error.message, message);
      assert.ok(!error.message.includes(server.requestToken));
      assert.equal(server.requests.length, 1);
      assert.deepEqual(masks(), []);
    });
  }

  it('a wrong request token: 401 from the endpoint itself, the token not in the message', async () => {
    process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] = 'wrong-request-token';
    const error = await failure(actionsRunner().idToken('aud'));
    assert.match(error.message, /Error Code : 401/);
    assert.ok(!error.message.includes('wrong-request-token'));
    assert.equal(server.requests[0]?.authorized, false);
  });

  it('404 (a wrong URL): not an HTTP error to core, a missing token', async () => {
    process.env['ACTIONS_ID_TOKEN_REQUEST_URL'] =
      `${new URL(server.url).origin}/nowhere?api-version=2.0`;
    const error = await failure(actionsRunner().idToken('aud'));
    assert.match(error.message, /Response json body do not have ID Token field/);
  });

  it('no ACTIONS_ID_TOKEN_REQUEST_URL (no id-token: write): rejects without a request', async () => {
    delete process.env['ACTIONS_ID_TOKEN_REQUEST_URL'];
    const error = await failure(actionsRunner().idToken('aud'));
    assert.equal(error.message, 'Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable');
    assert.equal(server.requests.length, 0);
  });

  it('no ACTIONS_ID_TOKEN_REQUEST_TOKEN: rejects without a request', async () => {
    delete process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
    const error = await failure(actionsRunner().idToken('aud'));
    assert.equal(error.message, 'Unable to get ACTIONS_ID_TOKEN_REQUEST_TOKEN env variable');
    assert.equal(server.requests.length, 0);
  });
});
