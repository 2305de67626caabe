/**
 * What ties the SDK test doubles (test/fakes/sdk/fake-client.ts, and the service-account token
 * builder and loopback sign-in server of test/fakes/sdk/signin-server.ts) to the real
 * `@1password/sdk` 0.5.0, a dependency of the action, run offline:
 * - its types (node_modules/@1password/sdk/dist/types.d.ts): the fake's answers have the keys
 *   of the SDK's own types and fit them (checked by `tsc`), and the enum values it gives for
 *   the fixture data are members of the SDK's enums (checked at run time);
 * - its behaviour, given the same input as the fake: how it parses references
 *   (`Secrets.validateSecretReference`), refuses malformed service-account tokens and
 *   integration keys, words a failing OIDC fetcher and names the audience;
 * - the sign-in server: a token from the builder makes it POST `/api/v3/auth/start` there, and
 *   each status becomes the text the doubles quote (`OBSERVED_SIGN_IN_ERRORS`, SDK-NOTES.md).
 * The fake's knobs (faults, hangs, the call record, options) are held by its consumers
 * (sdk.test.ts, sdk-workload.test.ts, conformance.test.ts, pipeline-environments.test.ts),
 * which assert exact counts and error codes.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import * as Sdk from '@1password/sdk';
import type { SdkAuth } from '../../src/backends/sdk-client.ts';
import {
  createFakeSdkClient,
  DEFAULT_AUDIENCE,
  type FakeSdkFieldDetails,
  type FakeSdkGetAllResponse,
  type FakeSdkItem,
  type FakeSdkItemField,
  type FakeSdkItemFile,
  type FakeSdkItemOverview,
  type FakeSdkResolveAllResponse,
  type FakeSdkResolveReferenceError,
  type FakeSdkVaultOverview,
  SDK_ERRORS,
  SDK_PARSE_PREFIX,
} from '../fakes/sdk/fake-client.ts';
import {
  makeServiceAccountCredentials,
  makeServiceAccountToken,
  NETWORK_ERROR_TEXT,
  OBSERVED_SIGN_IN_ERRORS,
  type SignInServer,
  startSignInServer,
} from '../fakes/sdk/signin-server.ts';
import {
  type FakeEnvironmentVariable,
  INTEGRATION_KEY,
  INTEGRATION_KEY_PADDED,
  INTEGRATION_KEY_PAYLOAD,
  SERVICE_ACCOUNT_TOKEN,
  VAULTS,
  WORKLOAD_ID,
} from '../fixtures/vault-data.ts';

// ---------------------------------------------------------------------------------------
// Types: the fake's answers against the SDK's .d.ts

/** The SDK's type with its string enums widened to `string` (their values are checked below). */
type Widened<T> = T extends string
  ? string
  : T extends Date | Uint8Array
    ? T
    : T extends readonly (infer U)[]
      ? Widened<U>[]
      : T extends object
        ? { [K in keyof T]: Widened<T[K]> }
        : T;
type Fits<Fake, Real> = [Fake] extends [Widened<Real>] ? true : false;
type SameKeys<A, B> = [keyof A] extends [keyof B]
  ? [keyof B] extends [keyof A]
    ? true
    : false
  : false;
type Within<A, B> = [A] extends [B] ? true : false;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** `tsc` refuses this file if one of these is `false`. */
const TYPES_HOLD: true[] = [
  true satisfies Fits<FakeSdkVaultOverview, Sdk.VaultOverview>,
  true satisfies SameKeys<FakeSdkVaultOverview, Sdk.VaultOverview>,
  true satisfies Fits<FakeSdkItemOverview, Sdk.ItemOverview>,
  true satisfies SameKeys<FakeSdkItemOverview, Sdk.ItemOverview>,
  true satisfies Fits<FakeSdkItem, Sdk.Item>,
  true satisfies SameKeys<FakeSdkItem, Sdk.Item>,
  true satisfies SameKeys<FakeSdkItemField, Sdk.ItemField>,
  true satisfies SameKeys<FakeSdkItemFile, Sdk.ItemFile>,
  true satisfies Fits<FakeSdkGetAllResponse, Sdk.ItemsGetAllResponse>,
  true satisfies Fits<FakeSdkResolveAllResponse, Sdk.ResolveAllResponse>,
  true satisfies Same<FakeSdkResolveReferenceError['type'], Sdk.ResolveReferenceError['type']>,
  true satisfies Within<FakeSdkFieldDetails['type'], Sdk.ItemFieldDetails['type']>,
  true satisfies Fits<FakeEnvironmentVariable, Sdk.EnvironmentVariable>,
  true satisfies SameKeys<FakeEnvironmentVariable, Sdk.EnvironmentVariable>,
];

