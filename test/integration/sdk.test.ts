/**
 * The service-account backend through the SDK (src/backends/sdk.ts): first against the fake
 * client at the seam (call counts, batching, scripted faults), then with the REAL
 * `@1password/sdk` offline (malformed tokens, a loopback sign-in server answering
 * 401/429/503 or never), and last the promise that importing the backend does not load the
 * SDK.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { Clock, RetryPolicy } from '../../src/backends/retry.ts';
import { realConnector, SdkSource } from '../../src/backends/sdk.ts';
import { Code, SecretsError } from '../../src/errors.ts';
import { parseRef, type Ref } from '../../src/refs.ts';
import { type Outcome, Resolver } from '../../src/resolve.ts';
import type { FakeVault } from '../fakes/connect-server.ts';
import {
  createFakeSdkClient,
  type FakeSdk,
  type FakeSdkMethod,
  SDK_ERRORS,
} from '../fakes/sdk/fake-client.ts';
import {
  makeServiceAccountToken,
  OBSERVED_SIGN_IN_ERRORS,
  type SignInBehaviour,
  type SignInServer,
  startSignInServer,
} from '../fakes/sdk/signin-server.ts';
import { fileBytes, IDS, SERVICE_ACCOUNT_TOKEN, VALUES, VAULTS } from '../fixtures/vault-data.ts';
import { rejection } from '../support/rejection.ts';
import { FAST_POLICY } from '../support/fast-policy.ts';
import { fakeClock } from '../support/fake-clock.ts';

const POLICY = FAST_POLICY;

/** Compared as bytes: a value may come back as text (a batch) or as bytes (a file read). */
function text(value: string | Uint8Array): string {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
  return bytes.toString('hex');
}

function valueOf(outcome: Outcome | undefined, ref: string): string | Uint8Array {
  assert.ok(outcome !== undefined, `${ref} was not resolved`);
  assert.ok(!(outcome instanceof SecretsError), `${ref} failed: ${(outcome as Error).message}`);
  assert.equal(outcome.kind, 'value', ref);
  return outcome.kind === 'value' ? outcome.value : '';
}

function vault(id: string): FakeVault {
  const found = VAULTS.find((candidate) => candidate.id === id);
  assert.ok(found, id);
  return found;
}

// ---------------------------------------------------------------------------------------
// The fake client at the seam

interface Case {
  readonly ref: string;
  readonly expected: string | Uint8Array;
}

/** Field refs by ID over every item with values in three vaults, a few by title, and file refs. */
function buildCases(): { fields: Case[]; files: Case[] } {
  const fields: Case[] = [];
  for (const id of [IDS.vaults.engineering, IDS.vaults.platform, IDS.vaults.equipe]) {
    for (const item of vault(id).items) {
      for (const field of item.fields) {
        if (field.value === undefined || field.value === '') continue;
        fields.push({ ref: `op://${id}/${item.id}/${field.id}`, expected: field.value });
      }
    }
  }
  fields.push(
    { ref: 'op://Engineering/deploy/password', expected: VALUES.deployPassword },
    { ref: 'op://Engineering/services/loom/deploy/token', expected: VALUES.loomDeployToken },
    { ref: 'op://Platform/queue/eu/password', expected: VALUES.queueEuPassword },
    { ref: 'op://Platform/api/key', expected: VALUES.apiKeyUnsectioned },
    { ref: 'op://Équipe ☃/team-config/token', expected: VALUES.equipeToken },
  );
  const certs = vault(IDS.vaults.engineering).items.find((item) => item.id === IDS.items.certs);
  const twinfiles = vault(IDS.vaults.engineering).items.find(
    (item) => item.id === IDS.items.twinfiles,
  );
  assert.ok(certs?.files && twinfiles?.files);
  const files: Case[] = [
    // config.json is also a field, which wins: the file is named by its ID.
    ...certs.files.map((file) => ({
      ref: `op://Engineering/certs/${file.name === 'config.json' ? file.id : file.name}`,
      expected: fileBytes(file.content),
    })),
    ...twinfiles.files.map((file) => ({
      ref: `op://Engineering/twinfiles/${file.id}`,
      expected: fileBytes(file.content),
    })),
  ];
  return { fields, files };
}

