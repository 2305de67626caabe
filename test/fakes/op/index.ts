/**
 * Test helpers around the fake 1Password CLI (./fake-op.ts, started by ./bin/op or
 * ./bin/op.cmd).
 *
 * Put `FAKE_OP_BIN_DIR` first on `PATH` (see `fakeOpPath`) and add `fakeOpEnv(...)` to the
 * environment of the process under test; `op` then serves `VAULTS` from
 * test/fixtures/vault-data.ts, authenticating like op 2.x:
 * - `OP_CONNECT_HOST` / `OP_CONNECT_TOKEN` present (any value): every command but
 *   `--version` and `account list` fails (the caller must strip them).
 * - `OP_SERVICE_ACCOUNT_TOKEN` non-empty: must be `SERVICE_ACCOUNT_TOKEN`; `--account` is
 *   ignored.
 * - otherwise the account session: `FAKE_OP_SIGNED_IN` (comma-separated shorthands or
 *   sign-in addresses, plus any `OP_SESSION_<shorthand>`); `--account`/`OP_ACCOUNT` must
 *   name one of them, or exactly one must be signed in.
 *
 * Knobs (all optional): `FAKE_OP_NODE` (the Node.js that runs the fake),
 * `FAKE_OP_COMPILE_CACHE` (Node's compile cache for the fake), `FAKE_OP_VERSION`, `FAKE_OP_DELAY_MS`, `FAKE_OP_LOG`, `FAKE_OP_FAULT` (`crash`, `hang` (never exits, holds
 * its output open), `orphan` (answers and exits, but leaves a process holding its output open
 * for 60 s; end both with `endLeftRunning`), `garbage`, `echo-token`,
 * `echo-token-body` (the token's body without `ops_`, and its decoded JSON), `rate-limit`,
 * `server-error`; `name@scope` limits it to a command such as `read`, `item get`, `item`,
 * `version`, or `all`; without a scope every command but `--version` is affected),
 * `FAKE_OP_FAULT_TIMES` + `FAKE_OP_FAULT_COUNTER` (apply the fault to the first N affected
 * invocations only, counted in that file), `FAKE_OP_SIGNED_IN`, `FAKE_OP_DATA` (JSON vaults,
 * see `writeOpData`), `FAKE_OP_ENVIRONMENT_DATA` (JSON Environments instead of `ENVIRONMENTS`,
 * see `writeOpEnvironments`), `FAKE_OP_ENVIRONMENT_COMMAND=0` (no `op environment` even in a
 * version that has it: a stable build without Environments), `FAKE_OP_NOW` (epoch ms: the
 * instant OTP codes are computed for).
 *
 * `op environment read <id>` exists from version 2.33.0-beta.02 on (`FAKE_OP_ENVIRONMENT_READ_VERSION`);
 * the default version, 2.30.3, answers `unknown command "environment" for "op"` like a real
 * op without it. It authenticates like the other commands, prints `[{"name", "value"}]` with
 * `--format json` (else `NAME=value` lines) and, for an ID it does not serve,
 * `"<id>" isn't an environment in this account. Specify the environment with its ID.`
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeEnvironment } from '../../fixtures/vault-data.ts';
import type { FakeVault } from '../connect-server.ts';

/** Absolute path of the directory holding the `op` / `op.cmd` launchers. */
export const FAKE_OP_BIN_DIR: string = fileURLToPath(new URL('./bin', import.meta.url));

/** Absolute path of the fake's program (what the launchers run). */
const FAKE_OP_SCRIPT: string = fileURLToPath(new URL('./fake-op.ts', import.meta.url));

/** The first version in which the fake (like op) has `op environment read`. */
export const FAKE_OP_ENVIRONMENT_READ_VERSION = '2.33.0-beta.02';

