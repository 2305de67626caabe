/**
 * Preloaded with `--import` by `npm run test:unit` (and imported by the test that checks it): every
 * way to start a process through node:child_process throws, so a unit test that spawns fails at once and
 * names what it tried to run. Tests that need a process belong in test/integration or test/e2e.
 */
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';

export const NO_SPAWN = 'unit tests start no process';

const STARTERS = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'];

// Only the processes that run test files load this preload, not the runner that starts them.
const writable = childProcess as unknown as Record<string, unknown>;
for (const name of STARTERS) {
  writable[name] = (file: unknown) => {
    throw new Error(
      `${NO_SPAWN}: ${name}(${JSON.stringify(file)}); move the test to test/integration`,
    );
  };
}
// `import { spawn } from 'node:child_process'` sees the replacements too.
syncBuiltinESMExports();