// ---------------------------------------------------------------------------------------
// Helpers

/** Settles `promise` or reports 'pending' after `ms`. */
async function state<T>(
  promise: Promise<T>,
  ms = 50,
): Promise<'pending' | 'fulfilled' | 'rejected'> {
  const marker = Symbol('pending');
  const timer = new AbortController();
  try {
    const result = await Promise.race([
      promise,
      sleep(ms, marker, { signal: timer.signal }).catch(() => marker),
    ]);
    return result === marker ? 'pending' : 'fulfilled';
  } catch {
    return 'rejected';
  } finally {
    timer.abort();
  }
}

/** Waits until `condition` holds, for up to 10 s: long enough for a busy machine. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!condition()) {
    assert.ok(performance.now() < deadline, `${what}: not within 10 s`);
    await sleep(10);
  }
}

/** Bounds a real `createClient` so no SDK behaviour can hang the suite. */
async function bounded<T>(promise: Promise<T>, ms = 15_000): Promise<T> {
  const timeout = Symbol('timeout');
  const timer = new AbortController();
  try {
    const result = await Promise.race([
      promise,
      sleep(ms, timeout, { signal: timer.signal }).catch(() => timeout),
    ]);
    if (result === timeout) throw new Error(`createClient did not settle within ${ms} ms`);
    return result as T;
  } finally {
    timer.abort(); // no timer left to hold the process open
  }
}

/** 'resolved', or the rejection's message. */
const messageOf = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );

const INTEGRATION = { integrationName: 'test', integrationVersion: '1.0.0' };

/** The real `createClient` with a service-account token. */
const realWithToken = (auth: string) => Sdk.createClient({ auth, ...INTEGRATION });

/** The real `createClient` with workload identity. */
const realWithKey = (key: string, oidcFetcher: (audience: string) => Promise<string>) =>
  Sdk.createClient({
    ...INTEGRATION,
    oidcFetcher,
    workloadDetails: { workloadUuid: WORKLOAD_ID, customerManagedSecret: key },
  });

/** Workload-identity auth for the fake connector: the fixture's workload. */
function workloadAuth(
  idToken: (audience: string) => Promise<string>,
  integrationKey: string,
): SdkAuth {
  return { kind: 'workload-identity', workloadId: WORKLOAD_ID, integrationKey, idToken };
}

/** An integration key with `changes` made to the fixture's payload (std base64, unpadded). */
function keyWith(changes: Record<string, unknown>): string {
  const json = JSON.stringify({ ...INTEGRATION_KEY_PAYLOAD, ...changes });
  return `ops_${Buffer.from(json).toString('base64').replace(/=+$/, '')}`;
}

