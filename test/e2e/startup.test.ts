/**
 * What the built action loads as it starts: each mode only its own backend. A Connect run loads
 * the Connect chunk, never the SDK (its glue reads a 14 MB WebAssembly core) nor the op runner.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type FakeConnect, startFakeConnect, TLS } from '../fakes/connect-server.ts';
import { CONNECT_TOKEN, VALUES, VAULTS } from '../fixtures/vault-data.ts';
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

/** The files of the modules a Connect run loaded. */
async function modulesOfRun(server: FakeConnect, inputs: Record<string, string> = {}) {
  const job = new Job();
  jobs.push(job);
  const file = join(job.runnerTemp, 'modules.json');
  const result = await job.step({
    inputs: { secrets: 'TOKEN: op://Engineering/deploy/token', ...inputs },
    env: {
      OP_CONNECT_HOST: server.url,
      OP_CONNECT_TOKEN: CONNECT_TOKEN,
      NODE_OPTIONS: `--import ${PRELOAD}`,
      MODULES_LOADED_FILE: file,
    },
    postEntry: null,
  });
  assert.equal(result.exitCode, 0, result.stdout);
  assert.equal(result.outputs['TOKEN'], VALUES.deployToken);
  return (JSON.parse(readFileSync(file, 'utf8')) as string[]).map((url) => fileURLToPath(url));
}

function assertConnectOnly(files: readonly string[]): void {
  const names = files.map((file) => basename(file));
  assert.ok(names.includes('index.js'), `the check sees the entry: ${names.join(', ')}`);
  assert.ok(
    names.some((name) => name.startsWith('connect-')),
    'the Connect backend is loaded',
  );
  assert.deepEqual(
    names.filter((name) => name.startsWith('op-cli-')),
    [],
    'the op runner is not loaded',
  );
  const sdk = files.filter((file) => readFileSync(file, 'utf8').includes('core_bg.wasm'));
  assert.deepEqual(sdk, [], 'the SDK and its WebAssembly are not loaded');
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
});