function sdkSource(fake: FakeSdk, options: { clock?: Clock; policy?: RetryPolicy } = {}) {
  return new SdkSource({
    auth: { kind: 'service-account', token: SERVICE_ACCOUNT_TOKEN },
    connect: fake.connector,
    policy: options.policy ?? POLICY,
    clock: options.clock ?? fakeClock().clock,
  });
}

/** Refs outside the SDK's reference syntax: always resolved through listing and items.getAll. */
const CLE = "op://Engineering/Clé d'accès (prod)/token";
const REF_TEXT = 'op://Engineering/deploy/token';
const LOOM = 'op://Engineering/services/loom/deploy/token';

describe('SdkSource + Resolver against the fake client', () => {
  it('resolves 100 refs with one vaults.list, one items.list and one items.getAll per vault, files.read only for files', async (t) => {
    const { fields, files } = buildCases();
    const distinct = [...fields, ...files];
    const refs: Ref[] = [];
    for (let index = 0; refs.length < 100; index++) {
      refs.push(parseRef((distinct[index % distinct.length] as Case).ref));
    }
    assert.ok(distinct.length < 100, 'some refs are repeated');

    const fake = createFakeSdkClient();
    const source = sdkSource(fake);
    const outcomes = await new Resolver(source).resolveAll(refs);
    await source.close();

    for (const { ref, expected } of distinct) {
      const key = parseRef(ref).text;
      assert.equal(text(valueOf(outcomes.get(key), ref)), text(expected), ref);
    }
    const used = [IDS.vaults.engineering, IDS.vaults.platform, IDS.vaults.equipe];
    assert.equal(fake.count('connect'), 1, 'connector called once');
    assert.equal(fake.count('vaults.list'), 1);
    assert.equal(fake.count('vaults.getOverview'), 0);
    const argsOf = (method: string) =>
      fake.calls.filter((call) => call.method === method).map((call) => call.args);
    assert.deepEqual(
      argsOf('items.list')
        .map((args) => args[0])
        .sort(),
      [...used].sort(),
    );
    const getAll = argsOf('items.getAll');
    assert.deepEqual(getAll.map((args) => args[0]).sort(), [...used].sort());
    // One batch per vault, holding exactly the items the refs name.
    const itemsNamed = new Map<string, Set<string>>();
    for (const { ref } of distinct) {
      const parsed = parseRef(ref);
      const vaultId = VAULTS.find(
        (candidate) => candidate.id === parsed.vault || candidate.name === parsed.vault,
      )?.id;
      assert.ok(vaultId);
      const items = vault(vaultId).items;
      const item =
        items.find((candidate) =>
          parsed.readings.some((reading) => candidate.id === reading.item),
        ) ??
        items.find((candidate) =>
          parsed.readings.some((reading) => candidate.title === reading.item),
        );
      assert.ok(item, ref);
      itemsNamed.set(vaultId, (itemsNamed.get(vaultId) ?? new Set()).add(item.id));
    }
    // With a native batch (secrets.resolveAll, when the client has one), the simple refs
    // are read there and only the others go through items.getAll: allow a subset then.
    const batches = fake.calls.filter((call) => String(call.method) === 'secrets.resolveAll');
    assert.ok(batches.length <= 1, `${batches.length} secrets.resolveAll calls`);
    for (const [vaultId, ids] of getAll as [string, string[]][]) {
      const named = [...(itemsNamed.get(vaultId) ?? [])].sort();
      if (batches.length === 0) assert.deepEqual([...ids].sort(), named, `batch of ${vaultId}`);
      else for (const id of ids) assert.ok(named.includes(id), `${id} in batch of ${vaultId}`);
    }
    const reads = argsOf('items.files.read');
    if (batches.length === 0) {
      assert.equal(reads.length, files.length, 'one files.read per distinct file ref');
    } else {
      assert.ok(reads.length <= files.length, `${reads.length} files.read`);
    }
    const fileIds = new Set(
      [IDS.items.certs, IDS.items.twinfiles].flatMap(
        (id) =>
          vault(IDS.vaults.engineering)
            .items.find((item) => item.id === id)
            ?.files?.map((file) => file.id) ?? [],
      ),
    );
    for (const args of reads) {
      assert.ok(fileIds.has((args[2] as { id: string }).id), 'files.read only reads files');
    }
    t.diagnostic(
      `${refs.length} refs (${distinct.length} distinct): ` +
        ['connect', 'vaults.list', 'items.list', 'items.getAll', 'items.files.read']
          .map((method) => `${method} ×${fake.calls.filter((c) => c.method === method).length}`)
          .join(', ') +
        `, secrets.resolveAll ×${batches.length}`,
    );
  });

  it('retries a rate limit (the SDK wording, and the RateLimitExceededError class) and succeeds', async () => {
    const fake = createFakeSdkClient();
    fake.fail('connect', [new Error(OBSERVED_SIGN_IN_ERRORS[429] ?? 'rate limit exceeded')]);
    fake.fail('vaults.list', [new Error('rate limit exceeded')]);
    fake.fail('items.getAll', [
      Object.assign(new Error('Rate limit exceeded. Please retry later'), {
        name: 'RateLimitExceededError',
      }),
    ]);
    const { clock, sleeps } = fakeClock();
    const source = sdkSource(fake, { clock });
    const ref = parseRef(CLE);
    const outcomes = await new Resolver(source).resolveAll([ref]);
    assert.equal(valueOf(outcomes.get(ref.text), ref.text), VALUES.cleToken);
    assert.equal(fake.count('connect'), 2);
    assert.equal(fake.count('vaults.list'), 2);
    assert.equal(fake.count('items.getAll'), 2);
    assert.equal(sleeps.length, 3, 'one backoff per rate limit');
    for (const ms of sleeps) assert.ok(ms >= 5 && ms <= 50, `backoff ${ms} ms`);
  });

  it('gives up on a rate limit that does not end: SECRETS_PROVIDER_UNAVAILABLE after the attempts', async () => {
    const fake = createFakeSdkClient();
    fake.fail(
      'items.list',
      [1, 2, 3, 4].map(() => new Error('rate limit exceeded')),
    );
    const source = sdkSource(fake);
    const error = await rejection(new Resolver(source).resolveAll([parseRef(CLE)]));
    assert.equal(error.code, Code.providerUnavailable);
    assert.equal(error.secret, undefined);
    assert.equal(fake.count('items.list'), POLICY.attempts);
  });

  it('bounds a hung items.getAll by attemptTimeoutMs: SECRETS_PROVIDER_UNAVAILABLE', async () => {
    const fake = createFakeSdkClient();
    fake.fail('items.getAll', ['hang', 'hang', 'hang', 'hang']);
    const policy = { ...POLICY, attemptTimeoutMs: 200 };
    const source = new SdkSource({
      auth: { kind: 'service-account', token: SERVICE_ACCOUNT_TOKEN },
      connect: fake.connector,
      policy,
    });
    const started = performance.now();
    const error = await rejection(new Resolver(source).resolveAll([parseRef(CLE), parseRef(LOOM)]));
    const elapsed = performance.now() - started;
    assert.equal(error.code, Code.providerUnavailable);
    assert.equal(error.secret, undefined, 'one error for the run');
    assert.match(error.message, /no answer within/);
    assert.equal(fake.count('items.getAll'), policy.attempts, 'both items in one batch, retried');
    assert.ok(elapsed >= policy.attempts * 200 - 20, `${elapsed} ms`);
    // Does not hang: ten times the expected 600 ms, so that a busy machine cannot fail it.
    assert.ok(elapsed < policy.attempts * 200 * 10, `${elapsed} ms`);
    await source.close();
  });

  it('a rejected token: SECRETS_PROVIDER_UNAVAILABLE, not retried, the token nowhere in the message', async () => {
    const fake = createFakeSdkClient();
    for (const token of [
      makeServiceAccountToken('https://wrong.example'),
      'ops_!!!notbase64',
      `ops_${Buffer.from('{"a":1}').toString('base64url')}`,
    ]) {
      fake.reset();
      const source = new SdkSource({
        auth: { kind: 'service-account', token },
        connect: fake.connector,
        policy: POLICY,
        clock: fakeClock().clock,
      });
      const error = await rejection(
        new Resolver(source).resolveAll([
          parseRef('op://Engineering/deploy/token'),
          parseRef('op://Platform/api/key'),
        ]),
      );
      assert.equal(error.code, Code.providerUnavailable);
      assert.equal(error.secret, undefined);
      assert.equal(fake.count('connect'), 1, 'a rejected token is not retried');
      assert.equal(fake.count('vaults.list'), 0);
      assert.ok(!error.message.includes(token), error.message);
      assert.ok(!error.message.includes(token.slice(4, 20)), error.message);
      assert.match(error.message, /service-account-token|OP_SERVICE_ACCOUNT_TOKEN/);
    }
    assert.match(
      (
        await rejection(
          new Resolver(
            new SdkSource({
              auth: {
                kind: 'service-account',
                token: makeServiceAccountToken('https://wrong.example'),
              },
              connect: fake.connector,
              policy: POLICY,
            }),
          ).resolveAll([parseRef('op://Engineering/deploy/token')]),
        )
      ).message,
      new RegExp(SDK_ERRORS.tokenRejected),
    );
  });
});