/** References that probe the SDK's syntax: what it accepts, what it refuses and why. */
const SYNTAX_PROBES = [
  'op://V/I/F',
  'op://V/I/S/F',
  'op://V/I/S/F/G',
  'op://V/I',
  'op://',
  'V/I/F',
  'OP://V/I/F',
  'op:/V/I/F',
  ' op://V/I/F',
  '',
  'op://V//F',
  'op:///I/F',
  'op://V/I/F/',
  'op:////',
  'op:// V/I/F',
  'op://V/I/F ',
  'op://a b/c d/e f',
  'op://V/I/a.b_c-d e',
  'op://V/I/F#frag',
  'op://V/I/F#',
  'op://V/I#/F',
  'op://V/I/F#x?attribute=otp',
  'op://É/I/F',
  'op://V/I/F"',
  "op://V/I'/F",
  'op://V/I/F%20x',
  'op://V/I/F%',
  'op://V:1/I/F',
  'op://user@V/I/F',
  'op://V/I/S/F/G#',
  'op://V/I/É/x/y',
  ...[...',:@+()!*#&=;~$[]{}\\|<>^`\t\n\u007f'].map((char) => `op://V/I/a${char}b`),
  'op://V/I/*',
  'op://V/I/a?b',
  'op://V/I/F?attribute=otp',
  'op://V/I/F?attribute=totp',
  'op://V/I/F?ssh-format=openssh',
  'op://V/I/F/?attribute=otp',
  'op://V/I/F?attribute=OTP',
  'op://V/I/F?attribute=type',
  'op://V/I/F?attribute=value',
  'op://V/I/F?attribute=',
  'op://V/I/F?attribute=otp ',
  'op://V/I/F?ssh-format=OpenSSH',
  'op://V/I/F?ssh-format=open ssh',
  'op://V/I/F?attribute=otp&ssh-format=openssh',
  'op://V/I/F?attribute=otp&attribute=otp',
  'op://V/I/F?attribute=otp&',
  'op://V/I/F?&attribute=otp',
  'op://V/I/F?foo=bar',
  'op://V/I/F?Attribute=otp',
  'op://V/I/F? attribute=otp',
  'op://V/I/F?=otp',
  'op://V/I/F?foo=',
  'op://V/I/F?=',
  'op://V/I/F?',
  'op://V/I/F?foo',
  'op://V/I/F?attribute',
  'op://V/I/F?#',
  'op://V/I/F?attribute=otp#x',
  'op://V/I/F?attribute=totp#',
  'op://V/I/F?attribute=ot,p',
  'op://V/I/F?attri,bute=otp',
  'op://V/I/F?attribute=otp=x',
  'op://V/I/F?attribute==otp',
  'op://V/I/F?attribute=É',
  'op://V/I/F?É=otp',
  'op://V/I/F?attribute=%6Ftp',
  'op://V/I/F?attribute=otp/x',
  'op://V/I/F?attribute=o"tp',
  'op://V/I/F??attribute=otp',
  'op://V/I/F?attribute=otp?',
  'op://V/I/F?foo=a?b',
  'op://V/I/F?a?b=c',
  'op://V/I/É?foo=bar',
  'op://V/I?attribute=otp',
  'op://V/I/S/F/G?foo=bar',
];

// ---------------------------------------------------------------------------------------

describe('the fake SDK client in the types of @1password/sdk', () => {
  it("answers in the SDK's shapes (tsc), with members of the SDK's enums", async () => {
    assert.ok(TYPES_HOLD.every(Boolean));
    const { client } = createFakeSdkClient({ vaults: VAULTS, visible: () => true });
    const member = (values: object, value: string, what: string) =>
      assert.ok((Object.values(values) as string[]).includes(value), `${what} ${value}`);
    let fields = 0;
    for (const vault of await client.vaults.list()) {
      member(Sdk.VaultType, vault.vaultType, 'vault type');
      const overviews = await client.items.list(vault.id);
      for (const overview of overviews) {
        member(Sdk.ItemCategory, overview.category, 'category');
        member(Sdk.ItemState, overview.state, 'state');
      }
      const ids = overviews.map((overview) => overview.id);
      for (const { content } of (await client.items.getAll(vault.id, ids)).individualResponses) {
        assert.ok(content);
        member(Sdk.ItemCategory, content.category, 'category');
        for (const field of content.fields) {
          member(Sdk.ItemFieldType, field.fieldType, 'field type');
          fields += 1;
        }
      }
    }
    assert.ok(fields > 0);
  });
});