export interface FakeOpOptions {
  /** Sleep this long before doing anything, on every invocation (`--version` too). */
  delayMs?: number;
  /** `crash`, `hang`, `orphan`, `garbage`, `echo-token`, `echo-token-body`, `rate-limit`, `server-error`, optionally `@scope`. */
  fault?: string;
  /** Apply `fault` to the first N affected invocations only (needs `faultCounterFile`). */
  faultTimes?: number;
  /** File counting the faulted invocations (one byte each); start without it. */
  faultCounterFile?: string;
  /** What `op --version` prints (default `2.30.3`). */
  version?: string;
  /** Signed-in account shorthands or sign-in addresses (session mode). */
  signedIn?: string[];
  /** Append one JSON line per invocation here (see `OpInvocation`). */
  logFile?: string;
  /** Serve these vaults instead of the fixtures (a file written by `writeOpData`). */
  dataFile?: string;
  /** Serve these Environments instead of the fixtures (a file written by `writeOpEnvironments`). */
  environmentDataFile?: string;
  /** false: no `op environment` whatever the version (a build without Environments). */
  environmentCommand?: boolean;
  /** The instant (epoch ms) OTP codes are computed for, instead of the real time. */
  now?: number;
}

/**
 * Node's compile cache for the fake's TypeScript: a suite starts op hundreds of times, and
 * compiling the fake anew is most of each start (the product under test is never cached).
 */
const FAKE_OP_COMPILE_CACHE = join(tmpdir(), 'op-secrets-action-fake-op-cache');

/**
 * The `FAKE_OP_*` variables for these options, with `FAKE_OP_NODE` = this Node.js and
 * `FAKE_OP_COMPILE_CACHE` = where the launchers keep the fake's compiled code.
 */
export function fakeOpEnv(options: FakeOpOptions = {}): Record<string, string> {
  const env: Record<string, string> = {
    FAKE_OP_NODE: process.execPath,
    FAKE_OP_COMPILE_CACHE,
  };
  if (options.delayMs !== undefined) env['FAKE_OP_DELAY_MS'] = String(options.delayMs);
  if (options.fault !== undefined) env['FAKE_OP_FAULT'] = options.fault;
  if (options.faultTimes !== undefined) env['FAKE_OP_FAULT_TIMES'] = String(options.faultTimes);
  if (options.faultCounterFile !== undefined) {
    env['FAKE_OP_FAULT_COUNTER'] = options.faultCounterFile;
  }
  if (options.version !== undefined) env['FAKE_OP_VERSION'] = options.version;
  if (options.signedIn !== undefined) env['FAKE_OP_SIGNED_IN'] = options.signedIn.join(',');
  if (options.logFile !== undefined) env['FAKE_OP_LOG'] = options.logFile;
  if (options.dataFile !== undefined) env['FAKE_OP_DATA'] = options.dataFile;
  if (options.environmentDataFile !== undefined) {
    env['FAKE_OP_ENVIRONMENT_DATA'] = options.environmentDataFile;
  }
  if (options.environmentCommand !== undefined) {
    env['FAKE_OP_ENVIRONMENT_COMMAND'] = options.environmentCommand ? '1' : '0';
  }
  if (options.now !== undefined) env['FAKE_OP_NOW'] = String(options.now);
  return env;
}

/** A `PATH` value with `FAKE_OP_BIN_DIR` first, then `rest` (default: this process's PATH). */
export function fakeOpPath(rest: string = process.env['PATH'] ?? ''): string {
  return rest === '' ? FAKE_OP_BIN_DIR : `${FAKE_OP_BIN_DIR}${delimiter}${rest}`;
}

/** One line of `FAKE_OP_LOG`. */
export interface OpInvocation {
  /** Arguments after `op`. */
  argv: string[];
  /** Names (never values) of the `OP_*` variables in op's environment, sorted. */
  opEnv: string[];
  /** Bytes op read from stdin (only `op inject` without `--in-file` reads it). */
  stdinBytes: number;
  /** Epoch milliseconds when the program started (before `FAKE_OP_DELAY_MS`). */
  startedAt: number;
  /** Epoch milliseconds when it finished; null for `hang` (logged when it starts hanging). */
  endedAt: number | null;
  pid: number;
  /** null for `hang`. */
  exitCode: number | null;
  /** `orphan`: the background process holding op's stdout and stderr open. */
  orphanPid?: number;
}

/** The invocations logged in `file`, oldest first; [] when there is no file yet. */
export function readOpLog(file: string): OpInvocation[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as OpInvocation);
}