// ---------------------------------------------------------------------------------------
// The native batch (secrets.resolveAll), when the client has one

const BATCH = 'secrets.resolveAll' as FakeSdkMethod;
const noBatch = !('secrets' in createFakeSdkClient().client) && 'the fake client has no secrets';

describe('SdkSource + Resolver: the native batch', { skip: noBatch }, () => {
  it('simple refs: one secrets.resolveAll, no listing', async () => {
    const fake = createFakeSdkClient();
    const source = sdkSource(fake);
    const refs = ['op://Engineering/deploy/token', 'op://Platform/api/key'];
    const outcomes = await new Resolver(source).resolveAll(refs.map((ref) => parseRef(ref)));
    assert.equal(valueOf(outcomes.get(refs[0] as string), 'deploy'), VALUES.deployToken);
    assert.equal(valueOf(outcomes.get(refs[1] as string), 'api'), VALUES.apiKeyUnsectioned);
    assert.equal(fake.count(BATCH), 1);
    assert.equal(fake.count('connect'), 1);
    assert.equal(fake.count('vaults.list'), 0);
  });

  it('a rate-limited batch is retried as a batch', async () => {
    const fake = createFakeSdkClient();
    fake.fail(BATCH, [new Error('rate limit exceeded')]);
    const source = sdkSource(fake);
    const outcomes = await new Resolver(source).resolveAll([parseRef(REF_TEXT)]);
    assert.equal(valueOf(outcomes.get(REF_TEXT), REF_TEXT), VALUES.deployToken);
    assert.equal(fake.count(BATCH), 2);
    assert.equal(fake.count('vaults.list'), 0);
  });

  it('a ref whose vault and item differ from the titles only in case: the same value as through Connect', async () => {
    // Titles match exactly first, then ignoring case, in src/resolve.ts as in the SDK.
    const fake = createFakeSdkClient();
    const source = sdkSource(fake);
    const refs = ['op://engineering/DEPLOY/token', 'op://Engineering/deploy/TOKEN'];
    const outcomes = await new Resolver(source).resolveAll(refs.map((ref) => parseRef(ref)));
    for (const ref of refs) {
      const outcome = outcomes.get(ref);
      assert.ok(outcome && !(outcome instanceof SecretsError), `${ref} failed`);
      assert.deepEqual(outcome, { kind: 'value', value: VALUES.deployToken });
    }
  });

  it('a batch that never answers: one retry cycle, not a second one for the per-ref fallback', async () => {
    const fake = createFakeSdkClient();
    fake.fail(BATCH, ['hang', 'hang', 'hang', 'hang']);
    fake.fail('vaults.list', ['hang', 'hang', 'hang', 'hang']);
    const policy = { ...POLICY, attemptTimeoutMs: 200 };
    const source = new SdkSource({
      auth: { kind: 'service-account', token: SERVICE_ACCOUNT_TOKEN },
      connect: fake.connector,
      policy,
    });
    const started = performance.now();
    const error = await rejection(new Resolver(source).resolveAll([parseRef(REF_TEXT)]));
    const elapsed = performance.now() - started;
    assert.equal(error.code, Code.providerUnavailable);
    assert.equal(fake.count(BATCH), policy.attempts);
    // A second retry cycle shows in the counts; the time only has to show no hang (ten times
    // the expected 600 ms, so that a busy machine cannot fail it).
    assert.ok(elapsed < policy.attempts * 200 * 10, `${elapsed.toFixed(0)} ms`);
    assert.equal(fake.count('vaults.list'), 0, 'the fallback asked an unresponsive provider again');
  });
});