describe('the real @1password/sdk, offline, against the fake and the sign-in server', () => {
  let server: SignInServer | undefined;
  after(async () => {
    await server?.close();
  });

  it("sends POST /api/v3/auth/start with the token builder's credentials, and rejects on a 401", async () => {
    server = await startSignInServer({ status: 401 });
    await assert.rejects(bounded(realWithToken(makeServiceAccountToken(server.url))), (error) => {
      assert.ok(error instanceof Error);
      assert.equal(error.message, OBSERVED_SIGN_IN_ERRORS[401]);
      return true;
    });
    assert.equal(server.requests.length, 1);
    const [request] = server.requests;
    assert.equal(request?.method, 'POST');
    assert.equal(request?.path, '/api/v3/auth/start');
    const body = JSON.parse(request?.body ?? '{}') as Record<string, unknown>;
    const credentials = makeServiceAccountCredentials(server.url);
    assert.equal(body['email'], credentials.email);
    assert.equal(body['deviceUuid'], credentials.deviceUuid);
    assert.match(String(request?.headers['user-agent']), /test\/1\.0\.0/);
    await server.close();
  });

  it('turns each status into the observed plain Error, after one request', async () => {
    for (const [status, message] of Object.entries(OBSERVED_SIGN_IN_ERRORS)) {
      server = await startSignInServer({ status: Number(status) });
      await assert.rejects(bounded(realWithToken(makeServiceAccountToken(server.url))), (error) => {
        assert.ok(error instanceof Error);
        assert.equal(error.message, message);
        return true;
      });
      assert.equal(server.requests.length, 1, `status ${status} was retried`);
      await server.close();
    }
  });

  it('waits on a hung server, and fails with the network error once it is gone', async () => {
    server = await startSignInServer({ hang: true });
    const pending = realWithToken(makeServiceAccountToken(server.url));
    pending.catch(() => {});
    // The request arrives (however long the SDK takes on a busy machine), and is not answered.
    const hung = server;
    await until(() => hung.requests.length > 0, 'the sign-in request arriving');
    assert.equal(await state(pending, 500), 'pending');
    assert.equal(server.requests.length, 1);
    await server.close();
    await assert.rejects(bounded(pending), { message: NETWORK_ERROR_TEXT });
  });

  it('parses references exactly like the fake resolveAll (validateSecretReference)', async () => {
    const { client } = createFakeSdkClient();
    const { individualResponses } = await client.secrets.resolveAll(SYNTAX_PROBES);
    for (const reference of SYNTAX_PROBES) {
      let real: string | undefined;
      try {
        Sdk.Secrets.validateSecretReference(reference);
      } catch (thrown) {
        // SDK-NOTES.md: it throws a JSON string, not an Error.
        const parsed = JSON.parse(String(thrown)) as { name: string; message: string };
        assert.equal(parsed.name, 'ParsingSecretReference');
        assert.ok(parsed.message.startsWith(SDK_PARSE_PREFIX), parsed.message);
        real = parsed.message.slice(SDK_PARSE_PREFIX.length);
      }
      const error = individualResponses[reference]?.error;
      const faked = error?.type === 'parsing' ? error.message : undefined;
      assert.equal(faked, real, `reference ${JSON.stringify(reference)}`);
    }
  });

  it('refuses tokens with the texts of the fake connector; only a well-formed one reaches the server', async () => {
    server = await startSignInServer({ status: 401 });
    const fake = createFakeSdkClient();
    const tokens = [
      '',
      'abc',
      ` ${SERVICE_ACCOUNT_TOKEN}`,
      'ops_!!!!',
      'ops_',
      `ops_${Buffer.from('{"a":1}').toString('base64url')}`,
      `ops_${Buffer.from('[1,2]').toString('base64url')}`,
      // Well-formed but for their values: pointed at the server in case the SDK signs in.
      makeServiceAccountToken(server.url, { srpX: 'not-hex' }),
      makeServiceAccountToken(server.url, {
        secretKey: 'A3-000000-000000-00000-00000-00000-00000',
      }),
      // Well-formed, refused by the server (401) and by the fake.
      makeServiceAccountToken(server.url),
    ];
    for (const auth of tokens) {
      const real = await bounded(messageOf(realWithToken(auth)));
      const faked = await messageOf(fake.connector({ kind: 'service-account', token: auth }));
      assert.equal(real, faked, `token ${JSON.stringify(auth.slice(0, 12))}`);
      assert.ok(auth.length < 8 || !real.includes(auth.slice(4)), real);
    }
    assert.equal(server.requests.length, 1);
    await server.close();
  });

  it('checks an integration key with the texts of the fake connector, before asking for a token', async () => {
    const fake = createFakeSdkClient();
    const asked: string[] = [];
    // Refusing: a key the SDK took after all would send nothing anywhere.
    const idToken = (audience: string) => {
      asked.push(audience);
      return Promise.reject(new Error('fixture: no token here'));
    };
    for (const key of [
      '',
      'abc',
      ` ${INTEGRATION_KEY}`,
      'ops_!!!',
      'ops_',
      INTEGRATION_KEY_PADDED,
      `ops_${Buffer.from(JSON.stringify(INTEGRATION_KEY_PAYLOAD)).toString('base64url')}_-`,
      `ops_${Buffer.from('[1]').toString('base64')}`,
      SERVICE_ACCOUNT_TOKEN.replace(/=+$/, ''),
      keyWith({ ver: '1' }),
      keyWith({ typ: 3 }),
      keyWith({ path: undefined }),
      keyWith({ ver: 0 }),
      keyWith({ ver: 2 }),
      keyWith({ typ: 'aes' }),
      keyWith({ typ: 'aes', key: 'xy', path: 'p' }),
      keyWith({ key: 'xy'.repeat(32) }),
      keyWith({ key: 'abc' }),
      keyWith({ key: 'ab'.repeat(16) }),
      keyWith({ key: 'ab'.repeat(31) }),
      keyWith({ path: 'fixtures.1password.com/accounts/a' }),
      keyWith({ path: '//fixtures.1password.com' }),
      keyWith({ path: '//host/teams/a' }),
      keyWith({ path: '//host/accounts/' }),
    ]) {
      const real = await bounded(messageOf(realWithKey(key, idToken)));
      const faked = await messageOf(fake.connector(workloadAuth(idToken, key)));
      assert.equal(real, faked, `key ${JSON.stringify(key.slice(0, 40))}`);
      assert.notEqual(real, 'resolved');
    }
    assert.deepEqual(asked, [], 'a token was asked for');
  });

  it("asks for the key's host as the fake does, and words a failing fetcher the same", async () => {
    // Every fetcher fails, so the real SDK sends nothing anywhere.
    const refusing = (asked: string[]) => (audience: string) => {
      asked.push(audience);
      return Promise.reject(new Error('fixture: no token here'));
    };
    for (const key of [
      INTEGRATION_KEY,
      keyWith({ path: '//127.0.0.1:8443/accounts/fixtureaccount000000000000' }),
      keyWith({ path: '//localhost:1/accounts/fixtureaccount000000000000' }),
    ]) {
      const realAsked: string[] = [];
      const real = await bounded(messageOf(realWithKey(key, refusing(realAsked))));
      const fake = createFakeSdkClient({ integrationKey: key });
      const fakeAsked: string[] = [];
      assert.equal(await messageOf(fake.connector(workloadAuth(refusing(fakeAsked), key))), real);
      assert.equal(real, SDK_ERRORS.oidcRejected);
      assert.equal(realAsked.length, 1);
      assert.deepEqual(fakeAsked, realAsked);
    }
    assert.equal(DEFAULT_AUDIENCE, 'fixtures.1password.com');
    // A fetcher that throws, rejects, or hands over a non-string.
    const failing: ((audience: string) => Promise<string>)[] = [
      () => {
        throw new Error('fixture: thrown');
      },
      () => Promise.reject(new Error('fixture: rejected')),
      () => Promise.resolve(7 as unknown as string),
    ];
    const fake = createFakeSdkClient();
    for (const fetcher of failing) {
      const real = await bounded(messageOf(realWithKey(INTEGRATION_KEY, fetcher)));
      assert.equal(await messageOf(fake.connector(workloadAuth(fetcher, INTEGRATION_KEY))), real);
    }
  });
});
