/**
 * What the built action loads as it starts: each mode only its own backend. A Connect run loads
 * the Connect chunk, never the SDK (its glue reads a 14 MB WebAssembly core) nor the op runner; an
 * op run never the Connect client. No run reads action.yml: its defaults are fixed at build time.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type FakeConnect, startFakeConnect, TLS } from '../fakes/connect-server.ts';
import { fakeOpEnv, fakeOpPath } from '../fakes/op/index.ts';
import { CONNECT_TOKEN, SERVICE_ACCOUNT_TOKEN, VALUES, VAULTS } from '../fixtures/vault-data.ts';
import { Job } from '../harness/index.ts';

const PRELOAD = pathToFileURL(join(import.meta.dirname, '..', 'support', 'modules-loaded.ts')).href;

let plain: FakeConnect;
let secure: FakeConnect;
const jobs: Job[] = [];

before(async () => {
  plain = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN });
  secure = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN, tls: true });
});
after(async () => {
  await plain.close();
  await secure.close();
});
afterEach(async () => {
  for (const job of jobs.splice(0)) await job.cleanup();
});

interface Loaded {
  /** The files of the modules the step's process loaded. */
  readonly modules: string[];
  /** Every path it opened or read through node:fs. */
  readonly read: string[];
}

/** What one main step loaded and read; it must resolve the token. */
async function loadedBy(inputs: Record<string, string>, env: Record<string, string>) {
  const job = new Job();
  jobs.push(job);
  const modulesFile = join(job.runnerTemp, 'modules.json');
  const readFile = join(job.runnerTemp, 'read.json');
  const result = await job.step({
    inputs: { secrets: 'TOKEN: op://Engineering/deploy/token', ...inputs },
    env: {
      ...env,
      NODE_OPTIONS: `--import ${PRELOAD}`,
      MODULES_LOADED_FILE: modulesFile,
      FILES_READ_FILE: readFile,
    },
    postEntry: null,
  });
  assert.equal(result.exitCode, 0, result.stdout);
  assert.equal(result.outputs['TOKEN'], VALUES.deployToken);
  const json = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as string[];
  return {
    modules: json(modulesFile).map((url) => fileURLToPath(url)),
    read: json(readFile).map((path) => (path.startsWith('file:') ? fileURLToPath(path) : path)),
  } satisfies Loaded;
}

/** The files of the modules a Connect run loaded. */
async function modulesOfRun(server: FakeConnect, inputs: Record<string, string> = {}) {
  const loaded = await loadedBy(inputs, {
    OP_CONNECT_HOST: server.url,
    OP_CONNECT_TOKEN: CONNECT_TOKEN,
  });
  assertNoMetadataRead(loaded);
  return loaded.modules;
}

function assertNoMetadataRead({ read }: Loaded): void {
  assert.ok(read.length > 0, 'the check sees what is read');
  const metadata = read.filter((path) => /\baction\.ya?ml$/.test(path));
  assert.deepEqual(metadata, [], 'action.yml is not read: its defaults are built in');
}

const chunksNamed = (files: readonly string[], prefix: string) =>
  files.map((file) => basename(file)).filter((name) => name.startsWith(prefix));

function assertConnectOnly(files: readonly string[]): void {
  const names = files.map((file) => basename(file));
  assert.ok(names.includes('index.js'), `the check sees the entry: ${names.join(', ')}`);
  assert.ok(
    names.some((name) => name.startsWith('connect-')),
    'the Connect backend is loaded',
  );
  assert.deepEqual(chunksNamed(files, 'op-cli-'), [], 'the op runner is not loaded');
  assertNoSdk(files);
}

function assertNoSdk(files: readonly string[]): void {
  const sdk = files.filter((file) => readFileSync(file, 'utf8').includes('core_bg.wasm'));
  assert.deepEqual(sdk, [], 'the SDK and its WebAssembly are not loaded');
}

/** An op run: the op runner, never the Connect client (its pool, its TLS) nor the SDK. */
function assertOpOnly(loaded: Loaded): void {
  assertNoMetadataRead(loaded);
  assert.equal(chunksNamed(loaded.modules, 'op-cli-').length, 1, 'the op runner is loaded');
  assert.deepEqual(chunksNamed(loaded.modules, 'connect-'), [], 'the Connect client is not');
  assert.deepEqual(chunksNamed(loaded.modules, 'trust-'), [], 'nor its certificate handling');
  assertNoSdk(loaded.modules);
}

describe('start-up', () => {
  it('a plain-http Connect run loads the Connect backend only', async () => {
    assertConnectOnly(await modulesOfRun(plain));
  });

  it('an https Connect run (connect-ca) loads the Connect backend and its trust, only', async () => {
    const files = await modulesOfRun(secure, { 'connect-ca': TLS.ca });
    assertConnectOnly(files);
    assert.ok(files.some((file) => basename(file).startsWith('trust-')));
  });

  it('an op session run (cli mode) loads the op runner only', async () => {
    const loaded = await loadedBy(
      { 'auth-mode': 'cli', account: 'my-team' },
      { PATH: fakeOpPath(), ...fakeOpEnv({ signedIn: ['my-team'] }) },
    );
    assertOpOnly(loaded);
  });

  it('a service account run through op loads the op runner only', async () => {
    const loaded = await loadedBy(
      { 'auth-mode': 'service-account', 'service-account-resolver': 'cli' },
      { PATH: fakeOpPath(), ...fakeOpEnv({}), OP_SERVICE_ACCOUNT_TOKEN: SERVICE_ACCOUNT_TOKEN },
    );
    assertOpOnly(loaded);
  });
});
