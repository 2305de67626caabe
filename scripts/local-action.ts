/**
 * `npm run local-action [-- <dotenv file>] [--runner-temp <dir>]` runs the TypeScript source,
 * the main step (src/main.ts) and then the post step (src/post.ts), through GitHub's
 * @github/local-action, which stubs @actions/core, against the fake Connect server with the
 * fixture vaults. Inputs and environment come from `.env.example` or the dotenv file given.
 * Exits 1 when local-action fails, when the action reports an error, or when the post step
 * leaves anything in RUNNER_TEMP. `--runner-temp` uses (and keeps) an existing empty directory.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, stripVTControlCharacters } from 'node:util';
import { startFakeConnect } from '../test/fakes/connect-server.ts';
import { CONNECT_TOKEN, VAULTS } from '../test/fixtures/vault-data.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'node_modules', '@github', 'local-action', 'bin', 'local-action.js');
const SUMMARY = 'step-summary.md';

const { values, positionals } = parseArgs({
  options: { 'runner-temp': { type: 'string' } },
  allowPositionals: true,
});
if (positionals.length > 1) throw new Error('local-action: give at most one dotenv file');
// npm runs scripts from the project root; a path given on the command line is the caller's.
const callerCwd = process.env['INIT_CWD'] ?? process.cwd();
const dotenvPath = resolve(callerCwd, positionals[0] ?? join(root, '.env.example'));
if (!existsSync(dotenvPath)) throw new Error(`local-action: no dotenv file at ${dotenvPath}`);
// local-action joins its arguments into a shell command, unquoted.
const dotenv = relative(root, dotenvPath);
if (!/^[\w./@+-]+$/.test(dotenv)) {
  throw new Error(`local-action: use a dotenv path without spaces or shell characters: ${dotenv}`);
}

/** The caller's environment without what belongs to a runner step or to 1Password. */
function childEnv(connectHost: string, runnerTemp: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name, value]) =>
        // Inputs, state and file commands of a step this may run inside; the caller's own
        // 1Password credentials; and op:// values, which the action would load as step env.
        !/^(INPUT_|STATE_|OP_|GITHUB_(OUTPUT|ENV|STATE|PATH|STEP_SUMMARY)$)/i.test(name) &&
        !value?.startsWith('op://'),
    ),
  );
  return {
    ...env,
    // local-action runs the action through `npm exec tsx`: on this Node (24), not the system's.
    PATH: [dirname(process.execPath), join(root, 'node_modules', '.bin'), env['PATH']].join(
      delimiter,
    ),
    FORCE_COLOR: process.stdout.isTTY ? '1' : '0',
    // local-action calls npm (ls, exec): no registry round-trip to look for a newer npm.
    npm_config_update_notifier: 'false',
    OP_CONNECT_HOST: connectHost,
    RUNNER_TEMP: runnerTemp,
    GITHUB_STEP_SUMMARY: join(runnerTemp, SUMMARY),
  };
}

/** Runs local-action on main + post (one process: the state only carries over that way). */
async function localAction(env: NodeJS.ProcessEnv): Promise<{ status: number; log: string }> {
  const child = spawn(
    process.execPath,
    [bin, 'run', '.', 'src/main.ts', dotenv, '--post', 'src/post.ts'],
    // Its own process group, so that a signal reaches the npm and tsx processes under it.
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  const forward = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  process.on('SIGINT', forward).on('SIGTERM', forward);
  let log = '';
  child.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    log += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    log += chunk.toString('utf8');
  });
  // Asynchronous on purpose: the fake server answers from this process's event loop.
  const status = await new Promise<number>((done) => {
    child.on('error', (error) => {
      console.error(`local-action: cannot start ${bin}: ${error.message}`);
      done(1);
    });
    child.on('close', (code) => done(code ?? 1));
  });
  process.off('SIGINT', forward).off('SIGTERM', forward);
  return { status, log: stripVTControlCharacters(log) };
}

const server = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN });
const given = values['runner-temp'];
const runnerTemp =
  given === undefined
    ? mkdtempSync(join(tmpdir(), 'local-action-runner-temp-'))
    : resolve(callerCwd, given);
try {
  // Whatever is in RUNNER_TEMP after the post step counts as left behind.
  if (readdirSync(runnerTemp).length > 0) throw new Error(`local-action: ${runnerTemp} not empty`);
  // The runner creates the summary file; the action appends its table to it.
  writeFileSync(join(runnerTemp, SUMMARY), '');
  console.log(`fake Connect server: ${server.url}\nRUNNER_TEMP: ${runnerTemp}\n`);
  const { status, log } = await localAction(childEnv(server.url, runnerTemp));
  const problems: string[] = [];
  if (status !== 0) problems.push(`local-action exited with ${status}`);
  // local-action exits 0 after core.setFailed (its stub only records it): an annotation tells.
  if (/^::error[ :]/m.test(log)) problems.push('the action reported an error (::error above)');
  const left = readdirSync(runnerTemp).filter((name) => name !== SUMMARY);
  if (left.length > 0) problems.push(`the post step left in RUNNER_TEMP: ${left.join(', ')}`);
  for (const problem of problems) console.error(`local-action: ${problem}`);
  if (problems.length === 0) console.log('local-action: main and post passed, RUNNER_TEMP empty');
  process.exitCode = problems.length === 0 ? 0 : 1;
} finally {
  if (given === undefined) rmSync(runnerTemp, { recursive: true, force: true });
  await server.close();
}
