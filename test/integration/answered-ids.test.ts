/**
 * IDs that a server answers with (vault, item and file IDs) are opaque: any of letters, digits,
 * `-` and `_` (at most 64) goes into the next request's path or reference as is, so 1Password's
 * UUID-shaped fixtures resolve. Anything else (`../x`, `a/b`, `a b`, 65 characters) fails only
 * the secrets that need it with SECRETS_PROVIDER_UNAVAILABLE, and no request is made with it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConnectSource } from '../../src/backends/connect.ts';
import { CliSource } from '../../src/backends/op-cli.ts';
import { SdkSource } from '../../src/backends/sdk.ts';
import { isAnsweredId, type SecretSource, SourceError } from '../../src/backends/source.ts';
import { Code, SecretsError } from '../../src/errors.ts';
import { run } from '../../src/main.ts';
import { parseRef } from '../../src/refs.ts';
import { type Outcome, Resolver } from '../../src/resolve.ts';
import {
  type FakeConnect,
  type FakeItem,
  type FakeVault,
  startFakeConnect,
} from '../fakes/connect-server.ts';
import { FAKE_OP_BIN_DIR, fakeOpEnv, readOpLog, writeOpData } from '../fakes/op/index.ts';
import { createFakeSdkClient } from '../fakes/sdk/fake-client.ts';
import { CONNECT_TOKEN, SERVICE_ACCOUNT_TOKEN } from '../fixtures/vault-data.ts';
import { MemoryRunner } from '../support/memory-runner.ts';

const id = (prefix: string) => prefix.padEnd(25, '0') + 'x';
/** 1Password's own Connect SDK fixtures (the OpenAPI example). */
const UUID_VAULT = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
const UUID_ITEM = 'c0ffee00-1234-4abc-8def-0123456789ab';
const UUID_FILE = '0b5e8a1c-9d2f-4e3a-b6c7-d8e9f0a1b2c3';
const LONG = 'a'.repeat(65);

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
      item('a/b', 'slash (x)'),
      item('a b', 'spaced (x)'),
      item(LONG, 'long (x)'),
      item(id('files'), 'files (x)', [{ id: '../f', name: 'x.pem', content: 'pem' }]),
      item(id('fine'), 'fine (x)', [{ id: id('goodfile'), name: 'ok.pem', content: 'ok-pem' }]),
    ],
  },
  { id: '../v', name: 'BadVault', items: [item(id('inbad'), 'good (x)')] },
  {
    id: UUID_VAULT,
    name: 'Uuid',
    items: [item(UUID_ITEM, 'svc (x)', [{ id: UUID_FILE, name: 'svc.pem', content: 'svc-pem' }])],
  },
  // IDs of the allowed characters that an op command line would read as flags if unguarded.
  { id: '-', name: 'Dash', items: [item('--help', 'help (x)'), item('-', 'stdin (x)')] },
];

/** Each ref whose item, vault or file has an unusable ID, what its message names, the bad ID. */
const refused: [string, RegExp, string][] = [
  ['op://Evil/dotdot (x)/password', /item "dotdot \(x\)" the ID "\.\.\/x"/, '../x'],
  ['op://Evil/slash (x)/password', /item "slash \(x\)" the ID "a\/b"/, 'a/b'],
  ['op://Evil/spaced (x)/password', /item "spaced \(x\)" the ID "a b"/, 'a b'],
  ['op://Evil/long (x)/password', /item "long \(x\)" the ID "a{64}"\.\.\. \(65 characters\)/, LONG],
  ['op://Evil/files (x)/x.pem', /file "x\.pem" the ID "\.\.\/f"/, '../f'],
  ['op://BadVault/good (x)/password', /vault "BadVault" the ID "\.\.\/v"/, '../v'],
];

const resolved: [string, string][] = [
  ['op://Evil/fine (x)/password', 'fine (x)-value'],
  ['op://Evil/fine (x)/ok.pem', 'ok-pem'],
  ['op://Uuid/svc (x)/password', 'svc (x)-value'],
  ['op://Uuid/svc (x)/svc.pem', 'svc-pem'],
];

interface Backend {
  readonly name: string;
  open(): SecretSource;
  /** Every request path (Connect) or op command line sent since the last `open`. */
  sent(): string[] | undefined;
}

let connect: FakeConnect;
let opDir: string;
before(async () => {
  connect = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN });
  opDir = mkdtempSync(join(tmpdir(), 'answered-ids-'));
  writeOpData(join(opDir, 'data.json'), VAULTS);
});
after(async () => {
  await connect.close();
  rmSync(opDir, { recursive: true, force: true });
});

let opLog = 0;
const backends: Backend[] = [
  {
    name: 'connect',
    open: () => {
      connect.reset();
      return new ConnectSource({ host: new URL(connect.url), token: CONNECT_TOKEN });
    },
    sent: () => connect.requests.map((request) => request.path),
  },
  {
    name: 'sdk',
    // The fake SDK client takes IDs as they are: the resolver alone keeps bad ones out.
    open: () =>
      new SdkSource({
        auth: { kind: 'service-account', token: SERVICE_ACCOUNT_TOKEN },
        connect: createFakeSdkClient({ vaults: VAULTS }).connector,
      }),
    sent: () => undefined,
  },
  {
    name: 'op',
    open: () => {
      opLog += 1;
      return new CliSource({
        token: SERVICE_ACCOUNT_TOKEN,
        env: {
          PATH: FAKE_OP_BIN_DIR,
          HOME: process.env['HOME'] ?? '',
          ...fakeOpEnv({ dataFile: join(opDir, 'data.json'), logFile: join(opDir, `${opLog}`) }),
        },
        findOp: () => Promise.resolve(join(FAKE_OP_BIN_DIR, 'op')),
      });
    },
    sent: () => readOpLog(join(opDir, `${opLog}`)).map((entry) => entry.argv.join(' ')),
  },
];

