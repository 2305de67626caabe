/**
 * IDs that a server answers with (vault, item and file IDs) go into the next request's path or
 * reference only when 1Password-shaped (26 characters of [a-z0-9]): `../x` or `a b` fail the
 * secret with SECRETS_PROVIDER_UNAVAILABLE, and no request is made with them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConnectSource } from '../../src/backends/connect.ts';
import { SdkSource } from '../../src/backends/sdk.ts';
import { type SecretSource, SourceError } from '../../src/backends/source.ts';
import { Code, SecretsError } from '../../src/errors.ts';
import { parseRef } from '../../src/refs.ts';
import { Resolver } from '../../src/resolve.ts';
import {
  type FakeConnect,
  type FakeItem,
  type FakeVault,
  startFakeConnect,
} from '../fakes/connect-server.ts';
import { createFakeSdkClient } from '../fakes/sdk/fake-client.ts';
import { CONNECT_TOKEN, SERVICE_ACCOUNT_TOKEN } from '../fixtures/vault-data.ts';

const id = (prefix: string) => prefix.padEnd(25, '0') + 'x';

function item(itemId: string, title: string, files: FakeItem['files'] = []): FakeItem {
  return {
    id: itemId,
    title,
    fields: [{ id: 'password', type: 'CONCEALED', label: 'password', value: `${title}-value` }],
    files,
  };
}

// Titles with parentheses: no backend's native batch reads them, so the shared resolver does,
// through the IDs in the answers.
const VAULTS: FakeVault[] = [
  {
    id: id('evil'),
    name: 'Evil',
    items: [
      item('../x', 'dotdot (x)'),
      item('a b', 'spaced (x)'),
      item(id('files'), 'files (x)', [{ id: '../f', name: 'x.pem', content: 'pem' }]),
      item(id('fine'), 'fine (x)', [{ id: id('goodfile'), name: 'ok.pem', content: 'ok-pem' }]),
    ],
  },
  { id: '../v', name: 'BadVault', items: [item(id('inbad'), 'good (x)')] },
];

const refused: [string, RegExp][] = [
  ['op://Evil/dotdot (x)/password', /item "dotdot \(x\)" the ID "\.\.\/x"/],
  ['op://Evil/spaced (x)/password', /item "spaced \(x\)" the ID "a b"/],
  ['op://Evil/files (x)/x.pem', /file "x\.pem" the ID "\.\.\/f"/],
  ['op://BadVault/good (x)/password', /vault "BadVault" the ID "\.\.\/v"/],
];

async function resolveOne(source: SecretSource, ref: string) {
  try {
    return (await new Resolver(source).resolveAll([parseRef(ref)])).get(parseRef(ref).text);
  } catch (thrown) {
    return thrown;
  }
}

const backends: { name: string; open: () => SecretSource; requested?: () => string[] }[] = [];

let connect: FakeConnect;
before(async () => {
  connect = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN });
});
after(() => connect.close());

backends.push(
  {
    name: 'connect',
    open: () => new ConnectSource({ host: new URL(connect.url), token: CONNECT_TOKEN }),
    requested: () => connect.requests.map((request) => request.path),
  },
  {
    name: 'sdk',
    open: () =>
      new SdkSource({
        auth: { kind: 'service-account', token: SERVICE_ACCOUNT_TOKEN },
        connect: createFakeSdkClient({ vaults: VAULTS }).connector,
      }),
  },
);

for (const backend of backends) {
  describe(`IDs from answers: ${backend.name}`, () => {
    for (const [ref, says] of refused) {
      it(`${ref}: SECRETS_PROVIDER_UNAVAILABLE, no request with that ID`, async () => {
        connect.reset();
        const source = backend.open();
        let outcome: unknown;
        try {
          outcome = await resolveOne(source, ref);
        } finally {
          await source.close();
        }
        assert.ok(outcome instanceof SecretsError, `got ${String(outcome)}`);
        assert.equal(outcome.code, Code.providerUnavailable);
        assert.match(outcome.message, says);
        assert.match(outcome.message, /not a 1Password ID/);
        if (backend.requested) {
          const paths = backend.requested();
          // Only the lists were read; nothing was retried or sent with the bad ID.
          assert.ok(paths.length <= 3, paths.join(', '));
          for (const path of paths) assert.doesNotMatch(path, /\.\.|%2e|[ ]|%20/i, path);
        }
      });
    }

    it('1Password-shaped IDs in the same vault resolve', async () => {
      const source = backend.open();
      try {
        const refs = ['op://Evil/fine (x)/password', 'op://Evil/fine (x)/ok.pem'].map((ref) =>
          parseRef(ref),
        );
        const outcomes = await new Resolver(source).resolveAll(refs);
        const values = refs.map((ref) => {
          const outcome = outcomes.get(ref.text);
          assert.ok(outcome && !(outcome instanceof SecretsError) && outcome.kind === 'value');
          return Buffer.from(outcome.value).toString('utf8');
        });
        assert.deepEqual(values, ['fine (x)-value', 'ok-pem']);
      } finally {
        await source.close();
      }
    });
  });
}

describe('Connect builds no request path from an ID that is not 1Password-shaped', () => {
  const calls: [string, (source: ConnectSource) => Promise<unknown>][] = [
    ['getVault', (source) => source.getVault('../v')],
    ['listItems', (source) => source.listItems('a b')],
    ['getItem', (source) => source.getItem(id('evil'), '../x')],
    ['getFile', (source) => source.getFile(id('evil'), id('files'), '../../v1/vaults')],
  ];
  for (const [name, call] of calls) {
    it(`${name}: refused before any request`, async () => {
      connect.reset();
      const source = new ConnectSource({ host: new URL(connect.url), token: CONNECT_TOKEN });
      try {
        await assert.rejects(
          call(source),
          (error) =>
            error instanceof SourceError &&
            error.failure === 'unavailable' &&
            /not a 1Password ID/.test(error.message),
        );
      } finally {
        await source.close();
      }
      assert.deepEqual(connect.requests, []);
    });
  }
});
