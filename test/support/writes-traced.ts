/**
 * Preloaded with `--import`: just before the process writes to a file command (GITHUB_OUTPUT,
 * GITHUB_ENV, GITHUB_STATE) or creates anything under RUNNER_TEMP, prints `[write] <what>` on
 * stdout (`[write] RUNNER_TEMP <path inside it>` for the latter), the stream that carries
 * `::add-mask::`. A test then sees, in stdout's own order, what
 * the step printed before its first write. Set WRITES_TRACED=1 to turn it on.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';

if (process.env['WRITES_TRACED'] === '1') {
  const commands = new Map<string, string>();
  for (const name of ['GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_STATE']) {
    const file = process.env[name];
    if (file) commands.set(path.resolve(file), name);
  }
  const temp = process.env['RUNNER_TEMP'];
  const what = (target: unknown): string | undefined => {
    if (typeof target !== 'string') return undefined;
    const file = path.resolve(target);
    const command = commands.get(file);
    if (command !== undefined) return command;
    const root = temp ? path.resolve(temp) : undefined;
    if (root && file.startsWith(root + path.sep)) return `RUNNER_TEMP ${path.relative(root, file)}`;
    return undefined;
  };
  const traced = <F extends (target: never, ...rest: never[]) => unknown>(original: F): F =>
    function (this: unknown, target: never, ...rest: never[]) {
      const name = what(target);
      if (name !== undefined) process.stdout.write(`[write] ${name}\n`);
      return original.call(this, target, ...rest);
    } as F;
  fs.appendFileSync = traced(fs.appendFileSync);
  fs.writeFileSync = traced(fs.writeFileSync);
  fs.mkdtempSync = traced(fs.mkdtempSync);
  // `import { writeFileSync } from 'node:fs'` in the action sees the traced functions too.
  syncBuiltinESMExports();
}
