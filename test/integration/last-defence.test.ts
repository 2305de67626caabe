/**
 * The entries' last line of defence (src/last-defence.ts), in a real Node.js process: what nobody
 * foresaw ends as one coded annotation, credentials scrubbed, no stack; the main step exits 1,
 * the post step only warns.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

const CREDENTIAL = 'correct-horse-battery-staple-credential-7f3a9c';
const guardedUrl = new URL('../../src/last-defence.ts', import.meta.url).href;
const redactUrl = new URL('../../src/redact.ts', import.meta.url).href;

/** Ways a step's work goes wrong that nobody caught. */
const FAULTS = {
  'an exception thrown later, outside any promise': `() => new Promise(() => {
    setTimeout(() => { throw new Error('boom with ' + CREDENTIAL); }, 10);
  })`,
  'a rejection nobody handles, of something that is not an Error': `() => new Promise(() => {
    Promise.reject({ detail: 'rejected with ' + CREDENTIAL });
  })`,
  "a throw out of the step's own work": `async () => {
    throw new TypeError('thrown with ' + CREDENTIAL);
  }`,
} as const;

/** Runs a step's `work` (JavaScript) under `guarded` in a fresh Node.js, the credential registered. */
function step(kind: 'main' | 'post', work: string) {
  const script = [
    `import { guarded } from ${JSON.stringify(guardedUrl)};`,
    `import { registerCredential } from ${JSON.stringify(redactUrl)};`,
    `const CREDENTIAL = ${JSON.stringify(CREDENTIAL)};`,
    'registerCredential(CREDENTIAL);',
    `await guarded(${JSON.stringify(kind)}, ${work});`,
  ].join('\n');
  // No GITHUB_* file: @actions/core writes its commands to stdout.
  const { PATH, HOME, SYSTEMROOT } = process.env;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH, HOME, SYSTEMROOT },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(result.error, undefined);
  return result;
}

function assertScrubbedWithoutStack(output: string): void {
  assert.ok(!output.includes(CREDENTIAL.slice(0, 16)), output);
  assert.ok(!output.includes(CREDENTIAL.slice(-16)), output);
  assert.doesNotMatch(output, /^\s+at /m, 'a stack trace was printed');
}

describe('the last line of defence', () => {
  for (const [fault, work] of Object.entries(FAULTS)) {
    it(`main step, ${fault}: SECRETS_PROVIDER_UNAVAILABLE, scrubbed, no stack, exit code 1`, () => {
      const { status, stdout, stderr } = step('main', work);
      assert.equal(status, 1, stdout + stderr);
      const annotations = stdout.split('\n').filter((line) => line.startsWith('::error'));
      assert.equal(annotations.length, 1, stdout);
      assert.match(
        annotations[0] ?? '',
        /^::error title=SECRETS_PROVIDER_UNAVAILABLE::unexpected failure: .*with \*\*\*/,
      );
      assertScrubbedWithoutStack(stdout + stderr);
    });

    it(`post step, ${fault}: a scrubbed warning, no stack, exit code 0`, () => {
      const { status, stdout, stderr } = step('post', work);
      assert.equal(status, 0, stdout + stderr);
      assert.match(stdout, /^::warning::op-secrets post step: unexpected failure: .*with \*\*\*/m);
      assert.doesNotMatch(stdout, /::error/);
      assertScrubbedWithoutStack(stdout + stderr);
    });
  }

  it('a step that goes well: no annotation, exit code 0', () => {
    const { status, stdout, stderr } = step('main', 'async () => {}');
    assert.equal(status, 0, stdout + stderr);
    assert.equal(stdout + stderr, '');
  });
});
