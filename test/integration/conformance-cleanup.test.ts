/** The conformance suite cleans up after itself: no /tmp/op-log-* directory is left behind. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';

const suite = fileURLToPath(new URL('./conformance.test.ts', import.meta.url));

describe('conformance suite cleanup', () => {
  const temp = mkdtempSync(join(tmpdir(), 'conformance-cleanup-'));
  after(() => rmSync(temp, { recursive: true, force: true }));

  // os.tmpdir() follows TMPDIR on POSIX only.
  it(
    'the fake op log directories are gone when it ends',
    { skip: process.platform === 'win32' },
    async () => {
      // Without NODE_TEST_CONTEXT the child is a test run of its own, not a part of this one.
      const env: Record<string, string | undefined> = { ...process.env, TMPDIR: temp };
      delete env['NODE_TEST_CONTEXT'];
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--test', '--test-name-pattern=native batch', suite],
        { env, timeout: 120_000 },
      );
      assert.match(stdout, /pass [1-9]/, 'the native-batch tests ran');
      const left = readdirSync(temp).filter((name) => name.startsWith('op-log-'));
      assert.deepEqual(left, []);
    },
  );
});
