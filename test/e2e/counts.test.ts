/**
 * The counts the built action logs: the secrets the step asked for, as the user wrote them (a
 * whole item counts its fields, a refused name counts too), never more failed than asked for.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { type FakeConnect, startFakeConnect } from '../fakes/connect-server.ts';
import { CONNECT_TOKEN, VAULTS, WHOLE_EXPORT } from '../fixtures/vault-data.ts';
import { Job, type StepResult } from '../harness/index.ts';

const FIELDS = Object.keys(WHOLE_EXPORT).length;

let connect: FakeConnect;
before(async () => {
  connect = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN });
});
after(() => connect.close());

const jobs: Job[] = [];
afterEach(async () => {
  for (const job of jobs.splice(0)) await job.cleanup();
});

function step(inputs: Record<string, string>): Promise<StepResult> {
  const job = new Job();
  jobs.push(job);
  return job.step({
    inputs,
    env: { OP_CONNECT_HOST: connect.url, OP_CONNECT_TOKEN: CONNECT_TOKEN },
  });
}

describe('the counts in the log', () => {
  it('a whole item counts its fields', async () => {
    const result = await step({ secrets: 'W: op://Engineering/whole/*', 'export-env': 'true' });
    assert.equal(result.exitCode, 0, result.stdout);
    assert.ok(
      result.log.includes(
        `resolved ${FIELDS} secrets via connect as outputs, and exported ${FIELDS} environment variables`,
      ),
      result.log.join('\n'),
    );
  });

  it('three names for one reference, two refused: 2 of 3', async () => {
    const result = await step({
      secrets: [
        'lower-case: op://Engineering/deploy/token',
        'PATH: op://Engineering/deploy/token',
        'GOOD: op://Engineering/deploy/token',
      ].join('\n'),
    });
    assert.equal(result.exitCode, 1, result.stdout);
    assert.ok(
      result.log.includes('2 of 3 secrets failed; nothing was exported'),
      result.log.join('\n'),
    );
  });
});