// ---------------------------------------------------------------------------------------
// The real SDK, offline

/**
 * realConnector bounds the global fetch once per process: every test here uses this. Wide, so
 * that a loopback answer is never late on a busy machine (at 500 ms, a 401 was retried).
 */
const REAL_TIMEOUT_MS = 3_000;
const REAL_POLICY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 10,
  maxDelayMs: 50,
  budgetMs: 4 * REAL_TIMEOUT_MS,
  attemptTimeoutMs: REAL_TIMEOUT_MS,
};
const REF = parseRef('op://Engineering/deploy/token');

async function realFailure(
  token: string,
  policy: RetryPolicy = REAL_POLICY,
): Promise<{ error: SecretsError; elapsedMs: number }> {
  const source = new SdkSource({
    auth: { kind: 'service-account', token },
    connect: realConnector(REAL_TIMEOUT_MS),
    policy,
  });
  const started = performance.now();
  try {
    const error = await rejection(new Resolver(source).resolveAll([REF]));
    return { error, elapsedMs: performance.now() - started };
  } finally {
    await source.close();
  }
}

describe('SdkSource with the real @1password/sdk, offline', () => {
  let server: SignInServer | undefined;
  // Loaded before the clocks start: the lazy loading itself is tested below.
  before(async () => {
    await import('@1password/sdk');
  });
  after(async () => {
    await server?.close();
  });

  async function against(behaviour: SignInBehaviour, policy: RetryPolicy = REAL_POLICY) {
    await server?.close();
    server = await startSignInServer(behaviour);
    const token = makeServiceAccountToken(server.url);
    const result = await realFailure(token, policy);
    assert.equal(result.error.code, Code.providerUnavailable, result.error.message);
    assert.equal(result.error.secret, undefined);
    assert.ok(!result.error.message.includes(token), result.error.message);
    assert.ok(!result.error.message.includes(token.slice(4, 24)), result.error.message);
    return { ...result, requests: server.requests.length };
  }

  for (const token of ['ops_', 'ops_!!!', `ops_${Buffer.from('{}').toString('base64url')}`]) {
    it(`a malformed token ${JSON.stringify(token)}: SECRETS_PROVIDER_UNAVAILABLE before any timeout, token not shown`, async (t) => {
      // Wide: the SDK's checks take a while on a busy machine, and a deadline passed first would
      // end the attempt with another message.
      const patient = { ...REAL_POLICY, attemptTimeoutMs: 60_000, budgetMs: 120_000 };
      const { error, elapsedMs } = await realFailure(token, patient);
      t.diagnostic(
        `malformed token ${JSON.stringify(token)}: failed in ${elapsedMs.toFixed(1)} ms`,
      );
      assert.equal(error.code, Code.providerUnavailable);
      assert.equal(error.secret, undefined);
      assert.match(error.message, /service account/);
      if (token.length > 4) assert.ok(!error.message.includes(token), error.message);
      // Fails by itself (a few ms when quiet), not by waiting out an attempt.
      assert.doesNotMatch(error.message, /no answer within/);
    });
  }

  it('401 at sign-in: SECRETS_PROVIDER_UNAVAILABLE after exactly one request', async (t) => {
    const { error, requests, elapsedMs } = await against({ status: 401 });
    t.diagnostic(`401: ${requests} request(s), ${elapsedMs.toFixed(1)} ms`);
    assert.equal(requests, 1);
    assert.match(error.message, /not authenticated/);
  });

  it('429 at sign-in: retried, then SECRETS_PROVIDER_UNAVAILABLE', async (t) => {
    const { error, requests, elapsedMs } = await against({ status: 429 });
    t.diagnostic(`429: ${requests} request(s), ${elapsedMs.toFixed(1)} ms`);
    assert.ok(requests > 1, `${requests} requests`);
    assert.equal(requests, REAL_POLICY.attempts);
    assert.match(error.message, /rate limit/);
  });

  it('503 at sign-in: retried, then SECRETS_PROVIDER_UNAVAILABLE', async (t) => {
    const { requests, elapsedMs } = await against({ status: 503 });
    t.diagnostic(`503: ${requests} request(s), ${elapsedMs.toFixed(1)} ms`);
    assert.ok(requests > 1, `${requests} requests`);
  });

  it('a sign-in server that never answers: bounded by the timeout, SECRETS_PROVIDER_UNAVAILABLE', async (t) => {
    // Two attempts are enough to show the bound (each waits out the whole timeout).
    const policy = { ...REAL_POLICY, attempts: 2 };
    const { requests, elapsedMs } = await against({ hang: true }, policy);
    t.diagnostic(`hang: ${requests} request(s), ${elapsedMs.toFixed(1)} ms`);
    assert.ok(requests >= 1);
    assert.ok(elapsedMs >= REAL_TIMEOUT_MS * 0.9, `gave up after ${elapsedMs} ms`);
    assert.ok(elapsedMs < policy.budgetMs + 5_000, `${elapsedMs} ms`);
  });
});

