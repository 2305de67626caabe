/**
 * What the built action loads as it starts: only what its run needs. Costly builtins kept
 * out of a plain-http Connect run, and seen when a run does need them (so the check works).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type FakeConnect, startFakeConnect, TLS } from '../fakes/connect-server.ts';
import { CONNECT_TOKEN, VALUES, VAULTS } from '../fixtures/vault-data.ts';
import { Job } from '../harness/index.ts';

const PRELOAD = pathToFileURL(
  join(import.meta.dirname, '..', 'support', 'builtins-loaded.ts'),
).href;

/** Each costs milliseconds at every start; none is needed to fetch over plain http. */
const COSTLY = [
  'tls',
  'crypto',
  'http2',
  'zlib',
  'worker_threads',
  'internal/deps/undici/undici',
  'internal/readline/interface',
  'child_process',
  'assert',
];

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

async function builtinsOfRun(server: FakeConnect, inputs: Record<string, string> = {}) {
  const job = new Job();
  jobs.push(job);
  const file = join(job.runnerTemp, 'builtins.json');
  const result = await job.step({
    inputs: { secrets: 'TOKEN: op://Engineering/deploy/token', ...inputs },
    env: {
      OP_CONNECT_HOST: server.url,
      OP_CONNECT_TOKEN: CONNECT_TOKEN,
      NODE_OPTIONS: `--import ${PRELOAD}`,
      BUILTINS_LOADED_FILE: file,
    },
    postEntry: null,
  });
  assert.equal(result.exitCode, 0, result.stdout);
  assert.equal(result.outputs['TOKEN'], VALUES.deployToken);
  return JSON.parse(readFileSync(file, 'utf8')) as string[];
}

describe('start-up', () => {
  it('a plain-http Connect run loads no TLS, crypto, http2, zlib, readline or fetch', async () => {
    const loaded = await builtinsOfRun(plain);
    assert.ok(loaded.includes('http'), 'the check sees the builtins the run loads');
    assert.deepEqual(
      COSTLY.filter((name) => loaded.includes(name)),
      [],
    );
  });

  it('an https Connect run loads TLS, and still none of the others', async () => {
    const loaded = await builtinsOfRun(secure, { 'connect-ca': TLS.ca });
    assert.ok(loaded.includes('tls'));
    assert.deepEqual(
      COSTLY.filter((name) => !['tls', 'crypto'].includes(name) && loaded.includes(name)),
      [],
    );
  });
});
