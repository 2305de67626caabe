/**
 * Credentials are bounded and scrubbed from the start (SPEC "Secrecy", "Environments and workload
 * identity"): an input credential over 64 KiB is refused before any request and before it is
 * masked, naming the input and never the value; an OIDC token over 64 KiB is a failed fetch; the
 * runner's own tokens are scrubbed from every message like the others.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OidcFetch } from '../../src/backends/sdk-oidc.ts';
import { Code } from '../../src/errors.ts';
import { run } from '../../src/main.ts';
import { MAX_CREDENTIAL_BYTES, redact } from '../../src/redact.ts';
import { WORKLOAD_ID } from '../fixtures/vault-data.ts';
import { MemoryRunner } from '../support/memory-runner.ts';

/** `ops_` and base64url characters, `bytes` long: the shape of a token, too long to be one. */
function tokenOf(bytes: number, seed: string): string {
  const body = Buffer.alloc(bytes, seed).toString('base64url');
  return `ops_${body}`.slice(0, bytes);
}

const CASES = [
  {
    input: 'service-account-token (or OP_SERVICE_ACCOUNT_TOKEN)',
    env: (value: string) => ({ OP_SERVICE_ACCOUNT_TOKEN: value }),
  },
  {
    input: 'connect-token (or OP_CONNECT_TOKEN)',
    env: (value: string) => ({ OP_CONNECT_HOST: 'http://127.0.0.1:9', OP_CONNECT_TOKEN: value }),
  },
  {
    input: 'integration-key (or OP_INTEGRATION_KEY)',
    env: (value: string) => ({ OP_WORKLOAD_ID: WORKLOAD_ID, OP_INTEGRATION_KEY: value }),
  },
] as const;

describe('credentials over 64 KiB', () => {
  for (const { input, env } of CASES) {
    it(`${input}: refused before any request and unmasked, naming the input, never the value`, async () => {
      const value = tokenOf(MAX_CREDENTIAL_BYTES + 1, input);
      let opened = 0;
      const runner = new MemoryRunner({
        inputs: { secrets: 'TOKEN: op://Engineering/deploy/token' },
        env: env(value),
      });
      await run(runner, () => {
        opened += 1;
        return Promise.reject(new Error('opened'));
      });
      assert.equal(opened, 0, 'a backend was opened');
      assert.ok(runner.failed);
      assert.deepEqual(
        runner.errors.map((error) => error.title),
        [Code.providerUnavailable],
      );
      assert.ok(runner.errors[0]?.message.startsWith(`${input} is over 64 KiB`));
      assert.deepEqual(runner.secrets, [], 'an oversized credential was masked');
      const said = JSON.stringify([runner.errors, runner.infos, runner.warnings, runner.debugs]);
      assert.ok(!said.includes(value.slice(1000, 1016)), 'the value was shown');
    });
  }

  it('exactly 64 KiB is a credential: masked, and the step goes on to open its backend', async () => {
    const value = tokenOf(MAX_CREDENTIAL_BYTES, 'exact');
    let opened = 0;
    const runner = new MemoryRunner({
      inputs: { secrets: 'TOKEN: op://Engineering/deploy/token' },
      env: { OP_SERVICE_ACCOUNT_TOKEN: value },
    });
    await run(runner, () => {
      opened += 1;
      return Promise.reject(new Error('opened'));
    });
    assert.equal(opened, 1);
    assert.deepEqual(runner.secrets, [value]);
  });

  it("the job's OIDC token over 64 KiB: the fetch fails, the token is not registered", async () => {
    const token = `eyJ${'A'.repeat(MAX_CREDENTIAL_BYTES)}.e30.sig`;
    const oidc = new OidcFetch(() => Promise.resolve(token), 5_000);
    await assert.rejects(oidc.fetch('audience'));
    assert.equal(oidc.failure?.failure, 'unavailable');
    assert.match(
      oidc.failure?.message ?? '',
      /^the job's GitHub OIDC token could not be fetched: the runner returned \d+ characters, over the 64 KiB a token may be$/,
    );
  });
});

describe("the runner's own tokens", () => {
  for (const name of ['ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'ACTIONS_RUNTIME_TOKEN']) {
    it(`${name} is scrubbed from every message from the start (the runner masks it)`, async () => {
      const token = `runner-${name}-0123456789abcdefghijklmnop`;
      const runner = new MemoryRunner({ inputs: { secrets: '' }, env: { [name]: token } });
      await run(runner);
      assert.equal(
        redact(`the endpoint said: bad ${token} given`),
        'the endpoint said: bad *** given',
      );
      assert.equal(redact(`cut: ${token.slice(3, 25)}`), 'cut: ***');
      assert.ok(!runner.secrets.includes(token), 'masked again by the action');
    });
  }
});
