/**
 * Everyday steps stay quiet: a step that only unsets what earlier steps exported, and a step
 * copied from 1Password's own workflows with `version: latest`, raise no annotation and say in
 * the log what they did. A step with nothing to do at all still gets its warning.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { type FakeConnect, startFakeConnect } from '../fakes/connect-server.ts';
import { CONNECT_TOKEN, VALUES, VAULTS } from '../fixtures/vault-data.ts';
import { Job, type StepResult } from '../harness/index.ts';

let server: FakeConnect;
const jobs: Job[] = [];

before(async () => {
  server = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN });
});
after(() => server.close());
afterEach(async () => {
  server.reset();
  for (const job of jobs.splice(0)) await job.cleanup();
});

function newJob(env: Record<string, string> = {}): Job {
  const job = new Job({ env, secrets: [CONNECT_TOKEN] });
  jobs.push(job);
  return job;
}

/** Raw `::warning` lines the step printed: what becomes an annotation on the run. */
function warningLines(result: StepResult): string[] {
  return result.lines.filter((line) => line.text.startsWith('::warning')).map((l) => l.text);
}

describe('a step with only unset-previous: true', () => {
  it('raises no annotation and logs the names it unset', async () => {
    const connect = { OP_CONNECT_HOST: server.url, OP_CONNECT_TOKEN: CONNECT_TOKEN };
    const job = newJob();
    const load = await job.step({
      env: connect,
      inputs: { secrets: 'TOKEN: op://Engineering/deploy/token', 'export-env': 'true' },
    });
    assert.equal(load.exitCode, 0, load.stdout);
    assert.equal(job.env['TOKEN'], VALUES.deployToken);
    const unset = await job.step({ inputs: { 'unset-previous': 'true' } });
    assert.equal(unset.exitCode, 0, unset.stdout);
    assert.deepEqual(warningLines(unset), []);
    assert.deepEqual(unset.annotations, []);
    assert.equal(job.env['TOKEN'], '');
    assert.ok(unset.log.includes('unset-previous: unset TOKEN'), unset.log.join('\n'));
  });

  it('with nothing to unset: no annotation, and the log says so', async () => {
    const unset = await newJob().step({ inputs: { 'unset-previous': 'true' } });
    assert.equal(unset.exitCode, 0, unset.stdout);
    assert.deepEqual(warningLines(unset), []);
    assert.deepEqual(unset.annotations, []);
    assert.match(unset.log.join('\n'), /unset-previous: nothing to unset/);
  });
});

describe('a step with nothing at all', () => {
  it('still warns that there are no secrets to load', async () => {
    const empty = await newJob().step({ inputs: {} });
    assert.equal(empty.exitCode, 0, empty.stdout);
    assert.equal(warningLines(empty).length, 1);
    assert.match(empty.annotations[0]?.message ?? '', /no secrets to load/);
  });
});

describe('version: latest', () => {
  it('raises no annotation; one log line says this action installs no op', async () => {
    const job = newJob({ OP_CONNECT_HOST: server.url, OP_CONNECT_TOKEN: CONNECT_TOKEN });
    const load = await job.step({
      inputs: { secrets: 'TOKEN: op://Engineering/deploy/token', version: 'latest' },
    });
    assert.equal(load.exitCode, 0, load.stdout);
    assert.equal(load.outputs['TOKEN'], VALUES.deployToken);
    assert.deepEqual(warningLines(load), []);
    assert.deepEqual(load.annotations, []);
    const lines = load.log.filter((line) => line.startsWith('version '));
    assert.equal(lines.length, 1, load.log.join('\n'));
    assert.match(lines[0] ?? '', /version "latest".*installs no op CLI.*install-cli-action/);
  });
});
