/**
 * The op CLI backend (src/backends/op-cli.ts, CliSource) against the fake `op` 2.x
 * (test/fakes/op): finding op, the version check, what reaches op's environment and argv,
 * faults, and how many op processes a batch costs.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CliSource,
  type CliSourceOptions,
  classifyEnvironmentError,
  lacksEnvironmentRead,
  OP_ENVIRONMENT_READ_VERSION,
  OP_NOT_FOUND,
} from '../../src/backends/op-cli.ts';
import type { Clock, RetryPolicy } from '../../src/backends/retry.ts';
import { SourceError, type SourceFailure } from '../../src/backends/source.ts';
import { Code, SecretsError } from '../../src/errors.ts';
import { parseRef } from '../../src/refs.ts';
import { type Outcome, Resolver } from '../../src/resolve.ts';
import {
  endLeftRunning,
  FAKE_OP_BIN_DIR,
  FAKE_OP_ENVIRONMENT_READ_VERSION,
  type FakeOpOptions,
  fakeOpEnv,
  fakeOpPath,
  type OpInvocation,
  readOpLog,
  writeOpEnvironments,
} from '../fakes/op/index.ts';
import {
  BINARY_FILE_BYTES,
  CONNECT_TOKEN,
  ENVIRONMENT_IDS,
  environmentById,
  type FakeEnvironment,
  IDS,
  SERVICE_ACCOUNT_TOKEN,
  TRICKY_VALUES,
  VALUES,
} from '../fixtures/vault-data.ts';
import { rejection, rejectionOf } from '../support/rejection.ts';

const posix = process.platform !== 'win32';
const dir = mkdtempSync(join(tmpdir(), 'op-cli-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const tempFile = (name: string): string => join(dir, `${(counter += 1)}-${name}`);

const POLICY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 10,
  maxDelayMs: 50,
  // Wide: every op is a Node.js process, and one was seen to take over 15 s to start on a busy
  // machine; the tests of timeouts keep them with an injected clock instead.
  budgetMs: 300_000,
  attemptTimeoutMs: 120_000,
};

const findOp = () => Promise.resolve(join(FAKE_OP_BIN_DIR, 'op'));

/** The source's environment: PATH with the fake first, HOME, the fake's knobs, and `extra`. */
function opEnv(options: FakeOpOptions, extra: Record<string, string> = {}) {
  return {
    PATH: fakeOpPath(),
    HOME: process.env['HOME'] ?? '',
    ...fakeOpEnv(options),
    ...extra,
  };
}

function source(options: Partial<CliSourceOptions> & Pick<CliSourceOptions, 'env'>): CliSource {
  return new CliSource({ findOp, policy: POLICY, ...options });
}

/** A service-account source logging every op invocation to a fresh file. */
function logged(
  options: FakeOpOptions = {},
  extra: Partial<CliSourceOptions> = {},
): { log: string; source: CliSource } {
  const log = tempFile('op.log');
  return {
    log,
    source: source({
      token: SERVICE_ACCOUNT_TOKEN,
      env: opEnv({ ...options, logFile: log }),
      ...extra,
    }),
  };
}

async function resolveAll(cli: CliSource, refs: readonly string[]): Promise<Map<string, Outcome>> {
  try {
    return await new Resolver(cli).resolveAll(refs.map((ref) => parseRef(ref)));
  } finally {
    await cli.close();
  }
}

/** The run failed as a whole: one SECRETS_PROVIDER_UNAVAILABLE, no secret named. */
async function unavailable(promise: Promise<unknown>): Promise<SecretsError> {
  const error = await rejection(promise);
  assert.equal(error.code, Code.providerUnavailable, error.message);
  assert.equal(error.secret, undefined, 'one error for the run');
  return error;
}

function value(outcomes: Map<string, Outcome>, ref: string): string {
  const outcome = outcomes.get(parseRef(ref).text);
  assert.ok(outcome !== undefined, `${ref} not resolved`);
  assert.ok(!(outcome instanceof SecretsError), `${ref}: ${(outcome as Error).message}`);
  assert.equal(outcome.kind, 'value');
  return outcome.kind === 'value' ? String(outcome.value) : '';
}

/** `vault list`, `item get`, `--version`: the command of an invocation, without global flags. */
function command(invocation: OpInvocation): string {
  if (invocation.argv.includes('--version')) return '--version';
  const words: string[] = [];
  for (let index = 0; index < invocation.argv.length; index++) {
    const word = invocation.argv[index] as string;
    if (word.startsWith('--')) {
      index++; // every flag CliSource passes takes a value
      continue;
    }
    words.push(word);
  }
  return words.slice(0, 2).join(' ');
}