// ---------------------------------------------------------------------------------------
// Lazy loading

const CHILD = `
import { registerHooks } from 'node:module';
const seen = [];
registerHooks({
  resolve(specifier, context, next) {
    const result = next(specifier, context);
    seen.push(result.url);
    return result;
  },
  load(url, context, next) {
    seen.push(url);
    return next(url, context);
  },
});
const sdkLoaded = () => seen.some((url) => url.includes('@1password/sdk'));
await import(process.env.SELECT_URL);
const { realConnector, SdkSource } = await import(process.env.SDK_URL);
const { Resolver } = await import(process.env.RESOLVE_URL);
const { parseRef } = await import(process.env.REFS_URL);
const afterImport = sdkLoaded();
const modules = seen.length;
const started = performance.now();
let code;
try {
  const source = new SdkSource({ auth: { kind: 'service-account', token: 'ops_' }, connect: realConnector(500) });
  await new Resolver(source).resolveAll([parseRef('op://Engineering/deploy/token')]);
} catch (error) {
  code = error.code;
}
const elapsedMs = performance.now() - started;
process.stdout.write(JSON.stringify({ afterImport, modules, afterUse: sdkLoaded(), code, elapsedMs }));
`;

describe('lazy loading', () => {
  it('importing select.ts and sdk.ts does not load @1password/sdk; using the SDK mode does', async (t) => {
    const url = (path: string) => new URL(path, import.meta.url).href;
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--input-type=module', '-e', CHILD],
        {
          timeout: 15_000,
          env: {
            ...process.env,
            SELECT_URL: url('../../src/backends/select.ts'),
            SDK_URL: url('../../src/backends/sdk.ts'),
            RESOLVE_URL: url('../../src/resolve.ts'),
            REFS_URL: url('../../src/refs.ts'),
          },
        },
        (error, stdout, stderr) =>
          error ? reject(new Error(stderr || error.message)) : resolve(stdout),
      );
    });
    const result = JSON.parse(output) as {
      afterImport: boolean;
      modules: number;
      afterUse: boolean;
      code: string;
      elapsedMs: number;
    };
    t.diagnostic(
      `cold malformed-token failure, SDK import included: ${result.elapsedMs.toFixed(1)} ms`,
    );
    assert.ok(result.modules > 10, 'the hook saw the imports');
    assert.equal(result.afterImport, false, '@1password/sdk was loaded at import time');
    assert.equal(result.afterUse, true, 'the SDK mode loads @1password/sdk');
    assert.equal(result.code, Code.providerUnavailable);
  });
});