function text(outcome: Outcome | undefined): string {
  assert.ok(outcome && !(outcome instanceof SecretsError), `failed: ${JSON.stringify(outcome)}`);
  assert.equal(outcome.kind, 'value');
  return Buffer.from(outcome.kind === 'value' ? outcome.value : '').toString('utf8');
}

async function resolveWith(backend: Backend, refs: readonly string[]) {
  const source = backend.open();
  try {
    return await new Resolver(source).resolveAll(refs.map((ref) => parseRef(ref)));
  } finally {
    await source.close();
  }
}

for (const backend of backends) {
  describe(`IDs from answers: ${backend.name}`, () => {
    it('a UUID-shaped vault, item and file, found by title, resolve', async () => {
      const outcomes = await resolveWith(backend, [
        'op://Uuid/svc (x)/password',
        'op://Uuid/svc (x)/svc.pem',
      ]);
      assert.equal(text(outcomes.get('op://Uuid/svc (x)/password')), 'svc (x)-value');
      assert.equal(text(outcomes.get('op://Uuid/svc (x)/svc.pem')), 'svc-pem');
    });

    it('an unusable ID fails only the refs that need it; the others in the same run resolve', async () => {
      const refs = [...refused.map(([ref]) => ref), ...resolved.map(([ref]) => ref)];
      const outcomes = await resolveWith(backend, refs);
      for (const [ref, says] of refused) {
        const outcome = outcomes.get(parseRef(ref).text);
        assert.ok(outcome instanceof SecretsError, `${ref}: ${JSON.stringify(outcome)}`);
        assert.equal(outcome.code, Code.providerUnavailable, ref);
        assert.match(outcome.message, says);
        assert.match(outcome.message, /will not put in a request path/);
      }
      for (const [ref, value] of resolved) assert.equal(text(outcomes.get(ref)), value, ref);
      const sent = backend.sent() ?? [];
      if (backend.name !== 'sdk') assert.ok(sent.length > 0, 'nothing was sent');
      for (const [, , bad] of refused) {
        for (const line of sent) {
          assert.ok(!line.includes(bad) && !line.includes(encodeURIComponent(bad)), line);
        }
      }
      for (const line of sent) assert.doesNotMatch(line, /\.\.|%2e|%2f|%20/i, line);
    });
  });
}

describe('IDs from answers: op reads an ID that starts with - as an ID, never as a flag', () => {
  it('--help and - as vault and item IDs', async () => {
    const op = backends.find((backend) => backend.name === 'op');
    assert.ok(op);
    const outcomes = await resolveWith(op, [
      'op://Dash/help (x)/password',
      'op://Dash/stdin (x)/password',
    ]);
    assert.equal(text(outcomes.get('op://Dash/help (x)/password')), 'help (x)-value');
    assert.equal(text(outcomes.get('op://Dash/stdin (x)/password')), 'stdin (x)-value');
    const gets = (op.sent() ?? []).filter((line) => line.includes('item get'));
    assert.equal(gets.length, 2, gets.join('\n'));
  });
});

describe('IDs from answers: a run', () => {
  it('names each secret an unusable ID fails, and no whole-run failure', async () => {
    const runnerTemp = mkdtempSync(join(tmpdir(), 'answered-ids-run-'));
    try {
      const runner = new MemoryRunner({
        inputs: {
          secrets: [
            'GOOD: op://Uuid/svc (x)/password',
            'DOTDOT: op://Evil/dotdot (x)/password',
            'VAULT: op://BadVault/good (x)/password',
          ].join('\n'),
          'auth-mode': 'cli',
        },
        env: { RUNNER_TEMP: runnerTemp },
      });
      const [connectBackend] = backends;
      assert.ok(connectBackend);
      await run(runner, () => Promise.resolve({ source: connectBackend.open(), warnings: [] }));
      assert.equal(runner.failed, true);
      assert.deepEqual(
        runner.errors.map((error) => [error.title, error.message.split(' ')[0]]),
        [
          [Code.providerUnavailable, 'DOTDOT'],
          [Code.providerUnavailable, 'VAULT'],
        ],
      );
      assert.ok(
        runner.infos.includes('op://Uuid/svc (x)/password: resolved'),
        runner.infos.join('\n'),
      );
    } finally {
      rmSync(runnerTemp, { recursive: true, force: true });
    }
  });
});

describe('which answered IDs go into a request path', () => {
  const cases: [string, boolean][] = [
    [id('vault'), true],
    [UUID_VAULT, true],
    ['A_b-9', true],
    ['a'.repeat(64), true],
    [LONG, false],
    ['', false],
    ['../x', false],
    ['..', false],
    ['a/b', false],
    ['a b', false],
    ['a%2fb', false],
    ['a.b', false],
    ['é', false],
    ['a\n', false],
  ];
  for (const [answered, usable] of cases) {
    it(`${JSON.stringify(answered.length > 20 ? `${answered.slice(0, 8)}...` : answered)} -> ${usable}`, () =>
      assert.equal(isAnsweredId(answered), usable));
  }
});

describe('Connect builds no request path from an ID it would not send', () => {
  const calls: [string, (source: ConnectSource) => Promise<unknown>][] = [
    ['getVault', (source) => source.getVault('../v')],
    ['listItems', (source) => source.listItems('a b')],
    ['getItem', (source) => source.getItem(id('evil'), '../x')],
    ['getItem (65 characters)', (source) => source.getItem(id('evil'), LONG)],
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
            /will not put in a request path/.test(error.message),
        );
      } finally {
        await source.close();
      }
      assert.deepEqual(connect.requests, []);
    });
  }
});