function count(log: string, name: string): number {
  return readOpLog(log).filter((invocation) => command(invocation) === name).length;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const REF = 'op://Engineering/deploy/token';

// ---------------------------------------------------------------------------------------

describe('finding op', () => {
  it('op not installed: exactly the contract message, one SECRETS_PROVIDER_UNAVAILABLE for the run', async () => {
    const cli = source({ env: opEnv({}), token: SERVICE_ACCOUNT_TOKEN, findOp: async () => '' });
    const error = await unavailable(
      resolveAll(cli, [REF, 'op://Platform/api/key', 'op://Engineering/legacy/credential']),
    );
    assert.equal(error.message, OP_NOT_FOUND);
    assert.equal(
      error.message,
      'op CLI not found in PATH - install 1password-cli to use this provider',
    );
  });

  it('the default lookup finds op through PATH', { skip: !posix }, async () => {
    const saved = process.env['PATH'];
    const log = tempFile('op.log');
    process.env['PATH'] = fakeOpPath();
    try {
      const cli = new CliSource({
        token: SERVICE_ACCOUNT_TOKEN,
        env: opEnv({ logFile: log }),
        policy: POLICY,
      });
      const outcomes = await resolveAll(cli, [REF]);
      assert.equal(value(outcomes, REF), VALUES.deployToken);
    } finally {
      process.env['PATH'] = saved;
    }
    assert.equal(count(log, '--version'), 1);
    assert.ok(readOpLog(log).length >= 2);
  });

  it('op 1.x: SECRETS_PROVIDER_UNAVAILABLE naming 2.x, checked once per source', async () => {
    const { log, source: cli } = logged({ version: '1.12.4' });
    const error = await unavailable(
      resolveAll(cli, [REF, 'op://Platform/api/key', 'op://Engineering/legacy/credential']),
    );
    assert.match(error.message, /2\.x/);
    assert.match(error.message, /1\.12\.4/);
    assert.equal(count(log, '--version'), 1);
    // The first command runs beside the version check; nothing runs after the verdict.
    assert.ok(readOpLog(log).length <= 2, 'commands ran after the version was refused');
  });

  it('op 2.x: the version is checked once for several refs and vaults', async () => {
    const { log, source: cli } = logged();
    const refs = [REF, 'op://Platform/api/key', 'op://Engineering/legacy/credential'];
    const outcomes = await resolveAll(cli, refs);
    assert.equal(value(outcomes, 'op://Platform/api/key'), VALUES.apiKeyUnsectioned);
    assert.equal(count(log, '--version'), 1);
    const first = readOpLog(log)
      .slice(0, 2)
      .map((entry) => command(entry));
    assert.ok(first.includes('--version'), 'checked beside the first command');
  });
});

// ---------------------------------------------------------------------------------------

describe("op's environment and arguments", () => {
  it(
    'service account: the token reaches op only through OP_SERVICE_ACCOUNT_TOKEN; Connect and INPUT_* variables never',
    {
      skip: !posix,
    },
    async () => {
      const log = tempFile('op.log');
      const dump = tempFile('env.txt');
      // A wrapper that records the INPUT_* and OP_* names op is started with, then runs the fake.
      const wrapper = join(dir, 'op');
      writeFileSync(
        wrapper,
        '#!/bin/sh\n' +
          `env | sed -n 's/^\\(INPUT_[^=]*\\)=.*/\\1/p; s/^\\(OP_[^=]*\\)=.*/\\1/p' >> "$ENV_DUMP"\n` +
          'echo --- >> "$ENV_DUMP"\n' +
          `exec '${join(FAKE_OP_BIN_DIR, 'op')}' "$@"\n`,
      );
      chmodSync(wrapper, 0o755);
      const cli = new CliSource({
        token: SERVICE_ACCOUNT_TOKEN,
        policy: POLICY,
        findOp: () => Promise.resolve(wrapper),
        env: opEnv(
          { logFile: log },
          {
            ENV_DUMP: dump,
            OP_SERVICE_ACCOUNT_TOKEN: 'ops_staletokenfromtheparentenvironment',
            OP_CONNECT_HOST: 'https://connect.example',
            OP_CONNECT_TOKEN: CONNECT_TOKEN,
            INPUT_SECRETS: 'X: op://Engineering/deploy/token',
            'INPUT_SERVICE-ACCOUNT-TOKEN': SERVICE_ACCOUNT_TOKEN,
            'INPUT_CONNECT-TOKEN': CONNECT_TOKEN,
          },
        ),
      });
      // One simple ref (op inject) and one that needs listing (vault list, item list, item get).
      const outcomes = await resolveAll(cli, [REF, 'op://Platform/queue/eu/password']);
      assert.equal(value(outcomes, REF), VALUES.deployToken);
      assert.equal(value(outcomes, 'op://Platform/queue/eu/password'), VALUES.queueEuPassword);

      const invocations = readOpLog(log);
      assert.ok(invocations.length >= 5);
      for (const invocation of invocations) {
        assert.ok(invocation.opEnv.includes('OP_SERVICE_ACCOUNT_TOKEN'), invocation.argv.join(' '));
        assert.ok(!invocation.opEnv.includes('OP_CONNECT_HOST'));
        assert.ok(!invocation.opEnv.includes('OP_CONNECT_TOKEN'));
        for (const arg of invocation.argv) {
          assert.ok(!arg.includes(SERVICE_ACCOUNT_TOKEN), 'the token is on the command line');
          assert.ok(!arg.includes(SERVICE_ACCOUNT_TOKEN.slice(4, 24)));
        }
      }
      const names = readFileSync(dump, 'utf8');
      assert.equal(names.split('---').length - 1, invocations.length);
      assert.doesNotMatch(names, /INPUT_/, 'INPUT_* variables reached op');
      assert.doesNotMatch(names, /OP_CONNECT/);
    },
  );

  it('account session: --account on every command, no service-account token even when the parent has one', async () => {
    const log = tempFile('op.log');
    const saved = process.env['OP_SERVICE_ACCOUNT_TOKEN'];
    process.env['OP_SERVICE_ACCOUNT_TOKEN'] = SERVICE_ACCOUNT_TOKEN;
    try {
      const cli = source({
        account: 'my-team',
        env: opEnv(
          { signedIn: ['my-team', 'other-team'], logFile: log },
          {
            OP_SERVICE_ACCOUNT_TOKEN: SERVICE_ACCOUNT_TOKEN,
            OP_CONNECT_HOST: 'https://connect.example',
            OP_CONNECT_TOKEN: CONNECT_TOKEN,
          },
        ),
      });
      const outcomes = await resolveAll(cli, [REF, 'op://Platform/queue/eu/password']);
      assert.equal(value(outcomes, 'op://Platform/queue/eu/password'), VALUES.queueEuPassword);
    } finally {
      if (saved === undefined) delete process.env['OP_SERVICE_ACCOUNT_TOKEN'];
      else process.env['OP_SERVICE_ACCOUNT_TOKEN'] = saved;
    }
    const invocations = readOpLog(log);
    assert.ok(invocations.length >= 5);
    for (const invocation of invocations) {
      assert.ok(!invocation.opEnv.includes('OP_SERVICE_ACCOUNT_TOKEN'), 'token reached op');
      assert.ok(!invocation.opEnv.some((name) => name.startsWith('OP_CONNECT')));
      if (command(invocation) === '--version') continue;
      const at = invocation.argv.indexOf('--account');
      assert.ok(at >= 0, `no --account in ${invocation.argv.join(' ')}`);
      assert.equal(invocation.argv[at + 1], 'my-team');
    }
  });

  it('account session not signed in: SECRETS_PROVIDER_UNAVAILABLE', async () => {
    const cli = source({ account: 'my-team', env: opEnv({ signedIn: ['other-team'] }) });
    const error = await unavailable(resolveAll(cli, [REF, 'op://Platform/api/key']));
    assert.match(error.message, /signed in/);
  });
});

// ---------------------------------------------------------------------------------------

describe('faults', () => {
  it('echo-token: the token never appears in the error', async () => {
    const { source: cli } = logged({ fault: 'echo-token' });
    const error = await unavailable(resolveAll(cli, [REF, 'op://Platform/queue/eu/password']));
    // Not vacuous: op did echo a token, which was hidden.
    assert.match(error.message, /"\*\*\*"/, error.message);
    assert.ok(!error.message.includes(SERVICE_ACCOUNT_TOKEN), error.message);
    assert.ok(!error.message.includes(SERVICE_ACCOUNT_TOKEN.slice(4, 24)), error.message);
    assert.ok(!error.message.includes(SERVICE_ACCOUNT_TOKEN.slice(-20)), error.message);
  });

  it('crash: SECRETS_PROVIDER_UNAVAILABLE, not retried', async () => {
    const { log, source: cli } = logged({ fault: 'crash' });
    await unavailable(resolveAll(cli, [REF, 'op://Platform/queue/eu/password']));
    assert.ok(count(log, 'inject') <= 1);
    assert.ok(count(log, 'vault list') <= 1);
  });

  // Independent sources, each waiting on its own op: side by side, to keep the file short.
  describe('an op that never exits', { concurrency: true }, () => {
    // Timeouts kept by an injected clock, which runs out when the test says so: a Node.js fake
    // op takes seconds to start on a busy machine, and no real deadline can be sure to wait.
    // The budget is beyond the attempt, as `now` is real (a budget of 600 000 ms would leave
    // 599 999 ms for the attempt once a millisecond has passed, seen on a loaded machine).
    const policy = { ...POLICY, attemptTimeoutMs: 600_000, budgetMs: 1_200_000 };

    /** A clock whose sleeps (the timeouts, any retry's wait) end only once `expire()` is called. */
    function expiringClock() {
      const pending = new Set<() => void>();
      const sleeps: number[] = [];
      let expired = false;
      const clock: Clock = {
        now: () => Date.now(),
        random: () => 0.5,
        sleep: (ms, signal) =>
          new Promise((resolve, reject) => {
            sleeps.push(ms);
            if (expired) return resolve();
            pending.add(resolve);
            signal.addEventListener(
              'abort',
              () => {
                pending.delete(resolve);
                reject(signal.reason as Error);
              },
              { once: true },
            );
          }),
      };
      const expire = () => {
        expired = true;
        for (const run of pending) run();
      };
      return { clock, pending, sleeps, expire };
    }

    /** Until `name` hangs and every other op is done: one timeout left running. */
    async function untilHanging(log: string, name: string, pending: Set<() => void>) {
      // Wide: an event awaited, bounded only against a fake that never starts.
      const deadline = performance.now() + 120_000;
      while (
        !readOpLog(log).some((run) => run.endedAt === null && command(run) === name) ||
        pending.size !== 1
      ) {
        assert.ok(performance.now() < deadline, `op ${name} never started hanging`);
        await sleep(20);
      }
    }

    it('fails coded after one attempt timeout, not retried (each retry would leave another op)', async () => {
      const { clock, pending, sleeps, expire } = expiringClock();
      const { log, source: cli } = logged({ fault: 'hang' }, { policy, clock });
      try {
        let settled = false;
        const failed = unavailable(resolveAll(cli, [REF, 'op://Platform/queue/eu/password']));
        void failed.finally(() => (settled = true)).catch(() => undefined);
        await untilHanging(log, 'inject', pending);
        assert.equal(settled, false, 'gave up before the attempt timeout');
        expire();
        const error = await failed;
        assert.equal(error.message, `op gave no answer within ${policy.attemptTimeoutMs} ms`);
        // Only the attempts' timeouts were waited for: no wait before a retry.
        assert.ok(
          sleeps.every((ms) => ms === policy.attemptTimeoutMs),
          `waits: ${sleeps.join(', ')}`,
        );
        const hung = readOpLog(log).filter((invocation) => invocation.endedAt === null);
        assert.deepEqual(hung.map(command), ['inject'], 'retried, or retried per ref');
        // Left running: exec cannot end it (the entry exits, the runner ends it with the job).
        assert.ok(hung.every((invocation) => alive(invocation.pid)));
      } finally {
        endLeftRunning(log);
      }
    });

    it('op --version that never exits: coded, within one attempt timeout', async () => {
      const { clock, pending, expire } = expiringClock();
      const { log, source: cli } = logged({ fault: 'hang@version' }, { policy, clock });
      try {
        const failed = unavailable(resolveAll(cli, [REF]));
        await untilHanging(log, '--version', pending);
        expire();
        const error = await failed;
        assert.ok(
          error.message.includes(`--version gave no answer within ${policy.attemptTimeoutMs} ms`),
          error.message,
        );
        assert.deepEqual(
          readOpLog(log)
            .filter((invocation) => invocation.endedAt === null)
            .map(command),
          ['--version'],
        );
      } finally {
        endLeftRunning(log);
      }
    });

    it('the attempt timeout is kept by the injected clock', async () => {
      const { clock, pending, expire } = expiringClock();
      const { log, source: cli } = logged({ fault: 'hang' }, { policy, clock });
      try {
        const failed = unavailable(resolveAll(cli, [REF]));
        // Until op inject hangs and the version check beside it is done: one timeout left.
        await untilHanging(log, 'inject', pending);
        const started = performance.now();
        expire();
        const error = await failed;
        assert.match(error.message, /^op gave no answer within 600000 ms$/);
        // Wide: at once, against the 600 s the real clock would have taken.
        assert.ok(performance.now() - started < 60_000, 'waited for real time');
      } finally {
        endLeftRunning(log);
      }
    });
  });

  it('an op that exits but leaves a process holding its output: done when op exits, values exact (inject, item get, binary op read)', async () => {
    const { log, source: cli } = logged({ fault: 'orphan@all' });
    const binary = 'op://Engineering/certs/binary.bin';
    const listed = 'op://Platform/queue/eu/password';
    try {
      const started = performance.now();
      const outcomes = await resolveAll(cli, [REF, listed, binary]);
      const elapsed = performance.now() - started;
      assert.equal(value(outcomes, REF), VALUES.deployToken);
      assert.equal(value(outcomes, listed), VALUES.queueEuPassword);
      const file = outcomes.get(parseRef(binary).text);
      assert.deepEqual(file, { kind: 'value', value: BINARY_FILE_BYTES });
      const commands = readOpLog(log).map(command);
      for (const name of ['--version', 'inject', 'vault list', 'item get', 'read']) {
        assert.ok(commands.includes(name), `no ${name} in ${commands.join(', ')}`);
      }
      // Six rounds of op, one after another: had any waited for its output to close (orphans
      // live 60 s; exec's default wait is 10 s), this would take a minute. Seconds per round
      // on a busy machine: the bound keeps a wide margin below that minute.
      assert.ok(elapsed < 45_000, `${elapsed} ms`);
      const orphans = readOpLog(log).map((invocation) => invocation.orphanPid);
      assert.ok(
        orphans.every((pid) => pid !== undefined && alive(pid)),
        'an op left no orphan, or it died: the case was not played',
      );
    } finally {
      endLeftRunning(log);
    }
  });

  it('op read cut short: a coded failure, never a shorter file', { skip: !posix }, async () => {
    // A wrapper that passes op read's output through `head -c 10`, as a lost tail would.
    const wrapper = join(dir, 'op-cut');
    writeFileSync(
      wrapper,
      '#!/bin/sh\n' +
        `case "$1" in read) '${join(FAKE_OP_BIN_DIR, 'op')}' "$@" | head -c 10; exit 0 ;; esac\n` +
        `exec '${join(FAKE_OP_BIN_DIR, 'op')}' "$@"\n`,
    );
    chmodSync(wrapper, 0o755);
    const cli = source({
      token: SERVICE_ACCOUNT_TOKEN,
      env: opEnv({}),
      findOp: () => Promise.resolve(wrapper),
    });
    const error = await unavailable(resolveAll(cli, ['op://Engineering/certs/binary.bin']));
    assert.match(error.message, /printed 10 bytes of file .*, whose size is \d+ bytes/);
  });

  it('a missing item whose title reads like a fault ("timeout"): op inject is not retried', async () => {
    // op quotes the ref in its message; classifyOpError sees "timeout" and calls it transient.
    const { log, source: cli } = logged();
    const ref = 'op://Engineering/timeout/token';
    const outcomes = await resolveAll(cli, [ref, REF]);
    const outcome = outcomes.get(parseRef(ref).text);
    assert.ok(outcome instanceof SecretsError);
    assert.equal(outcome.code, Code.refNotFound);
    assert.equal(count(log, 'inject'), 1, 'a not-found batch was retried as if transient');
  });

  it('op that exits at once without reading a template larger than a pipe holds: a coded failure, no EPIPE', async () => {
    // 3,000 references make a template of ~130 KiB, twice what a pipe buffers.
    const refs = Array.from(
      { length: 3_000 },
      (_, index) => `op://Engineering/item-${index}/token`,
    );
    const { log, source: cli } = logged({ fault: 'crash@inject' });
    const error = await sourceError(cli.readBatch(refs), 'unavailable');
    await cli.close();
    assert.match(error.message, /op failed/);
    assert.equal(count(log, 'inject'), 1);
  });

  // A shell script exits before Node writes its empty stdin in most runs: 200 runs each.
  for (const [kind, script] of [
    ['exits at once', 'exit 0'],
    ['prints a version, then exits', 'echo 2.30.3'],
  ] as const) {
    it(
      `an op that ${kind} without reading its stdin: a coded failure every time, never an uncaught EPIPE`,
      { skip: !posix },
      async () => {
        const op = tempFile('op');
        writeFileSync(op, `#!/bin/sh\n${script}\n`);
        chmodSync(op, 0o755);
        const uncaught: unknown[] = [];
        const record = (error: unknown) => uncaught.push(error);
        process.on('uncaughtException', record);
        try {
          for (let run = 0; run < 100; run++) {
            // `op --version` and `op vault list`: two op runs each.
            const cli = source({ env: {}, findOp: () => Promise.resolve(op) });
            const error = await sourceError(cli.listVaults(), 'unavailable');
            assert.match(error.message, /version|other than JSON/);
            await cli.close();
          }
          await sleep(50); // an error event comes on a later tick than the failed write
        } finally {
          process.off('uncaughtException', record);
        }
        assert.deepEqual(uncaught.map(String), []);
      },
    );
  }

  it('op printing more than it may: SECRETS_PROVIDER_UNAVAILABLE, not retried, nothing kept', async () => {
    // The PEM bundle is over 1 KiB; the limit is lowered so that a real file trips it.
    const { log, source: cli } = logged({}, { maxOutputBytes: 1024 });
    const error = await unavailable(resolveAll(cli, ['op://Engineering/certs/bundle.pem']));
    assert.match(error.message, /op printed more than .* MiB: its answer was dropped/);
    assert.ok(!error.message.includes('BEGIN CERTIFICATE'));
    // op inject printed the file: it is not run again, nor the reference read alone.
    assert.equal(count(log, 'inject'), 1);
    assert.equal(count(log, 'read'), 0);
  });

  it('garbage: SECRETS_PROVIDER_UNAVAILABLE, "something other than JSON"', async () => {
    const { source: cli } = logged({ fault: 'garbage' });
    const error = await unavailable(resolveAll(cli, [REF]));
    assert.match(error.message, /something other than JSON/);
  });

  it('rate-limit once: retried, then succeeds', async () => {
    const { log, source: cli } = logged({
      fault: 'rate-limit',
      faultTimes: 1,
      faultCounterFile: tempFile('counter'),
    });
    const outcomes = await resolveAll(cli, [REF]);
    assert.equal(value(outcomes, REF), VALUES.deployToken);
    const runs = readOpLog(log).filter((invocation) => command(invocation) !== '--version');
    assert.deepEqual(
      runs.map((invocation) => [command(invocation), invocation.exitCode]),
      [
        ['inject', 1],
        ['inject', 0],
      ],
    );
  });
});

// ---------------------------------------------------------------------------------------

/** The most op processes whose logged [startedAt, endedAt] overlap. */
function mostAtOnce(invocations: readonly OpInvocation[]): number {
  const events = invocations
    .flatMap((invocation) => [
      { at: invocation.startedAt, delta: 1 },
      { at: invocation.endedAt ?? Number.POSITIVE_INFINITY, delta: -1 },
    ])
    .sort((a, b) => a.at - b.at || a.delta - b.delta);
  let running = 0;
  let most = 0;
  for (const event of events) {
    running += event.delta;
    most = Math.max(most, running);
  }
  return most;
}

describe('process count', () => {
  it('simple refs over many items and vaults: one op --version and one op inject', async (t) => {
    const expected: Record<string, string> = {
      'op://Engineering/deploy/token': VALUES.deployToken,
      'op://Engineering/deploy/password': VALUES.deployPassword,
      'op://Engineering/deploy/username': VALUES.deployUsername,
      'op://Engineering/legacy/credential': VALUES.legacyCredential,
      'op://Engineering/mfa/username': VALUES.mfaUsername,
      'op://Engineering/whole/api key': VALUES.wholeApiKey,
      'op://Engineering/tricky/unicode': TRICKY_VALUES.unicode,
      'op://Engineering/tricky/spaces': TRICKY_VALUES.spaces,
      'op://Engineering/tricky/pem': TRICKY_VALUES.pem,
      'op://Platform/api/key': VALUES.apiKeyUnsectioned,
      'op://Platform/tls/private key': VALUES.tlsPrivateKey,
      [`op://${IDS.vaults.platform}/${IDS.items.dbStaging}/password`]: VALUES.dbStagingPassword,
    };
    const distinct = Object.keys(expected);
    const refs = [...distinct, ...distinct, ...distinct];
    const { log, source: cli } = logged({ delayMs: 50 });
    const started = performance.now();
    const outcomes = await resolveAll(cli, refs);
    const elapsed = performance.now() - started;
    for (const [ref, text] of Object.entries(expected)) assert.equal(value(outcomes, ref), text);
    const commands = readOpLog(log).map(command);
    t.diagnostic(`${refs.length} simple refs: ${commands.join(', ')}, ${elapsed.toFixed(0)} ms`);
    // The version check runs beside the inject, so either may be logged first.
    assert.deepEqual(commands.sort(), ['--version', 'inject']);
  });

  it('N refs over I items in V vaults that need listing: 1 --version + 1 vault list + V item list + I item get, at most 4 at once', async (t) => {
    // Not simple (whole items, four segments, titles outside op's reference syntax): no op inject.
    const byItem: Record<string, readonly string[]> = {
      deploy: ['op://Engineering/deploy/*'],
      legacy: ['op://Engineering/legacy/*'],
      tricky: ['op://Engineering/tricky/*'],
      mfa: ['op://Engineering/mfa/*'],
      whole: ['op://Engineering/whole/*'],
      cle: ["op://Engineering/Clé d'accès (prod)/token"],
      loom: ['op://Engineering/services/loom/deploy/token'],
      queue: ['op://Platform/queue/eu/password'],
      db: ['op://Platform/db/staging/password'],
      api: ['op://Platform/api/primary/key', 'op://Platform/api/secondary/key'],
      tls: ['op://Platform/tls/*'],
    };
    const items = Object.keys(byItem).length;
    const vaults = 2;
    const distinct = Object.values(byItem).flat();
    const refs = [...distinct, ...distinct, ...distinct];
    const { log, source: cli } = logged({ delayMs: 250 });
    const started = performance.now();
    const outcomes = await resolveAll(cli, refs);
    const elapsed = performance.now() - started;
    for (const ref of distinct) {
      const outcome = outcomes.get(parseRef(ref).text);
      assert.ok(
        outcome && !(outcome instanceof SecretsError),
        `${ref}: ${outcome instanceof Error ? outcome.message : 'missing'}`,
      );
    }
    assert.equal(value(outcomes, 'op://Platform/api/secondary/key'), VALUES.apiKeySecondary);
    assert.equal(value(outcomes, 'op://Platform/db/staging/password'), VALUES.dbStagingPassword);

    const invocations = readOpLog(log);
    const commands = invocations.map(command);
    assert.equal(commands.filter((name) => name === '--version').length, 1);
    assert.equal(commands.filter((name) => name === 'vault list').length, 1);
    assert.equal(commands.filter((name) => name === 'item list').length, vaults);
    assert.equal(commands.filter((name) => name === 'item get').length, items);
    assert.equal(invocations.length, 2 + vaults + items, commands.join(', '));
    assert.ok(invocations.every((invocation) => invocation.exitCode === 0));
    const most = mostAtOnce(invocations);
    t.diagnostic(
      `${refs.length} refs, ${items} items, ${vaults} vaults: ${invocations.length} op runs, at most ${most} at once, ${elapsed.toFixed(0)} ms`,
    );
    assert.ok(most <= 4, `${most} op processes at once`);
    assert.ok(most >= 2, `ran one at a time (${most})`);
  });
});

// ---------------------------------------------------------------------------------------

describe('the same answer as the other backends', () => {
  it('a simple ref whose vault and item differ from the titles only in case: the same value as through Connect and the SDK', async () => {
    // Titles match exactly first, then ignoring case, in src/resolve.ts as in op itself.
    const cli = source({ token: SERVICE_ACCOUNT_TOKEN, env: opEnv({}) });
    const refs = ['op://engineering/DEPLOY/token', 'op://Engineering/deploy/TOKEN'];
    const outcomes = await resolveAll(cli, refs);
    for (const ref of refs) {
      const outcome = outcomes.get(parseRef(ref).text);
      assert.ok(outcome && !(outcome instanceof SecretsError), `${ref} failed`);
      assert.deepEqual(outcome, { kind: 'value', value: VALUES.deployToken });
    }
  });
});

// ---------------------------------------------------------------------------------------

/** The SourceError a promise rejects with, of this failure. */
async function sourceError(
  promise: Promise<unknown>,
  failure: SourceFailure,
): Promise<SourceError> {
  const caught = await rejectionOf(promise, SourceError);
  assert.equal(caught.failure, failure, caught.message);
  return caught;
}

/** The name and value of each variable of a fixture Environment, in its order. */
function variablesOf(id: string): { name: string; value: string }[] {
  const environment = environmentById(id);
  assert.ok(environment !== undefined, id);
  return environment.variables.map(({ name, value }) => ({ name, value }));
}

/** An op that has `op environment read`. */
const ENV_OP: FakeOpOptions = { version: OP_ENVIRONMENT_READ_VERSION };

describe('Environments: op environment read', () => {
  it('the version the backend needs is the one the fake (like op) starts having the command at', () => {
    assert.equal(OP_ENVIRONMENT_READ_VERSION, '2.33.0-beta.02');
    assert.equal(FAKE_OP_ENVIRONMENT_READ_VERSION, OP_ENVIRONMENT_READ_VERSION);
  });

  it('service account: every variable in order, values exact (multi-line too); the token only in op’s environment', async () => {
    const { log, source: cli } = logged(ENV_OP);
    const variables = await cli.readEnvironment(ENVIRONMENT_IDS.staging);
    await cli.close();
    assert.deepEqual(variables, variablesOf(ENVIRONMENT_IDS.staging));
    assert.equal(variables[2]?.name, 'SIGNING_KEY');
    assert.match(variables[2]?.value ?? '', /^-----BEGIN KEY-----\n.*\n-----END KEY-----\n$/);

    const reads = readOpLog(log).filter((entry) => command(entry) === 'environment read');
    assert.equal(reads.length, 1);
    // The ID after `--`: op never takes it for an option.
    assert.deepEqual(reads[0]?.argv, [
      'environment',
      'read',
      '--format',
      'json',
      '--',
      ENVIRONMENT_IDS.staging,
    ]);
    for (const invocation of readOpLog(log)) {
      assert.ok(invocation.opEnv.includes('OP_SERVICE_ACCOUNT_TOKEN'));
      for (const arg of invocation.argv) {
        assert.ok(
          !arg.includes(SERVICE_ACCOUNT_TOKEN.slice(4, 24)),
          'the token is on the command line',
        );
      }
    }
  });

  it('an ID that reads like an option reaches op after `--`, as an ID: not found, never op’s help', async () => {
    // The inputs refuse such an ID before any request; the backend does not rely on that.
    const { log, source: cli } = logged(ENV_OP);
    const error = await sourceError(cli.readEnvironment('--help'), 'not-found');
    await cli.close();
    assert.match(error.message, /"--help" isn't an environment/);
    const reads = readOpLog(log).filter((entry) => command(entry) === 'environment read');
    assert.deepEqual(
      reads.map((entry) => entry.argv),
      [['environment', 'read', '--format', 'json', '--', '--help']],
    );
  });

  it('values with newlines, CRLF, quotes, `=`, `#`, `$`, spaces and unicode arrive byte for byte, in order', async () => {
    const data = tempFile('environments.json');
    const tricky = Object.entries(TRICKY_VALUES).map(([label, text]) => ({
      name: `TRICKY_${label.toUpperCase()}`,
      value: text,
      masked: true,
    }));
    const variables = [
      { name: 'Z_FIRST', value: 'first', masked: false },
      ...tricky,
      { name: 'EMPTY', value: '', masked: false },
      { name: 'QUOTED', value: '"double" \'single\' `back` \\n not-a-newline', masked: true },
      { name: 'A_LAST', value: '\nleading and trailing newlines\n\n', masked: true },
    ];
    writeOpEnvironments(data, [{ id: 'trickyenv0000000000000000e', name: 'tricky', variables }]);
    const { source: cli } = logged({ ...ENV_OP, environmentDataFile: data });
    const read = await cli.readEnvironment('trickyenv0000000000000000e');
    await cli.close();
    assert.deepEqual(
      read,
      variables.map(({ name, value }) => ({ name, value })),
    );
    for (const [index, variable] of read.entries()) {
      assert.ok(
        Buffer.from(variable.value, 'utf8').equals(
          Buffer.from(variables[index]?.value ?? '', 'utf8'),
        ),
        variable.name,
      );
    }
  });

  it('an Environment without variables: an empty list', async () => {
    const { source: cli } = logged(ENV_OP);
    assert.deepEqual(await cli.readEnvironment(ENVIRONMENT_IDS.empty), []);
    await cli.close();
  });

  it('a variable with an empty name is handed over (the pipeline refuses it by name); a name that is not a string is unavailable', async () => {
    const { source: cli } = logged(ENV_OP);
    assert.deepEqual(
      await cli.readEnvironment(ENVIRONMENT_IDS.blankName),
      variablesOf(ENVIRONMENT_IDS.blankName),
    );
    await cli.close();

    const data = tempFile('environments.json');
    const odd = [
      { name: 7, value: 'seven', masked: true },
    ] as unknown as FakeEnvironment['variables'];
    writeOpEnvironments(data, [{ id: 'oddenv00000000000000000000', name: 'odd', variables: odd }]);
    const { source: oddCli } = logged({ ...ENV_OP, environmentDataFile: data });
    const error = await sourceError(
      oddCli.readEnvironment('oddenv00000000000000000000'),
      'unavailable',
    );
    await oddCli.close();
    assert.match(error.message, /unexpected environment variable/);
  });

  it('an unknown Environment: not-found, with op’s words, not retried', async () => {
    const { log, source: cli } = logged(ENV_OP);
    const error = await sourceError(cli.readEnvironment(ENVIRONMENT_IDS.unknown), 'not-found');
    await cli.close();
    assert.match(error.message, /isn't an environment/);
    assert.ok(error.message.includes(ENVIRONMENT_IDS.unknown));
    assert.equal(count(log, 'environment read'), 1);
  });

  for (const version of ['2.30.3', '2.32.1', '2.33.0-beta.01']) {
    it(`op ${version}: unavailable naming both versions, before op environment read runs`, async () => {
      const { log, source: cli } = logged({ version });
      const error = await sourceError(cli.readEnvironment(ENVIRONMENT_IDS.staging), 'unavailable');
      await cli.close();
      assert.ok(
        error.message.startsWith(
          `op ${version} has no \`op environment read\`; 1Password CLI 2.33.0-beta.02 or newer is needed`,
        ),
        error.message,
      );
      assert.deepEqual(
        readOpLog(log).map((entry) => command(entry)),
        ['--version'],
        'nothing but op --version ran',
      );
    });
  }

  it('a newer op without the command ("unknown command"): the same unavailable, not retried', async () => {
    const { log, source: cli } = logged({ version: '2.38.1', environmentCommand: false });
    const error = await sourceError(cli.readEnvironment(ENVIRONMENT_IDS.staging), 'unavailable');
    await cli.close();
    assert.ok(
      error.message.startsWith(
        'op 2.38.1 has no `op environment read`; 1Password CLI 2.33.0-beta.02',
      ),
      error.message,
    );
    assert.equal(count(log, 'environment read'), 1);
  });

  it('op 1.x: the 2.x message, as for any other command', async () => {
    const { source: cli } = logged({ version: '1.12.4' });
    const error = await sourceError(cli.readEnvironment(ENVIRONMENT_IDS.staging), 'unavailable');
    await cli.close();
    assert.match(error.message, /op 1\.12\.4 .*2\.x is required/);
  });

  it('account session: --account reaches op environment read; no service-account token', async () => {
    const log = tempFile('op.log');
    const cli = source({
      account: 'my-team',
      env: opEnv(
        { ...ENV_OP, signedIn: ['my-team', 'other-team'], logFile: log },
        { OP_SERVICE_ACCOUNT_TOKEN: SERVICE_ACCOUNT_TOKEN },
      ),
    });
    assert.deepEqual(
      await cli.readEnvironment(ENVIRONMENT_IDS.staging),
      variablesOf(ENVIRONMENT_IDS.staging),
    );
    await cli.close();
    const read = readOpLog(log).find((entry) => command(entry) === 'environment read');
    assert.ok(read !== undefined);
    assert.ok(!read.opEnv.includes('OP_SERVICE_ACCOUNT_TOKEN'), 'token reached op');
    const at = read.argv.indexOf('--account');
    assert.ok(at >= 0, read.argv.join(' '));
    assert.equal(read.argv[at + 1], 'my-team');
  });

  it('account session not signed in: unavailable, not not-found', async () => {
    const cli = source({ account: 'my-team', env: opEnv({ ...ENV_OP, signedIn: ['other-team'] }) });
    const error = await sourceError(cli.readEnvironment(ENVIRONMENT_IDS.staging), 'unavailable');
    await cli.close();
    assert.match(error.message, /signed in/);
  });

  it('the version is checked once for an Environment and refs together', async () => {
    const { log, source: cli } = logged(ENV_OP);
    const [variables, outcomes] = await Promise.all([
      cli.readEnvironment(ENVIRONMENT_IDS.staging),
      new Resolver(cli).resolveAll([parseRef(REF)]),
    ]);
    await cli.close();
    assert.equal(variables.length, 3);
    assert.equal(value(outcomes, REF), VALUES.deployToken);
    assert.equal(count(log, '--version'), 1);
  });

  it('garbage on stdout: unavailable, and no value in the message', async () => {
    const { source: cli } = logged({ ...ENV_OP, fault: 'garbage@environment' });
    const error = await sourceError(cli.readEnvironment(ENVIRONMENT_IDS.staging), 'unavailable');
    await cli.close();
    assert.match(error.message, /something other than JSON/);
  });

  it('rate-limited once: retried, then the variables', async () => {
    const { log, source: cli } = logged({
      ...ENV_OP,
      fault: 'rate-limit@environment',
      faultTimes: 1,
      faultCounterFile: tempFile('counter'),
    });
    assert.deepEqual(
      await cli.readEnvironment(ENVIRONMENT_IDS.staging),
      variablesOf(ENVIRONMENT_IDS.staging),
    );
    await cli.close();
    assert.deepEqual(
      readOpLog(log)
        .filter((entry) => command(entry) === 'environment read')
        .map((entry) => entry.exitCode),
      [1, 0],
    );
  });

  it('the token echoed by op never reaches the message', async () => {
    const { source: cli } = logged({ ...ENV_OP, fault: 'echo-token@environment' });
    const error = await sourceError(cli.readEnvironment(ENVIRONMENT_IDS.staging), 'unavailable');
    await cli.close();
    assert.ok(!error.message.includes(SERVICE_ACCOUNT_TOKEN.slice(4, 24)), error.message);
  });
});

describe('op versions and environment errors (pure)', () => {
  it('tells an op older than the first with environment read, pre-releases included', () => {
    const older = ['2.30.3', '2.32.9', '2.33.0-beta.01', '2.33.0-alpha.9', '1.12.4'];
    const newer = ['2.33.0-beta.02', '2.33.0-beta.10', '2.33.0', '2.33.1', '2.41.0', '10.0.0'];
    for (const version of older) assert.equal(lacksEnvironmentRead(version), true, version);
    for (const version of newer) assert.equal(lacksEnvironmentRead(version), false, version);
    // Unreadable versions are left to op's own "unknown command".
    for (const version of ['2.x', '2.33', '']) {
      assert.equal(lacksEnvironmentRead(version), false, version);
    }
  });

  const cases: [message: string, failure: SourceFailure | 'transient'][] = [
    [`unknown command "environment" for "op"\nRun 'op --help' for usage.`, 'unavailable'],
    [`unknown command "read" for "op environment"`, 'unavailable'],
    [
      `"abc" isn't an environment in this account. Specify the environment with its ID.`,
      'not-found',
    ],
    ['environment not found', 'not-found'],
    ['invalid environment UUID', 'not-found'],
    ['(403) Forbidden: the service account may not read this environment', 'denied'],
    [
      "(429) Too Many Requests: You've reached the maximum number of requests allowed.",
      'transient',
    ],
    ['error initializing client: (401) Unauthorized', 'unavailable'],
    // Quoted names that say "environment" do not make an auth failure a not-found.
    ['error initializing client: invalid token "prod environment"', 'unavailable'],
    [
      'You are not currently signed in. Please run `op signin --help` for instructions',
      'unavailable',
    ],
  ];
  for (const [message, failure] of cases) {
    it(`${failure}: ${message.split('\n')[0] ?? ''}`, () => {
      const sorted = classifyEnvironmentError(message, '2.38.1');
      if (failure === 'transient') {
        assert.ok(!(sorted instanceof SourceError), 'expected a transient failure');
        return;
      }
      assert.ok(sorted instanceof SourceError, 'expected a final failure');
      assert.equal(sorted.failure, failure, sorted.message);
      if (/unknown command/.test(message)) assert.match(sorted.message, /^op 2\.38\.1 has no/);
    });
  }
});