/**
 * The processes of the ops logged in `file` (the POSIX launcher writes each op's pid to
 * `<file>.pids` before the fake starts, so a hung op not yet logged counts too) and the
 * processes the `orphan` fault left; some may have ended.
 */
function startedProcesses(file: string): number[] {
  const pids = existsSync(`${file}.pids`)
    ? readFileSync(`${file}.pids`, 'utf8').split('\n').filter(Boolean).map(Number)
    : readOpLog(file).map((invocation) => invocation.pid);
  const orphans = readOpLog(file).flatMap((invocation) =>
    invocation.orphanPid === undefined ? [] : [invocation.orphanPid],
  );
  return [...pids, ...orphans];
}

/** Ends (SIGKILL) what is still running of `startedProcesses(file)`: the runner's job at the end of a job. */
export function endLeftRunning(file: string): void {
  for (const pid of startedProcesses(file)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Writes vaults for `FAKE_OP_DATA`: the `VAULTS` shape, file contents as base64. */
export function writeOpData(file: string, vaults: readonly FakeVault[]): void {
  const json = vaults.map((vault) => ({
    ...vault,
    items: vault.items.map((item) =>
      item.files === undefined
        ? item
        : {
            ...item,
            files: item.files.map((f) => ({
              ...f,
              content: (typeof f.content === 'string'
                ? Buffer.from(f.content, 'utf8')
                : Buffer.from(f.content)
              ).toString('base64'),
            })),
          },
    ),
  }));
  writeFileSync(file, JSON.stringify(json));
}

/** Writes Environments for `FAKE_OP_ENVIRONMENT_DATA`: the `ENVIRONMENTS` shape. */
export function writeOpEnvironments(file: string, environments: readonly FakeEnvironment[]): void {
  writeFileSync(file, JSON.stringify(environments));
}

export interface FakeOpRunOptions {
  /** The whole environment of op (add `PATH: fakeOpPath()` and `...fakeOpEnv()` yourself). */
  env: Record<string, string>;
  /** Written to op's stdin (closed at once when absent). */
  input?: string | Uint8Array;
  /**
   * Kill op (SIGKILL) after this long; default 60 s. Only a safety net against a hang: wide,
   * since starting a Node process can take seconds on a busy machine.
   */
  timeoutMs?: number;
  /** Kill op (SIGKILL) once this settles (reported as `timedOut`), e.g. when it is seen hanging. */
  killWhen?: Promise<unknown>;
  cwd?: string;
}

export interface FakeOpRun {
  /** Exit code; null when killed. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  /** Killed by `timeoutMs` or `killWhen`. */
  timedOut: boolean;
  /** Wall time in milliseconds. */
  elapsedMs: number;
}

/**
 * Runs `op` found through `options.env.PATH` (no shell). On Windows, where Node cannot
 * start `op.cmd` without a shell, it runs `FAKE_OP_NODE fake-op.ts` directly instead.
 */
export function runFakeOp(args: readonly string[], options: FakeOpRunOptions): Promise<FakeOpRun> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const windows = process.platform === 'win32';
  const file = windows ? (options.env['FAKE_OP_NODE'] ?? process.execPath) : 'op';
  const argv = windows ? [FAKE_OP_SCRIPT, ...args] : [...args];
  const started = performance.now();
  return new Promise((resolve) => {
    const child = execFile(
      file,
      argv,
      {
        env: options.env,
        encoding: 'buffer',
        maxBuffer: 64 * 1024 * 1024,
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        windowsHide: true,
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      },
      (error, stdout, stderr) => {
        const failure = error as
          (Error & { code?: unknown; killed?: boolean; signal?: NodeJS.Signals | null }) | null;
        resolve({
          code: failure === null ? 0 : typeof failure.code === 'number' ? failure.code : null,
          signal: failure?.signal ?? null,
          stdout,
          stderr: stderr.toString('utf8'),
          timedOut: failure?.killed === true && failure.signal === 'SIGKILL',
          elapsedMs: performance.now() - started,
        });
      },
    );
    child.stdin?.end(options.input === undefined ? undefined : Buffer.from(options.input));
    const kill = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    options.killWhen?.then(kill, kill);
  });
}
