/**
 * The unit suite is fast and calm: `npm run test:unit` runs test/unit alone, with
 * test/support/no-spawn.ts preloaded, so a unit test that starts a process fails.
 */
import assert from 'node:assert/strict';
import * as childProcess from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { NO_SPAWN } from '../support/no-spawn.ts';

const scripts = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;

describe('the unit suite starts no process', () => {
  it('test:unit runs test/unit alone, with the guard preloaded', () => {
    const command = scripts['test:unit'] ?? '';
    assert.match(command, /--import[= ]\.\/test\/support\/no-spawn\.ts/);
    assert.match(command, /"test\/unit\/\*\*\/\*\.test\.ts"/);
    assert.doesNotMatch(command, /test\/(integration|e2e)/);
  });

  it('npm test runs the unit suite through test:unit, so under the guard', () => {
    assert.match(scripts['test'] ?? '', /npm run test:unit/);
    assert.doesNotMatch(scripts['test'] ?? '', /test\/unit|"test\/\*\*/);
  });

  // A command that does not exist: were the guard off, nothing would run and the test would fail.
  const missing = 'no-such-command-in-unit-tests';
  const starters: [name: string, start: () => unknown][] = [
    ['spawn', () => childProcess.spawn(missing)],
    ['spawnSync', () => childProcess.spawnSync(missing)],
    ['exec', () => childProcess.exec(missing)],
    ['execSync', () => childProcess.execSync(missing)],
    ['execFile', () => childProcess.execFile(missing)],
    ['execFileSync', () => childProcess.execFileSync(missing)],
    ['fork', () => childProcess.fork(missing)],
  ];
  for (const [name, start] of starters) {
    it(`${name} throws at once, naming what it was asked to run`, () => {
      assert.throws(start, (error: Error) => {
        assert.equal(
          error.message.startsWith(`${NO_SPAWN}: ${name}("${missing}")`),
          true,
          error.message,
        );
        return true;
      });
    });
  }
});
