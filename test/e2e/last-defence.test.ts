/**
 * The built entries (dist/index.js, dist/post.js) with an error nobody foresaw thrown inside
 * them (test/support/unforeseen-error.ts): a coded annotation, the token scrubbed, no stack; the
 * main step fails, the post step only warns.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, afterEach, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { SERVICE_ACCOUNT_TOKEN } from '../fixtures/vault-data.ts';
import { assertNoLeak, errorsOf, Job } from '../harness/index.ts';

const PRELOAD = pathToFileURL(
  join(import.meta.dirname, '..', 'support', 'unforeseen-error.ts'),
).href;

const dir = mkdtempSync(join(tmpdir(), 'last-defence-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const jobs: Job[] = [];
afterEach(async () => {
  for (const job of jobs.splice(0)) await job.cleanup();
});

it(
  'an error nobody foresaw: main fails with SECRETS_PROVIDER_UNAVAILABLE, post warns, token scrubbed, no stack',
  { skip: process.platform === 'win32' },
  async () => {
    // An op that answers its version: the main step gets as far as starting op.
    writeFileSync(join(dir, 'op'), '#!/bin/sh\necho 2.30.3\n');
    chmodSync(join(dir, 'op'), 0o755);
    const job = new Job();
    jobs.push(job);
    const main = await job.step({
      inputs: {
        secrets: 'TOKEN: op://Engineering/deploy/token',
        'auth-mode': 'service-account',
        'service-account-resolver': 'cli',
      },
      env: {
        PATH: `${dir}${delimiter}${process.env['PATH'] ?? ''}`,
        OP_SERVICE_ACCOUNT_TOKEN: SERVICE_ACCOUNT_TOKEN,
        NODE_OPTIONS: `--import ${PRELOAD}`,
      },
    });
    assert.equal(main.exitCode, 1, main.stdout + main.stderr);
    const errors = errorsOf(main);
    assert.deepEqual(
      errors.map((error) => error.title),
      ['SECRETS_PROVIDER_UNAVAILABLE'],
    );
    assert.match(errors[0]?.message ?? '', /unexpected failure: unforeseen, holding \*\*\*/);

    const [post] = await job.post();
    assert.ok(post !== undefined, 'no post step');
    assert.equal(post.exitCode, 0, post.stdout + post.stderr);
    assert.equal(post.failed, false);
    assert.match(
      post.annotations.map((annotation) => `${annotation.level}: ${annotation.message}`).join('\n'),
      /warning: op-secrets post step: unexpected failure: unforeseen, holding \*\*\*/,
    );
    for (const result of [main, post]) {
      assert.doesNotMatch(result.stdout + result.stderr, /^\s+at /m, 'a stack trace was printed');
    }
    assertNoLeak([main, post], [SERVICE_ACCOUNT_TOKEN]);
  },
);
